#pragma once

// The text side of /find, shared by both backends: a query's words, case-insensitive matching
// and snippets. Independent of chat: the REST API searches through the same functions.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace inmaek::storage::search_text {

/// Words of a search: NFC (Hangul typed decomposed becomes composed), split on white space, a
/// "quoted phrase" (straight or curly quotes) kept as one word; words without a letter or digit
/// are dropped.
std::vector<std::string> words(std::string_view query);

/// Number of code points of UTF-8 text.
std::size_t length(std::string_view utf8);

/// Whether UTF-8 text has a letter with case (Unicode's Cased: Latin, Greek, Cyrillic…); text
/// of Hangul, Han, digits and punctuation alone has none, and reads the same lowered.
bool has_case(std::string_view utf8);

/// The text of SQLite's two-character index (search_grams, schemas/0013): the pairs of
/// adjacent letters or digits that a search for a word of two characters needs and trigrams
/// cannot find, space-separated. Those are every pair in or at the edge of a run of a script
/// written without spaces between words (Hangul, Han, kana: "반도체를" gives "반도 도체 체를", so
/// 연동 is found in 연동을), and a word of two characters in any other script ("AI", "5G"); a
/// longer word of other scripts gives none ("integration" is found by its trigrams).
std::string two_character_tokens(std::string_view text);

/// Where a search's words are in a title, compared by simple Unicode case folding; the words
/// are folded once for all the titles a search looks at.
class TitleMatcher {
public:
    explicit TitleMatcher(const std::vector<std::string>& words);
    /// 0: a line of the title (a name or an alias) is the words, space-separated; 1: the title
    /// holds every word; 2: it does not.
    [[nodiscard]] int tier(std::string_view title) const;
    /// True when `text` holds any of the words.
    [[nodiscard]] bool any_in(std::string_view text) const;

private:
    std::vector<std::u32string> words_;
    std::u32string phrase_;
};

/// At most `width` code points of `text` around the first of `words` found in it, on one line,
/// with "…" where it was cut; the start of the text when no word is in it.
std::string snippet(std::string_view text, const std::vector<std::string>& words,
                    std::size_t width);

}  // namespace inmaek::storage::search_text
