#include "handlers/router.hpp"

#include <algorithm>
#include <stdexcept>

#include "handlers/roles.hpp"
#include "handlers/text.hpp"

namespace inmaek::handlers {

std::optional<CommandLine> split_command_line(std::string_view text) {
    const auto trimmed = text::trim(text);
    std::string_view view{trimmed};
    // Full-width solidus: phone keyboards in Korean mode type '／'.
    constexpr std::string_view kFullWidthSlash = "\xEF\xBC\x8F";
    if (view.starts_with('/')) {
        view.remove_prefix(1);
    } else if (view.starts_with(kFullWidthSlash)) {
        view.remove_prefix(kFullWidthSlash.size());
    } else {
        return std::nullopt;
    }
    const auto end_of_word = view.find_first_of(" \t\r\n");
    const auto word = view.substr(0, end_of_word);
    CommandLine line;
    const auto at = word.find('@');
    line.name = text::lower(word.substr(0, at));
    if (at != std::string_view::npos) line.bot = text::lower(word.substr(at + 1));
    if (end_of_word != std::string_view::npos) line.args = text::trim(view.substr(end_of_word));
    if (line.name.empty()) return std::nullopt;
    return line;
}

bool Verb::is_add() const {
    return lower == "add" || lower == "추가" || lower == "등록";
}

Verb split_verb(std::string_view args) {
    const auto trimmed = text::trim(args);
    const auto space = trimmed.find_first_of(" \t\r\n");
    Verb verb;
    verb.word = trimmed.substr(0, space);
    verb.lower = text::lower(verb.word);
    if (space != std::string::npos) verb.rest = text::trim(std::string_view{trimmed}.substr(space));
    return verb;
}

Command::Need Command::role_for(std::string_view args) const {
    Need need{role, {}};
    if (verb_roles.empty()) return need;
    const auto verb = split_verb(args);
    for (const auto& verb_role : verb_roles) {
        const bool named = std::find(verb_role.words.begin(), verb_role.words.end(), verb.lower) !=
                           verb_role.words.end();
        if (named && !storage::role_allows(need.role, verb_role.role)) {
            need = {verb_role.role, verb.word};
        }
    }
    return need;
}

void Router::add(Command command) {
    auto taken = [&](const std::string& name) { return find(name) != nullptr; };
    if (taken(command.name)) throw std::logic_error("command registered twice: " + command.name);
    for (const auto& alias : command.aliases) {
        if (taken(alias)) throw std::logic_error("command alias registered twice: " + alias);
    }
    commands_.push_back(std::move(command));
}

const Command* Router::find(std::string_view name) const {
    const auto key = text::lower(name);
    for (const auto& command : commands_) {
        if (command.name == key) return &command;
        for (const auto& alias : command.aliases) {
            if (alias == key) return &command;
        }
    }
    return nullptr;
}

bool Router::is_slow(std::string_view text) const {
    const auto line = split_command_line(text);
    if (!line) return false;
    const auto* command = find(line->name);
    return command != nullptr && command->slow;
}

std::unique_ptr<Router> make_router() {
    auto router = std::make_unique<Router>();
    register_meeting_commands(*router);
    register_company_commands(*router);
    register_contact_commands(*router);
    register_lead_commands(*router);
    register_query_commands(*router);
    register_insight_commands(*router);
    register_todo_commands(*router);
    register_schedule_commands(*router);
    register_role_commands(*router);
    register_summary_command(*router);
    register_export_command(*router);
    register_undo_command(*router);
    register_help_command(*router);
    return router;
}

Reply confirmation(const Context& ctx, std::string title) {
    Reply reply;
    reply.kind = Reply::Kind::ok;
    reply.lang = ctx.lang;
    reply.title = std::move(title);
    return reply;
}

Reply mistake(const Context& ctx, std::string_view what, Msg usage) {
    Reply reply;
    reply.kind = Reply::Kind::error;
    reply.lang = ctx.lang;
    reply.title = "⚠️ ";
    reply.title += what;
    reply.usage = tr(ctx.lang, Msg::usage_prefix) + std::string{catalog_text(usage, ctx.lang)};
    return reply;
}

Reply role_refusal(const Context& ctx, const Command& command, std::string_view typed_name,
                   const Command::Need& need) {
    auto what = "/" + std::string{typed_name};
    if (!need.verb.empty()) what += " " + need.verb;
    const auto message = need.role == storage::Role::admin ? Msg::needs_admin : Msg::needs_manager;
    return mistake(ctx, tr(ctx.lang, message, what, role_name(ctx.user.role, ctx.lang)),
                   command.usage);
}

}  // namespace inmaek::handlers
