#include "handlers/lexer.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace {

using inmaek::handlers::lex;
using inmaek::handlers::Lexed;
using inmaek::handlers::Token;

const std::vector<std::string_view> kLeadKeys{"stage", "단계", "value", "금액", "owner", "due"};

std::vector<std::string> texts(const Lexed& lexed) {
    std::vector<std::string> out;
    for (const Token& token : lexed.tokens) {
        out.push_back(token.text);
    }
    return out;
}

TEST(Lexer, SplitsWordsOnAnyWhiteSpace) {
    const Lexed lexed = lex("오늘\u3000 11:00\t회의\n메모", kLeadKeys);
    EXPECT_EQ(texts(lexed), (std::vector<std::string>{"오늘", "11:00", "회의", "메모"}));
    EXPECT_FALSE(lexed.has_rest);
}

TEST(Lexer, GroupsStraightAndCurlyQuotes) {
    const Lexed lexed =
        lex("\"LG AI Research\" “LG AI 연구원” 'SK 텔레콤' ‘KT 클라우드’", kLeadKeys);
    ASSERT_EQ(lexed.tokens.size(), 4U);
    for (const Token& token : lexed.tokens) {
        EXPECT_EQ(token.kind, Token::Kind::quoted) << token.text;
    }
    EXPECT_EQ(texts(lexed), (std::vector<std::string>{"LG AI Research", "LG AI 연구원", "SK 텔레콤",
                                                      "KT 클라우드"}));
}

TEST(Lexer, ReadsBareAndQuotedMentions) {
    const Lexed lexed = lex("@카카오 @\"SK Group\" @“LG AI 연구원” @Kakao", kLeadKeys);
    ASSERT_EQ(lexed.tokens.size(), 4U);
    for (const Token& token : lexed.tokens) {
        EXPECT_EQ(token.kind, Token::Kind::mention) << token.text;
    }
    EXPECT_EQ(texts(lexed),
              (std::vector<std::string>{"카카오", "SK Group", "LG AI 연구원", "Kakao"}));
}

TEST(Lexer, MentionDropsTheCommaThatListsCompanies) {
    const Lexed lexed = lex("@카카오, @\"SK Group\", @OpenAI", kLeadKeys);
    EXPECT_EQ(texts(lexed), (std::vector<std::string>{"카카오", "SK Group", "OpenAI"}));
}

TEST(Lexer, AtSignAloneIsAWord) {
    const Lexed lexed = lex("@ 카카오", kLeadKeys);
    ASSERT_EQ(lexed.tokens.size(), 2U);
    EXPECT_EQ(lexed.tokens[0].kind, Token::Kind::word);
    EXPECT_EQ(lexed.tokens[0].text, "@");
}

TEST(Lexer, ReadsKnownOptionKeysLowerCased) {
    const Lexed lexed = lex("Stage:PoC 단계:협상 VALUE:50억", kLeadKeys);
    ASSERT_EQ(lexed.tokens.size(), 3U);
    EXPECT_EQ(lexed.tokens[0].kind, Token::Kind::option);
    EXPECT_EQ(lexed.tokens[0].key, "stage");
    EXPECT_EQ(lexed.tokens[0].text, "PoC");
    EXPECT_EQ(lexed.tokens[1].key, "단계");
    EXPECT_EQ(lexed.tokens[1].text, "협상");
    EXPECT_EQ(lexed.tokens[2].key, "value");
    EXPECT_EQ(lexed.tokens[2].text, "50억");
}

TEST(Lexer, OptionValueMayBeQuotedOrFollowASpace) {
    const Lexed lexed = lex("stage:\"in review\" owner:“김 팀장” 단계: 협상", kLeadKeys);
    ASSERT_EQ(lexed.tokens.size(), 3U);
    EXPECT_EQ(lexed.tokens[0].text, "in review");
    EXPECT_EQ(lexed.tokens[1].key, "owner");
    EXPECT_EQ(lexed.tokens[1].text, "김 팀장");
    EXPECT_EQ(lexed.tokens[2].key, "단계");
    EXPECT_EQ(lexed.tokens[2].text, "협상");
}

TEST(Lexer, UnknownKeyValueStaysAWord) {
    const Lexed lexed = lex("foo:bar https://kakao.com", kLeadKeys);
    ASSERT_EQ(lexed.tokens.size(), 2U);
    EXPECT_EQ(lexed.tokens[0].kind, Token::Kind::word);
    EXPECT_EQ(lexed.tokens[0].text, "foo:bar");
    EXPECT_EQ(lexed.tokens[1].text, "https://kakao.com");
    EXPECT_FALSE(lexed.has_rest);
}

