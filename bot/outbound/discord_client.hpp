#pragma once

#include <string>

#include "bot/outbound/platform_client.hpp"

namespace inmaek::bot::outbound {

struct DiscordClientOptions {
    std::string bot_token;                             ///< "Bot <token>" authorises; never logged
    std::string api_base_url = "https://discord.com";  ///< tests point it at 127.0.0.1
};

/// Discord channel messages: a row's destination is the channel id and its payload the message
/// object (DiscordAdapter::message_json), POSTed to <base>/api/v10/channels/<id>/messages. A
/// destination "interaction:<id>" is the late reply to a deferred slash command instead: its
/// payload {"application_id","token","message"} becomes PATCH
/// <base>/api/v10/webhooks/<application_id>/<token>/messages/@original.
class DiscordClient final : public PlatformClient {
public:
    /// Throws std::invalid_argument when the base URL is not an http(s) URL.
    explicit DiscordClient(DiscordClientOptions options);
    [[nodiscard]] std::string_view platform() const override { return "discord"; }
    [[nodiscard]] boost::system::result<ClientRequest, std::string> request(
        const storage::OutboxMessage& message) const override;
    [[nodiscard]] Delivery interpret(const HttpResult& result) const override;
    /// Discord allows about 5 messages per 5 s in a channel and 50 requests/s per bot.
    [[nodiscard]] RateLimits limits() const override;
    /// A message with the file attached, multipart/form-data with payload_json and files[0]: a
    /// follow-up of the interaction (POST /webhooks/{application_id}/{token}, no bot token
    /// needed) when the row names one, else POST /channels/{id}/messages with the bot token.
    [[nodiscard]] Delivery send_file(const storage::OutboxMessage& message, const FileToSend& file,
                                     HttpClient& http) const override;

private:
    [[nodiscard]] boost::system::result<ClientRequest, std::string> edit_original(
        const storage::OutboxMessage& message) const;

    std::string token_;
    Url base_;
};

}  // namespace inmaek::bot::outbound
