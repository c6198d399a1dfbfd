#pragma once

#include <string>

#include "bot/outbound/platform_client.hpp"

namespace inmaek::bot::outbound {

struct TelegramClientOptions {
    std::string bot_token;                                  ///< from BotFather; never logged
    std::string api_base_url = "https://api.telegram.org";  ///< tests point it at 127.0.0.1
};

/// Telegram Bot API pushes. A row's payload is the method call as the adapter rendered it for
/// the webhook response ({"method":"sendMessage","chat_id":…}); it goes to
/// <base>/bot<token>/<method> with the other fields as the JSON body.
class TelegramClient final : public PlatformClient {
public:
    /// Throws std::invalid_argument when the base URL is not an http(s) URL.
    explicit TelegramClient(TelegramClientOptions options);
    [[nodiscard]] std::string_view platform() const override { return "telegram"; }
    [[nodiscard]] boost::system::result<ClientRequest, std::string> request(
        const storage::OutboxMessage& message) const override;
    [[nodiscard]] Delivery interpret(const HttpResult& result) const override;
    /// About one message a second per chat and 30 a second overall (Telegram's bot FAQ).
    [[nodiscard]] RateLimits limits() const override;
    /// sendDocument as multipart/form-data: chat_id, document (the file), caption and, when the
    /// row answers a message, reply_parameters.
    [[nodiscard]] Delivery send_file(const storage::OutboxMessage& message, const FileToSend& file,
                                     HttpClient& http) const override;

private:
    std::string token_;
    Url base_;
};

}  // namespace inmaek::bot::outbound
