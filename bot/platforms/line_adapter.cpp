#include "bot/platforms/line_adapter.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "bot/platforms/signature.hpp"
#include "bot/platforms/wire_format.hpp"
#include "handlers/text.hpp"

namespace inmaek::bot::platforms {

namespace {

namespace json = boost::json;

constexpr std::string_view kSignatureHeader = "x-line-signature";

// LINE's documented limits. Texts count UTF-16 code units; action labels count graphemes.
constexpr std::size_t kMaxMessages = 5;
constexpr std::size_t kTextLimit = 5000;
constexpr std::size_t kAltTextLimit = 400;
constexpr std::size_t kQuickReplyLimit = 13;
constexpr std::size_t kLabelLimit = 20;
constexpr std::size_t kDataLimit = 300;
constexpr std::size_t kBubbleBytesLimit = 30000;
// Our own: a card is a title with a few lines; a longer list reads better as text.
constexpr std::size_t kCardLineLimit = 20;
constexpr std::size_t kCardTextLimit = 1000;
constexpr std::size_t kCardButtonLimit = 6;

/// UTF-16 code units of UTF-8 text: one per code point, two for those beyond U+FFFF (4-byte
/// sequences).
std::size_t utf16_length(std::string_view utf8) {
    std::size_t units = 0;
    for (const char c : utf8) {
        const auto byte = static_cast<unsigned char>(c);
        if ((byte & 0xC0U) == 0x80U) continue;  // continuation byte
        units += byte >= 0xF0U ? 2 : 1;
    }
    return units;
}

/// The bytes of the first `units` UTF-16 code units of UTF-8 text (LINE's mention offsets).
std::size_t utf16_prefix_bytes(std::string_view utf8, std::size_t units) {
    std::size_t i = 0;
    while (i < utf8.size() && units > 0) {
        const auto byte = static_cast<unsigned char>(utf8[i]);
        const std::size_t width = byte >= 0xF0U ? 4 : byte >= 0xE0U ? 3 : byte >= 0xC0U ? 2 : 1;
        const std::size_t needed = byte >= 0xF0U ? 2 : 1;
        if (needed > units) break;
        units -= needed;
        i = std::min(utf8.size(), i + width);
    }
    return i;
}

/// Text shortened (with "…") to at most `limit` UTF-16 code units.
std::string fit(std::string_view text, std::size_t limit) {
    auto length = utf16_length(text);
    if (length <= limit) return std::string{text};
    std::string out{text};
    // A code point is one or two units: cutting half the excess in code points never cuts more
    // than needed, and the excess at least halves each pass.
    for (auto max = handlers::text::length(text); length > limit && max > 1;) {
        max -= std::min(max - 1, (length - limit + 1) / 2);
        out = handlers::text::ellipsize(text, max);
        length = utf16_length(out);
    }
    return out;
}

bool bool_member(const json::value* object, std::string_view key) {
    const auto* value = member(object, key);
    return value != nullptr && value->is_bool() && value->get_bool();
}

/// The text of a message event without a leading mention of our bot ("@inmaek /meet …").
std::string text_of(const json::value* message) {
    std::string text = string_member(message, "text");
    const auto* mentionees = member(member(message, "mention"), "mentionees");
    if (mentionees != nullptr && mentionees->is_array()) {
        for (const auto& mentionee : mentionees->get_array()) {
            if (!bool_member(&mentionee, "isSelf") ||
                int_value(member(&mentionee, "index")).value_or(0) != 0) {
                continue;
            }
            const auto length = int_value(member(&mentionee, "length")).value_or(0);
            if (length > 0) {
                text.erase(0, utf16_prefix_bytes(text, static_cast<std::size_t>(length)));
            }
            break;
        }
    }
    return handlers::text::nfc(handlers::text::trim(text));
}

/// One event as a message, or nullopt for an event that is not for the chat language.
std::optional<Parsed> parse_event(const json::value& event) {
    // In standby another channel (a chat operator) answers; we must not.
    if (string_member(&event, "mode") == "standby") return std::nullopt;
    const auto type = string_member(&event, "type");
    std::string text;
    const auto* message_object = member(&event, "message");
    if (type == "message" && string_member(message_object, "type") == "text") {
        text = text_of(message_object);
    } else if (type == "postback") {
        // Our buttons post back a command; anything else is not ours to read.
        text = handlers::text::nfc(string_member(member(&event, "postback"), "data"));
        if (!text.starts_with('/')) return std::nullopt;
    } else {
        return std::nullopt;  // joins, follows, stickers, images, unsends, …
    }
    const auto* source = member(&event, "source");
    const auto source_type = string_member(source, "type");
    const auto user = string_member(source, "userId");
    std::string chat;
    if (source_type == "group") chat = string_member(source, "groupId");
    if (source_type == "room") chat = string_member(source, "roomId");
    if (source_type == "user") chat = user;
    const auto reply_token = string_member(&event, "replyToken");
    if (user.empty() || chat.empty() || text.empty()) return std::nullopt;

    Parsed parsed;
    parsed.kind = Parsed::Kind::message;
    auto& message = parsed.message;
    message.platform = handlers::Platform::line;
    // The same on a redelivery (deliveryContext.isRedelivery), so a redelivered event is
    // answered from the stored reply and changes nothing.
    message.event_key = string_member(&event, "webhookEventId");
    message.chat_id = chat;
    message.direct = source_type == "user";
    message.sender.id = user;
    // Webhooks carry no names (only the profile API does); the id stands in.
    message.sender.display_name = user;
    message.text = std::move(text);
    message.source_message_id = string_member(message_object, "id");
    message.received_at = std::chrono::sys_seconds{std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::milliseconds{int_value(member(&event, "timestamp")).value_or(0)})};
    parsed.reply_target = reply_token;
    return parsed;
}

struct Action {
    std::string label;
    std::string command;
};

/// The buttons LINE can carry: a command of at most 300 characters (postback data), each once,
/// labels within 20 characters.
std::vector<Action> actions_of(const std::vector<handlers::Button>& buttons, std::size_t limit) {
    std::vector<Action> actions;
    for (const auto& button : buttons) {
        if (actions.size() == limit) break;
        if (button.command.empty() || utf16_length(button.command) > kDataLimit) continue;
        if (std::any_of(actions.begin(), actions.end(),
                        [&](const Action& a) { return a.command == button.command; })) {
            continue;
        }
        const auto& label = button.label.empty() ? button.command : button.label;
        actions.push_back({handlers::text::ellipsize(label, kLabelLimit), button.command});
    }
    return actions;
}

json::object postback(const Action& action) {
    // displayText shows the tap in the chat as the user's words, as if they had typed it.
    return json::object{{"type", "postback"},
                        {"label", action.label},
                        {"data", action.command},
                        {"displayText", action.command}};
}

json::object flex_text(std::string_view text, std::string_view size) {
    return json::object{{"type", "text"},
                        {"text", handlers::text::ellipsize(text, kCardTextLimit)},
                        {"wrap", true},
                        {"size", size}};
}

json::object box(json::array contents) {
    return json::object{{"type", "box"},
                        {"layout", "vertical"},
                        {"spacing", "sm"},
                        {"contents", std::move(contents)}};
}

/// A card: nullopt when the reply is not one (no title, a long list) or would exceed a bubble.
std::optional<json::object> card_of(const handlers::Reply& reply) {
    if (reply.title.empty() || reply.lines.size() > kCardLineLimit) return std::nullopt;
    if (reply.lines.empty() && reply.buttons.empty()) return std::nullopt;
    json::object bubble{{"type", "bubble"}};
    auto title = flex_text(reply.title, "md");
    title["weight"] = "bold";
    bubble["header"] = box(json::array{std::move(title)});
    json::array body;
    for (const auto& line : reply.lines) body.push_back(flex_text(line, "sm"));
    if (!reply.usage.empty()) {
        auto usage = flex_text(reply.usage, "xs");
        usage["color"] = "#888888";
        body.push_back(std::move(usage));
    }
    if (!body.empty()) bubble["body"] = box(std::move(body));
    json::array footer;
    for (const auto& action : actions_of(reply.buttons, kCardButtonLimit)) {
        // The first button is the suggested next step.
        footer.push_back(json::object{{"type", "button"},
                                      {"style", footer.empty() ? "primary" : "secondary"},
                                      {"height", "sm"},
                                      {"action", postback(action)}});
    }
    if (!footer.empty()) bubble["footer"] = box(std::move(footer));
    if (json::serialize(bubble).size() > kBubbleBytesLimit) return std::nullopt;
    return json::object{{"type", "flex"},
                        {"altText", fit(reply.plain_text(), kAltTextLimit)},
                        {"contents", std::move(bubble)}};
}

/// Lines joined into texts of at most kTextLimit units, at most kMaxMessages of them; what does
/// not fit ends in "…".
std::vector<std::string> texts_of(const handlers::Reply& reply) {
    std::vector<std::string_view> lines;
    if (!reply.title.empty()) lines.emplace_back(reply.title);
    for (const auto& line : reply.lines) lines.emplace_back(line);
    if (!reply.usage.empty()) lines.emplace_back(reply.usage);
    std::vector<std::string> texts;
    std::string current;
    std::size_t current_length = 0;
    for (const auto line : lines) {
        auto piece = fit(line, kTextLimit);
        const auto length = utf16_length(piece);
        if (!current.empty() && current_length + 1 + length > kTextLimit) {
            texts.push_back(std::move(current));
            current.clear();
            current_length = 0;
        }
        if (!current.empty()) {
            current += '\n';
            ++current_length;
        }
        current += piece;
        current_length += length;
    }
    if (!current.empty()) texts.push_back(std::move(current));
    if (texts.size() > kMaxMessages) {
        texts.resize(kMaxMessages);
        texts.back() = fit(texts.back(), kTextLimit - 2) + "\n…";
    }
    return texts;
}

json::object quick_reply(const std::vector<handlers::Button>& buttons) {
    json::array items;
    for (const auto& action : actions_of(buttons, kQuickReplyLimit)) {
        items.push_back(json::object{{"type", "action"}, {"action", postback(action)}});
    }
    return json::object{{"items", std::move(items)}};
}

}  // namespace

