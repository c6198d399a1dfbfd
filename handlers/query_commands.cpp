// /find (/검색) text · /leads (/리드목록) [filters]: the read-only questions of the database.
#include "handlers/format.hpp"
#include "handlers/lead_query.hpp"
#include "handlers/router.hpp"
#include "handlers/text.hpp"
#include "storage/search_text.hpp"

namespace inmaek::handlers {

namespace {

/// Hits shown by /find; the rest are counted.
constexpr int kFindHits = 10;
/// Characters of a hit's snippet: one line on a phone.
constexpr std::size_t kSnippetChars = 60;

/// "3", or "100+" when counting stopped there (storage::kSearchCountCap).
std::string count_text(std::int64_t count, bool capped) {
    return std::to_string(count) + (capped ? "+" : "");
}

std::string hit_line(const Context& ctx, const storage::SearchHit& hit) {
    using storage::SearchKind;
    std::string head;
    switch (hit.kind) {
        case SearchKind::company: head = "🏢 " + hit.title; break;
        case SearchKind::contact: head = tr(ctx.lang, Msg::found_contact_line, hit.title); break;
        case SearchKind::lead:
            head = tr(ctx.lang, Msg::found_lead, hit.entity_id, hit.title);
            break;
        case SearchKind::follow_up: head = tr(ctx.lang, Msg::found_follow_up, hit.entity_id); break;
        case SearchKind::meeting:
            head = tr(ctx.lang, Msg::found_meeting, hit.entity_id, format_time(ctx, hit.at, false));
            break;
    }
    // A name or title that is the whole snippet is not shown twice.
    if (hit.snippet.empty() || hit.snippet == hit.title) return head;
    return head + " — " + hit.snippet;
}

Reply find(Context& ctx, std::string_view args) {
    const auto query = text::trim(args);
    const auto words = storage::search_text::words(query);
    const bool usable = std::any_of(words.begin(), words.end(), [](const std::string& word) {
        return storage::search_text::length(word) >= 2;
    });
    if (!usable) return mistake(ctx, tr(ctx.lang, Msg::find_needs_text), Msg::usage_find);
    const auto results = ctx.db.search().search(ctx.workspace.id, query, kFindHits, kSnippetChars);
    Reply reply;
    reply.lang = ctx.lang;
    if (results.hits.empty()) {
        reply.title = tr(ctx.lang, Msg::find_none, query);
        return reply;
    }
    reply.title =
        tr(ctx.lang, Msg::find_title, query, count_text(results.total, results.total_capped));
    for (const auto& hit : results.hits) reply.lines.push_back(hit_line(ctx, hit));
    const auto more = results.total - static_cast<std::int64_t>(results.hits.size());
    if (more > 0)
        reply.lines.push_back(
            tr(ctx.lang, Msg::report_more, count_text(more, results.total_capped)));
    return reply;
}

std::string lead_line(const Context& ctx, const storage::LeadListItem& item) {
    const auto& lead = item.lead;
    std::vector<std::string> parts{"#" + std::to_string(lead.id) + " " + lead.title,
                                   stage_label(ctx, lead.stage)};
    if (lead.value) parts.push_back(format_money(ctx, *lead.value));
    if (!item.companies.empty()) parts.push_back(join(item.companies));
    if (!item.owner.empty()) parts.push_back(tr(ctx.lang, Msg::owner_part, item.owner));
    if (lead.due) parts.push_back(tr(ctx.lang, Msg::due_part, format_day(*lead.due)));
    return join(parts, " · ");
}

Reply leads(Context& ctx, std::string_view args) {
    const auto found = query_leads(ctx, args);
    if (!found) return mistake(ctx, found.error(), Msg::usage_leads);
    const auto& page = *found;
    Reply reply;
    reply.lang = ctx.lang;
    if (page.items.empty()) {
        reply.title = tr(ctx.lang, Msg::leads_none);
        return reply;
    }
    reply.title = tr(ctx.lang, Msg::leads_title, page.total);
    for (const auto& item : page.items) reply.lines.push_back(lead_line(ctx, item));
    const auto more = page.total - static_cast<std::int64_t>(page.items.size());
    if (more > 0) reply.lines.push_back(tr(ctx.lang, Msg::report_more, more));
    return reply;
}

}  // namespace

void register_query_commands(Router& router) {
    // Both read across the workspace: slow enough for Discord's deferred answer.
    router.add({"find", {"검색", "찾기"}, Msg::summary_find, Msg::usage_find, find, /*slow=*/true});
    router.add({"leads",
                {"리드목록", "리드들"},
                Msg::summary_leads,
                Msg::usage_leads,
                leads,
                /*slow=*/true});
}

}  // namespace inmaek::handlers
