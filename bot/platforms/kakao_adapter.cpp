#include "bot/platforms/kakao_adapter.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <sstream>
#include <utility>

#include <date/date.h>

#include "bot/http_client.hpp"
#include "bot/platforms/signature.hpp"
#include "bot/platforms/wire_format.hpp"
#include "handlers/text.hpp"

namespace inmaek::bot::platforms {

namespace {

namespace json = boost::json;

constexpr std::string_view kSecretPlaceholder = "{skill_secret}";
constexpr std::string_view kBotPath = "bot/{skill_secret}";
constexpr std::string_view kBotTeam = "bot";  // the team of Bot API chat keys
constexpr std::string_view kGroupPrefix = "group:";
constexpr std::string_view kRoomPrefix = "room:";
constexpr std::string_view kUserPrefix = "user:";

// SkillResponse limits (Kakao i Open Builder "응답 타입별 JSON 포맷"; see platforms.md §3.3).
constexpr std::size_t kMaxOutputs = 3;
constexpr std::size_t kSimpleTextLimit = 1000;
constexpr std::size_t kMaxQuickReplies = 10;
constexpr std::size_t kQuickReplyLabelLimit = 14;
constexpr std::size_t kCardTitleLimit = 50;
constexpr std::size_t kCardDescriptionLimit = 230;
constexpr std::size_t kListHeaderLimit = 15;
constexpr std::size_t kListItemTitleLimit = 35;
constexpr std::size_t kListMaxItems = 5;
// Room kept at the end of the last simpleText for "… and N more lines".
constexpr std::size_t kMoreNoteRoom = 40;
// Bounds the dedupe memory; expired entries go first.
constexpr std::size_t kMaxSeen = 10000;

/// The path's last segment.
std::string_view last_segment(std::string_view target) {
    target = target.substr(0, target.find('?'));
    const auto slash = target.rfind('/');
    return slash == std::string_view::npos ? target : target.substr(slash + 1);
}

/// True when the request came on /hooks/kakao/bot/<secret>.
bool is_bot_path(std::string_view target) {
    target = target.substr(0, target.find('?'));
    const auto slash = target.rfind('/');
    return slash != std::string_view::npos && target.substr(0, slash).ends_with("/kakao/bot");
}

/// An id Kakao sends as a JSON number above 2^53 (or as text), exactly, as decimal text; ""
/// for anything else (a fraction or a number too big for 64 bits would have lost digits).
std::string exact_id(const json::value* value) {
    if (value == nullptr) return {};
    if (value->is_int64()) return std::to_string(value->get_int64());
    if (value->is_uint64()) return std::to_string(value->get_uint64());
    if (value->is_string()) return std::string{value->get_string()};
    return {};
}

/// Kakao's "kr" (its examples) and "ko" as a locale the chat language knows.
std::string locale_of(std::string_view lang) {
    if (lang == "kr" || lang == "ko") return "ko";
    return std::string{lang};
}

std::chrono::sys_seconds instant_of(std::string_view text, std::chrono::sys_seconds fallback) {
    std::istringstream in{std::string{text}};
    date::sys_time<std::chrono::nanoseconds> at{};
    in >> date::parse("%FT%TZ", at);
    if (in.fail()) return fallback;
    return std::chrono::floor<std::chrono::seconds>(at);
}

/// "… and 12 more lines" in the reply's language.
std::string more_note(handlers::Lang lang, std::size_t more) {
    if (lang == handlers::Lang::ko) return "… 외 " + std::to_string(more) + "줄 더";
    return "… and " + std::to_string(more) + " more line" + (more == 1 ? "" : "s");
}

json::object simple_text(std::string text) {
    return json::object{{"simpleText", json::object{{"text", std::move(text)}}}};
}

/// The reply's lines packed into at most three simpleTexts of ≤ 1000 characters; what does not
/// fit is counted in a note at the end of the last.
json::array text_outputs(const handlers::Reply& reply) {
    std::vector<std::string> lines;
    if (!reply.title.empty()) lines.push_back(reply.title);
    lines.insert(lines.end(), reply.lines.begin(), reply.lines.end());
    if (!reply.usage.empty()) lines.push_back(reply.usage);
    std::vector<std::string> chunks(1);
    std::vector<std::size_t> lengths(1, 0);
    std::size_t used = 0;
    for (; used < lines.size(); ++used) {
        const auto line = handlers::text::ellipsize(lines[used], kSimpleTextLimit - kMoreNoteRoom);
        const auto length = handlers::text::length(line);
        const auto joined = lengths.back() + (chunks.back().empty() ? 0 : 1) + length;
        // The last simpleText keeps room for the note while lines remain after this one.
        const bool last_chunk = chunks.size() == kMaxOutputs;
        const auto limit = last_chunk && used + 1 < lines.size() ? kSimpleTextLimit - kMoreNoteRoom
                                                                 : kSimpleTextLimit;
        if (joined > limit) {
            if (last_chunk) break;
            chunks.emplace_back();
            lengths.push_back(0);
        }
        if (!chunks.back().empty()) {
            chunks.back() += '\n';
            ++lengths.back();
        }
        chunks.back() += line;
        lengths.back() += length;
    }
    if (used < lines.size()) {
        chunks.back() += '\n' + more_note(reply.lang, lines.size() - used);
    }
    json::array outputs;
    for (auto& chunk : chunks) {
        if (!chunk.empty()) outputs.push_back(simple_text(std::move(chunk)));
    }
    return outputs;
}

/// A confirmation ("✅ Meeting #42 · …" and a few lines) as a basicCard when it fits whole.
std::optional<json::object> basic_card(const handlers::Reply& reply) {
    if (reply.kind != handlers::Reply::Kind::ok || reply.title.empty() || !reply.usage.empty() ||
        handlers::text::length(reply.title) > kCardTitleLimit) {
        return std::nullopt;
    }
    std::string description;
    for (const auto& line : reply.lines) {
        if (!description.empty()) description += '\n';
        description += line;
    }
    if (handlers::text::length(description) > kCardDescriptionLimit) return std::nullopt;
    json::object card{{"title", reply.title}};
    if (!description.empty()) card["description"] = description;
    return json::object{{"basicCard", std::move(card)}};
}

/// A short list (a title of ≤ 15 characters, 2–5 lines of ≤ 35) as a listCard when it fits whole.
std::optional<json::object> list_card(const handlers::Reply& reply) {
    if (reply.kind != handlers::Reply::Kind::info || reply.title.empty() || !reply.usage.empty() ||
        reply.lines.size() < 2 || reply.lines.size() > kListMaxItems ||
        handlers::text::length(reply.title) > kListHeaderLimit) {
        return std::nullopt;
    }
    json::array items;
    for (const auto& line : reply.lines) {
        if (line.empty() || handlers::text::length(line) > kListItemTitleLimit) return std::nullopt;
        items.push_back(json::object{{"title", line}});
    }
    return json::object{{"listCard", json::object{{"header", json::object{{"title", reply.title}}},
                                                  {"items", std::move(items)}}}};
}

json::array quick_replies(const std::vector<handlers::Button>& buttons) {
    json::array replies;
    std::vector<std::string_view> used;
    for (const auto& button : buttons) {
        if (replies.size() == kMaxQuickReplies) break;
        if (button.command.empty() || handlers::text::length(button.command) > kSimpleTextLimit ||
            std::find(used.begin(), used.end(), button.command) != used.end()) {
            continue;
        }
        used.push_back(button.command);
        const auto& label = button.label.empty() ? button.command : button.label;
        // "message" sends messageText as the user's utterance: the command comes back to us.
        replies.push_back(
            json::object{{"label", handlers::text::ellipsize(label, kQuickReplyLabelLimit)},
                         {"action", "message"},
                         {"messageText", button.command}});
    }
    return replies;
}

/// The text of a push: Event API event data is plain text.
std::string push_text(const handlers::Reply& reply) {
    return handlers::text::ellipsize(reply.plain_text(), kSimpleTextLimit);
}

bool is_key_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' || c == '!' ||
           c == '.';
}

bool is_key(std::string_view key) {
    return !key.empty() && key.size() <= 256 && std::all_of(key.begin(), key.end(), is_key_char);
}

}  // namespace

