#include "bot/api/api_key.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <stdexcept>

namespace inmaek::bot::api {

namespace {

constexpr std::string_view kScheme = "inmk_";
constexpr std::size_t kPrefixBytes = 6;
constexpr std::size_t kSecretBytes = 32;

std::string hex(const unsigned char* bytes, std::size_t size) {
    constexpr std::string_view kDigits = "0123456789abcdef";
    std::string out;
    out.reserve(size * 2);
    for (std::size_t i = 0; i < size; ++i) {
        out.push_back(kDigits[bytes[i] >> 4U]);
        out.push_back(kDigits[bytes[i] & 0x0FU]);
    }
    return out;
}

std::string random_hex(std::size_t bytes) {
    std::array<unsigned char, kSecretBytes> buffer{};
    if (bytes > buffer.size() || RAND_bytes(buffer.data(), static_cast<int>(bytes)) != 1) {
        throw std::runtime_error("the system's random source failed");
    }
    return hex(buffer.data(), bytes);
}

bool is_lower_hex(std::string_view text, std::size_t size) {
    return text.size() == size && std::all_of(text.begin(), text.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

}  // namespace

GeneratedKey generate_key() {
    GeneratedKey generated;
    generated.prefix = random_hex(kPrefixBytes);
    generated.key = std::string{kScheme} + generated.prefix + "_" + random_hex(kSecretBytes);
    generated.hash = hash_key(generated.key);
    return generated;
}

std::string hash_key(std::string_view key) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    if (EVP_Digest(key.data(), key.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1) {
        throw std::runtime_error("SHA-256 failed");
    }
    return hex(digest.data(), size);
}

std::optional<std::string> key_prefix(std::string_view key) {
    if (!key.starts_with(kScheme)) return std::nullopt;
    key.remove_prefix(kScheme.size());
    const auto separator = key.find('_');
    if (separator == std::string_view::npos) return std::nullopt;
    const auto prefix = key.substr(0, separator);
    const auto secret = key.substr(separator + 1);
    if (!is_lower_hex(prefix, kPrefixBytes * 2) || !is_lower_hex(secret, kSecretBytes * 2)) {
        return std::nullopt;
    }
    return std::string{prefix};
}

bool key_matches(std::string_view key, std::string_view stored_hash) {
    const auto computed = hash_key(key);
    // Equal lengths are public (always 64); the bytes are compared without an early exit.
    return computed.size() == stored_hash.size() &&
           CRYPTO_memcmp(computed.data(), stored_hash.data(), computed.size()) == 0;
}

std::optional<std::string_view> bearer_token(std::string_view authorization) {
    constexpr std::string_view kBearer = "bearer ";
    if (authorization.size() <= kBearer.size()) return std::nullopt;
    for (std::size_t i = 0; i < kBearer.size(); ++i) {
        const char c = authorization[i];
        if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != kBearer[i]) {
            return std::nullopt;
        }
    }
    auto token = authorization.substr(kBearer.size());
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
    if (token.empty()) return std::nullopt;
    return token;
}

}  // namespace inmaek::bot::api