TEST(Lexer, LoneColonSeparatesTheNotes) {
    const Lexed lexed = lex("@카카오 :   카카오톡×ChatGPT 연동 논의  ", kLeadKeys);
    ASSERT_EQ(lexed.tokens.size(), 2U);
    EXPECT_EQ(lexed.tokens[0].kind, Token::Kind::mention);
    EXPECT_EQ(lexed.tokens[1].kind, Token::Kind::colon);
    EXPECT_TRUE(lexed.has_rest);
    EXPECT_EQ(lexed.rest, "카카오톡×ChatGPT 연동 논의");
}

TEST(Lexer, TimeIsNotASeparator) {
    const Lexed lexed = lex("2025-02-04 11:00 @카카오 stage:poc", kLeadKeys);
    EXPECT_FALSE(lexed.has_rest);
    ASSERT_EQ(lexed.tokens.size(), 4U);
    EXPECT_EQ(lexed.tokens[1].kind, Token::Kind::word);
    EXPECT_EQ(lexed.tokens[1].text, "11:00");
}

TEST(Lexer, ColonEndingAWordStartsTheNotes) {
    const Lexed lexed = lex("@카카오 @OpenAI: 연동: 논의 stage:poc", kLeadKeys);
    ASSERT_EQ(lexed.tokens.size(), 3U);
    EXPECT_EQ(lexed.tokens[1].text, "OpenAI");
    EXPECT_EQ(lexed.tokens[2].kind, Token::Kind::colon);
    // Everything after the separator is notes, even what looks like an option.
    EXPECT_EQ(lexed.rest, "연동: 논의 stage:poc");
}

TEST(Lexer, ColonAfterAQuoteStartsTheNotes) {
    const Lexed lexed = lex("@\"SK Group\": 협업 논의", kLeadKeys);
    ASSERT_EQ(lexed.tokens.size(), 2U);
    EXPECT_EQ(lexed.tokens[0].text, "SK Group");
    EXPECT_EQ(lexed.rest, "협업 논의");
}

TEST(Lexer, ColonInsideQuotesIsText) {
    const Lexed lexed = lex("\"Note: 중요\" 메모", kLeadKeys);
    EXPECT_FALSE(lexed.has_rest);
    EXPECT_EQ(texts(lexed), (std::vector<std::string>{"Note: 중요", "메모"}));
}

TEST(Lexer, FullWidthColonSeparatesToo) {
    const Lexed lexed = lex("@카카오 ： 메모", kLeadKeys);
    EXPECT_TRUE(lexed.has_rest);
    EXPECT_EQ(lexed.rest, "메모");
}

TEST(Lexer, SeparatorWithNothingAfterGivesEmptyRest) {
    const Lexed lexed = lex("@카카오 :", kLeadKeys);
    EXPECT_TRUE(lexed.has_rest);
    EXPECT_EQ(lexed.rest, "");
}

TEST(Lexer, UnclosedQuoteRunsToTheEnd) {
    const Lexed lexed = lex("@“LG AI 연구원 미팅", kLeadKeys);
    ASSERT_EQ(lexed.tokens.size(), 1U);
    EXPECT_EQ(lexed.tokens[0].kind, Token::Kind::mention);
    EXPECT_EQ(lexed.tokens[0].text, "LG AI 연구원 미팅");
}

TEST(Lexer, RecordsByteOffsetsOfTokens) {
    const std::string input = "오늘 @카카오 \"SK Group\"";
    const Lexed lexed = lex(input, kLeadKeys);
    ASSERT_EQ(lexed.tokens.size(), 3U);
    EXPECT_EQ(lexed.tokens[0].begin, 0U);
    EXPECT_EQ(lexed.tokens[0].end, 6U);  // two Hangul syllables, three bytes each
    EXPECT_EQ(input.substr(lexed.tokens[1].begin, lexed.tokens[1].end - lexed.tokens[1].begin),
              "@카카오");
    EXPECT_EQ(input.substr(lexed.tokens[2].begin, lexed.tokens[2].end - lexed.tokens[2].begin),
              "\"SK Group\"");
}

TEST(Lexer, EmptyAndBlankInputGiveNoTokens) {
    EXPECT_TRUE(lex("", kLeadKeys).tokens.empty());
    EXPECT_TRUE(lex(" \u3000\t", kLeadKeys).tokens.empty());
}

TEST(Lexer, InvalidUtf8DoesNotBreakTheLine) {
    const Lexed lexed = lex("\xff\xfe @카카오", kLeadKeys);
    ASSERT_EQ(lexed.tokens.size(), 2U);
    EXPECT_EQ(lexed.tokens[1].kind, Token::Kind::mention);
    EXPECT_EQ(lexed.tokens[1].text, "카카오");
}

}  // namespace
