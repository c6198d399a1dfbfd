#pragma once

#include <boost/json/array.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "bot/platforms/adapter.hpp"

namespace inmaek::bot::platforms {

struct LineOptions {
    std::string channel_secret;  ///< the channel's secret; empty = every request refused
};

/// LINE Messaging API webhooks on /hooks/line.
///
///   verify: x-line-signature = base64(HMAC-SHA256(channel secret, raw body)), compared in
///           constant time.
///   parse:  {"destination", "events": [...]}; an empty `events` (the console's "Verify") is
///           acknowledged. Events in `mode: standby` (another channel answers) and anything but
///           text messages and postbacks are acknowledged and ignored. A text message, or a
///           postback whose data is a command ("/done 7", from our buttons), becomes a message
///           keyed by webhookEventId (the same on a redelivery), in the chat of its source:
///           the group, the room or the user.
///           LINE batches events: the first is Parsed::message, the rest Parsed::more.
///   reply:  always through the API: a reply row for the outbox carrying the replyToken and the
///           chat (for a push when the token is spent), rendered by messages(); the webhook is
///           answered with an empty 200.
class LineAdapter final : public Adapter {
public:
    explicit LineAdapter(LineOptions options);
    [[nodiscard]] std::string_view name() const override { return "line"; }
    /// Never throws; false for a missing, malformed or forged signature.
    [[nodiscard]] bool verify(const Request& request) const override;
    [[nodiscard]] Parsed parse(const Request& request) const override;
    /// Never used (replies go through the API); an empty 200.
    [[nodiscard]] Response render(const Parsed& parsed, const handlers::Reply& reply,
                                  unsigned version, bool keep_alive) const override;
    /// {"replyToken", "to", "messages"} for LineClient: a reply, or a push to `to` once the
    /// token is refused.
    [[nodiscard]] std::optional<Push> push(const Parsed& parsed,
                                           const handlers::Reply& reply) const override;
    /// {"to", "messages"}: `destination` is the group, room or user id.
    [[nodiscard]] std::optional<Push> push_to(std::string_view destination,
                                              const handlers::Reply& reply) const override;
    [[nodiscard]] bool replies_through_api(const Parsed& /*parsed*/) const override { return true; }
    /// One text message holds 5,000 characters (an emoji counts two): parts stay well below.
    [[nodiscard]] std::size_t push_chars() const override { return 4000; }
    /// A push to the user id reaches a person who added the account as a friend, which talking
    /// to the bot in a private chat proves.
    [[nodiscard]] std::optional<std::string> direct_chat(std::string_view platform_user_id,
                                                         bool known_chat) const override {
        if (!known_chat || platform_user_id.empty()) return std::nullopt;
        return std::string{platform_user_id};
    }

    /// The x-line-signature value for a body (tests and client scripts).
    static std::string sign(std::string_view channel_secret, std::string_view body);

    /// A reply as LINE message objects within LINE's limits (at most 5 messages): a card (a
    /// title with a few lines) as a Flex bubble with an altText and postback buttons; anything
    /// else as text messages of at most 5000 UTF-16 units split at line ends, the buttons as
    /// quick replies (≤ 13) on the last one. Buttons post back their command.
    static boost::json::array messages(const handlers::Reply& reply);

private:
    LineOptions options_;
};

}  // namespace inmaek::bot::platforms
