#include "storage/sql_repositories.hpp"

namespace inmaek::storage::sql {
namespace {

constexpr auto kInsertAudit = R"sql(
    INSERT INTO audit_log (workspace_id, user_id, action, entity, entity_id, source, before_json,
                           after_json, at)
    VALUES (:workspace_id, :user_id, :action, :entity, :entity_id, :source, :before_json,
            :after_json, :at))sql";

constexpr auto kRecentAudit = R"sql(
    SELECT workspace_id, user_id, action, entity, entity_id, source, before_json, after_json, at
    FROM audit_log WHERE workspace_id = :workspace_id
    ORDER BY at DESC, id DESC
    LIMIT :limit)sql";

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
    Int row_workspace_id = 0;
    Nullable<Int> user_id;
    std::string action;
    std::string entity;
    Int entity_id = 0;
    std::string source;
    Nullable<std::string> before_json;
    Nullable<std::string> after_json;
    Int at = 0;
    auto statement = prepare(session_, kRecentAudit, [&](soci::statement& st) {
        st.exchange(soci::use(workspace));
        st.exchange(soci::use(max_rows));
        st.exchange(soci::into(row_workspace_id));
        user_id.bind_into(st);
        st.exchange(soci::into(action));
        st.exchange(soci::into(entity));
        st.exchange(soci::into(entity_id));
        st.exchange(soci::into(source));
        before_json.bind_into(st);
        after_json.bind_into(st);
        st.exchange(soci::into(at));
    });
    std::vector<AuditEntry> entries;
    for_each_row(statement, [&] {
        entries.push_back(AuditEntry{.workspace_id = row_workspace_id,
                                     .user_id = id_from_db(user_id),
                                     .action = action,
                                     .entity = entity,
                                     .entity_id = entity_id,
                                     .source = source,
                                     .before_json = before_json.get().value_or(""),
                                     .after_json = after_json.get().value_or(""),
                                     .at = timestamp_from_db(at)});
    });
    return entries;
}

}  // namespace inmaek::storage::sql
