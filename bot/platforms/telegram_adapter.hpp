#pragma once

#include <string>

#include "bot/platforms/adapter.hpp"

namespace inmaek::bot::platforms {

struct TelegramOptions {
    std::string secret_token;           ///< X-Telegram-Bot-Api-Secret-Token; empty = not checked
    bool allow_missing_secret = false;  ///< test emulators that cannot send the header
    /// Replies through sendMessage calls from the outbox (the bot token is then needed) instead
    /// of in the webhook response.
    bool reply_through_api = false;
};

/// Telegram Bot API webhooks: Update in; the reply's sendMessage call carried in the webhook
/// response, or (reply_through_api) pushed through the outbox.
class TelegramAdapter final : public Adapter {
public:
    explicit TelegramAdapter(TelegramOptions options);
    [[nodiscard]] std::string_view name() const override { return "telegram"; }
    [[nodiscard]] bool verify(const Request& request) const override;
    [[nodiscard]] Parsed parse(const Request& request) const override;
    [[nodiscard]] Response render(const Parsed& parsed, const handlers::Reply& reply,
                                  unsigned version, bool keep_alive) const override;
    [[nodiscard]] std::optional<Push> push(const Parsed& parsed,
                                           const handlers::Reply& reply) const override;
    /// The user's private chat, whose id is theirs, once they have talked to the bot there: a bot
    /// cannot start a conversation (Telegram answers 403).
    [[nodiscard]] std::optional<std::string> direct_chat(std::string_view platform_user_id,
                                                         bool known_chat) const override {
        if (!known_chat) return std::nullopt;
        return std::string{platform_user_id};
    }
    /// Room left for markup within 4,096 characters a message, the HTML markup and escapes
    /// included.
    [[nodiscard]] std::size_t push_chars() const override { return 3500; }
    /// sendDocument's arguments: {"chat_id", "reply_to"} with file_fields().
    [[nodiscard]] std::optional<Push> push_file(const Parsed& parsed,
                                                const handlers::Reply& reply) const override;
    [[nodiscard]] std::optional<Push> push_to(std::string_view destination,
                                              const handlers::Reply& reply) const override;
    [[nodiscard]] bool replies_through_api(const Parsed& /*parsed*/) const override {
        return options_.reply_through_api;
    }

    /// The reply as Telegram HTML (escaped, title bold, usage as code), within 4096 characters.
    static std::string to_html(const handlers::Reply& reply);

private:
    /// The sendMessage call ({"method":"sendMessage","chat_id":…}) that carries the reply.
    static std::string send_message(const Parsed& parsed, const handlers::Reply& reply);

    TelegramOptions options_;
};

}  // namespace inmaek::bot::platforms
