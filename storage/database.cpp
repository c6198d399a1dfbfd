#include "storage/database.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include "storage/migrations.hpp"
#include "storage/search_text.hpp"
#include "storage/sql_repositories.hpp"
#include "storage/sql_statement.hpp"
#include "storage/url.hpp"

namespace inmaek::storage {
namespace {

constexpr auto kSqliteBackend = "sqlite3";
constexpr auto kPostgresqlBackend = "postgresql";
constexpr auto kMemoryDatabase = ":memory:";

// IMMEDIATE takes SQLite's write lock at BEGIN: a deferred transaction that reads first and
// writes later can fail its lock upgrade with SQLITE_BUSY without waiting for the timeout.
constexpr auto kBeginImmediate = "BEGIN IMMEDIATE";
constexpr auto kBegin = "BEGIN";
constexpr auto kCommit = "COMMIT";
constexpr auto kRollback = "ROLLBACK";
constexpr auto kSavepoint = "SAVEPOINT inmaek_job";
constexpr auto kReleaseSavepoint = "RELEASE SAVEPOINT inmaek_job";
constexpr auto kRollbackToSavepoint = "ROLLBACK TO SAVEPOINT inmaek_job";
constexpr auto kPing = "SELECT 1";
// A snapshot's transaction: PostgreSQL fixes its snapshot at the first query and keeps it;
// SQLite's deferred BEGIN takes its WAL read mark at the first read, hence kSnapshotRead.
constexpr auto kBeginReadOnly = "BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY";
constexpr auto kSnapshotRead = "SELECT COUNT(*) FROM sqlite_master";
constexpr auto kQueryOnly = "PRAGMA query_only=ON";
constexpr auto kJournalModeWal = "PRAGMA journal_mode=WAL";
constexpr auto kSynchronousNormal = "PRAGMA synchronous=NORMAL";
constexpr auto kForeignKeysOn = "PRAGMA foreign_keys=ON";
// Group commit runs each command under a savepoint; their statement journals stay in memory
// instead of a temporary file that is created, written page by page and unlinked per commit.
constexpr auto kTempStoreMemory = "PRAGMA temp_store=MEMORY";
// /find reads thousands of FTS5 index pages a search: mapped, they are read where the OS keeps
// them instead of copied into SQLite's small page cache one pread() at a time.
constexpr auto kMmapSize = "PRAGMA mmap_size=1073741824";

/// Process-wide SQLite settings, applied once before the first connection opens.
/// - Multi-thread mode: a pooled session is used by one thread at a time, so SQLite's
///   per-connection mutexes (taken on every step, bind and column read) guard nothing.
/// - No memory statistics: they take a global mutex on every allocation.
void configure_sqlite_library() {
    static std::once_flag once;
    std::call_once(once, [] {
        // SQLITE_MISUSE means the library was initialised already (another user of SQLite in
        // this process): it then keeps its defaults, which are safe, only slower.
        if (sqlite_api::sqlite3_config(SQLITE_CONFIG_MULTITHREAD) != SQLITE_OK ||
            sqlite_api::sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK) {
            spdlog::debug("SQLite was initialised before inmaek configured it");
        }
    });
}

/// Copies the write-ahead log back into the database file, mostly off the commit path.
///
/// SQLite's automatic checkpoint runs inside the COMMIT that crosses its threshold: that
/// commit, and every command of its group, waits while a thousand pages are copied and two
/// files are synced. Here each pooled connection reports the log's size after a commit
/// (sqlite3_wal_hook, which replaces the automatic checkpoint):
/// - past kThresholdPages, this thread copies the log with a PASSIVE checkpoint on a
///   connection of its own, which never blocks writers or readers;
/// - the log can only start over when a writer begins while every frame is copied back, and
///   under group commit a writer is almost always inside a transaction. So once the thread has
///   copied the bulk, the committing connection copies the short tail itself, outside any
///   transaction, and its next transaction starts the log over;
/// - past kBackstopPages (the thread fell behind, or readers pin old frames) the committing
///   connection checkpoints whatever is left, as SQLite would have.
/// The threshold is eight times SQLite's default: every group commit rewrites the same hot
/// pages (the right edge of each table and index), and a checkpoint copies only the latest
/// copy of a page, so a longer log means far fewer pages copied per command.
class Checkpointer {
public:
    static constexpr int kThresholdPages = 8000;  // 32 MiB of 4 KiB pages
    static constexpr int kTailPages = 500;
    static constexpr int kBackstopPages = 2 * kThresholdPages;

