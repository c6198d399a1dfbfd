#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace inmaek::bot::platforms {

/// HMAC-SHA256 of data under key, as raw bytes (OpenSSL).
std::string hmac_sha256(std::string_view key, std::string_view data);

/// Lower-case hex of bytes.
std::string to_hex(std::string_view bytes);

/// Standard base64 of bytes, padded (LINE's signature form).
std::string to_base64(std::string_view bytes);

/// "<version>=" + hex(HMAC-SHA256(secret, "<version>:" + timestamp + ":" + body)): the scheme of
/// Slack ("v0") and of our generic webhook ("v1").
std::string timestamped_signature(std::string_view secret, std::string_view version,
                                  std::string_view timestamp, std::string_view body);

/// True when `signature` is timestamped_signature(secret, version, timestamp, body) and the
/// timestamp (unix seconds, digits only) is within `tolerance` of `now`, in the past or the
/// future. An empty secret, timestamp or signature is false.
bool verify_timestamped_signature(std::string_view secret, std::string_view version,
                                  std::string_view timestamp, std::string_view signature,
                                  std::string_view body, std::chrono::sys_seconds now,
                                  std::chrono::seconds tolerance);

/// Constant-time equality of two secrets or signatures; lengths are compared first.
bool secure_equals(std::string_view a, std::string_view b);

}  // namespace inmaek::bot::platforms
