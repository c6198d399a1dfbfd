#pragma once

#include <boost/json/object.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "bot/platforms/adapter.hpp"

namespace inmaek::bot::platforms {

struct KakaoOptions {
    /// The secret path segment of both webhook URLs; empty = every request refused. Kakao signs
    /// nothing, so knowing the URL is the credential.
    std::string skill_secret;
    /// Origins ("http://127.0.0.1:8123") besides https://*.kakao.com that a skill request's
    /// callbackUrl may point at (the configured API bases, so tests can stand in for Kakao).
    /// Any other callbackUrl is ignored and the request answered inline.
    std::vector<std::string> callback_origins;
    /// The Open Builder event a push triggers (Event API "event.name"); that block shows the
    /// event's `text` parameter.
    std::string event_name = "inmaek_push";
    /// True when a word is a command of the chat language: Kakao users type "회의 …" without the
    /// slash, so a first word that is a command gets one. Unset: only "/…" is a command.
    std::function<bool(std::string_view word)> is_command;
    /// A skill request that repeats one seen this long ago (same bot, user, chat, block and
    /// utterance) is the same request: Kakao gives no event id.
    std::chrono::seconds dedupe_window{10};
    std::function<std::chrono::sys_seconds()> clock;  ///< defaults to the system clock
};

/// Where a Kakao request came from and how its reply travels, carried in Parsed::reply_target
/// as JSON (the callback token and URL are credentials: never logged).
struct KakaoTarget {
    enum class Kind { none, skill, bot };
    Kind kind = Kind::none;
    bool group = false;          ///< a group chat: no quick replies there
    std::string callback_url;    ///< skill: the one-time callbackUrl we answer through
    std::string callback_token;  ///< bot: d.callbackToken for POST /v1/bot/callback

    [[nodiscard]] std::string encode() const;
    static KakaoTarget decode(std::string_view reply_target);
};

/// KakaoTalk, on two paths that end in the secret segment:
///
///   /hooks/kakao/{skill_secret}: a Kakao i Open Builder skill request (userRequest.utterance,
///       user keys, action.params, the group chat's botGroupKey). Answered with a SkillResponse
///       {"version":"2.0"} in the response (Kakao waits 5 s at most); when the request carries a
///       callbackUrl (a block with Callback enabled) the answer is {"useCallback":true} right
///       after the commit and the SkillResponse goes to the callbackUrl once, from the outbox.
///       Kakao gives no event id: the key is a hash of bot, user, chat, block and utterance,
///       reused for dedupe_window, so a redelivery is answered with the first reply, inline.
///   /hooks/kakao/bot/{skill_secret}: the Kakao Talk Bot API webhook ({"t":"MESSAGE_CREATE",
///       "d":{…}}), keyed by d.id (an integer above 2^53, kept exact as text), acknowledged
///       with an empty 200 and answered through POST /v1/bot/callback from the outbox.
///
/// Chat keys (chats.platform_chat_id, for pushes): "<bot id>/<botUserKey>" (1:1 skill, Event
/// API), "<bot id>/group:<botGroupKey>" (group skill, group Event API), "bot/room:<botGroupKey>"
/// and "bot/user:<botUserKey>" (Bot API, send_message).
class KakaoAdapter final : public Adapter {
public:
    explicit KakaoAdapter(KakaoOptions options);
    [[nodiscard]] std::string_view name() const override { return "kakao"; }
    /// The secret segment as a placeholder: any one segment is served, verify() checks it.
    [[nodiscard]] std::vector<std::string_view> sub_paths() const override;
    /// The path's last segment equals the skill secret (constant time); never throws.
    [[nodiscard]] bool verify(const Request& request) const override;
    [[nodiscard]] Parsed parse(const Request& request) const override;
    /// A skill's SkillResponse; the Bot API's empty 200.
    [[nodiscard]] Response render(const Parsed& parsed, const handlers::Reply& reply,
                                  unsigned version, bool keep_alive) const override;
    /// The SkillResponse to the callbackUrl, or the Bot API callback.
    [[nodiscard]] std::optional<Push> push(const Parsed& parsed,
                                           const handlers::Reply& reply) const override;
    /// Event API (skill chats) or send_message (Bot API chats), by the chat key.
    [[nodiscard]] std::optional<Push> push_to(std::string_view destination,
                                              const handlers::Reply& reply) const override;
    /// A simpleText holds 1,000 characters.
    [[nodiscard]] std::size_t push_chars() const override { return 990; }
    /// Bot API messages, and skill requests that brought a usable callbackUrl.
    [[nodiscard]] bool replies_through_api(const Parsed& parsed) const override;
    /// A repeated skill request gets the first reply in its response: its own callbackUrl is
    /// never used, since nothing is pushed for a replay.
    [[nodiscard]] bool answers_replays_inline(const Parsed& parsed) const override;
    using Adapter::acknowledge;
    /// Skill with callback: {"version":"2.0","useCallback":true,…}; skill without: a SkillResponse
    /// pointing to /help; Bot API: an empty 200.
    [[nodiscard]] Response acknowledge(const Parsed& parsed, unsigned version,
                                       bool keep_alive) const override;

    /// The reply as a SkillResponse within Kakao's limits: {"version":"2.0","template":
    /// {"outputs":[1–3 of simpleText (≤ 1000 characters) / basicCard / listCard],
    /// "quickReplies":[≤ 10, labels ≤ 14 characters]}}. Long text is split over up to three
    /// simpleTexts and the rest counted ("… and 12 more lines"); group chats get no quick replies.
    static boost::json::object skill_response(const handlers::Reply& reply, bool group);

private:
    Parsed parse_skill(const Request& request) const;
    Parsed parse_bot(const Request& request) const;
    /// The event key of a skill request with this content hash: the one given to the same hash
    /// within dedupe_window, else a new one.
    std::string dedupe_key(const std::string& content_hash, std::chrono::sys_seconds now) const;
    [[nodiscard]] bool callback_allowed(std::string_view url) const;
    [[nodiscard]] std::string command_text(std::string_view utterance) const;

    KakaoOptions options_;
    struct Seen {
        std::string key;
        std::chrono::sys_seconds at;
    };
    mutable std::mutex seen_mutex_;  // guards seen_: parse() runs on any io thread
    mutable std::unordered_map<std::string, Seen> seen_;
};

}  // namespace inmaek::bot::platforms
