#include "storage/sql_repositories.hpp"

#include <stdexcept>

namespace inmaek::storage::sql {
namespace {

constexpr auto kInsertWorkspace = R"sql(
    INSERT INTO workspaces (name, time_zone, language, created_at)
    VALUES (:name, :time_zone, :language, :created_at)
    RETURNING id)sql";

constexpr auto kDeleteWorkspace = "DELETE FROM workspaces WHERE id = :id";

constexpr auto kSelectWorkspace = R"sql(
    SELECT id, name, time_zone, language, created_at
    FROM workspaces WHERE id = :id)sql";

constexpr auto kFindWorkspaceByName = R"sql(
    SELECT id, name, time_zone, language, created_at
    FROM workspaces WHERE name = :name ORDER BY id LIMIT 1)sql";

constexpr auto kListWorkspaces = R"sql(
    SELECT id, name, time_zone, language, created_at
    FROM workspaces ORDER BY id)sql";

constexpr auto kFindChat = R"sql(
    SELECT id, workspace_id, platform, platform_chat_id, title
    FROM chats WHERE platform = :platform AND platform_chat_id = :platform_chat_id)sql";

constexpr auto kWorkspaceOfChat = R"sql(
    SELECT w.id, w.name, w.time_zone, w.language, w.created_at
    FROM chats c JOIN workspaces w ON w.id = c.workspace_id
    WHERE c.platform = :platform AND c.platform_chat_id = :platform_chat_id)sql";

// A chat already bound keeps its workspace (a conversation never moves between workspaces
// silently); only its title is refreshed.
constexpr auto kBindChat = R"sql(
    INSERT INTO chats (workspace_id, platform, platform_chat_id, title)
    VALUES (:workspace_id, :platform, :platform_chat_id, :title)
    ON CONFLICT (platform, platform_chat_id) DO UPDATE SET title = excluded.title
    RETURNING id, workspace_id)sql";

// Two rows are enough to tell "only one" from "several" (index users_platform_user).
constexpr auto kWorkspacesOfUser = R"sql(
    SELECT w.id, w.name, w.time_zone, w.language, w.created_at
    FROM users u JOIN workspaces w ON w.id = u.workspace_id
    WHERE u.platform = :platform AND u.platform_user_id = :platform_user_id
    ORDER BY w.id LIMIT 2)sql";

constexpr auto kFindUser = R"sql(
    SELECT id, workspace_id, platform, platform_user_id, display_name, handle, role, created_at
    FROM users
    WHERE workspace_id = :workspace_id AND platform = :platform
      AND platform_user_id = :platform_user_id)sql";

// A handle match wins over a display-name match; the oldest user breaks ties.
constexpr auto kFindUserByName = R"sql(
    SELECT id, workspace_id, platform, platform_user_id, display_name, handle, role, created_at
    FROM users
    WHERE workspace_id = :workspace_id
      AND (lower(handle) = lower(:handle) OR lower(display_name) = lower(:display_name))
    ORDER BY CASE WHEN lower(handle) = lower(:preferred_handle) THEN 0 ELSE 1 END, id
    LIMIT 1)sql";

constexpr auto kGetUser = R"sql(
    SELECT id, workspace_id, platform, platform_user_id, display_name, handle, role, created_at
    FROM users WHERE workspace_id = :workspace_id AND id = :id)sql";

constexpr auto kInsertUser = R"sql(
    INSERT INTO users (workspace_id, platform, platform_user_id, display_name, handle, role,
                       created_at)
    VALUES (:workspace_id, :platform, :platform_user_id, :display_name, :handle, :role,
            :created_at)
    RETURNING id)sql";

constexpr auto kUpdateUserProfile = R"sql(
    UPDATE users SET display_name = :display_name, handle = :handle
    WHERE workspace_id = :workspace_id AND id = :id)sql";

constexpr auto kSetRole = R"sql(
    UPDATE users SET role = :role WHERE workspace_id = :workspace_id AND id = :id)sql";

constexpr auto kCountUsers = R"sql(
    SELECT count(*) FROM users WHERE workspace_id = :workspace_id)sql";

