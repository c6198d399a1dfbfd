// handlers/company_names: which spellings of a company's name are the same company.
#include "handlers/company_names.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace {

using inmaek::handlers::company_names::core_key;
using inmaek::handlers::company_names::similar_keys;

struct Spelling {
    const char* name;
    const char* core;
};

class CompanyCoreKey : public ::testing::TestWithParam<Spelling> {};

TEST_P(CompanyCoreKey, DropsLegalFormsSpacingCaseAndWidth) {
    EXPECT_EQ(core_key(GetParam().name), GetParam().core) << GetParam().name;
}

INSTANTIATE_TEST_SUITE_P(
    Spellings, CompanyCoreKey,
    ::testing::Values(
        // Korean legal forms before and after, glued or spaced, and the one-character ㈜.
        Spelling{"카카오", "카카오"}, Spelling{"(주)카카오", "카카오"},
        Spelling{"(주) 카카오", "카카오"}, Spelling{"카카오(주)", "카카오"},
        Spelling{"㈜카카오", "카카오"}, Spelling{"카카오㈜", "카카오"},
        Spelling{"（주）카카오", "카카오"}, Spelling{"주식회사 카카오", "카카오"},
        Spelling{"주식회사카카오", "카카오"}, Spelling{"카카오 주식회사", "카카오"},
        Spelling{"유한회사 하이브", "하이브"}, Spelling{"(유)하이브", "하이브"},
        Spelling{"유한책임회사 네이버클라우드", "네이버클라우드"},
        Spelling{"株式会社 カカオ", "カカオ"}, Spelling{" 카카오 ", "카카오"},
        Spelling{"카 카 오", "카카오"},
        // English suffixes, with or without dots and commas, in any case and width.
        Spelling{"Kakao Corp.", "kakao"}, Spelling{"KAKAO corp", "kakao"},
        Spelling{"Kakao Corporation", "kakao"}, Spelling{"Kakao Inc.", "kakao"},
        Spelling{"OpenAI, Inc.", "openai"}, Spelling{"OpenAI LLC", "openai"},
        Spelling{"Samsung Electronics Co., Ltd.", "samsungelectronics"},
        Spelling{"Samsung Electronics Co Ltd", "samsungelectronics"},
        Spelling{"Wrtn Technologies Limited", "wrtntechnologies"},
        Spelling{"Siemens GmbH", "siemens"}, Spelling{"Arm plc", "arm"},
        Spelling{"ＫＡＫＡＯ Ｃｏｒｐ．", "kakao"}, Spelling{"  kakao   corp  ", "kakao"},
        // Mixed: a Korean prefix and an English suffix.
        Spelling{"(주)카카오 Corp.", "카카오"},
        // Words that only look like forms stay.
        Spelling{"주연테크", "주연테크"}, Spelling{"Corp Solutions", "corpsolutions"},
        Spelling{"Coinone", "coinone"}, Spelling{"LG AI Research", "lgairesearch"},
        Spelling{"Incheon Airport", "incheonairport"},
        // A name that is only a legal form keeps it rather than becoming empty.
        Spelling{"Co.", "co"}, Spelling{"주식회사", "주식회사"}, Spelling{"(주)", "주"},
        Spelling{"Inc", "inc"}));

TEST(CompanyCoreKey, DecomposedHangulIsTheSameAsComposed) {
    // 카카오 typed on a macOS keyboard: conjoining jamo.
    EXPECT_EQ(core_key("(주)\u110F\u1161\u110F\u1161\u110B\u1169"), "카카오");
}

bool holds(const std::vector<std::string>& keys, const std::string& key) {
    return std::find(keys.begin(), keys.end(), key) != keys.end();
}

TEST(CompanySimilarKeys, StartWithTheCoreKey) {
    EXPECT_EQ(similar_keys("(주)카카오").front(), "카카오");
    EXPECT_EQ(similar_keys("Kakao Corp.").front(), "kakao");
}

TEST(CompanySimilarKeys, HoldTheStoredKeysOfOtherSpellings) {
    // Stored keys are text::fold_key of the name as written: (주)카카오 is "주카카오".
    const auto korean = similar_keys("카카오");
    for (const auto* stored :
         {"카카오", "주카카오", "카카오주", "주식회사카카오", "카카오주식회사"}) {
        EXPECT_TRUE(holds(korean, stored)) << stored;
    }
    const auto english = similar_keys("KAKAO");
    for (const auto* stored : {"kakao", "kakaocorp", "kakaoinc", "kakaocoltd", "kakaoltd",
                               "kakaollc", "kakaocorporation"}) {
        EXPECT_TRUE(holds(english, stored)) << stored;
    }
    EXPECT_TRUE(holds(similar_keys("Kakao Inc."), "kakaocorp"));
    EXPECT_TRUE(holds(similar_keys("주식회사 카카오"), "주카카오"));
}

TEST(CompanySimilarKeys, NeverHoldAnEmptyKeyOrAnotherCompanysKey) {
    for (const auto* name : {"카카오", "Kakao Corp.", "(주)", "Co.", " "}) {
        for (const auto& key : similar_keys(name)) EXPECT_FALSE(key.empty()) << name;
    }
    EXPECT_FALSE(holds(similar_keys("카카오"), "카카오모빌리티"));
    EXPECT_FALSE(holds(similar_keys("Kakao"), "kakaomobility"));
}

}  // namespace