    explicit Checkpointer(const std::string& connect) {
        session_.open(*soci::factory_sqlite3(), connect);
        thread_ = std::thread([this] { run(); });
    }
    ~Checkpointer() {
        {
            std::lock_guard lock{mutex_};
            stopping_ = true;
        }
        wake_.notify_one();
        thread_.join();
    }
    Checkpointer(const Checkpointer&) = delete;
    Checkpointer& operator=(const Checkpointer&) = delete;

    /// Installs the hook on a pooled connection.
    void watch(soci::session& session) {
        auto* backend = static_cast<soci::sqlite3_session_backend*>(session.get_backend());
        sqlite_api::sqlite3_wal_hook(backend->conn_, &Checkpointer::on_commit, this);
    }

private:
    static int on_commit(void* self, sqlite_api::sqlite3* connection, const char* schema,
                         int pages) {
        auto& checkpointer = *static_cast<Checkpointer*>(self);
        if (pages < kThresholdPages) {
            return SQLITE_OK;
        }
        const int copied = checkpointer.copied_.load(std::memory_order_acquire);
        const bool tail_left = copied > 0 && pages - copied <= kTailPages;
        if (tail_left || pages >= kBackstopPages) {
            int log_frames = 0;
            int copied_frames = 0;
            if (sqlite_api::sqlite3_wal_checkpoint_v2(connection, schema, SQLITE_CHECKPOINT_PASSIVE,
                                                      &log_frames, &copied_frames) == SQLITE_OK &&
                copied_frames >= log_frames) {
                checkpointer.copied_.store(0, std::memory_order_release);
            }
        } else {
            checkpointer.request();
        }
        return SQLITE_OK;
    }

    void request() {
        {
            std::lock_guard lock{mutex_};
            if (requested_) return;
            requested_ = true;
        }
        wake_.notify_one();
    }

    void run() {
        auto* backend = static_cast<soci::sqlite3_session_backend*>(session_.get_backend());
        std::unique_lock lock{mutex_};
        for (;;) {
            wake_.wait(lock, [this] { return stopping_ || requested_; });
            if (stopping_) return;
            lock.unlock();
            copy(backend->conn_);
            lock.lock();
            requested_ = false;
        }
    }

    void copy(sqlite_api::sqlite3* connection) {
        if (!attached_) {
            // A connection that has read nothing yet does not know the file is in WAL mode
            // (a checkpoint would report -1 frames); reading the mode opens the log.
            std::string mode;
            session_ << "PRAGMA journal_mode", soci::into(mode);
            attached_ = mode == "wal";
            if (!attached_) return;
        }
        int log_frames = 0;
        int copied_frames = 0;
        const int result = sqlite_api::sqlite3_wal_checkpoint_v2(
            connection, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log_frames, &copied_frames);
        if (result != SQLITE_OK) {
            spdlog::warn("WAL checkpoint failed: {}", sqlite_api::sqlite3_errstr(result));
            return;
        }
        copied_.store(std::max(copied_frames, 0), std::memory_order_release);
    }