LineAdapter::LineAdapter(LineOptions options) : options_(std::move(options)) {}

std::string LineAdapter::sign(std::string_view channel_secret, std::string_view body) {
    return to_base64(hmac_sha256(channel_secret, body));
}

bool LineAdapter::verify(const Request& request) const {
    const auto signature = request.find(kSignatureHeader);
    if (options_.channel_secret.empty() || signature == request.end()) return false;
    // Our base64 is canonical, as LINE's is: anything else (not base64, other padding) differs.
    return secure_equals(signature->value(), sign(options_.channel_secret, request.body()));
}

Parsed LineAdapter::parse(const Request& request) const {
    Parsed parsed;
    boost::system::error_code error;
    const json::value envelope = json::parse(request.body(), error);
    if (error || !envelope.is_object()) {
        parsed.error = "body is not a JSON object";
        return parsed;
    }
    const auto* events = member(&envelope, "events");
    if (events == nullptr || !events->is_array()) {
        parsed.error = "body without an events array";
        return parsed;
    }
    // An empty batch is the console's "Verify": a 200 is all it asks.
    parsed.kind = Parsed::Kind::acknowledge;
    for (const auto& event : events->get_array()) {
        auto message = parse_event(event);
        if (!message) continue;
        if (parsed.kind == Parsed::Kind::message) {
            parsed.more.push_back(std::move(*message));
        } else {
            parsed = std::move(*message);
        }
    }
    return parsed;
}

