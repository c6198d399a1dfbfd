#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace inmaek::handlers {

/// The messengers (and local surfaces: the console, the REST API) a change can come from.
enum class Platform { console, generic, telegram, slack, kakao, line, discord, api };

/// Stable lower-case name used in storage and logs ("telegram").
std::string_view to_string(Platform platform);

/// The person who wrote a message, as the platform identifies them.
struct Sender {
    std::string id;            ///< platform user id, unique within the platform
    std::string display_name;  ///< "Minji Kim"
    std::string handle;        ///< @username where the platform has one, without '@'
    std::string locale;        ///< platform language code ("ko", "en-US"), may be empty
};

/// A normalised incoming chat message, free of any platform or transport detail.
struct Message {
    Platform platform = Platform::console;
    std::string event_key;   ///< dedupe key unique per platform; empty = never deduplicated
    std::string team_id;     ///< platform workspace scope (Slack team, bot id); may be empty
    std::string chat_id;     ///< conversation the message was written in
    std::string chat_title;  ///< human name of the chat, for a workspace created from it
    Sender sender;
    std::string text;                        ///< NFC-normalised by the adapter
    std::chrono::sys_seconds received_at{};  ///< when the platform says it was written
    std::string source_message_id;           ///< platform message id, for replies and audit
    bool direct = false;  ///< a one-to-one chat with the bot: ordinary text gets a hint
};

/// The chat as stored in `chats.platform_chat_id`: "<team>/<chat>" where the platform has teams,
/// else the chat id. Pushes to the chat (summaries, reminders) are addressed with it.
std::string chat_key(const Message& message);

}  // namespace inmaek::handlers
