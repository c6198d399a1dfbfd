#include "bot/outbound/telegram_client.hpp"

#include <charconv>
#include <cstdint>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace inmaek::bot::outbound {

namespace {

/// Telegram's method names are letters only; anything else in a stored payload is refused
/// rather than spliced into a URL.
bool is_method_name(std::string_view name) {
    if (name.empty() || name.size() > 64) return false;
    for (const char c : name) {
        if ((c < 'a' || c > 'z') && (c < 'A' || c > 'Z')) return false;
    }
    return true;
}

}  // namespace

TelegramClient::TelegramClient(TelegramClientOptions options)
    : token_(std::move(options.bot_token)),
      base_(api_base_url(options.api_base_url, "telegram.api_base_url")) {}

boost::system::result<ClientRequest, std::string> TelegramClient::request(
    const storage::OutboxMessage& message) const {
    auto call = nlohmann::json::parse(message.payload, nullptr, false);
    if (!call.is_object() || !call.contains("method") || !call["method"].is_string()) {
        return std::string{"payload is not a Telegram method call"};
    }
    const auto method = call["method"].get<std::string>();
    if (!is_method_name(method)) return "payload names no Telegram method: " + method;
    call.erase("method");
    auto url = base_.join("/bot" + token_ + "/" + method);
    if (!url) return std::string{"the bot token does not fit in a URL"};
    ClientRequest request;
    request.method = http::verb::post;
    request.url = std::move(*url);
    request.headers.set(http::field::content_type, "application/json");
    request.body = call.dump();
    return request;
}

Delivery TelegramClient::interpret(const HttpResult& result) const {
    if (!result) return no_answer(platform(), result.error());
    Delivery delivery;
    const auto& response = *result;
    const auto status = response.result_int();
    const auto body = nlohmann::json::parse(response.body(), nullptr, false);
    const bool ok = body.is_object() && body.value("ok", false);
    if (status == 200 && ok) {
        delivery.outcome = Delivery::Outcome::sent;
        return delivery;
    }
    std::string description = body.is_object() ? body.value("description", "") : "";
    delivery.error = "telegram " + std::to_string(status) +
                     (description.empty() ? "" : ": " + description.substr(0, 200));
    if (status == 429) {
        if (body.is_object() && body.contains("parameters") && body["parameters"].is_object() &&
            body["parameters"].contains("retry_after") &&
            body["parameters"]["retry_after"].is_number_integer()) {
            delivery.retry_after =
                std::chrono::seconds{body["parameters"]["retry_after"].get<int>()};
        } else {
            delivery.retry_after = retry_after_header(response);
        }
        return delivery;
    }
    // 400 (chat not found, message malformed) and 403 (the bot was blocked or removed) will
    // not change by waiting. Anything else may: 5xx, and 401/404 for a token that an operator
    // can still fix.
    if (status == 400 || status == 403) delivery.outcome = Delivery::Outcome::refuse;
    return delivery;
}

Delivery TelegramClient::send_file(const storage::OutboxMessage& message, const FileToSend& file,
                                   HttpClient& http) const {
    const auto payload = nlohmann::json::parse(message.payload, nullptr, false);
    if (!payload.is_object() || !payload.value("chat_id", nlohmann::json{}).is_string()) {
        return Delivery{Delivery::Outcome::refuse, std::nullopt,
                        "payload is not a Telegram file for a chat"};
    }
    auto url = base_.join("/bot" + token_ + "/sendDocument");
    if (!url) {
        return Delivery{Delivery::Outcome::refuse, std::nullopt,
                        "the bot token does not fit in a URL"};
    }
    MultipartForm form;
    form.field("chat_id", payload["chat_id"].get<std::string>());
    form.file("document", file.name, file.path, file.size, file.content_type);
    if (const auto caption = payload.value("caption", std::string{}); !caption.empty()) {
        form.field("caption", caption);
    }
    const auto reply_to = payload.value("reply_to", std::string{});
    std::int64_t message_id = 0;
    if (!reply_to.empty() &&
        std::from_chars(reply_to.data(), reply_to.data() + reply_to.size(), message_id).ec ==
            std::errc{}) {
        // Sent even when the message is gone (deleted since): the file matters, not the quote.
        form.field("reply_parameters",
                   nlohmann::json{{"message_id", message_id}, {"allow_sending_without_reply", true}}
                       .dump());
    }
    auto built = form.build();
    ClientRequest request;
    request.method = http::verb::post;
    request.url = std::move(*url);
    request.headers.set(http::field::content_type, built.content_type);
    request.timeout = upload_timeout(built.body.size());
    request.file_body = std::move(built.body);
    return interpret(http.send(std::move(request)));
}

RateLimits TelegramClient::limits() const {
    return RateLimits{std::chrono::milliseconds{1000}, 30};
}

}  // namespace inmaek::bot::outbound
