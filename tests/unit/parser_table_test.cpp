// One table over every parser piece of the chat language: what a person types and what the
// parser must make of it. Each row renders the parser's result as a short string so a failure
// shows the input, the expected reading and the actual one side by side.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <ostream>
#include <string>
#include <vector>

#include "handlers/lexer.hpp"
#include "handlers/money.hpp"
#include "handlers/text.hpp"
#include "handlers/when.hpp"

namespace {

namespace chr = std::chrono;
namespace h = inmaek::handlers;

// A Tuesday; the real clock is never consulted.
constexpr chr::year_month_day kTableToday{chr::year{2025}, chr::February, chr::day{4}};

enum class Parser {
    when,       ///< parse_when over the words: "date time +words_used" or "none"
    when_text,  ///< parse_when_text: "date time" or "none"
    due,        ///< split_trailing_due: "date | text"
    money,      ///< parse_money: "CUR minor" or "none"
    money_ko,   ///< parse_money then format_money(korean)
    money_en,   ///< parse_money then format_money(english)
    lex,        ///< lex tokens, "| rest" when there are notes
    nfc,        ///< text::nfc
    fold,       ///< text::fold_key
};

struct ParseCase {
    Parser parser;
    const char* input;
    const char* expected;
};

void PrintTo(const ParseCase& c, std::ostream* os) {
    *os << '"' << c.input << "\" → \"" << c.expected << '"';
}

std::vector<std::string> split_spaces(const std::string& input) {
    std::vector<std::string> words;
    std::string word;
    for (const char c : input) {
        if (c == ' ') {
            if (!word.empty()) {
                words.push_back(word);
            }
            word.clear();
        } else {
            word.push_back(c);
        }
    }
    if (!word.empty()) {
        words.push_back(word);
    }
    return words;
}

std::string iso_date(const std::optional<chr::year_month_day>& date) {
    if (!date) {
        return "-";
    }
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(date->year()),
                  static_cast<unsigned>(date->month()), static_cast<unsigned>(date->day()));
    return buffer;
}

std::string clock_time(const std::optional<chr::minutes>& time) {
    if (!time) {
        return "-";
    }
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, "%02d:%02d", static_cast<int>(time->count() / 60),
                  static_cast<int>(time->count() % 60));
    return buffer;
}

const std::vector<std::string_view> kTableKeys{"stage", "단계", "value", "금액", "due", "마감"};

std::string token_kind(h::Token::Kind kind) {
    switch (kind) {
        case h::Token::Kind::word: return "word";
        case h::Token::Kind::quoted: return "quoted";
        case h::Token::Kind::mention: return "mention";
        case h::Token::Kind::option: return "option";
        case h::Token::Kind::colon: return "colon";
    }
    return "?";
}

std::string render(const ParseCase& c) {
    const std::string input = c.input;
    switch (c.parser) {
        case Parser::when: {
            const h::When when = h::parse_when(split_spaces(input), kTableToday);
            if (when.words_used == 0) {
                return "none";
            }
            return iso_date(when.date) + " " + clock_time(when.time_of_day) + " +" +
                   std::to_string(when.words_used);
        }
        case Parser::when_text: {
            const auto when = h::parse_when_text(input, kTableToday);
            return when ? iso_date(when->date) + " " + clock_time(when->time_of_day) : "none";
        }
        case Parser::due: {
            const h::TrailingDue due = h::split_trailing_due(input, kTableToday);
            return (due.due ? iso_date(due.due) : "none") + " | " + due.text;
        }
        case Parser::money: {
            const auto amount = h::parse_money(input);
            return amount ? amount->currency + " " + std::to_string(amount->minor) : "none";
        }
        case Parser::money_ko:
        case Parser::money_en: {
            const auto amount = h::parse_money(input);
            return amount ? h::format_money(*amount, c.parser == Parser::money_ko) : "none";
        }
        case Parser::lex: {
            const h::Lexed lexed = h::lex(input, kTableKeys);
            std::string out;
            for (const h::Token& token : lexed.tokens) {
                if (!out.empty()) {
                    out += ' ';
                }
                out += token_kind(token.kind);
                if (token.kind == h::Token::Kind::option) {
                    out += ":" + token.key + "=" + token.text;
                } else if (token.kind != h::Token::Kind::colon) {
                    out += ":" + token.text;
                }
            }
            if (lexed.has_rest) {
                out += " | " + lexed.rest;
            }
            return out;
        }
        case Parser::nfc: return inmaek::handlers::text::nfc(input);
        case Parser::fold: return inmaek::handlers::text::fold_key(input);
    }
    return "?";
}