constexpr auto kListUsers = R"sql(
    SELECT id, workspace_id, platform, platform_user_id, display_name, handle, role, created_at
    FROM users WHERE workspace_id = :workspace_id
    ORDER BY CASE role WHEN 'admin' THEN 0 WHEN 'manager' THEN 1 ELSE 2 END, display_name, id)sql";

constexpr auto kAdmins = R"sql(
    SELECT id FROM users WHERE workspace_id = :workspace_id AND role = 'admin' ORDER BY id)sql";

void require_one_row(soci::statement& statement, const char* what, Id workspace_id, Id id) {
    if (statement.get_affected_rows() != 1) {
        throw std::out_of_range(std::string(what) + " " + std::to_string(id) +
                                " not found in workspace " + std::to_string(workspace_id));
    }
}

}  // namespace

void WorkspaceRow::bind(soci::statement& statement) {
    statement.exchange(soci::into(id));
    statement.exchange(soci::into(name));
    statement.exchange(soci::into(time_zone));
    statement.exchange(soci::into(language));
    statement.exchange(soci::into(created_at));
}

Workspace WorkspaceRow::to_record() const {
    return Workspace{.id = id,
                     .name = name,
                     .time_zone = time_zone,
                     .language = language,
                     .created_at = timestamp_from_db(created_at)};
}

void ChatRow::bind(soci::statement& statement) {
    statement.exchange(soci::into(id));
    statement.exchange(soci::into(workspace_id));
    statement.exchange(soci::into(platform));
    statement.exchange(soci::into(platform_chat_id));
    statement.exchange(soci::into(title));
}

Chat ChatRow::to_record() const {
    return Chat{.id = id,
                .workspace_id = workspace_id,
                .platform = platform,
                .platform_chat_id = platform_chat_id,
                .title = title};
}

void UserRow::bind(soci::statement& statement) {
    statement.exchange(soci::into(id));
    statement.exchange(soci::into(workspace_id));
    statement.exchange(soci::into(platform));
    statement.exchange(soci::into(platform_user_id));
    statement.exchange(soci::into(display_name));
    statement.exchange(soci::into(handle));
    statement.exchange(soci::into(role));
    statement.exchange(soci::into(created_at));
}

User UserRow::to_record() const {
    return User{.id = id,
                .workspace_id = workspace_id,
                .platform = platform,
                .platform_user_id = platform_user_id,
                .display_name = display_name,
                .handle = handle,
                .role = role_from_string(role).value_or(Role::member),
                .created_at = timestamp_from_db(created_at)};
}

Workspace SqlWorkspaceRepository::create(const Workspace& workspace) {
    const Int created_at = to_db(workspace.created_at);
    Int id = 0;
    auto statement = prepare(session_, kInsertWorkspace, [&](soci::statement& st) {
        st.exchange(soci::use(workspace.name));
        st.exchange(soci::use(workspace.time_zone));
        st.exchange(soci::use(workspace.language));
        st.exchange(soci::use(created_at));
        st.exchange(soci::into(id));
    });
    run_single(statement);
    Workspace created = workspace;
    created.id = id;
    return created;
}

void SqlWorkspaceRepository::remove_unused(Id workspace_id) {
    const Int id = workspace_id;
    session_ << kDeleteWorkspace, soci::use(id);
}

std::optional<Workspace> SqlWorkspaceRepository::get(Id workspace_id) {
    auto& statement = get_.get(session_, kSelectWorkspace, [&](soci::statement& st) {
        st.exchange(soci::use(workspace_id_));
        workspace_row_.bind(st);
    });
    workspace_id_ = workspace_id;
    if (!guarded(get_, [&] { return run_single(statement); })) {
        return std::nullopt;
    }
    return workspace_row_.to_record();
}

std::optional<Workspace> SqlWorkspaceRepository::find_by_name(std::string_view name) {
    const std::string wanted(name);
    WorkspaceRow row;
    auto statement = prepare(session_, kFindWorkspaceByName, [&](soci::statement& st) {
        st.exchange(soci::use(wanted));
        row.bind(st);
    });
    if (!run_single(statement)) {
        return std::nullopt;
    }
    return row.to_record();
}

