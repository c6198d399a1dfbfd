#include "bot/outbound/kakao_client.hpp"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

namespace inmaek::bot::outbound {

namespace {

constexpr std::string_view kKakaoAk = "KakaoAK ";
/// A callback URL lives one minute (five in group chats): waiting longer is pointless.
constexpr std::chrono::milliseconds kCallbackTimeout{10000};

/// Bot ids are hex with a trailing '!' for a development channel; anything else is refused
/// rather than spliced into a URL.
bool is_bot_id(std::string_view id) {
    return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '!' || c == '_' || c == '-';
    });
}

ClientRequest json_post(Url url, const nlohmann::json& body) {
    ClientRequest request;
    request.method = http::verb::post;
    request.url = std::move(url);
    request.headers.set(http::field::content_type, "application/json");
    request.body = body.dump();
    return request;
}

/// Why a 2xx answer still says the message was not taken; "" when it was.
std::string failure_in(const nlohmann::json& body) {
    if (!body.is_object()) return {};
    if (body.contains("status") && body["status"].is_string() && body["status"] != "SUCCESS") {
        return "status " + body["status"].get<std::string>().substr(0, 40) +
               (body.contains("message") && body["message"].is_string()
                    ? ": " + body["message"].get<std::string>().substr(0, 200)
                    : "");
    }
    if (body.contains("code") && body["code"].is_number_integer() && body["code"].get<int>() < 0) {
        return "code " + std::to_string(body["code"].get<int>()) +
               (body.contains("msg") && body["msg"].is_string()
                    ? ": " + body["msg"].get<std::string>().substr(0, 200)
                    : "");
    }
    if (body.contains("errorCount") && body["errorCount"].is_number_integer() &&
        body["errorCount"].get<int>() > 0) {
        return "errorCount " + std::to_string(body["errorCount"].get<int>());
    }
    return {};
}

}  // namespace

KakaoClient::KakaoClient(KakaoClientOptions options)
    : rest_api_key_(std::move(options.rest_api_key)),
      bot_token_(std::move(options.bot_token)),
      event_base_(api_base_url(options.api_base_url, "kakao.api_base_url")),
      bot_base_(api_base_url(options.bot_api_base_url, "kakao.bot_api_base_url")) {
    if (bot_token_.empty()) bot_token_ = rest_api_key_;
}

boost::system::result<ClientRequest, std::string> KakaoClient::request(
    const storage::OutboxMessage& message) const {
    const auto call = nlohmann::json::parse(message.payload, nullptr, false);
    if (!call.is_object() || !call.contains("kind") || !call["kind"].is_string() ||
        !call.contains("body") || !call["body"].is_object()) {
        return std::string{"payload is not a Kakao delivery"};
    }
    const auto kind = call["kind"].get<std::string>();
    const auto& body = call["body"];
    if (kind == "callback") {
        const auto url = parse_url(call.value("url", ""));
        if (!url) return "callback: " + url.error().message;
        auto request = json_post(*url, body);
        request.timeout = kCallbackTimeout;
        return request;
    }
    if (kind == "bot_callback" || kind == "bot_send") {
        if (bot_token_.empty()) {
            return std::string{
                "kakao.bot_token (or kakao.rest_api_key) is not configured: the Kakao Talk Bot "
                "API needs it"};
        }
        const bool callback = kind == "bot_callback";
        auto url = bot_base_.join(callback ? "/v1/bot/callback" : "/v1/bot/send_message");
        if (!url) return url.error().message;
        auto request = json_post(std::move(*url), body);
        request.headers.set(http::field::authorization, std::string{kKakaoAk} + bot_token_);
        if (callback) request.headers.set("X-Bot-Callback-Token", call.value("callback_token", ""));
        return request;
    }
    if (kind == "event" || kind == "group_event") {
        if (rest_api_key_.empty()) {
            return std::string{
                "kakao.rest_api_key is not configured: pushes to KakaoTalk go through the Event "
                "API, which needs the app's REST API key"};
        }
        const auto bot_id = call.value("bot_id", "");
        if (!is_bot_id(bot_id)) return "payload names no Kakao bot id: " + bot_id.substr(0, 64);
        auto url = event_base_.join("/v2/bots/" + bot_id + (kind == "event" ? "/talk" : "/group"));
        if (!url) return url.error().message;
        auto request = json_post(std::move(*url), body);
        request.headers.set(http::field::authorization, std::string{kKakaoAk} + rest_api_key_);
        return request;
    }
    return "payload names no Kakao delivery kind: " + kind.substr(0, 40);
}

Delivery KakaoClient::interpret(const HttpResult& result) const {
    if (!result) return no_answer(platform(), result.error());
    Delivery delivery;
    const auto& response = *result;
    const auto status = response.result_int();
    const auto body = nlohmann::json::parse(response.body(), nullptr, false);
    if (status >= 200 && status < 300) {
        const auto failure = failure_in(body);
        if (failure.empty()) {
            delivery.outcome = Delivery::Outcome::sent;
            return delivery;
        }
        // The callback URL or token is spent: sending again cannot help.
        delivery.outcome = Delivery::Outcome::refuse;
        delivery.error = "kakao " + std::to_string(status) + ": " + failure;
        return delivery;
    }
    const auto failure = failure_in(body);
    delivery.error = "kakao " + std::to_string(status) + (failure.empty() ? "" : ": " + failure);
    if (status == 429) {
        delivery.retry_after = retry_after_header(response);
        return delivery;
    }
    // A spent or unknown callback, a bad bubble, an unknown room: waiting will not fix them.
    // 401 (a key an operator can still fix) and 5xx are retried.
    if (status == 400 || status == 403 || status == 404) {
        delivery.outcome = Delivery::Outcome::refuse;
    }
    return delivery;
}

RateLimits KakaoClient::limits() const {
    return RateLimits{std::chrono::milliseconds{0}, 0};
}

}  // namespace inmaek::bot::outbound
