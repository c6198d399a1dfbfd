#pragma once

// `inmaek backup`: an online copy of a SQLite database while the server keeps serving, through
// SQLite's backup API, checked before it is given its name. PostgreSQL databases are backed up
// with pg_dump; pg_dump_command() says how.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace inmaek::storage {

/// The backup was not taken: the target exists, the source is not a SQLite file, the copy
/// failed its checks. The message says which; it never holds a password.
class BackupFailed : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Rows of one table.
struct TableRows {
    std::string table;
    std::int64_t rows = 0;
};

struct BackupOptions {
    std::filesystem::path to;  ///< the backup file; written as <to>.partial, renamed at the end
    bool force = false;        ///< replace an existing file at `to`
    int pages_per_step = 1024;
    int busy_timeout_ms = 5000;  ///< how long to wait for a lock, per step
    /// Called after each step with the pages copied so far and the database's page count.
    std::function<void(std::int64_t done, std::int64_t total)> progress;
};

struct BackupResult {
    std::filesystem::path file;
    std::int64_t pages = 0;
    std::int64_t bytes = 0;
    std::vector<TableRows> tables;  ///< the same in the source's snapshot and in the copy
    int busy_waits = 0;             ///< steps that found the database locked and waited
    std::chrono::milliseconds elapsed{0};
};

/// Copies the SQLite database of `database_url` (sqlite3://db=FILE) to options.to from a
/// connection of its own, in steps of options.pages_per_step pages over one read snapshot, so
/// writers go on meanwhile (WAL). The copy is written to <to>.partial, converted to a
/// single-file database (journal_mode DELETE), checked (PRAGMA integrity_check is "ok", every
/// table has the row count of the snapshot) and only then renamed to `to`. Refuses an
/// existing `to` unless options.force. Throws BackupFailed, removing the partial file.
BackupResult backup_sqlite(const std::string& database_url, const BackupOptions& options);

/// The pg_dump command that backs up the PostgreSQL database of `database_url` to `to`
/// (custom format), from its host, port, dbname and user; never its password, which pg_dump
/// takes from PGPASSWORD or ~/.pgpass. Values are quoted for a POSIX shell.
std::string pg_dump_command(const std::string& database_url, const std::filesystem::path& to);

}  // namespace inmaek::storage
