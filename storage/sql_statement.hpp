#pragma once

// Preparing, caching and running SOCI statements.
//
// SQLite keeps a statement "in progress" until it is stepped to its end or reset. A
// statement left on a row blocks COMMIT when it is a write (INSERT ... RETURNING) and pins
// an old read snapshot when it is a read, so every helper here runs statements to their end,
// and a cached statement that failed half-way is dropped and prepared again on next use.

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <limits>
#include <optional>
#include <string>
#include <utility>

namespace inmaek::storage::sql {

/// Prepares sql on session with the into/use exchanges that bind(statement&) adds.
template <typename Bind>
soci::statement prepare(soci::session& session, const std::string& sql, Bind&& bind) {
    soci::statement statement(session);
    std::forward<Bind>(bind)(statement);
    statement.alloc();
    statement.prepare(sql);
    statement.define_and_bind();
    return statement;
}

/// A statement prepared on first use and kept for the life of its pooled session; its
/// exchanges bind members of the owner, which therefore must not move.
class CachedStatement {
public:
    /// The statement, prepared with the exchanges bind adds if it is not prepared yet.
    template <typename Bind>
    soci::statement& get(soci::session& session, const char* sql, Bind&& bind) {
        // Prepared lazily: the tables exist only after Database::migrate().
        if (!statement_) {
            statement_.emplace(prepare(session, sql, std::forward<Bind>(bind)));
        }
        return *statement_;
    }
    /// True once prepared; lets callers skip building SQL that get() would not read.
    [[nodiscard]] bool prepared() const noexcept { return statement_.has_value(); }
    /// Forgets the statement, e.g. after an error left it on a row.
    void discard() noexcept { statement_.reset(); }

private:
    std::optional<soci::statement> statement_;
};

/// The rowid of the last row the session inserted: the id of an `INTEGER PRIMARY KEY` table
/// after a plain INSERT, without RETURNING's statement journal. Valid right after the INSERT
/// only (inserts in between, also by triggers, replace it).
inline long long last_insert_rowid(soci::session& session) {
    auto* backend = static_cast<soci::sqlite3_session_backend*>(session.get_backend());
    return sqlite_api::sqlite3_last_insert_rowid(backend->conn_);
}

/// True for a PostgreSQL session (row locks, RETURNING on inserts); asked once per repository.
inline bool is_postgresql(soci::session& session) {
    return session.get_backend_name() == "postgresql";
}

/// The value to bind to `LIMIT :limit` for at most `limit` rows, where 0 or less means all of
/// them: the largest int, as PostgreSQL refuses the negative LIMIT that SQLite reads as none.
inline int sql_limit(int limit) {
    return limit > 0 ? limit : std::numeric_limits<int>::max();
}

/// Runs a statement without result rows (or whose rows are not wanted).
inline void run(soci::statement& statement) {
    if (statement.execute(true)) {
        while (statement.fetch()) {
        }
    }
}

/// Runs a statement yielding at most one row into its bound members; true when it did.
inline bool run_single(soci::statement& statement) {
    const bool found = statement.execute(true);
    if (found) {
        // Step to the end so SQLite finishes the statement (see the file comment).
        while (statement.fetch()) {
        }
    }
    return found;
}

/// Runs a statement and calls on_row after each row has been fetched into the bound members.
template <typename OnRow>
void for_each_row(soci::statement& statement, OnRow&& on_row) {
    statement.execute();
    while (statement.fetch()) {
        on_row();
    }
}

/// Runs fn on a cached statement, dropping the statement if fn throws half-way.
template <typename Fn>
decltype(auto) guarded(CachedStatement& cached, Fn&& fn) {
    try {
        return std::forward<Fn>(fn)();
    } catch (...) {
        cached.discard();
        throw;
    }
}

}  // namespace inmaek::storage::sql
