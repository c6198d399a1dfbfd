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

/// True when `text` contains `word`, compared by simple Unicode case folding.
bool contains(std::string_view text, std::string_view word);

/// True when both are the same text but for case.
bool same(std::string_view a, std::string_view b);

/// At most `width` code points of `text` around the first of `words` found in it, on one line,
/// with "…" where it was cut; the start of the text when no word is in it.
std::string snippet(std::string_view text, const std::vector<std::string>& words,
                    std::size_t width);

}  // namespace inmaek::storage::search_text
