#pragma once

// The migration runner: applies the numbered SQL files embedded by schemas/ to one session.

#include <soci/soci.h>

#include <string_view>

namespace inmaek::storage::migrations {

/// Highest migration number embedded in this binary.
int latest_version();

/// Highest applied migration number; 0 for an empty database.
int applied_version(soci::session& session);

/// Applies the pending migrations for backend ("sqlite3", ...), each in its own transaction
/// together with its schema_migrations row; throws SchemaTooNew for a database newer than the
/// binary. Returns how many were applied.
int apply_pending(soci::session& session, std::string_view backend);

}  // namespace inmaek::storage::migrations
