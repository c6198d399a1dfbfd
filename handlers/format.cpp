#include "handlers/format.hpp"

#include <date/tz.h>
#include <fmt/format.h>

#include "handlers/catalog.hpp"
#include "handlers/money.hpp"
#include "handlers/stages.hpp"
#include "handlers/text.hpp"

namespace inmaek::handlers {

std::string format_time(const Context& ctx, std::chrono::sys_seconds at, bool with_time) {
    return format_time(ctx.zone, at, with_time);
}

std::string format_time(const date::time_zone* zone, std::chrono::sys_seconds at, bool with_time) {
    // fmt rather than date::format: this runs for every reply and iostreams are slow.
    const auto info = zone->get_info(date::sys_seconds{at.time_since_epoch()});
    const auto local = at + std::chrono::duration_cast<std::chrono::seconds>(info.offset);
    const auto day = std::chrono::floor<std::chrono::days>(local);
    const std::chrono::year_month_day ymd{day};
    const std::chrono::hh_mm_ss clock{local - day};
    if (!with_time) return format_day(day);
    return fmt::format("{:04}-{:02}-{:02} {:02}:{:02} {}", static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                       clock.hours().count(), clock.minutes().count(), info.abbrev);
}

std::string format_day(std::chrono::sys_days day) {
    const std::chrono::year_month_day ymd{day};
    return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

std::string format_money(const Context& ctx, const storage::Money& money) {
    return handlers::format_money(Amount{money.amount, money.currency}, ctx.korean());
}

std::string stage_label(const Context& ctx, std::string_view stage) {
    return stage_label(ctx.lang, stage);
}

std::string stage_label(Lang lang, std::string_view stage) {
    if (lang != Lang::ko) return std::string{stage};
    for (const auto& known : stages()) {
        if (known.name == stage) return std::string{known.korean};
    }
    return std::string{stage};
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
    std::string out;
    for (const auto& part : parts) {
        if (!out.empty()) out += separator;
        out += part;
    }
    return out;
}

void append_meetings(const Context& ctx, std::vector<std::string>& lines,
                     const std::vector<storage::Meeting>& meetings) {
    if (meetings.empty()) return;
    lines.push_back(tr(ctx.lang, Msg::last_meetings_header));
    for (const auto& m : meetings) {
        auto line = "  #" + std::to_string(m.id) + " " + format_time(ctx, m.starts_at, m.has_time);
        const auto first_line = m.notes.substr(0, m.notes.find('\n'));
        if (!first_line.empty()) line += " · " + text::ellipsize(first_line, 60);
        lines.push_back(std::move(line));
    }
}

std::chrono::sys_seconds to_utc(const Context& ctx, std::chrono::year_month_day day,
                                std::optional<std::chrono::minutes> time_of_day) {
    return to_utc(ctx.zone, day, time_of_day);
}

std::chrono::sys_seconds to_utc(const date::time_zone* zone, std::chrono::year_month_day day,
                                std::optional<std::chrono::minutes> time_of_day) {
    const auto local = date::local_days{std::chrono::sys_days{day}.time_since_epoch()} +
                       time_of_day.value_or(std::chrono::minutes{0});
    // A wall-clock time skipped or repeated by a DST change takes the earlier instant.
    const auto utc = zone->to_sys(local, date::choose::earliest);
    return std::chrono::sys_seconds{
        std::chrono::duration_cast<std::chrono::seconds>(utc.time_since_epoch())};
}

}  // namespace inmaek::handlers
