#pragma once

#include <string>

#include "bot/outbound/platform_client.hpp"

namespace inmaek::bot::outbound {

struct LineClientOptions {
    std::string channel_access_token;                  ///< "Bearer <token>"; never logged
    std::string api_base_url = "https://api.line.me";  ///< tests point it at 127.0.0.1
};

/// LINE Messaging API pushes. A row's payload is what LineAdapter rendered:
/// {"to", "messages"} and, for a reply, "replyToken".
///
/// A reply goes to POST <base>/v2/bot/message/reply as {"replyToken", "messages"}. Reply tokens
/// are single-use and short-lived: when LINE refuses one (400), the row's next attempt pushes
/// instead (its last_error then starts with "line push", which keeps it pushing). A push goes to
/// POST <base>/v2/bot/message/push as {"to", "messages"} with X-Line-Retry-Key, a UUID derived
/// from the row's dedupe key: every attempt of one row carries the same key, so LINE delivers a
/// push retried after a lost answer only once (and answers the repeat 409, taken as sent).
///
/// Answers: 2xx sent; 400, 403 and 404 to a push refused (the message or the chat is wrong);
/// 429 retried after Retry-After; 401 (a token an operator can fix), 5xx and network failures
/// retried.
class LineClient final : public PlatformClient {
public:
    /// Throws std::invalid_argument when the base URL is not an http(s) URL.
    explicit LineClient(LineClientOptions options);
    [[nodiscard]] std::string_view platform() const override { return "line"; }
    [[nodiscard]] boost::system::result<ClientRequest, std::string> request(
        const storage::OutboxMessage& message) const override;
    /// The answer to a push.
    [[nodiscard]] Delivery interpret(const HttpResult& result) const override;
    /// The answer to the request that request(message) made: a reply or a push.
    [[nodiscard]] Delivery interpret(const storage::OutboxMessage& message,
                                     const HttpResult& result) const override;
    /// Reply and push take 2,000 requests a second per channel; chats have no spacing.
    [[nodiscard]] RateLimits limits() const override;

    /// The X-Line-Retry-Key of a row: a name-based (version 5) UUID of its dedupe key.
    static std::string retry_key(const storage::OutboxMessage& message);

private:
    std::string token_;
    Url reply_endpoint_;
    Url push_endpoint_;
};

}  // namespace inmaek::bot::outbound
