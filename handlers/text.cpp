#include "handlers/text.hpp"

#include <algorithm>

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include <climits>
#include <cstdint>
#include <memory>

namespace inmaek::handlers::text {

namespace {

// ICU indexes with int32_t; chat text is far below that, and longer input is cut rather than
// overflowing an index.
std::int32_t icu_length(std::string_view bytes) {
    return bytes.size() > static_cast<std::size_t>(INT32_MAX)
               ? INT32_MAX
               : static_cast<std::int32_t>(bytes.size());
}

icu::UnicodeString to_unicode(std::string_view utf8) {
    // fromUTF8 substitutes U+FFFD for ill-formed sequences, which is the contract of nfc().
    return icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), icu_length(utf8)));
}

std::string to_utf8(const icu::UnicodeString& text) {
    std::string out;
    text.toUTF8String(out);
    return out;
}

/// Applies a normalizer; on an ICU failure the unnormalized (but valid) text is kept, because a
/// slightly less canonical key is better than losing the user's text.
std::string normalize(const icu::Normalizer2* normalizer, const icu::UnicodeString& text) {
    if (normalizer == nullptr) {
        return to_utf8(text);
    }
    UErrorCode status = U_ZERO_ERROR;
    icu::UnicodeString out = normalizer->normalize(text, status);
    return to_utf8(U_SUCCESS(status) ? out : text);
}

const icu::Normalizer2* nfc_normalizer() {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* normalizer = icu::Normalizer2::getNFCInstance(status);
    return U_SUCCESS(status) ? normalizer : nullptr;
}

const icu::Normalizer2* nfkc_casefold_normalizer() {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* normalizer = icu::Normalizer2::getNFKCCasefoldInstance(status);
    return U_SUCCESS(status) ? normalizer : nullptr;
}

/// Decodes the code point at `i` and advances; ill-formed bytes give a negative value and
/// advance by at least one byte.
UChar32 next_code_point(std::string_view bytes, std::int32_t& i) {
    const auto* s = reinterpret_cast<const std::uint8_t*>(bytes.data());
    const std::int32_t length = icu_length(bytes);
    UChar32 c = 0;
    U8_NEXT(s, i, length, c);
    return c;
}

// Messengers paste zero-width spaces and byte-order marks around names; they are invisible, so
// they are trimmed like white space.
bool is_trimmable(UChar32 c) {
    return c >= 0 &&
           (u_isUWhiteSpace(c) || u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT));
}

bool is_list_separator(UChar32 c) {
    return c == U',' || c == U'、' || c == U'，';
}

}  // namespace

bool is_valid_utf8(std::string_view bytes) {
    if (bytes.size() > static_cast<std::size_t>(INT32_MAX)) {
        return false;
    }
    std::int32_t i = 0;
    const std::int32_t length = icu_length(bytes);
    while (i < length) {
        if (next_code_point(bytes, i) < 0) {
            return false;
        }
    }
    return true;
}

