#pragma once

#include <chrono>
#include <iosfwd>
#include <optional>
#include <string>

#include "handlers/conversation.hpp"
#include "storage/database.hpp"

namespace inmaek::bot {

/// Who is typing at the console.
struct ConsoleSpeaker {
    std::string name = "me";
    std::string locale;  ///< "ko" / "en"; empty = the workspace's language
};

struct ConsoleOptions {
    std::string workspace = "local";
    ConsoleSpeaker speaker;
    /// Fixed clock for scripts and the demo; nullopt = the real clock.
    std::optional<std::chrono::sys_seconds> now;
};

/// The local console: the chat language over the configured database, no messenger needed.
class Console {
public:
    /// Binds the console to the workspace (creating it when new).
    Console(storage::Database& database, const handlers::Conversation& conversation,
            ConsoleOptions options);

    /// Runs one message (which may span several lines) as `speaker`; returns the reply.
    handlers::Reply say(std::string_view text, const ConsoleSpeaker& speaker);
    handlers::Reply say(std::string_view text) { return say(text, options_.speaker); }

    /// Reads messages from `in` until EOF and prints each reply as plain text. A line starting
    /// with '/' begins a message; following lines that do not are part of it (block form).
    /// On a terminal a line is sent at once unless it opens a block (a /meet without @Company),
    /// which an empty line ends. Returns the process exit status.
    int run(std::istream& in, std::ostream& out, bool interactive);

    /// The reply as console text (buttons shown as [label: command]).
    static std::string render(const handlers::Reply& reply);

private:
    storage::Database& database_;
    const handlers::Conversation& conversation_;
    ConsoleOptions options_;
    std::int64_t sequence_ = 0;
};

}  // namespace inmaek::bot
