#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "storage/records.hpp"

namespace inmaek::bot {

/// What a download token grants: one kind of export of one workspace, until it expires.
struct ExportGrant {
    storage::Id workspace_id = 0;
    std::string kind;  ///< "leads", "companies", "contacts" or "meetings"
    storage::Timestamp expires_at{};
};

/// Why a token was refused.
enum class ExportTokenError { invalid, expired };

/// Signs and checks the tokens of /exports/<token>: "<workspace>.<kind>.<expiry>.<signature>",
/// the signature an HMAC-SHA256 (OpenSSL) over the first three with the server's secret.
class ExportLinks {
public:
    ExportLinks(std::string secret, std::string public_url, std::chrono::minutes lifetime);

    static constexpr std::string_view kPathPrefix = "/exports/";

    /// A token for the grant (its expires_at is used as given).
    [[nodiscard]] std::string token(const ExportGrant& grant) const;
    /// The link of a workspace's export of `kind`, valid for the lifetime from `now`.
    [[nodiscard]] std::string link(storage::Id workspace_id, std::string_view kind,
                                   storage::Timestamp now) const;
    /// The grant of a token; invalid for anything not signed by this secret (tampered,
    /// truncated, another server's), expired for a signed one past its expiry.
    [[nodiscard]] std::variant<ExportGrant, ExportTokenError> check(std::string_view token,
                                                                    storage::Timestamp now) const;
    [[nodiscard]] std::chrono::minutes lifetime() const { return lifetime_; }

    /// 32 random bytes as hex, for a server that has no secret yet.
    static std::string generate_secret();

private:
    [[nodiscard]] std::string signature(std::string_view payload) const;

    std::string secret_;
    std::string public_url_;
    std::chrono::minutes lifetime_;
};

}  // namespace inmaek::bot