std::vector<Workspace> SqlWorkspaceRepository::list() {
    WorkspaceRow row;
    auto statement = prepare(session_, kListWorkspaces, [&](soci::statement& st) { row.bind(st); });
    std::vector<Workspace> workspaces;
    for_each_row(statement, [&] { workspaces.push_back(row.to_record()); });
    return workspaces;
}

std::optional<Chat> SqlWorkspaceRepository::find_chat(std::string_view platform,
                                                      std::string_view platform_chat_id) {
    auto& statement = find_chat_.get(session_, kFindChat, [&](soci::statement& st) {
        st.exchange(soci::use(platform_));
        st.exchange(soci::use(platform_key_));
        chat_row_.bind(st);
    });
    platform_.assign(platform);
    platform_key_.assign(platform_chat_id);
    if (!guarded(find_chat_, [&] { return run_single(statement); })) {
        return std::nullopt;
    }
    return chat_row_.to_record();
}

std::optional<Workspace> SqlWorkspaceRepository::workspace_of_chat(
    std::string_view platform, std::string_view platform_chat_id) {
    auto& statement = workspace_of_chat_.get(session_, kWorkspaceOfChat, [&](soci::statement& st) {
        st.exchange(soci::use(platform_));
        st.exchange(soci::use(platform_key_));
        workspace_row_.bind(st);
    });
    platform_.assign(platform);
    platform_key_.assign(platform_chat_id);
    if (!guarded(workspace_of_chat_, [&] { return run_single(statement); })) {
        return std::nullopt;
    }
    return workspace_row_.to_record();
}

std::optional<Workspace> SqlWorkspaceRepository::only_workspace_of_user(
    std::string_view platform, std::string_view platform_user_id) {
    const std::string platform_name{platform};
    const std::string user_id{platform_user_id};
    WorkspaceRow row;
    auto statement = prepare(session_, kWorkspacesOfUser, [&](soci::statement& st) {
        st.exchange(soci::use(platform_name));
        st.exchange(soci::use(user_id));
        row.bind(st);
    });
    std::vector<Workspace> workspaces;
    for_each_row(statement, [&] { workspaces.push_back(row.to_record()); });
    if (workspaces.size() != 1) return std::nullopt;
    return workspaces.front();
}

Chat SqlWorkspaceRepository::bind_chat(const Chat& chat) {
    const Int workspace_id = chat.workspace_id;
    Int id = 0;
    Int bound_workspace_id = 0;
    auto statement = prepare(session_, kBindChat, [&](soci::statement& st) {
        st.exchange(soci::use(workspace_id));
        st.exchange(soci::use(chat.platform));
        st.exchange(soci::use(chat.platform_chat_id));
        st.exchange(soci::use(chat.title));
        st.exchange(soci::into(id));
        st.exchange(soci::into(bound_workspace_id));
    });
    run_single(statement);
    Chat bound = chat;
    bound.id = id;
    bound.workspace_id = bound_workspace_id;
    return bound;
}

std::optional<User> SqlWorkspaceRepository::find_user(Id workspace_id, std::string_view platform,
                                                      std::string_view platform_user_id) {
    auto& statement = find_user_.get(session_, kFindUser, [&](soci::statement& st) {
        st.exchange(soci::use(workspace_id_));
        st.exchange(soci::use(platform_));
        st.exchange(soci::use(platform_key_));
        user_row_.bind(st);
    });
    workspace_id_ = workspace_id;
    platform_.assign(platform);
    platform_key_.assign(platform_user_id);
    if (!guarded(find_user_, [&] { return run_single(statement); })) {
        return std::nullopt;
    }
    return user_row_.to_record();
}

std::optional<User> SqlWorkspaceRepository::find_user_by_name(Id workspace_id,
                                                              std::string_view name) {
    if (!name.empty() && name.front() == '@') {
        name.remove_prefix(1);
    }
    if (name.empty()) {
        return std::nullopt;
    }
    const Int workspace = workspace_id;
    const std::string wanted(name);
    UserRow row;
    auto statement = prepare(session_, kFindUserByName, [&](soci::statement& st) {
        st.exchange(soci::use(workspace));
        st.exchange(soci::use(wanted));
        st.exchange(soci::use(wanted));
        st.exchange(soci::use(wanted));
        row.bind(st);
    });
    if (!run_single(statement)) {
        return std::nullopt;
    }
    return row.to_record();
}

