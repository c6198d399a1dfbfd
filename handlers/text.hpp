#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "handlers/reply.hpp"

namespace inmaek::handlers::text {

/// True when bytes are well-formed UTF-8.
bool is_valid_utf8(std::string_view bytes);

/// Unicode NFC (decomposed Hangul from iOS/macOS keyboards becomes composed).
/// Invalid UTF-8 sequences are replaced with U+FFFD.
std::string nfc(std::string_view utf8);

/// Folded lookup key of a name: NFKC + case fold, spaces and punctuation removed, so
/// "Kakao Corp", "kakao  corp" and "ＫＡＫＡＯ corp" give the same key.
std::string fold_key(std::string_view utf8);

/// NFKC + case fold keeping punctuation, so "３ＰＭ" reads as "3pm" and "：" as ":".
std::string nfkc_casefold(std::string_view utf8);

/// Case-folded copy for keyword comparison ("Stage" == "stage").
std::string lower(std::string_view utf8);

/// True when the text contains Hangul.
bool has_hangul(std::string_view utf8);

/// Language of a platform locale ("ko", "ko-KR" → ko; "en-US" → en); fallback when unknown.
Lang lang_from_locale(std::string_view locale, Lang fallback);

/// Trims ASCII and Unicode white space at both ends.
std::string trim(std::string_view utf8);

/// Splits on a separator (',' and '、' and '，' for lists of names), trims, drops empties.
std::vector<std::string> split_list(std::string_view utf8);

/// Number of code points (not bytes).
std::size_t length(std::string_view utf8);

/// Shortens to at most max code points, ending with "…" when cut.
std::string ellipsize(std::string_view utf8, std::size_t max);

}  // namespace inmaek::handlers::text
