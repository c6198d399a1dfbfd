#include "bot/platforms/signature.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <stdexcept>

namespace inmaek::bot::platforms {

std::string hmac_sha256(std::string_view key, std::string_view data) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    const auto* result = HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
                              reinterpret_cast<const unsigned char*>(data.data()), data.size(),
                              digest.data(), &length);
    if (result == nullptr) throw std::runtime_error("HMAC-SHA256 failed");
    return {reinterpret_cast<const char*>(digest.data()), length};
}

std::string to_hex(std::string_view bytes) {
    constexpr std::string_view kDigits = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const auto byte : bytes) {
        const auto value = static_cast<unsigned char>(byte);
        out += kDigits[value >> 4U];
        out += kDigits[value & 0x0FU];
    }
    return out;
}

std::string to_base64(std::string_view bytes) {
    // Four characters per three bytes, and EVP_EncodeBlock's terminating NUL.
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                       reinterpret_cast<const unsigned char*>(bytes.data()),
                                       static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(length));
    return out;
}

bool secure_equals(std::string_view a, std::string_view b) {
    // The length of a secret is not the secret; its bytes are compared in constant time.
    if (a.size() != b.size()) return false;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string timestamped_signature(std::string_view secret, std::string_view version,
                                  std::string_view timestamp, std::string_view body) {
    std::string signed_bytes;
    signed_bytes.reserve(version.size() + timestamp.size() + body.size() + 2);
    signed_bytes.append(version).append(":").append(timestamp).append(":").append(body);
    return std::string{version} + "=" + to_hex(hmac_sha256(secret, signed_bytes));
}

bool verify_timestamped_signature(std::string_view secret, std::string_view version,
                                  std::string_view timestamp, std::string_view signature,
                                  std::string_view body, std::chrono::sys_seconds now,
                                  std::chrono::seconds tolerance) {
    if (secret.empty() || timestamp.empty() || signature.empty()) return false;
    std::int64_t seconds = 0;
    const auto [end, error] =
        std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), seconds);
    if (error != std::errc{} || end != timestamp.data() + timestamp.size() || seconds < 0) {
        return false;
    }
    const auto skew = now.time_since_epoch().count() - seconds;
    if (skew > tolerance.count() || -skew > tolerance.count()) return false;
    return secure_equals(signature, timestamped_signature(secret, version, timestamp, body));
}

}  // namespace inmaek::bot::platforms
