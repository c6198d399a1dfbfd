#include "bot/outbound/slack_client.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace inmaek::bot::outbound {

namespace {

/// chat.postMessage errors that waiting will not fix: the channel or the message is wrong.
constexpr std::array<std::string_view, 16> kRefusedErrors = {"channel_not_found",
                                                             "not_in_channel",
                                                             "is_archived",
                                                             "invalid_blocks",
                                                             "invalid_blocks_format",
                                                             "msg_too_long",
                                                             "no_text",
                                                             "too_many_attachments",
                                                             "restricted_action",
                                                             "cannot_reply_to_message",
                                                             "invalid_arguments",
                                                             "invalid_arg_name",
                                                             "invalid_json",
                                                             "json_not_object",
                                                             "duplicate_channel_not_found",
                                                             "message_limit_exceeded"};

}  // namespace

SlackClient::SlackClient(SlackClientOptions options) : token_(std::move(options.bot_token)) {
    auto endpoint =
        api_base_url(options.api_base_url, "slack.api_base_url").join("/api/chat.postMessage");
    if (!endpoint) throw std::invalid_argument("slack.api_base_url: " + endpoint.error().message);
    endpoint_ = std::move(*endpoint);
}

boost::system::result<ClientRequest, std::string> SlackClient::request(
    const storage::OutboxMessage& message) const {
    const auto call = nlohmann::json::parse(message.payload, nullptr, false);
    if (!call.is_object() || !call.contains("channel") || !call["channel"].is_string()) {
        return std::string{"payload is not a chat.postMessage call"};
    }
    ClientRequest request;
    request.method = http::verb::post;
    request.url = endpoint_;
    request.headers.set(http::field::authorization, "Bearer " + token_);
    request.headers.set(http::field::content_type, "application/json; charset=utf-8");
    // The row holds exactly the arguments the adapter rendered; sent as they are.
    request.body = message.payload;
    return request;
}

Delivery SlackClient::interpret(const HttpResult& result) const {
    if (!result) return no_answer(platform(), result.error());
    Delivery delivery;
    const auto& response = *result;
    const auto status = response.result_int();
    if (status == 429) {
        delivery.retry_after = retry_after_header(response);
        delivery.error = "slack 429: rate limited";
        return delivery;
    }
    const auto body = nlohmann::json::parse(response.body(), nullptr, false);
    if (status == 200 && body.is_object() && body.value("ok", false)) {
        delivery.outcome = Delivery::Outcome::sent;
        return delivery;
    }
    const std::string error =
        body.is_object() && body.contains("error") && body["error"].is_string()
            ? body["error"].get<std::string>().substr(0, 200)
            : std::string{};
    delivery.error = "slack " + std::to_string(status) + (error.empty() ? "" : ": " + error);
    if (status == 200 &&
        std::find(kRefusedErrors.begin(), kRefusedErrors.end(), error) != kRefusedErrors.end()) {
        delivery.outcome = Delivery::Outcome::refuse;
    }
    // ratelimited, auth errors an operator can fix, 5xx, unknown errors: retried.
    return delivery;
}

RateLimits SlackClient::limits() const {
    return RateLimits{std::chrono::milliseconds{1000}, 0};
}

}  // namespace inmaek::bot::outbound
