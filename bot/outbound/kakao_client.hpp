#pragma once

#include <string>

#include "bot/outbound/platform_client.hpp"

namespace inmaek::bot::outbound {

struct KakaoClientOptions {
    /// "KakaoAK <key>" of the Event API (the Kakao Developers app's REST API key); empty: pushes
    /// to skill chats are refused (dead-lettered) with an error naming kakao.rest_api_key.
    std::string rest_api_key;
    /// "KakaoAK <token>" of the Kakao Talk Bot API (callback and send_message); empty: the
    /// REST API key is used.
    std::string bot_token;
    std::string api_base_url = "https://bot-api.kakao.com";   ///< Event API; tests: 127.0.0.1
    std::string bot_api_base_url = "https://kapi.kakao.com";  ///< Bot API; tests: 127.0.0.1
};

/// KakaoTalk deliveries. A row's payload is {"kind", …, "body"} as KakaoAdapter wrote it:
///   callback:     POST body (a SkillResponse) to "url", the skill request's one-time
///                 callbackUrl, without credentials;
///   bot_callback: POST body to <bot api>/v1/bot/callback with X-Bot-Callback-Token;
///   bot_send:     POST body to <bot api>/v1/bot/send_message;
///   event:        POST body to <event api>/v2/bots/<bot_id>/talk (Event API);
///   group_event:  POST body to <event api>/v2/bots/<bot_id>/group.
///
/// A callback URL and a callback token work once: an answer in 2xx whose body says the
/// message failed ({"status":"FAIL"}, {"code":-881}, errorCount > 0) is refused, never resent.
/// 400, 403 and 404 are refused; 429 is retried after Retry-After; 5xx and network failures are
/// retried (a second POST to a used callback is refused by Kakao, so it cannot show twice).
class KakaoClient final : public PlatformClient {
public:
    /// Throws std::invalid_argument when a base URL is not an http(s) URL.
    explicit KakaoClient(KakaoClientOptions options);
    [[nodiscard]] std::string_view platform() const override { return "kakao"; }
    [[nodiscard]] boost::system::result<ClientRequest, std::string> request(
        const storage::OutboxMessage& message) const override;
    [[nodiscard]] Delivery interpret(const HttpResult& result) const override;
    /// Kakao publishes no rate limit; a callback must not wait (its URL lives one minute).
    [[nodiscard]] RateLimits limits() const override;

private:
    std::string rest_api_key_;
    std::string bot_token_;
    Url event_base_;
    Url bot_base_;
};

}  // namespace inmaek::bot::outbound
