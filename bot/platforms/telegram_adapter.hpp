#pragma once

#include <string>

#include "bot/platforms/adapter.hpp"

namespace inmaek::bot::platforms {

struct TelegramOptions {
    std::string secret_token;           ///< X-Telegram-Bot-Api-Secret-Token; empty = not checked
    bool allow_missing_secret = false;  ///< test emulators that cannot send the header
};

/// Telegram Bot API webhooks: Update in, sendMessage carried in the webhook response.
class TelegramAdapter final : public Adapter {
public:
    explicit TelegramAdapter(TelegramOptions options);
    [[nodiscard]] std::string_view name() const override { return "telegram"; }
    [[nodiscard]] bool verify(const Request& request) const override;
    [[nodiscard]] Parsed parse(const Request& request) const override;
    [[nodiscard]] Response render(const Parsed& parsed, const handlers::Reply& reply,
                                  unsigned version, bool keep_alive) const override;

    /// The reply as Telegram HTML (escaped, title bold, usage as code), within 4096 characters.
    static std::string to_html(const handlers::Reply& reply);

private:
    TelegramOptions options_;
};

}  // namespace inmaek::bot::platforms
