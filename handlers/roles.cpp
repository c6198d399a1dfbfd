#include "handlers/roles.hpp"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

#include "handlers/catalog.hpp"
#include "handlers/text.hpp"

namespace inmaek::handlers {

namespace {

struct RoleWord {
    std::string_view word;
    storage::Role role;
};

constexpr std::array kRoleWords{
    RoleWord{"member", storage::Role::member},       RoleWord{"멤버", storage::Role::member},
    RoleWord{"팀원", storage::Role::member},         RoleWord{"manager", storage::Role::manager},
    RoleWord{"매니저", storage::Role::manager},      RoleWord{"admin", storage::Role::admin},
    RoleWord{"관리자", storage::Role::admin},        RoleWord{"어드민", storage::Role::admin},
    RoleWord{"administrator", storage::Role::admin},
};

/// The text without one pair of surrounding quotes, straight or curly.
std::string unquoted(std::string text) {
    constexpr std::array<std::pair<std::string_view, std::string_view>, 3> kPairs{
        std::pair{"\"", "\""}, std::pair{"\u201C", "\u201D"}, std::pair{"'", "'"}};
    for (const auto& [open, close] : kPairs) {
        if (text.size() >= open.size() + close.size() && text.starts_with(open) &&
            text.ends_with(close)) {
            return text::trim(text.substr(open.size(), text.size() - open.size() - close.size()));
        }
    }
    return text;
}

/// The user id of a Slack or Discord mention: "<@U0123>", "<@!123>", "<@U0123|minji>".
std::optional<std::string> mention_id(std::string_view text) {
    if (!text.starts_with("<@") || !text.ends_with('>')) return std::nullopt;
    text.remove_prefix(2);
    text.remove_suffix(1);
    if (text.starts_with('!')) text.remove_prefix(1);
    text = text.substr(0, text.find('|'));
    if (text.empty()) return std::nullopt;
    return std::string{text};
}

}  // namespace

std::string role_name(storage::Role role, Lang lang) {
    switch (role) {
        case storage::Role::admin: return tr(lang, Msg::role_admin);
        case storage::Role::manager: return tr(lang, Msg::role_manager);
        case storage::Role::member: break;
    }
    return tr(lang, Msg::role_member);
}

std::optional<storage::Role> parse_role(std::string_view word) {
    const auto wanted = text::lower(text::trim(word));
    for (const auto& known : kRoleWords) {
        if (known.word == wanted) return known.role;
    }
    return std::nullopt;
}

std::optional<storage::User> find_person(storage::WorkspaceRepository& workspaces,
                                         storage::Id workspace_id, std::string_view platform,
                                         std::string_view text) {
    const auto written = unquoted(text::trim(text));
    if (written.empty()) return std::nullopt;
    if (const auto id = mention_id(written)) {
        if (platform.empty()) return std::nullopt;
        return workspaces.find_user(workspace_id, platform, *id);
    }
    // "telegram:5012345678": the spelling of workspace.admins, and of `inmaek role list`.
    if (const auto colon = written.find(':');
        colon != std::string::npos && colon > 0 && !written.starts_with('@')) {
        const auto named_platform = written.substr(0, colon);
        if (std::all_of(named_platform.begin(), named_platform.end(),
                        [](char c) { return c >= 'a' && c <= 'z'; })) {
            return workspaces.find_user(workspace_id, named_platform, written.substr(colon + 1));
        }
    }
    if (auto by_name = workspaces.find_user_by_name(workspace_id, written)) return by_name;
    if (platform.empty() || written.starts_with('@')) return std::nullopt;
    return workspaces.find_user(workspace_id, platform, written);
}

RoleChange change_role(Context& ctx, const storage::User& person, storage::Role role) {
    auto& workspaces = ctx.db.workspaces();
    if (person.role == storage::Role::admin && role != storage::Role::admin) {
        const auto admins = workspaces.lock_admins(ctx.workspace.id);
        const bool other_admin = std::any_of(admins.begin(), admins.end(),
                                             [&](storage::Id id) { return id != person.id; });
        if (!other_admin) return RoleChange::last_admin;
    }
    // Read again under the lock: another admin may have changed this person meanwhile.
    const auto current = workspaces.get_user(ctx.workspace.id, person.id);
    if (!current || current->role == role) return RoleChange::unchanged;
    workspaces.set_role(ctx.workspace.id, person.id, role);
    const auto image = [&](storage::Role r) {
        return nlohmann::json{
            {"user", person.id}, {"name", person.display_name}, {"role", storage::to_string(r)}}
            .dump();
    };
    ctx.audit("role", "user", person.id, image(current->role), image(role));
    return RoleChange::changed;
}

}  // namespace inmaek::handlers