Response LineAdapter::render(const Parsed& /*parsed*/, const handlers::Reply& /*reply*/,
                             unsigned version, bool keep_alive) const {
    return Adapter::acknowledge(version, keep_alive);
}

json::array LineAdapter::messages(const handlers::Reply& reply) {
    json::array messages;
    if (auto card = card_of(reply)) {
        messages.push_back(std::move(*card));
        return messages;
    }
    for (auto& text : texts_of(reply)) {
        messages.push_back(json::object{{"type", "text"}, {"text", std::move(text)}});
    }
    if (!messages.empty() && !reply.buttons.empty()) {
        auto items = quick_reply(reply.buttons);
        if (!items["items"].as_array().empty()) {
            messages.back().as_object()["quickReply"] = std::move(items);
        }
    }
    return messages;
}

std::optional<Push> LineAdapter::push(const Parsed& parsed, const handlers::Reply& reply) const {
    if (reply.empty()) return std::nullopt;
    const auto& chat = parsed.message.chat_id;
    json::object call{{"to", chat}, {"messages", messages(reply)}};
    // Without a token (none came) the client pushes at once.
    if (!parsed.reply_target.empty()) call["replyToken"] = parsed.reply_target;
    return Push{chat, json::serialize(call)};
}

std::optional<Push> LineAdapter::push_to(std::string_view destination,
                                         const handlers::Reply& reply) const {
    if (reply.empty() || destination.empty()) return std::nullopt;
    const json::object call{{"to", destination}, {"messages", messages(reply)}};
    return Push{std::string{destination}, json::serialize(call)};
}

}  // namespace inmaek::bot::platforms
