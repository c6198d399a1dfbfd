#include "handlers/text.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

namespace text = inmaek::handlers::text;
using inmaek::handlers::Lang;

// "한글" as iOS/macOS keyboards send it: conjoining jamo, not syllables.
constexpr const char* kDecomposedHangeul = "\u1112\u1161\u11AB\u1100\u1173\u11AF";

TEST(Text, ComposesDecomposedHangulToNfc) {
    EXPECT_EQ(text::nfc("\u1112\u1161\u11AB"), "한");
    EXPECT_EQ(text::nfc(kDecomposedHangeul), "한글");
    EXPECT_EQ(text::nfc("카카오"), "카카오");
}

TEST(Text, ReplacesInvalidUtf8WithReplacementCharacter) {
    EXPECT_EQ(text::nfc("a\xff"
                        "b"),
              "a\uFFFD"
              "b");
    EXPECT_TRUE(text::is_valid_utf8(text::nfc("\xc3\x28 카카오 \xe1\x84")));
}

TEST(Text, AcceptsOnlyWellFormedUtf8) {
    EXPECT_TRUE(text::is_valid_utf8("카카오 Kakao 😀"));
    EXPECT_TRUE(text::is_valid_utf8(""));
    EXPECT_FALSE(text::is_valid_utf8("\xc3\x28"));          // bad continuation byte
    EXPECT_FALSE(text::is_valid_utf8("\xc0\xaf"));          // overlong '/'
    EXPECT_FALSE(text::is_valid_utf8("\xed\xa0\x80"));      // UTF-16 surrogate
    EXPECT_FALSE(text::is_valid_utf8("카\xea\xb0"));        // truncated syllable
    EXPECT_FALSE(text::is_valid_utf8("\xf4\x90\x80\x80"));  // beyond U+10FFFF
}

TEST(Text, FoldKeyIgnoresCaseWidthSpacesAndPunctuation) {
    const std::string key = text::fold_key("Kakao Corp");
    EXPECT_EQ(key, "kakaocorp");
    EXPECT_EQ(text::fold_key("kakao  corp"), key);
    EXPECT_EQ(text::fold_key("ＫＡＫＡＯ corp"), key);
    EXPECT_EQ(text::fold_key("KAKAO-CORP."), key);
    EXPECT_EQ(text::fold_key("\u3000Kakao\u00a0Corp"), key);
}

TEST(Text, FoldKeyComposesHangulAndKeepsEveryScript) {
    EXPECT_EQ(text::fold_key(kDecomposedHangeul), "한글");
    EXPECT_EQ(text::fold_key("LG AI 연구원"), "lgai연구원");
    EXPECT_EQ(text::fold_key("東京 Electron"), "東京electron");
    EXPECT_NE(text::fold_key("카카오"), text::fold_key("카카오톡"));
}

TEST(Text, FoldKeyKeepsPunctuationOnlyNamesApart) {
    EXPECT_FALSE(text::fold_key("...").empty());
    EXPECT_NE(text::fold_key("..."), text::fold_key("!!!"));
}

TEST(Text, NfkcCasefoldKeepsPunctuation) {
    EXPECT_EQ(text::nfkc_casefold("３ＰＭ"), "3pm");
    EXPECT_EQ(text::nfkc_casefold("Stage：PoC"), "stage:poc");
}

TEST(Text, LowerFoldsCaseForKeywords) {
    EXPECT_EQ(text::lower("Stage"), "stage");
    EXPECT_EQ(text::lower("ÉTAPE"), "étape");
    EXPECT_EQ(text::lower("단계"), "단계");
}

TEST(Text, DetectsHangulInAnyForm) {
    EXPECT_TRUE(text::has_hangul("Kakao 카카오"));
    EXPECT_TRUE(text::has_hangul("ㅋㅋ"));
    EXPECT_TRUE(text::has_hangul(kDecomposedHangeul));
    EXPECT_FALSE(text::has_hangul("Kakao Corp"));
    EXPECT_FALSE(text::has_hangul("東京"));
    EXPECT_FALSE(text::has_hangul(""));
}

TEST(Text, ReadsLanguageFromPlatformLocale) {
    EXPECT_EQ(text::lang_from_locale("ko", Lang::en), Lang::ko);
    EXPECT_EQ(text::lang_from_locale("ko-KR", Lang::en), Lang::ko);
    EXPECT_EQ(text::lang_from_locale("ko_KR.UTF-8", Lang::en), Lang::ko);
    EXPECT_EQ(text::lang_from_locale("en-US", Lang::ko), Lang::en);
    EXPECT_EQ(text::lang_from_locale("EN", Lang::ko), Lang::en);
    EXPECT_EQ(text::lang_from_locale("ja-JP", Lang::ko), Lang::ko);
    EXPECT_EQ(text::lang_from_locale("ja-JP", Lang::en), Lang::en);
    EXPECT_EQ(text::lang_from_locale("", Lang::ko), Lang::ko);
}

TEST(Text, TrimsUnicodeWhiteSpaceAndInvisibleMarks) {
    EXPECT_EQ(text::trim("  카카오 모빌리티 \t\n"), "카카오 모빌리티");
    EXPECT_EQ(text::trim("\u3000카카오\u00a0"), "카카오");
    EXPECT_EQ(text::trim("\u200b카카오\ufeff"), "카카오");
    EXPECT_EQ(text::trim(" \u3000 "), "");
}

TEST(Text, SplitsListsOnLatinAndCjkCommas) {
    EXPECT_EQ(text::split_list("샘 알트먼, 케빈 와일"),
              (std::vector<std::string>{"샘 알트먼", "케빈 와일"}));
    EXPECT_EQ(text::split_list("카카오、네이버，LG"),
              (std::vector<std::string>{"카카오", "네이버", "LG"}));
    EXPECT_EQ(text::split_list(" , ,OpenAI, "), (std::vector<std::string>{"OpenAI"}));
    EXPECT_TRUE(text::split_list("").empty());
}

TEST(Text, CountsCodePointsNotBytes) {
    EXPECT_EQ(text::length("카카오"), 3U);
    EXPECT_EQ(text::length("Kakao"), 5U);
    EXPECT_EQ(text::length("😀"), 1U);
    EXPECT_EQ(text::length(""), 0U);
}

TEST(Text, EllipsizesLongTextWithinTheLimit) {
    EXPECT_EQ(text::ellipsize("카카오톡 채널 연동", 4), "카카오…");
    EXPECT_EQ(text::ellipsize("카카오", 3), "카카오");
    EXPECT_EQ(text::ellipsize("카카오", 10), "카카오");
    EXPECT_EQ(text::ellipsize("카카오", 0), "");
    EXPECT_LE(text::length(text::ellipsize("OpenAI × Kakao partnership", 10)), 10U);
}

TEST(Text, EllipsisNeverSplitsAHangulSyllable) {
    // Five code points would cut the second jamo syllable in half; the cut moves back.
    EXPECT_EQ(text::ellipsize(kDecomposedHangeul, 5), "\u1112\u1161\u11AB…");
}

}  // namespace
