#pragma once

#include <boost/json/object.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "bot/platforms/adapter.hpp"

namespace inmaek::bot::platforms {

struct SlackOptions {
    std::string signing_secret;  ///< the app's signing secret; empty = every request refused
    /// Our bot's user id (U…): its own messages are ignored. When empty, the bot user named in
    /// an event's `authorizations` is taken.
    std::string bot_user_id;
    /// The app's umbrella slash command: "/inmaek meet …" is "/meet …".
    std::string slash_command = "/inmaek";
    /// The display name of a user id (SlackUsers: users.info, cached); unset: the id itself.
    /// Events carry only ids; commands and button presses bring the user name along. It may
    /// wait on the network, so it is called from complete(), on a worker.
    std::function<std::string(std::string_view user_id)> user_name;
    /// The name known without asking (SlackUsers' cache), or nullopt; parse() uses it.
    std::function<std::optional<std::string>(std::string_view user_id)> known_user_name;
    std::chrono::seconds tolerance{300};              ///< timestamp window, either way
    std::function<std::chrono::sys_seconds()> clock;  ///< defaults to the system clock
};

/// Where a Slack request came from and how its reply travels, carried in Parsed::reply_target
/// as "<kind>/<channel or challenge>/<thread_ts>".
struct SlackTarget {
    enum class Kind { none, url_verification, event, command, action };
    Kind kind = Kind::none;
    std::string channel;    ///< url_verification: the challenge to echo
    std::string thread_ts;  ///< the thread a message was written in; empty outside threads

    [[nodiscard]] std::string encode() const;
    static SlackTarget decode(std::string_view reply_target);
};

/// Slack: the Events API, slash commands and interactivity, on three paths.
///
///   verify: X-Slack-Signature = "v0=" + hex(HMAC-SHA256(signing secret,
///           "v0:" + X-Slack-Request-Timestamp + ":" + raw body)), timestamp within ±300 s.
///   /hooks/slack/events (JSON):
///           url_verification → 200 with the challenge; event_callback of `message` (not from a
///           bot, no subtype) or `app_mention` (the leading mention removed) → a message keyed
///           by event_id, answered with an empty 200 and a chat.postMessage push.
///   /hooks/slack/commands (form): "/inmaek meet …" and "/meet …" → "/meet …", answered in the
///           response: {"response_type":"in_channel"} for a stored change, "ephemeral" else.
///   /hooks/slack/interactivity (form field `payload`, JSON): block_actions whose button value
///           is a command ("/done 7") → that command, answered by a chat.postMessage push.
class SlackAdapter final : public Adapter {
public:
    explicit SlackAdapter(SlackOptions options);
    [[nodiscard]] std::string_view name() const override { return "slack"; }
    [[nodiscard]] std::vector<std::string_view> sub_paths() const override;
    /// Never throws; false for any missing, malformed, stale or forged part.
    [[nodiscard]] bool verify(const Request& request) const override;
    [[nodiscard]] Parsed parse(const Request& request) const override;
    /// An event's sender whose name is not cached yet: asks users.info.
    void complete(Parsed& parsed) const override;
    /// A slash command's answer: {"response_type", "text", "blocks"}.
    [[nodiscard]] Response render(const Parsed& parsed, const handlers::Reply& reply,
                                  unsigned version, bool keep_alive) const override;
    /// Events and button presses: a chat.postMessage call to the channel.
    [[nodiscard]] std::optional<Push> push(const Parsed& parsed,
                                           const handlers::Reply& reply) const override;
    /// chat.postMessage to a user id posts in the app's direct messages with them.
    [[nodiscard]] std::optional<std::string> direct_chat(std::string_view platform_user_id,
                                                         bool /*known_chat*/) const override {
        return std::string{platform_user_id};
    }
    /// Room left for markup within sections of 3,000 characters, 50 blocks; a few sections read
    /// well.
    [[nodiscard]] std::size_t push_chars() const override { return 12000; }
    /// `destination` is the chat key "<team>/<channel>" (or a bare channel id).
    /// The upload's destination: {"channel_id", "thread_ts"} with file_fields().
    [[nodiscard]] std::optional<Push> push_file(const Parsed& parsed,
                                                const handlers::Reply& reply) const override;
    [[nodiscard]] std::optional<Push> push_to(std::string_view destination,
                                              const handlers::Reply& reply) const override;
    /// True for events and button presses, false for slash commands.
    [[nodiscard]] bool replies_through_api(const Parsed& parsed) const override;
    using Adapter::acknowledge;
    /// url_verification: the challenge as plain text; anything else an empty 200.
    [[nodiscard]] Response acknowledge(const Parsed& parsed, unsigned version,
                                       bool keep_alive) const override;

    /// The X-Slack-Signature value for a body (tests and client scripts).
    static std::string sign(std::string_view signing_secret, std::string_view timestamp,
                            std::string_view body);

    /// The message of a reply in Block Kit within Slack's limits: {"text": plain fallback,
    /// "blocks": [header or bold section, sections of lines (≤ 3000 characters each), usage,
    /// actions (≤ 25 buttons each)]}, at most 50 blocks. mrkdwn text is escaped (& < >).
    static boost::json::object message_object(const handlers::Reply& reply);

private:
    Parsed parse_event(const Request& request) const;
    Parsed parse_command(const Request& request) const;
    Parsed parse_action(const Request& request) const;

    SlackOptions options_;
};

}  // namespace inmaek::bot::platforms
