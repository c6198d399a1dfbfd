#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "handlers/catalog.hpp"
#include "handlers/context.hpp"
#include "handlers/reply.hpp"

namespace inmaek::handlers {

/// A verb of a command that needs more than the command itself: "/company merge" (manager).
struct VerbRole {
    std::vector<std::string> words;  ///< every spelling, lower-case: {"merge", "병합"}
    storage::Role role = storage::Role::member;
};

/// One command of the chat language: its names, help, the least role that may run it and the
/// function that runs it. Roles are checked where commands are dispatched (Conversation), never
/// in `run`: a command declares them, e.g.
///   router.add({.name = "role", ..., .run = role, .role = storage::Role::admin});
///   router.add({.name = "company", ..., .verb_roles = {{{"merge", "병합"}, Role::manager}}});
struct Command {
    std::string name;                  ///< English name without '/', e.g. "meet"
    std::vector<std::string> aliases;  ///< e.g. {"회의", "미팅"}
    Msg summary;                       ///< one line for /help
    Msg usage;                         ///< the usage line shown with mistakes
    std::function<Reply(Context&, std::string_view args)> run;
    /// Reads across the whole workspace and may outlast a platform's reply deadline (Discord's
    /// 3 s): platforms that can answer later do so for this command (Router::is_slow).
    bool slow = false;
    /// The least role that may run the command (commands.md: capture and queries are for
    /// members; /subscribe, /unsubscribe and /company merge for managers; /role and /export for
    /// admins).
    storage::Role role = storage::Role::member;
    /// Verbs (the first word of the arguments) that need more than `role`.
    std::vector<VerbRole> verb_roles;

    /// The role needed to run the command with these arguments, and the verb that asks for it
    /// ("" when it is the command's own role).
    struct Need {
        storage::Role role = storage::Role::member;
        std::string verb;
    };
    [[nodiscard]] Need role_for(std::string_view args) const;
};

/// A command line split into its parts: "/meet@inmaek_bot 오늘 @카카오".
struct CommandLine {
    std::string name;  ///< lower-cased, without '/'
    std::string bot;   ///< the @botname it was addressed to, may be empty
    std::string args;  ///< the rest, trimmed (may span several lines)
};

/// The first word of a command's arguments and the rest: "add Kakao alias:카카오".
struct Verb {
    std::string word;   ///< as written
    std::string lower;  ///< case-folded, for comparison
    std::string rest;   ///< trimmed
    /// "add", "추가" or "등록".
    [[nodiscard]] bool is_add() const;
};
Verb split_verb(std::string_view args);

/// Splits text starting with '/' into a command line; nullopt for ordinary text.
std::optional<CommandLine> split_command_line(std::string_view text);

/// The registry of commands. Every name and alias is unique; a duplicate is a programming
/// error and throws std::logic_error at registration.
class Router {
public:
    void add(Command command);
    /// A command by English name or alias (case-insensitive).
    [[nodiscard]] const Command* find(std::string_view name) const;
    [[nodiscard]] const std::vector<Command>& commands() const { return commands_; }
    /// True when `text` is a command line of a slow command ("/summary week").
    [[nodiscard]] bool is_slow(std::string_view text) const;

private:
    std::vector<Command> commands_;
};

/// The router with every command family registered.
std::unique_ptr<Router> make_router();

// Registration of each command family (one file each).
void register_company_commands(Router& router);
void register_contact_commands(Router& router);
void register_meeting_commands(Router& router);
void register_lead_commands(Router& router);
void register_query_commands(Router& router);
void register_insight_commands(Router& router);
void register_todo_commands(Router& router);
void register_role_commands(Router& router);
void register_schedule_commands(Router& router);
void register_summary_command(Router& router);
void register_help_command(Router& router);
void register_export_command(Router& router);
void register_undo_command(Router& router);

/// A successful change: "✅ …" title in the user's language.
Reply confirmation(const Context& ctx, std::string title);

/// An error reply: what was wrong and the usage line of the command, in the user's language.
Reply mistake(const Context& ctx, std::string_view what, Msg usage);

/// The refusal of a command (or one verb of it) that the sender's role may not run: names the
/// role needed and the sender's own; nothing is run.
Reply role_refusal(const Context& ctx, const Command& command, std::string_view typed_name,
                   const Command::Need& need);

}  // namespace inmaek::handlers
