#pragma once

// Roles of a workspace's people (member < manager < admin): their names in both languages, how
// chat and the command line name a person, and the one way a role is changed (audited, never
// leaving a workspace without an admin). Who may run which command is declared on each
// Command (router.hpp) and checked in Conversation.

#include <optional>
#include <string>
#include <string_view>

#include "handlers/context.hpp"
#include "handlers/reply.hpp"
#include "storage/records.hpp"
#include "storage/repositories.hpp"

namespace inmaek::handlers {

/// "member", "manager", "admin"; "멤버", "매니저", "관리자".
std::string role_name(storage::Role role, Lang lang);

/// A role as written in either language, any case: member/멤버/팀원, manager/매니저,
/// admin/관리자/어드민.
std::optional<storage::Role> parse_role(std::string_view word);

/// A person of the workspace as chat and the command line name them:
///   <@U0123> <@!123> <@U0123|minji>  a Slack or Discord mention (the platform's user id)
///   telegram:5012345678               platform:user id, as workspace.admins writes it
///   @minji_kim, "Minji Kim", Minji Kim  handle or display name (folded comparison)
///   5012345678                        a user id on `platform` (Kakao sends no names)
/// `platform` is the platform of the message ("" from the command line).
std::optional<storage::User> find_person(storage::WorkspaceRepository& workspaces,
                                         storage::Id workspace_id, std::string_view platform,
                                         std::string_view text);

/// What change_role did.
enum class RoleChange {
    changed,     ///< stored and audited
    unchanged,   ///< the person already had the role: nothing written
    last_admin,  ///< refused: the person is the workspace's only admin
};

/// Gives `person` (a user of ctx's workspace) `role`, with an audit row ("role", "user") holding
/// the role before and after. Demoting the workspace's last admin is refused and writes nothing.
RoleChange change_role(Context& ctx, const storage::User& person, storage::Role role);

}  // namespace inmaek::handlers
