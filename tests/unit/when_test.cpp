#include "handlers/when.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace {

namespace chr = std::chrono;
using inmaek::handlers::parse_when;
using inmaek::handlers::parse_when_text;
using inmaek::handlers::split_trailing_due;
using inmaek::handlers::When;

// A Tuesday; tests never read the real clock.
constexpr chr::year_month_day kToday{chr::year{2025}, chr::February, chr::day{4}};

chr::year_month_day ymd(int y, unsigned m, unsigned d) {
    return chr::year_month_day{chr::year{y}, chr::month{m}, chr::day{d}};
}

std::string iso(const std::optional<chr::year_month_day>& date) {
    if (!date) {
        return "none";
    }
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(date->year()),
                  static_cast<unsigned>(date->month()), static_cast<unsigned>(date->day()));
    return buffer;
}

long minutes(const When& when) {
    return when.time_of_day ? when.time_of_day->count() : -1;
}

When read(std::vector<std::string> words, chr::year_month_day today = kToday) {
    return parse_when(words, today);
}

TEST(When, ReadsNamedDaysInBothLanguages) {
    EXPECT_EQ(iso(read({"오늘"}).date), "2025-02-04");
    EXPECT_EQ(iso(read({"today"}).date), "2025-02-04");
    EXPECT_EQ(iso(read({"내일"}).date), "2025-02-05");
    EXPECT_EQ(iso(read({"Tomorrow"}).date), "2025-02-05");
    EXPECT_EQ(iso(read({"어제"}).date), "2025-02-03");
    EXPECT_EQ(iso(read({"yesterday"}).date), "2025-02-03");
    EXPECT_EQ(iso(read({"모레"}).date), "2025-02-06");
}

TEST(When, ReadsNumericDatesWithAnySeparator) {
    for (const char* written : {"2025-02-04", "2025.2.4", "2025/2/4", "2025.02.04."}) {
        const When when = read({written});
        EXPECT_EQ(iso(when.date), "2025-02-04") << written;
        EXPECT_EQ(when.words_used, 1U) << written;
        EXPECT_FALSE(when.time_of_day.has_value()) << written;
    }
}

TEST(When, YearlessDateUsesTheYearOfToday) {
    EXPECT_EQ(iso(read({"2/11"}).date), "2025-02-11");
    EXPECT_EQ(iso(read({"2월", "4일"}).date), "2025-02-04");
    // 2024 is a leap year, 2025 is not.
    EXPECT_EQ(iso(read({"2/29"}, ymd(2024, 1, 10)).date), "2024-02-29");
    EXPECT_EQ(read({"2/29"}).words_used, 0U);
    EXPECT_EQ(read({"2월", "29일"}).words_used, 0U);
}

TEST(When, NextWeekdayIsInNextIsoWeek) {
    EXPECT_EQ(iso(read({"next", "tue"}).date), "2025-02-11");
    EXPECT_EQ(iso(read({"다음주", "화요일"}).date), "2025-02-11");
    // From a Sunday the next week starts the following day.
    EXPECT_EQ(iso(read({"next", "tue"}, ymd(2025, 2, 9)).date), "2025-02-11");
    // From a Monday it is a week later.
    EXPECT_EQ(iso(read({"다음주", "화요일"}, ymd(2025, 2, 10)).date), "2025-02-18");
    EXPECT_EQ(iso(read({"다음주", "월"}).date), "2025-02-10");
}

TEST(When, BareWeekdayIsTheComingOneOrToday) {
    EXPECT_EQ(iso(read({"화요일"}).date), "2025-02-04");
    EXPECT_EQ(iso(read({"tue"}).date), "2025-02-04");
    EXPECT_EQ(iso(read({"수요일"}).date), "2025-02-05");
    EXPECT_EQ(iso(read({"Monday"}).date), "2025-02-10");
    EXPECT_EQ(iso(read({"일요일"}).date), "2025-02-09");
}

TEST(When, OneSyllableWeekdayOnlyWhereItCannotBeAnotherWord) {
    // "일" is also "work": "일 정리" is a to-do, not Sunday.
    EXPECT_EQ(read({"일", "정리"}).words_used, 0U);
    EXPECT_EQ(read({"금", "3시"}).words_used, 2U);
    EXPECT_EQ(iso(read({"금", "3시"}).date), "2025-02-07");
    ASSERT_TRUE(parse_when_text("금", kToday).has_value());
    EXPECT_EQ(iso(parse_when_text("금", kToday)->date), "2025-02-07");
}

TEST(When, ReadsRelativeDays) {
    EXPECT_EQ(iso(read({"in", "3", "days"}).date), "2025-02-07");
    EXPECT_EQ(iso(read({"3일", "후"}).date), "2025-02-07");
    EXPECT_EQ(iso(read({"3일후"}).date), "2025-02-07");
    EXPECT_EQ(iso(read({"2주", "후"}).date), "2025-02-18");
    EXPECT_EQ(iso(read({"in", "2", "weeks"}).date), "2025-02-18");
    EXPECT_EQ(iso(read({"2", "weeks"}).date), "2025-02-18");
    EXPECT_EQ(read({"in", "3", "days"}).words_used, 3U);
}

TEST(When, MonthLaterClampsToTheLastDay) {
    EXPECT_EQ(iso(read({"1개월", "후"}, ymd(2025, 1, 31)).date), "2025-02-28");
    EXPECT_EQ(iso(read({"in", "1", "month"}, ymd(2024, 1, 31)).date), "2024-02-29");
}

