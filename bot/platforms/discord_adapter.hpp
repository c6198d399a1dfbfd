#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "bot/platforms/adapter.hpp"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY, kept out of this header

namespace inmaek::handlers {
class Router;
}

namespace inmaek::bot::platforms {

struct DiscordOptions {
    std::string public_key;  ///< the application's public key (developer portal): 64 hex digits
    /// Requests whose X-Signature-Timestamp is further than this from the clock, either way, are
    /// refused; nullopt = no window (Discord documents none; replayed requests are then only
    /// caught by the interaction id).
    std::optional<std::chrono::seconds> max_timestamp_age = std::chrono::seconds{300};
    std::function<std::chrono::sys_seconds()> clock;  ///< defaults to the system clock
    bool ephemeral_errors = true;  ///< error replies only visible to whoever asked (flags 64)
    /// True for a command line whose answer may outlast Discord's 3 s (handlers::Router::is_slow):
    /// such a slash command is answered {"type":5} ("thinking…") at once and its reply edits
    /// that answer later, from the outbox. Unset: every command is answered in the response.
    std::function<bool(std::string_view text)> deferred;
};

/// The outbox destination of a deferred slash command's reply: "interaction:<interaction id>"
/// (and of a follow-up of that interaction: push_instead_of_file()).
inline constexpr std::string_view kDiscordInteractionPrefix = "interaction:";

/// What the renderer needs to know about an interaction, carried in Parsed::reply_target as
/// "type/application_id/token" (the token lets a later follow-up edit the answer; never log it).
struct DiscordInteraction {
    enum Type : int {
        ping = 1,
        application_command = 2,
        message_component = 3,
        autocomplete = 4,
        modal_submit = 5,
    };
    int type = 0;
    std::string application_id;
    std::string token;

    [[nodiscard]] std::string encode() const;
    /// The interaction of a reply_target written by encode(); type 0 for anything else.
    static DiscordInteraction decode(std::string_view reply_target);
};

/// Discord HTTP interactions (slash commands and buttons; no gateway, so no ordinary messages).
///
///   verify: Ed25519(public key, X-Signature-Timestamp bytes + raw body) = X-Signature-Ed25519.
///   parse:  PING → acknowledge (answered {"type":1});
///           APPLICATION_COMMAND → the chat-language line built from the command and its options;
///           MESSAGE_COMPONENT whose custom_id is a command ("/done 7") → that command;
///           other interactions → acknowledge; malformed → bad_request.
///   render: {"type":4,"data":{content | embed, buttons, "allowed_mentions":{"parse":[]}}}.
///
/// Options become words of the command line, whatever the command (names compared as written):
///   sub-commands and groups → their name;  text, args, query, when, date, day, time, name,
///   id, assignee → the value as it is;  company, companies → "@Name" each (comma-separated values,
///   quoted when they hold spaces);  with → "with a, b";  at, place → "at Place";
///   notes → ": notes" at the end;  a true boolean → its name, false → nothing;
///   a user → "@username";  anything else → "name:value" (quoted when it holds spaces).
///   Order: positional words, mentions, with, at, name:value, notes; within each as sent.
///   So /meet date:2025-02-04 companies:Kakao notes:x → "/meet 2025-02-04 @Kakao : x".
class DiscordAdapter final : public Adapter {
public:
    /// Throws std::invalid_argument when the public key is not 32 bytes of hex.
    explicit DiscordAdapter(DiscordOptions options);
    ~DiscordAdapter() override;
    DiscordAdapter(DiscordAdapter&&) noexcept;
    DiscordAdapter& operator=(DiscordAdapter&&) noexcept;
    DiscordAdapter(const DiscordAdapter&) = delete;
    DiscordAdapter& operator=(const DiscordAdapter&) = delete;

    [[nodiscard]] std::string_view name() const override { return "discord"; }
    /// Never throws; false for any missing, malformed, stale or forged part.
    [[nodiscard]] bool verify(const Request& request) const override;
    [[nodiscard]] Parsed parse(const Request& request) const override;
    [[nodiscard]] Response render(const Parsed& parsed, const handlers::Reply& reply,
                                  unsigned version, bool keep_alive) const override;
    /// Without the Parsed the interaction is unknown; the one Discord sends that needs no reply
    /// is PING, so this answers {"type":1}. Prefer the overload below.
    [[nodiscard]] Response acknowledge(unsigned version, bool keep_alive) const override;
    /// The answer to an interaction that gets no reply, by its type: PING {"type":1},
    /// autocomplete {"type":8,"data":{"choices":[]}}, a deferred slash command {"type":5},
    /// everything else {"type":6}.
    [[nodiscard]] Response acknowledge(const Parsed& parsed, unsigned version,
                                       bool keep_alive) const override;
    /// True for a slash command of a slow command (DiscordOptions::deferred).
    [[nodiscard]] bool replies_through_api(const Parsed& parsed) const override;
    /// The reply to a deferred slash command: an edit of the original response, destination
    /// "interaction:<id>", payload {"application_id","token","message"} (DiscordClient).
    [[nodiscard]] std::optional<Push> push(const Parsed& parsed,
                                           const handlers::Reply& reply) const override;
    /// Room left for markup within an embed's 4,096-character description and 6,000 in all,
    /// markdown escapes included.
    [[nodiscard]] std::size_t push_chars() const override { return 3500; }
    /// A channel message: destination "guild/channel" (the chat key) or "channel".
    /// The file as a follow-up of the interaction (POST /webhooks/{application_id}/{token},
    /// within the token's 15 minutes): {"channel_id", "application_id", "token"} with
    /// file_fields(); destination the channel.
    [[nodiscard]] std::optional<Push> push_file(const Parsed& parsed,
                                                const handlers::Reply& reply) const override;
    /// A file of an interaction is replaced by a follow-up of the same interaction, which needs
    /// no bot token: {"application_id", "token", "follow_up": true, "message"} to
    /// "interaction:<interaction id>", the destination of the command's deferred answer. Any
    /// other goes to the channel (push_to()).
    [[nodiscard]] std::optional<Push> push_instead_of_file(
        std::string_view destination, std::string_view file_payload,
        const handlers::Reply& reply) const override;
    [[nodiscard]] std::optional<Push> push_to(std::string_view destination,
                                              const handlers::Reply& reply) const override;

    /// The message object of a reply: the `data` of a type 4 answer, and equally the body of a
    /// follow-up (POST/PATCH /webhooks/{application_id}/{token}) or a channel message.
    [[nodiscard]] static std::string message_json(const handlers::Reply& reply, bool ephemeral);

private:
    struct KeyDeleter {
        void operator()(evp_pkey_st* key) const;
    };
    DiscordOptions options_;
    std::unique_ptr<evp_pkey_st, KeyDeleter> public_key_;
};

/// The body of PUT /applications/{id}/commands: one slash command per router command (English
/// name, English summary, Korean description), each with an optional free-text option `text`
/// for the rest of the command line. Throws std::logic_error for a name Discord would refuse.
std::string discord_application_commands(const handlers::Router& router);

/// True when Discord accepts the name of a command or option: 1–32 of [-_a-z0-9].
bool is_valid_discord_command_name(std::string_view name);

}  // namespace inmaek::bot::platforms
