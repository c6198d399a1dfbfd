#include "handlers/money.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace {

using inmaek::handlers::Amount;
using inmaek::handlers::format_money;
using inmaek::handlers::minor_digits;
using inmaek::handlers::parse_money;

Amount krw(std::int64_t won) {
    return Amount{won, "KRW"};
}
Amount usd(std::int64_t cents) {
    return Amount{cents, "USD"};
}

TEST(Money, ReadsEokWithCheonManRemainder) {
    EXPECT_EQ(parse_money("1억 5천만원"), krw(150'000'000));
    EXPECT_EQ(parse_money("1억5천만"), krw(150'000'000));
    EXPECT_EQ(parse_money("1억 5,000만원"), krw(150'000'000));
}

TEST(Money, ReadsCheonManAsTensOfMillions) {
    EXPECT_EQ(parse_money("5천만원"), krw(50'000'000));
    EXPECT_EQ(parse_money("천만원"), krw(10'000'000));
    EXPECT_EQ(parse_money("3천5백만"), krw(35'000'000));
}

TEST(Money, ReadsGroupedAndDecimalKoreanUnits) {
    EXPECT_EQ(parse_money("3,000만원"), krw(30'000'000));
    EXPECT_EQ(parse_money("2.5억"), krw(250'000'000));
    EXPECT_EQ(parse_money("50억"), krw(5'000'000'000));
    EXPECT_EQ(parse_money("1조 2천억원"), krw(1'200'000'000'000));
    EXPECT_EQ(parse_money("만원"), krw(10'000));
}

TEST(Money, ReadsWonSignCodeAndScientificNotation) {
    EXPECT_EQ(parse_money("₩500,000,000"), krw(500'000'000));
    EXPECT_EQ(parse_money("KRW 5e8"), krw(500'000'000));
    EXPECT_EQ(parse_money("5e8원"), krw(500'000'000));
    EXPECT_EQ(parse_money("500,000,000 KRW"), krw(500'000'000));
    EXPECT_EQ(parse_money("1,500,000"), krw(1'500'000));
}

TEST(Money, ReadsDollarsInCentsWithSuffixes) {
    EXPECT_EQ(parse_money("$2M"), usd(200'000'000));
    EXPECT_EQ(parse_money("$1.5k"), usd(150'000));
    EXPECT_EQ(parse_money("$2,000,000"), usd(200'000'000));
    EXPECT_EQ(parse_money("USD 2,000,000"), usd(200'000'000));
    EXPECT_EQ(parse_money("2,000,000 USD"), usd(200'000'000));
    EXPECT_EQ(parse_money("2M USD"), usd(200'000'000));
    EXPECT_EQ(parse_money("$2B"), usd(200'000'000'000));
    EXPECT_EQ(parse_money("$1.5bn"), usd(150'000'000'000));
    EXPECT_EQ(parse_money("$1.50"), usd(150));
}

TEST(Money, ReadsEuroAndYen) {
    EXPECT_EQ(parse_money("€3M"), (Amount{300'000'000, "EUR"}));
    EXPECT_EQ(parse_money("EUR 3M"), (Amount{300'000'000, "EUR"}));
    EXPECT_EQ(parse_money("¥5,000"), (Amount{5'000, "JPY"}));
    EXPECT_EQ(parse_money("JPY 1.5M"), (Amount{1'500'000, "JPY"}));
}

TEST(Money, ReadsFullWidthInput) {
    EXPECT_EQ(parse_money("５억"), krw(500'000'000));
}

TEST(Money, RefusesNegativeAmounts) {
    EXPECT_FALSE(parse_money("-5억"));
    EXPECT_FALSE(parse_money("−5억"));
    EXPECT_FALSE(parse_money("$-2M"));
    EXPECT_FALSE(parse_money("(5,000)"));
}

TEST(Money, RefusesOverflow) {
    EXPECT_EQ(parse_money("9,223,372,036,854,775,807원"), krw(INT64_MAX));
    EXPECT_FALSE(parse_money("9,223,372,036,854,775,808원"));
    EXPECT_FALSE(parse_money("10000000조"));
    // Fits in dollars but not in cents.
    EXPECT_FALSE(parse_money("$100,000,000,000,000,000"));
    EXPECT_FALSE(parse_money("5e30"));
}

TEST(Money, RefusesJunk) {
    for (const char* junk : {"", "원", "$", "abc", "5억억", "5만억", "1억만", "5천5천", "1,5",
                             "1,23,456", "1 2", "5 apples", "오억개", "3.2.1", "5e", "1.5원"}) {
        EXPECT_FALSE(parse_money(junk)) << junk;
    }
}

TEST(Money, RefusesFractionsOfTheMinorUnit) {
    EXPECT_FALSE(parse_money("$1.505"));
    EXPECT_FALSE(parse_money("¥1.5"));
    EXPECT_EQ(parse_money("1.5만원"), krw(15'000));
}

TEST(Money, RefusesConflictingCurrencies) {
    EXPECT_FALSE(parse_money("$5원"));
    EXPECT_EQ(parse_money("₩5,000원"), krw(5'000));
}

TEST(Money, MinorDigitsFollowIso4217) {
    EXPECT_EQ(minor_digits("KRW"), 0);
    EXPECT_EQ(minor_digits("JPY"), 0);
    EXPECT_EQ(minor_digits("USD"), 2);
    EXPECT_EQ(minor_digits("eur"), 2);
}

TEST(Money, FormatsWonInEokAndManForKorean) {
    EXPECT_EQ(format_money(krw(5'000'000'000), true), "50억원");
    EXPECT_EQ(format_money(krw(150'000'000), true), "1억 5,000만원");
    EXPECT_EQ(format_money(krw(50'000'000), true), "5,000만원");
    EXPECT_EQ(format_money(krw(10'000), true), "1만원");
    EXPECT_EQ(format_money(krw(12'345), true), "12,345원");
    EXPECT_EQ(format_money(krw(0), true), "0원");
}

TEST(Money, FormatsWonWithSignForEnglish) {
    EXPECT_EQ(format_money(krw(5'000'000'000), false), "₩5,000,000,000");
    EXPECT_EQ(format_money(krw(12'345), false), "₩12,345");
}

TEST(Money, FormatsCentsOnlyWhenNotWhole) {
    EXPECT_EQ(format_money(usd(200'000'000), false), "$2,000,000");
    EXPECT_EQ(format_money(usd(150), false), "$1.50");
    EXPECT_EQ(format_money(usd(5), true), "$0.05");
    EXPECT_EQ(format_money(Amount{300'000'000, "EUR"}, false), "€3,000,000");
    EXPECT_EQ(format_money(Amount{5'000, "JPY"}, false), "¥5,000");
}

TEST(Money, FormatsCurrencyWithoutSymbolByCode) {
    EXPECT_EQ(format_money(Amount{200'000'050, "CHF"}, false), "CHF 2,000,000.50");
}

TEST(Money, KoreanDisplayReadsBack) {
    for (const std::int64_t won : {5'000'000'000LL, 150'000'000LL, 12'345LL, 1'500'000'000'000LL}) {
        EXPECT_EQ(parse_money(format_money(krw(won), true)), krw(won)) << won;
        EXPECT_EQ(parse_money(format_money(krw(won), false)), krw(won)) << won;
    }
}

}  // namespace