TEST(When, BareOneToSixOClockMeansAfternoon) {
    EXPECT_EQ(minutes(read({"3시"})), 15 * 60);
    EXPECT_EQ(minutes(read({"1시"})), 13 * 60);
    EXPECT_EQ(minutes(read({"6시"})), 18 * 60);
    EXPECT_EQ(minutes(read({"7시"})), 7 * 60);
    EXPECT_EQ(minutes(read({"11시"})), 11 * 60);
    EXPECT_EQ(minutes(read({"오전", "3시"})), 3 * 60);
    EXPECT_EQ(minutes(read({"03:00"})), 3 * 60);
}

TEST(When, NoonAndMidnightFollowMeridiem) {
    EXPECT_EQ(minutes(read({"12시"})), 12 * 60);
    EXPECT_EQ(minutes(read({"오전", "12시"})), 0);
    EXPECT_EQ(minutes(read({"오후", "12시"})), 12 * 60);
    EXPECT_EQ(minutes(read({"12am"})), 0);
    EXPECT_EQ(minutes(read({"12pm"})), 12 * 60);
    EXPECT_EQ(minutes(read({"오후", "3시", "30분"})), 15 * 60 + 30);
    EXPECT_EQ(read({"오후", "3시", "30분"}).words_used, 3U);
}

TEST(When, EnglishIsCaseInsensitive) {
    EXPECT_EQ(minutes(read({"3PM"})), 15 * 60);
    EXPECT_EQ(minutes(read({"3:30", "P.M."})), 15 * 60 + 30);
    EXPECT_EQ(iso(read({"NEXT", "TUE"}).date), "2025-02-11");
}

TEST(When, ReadsFullWidthDigits) {
    EXPECT_EQ(minutes(read({"１１：００"})), 11 * 60);
}

TEST(When, CombinesDateAndTimeInEitherOrder) {
    const When korean = read({"내일", "오후", "3시", "@카카오"});
    EXPECT_EQ(iso(korean.date), "2025-02-05");
    EXPECT_EQ(minutes(korean), 15 * 60);
    EXPECT_EQ(korean.words_used, 3U);
    const When english = read({"3pm", "tomorrow", "with", "Sam"});
    EXPECT_EQ(iso(english.date), "2025-02-05");
    EXPECT_EQ(minutes(english), 15 * 60);
    EXPECT_EQ(english.words_used, 2U);
}

TEST(When, StopsBeforeWordsThatAreNotDates) {
    EXPECT_EQ(read({"@Kakao", "내일"}).words_used, 0U);
    EXPECT_EQ(read({"with", "Sam"}).words_used, 0U);
    EXPECT_EQ(read({"내일", "with", "Sam"}).words_used, 1U);
    EXPECT_EQ(read({"tomorrow", "at", "Kakao"}).words_used, 1U);
    EXPECT_EQ(read({}).words_used, 0U);
}

TEST(When, ParticleEndsTheExpression) {
    const When when = read({"내일까지", "3시", "보고서"});
    EXPECT_EQ(iso(when.date), "2025-02-05");
    EXPECT_EQ(when.words_used, 1U);
    EXPECT_FALSE(when.time_of_day.has_value());
}

TEST(When, RefusesImpossibleDatesAndTimes) {
    for (const std::vector<std::string>& words :
         std::vector<std::vector<std::string>>{{"2025-02-30"},
                                               {"13/1"},
                                               {"24:00"},
                                               {"25시"},
                                               {"오전", "13시"},
                                               {"11:60"},
                                               {"13pm"},
                                               {"3"}}) {
        EXPECT_EQ(read(words).words_used, 0U) << words.front();
    }
}

TEST(When, WholeTextMustBeADate) {
    ASSERT_TRUE(parse_when_text("다음주 화요일", kToday).has_value());
    EXPECT_EQ(iso(parse_when_text("다음주 화요일", kToday)->date), "2025-02-11");
    EXPECT_EQ(iso(parse_when_text("2/11까지", kToday)->date), "2025-02-11");
    EXPECT_EQ(iso(parse_when_text("until 2/11", kToday)->date), "2025-02-11");
    EXPECT_FALSE(parse_when_text("2/11 카카오", kToday).has_value());
    EXPECT_FALSE(parse_when_text("협상", kToday).has_value());
    EXPECT_FALSE(parse_when_text("   ", kToday).has_value());
}

TEST(When, SplitsTrailingDueFromFollowUp) {
    const auto korean = split_trailing_due("MOU 초안 송부 2/11까지", kToday);
    EXPECT_EQ(iso(korean.due), "2025-02-11");
    EXPECT_EQ(korean.text, "MOU 초안 송부");
    const auto english = split_trailing_due("send draft by next tue", kToday);
    EXPECT_EQ(iso(english.due), "2025-02-11");
    EXPECT_EQ(english.text, "send draft");
    const auto option = split_trailing_due("send draft due:2/11", kToday);
    EXPECT_EQ(iso(option.due), "2025-02-11");
    EXPECT_EQ(option.text, "send draft");
}

TEST(When, FollowUpWithoutDueMarkerKeepsItsText) {
    const auto plain = split_trailing_due("  call Kim tomorrow ", kToday);
    EXPECT_FALSE(plain.due.has_value());
    EXPECT_EQ(plain.text, "call Kim tomorrow");
    const auto not_a_date = split_trailing_due("계약 체결까지", kToday);
    EXPECT_FALSE(not_a_date.due.has_value());
    EXPECT_EQ(not_a_date.text, "계약 체결까지");
}

TEST(When, TimeOnlyDueIsToday) {
    const auto due = split_trailing_due("자료 공유 오후 5시까지", kToday);
    EXPECT_EQ(iso(due.due), "2025-02-04");
    EXPECT_EQ(due.text, "자료 공유");
}

}  // namespace