std::string KakaoTarget::encode() const {
    json::object out;
    out["kind"] = kind == Kind::skill ? "skill" : (kind == Kind::bot ? "bot" : "none");
    if (group) out["group"] = true;
    if (!callback_url.empty()) out["callback_url"] = callback_url;
    if (!callback_token.empty()) out["callback_token"] = callback_token;
    return json::serialize(out);
}

KakaoTarget KakaoTarget::decode(std::string_view reply_target) {
    KakaoTarget target;
    boost::system::error_code error;
    const json::value in = json::parse(reply_target, error);
    if (error || !in.is_object()) return target;
    const auto kind = string_member(&in, "kind");
    if (kind == "skill") target.kind = Kind::skill;
    if (kind == "bot") target.kind = Kind::bot;
    const auto* group = member(&in, "group");
    target.group = group != nullptr && group->is_bool() && group->get_bool();
    target.callback_url = string_member(&in, "callback_url");
    target.callback_token = string_member(&in, "callback_token");
    return target;
}

KakaoAdapter::KakaoAdapter(KakaoOptions options) : options_(std::move(options)) {
    if (!options_.clock) {
        options_.clock = [] {
            return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
        };
    }
}

std::vector<std::string_view> KakaoAdapter::sub_paths() const {
    return {kSecretPlaceholder, kBotPath};
}

