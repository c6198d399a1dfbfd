// summarize() and /summary (/요약) [yesterday|today|week|<date>].
#include "handlers/summary.hpp"

#include <date/tz.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>

#include "handlers/catalog.hpp"
#include "handlers/format.hpp"
#include "handlers/money.hpp"
#include "handlers/router.hpp"
#include "handlers/stages.hpp"
#include "handlers/text.hpp"
#include "handlers/when.hpp"

namespace inmaek::handlers {

namespace {

using storage::Day;
using storage::Page;

/// Items read and shown per section.
constexpr int kSectionItems = 10;
/// /summary answers in one message, which messengers cut (Telegram at 4,096 characters): it
/// stays well below by showing fewer items per section, the sizes tried in turn until it fits.
/// The scheduled summary shows every section in full and is split into parts instead.
constexpr std::size_t kMaxChars = 3500;
constexpr std::array kCaps{10, 5, 3, 1};
/// How long an open lead may rest in a stage before the summary calls it idle.
struct IdleRule {
    std::string_view stage;
    int days;
};
constexpr std::array kIdleRules{
    IdleRule{"new", 14},         IdleRule{"contacted", 14}, IdleRule{"meeting", 21},
    IdleRule{"proposal", 21},    IdleRule{"poc", 30},       IdleRule{"mou", 30},
    IdleRule{"negotiation", 30},
};
/// Names and notes are cut so that a line fits a phone's width or two.
constexpr std::size_t kNameChars = 40;
constexpr std::size_t kNotesChars = 40;

/// Everything the summary says, read once.
struct Facts {
    Page<storage::MeetingBrief> meetings;
    storage::LeadMoves moves;
    Page<storage::FollowUpBrief> new_follow_ups;
    storage::DueFollowUps due;
    Page<storage::IdleLead> idle;
    std::vector<storage::PipelineRow> pipeline;
    Page<storage::MeetingBrief> today_meetings;

    [[nodiscard]] bool quiet_period() const {
        return meetings.total == 0 && moves.created.total == 0 && moves.moved.total == 0 &&
               moves.to_signed.total == 0 && moves.to_dropped.total == 0 &&
               new_follow_ups.total == 0;
    }
};

std::chrono::sys_seconds start_of(const date::time_zone* zone, Day day) {
    return to_utc(zone, std::chrono::year_month_day{day}, std::nullopt);
}

/// The local calendar day and wall-clock time of an instant.
std::chrono::sys_seconds local_clock(const date::time_zone* zone, std::chrono::sys_seconds at) {
    const auto info = zone->get_info(date::sys_seconds{at.time_since_epoch()});
    return at + std::chrono::duration_cast<std::chrono::seconds>(info.offset);
}

std::string money_text(Lang lang, const storage::Money& money) {
    return format_money(Amount{money.amount, money.currency}, lang == Lang::ko);
}

/// Lays the facts out as lines, showing at most `cap` items a section.
class Writer {
public:
    Writer(Lang lang, const date::time_zone* zone, bool several_days, Day today, std::size_t cap)
        : lang_(lang), zone_(zone), several_days_(several_days), today_(today), cap_(cap) {}

    std::vector<std::string> write(const Facts& facts) {
        if (facts.quiet_period()) {
            lines_.push_back(tr(lang_, Msg::report_empty));
        } else {
            meetings(Msg::report_meetings, facts.meetings, several_days_);
            moves(facts.moves);
            section(Msg::report_new_follow_ups, facts.new_follow_ups,
                    [&](const storage::FollowUpBrief& f) { return follow_up(f, true); });
        }
        section(Msg::report_due_today, facts.due.due_today,
                [&](const storage::FollowUpBrief& f) { return follow_up(f, false); });
        section(Msg::report_overdue, facts.due.overdue,
                [&](const storage::FollowUpBrief& f) { return follow_up(f, true); });
        if (!facts.quiet_period()) {
            section(Msg::report_idle, facts.idle, [&](const storage::IdleLead& lead) {
                const auto last_day =
                    std::chrono::floor<std::chrono::days>(local_clock(zone_, lead.last_activity));
                auto line = lead_name(lead.id, lead.title) + " · " +
                            stage_label(lang_, lead.stage) + " · " +
                            tr(lang_, Msg::report_idle_days, (today_ - last_day).count());
                if (!lead.owner.empty()) line += " · " + tr(lang_, Msg::owner_part, lead.owner);
                return line;
            });
            pipeline(facts.pipeline, false);
        }
        meetings(Msg::report_today_meetings, facts.today_meetings, false);
        return std::move(lines_);
    }

    /// The lines of the pipeline alone (/pipeline).
    std::vector<std::string> write_pipeline(const std::vector<storage::PipelineRow>& rows,
                                            bool every_stage) {
        pipeline(rows, every_stage);
        return std::move(lines_);
    }

