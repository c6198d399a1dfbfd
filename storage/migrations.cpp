#include "storage/migrations.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <stdexcept>
#include <string>

#include "schemas/embedded_migrations.hpp"
#include "storage/database.hpp"

namespace inmaek::storage::migrations {
namespace {

// Same definition as in 0001_initial.sql: the runner needs the table before it can tell
// which migrations are pending.
constexpr auto kCreateMigrationsTable = R"sql(
    CREATE TABLE IF NOT EXISTS schema_migrations (
        version    INTEGER PRIMARY KEY,
        name       TEXT    NOT NULL,
        applied_at BIGINT  NOT NULL
    ))sql";

constexpr auto kAppliedVersion = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";

constexpr auto kRecordMigration = R"sql(
    INSERT INTO schema_migrations (version, name, applied_at)
    VALUES (:version, :name, :applied_at))sql";

using schemas::EmbeddedMigration;

/// The migrations this backend runs: a dialect sibling replaces the portable file.
std::map<int, const EmbeddedMigration*> migrations_for(std::string_view backend) {
    std::map<int, const EmbeddedMigration*> chosen;
    for (const EmbeddedMigration& migration : schemas::embedded_migrations()) {
        if (!migration.dialect.empty() && migration.dialect != backend) {
            continue;
        }
        auto [it, inserted] = chosen.try_emplace(migration.version, &migration);
        if (!inserted) {
            if (it->second->dialect.empty() && !migration.dialect.empty()) {
                it->second = &migration;
            } else if (it->second->dialect == migration.dialect) {
                throw std::logic_error("two migrations are numbered " +
                                       std::to_string(migration.version));
            }
        }
    }
    return chosen;
}

int read_applied_version(soci::session& session) {
    // COALESCE(MAX(...)) has no declared type; SOCI converts it to the bound long long.
    long long version = 0;
    session << kAppliedVersion, soci::into(version);
    return static_cast<int>(version);
}

/// Runs a multi-statement script. SOCI prepares one statement per call and would silently
/// drop everything after the first, so the script goes through the backend's own
/// multi-statement call: sqlite3_exec, or libpq's PQexec (simple query protocol).
void exec_script(soci::session& session, std::string_view backend, const std::string& sql) {
    if (backend == "postgresql") {
        auto* postgresql = static_cast<soci::postgresql_session_backend*>(session.get_backend());
        PGresult* result = PQexec(postgresql->conn_, sql.c_str());
        const auto status = PQresultStatus(result);
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
            const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
            std::string text = PQresultErrorMessage(result);
            PQclear(result);
            throw soci::postgresql_soci_error(text, state != nullptr ? state : "XX000");
        }
        PQclear(result);
        return;
    }
    if (backend != "sqlite3") {
        throw std::logic_error("migrations for backend '" + std::string(backend) +
                               "' are not implemented");
    }
    auto* sqlite = static_cast<soci::sqlite3_session_backend*>(session.get_backend());
    char* message = nullptr;
    const int result =
        sqlite_api::sqlite3_exec(sqlite->conn_, sql.c_str(), nullptr, nullptr, &message);
    if (result != SQLITE_OK) {
        std::string text = message != nullptr ? message : "unknown error";
        sqlite_api::sqlite3_free(message);
        throw soci::sqlite3_soci_error(text, result);
    }
}

/// Serialises migrations between processes that share a PostgreSQL database (replicas starting
/// together): a session-level advisory lock held from the first look at schema_migrations to
/// the last migration. SQLite needs none: BEGIN IMMEDIATE serialises writers on the file.
class MigrationLock {
public:
    // Any constant shared by every inmaek process; "inmaek" in ASCII.
    static constexpr long long kKey = 0x696e6d61656b;

    MigrationLock(soci::session& session, std::string_view backend)
        : session_(session), held_(backend == "postgresql") {
        if (held_) session_ << "SELECT pg_advisory_lock(" + std::to_string(kKey) + ")";
    }
    ~MigrationLock() {
        if (!held_) return;
        try {
            session_ << "SELECT pg_advisory_unlock(" + std::to_string(kKey) + ")";
        } catch (const std::exception& error) {
            // The lock ends with the session anyway.
            spdlog::warn("releasing the migration lock failed: {}", error.what());
        }
    }
    MigrationLock(const MigrationLock&) = delete;
    MigrationLock& operator=(const MigrationLock&) = delete;

private:
    soci::session& session_;
    bool held_;
};

std::string begin_statement(std::string_view backend) {
    // IMMEDIATE takes the write lock up front, so two processes migrating at once serialise
    // instead of failing on the lock upgrade.
    return backend == "sqlite3" ? "BEGIN IMMEDIATE" : "BEGIN";
}

}  // namespace

int latest_version() {
    int latest = 0;
    for (const EmbeddedMigration& migration : schemas::embedded_migrations()) {
        latest = std::max(latest, migration.version);
    }
    return latest;
}

int applied_version(soci::session& session) {
    session << kCreateMigrationsTable;
    return read_applied_version(session);
}

int apply_pending(soci::session& session, std::string_view backend) {
    const MigrationLock lock(session, backend);
    const int latest = latest_version();
    const int current = applied_version(session);
    if (current > latest) {
        throw SchemaTooNew("database schema version " + std::to_string(current) +
                           " is newer than this inmaek binary's latest migration " +
                           std::to_string(latest) + "; upgrade inmaek before using it");
    }

    int applied = 0;
    for (const auto& [version, migration] : migrations_for(backend)) {
        if (version <= current) {
            continue;
        }
        session << begin_statement(backend);
        try {
            // Another process may have applied it since we looked.
            if (read_applied_version(session) >= version) {
                session << "ROLLBACK";
                continue;
            }
            exec_script(session, backend, std::string(migration->sql));
            const std::string name(migration->name);
            const long long applied_at = std::chrono::duration_cast<std::chrono::seconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count();
            session << kRecordMigration, soci::use(version), soci::use(name), soci::use(applied_at);
            session << "COMMIT";
        } catch (...) {
            try {
                session << "ROLLBACK";
            } catch (const std::exception& error) {
                spdlog::warn("rollback of migration {} failed: {}", version, error.what());
            }
            throw;
        }
        spdlog::info("applied migration {:04d}_{}", version, migration->name);
        ++applied;
    }
    return applied;
}

}  // namespace inmaek::storage::migrations