bool KakaoAdapter::verify(const Request& request) const {
    if (options_.skill_secret.empty()) return false;
    return secure_equals(last_segment(request.target()), options_.skill_secret);
}

Parsed KakaoAdapter::parse(const Request& request) const {
    return is_bot_path(request.target()) ? parse_bot(request) : parse_skill(request);
}

std::string KakaoAdapter::command_text(std::string_view utterance) const {
    auto text = handlers::text::nfc(handlers::text::trim(utterance));
    // An empty utterance (a button without text) asks what the bot can do.
    if (text.empty()) return "/help";
    if (text.starts_with('/') || !options_.is_command) return text;
    const auto word = std::string_view{text}.substr(0, text.find_first_of(" \t\r\n"));
    return options_.is_command(word) ? "/" + text : text;
}

bool KakaoAdapter::callback_allowed(std::string_view url) const {
    const auto parsed = parse_url(url);
    if (!parsed) return false;
    if (parsed->tls() && (parsed->host == "kakao.com" || parsed->host.ends_with(".kakao.com"))) {
        return true;
    }
    const auto origin = parsed->origin();
    return std::find(options_.callback_origins.begin(), options_.callback_origins.end(), origin) !=
           options_.callback_origins.end();
}

std::string KakaoAdapter::dedupe_key(const std::string& content_hash,
                                     std::chrono::sys_seconds now) const {
    const std::lock_guard lock{seen_mutex_};
    if (const auto found = seen_.find(content_hash);
        found != seen_.end() && now - found->second.at < options_.dedupe_window) {
        return found->second.key;
    }
    if (seen_.size() >= kMaxSeen) {
        std::erase_if(seen_, [&](const auto& entry) {
            return now - entry.second.at >= options_.dedupe_window;
        });
        if (seen_.size() >= kMaxSeen) seen_.clear();
    }
    // Another replica computes the same key within the same window-long bucket, so the
    // database's event key catches most repeats that reach a different process too.
    const auto bucket =
        now.time_since_epoch().count() / std::max<std::int64_t>(1, options_.dedupe_window.count());
    auto key = "skill:" + content_hash + ":" + std::to_string(bucket);
    seen_[content_hash] = Seen{key, now};
    return key;
}