std::optional<User> SqlWorkspaceRepository::get_user(Id workspace_id, Id user_id) {
    auto& statement = get_user_.get(session_, kGetUser, [&](soci::statement& st) {
        st.exchange(soci::use(workspace_id_));
        st.exchange(soci::use(user_id_));
        user_row_.bind(st);
    });
    workspace_id_ = workspace_id;
    user_id_ = user_id;
    if (!guarded(get_user_, [&] { return run_single(statement); })) {
        return std::nullopt;
    }
    return user_row_.to_record();
}

User SqlWorkspaceRepository::create_user(const User& user) {
    const Int workspace_id = user.workspace_id;
    const std::string role(to_string(user.role));
    const Int created_at = to_db(user.created_at);
    Int id = 0;
    auto statement = prepare(session_, kInsertUser, [&](soci::statement& st) {
        st.exchange(soci::use(workspace_id));
        st.exchange(soci::use(user.platform));
        st.exchange(soci::use(user.platform_user_id));
        st.exchange(soci::use(user.display_name));
        st.exchange(soci::use(user.handle));
        st.exchange(soci::use(role));
        st.exchange(soci::use(created_at));
        st.exchange(soci::into(id));
    });
    run_single(statement);
    User created = user;
    created.id = id;
    return created;
}

void SqlWorkspaceRepository::update_user_profile(Id workspace_id, Id user_id,
                                                 std::string_view display_name,
                                                 std::string_view handle) {
    const std::string display(display_name);
    const std::string user_handle(handle);
    const Int workspace = workspace_id;
    const Int id = user_id;
    auto statement = prepare(session_, kUpdateUserProfile, [&](soci::statement& st) {
        st.exchange(soci::use(display));
        st.exchange(soci::use(user_handle));
        st.exchange(soci::use(workspace));
        st.exchange(soci::use(id));
    });
    run(statement);
    require_one_row(statement, "user", workspace_id, user_id);
}

void SqlWorkspaceRepository::set_role(Id workspace_id, Id user_id, Role role) {
    const std::string role_text(to_string(role));
    const Int workspace = workspace_id;
    const Int id = user_id;
    auto statement = prepare(session_, kSetRole, [&](soci::statement& st) {
        st.exchange(soci::use(role_text));
        st.exchange(soci::use(workspace));
        st.exchange(soci::use(id));
    });
    run(statement);
    require_one_row(statement, "user", workspace_id, user_id);
}

std::int64_t SqlWorkspaceRepository::count_users(Id workspace_id) {
    const Int workspace = workspace_id;
    Int count = 0;
    auto statement = prepare(session_, kCountUsers, [&](soci::statement& st) {
        st.exchange(soci::use(workspace));
        st.exchange(soci::into(count));
    });
    run_single(statement);
    return count;
}

std::vector<User> SqlWorkspaceRepository::list_users(Id workspace_id) {
    const Int workspace = workspace_id;
    UserRow row;
    auto statement = prepare(session_, kListUsers, [&](soci::statement& st) {
        st.exchange(soci::use(workspace));
        row.bind(st);
    });
    std::vector<User> users;
    for_each_row(statement, [&] { users.push_back(row.to_record()); });
    return users;
}

std::vector<Id> SqlWorkspaceRepository::lock_admins(Id workspace_id) {
    // Under READ COMMITTED, a second demotion waits on the first one's row lock and then sees
    // that row no longer matching role = 'admin'.
    static const std::string kAdminsForUpdate = std::string{kAdmins} + " FOR UPDATE";
    const Int workspace = workspace_id;
    Int id = 0;
    auto statement = prepare(session_, is_postgresql(session_) ? kAdminsForUpdate : kAdmins,
                             [&](soci::statement& st) {
                                 st.exchange(soci::use(workspace));
                                 st.exchange(soci::into(id));
                             });
    std::vector<Id> admins;
    for_each_row(statement, [&] { admins.push_back(id); });
    return admins;
}

}  // namespace inmaek::storage::sql
