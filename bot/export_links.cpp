#include "bot/export_links.hpp"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>
#include <charconv>
#include <stdexcept>
#include <vector>

#include "handlers/csv_export.hpp"

namespace inmaek::bot {

namespace {

std::string hex(const unsigned char* bytes, std::size_t size) {
    std::string out;
    out.reserve(size * 2);
    for (std::size_t i = 0; i < size; ++i) out += fmt::format("{:02x}", bytes[i]);
    return out;
}

std::optional<std::int64_t> number(std::string_view text) {
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value <= 0) return std::nullopt;
    return value;
}

std::vector<std::string_view> split_dots(std::string_view token) {
    std::vector<std::string_view> parts;
    for (;;) {
        const auto dot = token.find('.');
        parts.push_back(token.substr(0, dot));
        if (dot == std::string_view::npos) return parts;
        token.remove_prefix(dot + 1);
    }
}

}  // namespace

ExportLinks::ExportLinks(std::string secret, std::string public_url, std::chrono::minutes lifetime)
    : secret_(std::move(secret)), public_url_(std::move(public_url)), lifetime_(lifetime) {
    if (secret_.empty()) throw std::invalid_argument("export links need a secret");
    while (public_url_.ends_with('/')) public_url_.pop_back();
}

std::string ExportLinks::signature(std::string_view payload) const {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    // "inmaek-export" keeps these signatures apart from any other use of the same secret.
    const std::string message = "inmaek-export\n" + std::string{payload};
    HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
         reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest.data(),
         &size);
    return hex(digest.data(), size);
}

std::string ExportLinks::token(const ExportGrant& grant) const {
    const auto payload = fmt::format("{}.{}.{}", grant.workspace_id, grant.kind,
                                     grant.expires_at.time_since_epoch().count());
    return payload + "." + signature(payload);
}

std::string ExportLinks::link(storage::Id workspace_id, std::string_view kind,
                              storage::Timestamp now) const {
    const ExportGrant grant{workspace_id, std::string{kind}, now + lifetime_};
    return public_url_ + std::string{kPathPrefix} + token(grant);
}

std::variant<ExportGrant, ExportTokenError> ExportLinks::check(std::string_view token,
                                                               storage::Timestamp now) const {
    const auto parts = split_dots(token);
    if (parts.size() != 4) return ExportTokenError::invalid;
    const auto payload = token.substr(0, token.size() - parts[3].size() - 1);
    const auto expected = signature(payload);
    // Constant time: the comparison must not tell how much of a forged signature was right.
    if (parts[3].size() != expected.size() ||
        CRYPTO_memcmp(parts[3].data(), expected.data(), expected.size()) != 0) {
        return ExportTokenError::invalid;
    }
    const auto workspace = number(parts[0]);
    const auto expiry = number(parts[2]);
    if (!workspace || !expiry || !handlers::export_kind_from_text(parts[1])) {
        return ExportTokenError::invalid;
    }
    ExportGrant grant{*workspace, std::string{parts[1]},
                      storage::Timestamp{std::chrono::seconds{*expiry}}};
    if (grant.expires_at <= now) return ExportTokenError::expired;
    return grant;
}

std::string ExportLinks::generate_secret() {
    std::array<unsigned char, 32> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
        throw std::runtime_error("OpenSSL RAND_bytes failed");
    }
    return hex(bytes.data(), bytes.size());
}

}  // namespace inmaek::bot