Parsed KakaoAdapter::parse_skill(const Request& request) const {
    Parsed parsed;
    boost::system::error_code error;
    const json::value body = json::parse(request.body(), error);
    if (error || !body.is_object()) {
        parsed.error = "body is not a JSON object";
        return parsed;
    }
    const auto* user_request = member(&body, "userRequest");
    const auto* user = member(user_request, "user");
    const auto* utterance = member(user_request, "utterance");
    const auto user_id = string_member(user, "id");
    if (utterance == nullptr || !utterance->is_string() || user_id.empty()) {
        parsed.error = "skill request without userRequest.utterance or userRequest.user.id";
        return parsed;
    }
    const auto bot_id = string_member(member(&body, "bot"), "id");
    const auto* properties = member(user, "properties");
    const auto* chat = member(user_request, "chat");
    auto group_key = string_member(member(chat, "properties"), "botGroupKey");
    if (group_key.empty()) group_key = string_member(chat, "id");
    const bool group = !group_key.empty();
    const auto* action = member(&body, "action");

    // A button or block parameter named "command" (our own blocks) stands for what was typed.
    std::string said{utterance->get_string()};
    for (const auto* source : {member(action, "clientExtra"), member(action, "params")}) {
        if (const auto command = string_member(source, "command"); command.starts_with('/')) {
            said = command;
            break;
        }
    }

    auto& message = parsed.message;
    message.platform = handlers::Platform::kakao;
    message.team_id = bot_id;
    // 1:1 chats are the user's; a group chat is its room.
    message.chat_id = group ? std::string{kGroupPrefix} + group_key : user_id;
    // Kakao calls the skill only for what is said to the bot, so every request is for us.
    message.direct = true;
    message.sender.id = string_member(properties, "botUserKey");
    if (message.sender.id.empty()) message.sender.id = user_id;
    // Kakao sends no names (only the profile plugin would); the channel key is the
    // shortest stable handle there is.
    message.sender.handle = string_member(properties, "plusfriendUserKey");
    message.sender.display_name =
        message.sender.handle.empty() ? message.sender.id.substr(0, 8) : message.sender.handle;
    message.sender.locale = locale_of(string_member(user_request, "lang"));
    message.text = command_text(said);
    message.received_at = options_.clock();

    const auto block_id = string_member(member(user_request, "block"), "id");
    const auto* params = member(action, "params");
    const auto content = bot_id + '\0' + user_id + '\0' + group_key + '\0' + block_id + '\0' +
                         message.text + '\0' + (params == nullptr ? "" : json::serialize(*params));
    message.event_key = dedupe_key(to_hex(hmac_sha256("inmaek kakao skill", content)).substr(0, 32),
                                   message.received_at);

    KakaoTarget target{KakaoTarget::Kind::skill, group, {}, {}};
    if (auto callback = string_member(user_request, "callbackUrl");
        !callback.empty() && callback_allowed(callback)) {
        target.callback_url = std::move(callback);
    }
    parsed.kind = Parsed::Kind::message;
    parsed.reply_target = target.encode();
    return parsed;
}

Parsed KakaoAdapter::parse_bot(const Request& request) const {
    Parsed parsed;
    boost::system::error_code error;
    const json::value body = json::parse(request.body(), error);
    if (error || !body.is_object()) {
        parsed.error = "body is not a JSON object";
        return parsed;
    }
    parsed.kind = Parsed::Kind::acknowledge;
    // ENTRANCE, CHAT_JOIN, LEAVE, AD_REWARD: nothing to answer.
    if (string_member(&body, "t") != "MESSAGE_CREATE") return parsed;
    const auto* data = member(&body, "d");
    const auto id = exact_id(member(data, "id"));
    const auto* content = member(data, "content");
    const auto group_key = string_member(data, "botGroupKey");
    const auto user_key = string_member(data, "botUserKey");
    const auto* channel_room = member(data, "isChannelChatroom");
    const bool channel =
        channel_room != nullptr && channel_room->is_bool() && channel_room->get_bool();
    if (id.empty() || content == nullptr || !content->is_string() || user_key.empty() ||
        (!channel && group_key.empty())) {
        parsed.kind = Parsed::Kind::bad_request;
        parsed.error = "MESSAGE_CREATE without an integer d.id, d.content, d.botUserKey or a chat";
        return parsed;
    }
    auto& message = parsed.message;
    message.platform = handlers::Platform::kakao;
    message.event_key = "bot:" + id;
    message.team_id = kBotTeam;
    message.chat_id =
        channel ? std::string{kUserPrefix} + user_key : std::string{kRoomPrefix} + group_key;
    // A channel chat room is one person and the bot; a group room is everyone's conversation.
    message.direct = channel;
    message.sender.id = user_key;
    message.sender.display_name = user_key.substr(0, 8);
    message.text = handlers::text::nfc(handlers::text::trim(content->get_string()));
    message.source_message_id = id;
    message.received_at = instant_of(string_member(data, "timestamp"), options_.clock());
    parsed.kind = Parsed::Kind::message;
    parsed.reply_target =
        KakaoTarget{KakaoTarget::Kind::bot, !channel, {}, string_member(data, "callbackToken")}
            .encode();
    return parsed;
}

json::object KakaoAdapter::skill_response(const handlers::Reply& reply, bool group) {
    json::array outputs;
    if (auto card = basic_card(reply)) {
        outputs.push_back(std::move(*card));
    } else if (auto list = list_card(reply)) {
        outputs.push_back(std::move(*list));
    } else {
        outputs = text_outputs(reply);
    }
    // An empty reply still needs one output: Kakao refuses a template without any.
    if (outputs.empty()) outputs.push_back(simple_text("/help"));
    json::object templ{{"outputs", std::move(outputs)}};
    if (!group) {
        if (auto replies = quick_replies(reply.buttons); !replies.empty()) {
            templ["quickReplies"] = std::move(replies);
        }
    }
    return json::object{{"version", "2.0"}, {"template", std::move(templ)}};
}