    /// The lines of the lead moves alone (/pipeline).
    std::vector<std::string> write_moves(const storage::LeadMoves& lead_moves) {
        moves(lead_moves);
        return std::move(lines_);
    }

private:
    void moves(const storage::LeadMoves& moves) {
        section(Msg::report_new_leads, moves.created, [&](const storage::LeadMove& m) {
            auto line = lead_name(m.lead_id, m.title) + " · " + stage_label(lang_, m.to_stage);
            if (m.value) line += " · " + money_text(lang_, *m.value);
            return line;
        });
        section(Msg::report_moves, moves.moved, [&](const storage::LeadMove& m) {
            return lead_name(m.lead_id, m.title) + ": " + stage_label(lang_, m.from_stage) + " → " +
                   stage_label(lang_, m.to_stage) + by(m.changed_by);
        });
        const auto closed = [&](const storage::LeadMove& m) {
            auto line = lead_name(m.lead_id, m.title);
            if (m.value) line += " · " + money_text(lang_, *m.value);
            return line + by(m.changed_by);
        };
        section(Msg::report_signed, moves.to_signed, closed);
        section(Msg::report_dropped, moves.to_dropped, closed);
    }

    template <typename T, typename Line>
    void section(Msg header, const Page<T>& page, Line&& line) {
        if (page.total == 0) return;
        lines_.push_back(tr(lang_, header, page.total));
        const auto shown = std::min(cap_, page.items.size());
        for (std::size_t i = 0; i < shown; ++i) lines_.push_back("  " + line(page.items[i]));
        if (page.total > static_cast<std::int64_t>(shown)) {
            lines_.push_back(
                tr(lang_, Msg::report_more, page.total - static_cast<std::int64_t>(shown)));
        }
    }

    void meetings(Msg header, const Page<storage::MeetingBrief>& page, bool with_date) {
        section(header, page, [&](const storage::MeetingBrief& m) {
            const auto local = local_clock(zone_, m.starts_at);
            const auto day = std::chrono::floor<std::chrono::days>(local);
            const std::chrono::year_month_day ymd{day};
            const std::chrono::hh_mm_ss clock{local - day};
            auto line = fmt::format("#{}", m.id);
            if (with_date) {
                line += fmt::format(" {:02}-{:02}", static_cast<unsigned>(ymd.month()),
                                    static_cast<unsigned>(ymd.day()));
            }
            if (m.has_time) {
                line += fmt::format(" {:02}:{:02}", clock.hours().count(), clock.minutes().count());
            }
            if (!m.companies.empty()) line += " " + text::ellipsize(join(m.companies), kNameChars);
            if (!m.contacts.empty()) line += " · " + text::ellipsize(join(m.contacts), kNameChars);
            const auto first_line = text::trim(m.notes.substr(0, m.notes.find('\n')));
            if (!first_line.empty()) line += " · " + text::ellipsize(first_line, kNotesChars);
            return line;
        });
    }

    void pipeline(const std::vector<storage::PipelineRow>& rows, bool every_stage) {
        if (rows.empty() && !every_stage) return;
        const auto order = pipeline_stage_order(rows);
        const auto closed = [](std::string_view stage) {
            return std::any_of(stages().begin(), stages().end(),
                               [&](const Stage& s) { return s.closed && s.name == stage; });
        };
        lines_.push_back(tr(lang_, Msg::report_pipeline));
        std::int64_t open_leads = 0;
        std::map<std::string, std::int64_t> open_values;  // currency → amount; KRW first below
        for (const auto& stage : order) {
            std::int64_t leads = 0;
            std::map<std::string, std::int64_t> values;
            for (const auto& row : rows) {
                if (row.stage != stage) continue;
                leads += row.leads;
                if (!row.currency.empty()) values[row.currency] += row.amount;
            }
            if (leads == 0 && !every_stage) continue;
            lines_.push_back("  " + stage_label(lang_, stage) + " " +
                             tr(lang_, Msg::report_count, leads) + amounts(values));
            if (closed(stage)) continue;
            open_leads += leads;
            for (const auto& [currency, amount] : values) open_values[currency] += amount;
        }
        lines_.push_back(tr(lang_, Msg::report_open_total,
                            tr(lang_, Msg::report_count, open_leads) + amounts(open_values)));
    }

    /// " · 55억 · $2,000,000": KRW first, each currency apart, never added together.
    [[nodiscard]] std::string amounts(const std::map<std::string, std::int64_t>& values) const {
        std::string text;
        if (const auto krw = values.find("KRW"); krw != values.end()) {
            text += " · " + money_text(lang_, {krw->second, "KRW"});
        }
        for (const auto& [currency, amount] : values) {
            if (currency != "KRW") text += " · " + money_text(lang_, {amount, currency});
        }
        return text;
    }

    [[nodiscard]] std::string follow_up(const storage::FollowUpBrief& f, bool with_due) const {
        auto line = fmt::format("#{} {}", f.id, text::ellipsize(f.text, kNameChars));
        if (with_due && f.due) line += tr(lang_, Msg::due_suffix, format_day(*f.due));
        line += " · " + (f.assignee.empty() ? tr(lang_, Msg::report_unassigned)
                                            : tr(lang_, Msg::owner_part, f.assignee));
        return line;
    }

