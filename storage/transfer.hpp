#pragma once

// `inmaek migrate-data`: copies a whole SQLite database into PostgreSQL, ids, history and audit
// included, in one transaction on the target.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace inmaek::storage {

/// Nothing was copied because of how things stand: wrong kinds of URL, a missing source, a
/// source at another schema version, a target that has rows (without force), a target table
/// in use. The message says what to do; it never holds a password.
class TransferRefused : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The copy failed part-way (a value the target refuses, a lost connection, counts that
/// differ); the target's transaction was rolled back, so it is as it was.
class TransferFailed : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct TransferProgress {
    std::string_view table;
    std::size_t table_number = 0;  ///< 1-based, in copy order
    std::size_t table_count = 0;
    std::int64_t rows_done = 0;
    std::int64_t rows_total = 0;
};

struct TransferOptions {
    std::string from_url;           ///< sqlite3://db=FILE
    std::string to_url;             ///< postgresql://host=… dbname=… user=…
    bool force = false;             ///< delete the target's rows first instead of refusing them
    std::size_t batch_rows = 1000;  ///< rows sent (and progress reported) at a time
    std::function<void(const TransferProgress&)> progress;
};

/// One copied table.
struct TableTransfer {
    std::string table;
    std::int64_t source_rows = 0;
    std::int64_t target_rows = 0;   ///< counted in the target after the copy
    std::int64_t deleted_rows = 0;  ///< rows the target had before (only with force)
};

struct TransferResult {
    std::vector<TableTransfer> tables;  ///< in copy (foreign-key dependency) order
    int schema_version = 0;
    int sequences_reset = 0;
    std::chrono::milliseconds elapsed{0};

    [[nodiscard]] std::int64_t rows() const;
};

/// Copies every table of the SQLite database of options.from_url (its list, columns and
/// foreign keys read from the database itself; not schema_migrations) into the PostgreSQL
/// database of options.to_url, keeping every id:
/// - the source must be at this binary's schema version; the target is migrated to it;
/// - in one transaction on the target: its tables are locked against writers, refused when
///   any has rows (or, with force, emptied in reverse dependency order), filled table by
///   table in dependency order with COPY from one read snapshot of the source, their identity
///   sequences set past the copied ids, and their row counts compared with the source's;
///   anything wrong rolls it all back.
/// Throws TransferRefused or TransferFailed.
TransferResult transfer_database(const TransferOptions& options);

}  // namespace inmaek::storage
