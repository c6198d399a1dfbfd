// /role (/역할) [@user member|manager|admin]: the team's roles, and changing one (admin).
#include "handlers/roles.hpp"
#include "handlers/router.hpp"
#include "handlers/text.hpp"

namespace inmaek::handlers {

namespace {

/// "Minji Kim (@minji_kim)": how a person is shown in replies.
std::string person_label(const storage::User& user) {
    if (user.handle.empty() || user.handle == user.display_name) return user.display_name;
    return user.display_name + " (@" + user.handle + ")";
}

Reply team_roles(const Context& ctx) {
    const auto users = ctx.db.workspaces().list_users(ctx.workspace.id);
    Reply reply;
    reply.lang = ctx.lang;
    reply.title = tr(ctx.lang, Msg::roles_title, users.size());
    for (const auto& user : users) {
        reply.lines.push_back(role_name(user.role, ctx.lang) + " · " + person_label(user));
    }
    return reply;
}

Reply role(Context& ctx, std::string_view args) {
    const auto written = text::trim(args);
    if (written.empty()) return team_roles(ctx);
    // The role is the last word; the person is everything before it, so a display name with
    // spaces ("@Minji Kim manager", as LINE writes mentions) needs no quotes.
    const auto space = written.find_last_of(" \t\r\n");
    if (space == std::string::npos) {
        return mistake(ctx, tr(ctx.lang, Msg::bad_role, written), Msg::usage_role);
    }
    const auto role_word = written.substr(space + 1);
    const auto who = text::trim(std::string_view{written}.substr(0, space));
    const auto role = parse_role(role_word);
    if (!role) return mistake(ctx, tr(ctx.lang, Msg::bad_role, role_word), Msg::usage_role);
    const auto person =
        find_person(ctx.db.workspaces(), ctx.workspace.id, to_string(ctx.message.platform), who);
    if (!person) return mistake(ctx, tr(ctx.lang, Msg::member_not_found, who), Msg::usage_role);

    const auto label = person_label(*person);
    switch (change_role(ctx, *person, *role)) {
        case RoleChange::last_admin:
            return mistake(ctx, tr(ctx.lang, Msg::role_last_admin, label), Msg::usage_role);
        case RoleChange::unchanged: {
            Reply reply;
            reply.lang = ctx.lang;
            reply.title = tr(ctx.lang, Msg::role_unchanged, label, role_name(*role, ctx.lang));
            return reply;
        }
        case RoleChange::changed: break;
    }
    return confirmation(ctx, tr(ctx.lang, Msg::role_changed, label, role_name(*role, ctx.lang),
                                role_name(person->role, ctx.lang)));
}

}  // namespace

void register_role_commands(Router& router) {
    router.add({.name = "role",
                .aliases = {"역할", "권한"},
                .summary = Msg::summary_role,
                .usage = Msg::usage_role,
                .run = role,
                .role = storage::Role::admin});
}

}  // namespace inmaek::handlers