namespace {
bool is_ascii(std::string_view bytes) {
    return std::all_of(bytes.begin(), bytes.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}
}  // namespace

std::string nfc(std::string_view utf8) {
    // The hot path: most messages are ASCII or already composed; only check them.
    if (is_ascii(utf8)) return std::string{utf8};
    UErrorCode status = U_ZERO_ERROR;
    if (is_valid_utf8(utf8) &&
        nfc_normalizer()->isNormalizedUTF8(icu::StringPiece{utf8.data(), icu_length(utf8)},
                                           status) &&
        U_SUCCESS(status)) {
        return std::string{utf8};
    }
    return normalize(nfc_normalizer(), to_unicode(utf8));
}

std::string nfkc_casefold(std::string_view utf8) {
    return normalize(nfkc_casefold_normalizer(), to_unicode(utf8));
}

std::string fold_key(std::string_view utf8) {
    if (is_ascii(utf8)) {
        // Same result as the ICU path below for ASCII, without converting to UTF-16.
        std::string key;
        key.reserve(utf8.size());
        for (const char c : utf8) {
            const auto code = static_cast<UChar32>(static_cast<unsigned char>(c));
            if (u_isUWhiteSpace(code) || u_ispunct(code)) continue;
            key += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        }
        if (!key.empty()) return key;
    }
    const std::string folded = nfkc_casefold(utf8);
    std::string key;
    key.reserve(folded.size());
    std::int32_t i = 0;
    const std::int32_t length = icu_length(folded);
    while (i < length) {
        const std::int32_t start = i;
        const UChar32 c = next_code_point(folded, i);
        if (c >= 0 && (u_isUWhiteSpace(c) || u_ispunct(c))) {
            continue;
        }
        key.append(folded, static_cast<std::size_t>(start), static_cast<std::size_t>(i - start));
    }
    // A name made only of punctuation ("...") would otherwise share the empty key with every
    // other such name; keeping its folded form keeps the names apart.
    if (key.empty()) {
        return trim(folded);
    }
    return key;
}

std::string lower(std::string_view utf8) {
    if (is_ascii(utf8)) {
        std::string out{utf8};
        for (auto& c : out) {
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        }
        return out;
    }
    icu::UnicodeString text = to_unicode(utf8);
    text.foldCase(U_FOLD_CASE_DEFAULT);
    return normalize(nfc_normalizer(), text);
}

bool has_hangul(std::string_view utf8) {
    std::int32_t i = 0;
    const std::int32_t length = icu_length(utf8);
    while (i < length) {
        const UChar32 c = next_code_point(utf8, i);
        if (c < 0) {
            continue;
        }
        UErrorCode status = U_ZERO_ERROR;
        if (uscript_getScript(c, &status) == USCRIPT_HANGUL && U_SUCCESS(status)) {
            return true;
        }
    }
    return false;
}

Lang lang_from_locale(std::string_view locale, Lang fallback) {
    // Only the primary language subtag matters: "ko", "ko-KR", "ko_KR", "kor" are Korean.
    std::string primary;
    for (const char c : locale) {
        if (c == '-' || c == '_' || c == '.' || c == '@') {
            break;
        }
        if (c >= 'A' && c <= 'Z') {
            primary.push_back(static_cast<char>(c - 'A' + 'a'));
        } else if (c >= 'a' && c <= 'z') {
            primary.push_back(c);
        } else {
            return fallback;
        }
    }
    if (primary == "ko" || primary == "kor") {
        return Lang::ko;
    }
    if (primary == "en" || primary == "eng") {
        return Lang::en;
    }
    return fallback;
}

std::string trim(std::string_view utf8) {
    std::int32_t begin = 0;
    const std::int32_t length = icu_length(utf8);
    while (begin < length) {
        std::int32_t next = begin;
        if (!is_trimmable(next_code_point(utf8, next))) {
            break;
        }
        begin = next;
    }
    std::int32_t end = length;
    const auto* s = reinterpret_cast<const std::uint8_t*>(utf8.data());
    while (end > begin) {
        std::int32_t previous = end;
        UChar32 c = 0;
        U8_PREV(s, begin, previous, c);
        if (!is_trimmable(c)) {
            break;
        }
        end = previous;
    }
    return std::string(
        utf8.substr(static_cast<std::size_t>(begin), static_cast<std::size_t>(end - begin)));
}

std::vector<std::string> split_list(std::string_view utf8) {
    std::vector<std::string> items;
    std::int32_t i = 0;
    std::int32_t item_begin = 0;
    const std::int32_t length = icu_length(utf8);
    const auto flush = [&](std::int32_t item_end) {
        std::string item = trim(utf8.substr(static_cast<std::size_t>(item_begin),
                                            static_cast<std::size_t>(item_end - item_begin)));
        if (!item.empty()) {
            items.push_back(std::move(item));
        }
    };
    while (i < length) {
        const std::int32_t start = i;
        if (is_list_separator(next_code_point(utf8, i))) {
            flush(start);
            item_begin = i;
        }
    }
    flush(length);
    return items;
}

std::size_t length(std::string_view utf8) {
    std::size_t count = 0;
    std::int32_t i = 0;
    const std::int32_t size = icu_length(utf8);
    while (i < size) {
        next_code_point(utf8, i);
        ++count;
    }
    return count;
}

std::string ellipsize(std::string_view utf8, std::size_t max) {
    const icu::UnicodeString text = to_unicode(utf8);
    const auto code_points = static_cast<std::size_t>(text.countChar32());
    if (code_points <= max) {
        return to_utf8(text);
    }
    if (max == 0) {
        return {};
    }
    // Room for max - 1 code points plus the ellipsis.
    std::int32_t cut = text.moveIndex32(0, static_cast<std::int32_t>(max - 1));
    // Cutting inside a grapheme (a Hangul syllable in jamo, an emoji sequence) would leave a
    // broken character on screen, so back off to the previous grapheme boundary.
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> graphemes(
        icu::BreakIterator::createCharacterInstance(icu::Locale::getRoot(), status));
    if (U_SUCCESS(status) && graphemes) {
        graphemes->setText(text);
        if (!graphemes->isBoundary(cut)) {
            const std::int32_t boundary = graphemes->preceding(cut);
            cut = boundary == icu::BreakIterator::DONE ? 0 : boundary;
        }
    }
    std::string head = trim(to_utf8(text.tempSubString(0, cut)));
    head += "…";
    return head;
}

}  // namespace inmaek::handlers::text
