#pragma once

// The one place where records meet SOCI's exchange types. SOCI 4.0.3 binds neither
// std::optional nor std::chrono types, so repositories bind plain members through these
// helpers: `long long` for every 64-bit column (std::int64_t is `long`, which SOCI maps only
// by platform size), text for dates, and value + indicator pairs for NULLable columns.

#include <soci/soci.h>

#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "storage/records.hpp"

namespace inmaek::storage::sql {

/// SOCI's 64-bit integer exchange type.
using Int = long long;

/// UTC epoch seconds of a timestamp, as stored in BIGINT columns.
inline Int to_db(Timestamp at) {
    return at.time_since_epoch().count();
}

/// The timestamp stored as epoch seconds.
inline Timestamp timestamp_from_db(Int seconds) {
    return Timestamp{std::chrono::seconds{seconds}};
}

/// "YYYY-MM-DD" of a calendar day.
inline std::string day_to_db(Day day) {
    const std::chrono::year_month_day ymd{day};
    std::array<char, 16> text{};
    std::snprintf(text.data(), text.size(), "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return text.data();
}

/// The day of a "YYYY-MM-DD" column; nullopt for text that is not a valid date.
inline std::optional<Day> day_from_db(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
        return std::nullopt;
    }
    int year = 0;
    unsigned month = 0;
    unsigned day = 0;
    const char* begin = text.data();
    if (std::from_chars(begin, begin + 4, year).ec != std::errc{} ||
        std::from_chars(begin + 5, begin + 7, month).ec != std::errc{} ||
        std::from_chars(begin + 8, begin + 10, day).ec != std::errc{}) {
        return std::nullopt;
    }
    const std::chrono::year_month_day ymd{std::chrono::year{year}, std::chrono::month{month},
                                          std::chrono::day{day}};
    if (!ymd.ok()) {
        return std::nullopt;
    }
    return Day{ymd};
}

/// A NULLable column bound by value and indicator, so one member serves `use` and `into`
/// of a statement prepared once.
template <typename T>
struct Nullable {
    T value{};
    soci::indicator indicator = soci::i_null;

    void set(const std::optional<T>& optional) {
        if (optional) {
            value = *optional;
            indicator = soci::i_ok;
        } else {
            value = T{};
            indicator = soci::i_null;
        }
    }
    [[nodiscard]] std::optional<T> get() const {
        if (indicator == soci::i_ok) {
            return value;
        }
        return std::nullopt;
    }
    // soci::use()/into() return containers that refer to a temporary name string, so they
    // must be handed to exchange() within the same full-expression: no helper returns them.
    void bind_use(soci::statement& statement) { statement.exchange(soci::use(value, indicator)); }
    void bind_into(soci::statement& statement) { statement.exchange(soci::into(value, indicator)); }
};

/// A user reference where the records' 0 means "nobody" and the column holds NULL.
inline void set_user(Nullable<Int>& column, Id user_id) {
    column.set(user_id == 0 ? std::nullopt : std::optional<Int>{user_id});
}
inline Id user_from_db(const Nullable<Int>& column) {
    return column.get().value_or(0);
}

/// Optional ids and days in both directions.
inline void set_id(Nullable<Int>& column, const std::optional<Id>& id) {
    column.set(id ? std::optional<Int>{*id} : std::nullopt);
}
inline std::optional<Id> id_from_db(const Nullable<Int>& column) {
    const auto value = column.get();
    return value ? std::optional<Id>{*value} : std::nullopt;
}
inline void set_day(Nullable<std::string>& column, const std::optional<Day>& day) {
    column.set(day ? std::optional<std::string>{day_to_db(*day)} : std::nullopt);
}
inline std::optional<Day> day_from_db(const Nullable<std::string>& column) {
    return column.indicator == soci::i_ok ? day_from_db(column.value) : std::nullopt;
}

/// Text that is stored as NULL when empty (JSON columns: "" is not JSON).
inline void set_text_or_null(Nullable<std::string>& column, std::string_view text) {
    column.set(text.empty() ? std::nullopt : std::optional<std::string>{std::string{text}});
}

}  // namespace inmaek::storage::sql
