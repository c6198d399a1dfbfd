#include "bot/platforms/telegram_adapter.hpp"

#include <nlohmann/json.hpp>

#include "bot/platforms/signature.hpp"
#include "handlers/text.hpp"

namespace inmaek::bot::platforms {

namespace {

constexpr std::string_view kSecretHeader = "X-Telegram-Bot-Api-Secret-Token";
constexpr std::size_t kTextLimit = 4096;
constexpr std::size_t kCallbackDataLimit = 64;

std::string escape_html(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 16);
    for (const char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string id_text(const nlohmann::json& value) {
    if (value.is_number_integer()) return std::to_string(value.get<std::int64_t>());
    if (value.is_string()) return value.get<std::string>();
    return {};
}

handlers::Sender sender_of(const nlohmann::json& from) {
    handlers::Sender sender;
    sender.id = id_text(from.value("id", nlohmann::json{}));
    sender.display_name = from.value("first_name", std::string{});
    if (auto last = from.value("last_name", std::string{}); !last.empty()) {
        sender.display_name += (sender.display_name.empty() ? "" : " ") + last;
    }
    sender.display_name = handlers::text::nfc(sender.display_name);
    sender.handle = from.value("username", std::string{});
    sender.locale = from.value("language_code", std::string{});
    return sender;
}

}  // namespace

TelegramAdapter::TelegramAdapter(TelegramOptions options) : options_(std::move(options)) {}

bool TelegramAdapter::verify(const Request& request) const {
    if (options_.secret_token.empty()) return true;
    const auto header = request.find(kSecretHeader);
    if (header == request.end()) return options_.allow_missing_secret;
    return secure_equals(header->value(), options_.secret_token);
}

Parsed TelegramAdapter::parse(const Request& request) const {
    Parsed parsed;
    // nlohmann rejects ill-formed UTF-8 inside strings, so non-UTF-8 text is a 400 here.
    auto update = nlohmann::json::parse(request.body(), nullptr, false);
    if (update.is_discarded() || !update.is_object()) {
        parsed.error = "body is not a JSON object";
        return parsed;
    }
    const auto update_id = update.find("update_id");
    if (update_id == update.end() || !update_id->is_number_integer()) {
        parsed.error = "update_id missing";
        return parsed;
    }
    auto& message = parsed.message;
    message.platform = handlers::Platform::telegram;
    message.event_key = std::to_string(update_id->get<std::int64_t>());

    // A button press: its data is the command the button stands for.
    if (const auto callback = update.find("callback_query");
        callback != update.end() && callback->is_object()) {
        const auto origin = callback->value("message", nlohmann::json::object());
        const auto chat = origin.value("chat", nlohmann::json::object());
        const auto data = callback->value("data", std::string{});
        if (!chat.contains("id") || data.empty()) {
            parsed.kind = Parsed::Kind::acknowledge;
            return parsed;
        }
        message.chat_id = id_text(chat["id"]);
        message.chat_title = chat.value("title", std::string{});
        message.sender = sender_of(callback->value("from", nlohmann::json::object()));
        message.text = handlers::text::nfc(data);
        message.received_at =
            std::chrono::sys_seconds{std::chrono::seconds{origin.value("date", std::int64_t{0})}};
        parsed.kind = Parsed::Kind::message;
        parsed.reply_target = message.chat_id;
        return parsed;
    }

    const auto found = update.find("message");
    if (found == update.end() || !found->is_object()) {
        // edited_message, channel_post, my_chat_member, …: acknowledged, nothing stored.
        parsed.kind = Parsed::Kind::acknowledge;
        return parsed;
    }
    const auto& body = *found;
    const auto text = body.find("text");
    const auto chat = body.find("chat");
    const auto from = body.find("from");
    if (text == body.end() || !text->is_string() || chat == body.end() || !chat->is_object() ||
        from == body.end() || !from->is_object()) {
        parsed.kind = Parsed::Kind::acknowledge;  // photos, stickers, service messages
        return parsed;
    }
    message.chat_id = id_text(chat->value("id", nlohmann::json{}));
    if (message.chat_id.empty()) {
        parsed.error = "message.chat.id missing";
        return parsed;
    }
    message.chat_title = handlers::text::nfc(chat->value("title", std::string{}));
    message.direct = chat->value("type", std::string{}) == "private";
    message.sender = sender_of(*from);
    message.text = handlers::text::nfc(text->get<std::string>());
    message.source_message_id = id_text(body.value("message_id", nlohmann::json{}));
    message.received_at =
        std::chrono::sys_seconds{std::chrono::seconds{body.value("date", std::int64_t{0})}};
    parsed.kind = Parsed::Kind::message;
    parsed.reply_target = message.chat_id;
    return parsed;
}

std::string TelegramAdapter::to_html(const handlers::Reply& reply) {
    std::string html;
    if (!reply.title.empty()) html += "<b>" + escape_html(reply.title) + "</b>";
    for (const auto& line : reply.lines) {
        if (!html.empty()) html += '\n';
        html += escape_html(line);
    }
    if (!reply.usage.empty()) {
        if (!html.empty()) html += '\n';
        html += "<code>" + escape_html(reply.usage) + "</code>";
    }
    if (handlers::text::length(html) > kTextLimit) {
        // Cutting inside a tag would make Telegram reject the message: fall back to plain text.
        return escape_html(handlers::text::ellipsize(reply.plain_text(), kTextLimit - 64));
    }
    return html;
}

Response TelegramAdapter::render(const Parsed& parsed, const handlers::Reply& reply,
                                 unsigned version, bool keep_alive) const {
    if (reply.empty()) return acknowledge(version, keep_alive);
    nlohmann::json call{
        {"method", "sendMessage"}, {"text", to_html(reply)}, {"parse_mode", "HTML"}};
    try {
        call["chat_id"] = std::stoll(parsed.reply_target);
    } catch (const std::exception&) {
        call["chat_id"] = parsed.reply_target;
    }
    if (!parsed.message.source_message_id.empty()) {
        call["reply_parameters"] = {{"message_id", std::stoll(parsed.message.source_message_id)},
                                    {"allow_sending_without_reply", true}};
    }
    if (!reply.buttons.empty()) {
        auto row = nlohmann::json::array();
        for (const auto& button : reply.buttons) {
            if (button.command.size() > kCallbackDataLimit) continue;
            row.push_back({{"text", button.label}, {"callback_data", button.command}});
        }
        if (!row.empty())
            call["reply_markup"] = {{"inline_keyboard", nlohmann::json::array({row})}};
    }
    return json_response(http::status::ok, call.dump(), version, keep_alive);
}

}  // namespace inmaek::bot::platforms
