#include "storage/sql_repositories.hpp"

namespace inmaek::storage::sql {

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
      search_(session) {}

}  // namespace inmaek::storage::sql
