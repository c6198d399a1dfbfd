#include "storage/search_text.hpp"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <climits>
#include <cstdint>

namespace inmaek::storage::search_text {
namespace {

/// Code points of UTF-8 text (ill-formed bytes become U+FFFD).
std::u32string decode(std::string_view utf8) {
    std::u32string out;
    out.reserve(utf8.size());
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(utf8.data());
    const auto size = static_cast<std::int32_t>(std::min<std::size_t>(utf8.size(), INT32_MAX));
    std::int32_t i = 0;
    while (i < size) {
        UChar32 c = 0;
        U8_NEXT(bytes, i, size, c);
        out.push_back(c < 0 ? U'\uFFFD' : static_cast<char32_t>(c));
    }
    return out;
}

std::string encode(std::u32string_view text) {
    std::string out;
    for (const char32_t c : text) {
        char buffer[U8_MAX_LENGTH];
        std::int32_t used = 0;
        UBool error = false;
        U8_APPEND(reinterpret_cast<std::uint8_t*>(buffer), used, U8_MAX_LENGTH,
                  static_cast<UChar32>(c), error);
        if (!error) out.append(buffer, static_cast<std::size_t>(used));
    }
    return out;
}

/// Simple case folding keeps one code point per code point, so positions stay those of the text.
std::u32string folded(std::string_view utf8) {
    auto text = decode(utf8);
    for (auto& c : text) {
        c = static_cast<char32_t>(u_foldCase(static_cast<UChar32>(c), U_FOLD_CASE_DEFAULT));
    }
    return text;
}

std::string nfc(std::string_view utf8) {
    UErrorCode status = U_ZERO_ERROR;
    const auto* normalizer = icu::Normalizer2::getNFCInstance(status);
    const auto text = icu::UnicodeString::fromUTF8(icu::StringPiece(
        utf8.data(), static_cast<std::int32_t>(std::min<std::size_t>(utf8.size(), INT32_MAX))));
    if (U_FAILURE(status)) return std::string{utf8};
    std::string out;
    normalizer->normalize(text, status).toUTF8String(out);
    return U_SUCCESS(status) ? out : std::string{utf8};
}

bool is_quote(char32_t c) {
    return c == U'"' || c == U'\u201C' || c == U'\u201D' || c == U'\u300C' || c == U'\u300D';
}

bool has_letter_or_digit(std::u32string_view word) {
    return std::any_of(word.begin(), word.end(),
                       [](char32_t c) { return u_isalnum(static_cast<UChar32>(c)) != 0; });
}

}  // namespace

std::vector<std::string> words(std::string_view query) {
    const auto text = decode(nfc(query));
    std::vector<std::string> out;
    std::u32string word;
    bool quoted = false;
    const auto finish = [&] {
        if (has_letter_or_digit(word)) out.push_back(encode(word));
        word.clear();
    };
    for (const char32_t c : text) {
        if (is_quote(c)) {
            finish();
            quoted = !quoted;
        } else if (!quoted && u_isUWhiteSpace(static_cast<UChar32>(c))) {
            finish();
        } else {
            word.push_back(c);
        }
    }
    finish();
    return out;
}

std::size_t length(std::string_view utf8) {
    return decode(utf8).size();
}

bool has_case(std::string_view utf8) {
    const auto text = decode(utf8);
    return std::any_of(text.begin(), text.end(), [](char32_t c) {
        return u_hasBinaryProperty(static_cast<UChar32>(c), UCHAR_CASED) != 0;
    });
}

std::string two_character_tokens(std::string_view text) {
    const auto characters = decode(text);
    const auto size = characters.size();
    const auto word = [&](std::size_t i) {
        return i < size && u_isalnum(static_cast<UChar32>(characters[i])) != 0;
    };
    // Scripts whose words run together: a two-syllable word is any pair of a longer run.
    const auto unspaced = [&](std::size_t i) {
        UErrorCode status = U_ZERO_ERROR;
        const auto script = uscript_getScript(static_cast<UChar32>(characters[i]), &status);
        return script == USCRIPT_HANGUL || script == USCRIPT_HAN || script == USCRIPT_HIRAGANA ||
               script == USCRIPT_KATAKANA;
    };
    // Another script's word ends where a character is not a letter or digit, or is unspaced.
    const auto spaced_edge = [&](std::size_t i) { return !word(i) || unspaced(i); };
    std::vector<std::u32string_view> pairs;
    for (std::size_t i = 0; i + 1 < size; ++i) {
        if (!word(i) || !word(i + 1)) continue;
        if (unspaced(i) || unspaced(i + 1) ||
            ((i == 0 || spaced_edge(i - 1)) && spaced_edge(i + 2))) {
            pairs.push_back(std::u32string_view{characters}.substr(i, 2));
        }
    }
    // Each once: the table keeps no positions (detail=none), so repeats would only cost.
    std::sort(pairs.begin(), pairs.end());
    pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
    std::string out;
    for (const auto pair : pairs) {
        if (!out.empty()) out += ' ';
        out += encode(pair);
    }
    return out;
}

TitleMatcher::TitleMatcher(const std::vector<std::string>& words) {
    for (const auto& word : words) {
        words_.push_back(folded(word));
        if (!phrase_.empty()) phrase_ += U' ';
        phrase_ += words_.back();
    }
}

int TitleMatcher::tier(std::string_view title) const {
    const auto text = folded(title);
    std::size_t start = 0;
    for (;;) {
        const auto end = text.find(U'\n', start);
        if (std::u32string_view{text}.substr(start, end - start) == phrase_) return 0;
        if (end == std::u32string::npos) break;
        start = end + 1;
    }
    const bool all = std::all_of(words_.begin(), words_.end(), [&](const std::u32string& word) {
        return text.find(word) != std::u32string::npos;
    });
    return all ? 1 : 2;
}

bool TitleMatcher::any_in(std::string_view text) const {
    const auto haystack = folded(text);
    return std::any_of(words_.begin(), words_.end(), [&](const std::u32string& word) {
        return haystack.find(word) != std::u32string::npos;
    });
}

std::string snippet(std::string_view text, const std::vector<std::string>& words,
                    std::size_t width) {
    auto line = decode(text);
    std::replace_if(
        line.begin(), line.end(),
        [](char32_t c) { return u_isUWhiteSpace(static_cast<UChar32>(c)) != 0; }, U' ');
    const auto haystack = folded(text);
    std::size_t hit = std::u32string::npos;
    for (const auto& word : words) hit = std::min(hit, haystack.find(folded(word)));
    // A little context before the word, the rest after it.
    const std::size_t lead = width / 4;
    std::size_t begin = hit == std::u32string::npos || hit <= lead ? 0 : hit - lead;
    begin = std::min(begin, line.size() > width ? line.size() - width : 0);
    const std::size_t end = std::min(line.size(), begin + width);
    std::string out = begin > 0 ? "…" : "";
    out += encode(std::u32string_view{line}.substr(begin, end - begin));
    if (end < line.size()) out += "…";
    return out;
}

}  // namespace inmaek::storage::search_text
