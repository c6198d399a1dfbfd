#include "bot/outbound/line_client.hpp"

#include <boost/uuid/name_generator_sha1.hpp>
#include <boost/uuid/string_generator.hpp>
#include <boost/uuid/uuid_io.hpp>

#include <stdexcept>

#include <nlohmann/json.hpp>

namespace inmaek::bot::outbound {

namespace {

/// Every error of a push starts with it; a row whose last error does pushes from then on.
constexpr std::string_view kPushPrefix = "line push";
constexpr std::string_view kReplyPrefix = "line reply";

/// Our namespace for retry keys (a fixed random UUID: keys are ours alone).
constexpr auto kRetryKeyNamespace = "4b1f2a9e-7c1d-4e55-9a0b-3f6d2c8e1a77";

Url endpoint(const Url& base, std::string_view path) {
    auto url = base.join(path);
    if (!url) throw std::invalid_argument("line.api_base_url: " + url.error().message);
    return std::move(*url);
}

/// The row's call, or a null value when the payload is not one.
nlohmann::json call_of(const storage::OutboxMessage& message) {
    auto call = nlohmann::json::parse(message.payload, nullptr, false);
    if (!call.is_object() || !call.contains("to") || !call["to"].is_string() ||
        !call.contains("messages") || !call["messages"].is_array()) {
        return nullptr;
    }
    return call;
}

/// True while the row is to be answered with its reply token: it has one, and no attempt has
/// turned to pushing yet.
bool replies(const storage::OutboxMessage& message, const nlohmann::json& call) {
    return call.contains("replyToken") && call["replyToken"].is_string() &&
           !message.last_error.starts_with(kPushPrefix);
}

std::string description_of(const ClientResponse& response) {
    const auto body = nlohmann::json::parse(response.body(), nullptr, false);
    if (body.is_object() && body.contains("message") && body["message"].is_string()) {
        return body["message"].get<std::string>().substr(0, 200);
    }
    return {};
}

Delivery answer(std::string_view prefix, const HttpResult& result, bool push) {
    if (!result) return no_answer(prefix, result.error());
    Delivery delivery;
    const auto& response = *result;
    const auto status = response.result_int();
    // 409 to a push: a request with this retry key was accepted before (its answer was lost).
    if ((status >= 200 && status < 300) || (push && status == 409)) {
        delivery.outcome = Delivery::Outcome::sent;
        return delivery;
    }
    const auto description = description_of(response);
    delivery.error = std::string{prefix} + " " + std::to_string(status) +
                     (description.empty() ? "" : ": " + description);
    if (status == 429) {
        delivery.retry_after = retry_after_header(response);
        return delivery;
    }
    if (status == 400 || status == 403 || status == 404) {
        delivery.outcome = Delivery::Outcome::refuse;
    }
    return delivery;
}

}  // namespace

LineClient::LineClient(LineClientOptions options)
    : token_(std::move(options.channel_access_token)) {
    const auto base = api_base_url(options.api_base_url, "line.api_base_url");
    reply_endpoint_ = endpoint(base, "/v2/bot/message/reply");
    push_endpoint_ = endpoint(base, "/v2/bot/message/push");
}

std::string LineClient::retry_key(const storage::OutboxMessage& message) {
    static const boost::uuids::name_generator_sha1 kGenerator{
        boost::uuids::string_generator{}(kRetryKeyNamespace)};
    const auto name =
        message.dedupe_key.empty() ? "outbox:" + std::to_string(message.id) : message.dedupe_key;
    return boost::uuids::to_string(kGenerator(name));
}

boost::system::result<ClientRequest, std::string> LineClient::request(
    const storage::OutboxMessage& message) const {
    const auto call = call_of(message);
    if (call.is_null()) return std::string{"payload is not a LINE reply or push"};
    ClientRequest request;
    request.method = http::verb::post;
    request.headers.set(http::field::authorization, "Bearer " + token_);
    request.headers.set(http::field::content_type, "application/json");
    if (replies(message, call)) {
        request.url = reply_endpoint_;
        request.body =
            nlohmann::json{{"replyToken", call["replyToken"]}, {"messages", call["messages"]}}
                .dump();
        return request;
    }
    request.url = push_endpoint_;
    request.headers.set("X-Line-Retry-Key", retry_key(message));
    // The retry key makes a second send of this request harmless.
    request.retry_safe = true;
    request.body = nlohmann::json{{"to", call["to"]}, {"messages", call["messages"]}}.dump();
    return request;
}

Delivery LineClient::interpret(const HttpResult& result) const {
    return answer(kPushPrefix, result, true);
}

Delivery LineClient::interpret(const storage::OutboxMessage& message,
                               const HttpResult& result) const {
    const auto call = call_of(message);
    if (call.is_null() || !replies(message, call)) return interpret(result);
    auto delivery = answer(kReplyPrefix, result, false);
    if (delivery.outcome == Delivery::Outcome::refuse && result->result_int() == 400) {
        // The token expired or was used: the message still belongs in the chat, as a push. (A
        // reply whose answer was lost may have been delivered, its retry then refused: that
        // push is a second copy, which LINE gives no way to rule out.)
        delivery.outcome = Delivery::Outcome::retry;
        delivery.retry_after = std::chrono::seconds{0};
        delivery.error = std::string{kPushPrefix} + " next, the reply token was refused (" +
                         delivery.error + ")";
    }
    return delivery;
}

RateLimits LineClient::limits() const {
    return RateLimits{std::chrono::milliseconds{0}, 2000};
}

}  // namespace inmaek::bot::outbound