    soci::session session_;
    std::atomic<int> copied_{0};  // frames of the current log already in the database file
    std::mutex mutex_;
    std::condition_variable wake_;
    bool requested_ = false;  // also true while a copy runs: one at a time
    bool stopping_ = false;
    bool attached_ = false;  // only touched by thread_
    std::thread thread_;
};

/// A driver message on one line: libpq's span several ("...failed: Connection refused\n\tIs
/// the server running...") and would break the one-line-per-event log.
std::string one_line(std::string_view message) {
    std::string line;
    line.reserve(message.size());
    bool space = false;
    for (const char c : message) {
        if (c == '\n' || c == '\t' || c == '\r' || c == ' ') {
            space = true;
            continue;
        }
        if (space && !line.empty()) line += ' ';
        space = false;
        line += c;
    }
    return line;
}

/// Errors that say "the database cannot do any work now" rather than "this work is wrong".
bool is_unavailable_error(const soci::soci_error& error) {
    if (const auto* sqlite = dynamic_cast<const soci::sqlite3_soci_error*>(&error)) {
        switch (sqlite->result() & 0xff) {
            case SQLITE_BUSY:
            case SQLITE_LOCKED:
            case SQLITE_NOMEM:
            case SQLITE_READONLY:
            case SQLITE_IOERR:
            case SQLITE_CORRUPT:
            case SQLITE_FULL:
            case SQLITE_CANTOPEN:
            case SQLITE_PROTOCOL:
            case SQLITE_NOTADB:
            case SQLITE_PERM: return true;
            default: return false;
        }
    }
    if (const auto* postgresql = dynamic_cast<const soci::postgresql_soci_error*>(&error)) {
        // 08: connection exception; 57P0x: the server shuts down or is starting; 53: out of
        // resources (connections, disk, memory); 40001/40P01: serialization failure and
        // deadlock, which a retry of the whole request resolves.
        const std::string state = postgresql->sqlstate();
        if (state.starts_with("08") || state.starts_with("57P0") || state.starts_with("53") ||
            state == "40001" || state == "40P01") {
            return true;
        }
    }
    return error.get_error_category() == soci::soci_error::connection_error;
}

/// True for a PostgreSQL error that another transaction caused and a new try of the same work
/// resolves: a unique key another transaction inserted first, a deadlock, a serialization
/// failure. (SQLite runs one writer at a time: it has no such conflicts.)
bool is_conflict(const std::exception_ptr& error) {
    try {
        std::rethrow_exception(error);
    } catch (const soci::postgresql_soci_error& postgresql) {
        const std::string state = postgresql.sqlstate();
        return state == "23505" || state == "40001" || state == "40P01";
    } catch (...) {
        return false;
    }
}

/// How often one job of a group commit runs when it keeps conflicting with other transactions.
constexpr int kConflictAttempts = 3;

/// error, or an Unavailable in its place when it is a connection-level failure.
std::exception_ptr translated(std::exception_ptr error) {
    try {
        std::rethrow_exception(error);
    } catch (const soci::soci_error& soci_error) {
        if (is_unavailable_error(soci_error)) {
            return std::make_exception_ptr(
                Unavailable("database unavailable: " + one_line(soci_error.what())));
        }
    } catch (...) {
    }
    return error;
}

/// A pooled session leased for the lifetime of this object.
class Lease {
public:
    explicit Lease(soci::connection_pool& pool) : pool_(pool), position_(pool.lease()) {}
    Lease(soci::connection_pool& pool, std::size_t position) : pool_(pool), position_(position) {}
    ~Lease() { pool_.give_back(position_); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

    [[nodiscard]] std::size_t position() const { return position_; }

private:
    soci::connection_pool& pool_;
    std::size_t position_;
};

/// What lives as long as one pooled session: its repositories and its prepared
/// transaction-control statements.
struct Slot {
    explicit Slot(soci::session& pooled) : session(pooled), work(pooled) {}

