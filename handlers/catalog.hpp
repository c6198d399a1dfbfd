#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>
#include <utility>

#include "handlers/reply.hpp"

namespace inmaek::handlers {

/// Every sentence the bot says, by key; catalog.cpp holds the English and Korean text.
enum class Msg {
    alias_taken,
    aliases_line,
    bad_date,
    bad_email,
    bad_lead_id,
    bad_money,
    bad_phone,
    bad_subscription,
    bad_time_zone,
    chat_not_linked,
    companies_line,
    companies_title,
    company_exists,
    company_needs_name,
    company_not_found,
    company_saved,
    contact_exists,
    contact_needs_name,
    contact_not_found,
    contact_one_company,
    contact_saved,
    contacts_line,
    done_button,
    due_part,
    due_suffix,
    follow_up_line,
    help_footer,
    help_title,
    history_header,
    industry_line,
    last_meetings_header,
    lead_link_line,
    lead_needs_company,
    lead_needs_title,
    lead_not_found,
    lead_saved,
    lead_updated,
    meet_needs_company,
    meeting_saved,
    member_not_found,
    merge_not_available,
    needs_manager,
    new_companies,
    new_contacts,
    none_yet,
    not_subscribed,
    not_understood,
    notes_line,
    nothing_logged_yet,
    open_follow_ups_header,
    open_leads_header,
    owner_part,
    place_line,
    reminder_title,
    report_count,
    report_dropped,
    report_due_today,
    report_empty,
    report_idle,
    report_idle_days,
    report_meetings,
    report_more,
    report_moves,
    report_new_follow_ups,
    report_new_leads,
    report_open_total,
    report_overdue,
    report_pipeline,
    report_signed,
    report_title,
    report_today_meetings,
    report_unassigned,
    subscribed_daily,
    subscribed_weekly,
    summary_companies,
    summary_company,
    summary_contact,
    summary_done,
    summary_help,
    summary_late,
    summary_lead,
    summary_meet,
    summary_subscribe,
    summary_summary,
    summary_todo,
    summary_todos,
    summary_unsubscribe,
    tier_line,
    todo_already_done,
    todo_done,
    todo_needs_text,
    todo_not_found,
    todos_all_title,
    todos_mine_title,
    todos_overdue_title,
    try_help,
    unknown_command,
    unknown_field,
    unknown_stage,
    unsubscribed,
    usage_companies,
    usage_company,
    usage_contact,
    usage_done,
    usage_help,
    usage_lead,
    usage_meet,
    usage_prefix,
    usage_subscribe,
    usage_summary,
    usage_todo,
    usage_todos,
    usage_unsubscribe,
};

/// The text of a message in a language, with fmt-style `{}` placeholders.
std::string_view catalog_text(Msg message, Lang lang);

/// A catalogue message with its placeholders filled.
template <typename... Args>
std::string tr(Lang lang, Msg message, Args&&... args) {
    if constexpr (sizeof...(Args) == 0) {
        return std::string{catalog_text(message, lang)};
    } else {
        return fmt::format(fmt::runtime(catalog_text(message, lang)), std::forward<Args>(args)...);
    }
}

}  // namespace inmaek::handlers