Response KakaoAdapter::render(const Parsed& parsed, const handlers::Reply& reply, unsigned version,
                              bool keep_alive) const {
    const auto target = KakaoTarget::decode(parsed.reply_target);
    if (target.kind != KakaoTarget::Kind::skill) return Adapter::acknowledge(version, keep_alive);
    return json_response(http::status::ok, json::serialize(skill_response(reply, target.group)),
                         version, keep_alive);
}

bool KakaoAdapter::replies_through_api(const Parsed& parsed) const {
    const auto target = KakaoTarget::decode(parsed.reply_target);
    return target.kind == KakaoTarget::Kind::bot || !target.callback_url.empty();
}

bool KakaoAdapter::answers_replays_inline(const Parsed& parsed) const {
    return KakaoTarget::decode(parsed.reply_target).kind == KakaoTarget::Kind::skill;
}

Response KakaoAdapter::acknowledge(const Parsed& parsed, unsigned version, bool keep_alive) const {
    const auto target = KakaoTarget::decode(parsed.reply_target);
    if (target.kind != KakaoTarget::Kind::skill) return Adapter::acknowledge(version, keep_alive);
    if (target.callback_url.empty()) {
        // A skill must answer something, even to what the chat language ignores.
        return json_response(http::status::ok,
                             json::serialize(skill_response(handlers::Reply{}, target.group)),
                             version, keep_alive);
    }
    const auto waiting = parsed.message.sender.locale == "ko" ? "처리 중입니다…" : "Working on it…";
    const json::object answer{
        {"version", "2.0"}, {"useCallback", true}, {"data", json::object{{"text", waiting}}}};
    return json_response(http::status::ok, json::serialize(answer), version, keep_alive);
}

std::optional<Push> KakaoAdapter::push(const Parsed& parsed, const handlers::Reply& reply) const {
    const auto target = KakaoTarget::decode(parsed.reply_target);
    const auto& chat = parsed.message.chat_id;
    if (target.kind == KakaoTarget::Kind::skill && !target.callback_url.empty()) {
        const json::object call{{"kind", "callback"},
                                {"url", target.callback_url},
                                {"body", skill_response(reply, target.group)}};
        return Push{chat, json::serialize(call)};
    }
    if (target.kind == KakaoTarget::Kind::bot && !target.callback_token.empty() && !reply.empty()) {
        const json::object call{
            {"kind", "bot_callback"},
            {"callback_token", target.callback_token},
            {"body", json::object{{"skillResponse", skill_response(reply, target.group)}}}};
        return Push{chat, json::serialize(call)};
    }
    return std::nullopt;
}

std::optional<Push> KakaoAdapter::push_to(std::string_view destination,
                                          const handlers::Reply& reply) const {
    const auto slash = destination.find('/');
    if (reply.empty() || slash == std::string_view::npos) return std::nullopt;
    const auto team = destination.substr(0, slash);
    const auto chat = destination.substr(slash + 1);
    json::object call;
    if (team == kBotTeam) {
        // Bot API rooms: send_message with the bubble itself.
        json::object body{{"skillResponse", skill_response(reply, true)}};
        if (chat.starts_with(kRoomPrefix)) {
            body["botGroupKey"] = chat.substr(kRoomPrefix.size());
        } else if (chat.starts_with(kUserPrefix)) {
            body["botUserKey"] = chat.substr(kUserPrefix.size());
        } else {
            return std::nullopt;
        }
        call = json::object{{"kind", "bot_send"}, {"body", std::move(body)}};
    } else {
        // Skill chats: the Event API triggers the block named event_name, which shows the text.
        if (!is_key(team)) return std::nullopt;
        json::object event{{"name", options_.event_name},
                           {"data", json::object{{"text", push_text(reply)}}}};
        json::object body{{"event", std::move(event)}};
        if (chat.starts_with(kGroupPrefix)) {
            body["chat"] = json::array{
                json::object{{"id", chat.substr(kGroupPrefix.size())}, {"type", "botGroupKey"}}};
            call =
                json::object{{"kind", "group_event"}, {"bot_id", team}, {"body", std::move(body)}};
        } else {
            body["user"] = json::array{json::object{{"type", "botUserKey"}, {"id", chat}}};
            call = json::object{{"kind", "event"}, {"bot_id", team}, {"body", std::move(body)}};
        }
    }
    return Push{std::string{chat}, json::serialize(call)};
}

}  // namespace inmaek::bot::platforms
