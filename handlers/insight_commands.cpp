// /history (/이력) Company · /pipeline (/파이프라인) · /path (/경로) @A @B: questions about a
// company's past, the pipeline as a whole and the meetings that connect two companies.
#include <fmt/format.h>

#include "handlers/catalog.hpp"
#include "handlers/format.hpp"
#include "handlers/lexer.hpp"
#include "handlers/router.hpp"
#include "handlers/summary.hpp"
#include "handlers/text.hpp"

namespace inmaek::handlers {

namespace {

/// Timeline entries shown by /history; the rest are counted.
constexpr int kHistoryEntries = 20;
/// Moves of this month shown per section by /pipeline.
constexpr std::size_t kMonthMoves = 5;
/// /path: chains answered, and the longest chain looked for.
constexpr int kChains = 3;
constexpr int kMaxHops = 3;
/// Notes and titles are cut so that a line fits a phone's width or two.
constexpr std::size_t kTextChars = 50;

/// The company names written as arguments: @mentions, quoted names or bare words, each one name.
std::vector<std::string> company_names(std::string_view args) {
    std::vector<std::string> names;
    for (const auto& token : lex(args, {}).tokens) {
        if (token.kind != Token::Kind::colon && !token.text.empty()) names.push_back(token.text);
    }
    return names;
}

std::optional<storage::Company> find_company(Context& ctx, std::string_view name) {
    return ctx.db.companies().find_by_key(ctx.workspace.id, text::fold_key(name));
}

std::string by_part(const Context& ctx, const std::string& name) {
    return name.empty() ? std::string{} : " (" + tr(ctx.lang, Msg::logged_by, name) + ")";
}

std::string timeline_line(const Context& ctx, const storage::TimelineEntry& entry) {
    using storage::TimelineKind;
    const auto title = text::ellipsize(entry.text.substr(0, entry.text.find('\n')), kTextChars);
    std::string line;
    switch (entry.kind) {
        case TimelineKind::meeting:
            line = tr(ctx.lang, Msg::found_meeting, entry.id,
                      format_time(ctx, entry.at, entry.has_time));
            if (!title.empty()) line += " · " + title;
            break;
        case TimelineKind::lead_created:
            line = tr(ctx.lang, Msg::found_lead, entry.id, title) + " · " +
                   tr(ctx.lang, Msg::lead_created_part, stage_label(ctx, entry.to_stage));
            break;
        case TimelineKind::stage_move:
            line = tr(ctx.lang, Msg::found_lead, entry.id, title) + ": " +
                   stage_label(ctx, entry.from_stage) + " → " + stage_label(ctx, entry.to_stage);
            break;
        case TimelineKind::follow_up:
            line = tr(ctx.lang, Msg::found_follow_up, entry.id) + ": " + title;
            if (entry.due) line += tr(ctx.lang, Msg::due_suffix, format_day(*entry.due));
            if (entry.done) line += " ✓";
            break;
    }
    // Meetings carry their own date and time; the rest say the day they happened in front.
    if (entry.kind != TimelineKind::meeting) line = format_time(ctx, entry.at, false) + " " + line;
    return line + by_part(ctx, entry.by);
}

Reply history(Context& ctx, std::string_view args) {
    const auto name = text::trim(join(company_names(args), " "));
    if (name.empty())
        return mistake(ctx, tr(ctx.lang, Msg::company_needs_name), Msg::usage_history);
    const auto company = find_company(ctx, name);
    if (!company) {
        return mistake(ctx, tr(ctx.lang, Msg::company_not_found, name), Msg::usage_history);
    }
    const auto page =
        ctx.db.insights().company_history(ctx.workspace.id, company->id, kHistoryEntries);
    Reply reply;
    reply.lang = ctx.lang;
    if (page.items.empty()) {
        reply.title = tr(ctx.lang, Msg::company_history_none, company->name);
        return reply;
    }
    reply.title = tr(ctx.lang, Msg::company_history_title, company->name, page.total);
    for (const auto& entry : page.items) reply.lines.push_back(timeline_line(ctx, entry));
    const auto more = page.total - static_cast<std::int64_t>(page.items.size());
    if (more > 0) reply.lines.push_back(tr(ctx.lang, Msg::report_more, more));
    return reply;
}

Reply pipeline(Context& ctx, std::string_view /*args*/) {
    auto& reports = ctx.db.summaries();
    // This month in the workspace's time zone: from its first local day to the next month's.
    const auto today = ctx.today();
    const std::chrono::year_month month{today.year(), today.month()};
    const auto from = to_utc(ctx, month / std::chrono::day{1}, std::nullopt);
    const auto to =
        to_utc(ctx, (month + std::chrono::months{1}) / std::chrono::day{1}, std::nullopt);
    auto lines = pipeline_lines(ctx.lang, reports.pipeline(ctx.workspace.id), true);
    Reply reply;
    reply.lang = ctx.lang;
    reply.title = lines.front();  // the summary's pipeline header
    reply.lines.assign(std::make_move_iterator(lines.begin() + 1),
                       std::make_move_iterator(lines.end()));
    reply.lines.push_back(tr(ctx.lang, Msg::pipeline_month,
                             fmt::format("{:04}-{:02}", static_cast<int>(month.year()),
                                         static_cast<unsigned>(month.month()))));
    auto moves = lead_move_lines(
        ctx.lang, reports.lead_moves(ctx.workspace.id, from, to, static_cast<int>(kMonthMoves)),
        kMonthMoves);
    if (moves.empty()) moves.push_back("  " + tr(ctx.lang, Msg::pipeline_month_quiet));
    for (auto& line : moves) reply.lines.push_back(std::move(line));
    return reply;
}

std::string hop_line(const Context& ctx, const storage::CompanyHop& hop) {
    auto line = tr(ctx.lang, Msg::path_hop, hop.from_name, hop.to_name, hop.meeting_id,
                   format_time(ctx, hop.meeting_at, false));
    std::vector<std::string> details = hop.contacts;
    if (!hop.logged_by.empty()) details.push_back(tr(ctx.lang, Msg::logged_by, hop.logged_by));
    if (hop.meetings > 1) details.push_back(tr(ctx.lang, Msg::path_meetings, hop.meetings));
    if (!details.empty()) line += " (" + join(details) + ")";
    return line;
}

Reply path(Context& ctx, std::string_view args) {
    const auto names = company_names(args);
    if (names.size() != 2) {
        return mistake(ctx, tr(ctx.lang, Msg::path_needs_two), Msg::usage_path);
    }
    std::vector<storage::Company> ends;
    for (const auto& name : names) {
        auto company = find_company(ctx, name);
        if (!company) {
            return mistake(ctx, tr(ctx.lang, Msg::company_not_found, name), Msg::usage_path);
        }
        ends.push_back(std::move(*company));
    }
    if (ends[0].id == ends[1].id) {
        return mistake(ctx, tr(ctx.lang, Msg::path_same, ends[0].name), Msg::usage_path);
    }
    const auto chains =
        ctx.db.insights().paths(ctx.workspace.id, ends[0].id, ends[1].id, kMaxHops, kChains);
    Reply reply;
    reply.lang = ctx.lang;
    if (chains.empty()) {
        reply.title = tr(ctx.lang, Msg::path_none, ends[0].name, ends[1].name, kMaxHops);
        return reply;
    }
    reply.title =
        tr(ctx.lang, Msg::path_title, ends[0].name, ends[1].name, chains.front().hops.size());
    for (std::size_t i = 0; i < chains.size(); ++i) {
        const auto& hops = chains[i].hops;
        if (hops.size() == 1) {
            reply.lines.push_back(hop_line(ctx, hops.front()));
            continue;
        }
        std::vector<std::string> companies{hops.front().from_name};
        for (const auto& hop : hops) companies.push_back(hop.to_name);
        reply.lines.push_back(fmt::format("{}. {}", i + 1, join(companies, " → ")));
        for (const auto& hop : hops) reply.lines.push_back("  " + hop_line(ctx, hop));
    }
    return reply;
}

}  // namespace

void register_insight_commands(Router& router) {
    // Each reads across many rows: slow enough for Discord's deferred answer.
    router.add({"history",
                {"이력", "히스토리"},
                Msg::summary_history,
                Msg::usage_history,
                history,
                /*slow=*/true});
    router.add({"pipeline",
                {"파이프라인"},
                Msg::summary_pipeline,
                Msg::usage_pipeline,
                pipeline,
                /*slow=*/true});
    router.add({"path",
                {"경로", "연결"},
                Msg::summary_path,
                Msg::usage_path,
                path,
                /*slow=*/true});
}

}  // namespace inmaek::handlers
