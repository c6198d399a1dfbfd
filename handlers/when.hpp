#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace inmaek::handlers {

/// A date and/or time written by a user, before it is placed in a time zone.
struct When {
    std::optional<std::chrono::year_month_day> date;
    std::optional<std::chrono::minutes> time_of_day;  ///< minutes since local midnight
    std::size_t words_used = 0;                       ///< how many of the given words it consumed
};

/// Reads the longest date/time expression at the start of `words` (already split on
/// spaces, quotes removed). `today` is the local date in the workspace time zone.
/// Dates: 2025-02-04, 2025.2.4, 2025/2/4, 2/4, 2월 4일, 2월4일, today/오늘, yesterday/어제,
/// tomorrow/내일, 모레, next tue/다음주 화요일, tue/화요일/화 (the coming one), in 3 days/3일 후/
/// 3일후, 2 weeks/2주 후. Times: 11:00, 11시, 11시 30분, 오전 11시, 오후 3시 30분, 3pm, 3:30pm,
/// 15시. A date word followed by a time (or the reverse) is one expression.
/// Returns words_used == 0 when the first word is not a date or time.
When parse_when(const std::vector<std::string>& words, std::chrono::year_month_day today);

/// The whole text as a date (and optional time), e.g. for `due:2/11` or `due:다음주 화요일`;
/// a trailing "까지" / "until" / "by" is accepted. nullopt when it is not one.
std::optional<When> parse_when_text(std::string_view text, std::chrono::year_month_day today);

/// Finds a due date at the end of a follow-up text: "MOU 초안 송부 2/11까지", "send draft by
/// 2/11", "send draft due:2/11". Returns the date and the text without it.
struct TrailingDue {
    std::optional<std::chrono::year_month_day> due;
    std::string text;
};
TrailingDue split_trailing_due(std::string_view text, std::chrono::year_month_day today);

}  // namespace inmaek::handlers
