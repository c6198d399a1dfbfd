#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "handlers/context.hpp"
#include "storage/records.hpp"

namespace inmaek::handlers {

/// "2025-02-04 11:00 KST" (or "2025-02-04" when the time is unknown) in the workspace zone.
std::string format_time(const Context& ctx, std::chrono::sys_seconds at, bool with_time = true);
/// The same in a given zone.
std::string format_time(const date::time_zone* zone, std::chrono::sys_seconds at,
                        bool with_time = true);
/// "2025-02-11"
std::string format_day(std::chrono::sys_days day);
/// Money in the user's language ("50억원" / "₩5,000,000,000", "$2,000,000").
std::string format_money(const Context& ctx, const storage::Money& money);
/// The stage's display name in the user's language ("협상" / "negotiation").
std::string stage_label(const Context& ctx, std::string_view stage);
std::string stage_label(Lang lang, std::string_view stage);
/// Joins with ", ".
std::string join(const std::vector<std::string>& parts, std::string_view separator = ", ");

/// Appends a header and one line per meeting: "#3 2025-02-04 11:00 KST · first line of notes".
void append_meetings(const Context& ctx, std::vector<std::string>& lines,
                     const std::vector<storage::Meeting>& meetings);

/// Local wall-clock date and optional time in the workspace zone → UTC.
std::chrono::sys_seconds to_utc(const Context& ctx, std::chrono::year_month_day day,
                                std::optional<std::chrono::minutes> time_of_day);
/// The same in a given zone.
std::chrono::sys_seconds to_utc(const date::time_zone* zone, std::chrono::year_month_day day,
                                std::optional<std::chrono::minutes> time_of_day);

}  // namespace inmaek::handlers
