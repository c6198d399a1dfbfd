#include "handlers/context.hpp"

#include <date/tz.h>

namespace inmaek::handlers {

std::chrono::year_month_day Context::today() const {
    const auto local = date::make_zoned(zone, now).get_local_time();
    const auto days = date::floor<date::days>(local);
    return std::chrono::year_month_day{std::chrono::sys_days{days.time_since_epoch()}};
}

storage::FollowUp Context::follow_up_draft() const {
    storage::FollowUp follow_up;
    follow_up.workspace_id = workspace.id;
    follow_up.assignee_id = user.id;
    follow_up.created_by = user.id;
    follow_up.created_at = now;
    if (message.platform != Platform::console && message.platform != Platform::api) {
        follow_up.origin_platform = to_string(message.platform);
        follow_up.origin_chat = chat_key(message);
    }
    return follow_up;
}

std::string Context::source() const {
    const auto& key = message.event_key.empty() ? message.source_message_id : message.event_key;
    return std::string{to_string(message.platform)} + ":" + key;
}

void Context::audit(std::string_view action, std::string_view entity, storage::Id entity_id,
                    std::string before_json, std::string after_json) const {
    storage::AuditEntry entry;
    entry.workspace_id = workspace.id;
    // An API key acts without a user (id 0): the column then holds NULL.
    if (user.id != 0) entry.user_id = user.id;
    entry.action = action;
    entry.entity = entity;
    entry.entity_id = entity_id;
    entry.source = source();
    entry.before_json = std::move(before_json);
    entry.after_json = std::move(after_json);
    entry.at = now;
    db.audit().append(entry);
}

}  // namespace inmaek::handlers