    [[nodiscard]] static std::string lead_name(storage::Id id, const std::string& title) {
        return fmt::format("#{} {}", id, text::ellipsize(title, kNameChars));
    }

    [[nodiscard]] static std::string by(const std::string& name) {
        return name.empty() ? std::string{} : " · " + name;
    }

    Lang lang_;
    const date::time_zone* zone_;
    bool several_days_;
    Day today_;
    std::size_t cap_;
    std::vector<std::string> lines_;
};

Facts read_facts(storage::UnitOfWork& db, storage::Id workspace_id, const date::time_zone* zone,
                 Day first, Day last, Day today) {
    auto& reports = db.summaries();
    const auto from = start_of(zone, first);
    const auto to = start_of(zone, last + std::chrono::days{1});
    Facts facts;
    facts.meetings = reports.meetings(workspace_id, from, to, kSectionItems);
    facts.moves = reports.lead_moves(workspace_id, from, to, kSectionItems);
    facts.new_follow_ups = reports.new_follow_ups(workspace_id, from, to, kSectionItems);
    facts.due = reports.due_follow_ups(workspace_id, today, kSectionItems);
    if (!facts.quiet_period()) {
        std::vector<storage::IdleCutoff> cutoffs;
        for (const auto& rule : kIdleRules) {
            cutoffs.push_back(
                {std::string{rule.stage}, start_of(zone, today - std::chrono::days{rule.days})});
        }
        facts.idle = reports.idle_leads(workspace_id, cutoffs, kSectionItems);
        facts.pipeline = reports.pipeline(workspace_id);
    }
    if (today > last) {
        facts.today_meetings =
            reports.meetings(workspace_id, start_of(zone, today),
                             start_of(zone, today + std::chrono::days{1}), kSectionItems);
    }
    return facts;
}

/// An empty summary of local days [first, last]: its kind, language and title.
Reply titled(Lang lang, Day first, Day last) {
    Reply reply;
    reply.kind = Reply::Kind::info;
    reply.lang = lang;
    reply.title =
        tr(lang, Msg::report_title,
           first == last ? format_day(first) : format_day(first) + " ~ " + format_day(last));
    return reply;
}

Reply summary(Context& ctx, std::string_view args) {
    const Day today{ctx.today()};
    const auto word = text::lower(text::trim(args));
    Day first = today;
    Day last = today;
    if (word == "week" || word == "주간" || word == "이번주" || word == "일주일") {
        first = today - std::chrono::days{6};
    } else if (!word.empty()) {
        const auto when = parse_when_text(args, ctx.today());
        if (!when || !when->date) {
            return mistake(ctx, tr(ctx.lang, Msg::bad_date, text::trim(args)), Msg::usage_summary);
        }
        first = last = Day{*when->date};
    }
    const auto facts = read_facts(ctx.db, ctx.workspace.id, ctx.zone, first, last, today);
    auto reply = titled(ctx.lang, first, last);
    for (const auto cap : kCaps) {
        reply.lines = Writer(ctx.lang, ctx.zone, first != last, today, cap).write(facts);
        if (reply.plain_text().size() <= kMaxChars) break;
    }
    return reply;
}

}  // namespace

Reply summarize(storage::UnitOfWork& db, const storage::Workspace& workspace, Lang lang,
                const date::time_zone* zone, Day first, Day last, Day today) {
    const auto facts = read_facts(db, workspace.id, zone, first, last, today);
    auto reply = titled(lang, first, last);
    reply.lines = Writer(lang, zone, first != last, today, std::size_t{kSectionItems}).write(facts);
    return reply;
}

std::vector<std::string> pipeline_stage_order(const std::vector<storage::PipelineRow>& rows) {
    std::vector<std::string> order;
    for (const auto& stage : stages()) order.emplace_back(stage.name);
    std::vector<std::string> others;
    for (const auto& row : rows) {
        if (std::find(order.begin(), order.end(), row.stage) == order.end() &&
            std::find(others.begin(), others.end(), row.stage) == others.end()) {
            others.push_back(row.stage);
        }
    }
    std::sort(others.begin(), others.end());
    order.insert(order.end(), others.begin(), others.end());
    return order;
}

std::vector<std::string> pipeline_lines(Lang lang, const std::vector<storage::PipelineRow>& rows,
                                        bool every_stage) {
    // Only the meetings and idle sections read the zone and the days.
    return Writer(lang, nullptr, false, Day{}, std::size_t{kSectionItems})
        .write_pipeline(rows, every_stage);
}

std::vector<std::string> lead_move_lines(Lang lang, const storage::LeadMoves& moves,
                                         std::size_t cap) {
    return Writer(lang, nullptr, false, Day{}, cap).write_moves(moves);
}

void register_summary_command(Router& router) {
    router.add({"summary",
                {"요약"},
                Msg::summary_summary,
                Msg::usage_summary,
                summary,
                /*slow=*/true});
}

}  // namespace inmaek::handlers
