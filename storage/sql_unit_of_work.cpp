#include "storage/sql_repositories.hpp"

namespace inmaek::storage::sql {

std::vector<Id> page_ids(soci::session& session, std::string_view table, Id workspace_id,
                         Id after_id, int limit) {
    // `table` is one of the callers' fixed names, never input.
    const std::string sql = "SELECT id FROM " + std::string{table} +
                            " WHERE workspace_id = :workspace_id AND id > :after_id"
                            " ORDER BY id LIMIT :limit";
    const Int workspace = workspace_id;
    const Int after = after_id;
    const int rows = sql_limit(limit);
    Int id = 0;
    auto statement = prepare(session, sql, [&](soci::statement& st) {
        st.exchange(soci::use(workspace));
        st.exchange(soci::use(after));
        st.exchange(soci::use(rows));
        st.exchange(soci::into(id));
    });
    std::vector<Id> ids;
    for_each_row(statement, [&] { ids.push_back(id); });
    return ids;
}

SqlUnitOfWork::SqlUnitOfWork(soci::session& session)
    : workspaces_(session),
      companies_(session),
      contacts_(session),
      meetings_(session),
      leads_(session),
      follow_ups_(session),
      events_(session),
      audit_(session),
      outbox_(session),
      schedules_(session),
      summaries_(session),
      api_keys_(session),
      search_(session),
      secrets_(session),
      insights_(session) {}

}  // namespace inmaek::storage::sql
