#include "bot/platforms/telegram_adapter.hpp"

#include <boost/json.hpp>

#include <array>
#include <charconv>
#include <cstdint>
#include <system_error>

#include "bot/platforms/signature.hpp"
#include "bot/platforms/wire_format.hpp"
#include "handlers/text.hpp"

namespace inmaek::bot::platforms {

namespace {

namespace json = boost::json;

constexpr std::string_view kSecretHeader = "X-Telegram-Bot-Api-Secret-Token";
constexpr std::size_t kTextLimit = 4096;
constexpr std::size_t kCallbackDataLimit = 64;

/// Telegram ids are integers; an id given as a string is taken as it is.
std::string id_text(const json::value* value) {
    if (value == nullptr) return {};
    if (const auto* number = value->if_int64()) return std::to_string(*number);
    if (const auto* number = value->if_uint64()) return std::to_string(*number);
    if (const auto* text = value->if_string()) return std::string(text->data(), text->size());
    return {};
}

std::int64_t int_member(const json::value* object, std::string_view key) {
    const auto* value = member(object, key);
    const auto* number = value == nullptr ? nullptr : value->if_int64();
    return number == nullptr ? 0 : *number;
}

handlers::Sender sender_of(const json::value* from) {
    handlers::Sender sender;
    sender.id = id_text(member(from, "id"));
    sender.display_name = string_member(from, "first_name");
    if (auto last = string_member(from, "last_name"); !last.empty()) {
        sender.display_name += (sender.display_name.empty() ? "" : " ") + last;
    }
    sender.display_name = handlers::text::nfc(sender.display_name);
    sender.handle = string_member(from, "username");
    sender.locale = string_member(from, "language_code");
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
    // An update is a few hundred bytes: its whole tree fits in this buffer, so parsing
    // allocates nothing. Boost.JSON rejects ill-formed UTF-8, so non-UTF-8 text is a 400 here.
    std::array<unsigned char, 4096> buffer{};
    json::monotonic_resource resource(buffer.data(), buffer.size());
    boost::system::error_code error;
    const json::value update = json::parse(request.body(), error, &resource);
    if (error || !update.is_object()) {
        parsed.error = "body is not a JSON object";
        return parsed;
    }
    const auto* update_id = member(&update, "update_id");
    if (update_id == nullptr || !update_id->is_int64()) {
        parsed.error = "update_id missing";
        return parsed;
    }
    auto& message = parsed.message;
    message.platform = handlers::Platform::telegram;
    message.event_key = std::to_string(update_id->get_int64());

    // A button press: its data is the command the button stands for.
    if (const auto* callback = member(&update, "callback_query");
        callback != nullptr && callback->is_object()) {
        const auto* origin = member(callback, "message");
        const auto* chat = member(origin, "chat");
        const auto data = string_member(callback, "data");
        message.chat_id = id_text(member(chat, "id"));
        if (message.chat_id.empty() || data.empty()) {
            parsed.kind = Parsed::Kind::acknowledge;
            return parsed;
        }
        message.chat_title = string_member(chat, "title");
        message.direct = string_member(chat, "type") == "private";
        message.sender = sender_of(member(callback, "from"));
        message.text = handlers::text::nfc(data);
        message.received_at =
            std::chrono::sys_seconds{std::chrono::seconds{int_member(origin, "date")}};
        parsed.kind = Parsed::Kind::message;
        parsed.reply_target = message.chat_id;
        return parsed;
    }

    const auto* body = member(&update, "message");
    if (body == nullptr || !body->is_object()) {
        // edited_message, channel_post, my_chat_member, …: acknowledged, nothing stored.
        parsed.kind = Parsed::Kind::acknowledge;
        return parsed;
    }
    const auto* text = member(body, "text");
    const auto* chat = member(body, "chat");
    const auto* from = member(body, "from");
    if (text == nullptr || !text->is_string() || chat == nullptr || !chat->is_object() ||
        from == nullptr || !from->is_object()) {
        parsed.kind = Parsed::Kind::acknowledge;  // photos, stickers, service messages
        return parsed;
    }
    message.chat_id = id_text(member(chat, "id"));
    if (message.chat_id.empty()) {
        parsed.error = "message.chat.id missing";
        return parsed;
    }
    message.chat_title = handlers::text::nfc(string_member(chat, "title"));
    message.direct = string_member(chat, "type") == "private";
    message.sender = sender_of(from);
    message.text = handlers::text::nfc(text->get_string());
    message.source_message_id = id_text(member(body, "message_id"));
    message.received_at = std::chrono::sys_seconds{std::chrono::seconds{int_member(body, "date")}};
    parsed.kind = Parsed::Kind::message;
    parsed.reply_target = message.chat_id;
    return parsed;
}

std::string TelegramAdapter::to_html(const handlers::Reply& reply) {
    std::string html;
    if (!reply.title.empty()) html += "<b>" + escape_markup(reply.title) + "</b>";
    for (const auto& line : reply.lines) {
        if (!html.empty()) html += '\n';
        html += escape_markup(line);
    }
    if (!reply.usage.empty()) {
        if (!html.empty()) html += '\n';
        html += "<code>" + escape_markup(reply.usage) + "</code>";
    }
    if (handlers::text::length(html) > kTextLimit) {
        // Cutting inside a tag would make Telegram reject the message: fall back to plain text.
        return escape_markup(handlers::text::ellipsize(reply.plain_text(), kTextLimit - 64));
    }
    return html;
}

Response TelegramAdapter::render(const Parsed& parsed, const handlers::Reply& reply,
                                 unsigned version, bool keep_alive) const {
    if (reply.empty()) return acknowledge(version, keep_alive);
    return json_response(http::status::ok, send_message(parsed, reply), version, keep_alive);
}

std::optional<Push> TelegramAdapter::push(const Parsed& parsed,
                                          const handlers::Reply& reply) const {
    if (!options_.reply_through_api || reply.empty()) return std::nullopt;
    return Push{parsed.reply_target, send_message(parsed, reply)};
}

std::optional<Push> TelegramAdapter::push_to(std::string_view destination,
                                             const handlers::Reply& reply) const {
    if (reply.empty() || destination.empty()) return std::nullopt;
    Parsed target;
    target.reply_target = std::string{destination};
    return Push{target.reply_target, send_message(target, reply)};
}

std::optional<Push> TelegramAdapter::push_file(const Parsed& parsed,
                                               const handlers::Reply& reply) const {
    if (!reply.attachment || parsed.reply_target.empty()) return std::nullopt;
    auto payload = file_fields(reply);
    payload["chat_id"] = parsed.reply_target;
    if (!parsed.message.source_message_id.empty()) {
        payload["reply_to"] = parsed.message.source_message_id;
    }
    return Push{parsed.reply_target, json::serialize(payload)};
}

std::string TelegramAdapter::send_message(const Parsed& parsed, const handlers::Reply& reply) {
    std::array<unsigned char, 4096> buffer{};
    json::monotonic_resource resource(buffer.data(), buffer.size());
    json::object call(&resource);
    call["method"] = "sendMessage";
    // Chat ids are integers (negative for groups); keep anything else as the string it was.
    std::int64_t chat_id = 0;
    const auto& target = parsed.reply_target;
    if (const auto [end, error] =
            std::from_chars(target.data(), target.data() + target.size(), chat_id);
        error == std::errc{} && end == target.data() + target.size()) {
        call["chat_id"] = chat_id;
    } else {
        call["chat_id"] = target;
    }
    call["text"] = to_html(reply);
    call["parse_mode"] = "HTML";
    const auto& source = parsed.message.source_message_id;
    if (std::int64_t message_id = 0;
        !source.empty() &&
        std::from_chars(source.data(), source.data() + source.size(), message_id).ec ==
            std::errc{}) {
        call["reply_parameters"] = {{"message_id", message_id},
                                    {"allow_sending_without_reply", true}};
    }
    if (!reply.buttons.empty()) {
        json::array row(&resource);
        for (const auto& button : reply.buttons) {
            if (button.command.size() > kCallbackDataLimit) continue;
            row.push_back(json::object{{"text", button.label}, {"callback_data", button.command}});
        }
        if (!row.empty()) {
            call["reply_markup"] = {{"inline_keyboard", json::array{std::move(row)}}};
        }
    }
    return json::serialize(call);
}

}  // namespace inmaek::bot::platforms