    soci::session& session;
    sql::SqlUnitOfWork work;
    sql::CachedStatement begin;
    sql::CachedStatement commit;
    sql::CachedStatement rollback;
    sql::CachedStatement savepoint;
    sql::CachedStatement release;
    sql::CachedStatement rollback_to;
};

void execute(Slot& slot, sql::CachedStatement& cached, const char* sql) {
    auto& statement = cached.get(slot.session, sql, [](soci::statement&) {});
    sql::guarded(cached, [&] { sql::run(statement); });
}

/// inmaek_two_character_tokens(text): search_text::two_character_tokens in SQL, for migrations
/// that index documents (schemas/0013); NULL for NULL.
void two_character_tokens_function(sqlite_api::sqlite3_context* context, int /*argc*/,
                                   sqlite_api::sqlite3_value** argv) {
    const auto* text = sqlite_api::sqlite3_value_text(argv[0]);
    if (text == nullptr) {
        sqlite_api::sqlite3_result_null(context);
        return;
    }
    const auto tokens = search_text::two_character_tokens(
        {reinterpret_cast<const char*>(text),
         static_cast<std::size_t>(sqlite_api::sqlite3_value_bytes(argv[0]))});
    using sqlite_api::sqlite3_destructor_type;  // named by SQLITE_TRANSIENT
    sqlite_api::sqlite3_result_text(context, tokens.data(), static_cast<int>(tokens.size()),
                                    SQLITE_TRANSIENT);
}

void configure_sqlite(soci::session& session,
                      const std::map<std::string, std::string, std::less<>>& parameters,
                      int busy_timeout_ms, bool in_memory) {
    auto* backend = static_cast<soci::sqlite3_session_backend*>(session.get_backend());
    // An explicit timeout= (seconds) in the connect string was already applied by SOCI.
    if (!parameters.contains("timeout")) {
        sqlite_api::sqlite3_busy_timeout(backend->conn_, busy_timeout_ms);
    }
    if (sqlite_api::sqlite3_create_function_v2(
            backend->conn_, "inmaek_two_character_tokens", 1,
            SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY, nullptr,
            &two_character_tokens_function, nullptr, nullptr, nullptr) != SQLITE_OK) {
        throw std::runtime_error("cannot register inmaek_two_character_tokens with SQLite");
    }
    std::string journal_mode;
    session << kJournalModeWal, soci::into(journal_mode);
    if (!in_memory && journal_mode != "wal") {
        spdlog::warn("SQLite refused WAL (journal_mode is '{}'); writers will block readers",
                     journal_mode);
    }
    if (!parameters.contains("synchronous")) {
        session << kSynchronousNormal;
    }
    session << kForeignKeysOn;
    session << kTempStoreMemory;
    if (!in_memory) session << kMmapSize;
}

/// A snapshot on a SQLite connection of its own: in WAL mode its read transaction sees the
/// database as of its first read while the pool's connections go on writing.
class SqliteSnapshot final : public Snapshot {
public:
    SqliteSnapshot(const std::string& connect, int busy_timeout_ms, bool timeout_given) {
        session_.open(*soci::factory_sqlite3(), connect);
        auto* backend = static_cast<soci::sqlite3_session_backend*>(session_.get_backend());
        if (!timeout_given) sqlite_api::sqlite3_busy_timeout(backend->conn_, busy_timeout_ms);
        session_ << kQueryOnly;
        session_ << kBegin;
        int objects = 0;
        session_ << kSnapshotRead, soci::into(objects);
        work_.emplace(session_);
    }
    ~SqliteSnapshot() override {
        // The repositories' statements go first: an open statement would keep the read open.
        work_.reset();
        try {
            session_ << kCommit;
        } catch (const std::exception& error) {
            spdlog::debug("snapshot end: {}", error.what());
        }
    }
    SqliteSnapshot(const SqliteSnapshot&) = delete;
    SqliteSnapshot& operator=(const SqliteSnapshot&) = delete;

    UnitOfWork& work() override { return *work_; }

private:
    soci::session session_;
    std::optional<sql::SqlUnitOfWork> work_;
};

/// A snapshot on a leased pooled connection (PostgreSQL; SQLite's one :memory: connection).
class PooledSnapshot final : public Snapshot {
public:
    /// Adopts the lease of `position`, given back when this object dies.
    PooledSnapshot(soci::connection_pool& pool, std::size_t position) : lease_(pool, position) {}
    ~PooledSnapshot() override {
        if (slot_ == nullptr) return;
        try {
            execute(*slot_, slot_->commit, kCommit);
        } catch (const std::exception& error) {
            // A lost connection: the pool reconnects it before its next use.
            spdlog::debug("snapshot end: {}", error.what());
        }
    }
    PooledSnapshot(const PooledSnapshot&) = delete;
    PooledSnapshot& operator=(const PooledSnapshot&) = delete;

