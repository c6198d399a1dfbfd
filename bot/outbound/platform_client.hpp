#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include <boost/system/result.hpp>

#include "bot/http_client.hpp"
#include "storage/records.hpp"

namespace inmaek::bot::outbound {

/// What became of one delivery attempt.
struct Delivery {
    enum class Outcome {
        sent,    ///< the platform took the message
        retry,   ///< try again later (network, 5xx, 429)
        refuse,  ///< the platform refused this message for good (blocked bot, unknown chat)
    };
    Outcome outcome = Outcome::retry;
    /// When the platform said to come back (429 Retry-After / retry_after).
    std::optional<std::chrono::seconds> retry_after;
    /// For the outbox's last_error and the log: status and the platform's description, never a
    /// token.
    std::string error;
};

/// How fast one platform accepts pushes.
struct RateLimits {
    /// Least spacing between two messages to one destination (Telegram: about 1 s per chat).
    std::chrono::milliseconds per_destination{0};
    /// Most messages per second over all destinations (Telegram: 30); 0 for no limit.
    int per_second = 0;
};

/// The file of an outbox row of kind "file", made when the row is sent and removed after.
struct FileToSend {
    std::filesystem::path path;
    std::string name;  ///< what the reader sees: "inmaek-leads-2025-02-04.csv"
    std::uint64_t size = 0;
    std::string content_type = "text/csv";
};

/// One platform's API for pushes: turns an outbox row into a request (adding the credentials,
/// which are never stored in the row) and reads the answer.
class PlatformClient {
public:
    virtual ~PlatformClient() = default;
    /// "telegram": the outbox rows' platform column.
    [[nodiscard]] virtual std::string_view platform() const = 0;
    /// The request that delivers `message`, or why it cannot be made (a payload this client
    /// cannot read: the message is refused).
    [[nodiscard]] virtual boost::system::result<ClientRequest, std::string> request(
        const storage::OutboxMessage& message) const = 0;
    /// What the platform's answer means for the message.
    [[nodiscard]] virtual Delivery interpret(const HttpResult& result) const = 0;
    /// The same, for a client whose request depends on the row's history (LINE: a reply, then a
    /// push once the reply token is refused). The default: interpret(result).
    [[nodiscard]] virtual Delivery interpret(const storage::OutboxMessage& message,
                                             const HttpResult& result) const;
    [[nodiscard]] virtual RateLimits limits() const = 0;
    /// Delivers a row of kind "file" (payload: platforms::file_fields() and the adapter's
    /// fields) with `file`, in as many requests as the platform's upload takes, each sent through
    /// `http` and waited for: called on a thread of the sender's, never the HTTP client's. The
    /// default refuses: the platform takes no file from a bot.
    [[nodiscard]] virtual Delivery send_file(const storage::OutboxMessage& message,
                                             const FileToSend& file, HttpClient& http) const;
};

/// A platform's configured API base URL; throws std::invalid_argument naming `key`
/// ("telegram.api_base_url") when it is not an http(s) URL we accept.
Url api_base_url(std::string_view url, std::string_view key);

/// The delivery of a request that got no answer: retried later, its error naming the platform
/// and the cause ("telegram: connect: …"), never a token.
Delivery no_answer(std::string_view platform, const HttpError& error);

/// How long a request that uploads `size` bytes may take: 30 s plus a second per 256 KiB (a
/// slow uplink), so a large export is not cut off half way.
std::chrono::milliseconds upload_timeout(std::uint64_t size);

/// The seconds of a Retry-After header (the delta-seconds form); nullopt when absent or a date.
std::optional<std::chrono::seconds> retry_after_header(const ClientResponse& response);

}  // namespace inmaek::bot::outbound
