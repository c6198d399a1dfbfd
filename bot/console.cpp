#include "bot/console.hpp"

#include <istream>
#include <ostream>

#include "handlers/router.hpp"
#include "handlers/text.hpp"

namespace inmaek::bot {

Console::Console(storage::Database& database, const handlers::Conversation& conversation,
                 ConsoleOptions options)
    : database_(database), conversation_(conversation), options_(std::move(options)) {
    const auto& policy = conversation_.policy();
    database_.transact([&](storage::UnitOfWork& work) {
        auto& workspaces = work.workspaces();
        if (workspaces.find_chat("console", options_.workspace)) return;
        auto workspace = workspaces.find_by_name(options_.workspace);
        if (!workspace) {
            storage::Workspace fresh;
            fresh.name = options_.workspace;
            fresh.time_zone = policy.default_time_zone;
            fresh.language = policy.default_language;
            fresh.created_at = options_.now.value_or(
                std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
            workspace = workspaces.create(fresh);
        }
        workspaces.bind_chat({0, workspace->id, "console", options_.workspace, options_.workspace});
    });
}

handlers::Reply Console::say(std::string_view text, const ConsoleSpeaker& speaker) {
    handlers::Message message;
    message.platform = handlers::Platform::console;
    message.chat_id = options_.workspace;
    message.chat_title = options_.workspace;
    message.sender.id = speaker.name;
    message.sender.display_name = speaker.name;
    message.sender.locale = speaker.locale;
    message.text = handlers::text::nfc(text);
    message.received_at = options_.now.value_or(
        std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
    message.source_message_id = std::to_string(++sequence_);
    auto outcome = database_.transact(
        [&](storage::UnitOfWork& work) { return conversation_.handle(work, message); });
    if (outcome.ignored) {
        handlers::Reply hint;
        hint.lang = speaker.locale == "en" ? handlers::Lang::en : handlers::Lang::ko;
        hint.title = handlers::tr(hint.lang, handlers::Msg::try_help);
        return hint;
    }
    return outcome.reply;
}

std::string Console::render(const handlers::Reply& reply) {
    auto out = reply.plain_text();
    for (const auto& button : reply.buttons)
        out += "\n[" + button.label + ": " + button.command + "]";
    return out;
}

namespace {
/// A /meet without any @Company on its line opens a `key: value` block.
bool opens_block(std::string_view line) {
    const auto command = handlers::split_command_line(line);
    if (!command) return false;
    const bool meet = command->name == "meet" || command->name == "회의" || command->name == "미팅";
    return meet && command->args.find('@') == std::string::npos &&
           command->args.find(':') == std::string::npos;
}
}  // namespace

int Console::run(std::istream& in, std::ostream& out, bool interactive) {
    std::string pending;
    bool in_block = false;
    auto flush = [&] {
        if (handlers::text::trim(pending).empty()) {
            pending.clear();
            return;
        }
        try {
            out << render(say(pending)) << "\n" << std::endl;
        } catch (const std::exception& e) {
            out << "error: " << e.what() << "\n" << std::endl;
        }
        pending.clear();
    };
    if (interactive)
        out << "inmaek console · workspace " << options_.workspace << " · /help\n> " << std::flush;
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const auto trimmed = handlers::text::trim(line);
        const bool starts_command = trimmed.starts_with('/') || trimmed.starts_with("\xEF\xBC\x8F");
        if (interactive) {
            if (in_block) {
                if (trimmed.empty()) {
                    in_block = false;
                    flush();
                } else {
                    pending += "\n" + line;
                }
            } else if (opens_block(trimmed)) {
                pending = line;
                in_block = true;
            } else {
                pending = line;
                flush();
            }
            out << (in_block ? ". " : "> ") << std::flush;
            continue;
        }
        if (starts_command) {
            flush();
            pending = line;
        } else if (!pending.empty() && !trimmed.empty()) {
            pending += "\n" + line;
        } else if (!trimmed.empty() && !trimmed.starts_with('#')) {
            pending = line;  // ordinary text: the bot answers with a hint
            flush();
        }
    }
    flush();
    return 0;
}

}  // namespace inmaek::bot
