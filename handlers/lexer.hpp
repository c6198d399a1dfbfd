#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace inmaek::handlers {

/// One piece of a command line.
struct Token {
    enum class Kind {
        word,     ///< bare word: `오늘`, `11:00`, `Kakao`
        quoted,   ///< "LG AI Research" or “LG AI 연구원” (quotes removed)
        mention,  ///< @Kakao or @"SK Group" or @“카카오 모빌리티” (text without '@')
        option,   ///< key:value or 키:값 (key lower-cased, value may be quoted)
        colon,    ///< a lone ':' separating the notes from the rest
    };
    Kind kind = Kind::word;
    std::string text;       ///< word/quoted/mention text, or the option's value
    std::string key;        ///< option key (lower-cased), empty otherwise
    std::size_t begin = 0;  ///< byte offsets into the input
    std::size_t end = 0;
};

/// Splits a command's argument text into tokens. Straight quotes ("…", '…') and curly
/// quotes (“…”, ‘…’, 「…」) group words. A ':' alone, or a ':' ending a word that is not a
/// known option key and not a time, ends the tokens: everything after it is returned in
/// `rest` (notes). `known_keys` are the option keys of the command (e.g. stage, 단계), given
/// in the form text::lower gives them (commands hold them as lower-case literals);
/// `key:value` with an unknown key stays a word. Throws nothing; an unclosed quote runs to
/// the end of the text.
struct Lexed {
    std::vector<Token> tokens;
    std::string rest;  ///< text after the separating colon, trimmed; empty if none
    bool has_rest = false;
};
Lexed lex(std::string_view text, const std::vector<std::string_view>& known_keys);

}  // namespace inmaek::handlers
