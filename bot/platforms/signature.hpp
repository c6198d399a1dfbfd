#pragma once

#include <string>
#include <string_view>

namespace inmaek::bot::platforms {

/// HMAC-SHA256 of data under key, as raw bytes (OpenSSL).
std::string hmac_sha256(std::string_view key, std::string_view data);

/// Lower-case hex of bytes.
std::string to_hex(std::string_view bytes);

/// Constant-time equality of two secrets or signatures; lengths are compared first.
bool secure_equals(std::string_view a, std::string_view b);

}  // namespace inmaek::bot::platforms