using P = Parser;

const ParseCase kCases[] = {
    // Dates, Korean and English.
    {P::when, "오늘", "2025-02-04 - +1"},
    {P::when, "내일", "2025-02-05 - +1"},
    {P::when, "어제", "2025-02-03 - +1"},
    {P::when, "모레", "2025-02-06 - +1"},
    {P::when, "Tomorrow", "2025-02-05 - +1"},
    {P::when, "TODAY", "2025-02-04 - +1"},
    {P::when, "yesterday", "2025-02-03 - +1"},
    {P::when, "2025-02-04", "2025-02-04 - +1"},
    {P::when, "2025.2.4", "2025-02-04 - +1"},
    {P::when, "2025/2/4", "2025-02-04 - +1"},
    {P::when, "2025.2.4.", "2025-02-04 - +1"},
    {P::when, "2025. 2. 4.", "2025-02-04 - +3"},
    {P::when, "2/11", "2025-02-11 - +1"},
    {P::when, "2월 4일", "2025-02-04 - +2"},
    {P::when, "2월4일", "2025-02-04 - +1"},
    {P::when, "12월 25일", "2025-12-25 - +2"},
    {P::when, "2026년 3월 1일", "2026-03-01 - +3"},
    {P::when, "next tue", "2025-02-11 - +2"},
    {P::when, "Next Tuesday", "2025-02-11 - +2"},
    {P::when, "다음주 화요일", "2025-02-11 - +2"},
    {P::when, "다음 주 금요일", "2025-02-14 - +3"},
    {P::when, "다음주화요일", "2025-02-11 - +1"},
    {P::when, "차주 월요일", "2025-02-10 - +2"},
    {P::when, "다음주", "2025-02-10 - +1"},
    {P::when, "next week", "2025-02-10 - +2"},
    {P::when, "이번주 금요일", "2025-02-07 - +2"},
    {P::when, "this fri", "2025-02-07 - +2"},
    {P::when, "지난주 금요일", "2025-01-31 - +2"},
    {P::when, "화요일", "2025-02-04 - +1"},
    {P::when, "tue", "2025-02-04 - +1"},
    {P::when, "wed", "2025-02-05 - +1"},
    {P::when, "월요일", "2025-02-10 - +1"},
    {P::when, "일요일", "2025-02-09 - +1"},
    {P::when, "in 3 days", "2025-02-07 - +3"},
    {P::when, "3일 후", "2025-02-07 - +2"},
    {P::when, "3일후", "2025-02-07 - +1"},
    {P::when, "3일 뒤", "2025-02-07 - +2"},
    {P::when, "2주 후", "2025-02-18 - +2"},
    {P::when, "in 2 weeks", "2025-02-18 - +3"},
    {P::when, "일주일 뒤", "2025-02-11 - +2"},
    {P::when, "1개월 후", "2025-03-04 - +2"},
    {P::when, "3 days ago", "2025-02-01 - +3"},
    // Times: 오전/오후, am/pm, and the business-hours rule for a bare 1–6시.
    {P::when, "11:00", "- 11:00 +1"},
    {P::when, "11시", "- 11:00 +1"},
    {P::when, "11시 30분", "- 11:30 +2"},
    {P::when, "11시30분", "- 11:30 +1"},
    {P::when, "오전 11시", "- 11:00 +2"},
    {P::when, "오후 3시 30분", "- 15:30 +3"},
    {P::when, "오후3시", "- 15:00 +1"},
    {P::when, "3시", "- 15:00 +1"},
    {P::when, "3시 반", "- 15:30 +2"},
    {P::when, "7시", "- 07:00 +1"},
    {P::when, "12시", "- 12:00 +1"},
    {P::when, "오전 12시", "- 00:00 +2"},
    {P::when, "오후 12시", "- 12:00 +2"},
    {P::when, "15시", "- 15:00 +1"},
    {P::when, "정오", "- 12:00 +1"},
    {P::when, "3pm", "- 15:00 +1"},
    {P::when, "3PM", "- 15:00 +1"},
    {P::when, "3 pm", "- 15:00 +2"},
    {P::when, "3:30pm", "- 15:30 +1"},
    {P::when, "12am", "- 00:00 +1"},
    {P::when, "12pm", "- 12:00 +1"},
    {P::when, "9:00", "- 09:00 +1"},
    {P::when, "03:00", "- 03:00 +1"},
    // Date and time together, in either order, stopping at the first other word.
    {P::when, "내일 오후 3시", "2025-02-05 15:00 +3"},
    {P::when, "2/11 11:00", "2025-02-11 11:00 +2"},
    {P::when, "2025-02-04 11:00 @카카오", "2025-02-04 11:00 +2"},
    {P::when, "다음주 화요일 오전 10시 @카카오 with 샘", "2025-02-11 10:00 +4"},
    {P::when, "tomorrow at 3pm @Kakao", "2025-02-05 15:00 +3"},
    {P::when, "3pm tomorrow", "2025-02-05 15:00 +2"},
    {P::when, "오늘 11시에 @카카오", "2025-02-04 11:00 +2"},
    {P::when, "내일까지 오후 3시", "2025-02-05 - +1"},
    {P::when, "화 3시", "2025-02-04 15:00 +2"},
    // Not dates or times.
    {P::when, "@Kakao", "none"},
    {P::when, "with 샘", "none"},
    {P::when, "카카오", "none"},
    {P::when, "2/30", "none"},
    {P::when, "13/45", "none"},
    {P::when, "25시", "none"},
    {P::when, "오전 13시", "none"},
    {P::when, "10:75", "none"},
    {P::when, "3 apples", "none"},
    {P::when, "3일", "none"},
    {P::when, "일 정리", "none"},
    // Whole texts, as in due:… options.
    {P::when_text, "2/11", "2025-02-11 -"},
    {P::when_text, "다음주 화요일", "2025-02-11 -"},
    {P::when_text, "2/11까지", "2025-02-11 -"},
    {P::when_text, "by friday", "2025-02-07 -"},
    {P::when_text, "금", "2025-02-07 -"},
    {P::when_text, "내일 오후 3시", "2025-02-05 15:00"},
    {P::when_text, "2/11 카카오", "none"},
    {P::when_text, "", "none"},
    // Trailing due dates of follow-ups.
    {P::due, "MOU 초안 송부 2/11까지", "2025-02-11 | MOU 초안 송부"},
    {P::due, "계약서 검토 다음주 화요일까지", "2025-02-11 | 계약서 검토"},
    {P::due, "제안서 금요일 마감", "2025-02-07 | 제안서"},
    {P::due, "자료 공유 - 2/14 까지", "2025-02-14 | 자료 공유"},
    {P::due, "리뷰 due:다음주 화요일", "2025-02-11 | 리뷰"},
    {P::due, "send draft by 2/11", "2025-02-11 | send draft"},
    {P::due, "send draft due:2/11", "2025-02-11 | send draft"},
    {P::due, "send deck by next tue", "2025-02-11 | send deck"},
    {P::due, "MOU 초안 송부", "none | MOU 초안 송부"},
    {P::due, "call Kim tomorrow", "none | call Kim tomorrow"},
    // Money.
    {P::money, "50억", "KRW 5000000000"},
    {P::money, "5천만원", "KRW 50000000"},
    {P::money, "1억 5천만원", "KRW 150000000"},
    {P::money, "3,000만원", "KRW 30000000"},
    {P::money, "2.5억", "KRW 250000000"},
    {P::money, "천만원", "KRW 10000000"},
    {P::money, "오천만원", "KRW 50000000"},
    {P::money, "5만5천원", "KRW 55000"},
    {P::money, "1조 2천억", "KRW 1200000000000"},
    {P::money, "₩500,000,000", "KRW 500000000"},
    {P::money, "KRW 5e8", "KRW 500000000"},
    {P::money, "5e8원", "KRW 500000000"},
    {P::money, "100만 달러", "USD 100000000"},
    {P::money, "$2M", "USD 200000000"},
    {P::money, "$1.5k", "USD 150000"},
    {P::money, "$2,000,000", "USD 200000000"},
    {P::money, "USD 2,000,000", "USD 200000000"},
    {P::money, "2M USD", "USD 200000000"},
    {P::money, "2bn usd", "USD 200000000000"},
    {P::money, "€3M", "EUR 300000000"},
    {P::money, "EUR 3M", "EUR 300000000"},
    {P::money, "¥5,000", "JPY 5000"},
    {P::money, "JPY 1.5M", "JPY 1500000"},
    {P::money, "-5억", "none"},
    {P::money, "−5억", "none"},
    {P::money, "5억억", "none"},
    {P::money, "5만억", "none"},
    {P::money, "abc", "none"},
    {P::money, "오억개", "none"},
    {P::money, "1,5", "none"},
    {P::money, "1.5원", "none"},
    {P::money, "$1.505", "none"},
    {P::money, "$5원", "none"},
    {P::money, "10000000000000000000", "none"},
    {P::money, "", "none"},
    // Money display.
    {P::money_ko, "50억", "50억원"},
    {P::money_ko, "1억 5천만원", "1억 5,000만원"},
    {P::money_ko, "5천만원", "5,000만원"},
    {P::money_ko, "12345", "12,345원"},
    {P::money_ko, "1조 5000억", "1조 5,000억원"},
    {P::money_en, "50억", "₩5,000,000,000"},
    {P::money_en, "$2M", "$2,000,000"},
    {P::money_en, "$1.5", "$1.50"},
    {P::money_en, "€3M", "€3,000,000"},
    // Quotes, mentions, options and the notes separator.
    {P::lex, "@카카오 : 카카오톡×ChatGPT 연동 논의",
     "mention:카카오 colon | 카카오톡×ChatGPT 연동 논의"},
    {P::lex, "2025-02-04 11:00 @카카오", "word:2025-02-04 word:11:00 mention:카카오"},
    {P::lex, "@카카오 @OpenAI: 연동 논의", "mention:카카오 mention:OpenAI colon | 연동 논의"},
    {P::lex, "@\"SK Group\" 단계:협상", "mention:SK Group option:단계=협상"},
    {P::lex, "@“LG AI 연구원” value:50억", "mention:LG AI 연구원 option:value=50억"},
    {P::lex, "\"LG AI Research\" stage:poc", "quoted:LG AI Research option:stage=poc"},
    {P::lex, "“LG AI 연구원” 미팅", "quoted:LG AI 연구원 word:미팅"},
    {P::lex, "「카카오 모빌리티」 메모", "quoted:카카오 모빌리티 word:메모"},
    {P::lex, "Stage:PoC", "option:stage=PoC"},
    {P::lex, "단계: 협상", "option:단계=협상"},
    {P::lex, "stage:\"in review\" 메모", "option:stage=in review word:메모"},
    {P::lex, "foo:bar", "word:foo:bar"},
    {P::lex, "회의록: 내용 정리", "word:회의록 colon | 내용 정리"},
    {P::lex, "@카카오, @OpenAI", "mention:카카오 mention:OpenAI"},
    {P::lex, "@카카오 ： 메모", "mention:카카오 colon | 메모"},
    {P::lex, "\"닫히지 않은 따옴표", "quoted:닫히지 않은 따옴표"},
    // NFC and folded keys.
    {P::nfc, "\u1112\u1161\u11AB", "한"},
    {P::nfc, "\u1112\u1161\u11AB\u1100\u1173\u11AF", "한글"},
    {P::nfc, "e\u0301", "é"},
    {P::fold, "Kakao Corp", "kakaocorp"},
    {P::fold, "kakao  corp", "kakaocorp"},
    {P::fold, "ＫＡＫＡＯ corp", "kakaocorp"},
    {P::fold, "Kakao Corp.", "kakaocorp"},
    {P::fold, "카카오 모빌리티", "카카오모빌리티"},
    {P::fold, "LG AI 연구원", "lgai연구원"},
    {P::fold, "\u1112\u1161\u11AB화", "한화"},
    {P::fold, "㈜카카오", "주카카오"},
    {P::fold, "(주)카카오", "주카카오"},
};

class ParserTable : public ::testing::TestWithParam<ParseCase> {};

TEST_P(ParserTable, ReadsWhatPeopleTypeAsDocumented) {
    const ParseCase& c = GetParam();
    EXPECT_EQ(render(c), c.expected);
}

INSTANTIATE_TEST_SUITE_P(WrittenForms, ParserTable, ::testing::ValuesIn(kCases));

TEST(ParserTableSize, HasAtLeastNinetyCasesMostlyKorean) {
    std::size_t korean = 0;
    for (const ParseCase& c : kCases) {
        if (inmaek::handlers::text::has_hangul(c.input) ||
            inmaek::handlers::text::has_hangul(c.expected)) {
            ++korean;
        }
    }
    const std::size_t total = std::size(kCases);
    EXPECT_GE(total, 90U);
    EXPECT_GE(korean * 2, total);
}

}  // namespace
