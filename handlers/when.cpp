#include "handlers/when.hpp"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstdint>
#include <utility>

#include "handlers/text.hpp"

namespace inmaek::handlers {

namespace {

namespace chr = std::chrono;

/// A word ready for matching: NFKC + case folded ("Tomorrow" and "３ＰＭ" match), with a Korean
/// particle (에, 까지) split off. A word that carried a particle ends the expression: in
/// "내일까지 보고서" nothing after "내일까지" belongs to the date.
struct Word {
    std::string stem;
    bool closed = false;
};

/// A word of the original text and where it sits, for cutting the text around a due date.
struct Span {
    std::string text;
    std::size_t begin = 0;
};

constexpr std::array<std::string_view, 2> kParticles{"까지", "에"};
constexpr std::array<std::string_view, 3> kEnglishDueMarkers{"by", "until", "till"};
constexpr std::array<std::string_view, 5> kGluedDueMarkers{
    "due:", "마감:", "기한:", "until:", "by:"};

bool starts_with(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

template <std::size_t N>
bool is_one_of(std::string_view s, const std::array<std::string_view, N>& options) {
    return std::find(options.begin(), options.end(), s) != options.end();
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

/// A run of 1..max_digits ASCII digits as a number.
std::optional<int> to_int(std::string_view s, std::size_t max_digits) {
    if (s.empty() || s.size() > max_digits) {
        return std::nullopt;
    }
    int value = 0;
    for (const char c : s) {
        if (!is_digit(c)) {
            return std::nullopt;
        }
        value = value * 10 + (c - '0');
    }
    return value;
}

/// Leading ASCII digits of s and what follows them.
std::pair<std::string_view, std::string_view> split_digits(std::string_view s) {
    std::size_t n = 0;
    while (n < s.size() && is_digit(s[n])) {
        ++n;
    }
    return {s.substr(0, n), s.substr(n)};
}

Word prepare(std::string_view raw) {
    Word word{text::nfkc_casefold(raw), false};
    for (const std::string_view particle : kParticles) {
        if (word.stem.size() > particle.size() && ends_with(word.stem, particle)) {
            word.stem.resize(word.stem.size() - particle.size());
            word.closed = true;
            break;
        }
    }
    return word;
}

std::vector<Word> prepare_all(const std::vector<std::string>& words) {
    std::vector<Word> prepared;
    prepared.reserve(words.size());
    for (const std::string& word : words) {
        prepared.push_back(prepare(word));
    }
    return prepared;
}

/// Splits on Unicode white space, keeping byte offsets into the original text.
std::vector<Span> split_words(std::string_view text) {
    std::vector<Span> spans;
    const auto* s = reinterpret_cast<const std::uint8_t*>(text.data());
    const std::int32_t length = text.size() > static_cast<std::size_t>(INT32_MAX)
                                    ? INT32_MAX
                                    : static_cast<std::int32_t>(text.size());
    std::int32_t i = 0;
    std::int32_t word_begin = -1;
    while (i < length) {
        const std::int32_t start = i;
        UChar32 c = 0;
        U8_NEXT(s, i, length, c);
        const bool space = c >= 0 && u_isUWhiteSpace(c);
        if (space && word_begin >= 0) {
            spans.push_back({std::string(text.substr(static_cast<std::size_t>(word_begin),
                                                     static_cast<std::size_t>(start - word_begin))),
                             static_cast<std::size_t>(word_begin)});
            word_begin = -1;
        } else if (!space && word_begin < 0) {
            word_begin = start;
        }
    }
    if (word_begin >= 0) {
        spans.push_back({std::string(text.substr(static_cast<std::size_t>(word_begin))),
                         static_cast<std::size_t>(word_begin)});
    }
    return spans;
}

chr::year_month_day add_days(chr::year_month_day date, int days) {
    return chr::year_month_day{chr::sys_days{date} + chr::days{days}};
}

/// Calendar months; the 31st plus a month lands on the last day of a shorter month.
chr::year_month_day add_months(chr::year_month_day date, int months) {
    const chr::year_month_day moved = date + chr::months{months};
    if (moved.ok()) {
        return moved;
    }
    return chr::year_month_day_last{moved.year(), chr::month_day_last{moved.month()}};
}

/// Which week a weekday name refers to: the coming one, or a week relative to today's ISO week.
enum class WeekRef { coming, this_week, next_week, last_week };

chr::year_month_day weekday_date(chr::year_month_day today, chr::weekday target, WeekRef ref) {
    const chr::sys_days day{today};
    const chr::weekday current{day};
    if (ref == WeekRef::coming) {
        return chr::year_month_day{day + (target - current)};
    }
    // Weeks start on Monday (ISO), as Korean calendars print them.
    const chr::sys_days monday = day - (current - chr::Monday);
    const int week_offset = ref == WeekRef::next_week ? 7 : ref == WeekRef::last_week ? -7 : 0;
    return chr::year_month_day{monday + chr::days{week_offset} + (target - chr::Monday)};
}

struct WeekdayName {
    std::string_view name;
    chr::weekday day;
};

constexpr std::array<WeekdayName, 25> kWeekdayNames{{
    {"mon", chr::Monday},          {"monday", chr::Monday},    {"월요일", chr::Monday},
    {"tue", chr::Tuesday},         {"tues", chr::Tuesday},     {"tuesday", chr::Tuesday},
    {"화요일", chr::Tuesday},      {"wed", chr::Wednesday},    {"weds", chr::Wednesday},
    {"wednesday", chr::Wednesday}, {"수요일", chr::Wednesday}, {"thu", chr::Thursday},
    {"thur", chr::Thursday},       {"thurs", chr::Thursday},   {"thursday", chr::Thursday},
    {"목요일", chr::Thursday},     {"fri", chr::Friday},       {"friday", chr::Friday},
    {"금요일", chr::Friday},       {"sat", chr::Saturday},     {"saturday", chr::Saturday},
    {"토요일", chr::Saturday},     {"sun", chr::Sunday},       {"sunday", chr::Sunday},
    {"일요일", chr::Sunday},
}};

// One-syllable Korean weekdays double as ordinary words (일 "work", 금 "gold", 월 "month"), so
// they are read as weekdays only where nothing else is plausible; see weekday_date_at.
constexpr std::array<WeekdayName, 7> kWeekdaySyllables{{
    {"월", chr::Monday},
    {"화", chr::Tuesday},
    {"수", chr::Wednesday},
    {"목", chr::Thursday},
    {"금", chr::Friday},
    {"토", chr::Saturday},
    {"일", chr::Sunday},
}};

template <std::size_t N>
std::optional<chr::weekday> find_weekday(std::string_view s,
                                         const std::array<WeekdayName, N>& names) {
    for (const WeekdayName& entry : names) {
        if (entry.name == s) {
            return entry.day;
        }
    }
    return std::nullopt;
}

std::optional<chr::weekday> weekday_word(std::string_view s, bool allow_syllable) {
    if (auto day = find_weekday(s, kWeekdayNames)) {
        return day;
    }
    return allow_syllable ? find_weekday(s, kWeekdaySyllables) : std::nullopt;
}

struct WeekWord {
    std::string_view name;
    WeekRef ref;
};

constexpr std::array<WeekWord, 10> kWeekWords{{
    {"next", WeekRef::next_week},
    {"다음주", WeekRef::next_week},
    {"담주", WeekRef::next_week},
    {"차주", WeekRef::next_week},
    {"this", WeekRef::this_week},
    {"이번주", WeekRef::this_week},
    {"last", WeekRef::last_week},
    {"지난주", WeekRef::last_week},
    {"저번주", WeekRef::last_week},
    {"금주", WeekRef::this_week},
}};

std::optional<WeekRef> week_word(std::string_view s) {
    for (const WeekWord& entry : kWeekWords) {
        if (entry.name == s) {
            return entry.ref;
        }
    }
    return std::nullopt;
}

/// 2025-02-04, 2025.2.4, 2025.2.4., 2025/2/4, 2/4 (month/day in today's year).
std::optional<chr::year_month_day> numeric_date(std::string_view s, chr::year_month_day today) {
    const auto [first, tail] = split_digits(s);
    if (first.empty() || tail.empty()) {
        return std::nullopt;
    }
    const char separator = tail.front();
    if (separator != '-' && separator != '.' && separator != '/') {
        return std::nullopt;
    }
    std::string_view body = s;
    if (separator == '.' && ends_with(body, ".")) {
        body.remove_suffix(1);  // Korean style "2025. 2. 4." ends with a dot
    }
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= body.size(); ++i) {
        if (i == body.size() || body[i] == separator) {
            parts.push_back(body.substr(start, i - start));
            start = i + 1;
        }
    }
    std::optional<int> year;
    std::optional<int> month;
    std::optional<int> day;
    if (parts.size() == 3 && parts[0].size() == 4) {
        year = to_int(parts[0], 4);
        month = to_int(parts[1], 2);
        day = to_int(parts[2], 2);
    } else if (parts.size() == 2 && separator == '/') {
        year = static_cast<int>(today.year());
        month = to_int(parts[0], 2);
        day = to_int(parts[1], 2);
    }
    if (!year || !month || !day) {
        return std::nullopt;
    }
    const chr::year_month_day date{chr::year{*year}, chr::month{static_cast<unsigned>(*month)},
                                   chr::day{static_cast<unsigned>(*day)}};
    return date.ok() ? std::optional{date} : std::nullopt;
}

/// 2월 4일 / 2월4일 / 2025년 2월 4일, already joined without spaces.
std::optional<chr::year_month_day> korean_date(std::string_view s, chr::year_month_day today) {
    int year = static_cast<int>(today.year());
    auto [digits, tail] = split_digits(s);
    if (starts_with(tail, "년")) {
        const auto y = to_int(digits, 4);
        if (!y || digits.size() != 4) {
            return std::nullopt;
        }
        year = *y;
        std::tie(digits, tail) = split_digits(tail.substr(std::string_view("년").size()));
    }
    const auto month = to_int(digits, 2);
    if (!month || !starts_with(tail, "월")) {
        return std::nullopt;
    }
    std::tie(digits, tail) = split_digits(tail.substr(std::string_view("월").size()));
    const auto day = to_int(digits, 2);
    if (!day || tail != "일") {
        return std::nullopt;
    }
    const chr::year_month_day date{chr::year{year}, chr::month{static_cast<unsigned>(*month)},
                                   chr::day{static_cast<unsigned>(*day)}};
    return date.ok() ? std::optional{date} : std::nullopt;
}

enum class Meridiem { none, am, pm };

std::optional<Meridiem> english_meridiem(std::string_view s) {
    if (s == "am" || s == "a.m." || s == "a.m") {
        return Meridiem::am;
    }
    if (s == "pm" || s == "p.m." || s == "p.m") {
        return Meridiem::pm;
    }
    return std::nullopt;
}

/// The 24-hour hour of what was written. Without 오전/오후 or am/pm, 1–6 o'clock means the
/// afternoon (13–18h): nobody books a partner meeting at 3 a.m., and "3시" in a business chat
/// is 15:00. 7–12 are taken as written (12 is noon), 0 and 13–23 are already unambiguous, and
/// a leading zero ("03:00") is a deliberate 24-hour time.
std::optional<int> hour_of_day(int hour, Meridiem meridiem, bool leading_zero) {
    switch (meridiem) {
        case Meridiem::am:
            if (hour > 12) {
                return std::nullopt;
            }
            return hour == 12 ? 0 : hour;
        case Meridiem::pm:
            if (hour == 0 || hour > 12) {
                return std::nullopt;
            }
            return hour == 12 ? 12 : hour + 12;
        case Meridiem::none:
            if (hour > 23) {
                return std::nullopt;
            }
            return !leading_zero && hour >= 1 && hour <= 6 ? hour + 12 : hour;
    }
    return std::nullopt;
}

struct DatePart {
    chr::year_month_day date;
    std::size_t used = 0;
};

struct TimePart {
    chr::minutes time{0};
    std::size_t used = 0;
};

enum class Direction { later, earlier };

struct Unit {
    std::string_view name;
    int days;  ///< 0 for calendar months
};

constexpr std::array<Unit, 6> kEnglishUnits{{
    {"day", 1},
    {"days", 1},
    {"week", 7},
    {"weeks", 7},
    {"month", 0},
    {"months", 0},
}};

// Longer names first: "주일" must win over "주" and "개월" is tried before "달".
constexpr std::array<Unit, 5> kKoreanUnits{{
    {"주일", 7},
    {"개월", 0},
    {"일", 1},
    {"주", 7},
    {"달", 0},
}};

class Reader {
public:
    Reader(const std::vector<Word>& words, chr::year_month_day today, bool whole_text)
        : words_(words), today_(today), whole_text_(whole_text) {}

    When read() {
        When when;
        if (auto date = date_at(0)) {
            when.date = date->date;
            when.words_used = date->used;
            if (!closed(when.words_used - 1)) {
                std::size_t next = when.words_used;
                // "tomorrow at 3pm": "at" joins them only when a time follows.
                const bool joined = stem(next) == "at";
                if (auto time = time_at(joined ? next + 1 : next)) {
                    when.time_of_day = time->time;
                    when.words_used = next + (joined ? 1 : 0) + time->used;
                }
            }
        } else if (auto time = time_at(0)) {
            when.time_of_day = time->time;
            when.words_used = time->used;
            if (!closed(when.words_used - 1)) {
                if (auto later = date_at(when.words_used)) {
                    when.date = later->date;
                    when.words_used += later->used;
                }
            }
        }
        return when;
    }

private:
    [[nodiscard]] std::string_view stem(std::size_t i) const {
        return i < words_.size() ? std::string_view(words_[i].stem) : std::string_view();
    }

    [[nodiscard]] bool closed(std::size_t i) const { return i < words_.size() && words_[i].closed; }

    /// A particle ends an expression, so only the last word of a match may carry one.
    template <typename Part>
    std::optional<Part> checked(std::size_t i, std::optional<Part> part) const {
        if (!part) {
            return part;
        }
        for (std::size_t k = i; k + 1 < i + part->used; ++k) {
            if (closed(k)) {
                return std::nullopt;
            }
        }
        return part;
    }

    std::optional<DatePart> date_at(std::size_t i) const { return checked(i, find_date(i)); }

    std::optional<TimePart> time_at(std::size_t i) const { return checked(i, find_time(i)); }

    std::optional<DatePart> find_date(std::size_t i) const {
        const std::string_view w = stem(i);
        if (w.empty()) {
            return std::nullopt;
        }
        if (auto named = named_day(i)) {
            return named;
        }
        if (auto numeric = numeric_date(w, today_)) {
            return DatePart{*numeric, 1};
        }
        if (ends_with(w, ".") && i + 2 < words_.size()) {
            // "2025. 2. 4." — the dotted form Korean documents use, spread over three words.
            const std::string joined =
                std::string(w) + std::string(stem(i + 1)) + std::string(stem(i + 2));
            if (auto numeric = numeric_date(joined, today_)) {
                return DatePart{*numeric, 3};
            }
        }
        for (std::size_t count = std::min<std::size_t>(3, words_.size() - i); count > 0; --count) {
            std::string joined;
            for (std::size_t k = i; k < i + count; ++k) {
                joined += stem(k);
            }
            if (auto korean = korean_date(joined, today_)) {
                return DatePart{*korean, count};
            }
        }
        if (auto relative = relative_date(i)) {
            return relative;
        }
        return weekday_date_at(i);
    }

    std::optional<DatePart> named_day(std::size_t i) const {
        const std::string_view w = stem(i);
        if (w == "today" || w == "오늘" || w == "금일") {
            return DatePart{today_, 1};
        }
        if (w == "yesterday" || w == "어제") {
            return DatePart{add_days(today_, -1), 1};
        }
        if (w == "tomorrow" || w == "내일") {
            return DatePart{add_days(today_, 1), 1};
        }
        if (w == "모레") {
            return DatePart{add_days(today_, 2), 1};
        }
        if (w == "day" && stem(i + 1) == "after" && stem(i + 2) == "tomorrow") {
            return DatePart{add_days(today_, 2), 3};
        }
        return std::nullopt;
    }

    [[nodiscard]] chr::year_month_day shifted(int amount, const Unit& unit,
                                              Direction direction) const {
        const int signed_amount = direction == Direction::later ? amount : -amount;
        return unit.days == 0 ? add_months(today_, signed_amount)
                              : add_days(today_, signed_amount * unit.days);
    }

    /// in 3 days, 3 days (later/ago/from now), 3일 후, 3일후, 2주 뒤, 1개월 후, 일주일 후.
    std::optional<DatePart> relative_date(std::size_t i) const {
        // Three digits of days is plenty and keeps the arithmetic far from overflow.
        constexpr std::size_t kMaxDigits = 3;
        std::string_view w = stem(i);
        std::size_t used = 0;
        if (w == "in") {
            const std::string_view count = stem(i + 1);
            const auto amount =
                count == "a" || count == "an" ? std::optional{1} : to_int(count, kMaxDigits);
            const Unit* unit = find_unit(stem(i + 2), kEnglishUnits);
            if (!amount || unit == nullptr) {
                return std::nullopt;
            }
            return DatePart{shifted(*amount, *unit, Direction::later), 3};
        }
        if (const auto amount = to_int(w, kMaxDigits)) {
            const Unit* unit = find_unit(stem(i + 1), kEnglishUnits);
            if (unit == nullptr) {
                return std::nullopt;
            }
            used = 2;
            Direction direction = Direction::later;
            if (stem(i + 2) == "later") {
                used = 3;
            } else if (stem(i + 2) == "ago") {
                used = 3;
                direction = Direction::earlier;
            } else if (stem(i + 2) == "from" && stem(i + 3) == "now") {
                used = 4;
            }
            return DatePart{shifted(*amount, *unit, direction), used};
        }
        // Korean: a number glued to its unit, then 후/뒤 (later) or 전 (earlier), glued or not.
        std::optional<int> amount;
        std::string_view rest;
        if (starts_with(w, "일주일")) {
            amount = 1;
            rest = w.substr(std::string_view("일").size());
        } else {
            const auto [digits, tail] = split_digits(w);
            amount = to_int(digits, kMaxDigits);
            rest = tail;
        }
        if (!amount) {
            return std::nullopt;
        }
        for (const Unit& unit : kKoreanUnits) {
            if (!starts_with(rest, unit.name)) {
                continue;
            }
            std::string_view direction_word = rest.substr(unit.name.size());
            used = 1;
            if (direction_word.empty()) {
                direction_word = stem(i + 1);
                used = 2;
            }
            if (direction_word == "후" || direction_word == "뒤" || direction_word == "이후") {
                return DatePart{shifted(*amount, unit, Direction::later), used};
            }
            if (direction_word == "전") {
                return DatePart{shifted(*amount, unit, Direction::earlier), used};
            }
            return std::nullopt;
        }
        return std::nullopt;
    }

    template <std::size_t N>
    static const Unit* find_unit(std::string_view s, const std::array<Unit, N>& units) {
        for (const Unit& unit : units) {
            if (unit.name == s) {
                return &unit;
            }
        }
        return nullptr;
    }

    /// next tue, 다음주 화요일, 다음 주 화, 다음주화요일, this fri, 지난주 금요일, 화요일, tue;
    /// 다음주 / next week alone is the Monday of next week.
    std::optional<DatePart> weekday_date_at(std::size_t i) const {
        const std::string_view w = stem(i);
        std::optional<WeekRef> ref = week_word(w);
        std::size_t day_index = i + 1;
        if (!ref && (w == "다음" || w == "이번" || w == "지난") && stem(i + 1) == "주") {
            ref = w == "다음"   ? WeekRef::next_week
                  : w == "이번" ? WeekRef::this_week
                                : WeekRef::last_week;
            day_index = i + 2;
        }
        if (ref) {
            if (auto day = weekday_word(stem(day_index), true)) {
                return DatePart{weekday_date(today_, *day, *ref), day_index - i + 1};
            }
            if (*ref == WeekRef::next_week && stem(day_index) == "week") {
                return DatePart{weekday_date(today_, chr::Monday, *ref), day_index - i + 1};
            }
            if (*ref == WeekRef::next_week && w != "next") {
                return DatePart{weekday_date(today_, chr::Monday, *ref), day_index - i};
            }
            return std::nullopt;
        }
        for (const WeekWord& entry : kWeekWords) {
            if (!starts_with(w, entry.name) || w.size() == entry.name.size() ||
                entry.name == "next" || entry.name == "this" || entry.name == "last") {
                continue;
            }
            if (auto day = weekday_word(w.substr(entry.name.size()), true)) {
                return DatePart{weekday_date(today_, *day, entry.ref), 1};
            }
        }
        const bool syllable_allowed =
            (whole_text_ && words_.size() == 1) || (!closed(i) && find_time(i + 1).has_value());
        if (auto day = weekday_word(w, syllable_allowed)) {
            return DatePart{weekday_date(today_, *day, WeekRef::coming), 1};
        }
        return std::nullopt;
    }

    std::optional<TimePart> find_time(std::size_t i) const {
        std::string_view w = stem(i);
        Meridiem korean = Meridiem::none;
        std::size_t core = i;
        for (const auto& [word, meridiem] : {std::pair{std::string_view("오전"), Meridiem::am},
                                             std::pair{std::string_view("오후"), Meridiem::pm}}) {
            if (!starts_with(w, word)) {
                continue;
            }
            korean = meridiem;
            if (w.size() > word.size()) {
                w = w.substr(word.size());  // "오후3시"
            } else if (closed(i)) {
                return std::nullopt;
            } else {
                core = i + 1;
                w = stem(core);
            }
            break;
        }
        if (w.empty()) {
            return std::nullopt;
        }
        if (w == "정오" || w == "noon" || w == "자정" || w == "midnight") {
            if (korean != Meridiem::none) {
                return std::nullopt;
            }
            return TimePart{chr::hours{w == "정오" || w == "noon" ? 12 : 0}, core - i + 1};
        }
        const auto [digits, tail] = split_digits(w);
        const auto hour = to_int(digits, 2);
        if (!hour) {
            return std::nullopt;
        }
        const bool leading_zero = digits.size() == 2 && digits.front() == '0';
        std::size_t used = core - i + 1;
        std::optional<int> minute = 0;
        Meridiem meridiem = korean;
        if (starts_with(tail, "시")) {
            std::string_view minutes_text = tail.substr(std::string_view("시").size());
            if (minutes_text.empty() && !closed(core)) {
                // "11시 30분" / "3시 반": minutes as the next word.
                if (minute_word(stem(core + 1))) {
                    minutes_text = stem(core + 1);
                    ++used;
                }
            }
            if (!minutes_text.empty()) {
                minute = minute_word(minutes_text);
            }
        } else if (starts_with(tail, ":")) {
            const std::string_view after_colon = tail.substr(1);
            const auto [minute_digits, suffix] = split_digits(after_colon);
            minute = minute_digits.size() == 2 ? to_int(minute_digits, 2) : std::nullopt;
            if (!english_suffix(suffix, core, korean, meridiem, used)) {
                return std::nullopt;
            }
        } else {
            // "3pm" or "3 pm": a bare number is a time only with am/pm ("오후 3" is not one).
            if (korean != Meridiem::none || (tail.empty() && !english_meridiem(stem(core + 1)))) {
                return std::nullopt;
            }
            if (!english_suffix(tail, core, korean, meridiem, used)) {
                return std::nullopt;
            }
            if (meridiem == Meridiem::none) {
                return std::nullopt;
            }
        }
        if (!minute || *minute > 59) {
            return std::nullopt;
        }
        const auto hour24 = hour_of_day(*hour, meridiem, leading_zero);
        if (!hour24) {
            return std::nullopt;
        }
        return TimePart{chr::hours{*hour24} + chr::minutes{*minute}, used};
    }

    /// Reads am/pm glued ("3:30pm") or as the next word ("3:30 pm"); refuses it after 오전/오후.
    bool english_suffix(std::string_view suffix, std::size_t core, Meridiem korean,
                        Meridiem& meridiem, std::size_t& used) const {
        if (!suffix.empty()) {
            const auto english = english_meridiem(suffix);
            if (!english || korean != Meridiem::none) {
                return false;
            }
            meridiem = *english;
            return true;
        }
        if (korean == Meridiem::none && !closed(core)) {
            if (const auto english = english_meridiem(stem(core + 1))) {
                meridiem = *english;
                ++used;
            }
        }
        return true;
    }

    static std::optional<int> minute_word(std::string_view s) {
        if (s == "반") {
            return 30;
        }
        const auto [digits, tail] = split_digits(s);
        if (tail != "분") {
            return std::nullopt;
        }
        return to_int(digits, 2);
    }

    const std::vector<Word>& words_;
    chr::year_month_day today_;
    bool whole_text_;
};

/// The words as one complete date/time: leading by/until, a trailing 까지/마감 word allowed.
std::optional<When> read_exact(std::vector<Word> words, chr::year_month_day today) {
    if (!words.empty() && is_one_of(words.front().stem, kEnglishDueMarkers)) {
        words.erase(words.begin());
    }
    if (words.size() > 1 && (words.back().stem == "까지" || words.back().stem == "마감")) {
        words.pop_back();
        words.back().closed = true;
    }
    if (words.empty()) {
        return std::nullopt;
    }
    When when = Reader(words, today, true).read();
    if (when.words_used != words.size()) {
        return std::nullopt;
    }
    return when;
}

std::vector<Word> prepare_spans(const std::vector<Span>& spans, std::size_t from) {
    std::vector<Word> words;
    for (std::size_t k = from; k < spans.size(); ++k) {
        words.push_back(prepare(spans[k].text));
    }
    return words;
}

/// The due date found at word `s` of a follow-up, if the words from there on are one.
std::optional<When> due_from(const std::vector<Span>& spans, std::size_t s,
                             chr::year_month_day today) {
    const std::string first = text::nfkc_casefold(spans[s].text);
    for (const std::string_view marker : kGluedDueMarkers) {
        if (starts_with(first, marker)) {
            std::vector<Word> words;
            if (first.size() > marker.size()) {
                words.push_back(prepare(std::string_view(first).substr(marker.size())));
            }
            for (Word& word : prepare_spans(spans, s + 1)) {
                words.push_back(std::move(word));
            }
            return read_exact(std::move(words), today);
        }
    }
    if (is_one_of(first, kEnglishDueMarkers) || first == "due") {
        return s + 1 < spans.size() ? read_exact(prepare_spans(spans, s + 1), today) : std::nullopt;
    }
    // Korean puts the marker last: "2/11까지", "2/11 까지", "금요일 마감".
    const std::string last = text::nfkc_casefold(spans.back().text);
    if (ends_with(last, "까지") || last == "마감") {
        return read_exact(prepare_spans(spans, s), today);
    }
    return std::nullopt;
}

/// The follow-up text before its due date, without the comma or dash that led to it.
std::string text_before(std::string_view text, std::size_t end) {
    std::string head = text::trim(text.substr(0, end));
    for (bool stripped = true; stripped && !head.empty();) {
        stripped = false;
        for (const std::string_view tail : {",", "，", "、", "-", "–", "—", "·", ":"}) {
            if (ends_with(head, tail)) {
                head = text::trim(std::string_view(head).substr(0, head.size() - tail.size()));
                stripped = true;
                break;
            }
        }
    }
    return head;
}

}  // namespace

When parse_when(const std::vector<std::string>& words, std::chrono::year_month_day today) {
    try {
        const std::vector<Word> prepared = prepare_all(words);
        return Reader(prepared, today, false).read();
    } catch (...) {
        // Only allocation can throw here; "no date" is the safe reading.
        return {};
    }
}

std::optional<When> parse_when_text(std::string_view text, std::chrono::year_month_day today) {
    try {
        std::vector<Word> words;
        for (const Span& span : split_words(text)) {
            words.push_back(prepare(span.text));
        }
        return read_exact(std::move(words), today);
    } catch (...) {
        return std::nullopt;
    }
}

TrailingDue split_trailing_due(std::string_view text, std::chrono::year_month_day today) {
    try {
        const std::vector<Span> spans = split_words(text);
        // The first start that reads as a date gives the longest due expression.
        for (std::size_t s = 0; s < spans.size(); ++s) {
            if (auto when = due_from(spans, s, today)) {
                // "3시까지" names a time today.
                return {when->date.value_or(today), text_before(text, spans[s].begin)};
            }
        }
        return {std::nullopt, text::trim(text)};
    } catch (...) {
        return {std::nullopt, std::string(text)};
    }
}

}  // namespace inmaek::handlers