    /// Starts the read-only transaction on the leased connection's slot.
    void begin(Slot& slot, const char* begin_sql, bool sqlite) {
        try {
            slot.session << begin_sql;
            slot_ = &slot;
            if (sqlite) {
                int objects = 0;
                slot.session << kSnapshotRead, soci::into(objects);
            }
        } catch (const soci::soci_error& error) {
            throw Unavailable("cannot open a snapshot: " + one_line(error.what()));
        }
    }

    UnitOfWork& work() override { return slot_->work; }

private:
    Lease lease_;
    Slot* slot_ = nullptr;
};

}  // namespace

struct Database::Impl {
    explicit Impl(std::size_t size) : pool_size(size), pool(size) {}

    std::string backend;
    std::string connect;         // the SOCI connect string; may hold a password: never logged
    bool in_memory = false;      // SQLite :memory:: one connection holds the database
    bool timeout_given = false;  // SQLite: the connect string sets its own busy timeout
    std::size_t pool_size;
    int busy_timeout_ms = 0;
    const char* begin_sql = kBegin;
    soci::connection_pool pool;
    // Declared after the pool: the slots' statements must die before their sessions.
    std::vector<std::unique_ptr<Slot>> slots;
    // Declared last: it stops before the pooled connections that call it close.
    std::unique_ptr<Checkpointer> checkpointer;

    [[nodiscard]] bool is_postgresql() const { return backend == kPostgresqlBackend; }

    /// The slot of a leased session, reconnected first if its PostgreSQL connection was lost
    /// (a server restart, a failover, a network cut): the server recovers by itself once the
    /// database is back. Throws Unavailable while it is not.
    Slot& ready(std::size_t position) {
        auto& slot = slots[position];
        if (!is_postgresql() || (slot && connected(slot->session))) {
            return *slot;
        }
        soci::session& session = pool.at(position);
        // The prepared statements belonged to the lost connection; they go first.
        slot.reset();
        try {
            session.reconnect();
        } catch (const soci::soci_error& error) {
            throw Unavailable("cannot reconnect to PostgreSQL: " + one_line(error.what()));
        }
        quiet_notices(session);
        spdlog::info("database connection {} re-established", position);
        slot = std::make_unique<Slot>(session);
        return *slot;
    }

    /// Routes the server's notices ("relation already exists, skipping") to the debug log;
    /// libpq would print them on stderr.
    static void quiet_notices(soci::session& session) {
        auto* backend = static_cast<soci::postgresql_session_backend*>(session.get_backend());
        PQsetNoticeProcessor(
            backend->conn_,
            [](void*, const char* message) {
                std::string_view text(message);
                while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
                spdlog::debug("postgresql: {}", text);
            },
            nullptr);
    }

    static bool connected(soci::session& session) {
        auto* backend = static_cast<soci::postgresql_session_backend*>(session.get_backend());
        return backend != nullptr && backend->conn_ != nullptr &&
               PQstatus(backend->conn_) == CONNECTION_OK;
    }

    /// error, or Unavailable in its place when the session's connection is gone.
    [[nodiscard]] std::exception_ptr classified(Slot& slot, std::exception_ptr error) const {
        if (is_postgresql() && !connected(slot.session)) {
            try {
                std::rethrow_exception(error);
            } catch (const std::exception& e) {
                return std::make_exception_ptr(
                    Unavailable("database connection lost: " + one_line(e.what())));
            } catch (...) {
                return error;
            }
        }
        return translated(error);
    }

    void begin(Slot& slot) const {
        try {
            execute(slot, slot.begin, begin_sql);
        } catch (const soci::soci_error& error) {
            throw Unavailable(std::string("cannot begin a transaction: ") + error.what());
        }
    }

    static void rollback(Slot& slot) noexcept {
        try {
            execute(slot, slot.rollback, kRollback);
        } catch (const std::exception& error) {
            // SQLite rolls back by itself after some errors; nothing is left to undo then.
            spdlog::debug("rollback: {}", error.what());
        }
    }

