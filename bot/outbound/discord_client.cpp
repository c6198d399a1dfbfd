#include "bot/outbound/discord_client.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "bot/platforms/discord_adapter.hpp"

namespace inmaek::bot::outbound {

namespace {

/// Snowflakes are decimal digits; anything else in a stored row is refused rather than spliced
/// into a URL.
bool is_snowflake(std::string_view id) {
    return !id.empty() && id.size() <= 20 &&
           id.find_first_not_of("0123456789") == std::string_view::npos;
}

/// Interaction tokens are URL-safe base64 with dots; nothing else goes into the URL.
bool is_interaction_token(std::string_view token) {
    return !token.empty() && token.size() <= 512 &&
           std::all_of(token.begin(), token.end(), [](char c) {
               return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' ||
                      c == '.';
           });
}

}  // namespace

// The reply to a deferred slash command replaces its "thinking…" answer: PATCH
// /webhooks/{application_id}/{token}/messages/@original, authorised by the token in the URL.
// A follow-up ("follow_up": true, the link instead of a file) is a message of its own: POST
// /webhooks/{application_id}/{token}.
boost::system::result<ClientRequest, std::string> DiscordClient::edit_original(
    const storage::OutboxMessage& message) const {
    const auto payload = nlohmann::json::parse(message.payload, nullptr, false);
    if (!payload.is_object() || !payload.contains("message") ||
        !payload.value("application_id", nlohmann::json{}).is_string() ||
        !payload.value("token", nlohmann::json{}).is_string()) {
        return std::string{
            "a deferred interaction reply without application_id, token and message"};
    }
    const auto application = payload["application_id"].get<std::string>();
    const auto token = payload["token"].get<std::string>();
    if (!is_snowflake(application) || !is_interaction_token(token)) {
        return std::string{"a deferred interaction reply with a malformed application id or token"};
    }
    const bool follow_up = payload.value("follow_up", nlohmann::json{}) == true;
    auto url = base_.join("/api/v10/webhooks/" + application + "/" + token +
                          (follow_up ? "" : "/messages/@original"));
    if (!url) return std::string{"the interaction does not fit in a URL"};
    ClientRequest request;
    request.method = follow_up ? http::verb::post : http::verb::patch;
    request.url = std::move(*url);
    request.headers.set(http::field::content_type, "application/json");
    request.body = payload["message"].dump();
    return request;
}

DiscordClient::DiscordClient(DiscordClientOptions options)
    : token_(std::move(options.bot_token)),
      base_(api_base_url(options.api_base_url, "discord.api_base_url")) {}

boost::system::result<ClientRequest, std::string> DiscordClient::request(
    const storage::OutboxMessage& message) const {
    if (message.destination.starts_with(platforms::kDiscordInteractionPrefix))
        return edit_original(message);
    if (token_.empty()) return std::string{"discord.bot_token is not set: no channel messages"};
    if (!is_snowflake(message.destination)) {
        return "not a Discord channel id: " + message.destination;
    }
    auto url = base_.join("/api/v10/channels/" + message.destination + "/messages");
    if (!url) return std::string{"the channel id does not fit in a URL"};
    ClientRequest request;
    request.method = http::verb::post;
    request.url = std::move(*url);
    request.headers.set(http::field::authorization, "Bot " + token_);
    request.headers.set(http::field::content_type, "application/json");
    request.body = message.payload;
    return request;
}

Delivery DiscordClient::interpret(const HttpResult& result) const {
    if (!result) return no_answer(platform(), result.error());
    Delivery delivery;
    const auto& response = *result;
    const auto status = response.result_int();
    if (status >= 200 && status < 300) {
        delivery.outcome = Delivery::Outcome::sent;
        return delivery;
    }
    const auto body = nlohmann::json::parse(response.body(), nullptr, false);
    const std::string description =
        body.is_object() && body.contains("message") && body["message"].is_string()
            ? body["message"].get<std::string>()
            : std::string{};
    delivery.error = "discord " + std::to_string(status) +
                     (description.empty() ? "" : ": " + description.substr(0, 200));
    if (status == 429) {
        // retry_after is in seconds, with a fraction; the header is whole seconds.
        if (body.is_object() && body.contains("retry_after") && body["retry_after"].is_number()) {
            delivery.retry_after = std::chrono::seconds{
                static_cast<long>(std::ceil(body["retry_after"].get<double>()))};
        } else {
            delivery.retry_after = retry_after_header(response);
        }
        return delivery;
    }
    // 400 (a message Discord will not take), 403 (no access to the channel), 404 (no such
    // channel) do not change by waiting; 401 (a token an operator can fix) and 5xx may.
    if (status == 400 || status == 403 || status == 404) {
        delivery.outcome = Delivery::Outcome::refuse;
    }
    return delivery;
}

Delivery DiscordClient::send_file(const storage::OutboxMessage& message, const FileToSend& file,
                                  HttpClient& http) const {
    const auto refuse = [](std::string why) {
        return Delivery{Delivery::Outcome::refuse, std::nullopt, std::move(why)};
    };
    const auto payload = nlohmann::json::parse(message.payload, nullptr, false);
    if (!payload.is_object()) return refuse("payload is not a Discord file");
    const auto application = payload.value("application_id", std::string{});
    const auto token = payload.value("token", std::string{});
    const auto channel = payload.value("channel_id", std::string{});
    ClientRequest request;
    request.method = http::verb::post;
    if (!application.empty() && !token.empty()) {
        if (!is_snowflake(application) || !is_interaction_token(token)) {
            return refuse("a follow-up with a malformed application id or token");
        }
        auto url = base_.join("/api/v10/webhooks/" + application + "/" + token);
        if (!url) return refuse("the interaction does not fit in a URL");
        request.url = std::move(*url);
    } else {
        if (token_.empty()) return refuse("discord.bot_token is not set: no channel messages");
        if (!is_snowflake(channel)) return refuse("not a Discord channel id: " + channel);
        auto url = base_.join("/api/v10/channels/" + channel + "/messages");
        if (!url) return refuse("the channel id does not fit in a URL");
        request.url = std::move(*url);
        request.headers.set(http::field::authorization, "Bot " + token_);
    }
    const nlohmann::json message_json{
        {"content", payload.value("caption", std::string{})},
        {"attachments", nlohmann::json::array({{{"id", 0}, {"filename", file.name}}})}};
    auto built = MultipartForm{}
                     .field("payload_json", message_json.dump(), "application/json")
                     .file("files[0]", file.name, file.path, file.size, file.content_type)
                     .build();
    request.headers.set(http::field::content_type, built.content_type);
    request.timeout = upload_timeout(built.body.size());
    request.file_body = std::move(built.body);
    return interpret(http.send(std::move(request)));
}

RateLimits DiscordClient::limits() const {
    return RateLimits{std::chrono::milliseconds{1000}, 50};
}

}  // namespace inmaek::bot::outbound
