#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "bot/outbound/platform_client.hpp"

namespace inmaek::bot::outbound {

struct SlackClientOptions {
    std::string bot_token;                           ///< xoxb-…; never logged
    std::string api_base_url = "https://slack.com";  ///< tests point it at 127.0.0.1
};

/// Slack Web API pushes. A row's payload is the chat.postMessage arguments as the adapter
/// rendered them ({"channel":…,"text":…,"blocks":[…]}); they go as the JSON body of
/// POST <base>/api/chat.postMessage with "Authorization: Bearer <token>".
///
/// Slack answers errors with HTTP 200 and {"ok":false,"error":"…"}: errors about the channel or
/// the message itself (channel_not_found, not_in_channel, is_archived, invalid_blocks,
/// msg_too_long, …) refuse the message; ratelimited and anything unknown are retried, as are
/// network failures and 5xx; 429 is retried after Retry-After.
class SlackClient final : public PlatformClient {
public:
    /// Throws std::invalid_argument when the base URL is not an http(s) URL.
    explicit SlackClient(SlackClientOptions options);
    [[nodiscard]] std::string_view platform() const override { return "slack"; }
    [[nodiscard]] boost::system::result<ClientRequest, std::string> request(
        const storage::OutboxMessage& message) const override;
    [[nodiscard]] Delivery interpret(const HttpResult& result) const override;
    /// chat.postMessage: about one message a second per channel (Slack's rate-limit page).
    [[nodiscard]] RateLimits limits() const override;
    /// Slack's upload flow: files.getUploadURLExternal (filename, length) → the bytes POSTed to
    /// the upload_url it returns (multipart, as the docs and @slack/web-api's filesUploadV2 do)
    /// → files.completeUploadExternal (files, channel_id, thread_ts, initial_comment).
    /// missing_scope (no files:write) refuses the file, so the reader gets the link.
    [[nodiscard]] Delivery send_file(const storage::OutboxMessage& message, const FileToSend& file,
                                     HttpClient& http) const override;

private:
    /// A form-encoded POST to <base>/api/<method> with the bot token.
    [[nodiscard]] ClientRequest method_call(std::string_view method, std::string body) const;
    /// The answer of a Web API method: sent when ok (its body in `answer`), else as interpret().
    [[nodiscard]] Delivery call_result(const HttpResult& result, nlohmann::json& answer) const;

    std::string token_;
    Url endpoint_;
    Url base_;
};

}  // namespace inmaek::bot::outbound
