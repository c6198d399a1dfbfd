#include "storage/sql_repositories.hpp"

namespace inmaek::storage::sql {
namespace {

constexpr auto kInsertAudit = R"sql(
    INSERT INTO audit_log (workspace_id, user_id, action, entity, entity_id, source, before_json,
                           after_json, at)
    VALUES (:workspace_id, :user_id, :action, :entity, :entity_id, :source, :before_json,
            :after_json, :at))sql";

constexpr auto kRecentAudit = R"sql(
    SELECT id, workspace_id, user_id, action, entity, entity_id, source, before_json, after_json, at
    FROM audit_log WHERE workspace_id = :workspace_id
    ORDER BY at DESC, id DESC
    LIMIT :limit)sql";

// Ranges of audit_log_workspace_at: the workspace's entries since a time, then the user's.
constexpr auto kLastOfUser = R"sql(
    SELECT id, workspace_id, user_id, action, entity, entity_id, source, before_json, after_json,
           at
    FROM audit_log WHERE workspace_id = :workspace_id AND at >= :since AND user_id = :user_id
    ORDER BY at DESC, id DESC
    LIMIT 1)sql";

constexpr auto kOfSource = R"sql(
    SELECT id, workspace_id, user_id, action, entity, entity_id, source, before_json, after_json,
           at
    FROM audit_log WHERE workspace_id = :workspace_id AND at >= :since AND user_id = :user_id
                     AND source = :source
    ORDER BY id)sql";

constexpr auto kChangedAfter = R"sql(
    SELECT COUNT(*) FROM audit_log
    WHERE workspace_id = :workspace_id AND entity = :entity AND entity_id = :entity_id
      AND id > :after_id)sql";

/// Columns of an audit_log row, bound as intos.
struct AuditRow {
    Int id = 0;
    Int workspace_id = 0;
    Nullable<Int> user_id;
    std::string action;
    std::string entity;
    Int entity_id = 0;
    std::string source;
    Nullable<std::string> before_json;
    Nullable<std::string> after_json;
    Int at = 0;

    void bind(soci::statement& st) {
        st.exchange(soci::into(id));
        st.exchange(soci::into(workspace_id));
        user_id.bind_into(st);
        st.exchange(soci::into(action));
        st.exchange(soci::into(entity));
        st.exchange(soci::into(entity_id));
        st.exchange(soci::into(source));
        before_json.bind_into(st);
        after_json.bind_into(st);
        st.exchange(soci::into(at));
    }
    [[nodiscard]] AuditEntry to_record() const {
        return AuditEntry{.id = id,
                          .workspace_id = workspace_id,
                          .user_id = id_from_db(user_id),
                          .action = action,
                          .entity = entity,
                          .entity_id = entity_id,
                          .source = source,
                          .before_json = before_json.get().value_or(""),
                          .after_json = after_json.get().value_or(""),
                          .at = timestamp_from_db(at)};
    }
};

}  // namespace

void SqlAuditRepository::append(const AuditEntry& entry) {
    auto& statement = insert_.get(session_, kInsertAudit, [&](soci::statement& st) {
        st.exchange(soci::use(workspace_id_));
        user_id_.bind_use(st);
        st.exchange(soci::use(action_));
        st.exchange(soci::use(entity_));
        st.exchange(soci::use(entity_id_));
        st.exchange(soci::use(source_));
        before_json_.bind_use(st);
        after_json_.bind_use(st);
        st.exchange(soci::use(at_));
    });
    workspace_id_ = entry.workspace_id;
    set_id(user_id_, entry.user_id);
    action_ = entry.action;
    entity_ = entry.entity;
    entity_id_ = entry.entity_id;
    source_ = entry.source;
    set_text_or_null(before_json_, entry.before_json);
    set_text_or_null(after_json_, entry.after_json);
    at_ = to_db(entry.at);
    guarded(insert_, [&] { run(statement); });
}

std::vector<AuditEntry> SqlAuditRepository::recent(Id workspace_id, int limit) {
    const Int workspace = workspace_id;
    const int max_rows = sql_limit(limit);
    AuditRow row;
    auto statement = prepare(session_, kRecentAudit, [&](soci::statement& st) {
        st.exchange(soci::use(workspace));
        st.exchange(soci::use(max_rows));
        row.bind(st);
    });
    std::vector<AuditEntry> entries;
    for_each_row(statement, [&] { entries.push_back(row.to_record()); });
    return entries;
}

std::optional<AuditEntry> SqlAuditRepository::last_of_user(Id workspace_id, Id user_id,
                                                           Timestamp since) {
    const Int workspace = workspace_id;
    const Int from = to_db(since);
    const Int user = user_id;
    AuditRow row;
    auto statement = prepare(session_, kLastOfUser, [&](soci::statement& st) {
        st.exchange(soci::use(workspace));
        st.exchange(soci::use(from));
        st.exchange(soci::use(user));
        row.bind(st);
    });
    if (!run_single(statement)) return std::nullopt;
    return row.to_record();
}

std::vector<AuditEntry> SqlAuditRepository::of_source(Id workspace_id, Id user_id,
                                                      std::string_view source, Timestamp since) {
    const Int workspace = workspace_id;
    const Int from = to_db(since);
    const Int user = user_id;
    const std::string source_text(source);
    AuditRow row;
    auto statement = prepare(session_, kOfSource, [&](soci::statement& st) {
        st.exchange(soci::use(workspace));
        st.exchange(soci::use(from));
        st.exchange(soci::use(user));
        st.exchange(soci::use(source_text));
        row.bind(st);
    });
    std::vector<AuditEntry> entries;
    for_each_row(statement, [&] { entries.push_back(row.to_record()); });
    return entries;
}

bool SqlAuditRepository::changed_after(Id workspace_id, std::string_view entity, Id entity_id,
                                       Id after_id) {
    const Int workspace = workspace_id;
    const std::string entity_text(entity);
    const Int id = entity_id;
    const Int after = after_id;
    long long count = 0;
    auto statement = prepare(session_, kChangedAfter, [&](soci::statement& st) {
        st.exchange(soci::use(workspace));
        st.exchange(soci::use(entity_text));
        st.exchange(soci::use(id));
        st.exchange(soci::use(after));
        st.exchange(soci::into(count));
    });
    run_single(statement);
    return count > 0;
}

}  // namespace inmaek::storage::sql