    static void commit(Slot& slot) {
        try {
            execute(slot, slot.commit, kCommit);
        } catch (const soci::soci_error& error) {
            rollback(slot);
            throw Unavailable(std::string("cannot commit: ") + error.what());
        }
    }
};

Database::Database(const DatabaseOptions& options) {
    const Url url = parse_url(options.url);
    if (url.backend != kSqliteBackend && url.backend != kPostgresqlBackend) {
        throw std::invalid_argument("database backend '" + url.backend +
                                    "' is not supported (use sqlite3 or postgresql)");
    }
    if (options.pool_size == 0) {
        throw std::invalid_argument("database pool size must be at least 1");
    }
    impl_ = std::make_unique<Impl>(options.pool_size);
    impl_->backend = url.backend;
    impl_->connect = url.connect;
    impl_->busy_timeout_ms = options.busy_timeout_ms;
    impl_->slots.reserve(options.pool_size);
    if (url.backend == kPostgresqlBackend) {
        open_postgresql(options);
    } else {
        open_sqlite(options);
    }
}

void Database::open_postgresql(const DatabaseOptions& options) {
    impl_->begin_sql = kBegin;
    for (std::size_t i = 0; i < options.pool_size; ++i) {
        soci::session& session = impl_->pool.at(i);
        try {
            session.open(*soci::factory_postgresql(), impl_->connect);
            Impl::quiet_notices(session);
        } catch (const soci::soci_error& error) {
            // libpq's messages name host, port, database and user, never the password.
            throw Unavailable("cannot connect to PostgreSQL: " + one_line(error.what()));
        }
        impl_->slots.push_back(std::make_unique<Slot>(session));
    }
}

void Database::open_sqlite(const DatabaseOptions& options) {
    const auto parameters = parse_connect_string(impl_->connect);
    const auto db = parameters.find("db") != parameters.end() ? parameters.find("db")
                                                              : parameters.find("dbname");
    if (db == parameters.end() || db->second.empty()) {
        throw std::invalid_argument("sqlite3 database url names no file (db=...)");
    }
    const std::string& file = db->second;
    const bool in_memory = file == kMemoryDatabase;
    if (in_memory && options.pool_size != 1) {
        // Each SQLite connection to :memory: opens its own, empty database.
        throw std::invalid_argument(
            "sqlite3 db=:memory: belongs to one connection; use pool size 1 or a file");
    }
    if (!in_memory && !file.starts_with("file:")) {
        const auto parent = std::filesystem::path(file).parent_path();
        std::error_code error;
        if (!parent.empty() && !std::filesystem::create_directories(parent, error) && error) {
            throw Unavailable("cannot create database directory " + parent.string() + ": " +
                              error.message());
        }
    }

    configure_sqlite_library();
    impl_->begin_sql = kBeginImmediate;
    impl_->in_memory = in_memory;
    impl_->timeout_given = parameters.contains("timeout");
    for (std::size_t i = 0; i < options.pool_size; ++i) {
        soci::session& session = impl_->pool.at(i);
        try {
            session.open(*soci::factory_sqlite3(), impl_->connect);
            configure_sqlite(session, parameters, options.busy_timeout_ms, in_memory);
        } catch (const soci::soci_error& error) {
            throw Unavailable("cannot open database " + file + ": " + error.what());
        }
        impl_->slots.push_back(std::make_unique<Slot>(session));
    }
    if (!in_memory) {
        try {
            impl_->checkpointer = std::make_unique<Checkpointer>(impl_->connect);
        } catch (const soci::soci_error& error) {
            throw Unavailable("cannot open database " + file + ": " + error.what());
        }
        for (std::size_t i = 0; i < options.pool_size; ++i) {
            impl_->checkpointer->watch(impl_->pool.at(i));
        }
    }
}

Database::~Database() = default;

int Database::migrate() {
    Lease lease(impl_->pool);
    try {
        return migrations::apply_pending(impl_->ready(lease.position()).session, impl_->backend);
    } catch (const soci::soci_error&) {
        std::rethrow_exception(translated(std::current_exception()));
    }
}

int Database::schema_version() {
    Lease lease(impl_->pool);
    try {
        return migrations::applied_version(impl_->ready(lease.position()).session);
    } catch (const soci::soci_error&) {
        std::rethrow_exception(translated(std::current_exception()));
    }
}

int Database::latest_schema_version() {
    return migrations::latest_version();
}

void Database::run_transaction(const std::function<void(UnitOfWork&)>& fn) {
    Lease lease(impl_->pool);
    Slot& slot = impl_->ready(lease.position());
    impl_->begin(slot);
    try {
        fn(slot.work);
    } catch (...) {
        const auto error = impl_->classified(slot, std::current_exception());
        Impl::rollback(slot);
        std::rethrow_exception(error);
    }
    Impl::commit(slot);
}

void Database::transact_batch(std::span<const Job> jobs, std::span<std::exception_ptr> failures) {
    if (failures.size() < jobs.size()) {
        throw std::invalid_argument("transact_batch needs one failure slot per job");
    }
    std::fill_n(failures.begin(), jobs.size(), nullptr);
    if (jobs.empty()) {
        return;
    }
    Lease lease(impl_->pool);
    Slot& slot = impl_->ready(lease.position());
    // Optimistic pass without savepoints: a savepoint copies every page a job touches into
    // the statement journal, about a sixth of a job's cost. Jobs rarely throw (a user's
    // mistake is a reply, not an exception), so when one does, the whole batch is rolled
    // back and replayed below with a savepoint per job. Jobs must therefore be safe to run
    // again after a rollback, which holds as long as their only effects are in the database
    // and in the result they overwrite.
    impl_->begin(slot);
    bool all_succeeded = true;
    for (const auto& job : jobs) {
        try {
            job(slot.work);
        } catch (...) {
            all_succeeded = false;
            break;
        }
    }
    if (all_succeeded) {
        Impl::commit(slot);
        return;
    }
    Impl::rollback(slot);

    impl_->begin(slot);
    try {
        for (std::size_t i = 0; i < jobs.size(); ++i) {
            for (int attempt = 1;; ++attempt) {
                bool conflict = false;
                execute(slot, slot.savepoint, kSavepoint);
                try {
                    jobs[i](slot.work);
                    failures[i] = nullptr;
                } catch (...) {
                    conflict = is_conflict(std::current_exception());
                    failures[i] = impl_->classified(slot, std::current_exception());
                    // Undo this job only; the savepoint stays open until released below.
                    execute(slot, slot.rollback_to, kRollbackToSavepoint);
                }
                execute(slot, slot.release, kReleaseSavepoint);
                // A conflict with another transaction that has ended by now (both inserted
                // the same new company; a deadlock PostgreSQL broke by failing this one):
                // run the job again, which now sees the other's rows.
                if (!conflict || attempt == kConflictAttempts) {
                    break;
                }
            }
        }
    } catch (const soci::soci_error& error) {
        // A savepoint statement failed: the transaction as a whole is no longer trustworthy.
        Impl::rollback(slot);
        throw Unavailable(std::string("group commit failed: ") + error.what());
    }
    Impl::commit(slot);
}

std::unique_ptr<Snapshot> Database::snapshot() {
    if (!impl_->is_postgresql() && !impl_->in_memory) {
        try {
            return std::make_unique<SqliteSnapshot>(impl_->connect, impl_->busy_timeout_ms,
                                                    impl_->timeout_given);
        } catch (const soci::soci_error& error) {
            throw Unavailable("cannot open a snapshot: " + one_line(error.what()));
        }
    }
    const std::size_t position = impl_->pool.lease();
    auto snapshot = std::make_unique<PooledSnapshot>(impl_->pool, position);
    const bool sqlite = !impl_->is_postgresql();
    snapshot->begin(impl_->ready(position), sqlite ? kBegin : kBeginReadOnly, sqlite);
    return snapshot;
}

bool Database::ping() {
    std::size_t position = 0;
    if (!impl_->pool.try_lease(position, std::max(impl_->busy_timeout_ms, 1))) {
        return false;
    }
    Lease lease(impl_->pool, position);
    try {
        int one = 0;
        impl_->ready(position).session << kPing, soci::into(one);
        return one == 1;
    } catch (const std::exception& error) {
        spdlog::debug("ping failed: {}", error.what());
        return false;
    }
}

const std::string& Database::backend() const {
    return impl_->backend;
}

std::size_t Database::pool_size() const {
    return impl_->pool_size;
}

}  // namespace inmaek::storage
