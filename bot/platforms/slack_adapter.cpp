#include "bot/platforms/slack_adapter.hpp"

#include <boost/json.hpp>

#include <array>
#include <cstdint>
#include <utility>

#include "bot/platforms/signature.hpp"
#include "bot/platforms/wire_format.hpp"
#include "handlers/text.hpp"

namespace inmaek::bot::platforms {

namespace {

namespace json = boost::json;

constexpr std::string_view kTimestampHeader = "X-Slack-Request-Timestamp";
constexpr std::string_view kSignatureHeader = "X-Slack-Signature";
constexpr std::string_view kVersion = "v0";
constexpr std::string_view kEventsPath = "events";
constexpr std::string_view kCommandsPath = "commands";
constexpr std::string_view kInteractivityPath = "interactivity";

// Slack's documented Block Kit limits.
constexpr std::size_t kMaxBlocks = 50;
constexpr std::size_t kHeaderTextLimit = 150;
constexpr std::size_t kSectionTextLimit = 3000;
constexpr std::size_t kActionsElementLimit = 25;
constexpr std::size_t kButtonTextLimit = 75;
constexpr std::size_t kButtonValueLimit = 2000;
// chat.postMessage truncates `text` beyond 40,000 characters and advises staying under 4,000.
constexpr std::size_t kFallbackTextLimit = 4000;

std::string_view kind_name(SlackTarget::Kind kind) {
    switch (kind) {
        case SlackTarget::Kind::url_verification: return "url_verification";
        case SlackTarget::Kind::event: return "event";
        case SlackTarget::Kind::command: return "command";
        case SlackTarget::Kind::action: return "action";
        case SlackTarget::Kind::none: break;
    }
    return "none";
}

/// The path after /hooks/slack/ of a request target.
std::string_view sub_path_of(std::string_view target) {
    target = target.substr(0, target.find('?'));
    const auto slash = target.rfind('/');
    return slash == std::string_view::npos ? target : target.substr(slash + 1);
}

std::chrono::sys_seconds seconds_member(const json::value* object, std::string_view key) {
    const auto* value = member(object, key);
    std::int64_t seconds = 0;
    if (value != nullptr && value->is_int64()) seconds = value->get_int64();
    return std::chrono::sys_seconds{std::chrono::seconds{seconds}};
}

/// Slack escapes & < > in the text it sends; the chat language wants them back, in NFC.
std::string text_of(std::string_view slack_text) {
    return handlers::text::nfc(handlers::text::trim(unescape_markup(slack_text)));
}

/// The text without a leading user mention ("<@U0BOT0001> /meet …" → "/meet …"); `mention`
/// says whose mention counts (empty: anyone's).
std::optional<std::string_view> without_mention(std::string_view text, std::string_view user) {
    if (!text.starts_with("<@")) return std::nullopt;
    const auto end = text.find('>');
    if (end == std::string_view::npos) return std::nullopt;
    // "<@U123>" or "<@U123|name>"
    auto id = text.substr(2, end - 2);
    id = id.substr(0, id.find('|'));
    if (!user.empty() && id != user) return std::nullopt;
    text.remove_prefix(end + 1);
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    return text;
}

/// The bot user of an event: configured, else the one its authorizations name.
std::string bot_user_of(const json::value& envelope, std::string_view configured) {
    if (!configured.empty()) return std::string{configured};
    const auto* authorizations = member(&envelope, "authorizations");
    if (authorizations == nullptr || !authorizations->is_array()) return {};
    for (const auto& authorization : authorizations->get_array()) {
        const auto* is_bot = member(&authorization, "is_bot");
        if (is_bot != nullptr && is_bot->is_bool() && is_bot->get_bool()) {
            return string_member(&authorization, "user_id");
        }
    }
    return {};
}

json::object text_object(std::string_view type, std::string text) {
    return json::object{{"type", type}, {"text", std::move(text)}};
}

json::object mrkdwn_section(std::string text) {
    return json::object{{"type", "section"}, {"text", text_object("mrkdwn", std::move(text))}};
}

/// Lines as mrkdwn sections of at most kSectionTextLimit characters each.
std::vector<std::string> sections_of(const std::vector<std::string>& lines) {
    std::vector<std::string> sections;
    std::string current;
    std::size_t current_length = 0;
    for (const auto& line : lines) {
        auto escaped = escape_markup(line);
        auto length = handlers::text::length(escaped);
        if (length > kSectionTextLimit) {
            // Escaping lengthens; cut the plain line so that its escaped form fits.
            escaped = escape_markup(handlers::text::ellipsize(line, kSectionTextLimit / 5));
            length = handlers::text::length(escaped);
        }
        if (!current.empty() && current_length + 1 + length > kSectionTextLimit) {
            sections.push_back(std::move(current));
            current.clear();
            current_length = 0;
        }
        if (!current.empty()) {
            current += '\n';
            ++current_length;
        }
        current += escaped;
        current_length += length;
    }
    if (!current.empty()) sections.push_back(std::move(current));
    return sections;
}

std::vector<json::object> actions_of(const std::vector<handlers::Button>& buttons) {
    std::vector<json::object> blocks;
    json::array elements;
    std::vector<std::string_view> used;
    for (const auto& button : buttons) {
        if (button.command.empty() || button.command.size() > kButtonValueLimit) continue;
        if (std::find(used.begin(), used.end(), button.command) != used.end()) continue;
        used.push_back(button.command);
        if (elements.size() == kActionsElementLimit) {
            blocks.push_back(json::object{{"type", "actions"}, {"elements", std::move(elements)}});
            elements = json::array{};
        }
        const auto& label = button.label.empty() ? button.command : button.label;
        json::object element{
            {"type", "button"},
            {"text", json::object{{"type", "plain_text"},
                                  {"text", handlers::text::ellipsize(label, kButtonTextLimit)},
                                  {"emoji", true}}},
            {"action_id", "inmaek_" + std::to_string(used.size())},
            {"value", button.command}};
        // The first button is the suggested next step.
        if (used.size() == 1) element["style"] = "primary";
        elements.push_back(std::move(element));
    }
    if (!elements.empty()) {
        blocks.push_back(json::object{{"type", "actions"}, {"elements", std::move(elements)}});
    }
    return blocks;
}

}  // namespace

std::string SlackTarget::encode() const {
    return std::string{kind_name(kind)} + "/" + channel + "/" + thread_ts;
}

SlackTarget SlackTarget::decode(std::string_view reply_target) {
    SlackTarget target;
    const auto first = reply_target.find('/');
    const auto last = reply_target.rfind('/');
    if (first == std::string_view::npos || first == last) return target;
    const auto kind = reply_target.substr(0, first);
    for (const auto candidate :
         {Kind::url_verification, Kind::event, Kind::command, Kind::action}) {
        if (kind == kind_name(candidate)) target.kind = candidate;
    }
    if (target.kind == Kind::none) return target;
    target.channel = std::string{reply_target.substr(first + 1, last - first - 1)};
    target.thread_ts = std::string{reply_target.substr(last + 1)};
    return target;
}

SlackAdapter::SlackAdapter(SlackOptions options) : options_(std::move(options)) {
    if (!options_.clock) {
        options_.clock = [] {
            return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
        };
    }
}

std::vector<std::string_view> SlackAdapter::sub_paths() const {
    return {kEventsPath, kCommandsPath, kInteractivityPath};
}

std::string SlackAdapter::sign(std::string_view signing_secret, std::string_view timestamp,
                               std::string_view body) {
    return timestamped_signature(signing_secret, kVersion, timestamp, body);
}

bool SlackAdapter::verify(const Request& request) const {
    const auto timestamp = request.find(kTimestampHeader);
    const auto signature = request.find(kSignatureHeader);
    if (timestamp == request.end() || signature == request.end()) return false;
    return verify_timestamped_signature(options_.signing_secret, kVersion, timestamp->value(),
                                        signature->value(), request.body(), options_.clock(),
                                        options_.tolerance);
}

Parsed SlackAdapter::parse(const Request& request) const {
    const auto path = sub_path_of(request.target());
    if (path == kCommandsPath) return parse_command(request);
    if (path == kInteractivityPath) return parse_action(request);
    if (path == kEventsPath) return parse_event(request);
    Parsed parsed;
    parsed.error = "unknown Slack endpoint";
    return parsed;
}

Parsed SlackAdapter::parse_event(const Request& request) const {
    Parsed parsed;
    boost::system::error_code error;
    const json::value envelope = json::parse(request.body(), error);
    if (error || !envelope.is_object()) {
        parsed.error = "body is not a JSON object";
        return parsed;
    }
    const auto type = string_member(&envelope, "type");
    if (type == "url_verification") {
        parsed.kind = Parsed::Kind::acknowledge;
        parsed.reply_target = SlackTarget{
            SlackTarget::Kind::url_verification,
            string_member(&envelope, "challenge"),
            {}}.encode();
        return parsed;
    }
    if (type != "event_callback") {
        parsed.kind = Parsed::Kind::acknowledge;  // app_rate_limited and future envelope types
        return parsed;
    }
    const auto* event = member(&envelope, "event");
    const auto event_id = string_member(&envelope, "event_id");
    if (event == nullptr || !event->is_object() || event_id.empty()) {
        parsed.error = "event_callback without event or event_id";
        return parsed;
    }
    parsed.kind = Parsed::Kind::acknowledge;
    const auto event_type = string_member(event, "type");
    if (event_type != "message" && event_type != "app_mention") return parsed;
    // Edits, deletions, joins, bots (ourselves included) are not commands to us.
    if (member(event, "subtype") != nullptr || member(event, "bot_id") != nullptr) return parsed;
    const auto bot_user = bot_user_of(envelope, options_.bot_user_id);
    const auto user = string_member(event, "user");
    const auto channel = string_member(event, "channel");
    const auto* text = member(event, "text");
    if (user.empty() || channel.empty() || text == nullptr || !text->is_string()) return parsed;
    if (!bot_user.empty() && user == bot_user) return parsed;

    const std::string_view raw{text->get_string().data(), text->get_string().size()};
    const bool direct = string_member(event, "channel_type") == "im";
    std::string_view line = raw;
    if (event_type == "app_mention") {
        line = without_mention(raw, {}).value_or(raw);
    } else if (const auto rest = without_mention(raw, bot_user); rest && !bot_user.empty()) {
        // In a channel, a message addressed to the bot also arrives as app_mention: that one is
        // answered, this one would be a second answer to the same words.
        if (!direct) return parsed;
        line = *rest;
    }

    auto& message = parsed.message;
    message.platform = handlers::Platform::slack;
    message.event_key = event_id;
    message.team_id = string_member(&envelope, "team_id");
    message.chat_id = channel;
    message.direct = direct;
    message.sender.id = user;
    // Events carry only the user id; the name comes from users.info (cached) when configured,
    // asked in complete() unless the cache knows it already.
    message.sender.display_name = user;
    if (auto known = options_.known_user_name ? options_.known_user_name(user) : std::nullopt) {
        if (!known->empty()) message.sender.display_name = std::move(*known);
    } else {
        parsed.incomplete = static_cast<bool>(options_.user_name);
    }
    message.text = text_of(line);
    message.source_message_id = string_member(event, "ts");
    message.received_at = seconds_member(&envelope, "event_time");
    parsed.kind = Parsed::Kind::message;
    parsed.reply_target =
        SlackTarget{SlackTarget::Kind::event, channel, string_member(event, "thread_ts")}.encode();
    return parsed;
}

void SlackAdapter::complete(Parsed& parsed) const {
    if (!parsed.incomplete || !options_.user_name) return;
    auto& sender = parsed.message.sender;
    if (auto name = options_.user_name(sender.id); !name.empty()) sender.display_name = name;
    parsed.incomplete = false;
}

Parsed SlackAdapter::parse_command(const Request& request) const {
    Parsed parsed;
    const auto fields = parse_form(request.body());
    if (!fields) {
        parsed.error = "body is not application/x-www-form-urlencoded";
        return parsed;
    }
    const auto command = form_field(*fields, "command");
    const auto channel = form_field(*fields, "channel_id");
    const auto user = form_field(*fields, "user_id");
    if (!command.starts_with('/') || channel.empty() || user.empty()) {
        parsed.error = "slash command without command, channel_id or user_id";
        return parsed;
    }
    const auto text = text_of(form_field(*fields, "text"));
    std::string line;
    if (command == options_.slash_command) {
        // "/inmaek meet …" → "/meet …"; "/inmaek" alone asks for help.
        line = text.empty() ? "/help" : (text.starts_with('/') ? text : "/" + text);
    } else {
        line = text.empty() ? command : command + " " + text;
    }
    auto& message = parsed.message;
    message.platform = handlers::Platform::slack;
    // Slash commands are not redelivered; the trigger id is unique per invocation.
    if (const auto trigger = form_field(*fields, "trigger_id"); !trigger.empty()) {
        message.event_key = "command:" + trigger;
    }
    message.team_id = form_field(*fields, "team_id");
    message.chat_id = channel;
    const auto channel_name = form_field(*fields, "channel_name");
    message.direct = channel_name == "directmessage";
    if (!message.direct) message.chat_title = handlers::text::nfc(channel_name);
    message.sender.id = user;
    message.sender.handle = form_field(*fields, "user_name");
    message.sender.display_name = handlers::text::nfc(message.sender.handle);
    if (message.sender.display_name.empty()) message.sender.display_name = user;
    message.text = handlers::text::nfc(line);
    message.received_at = options_.clock();
    parsed.kind = Parsed::Kind::message;
    parsed.reply_target = SlackTarget{SlackTarget::Kind::command, channel, {}}.encode();
    return parsed;
}

Parsed SlackAdapter::parse_action(const Request& request) const {
    Parsed parsed;
    const auto fields = parse_form(request.body());
    if (!fields) {
        parsed.error = "body is not application/x-www-form-urlencoded";
        return parsed;
    }
    boost::system::error_code error;
    const json::value payload = json::parse(form_field(*fields, "payload"), error);
    if (error || !payload.is_object()) {
        parsed.error = "payload is not a JSON object";
        return parsed;
    }
    parsed.kind = Parsed::Kind::acknowledge;
    // view_submission, shortcuts, …: none of ours.
    if (string_member(&payload, "type") != "block_actions") return parsed;
    const auto* actions = member(&payload, "actions");
    if (actions == nullptr || !actions->is_array() || actions->get_array().empty()) return parsed;
    const auto value = string_member(&actions->get_array().front(), "value");
    const auto* user = member(&payload, "user");
    const auto user_id = string_member(user, "id");
    const auto channel = string_member(member(&payload, "channel"), "id");
    // Our buttons carry commands; a press outside a channel (the app home) has nowhere to go.
    if (!value.starts_with('/') || user_id.empty() || channel.empty()) return parsed;

    auto& message = parsed.message;
    message.platform = handlers::Platform::slack;
    if (const auto trigger = string_member(&payload, "trigger_id"); !trigger.empty()) {
        message.event_key = "action:" + trigger;
    }
    message.team_id = string_member(member(&payload, "team"), "id");
    if (message.team_id.empty()) message.team_id = string_member(user, "team_id");
    message.chat_id = channel;
    // The app's direct-message channels have ids starting with D (a reminder's /done button).
    message.direct = channel.starts_with('D');
    message.sender.id = user_id;
    message.sender.handle = string_member(user, "username");
    message.sender.display_name = handlers::text::nfc(string_member(user, "name"));
    if (message.sender.display_name.empty()) message.sender.display_name = user_id;
    message.text = handlers::text::nfc(value);
    message.received_at = options_.clock();
    parsed.kind = Parsed::Kind::message;
    const auto* container = member(&payload, "container");
    parsed.reply_target =
        SlackTarget{SlackTarget::Kind::action, channel, string_member(container, "thread_ts")}
            .encode();
    return parsed;
}

json::object SlackAdapter::message_object(const handlers::Reply& reply) {
    std::vector<json::object> head;
    if (!reply.title.empty()) {
        if (handlers::text::length(reply.title) <= kHeaderTextLimit) {
            head.push_back(json::object{
                {"type", "header"},
                {"text",
                 json::object{{"type", "plain_text"}, {"text", reply.title}, {"emoji", true}}}});
        } else {
            head.push_back(mrkdwn_section(
                "*" + escape_markup(handlers::text::ellipsize(reply.title, kSectionTextLimit / 5)) +
                "*"));
        }
    }
    auto body = sections_of(reply.lines);
    std::vector<json::object> tail;
    if (!reply.usage.empty()) {
        tail.push_back(mrkdwn_section(
            "`" + escape_markup(handlers::text::ellipsize(reply.usage, kSectionTextLimit / 5)) +
            "`"));
    }
    auto actions = actions_of(reply.buttons);
    // Within 50 blocks: the title, usage and buttons stay; the body gives way (its last kept
    // section says so).
    const auto fixed = head.size() + tail.size();
    if (fixed + actions.size() > kMaxBlocks) actions.resize(kMaxBlocks - fixed);
    const auto room = kMaxBlocks - fixed - actions.size();
    if (body.size() > room) {
        body.resize(room);
        if (!body.empty()) body.back() = "…";
    }

    json::array blocks;
    for (auto& block : head) blocks.push_back(std::move(block));
    for (auto& section : body) blocks.push_back(mrkdwn_section(std::move(section)));
    for (auto& block : tail) blocks.push_back(std::move(block));
    for (auto& block : actions) blocks.push_back(std::move(block));
    json::object message;
    message["text"] = handlers::text::ellipsize(reply.plain_text(), kFallbackTextLimit);
    message["blocks"] = std::move(blocks);
    return message;
}

Response SlackAdapter::render(const Parsed& /*parsed*/, const handlers::Reply& reply,
                              unsigned version, bool keep_alive) const {
    if (reply.empty()) return Adapter::acknowledge(version, keep_alive);
    auto answer = message_object(reply);
    // A stored change is news for the channel; errors, help and queries are for whoever asked.
    answer["response_type"] = reply.kind == handlers::Reply::Kind::ok ? "in_channel" : "ephemeral";
    return json_response(http::status::ok, json::serialize(answer), version, keep_alive);
}

bool SlackAdapter::replies_through_api(const Parsed& parsed) const {
    const auto kind = SlackTarget::decode(parsed.reply_target).kind;
    return kind == SlackTarget::Kind::event || kind == SlackTarget::Kind::action;
}

std::optional<Push> SlackAdapter::push(const Parsed& parsed, const handlers::Reply& reply) const {
    if (reply.empty() || !replies_through_api(parsed)) return std::nullopt;
    const auto target = SlackTarget::decode(parsed.reply_target);
    auto call = message_object(reply);
    call["channel"] = target.channel;
    if (!target.thread_ts.empty()) call["thread_ts"] = target.thread_ts;
    return Push{target.channel, json::serialize(call)};
}

std::optional<Push> SlackAdapter::push_file(const Parsed& parsed,
                                            const handlers::Reply& reply) const {
    const auto target = SlackTarget::decode(parsed.reply_target);
    if (!reply.attachment || target.channel.empty()) return std::nullopt;
    auto payload = file_fields(reply);
    payload["channel_id"] = target.channel;
    if (!target.thread_ts.empty()) payload["thread_ts"] = target.thread_ts;
    return Push{target.channel, json::serialize(payload)};
}

std::optional<Push> SlackAdapter::push_to(std::string_view destination,
                                          const handlers::Reply& reply) const {
    // Chats are stored as "<team>/<channel>"; chat.postMessage wants the channel.
    const auto channel = destination.substr(destination.find('/') + 1);
    if (reply.empty() || channel.empty()) return std::nullopt;
    auto call = message_object(reply);
    call["channel"] = channel;
    return Push{std::string{channel}, json::serialize(call)};
}

Response SlackAdapter::acknowledge(const Parsed& parsed, unsigned version, bool keep_alive) const {
    const auto target = SlackTarget::decode(parsed.reply_target);
    if (target.kind == SlackTarget::Kind::url_verification) {
        return json_response(http::status::ok, target.channel, version, keep_alive,
                             "text/plain; charset=utf-8");
    }
    return Adapter::acknowledge(version, keep_alive);
}

}  // namespace inmaek::bot::platforms
