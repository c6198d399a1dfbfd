#pragma once

#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "storage/repositories.hpp"

namespace inmaek::storage {

/// The database cannot be reached or refused the work as a whole (answer 503, retry later).
class Unavailable : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The database was written by a newer inmaek than this binary.
class SchemaTooNew : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct DatabaseOptions {
    std::string url = "sqlite3://db=var/inmaek.db";  ///< SOCI "backend://connect-string"
    std::size_t pool_size = 1;
    int busy_timeout_ms = 5000;
};

/// A unit of work inside a group commit; it throws to roll back only itself.
using Job = std::function<void(UnitOfWork&)>;

/// A consistent, read-only view of the database for long reads (an export): what was committed
/// when it was opened, and nothing committed after. It holds a connection of its own (SQLite:
/// a separate connection in a deferred read transaction, which WAL lets run beside the writer;
/// PostgreSQL: a pooled connection in a REPEATABLE READ READ ONLY transaction), so writers
/// never wait for it. Writes through it fail. One thread at a time; ends when destroyed.
class Snapshot {
public:
    virtual ~Snapshot() = default;
    /// The repositories, reading as of the snapshot.
    virtual UnitOfWork& work() = 0;
};

/// SOCI connection pool, dialect, migrations and transactions.
/// Thread-safe: each call leases one pooled session for its duration.
class Database {
public:
    explicit Database(const DatabaseOptions& options);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    /// Applies pending migrations; throws SchemaTooNew for a database newer than the binary.
    /// Returns the number of migrations applied.
    int migrate();
    /// Highest applied migration number (0 for an empty database).
    int schema_version();
    /// Highest migration this binary knows.
    static int latest_schema_version();

    /// Runs fn in one transaction; commits when it returns, rolls back when it throws.
    template <typename Fn>
    auto transact(Fn&& fn) -> decltype(fn(std::declval<UnitOfWork&>())) {
        using Result = decltype(fn(std::declval<UnitOfWork&>()));
        if constexpr (std::is_void_v<Result>) {
            run_transaction([&](UnitOfWork& work) { fn(work); });
        } else {
            std::optional<Result> result;
            run_transaction([&](UnitOfWork& work) { result.emplace(fn(work)); });
            return std::move(*result);
        }
    }

    /// Group commit: all jobs run in one transaction. A job that throws is rolled back alone
    /// and its exception stored in failures[i] (failures must have jobs.size() entries): the
    /// batch is then replayed with a savepoint per job, so jobs must be safe to run again.
    /// Throws Unavailable if the transaction itself cannot commit.
    void transact_batch(std::span<const Job> jobs, std::span<std::exception_ptr> failures);

    /// Opens a read-only snapshot (see Snapshot); throws Unavailable when the database cannot
    /// give one. On PostgreSQL it leases a pooled connection until destroyed.
    std::unique_ptr<Snapshot> snapshot();

    /// Runs fn over a read-only snapshot opened for it.
    template <typename Fn>
    auto read(Fn&& fn) -> decltype(fn(std::declval<UnitOfWork&>())) {
        const auto view = snapshot();
        return fn(view->work());
    }

    /// True when a trivial query succeeds.
    bool ping();

    /// "sqlite3" or "postgresql".
    [[nodiscard]] const std::string& backend() const;
    [[nodiscard]] std::size_t pool_size() const;

private:
    void run_transaction(const std::function<void(UnitOfWork&)>& fn);
    void open_sqlite(const DatabaseOptions& options);
    void open_postgresql(const DatabaseOptions& options);

    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace inmaek::storage
