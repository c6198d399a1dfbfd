#include "storage/backup.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <system_error>
#include <utility>

#include "storage/sqlite_connection.hpp"
#include "storage/url.hpp"

namespace inmaek::storage {
namespace {

constexpr auto kSqliteBackend = "sqlite3";
constexpr auto kMemoryDatabase = ":memory:";
constexpr auto kPartialSuffix = ".partial";
constexpr int kBusyWaitMs = 50;

/// The file the backup is written to before it is checked: removed (with any journal SQLite
/// left beside it) when it exists from an earlier failed run, and again unless kept.
class PartialFile {
public:
    explicit PartialFile(std::filesystem::path path) : path_(std::move(path)) { remove(); }
    ~PartialFile() {
        if (!kept_) remove();
    }
    PartialFile(const PartialFile&) = delete;
    PartialFile& operator=(const PartialFile&) = delete;

    [[nodiscard]] const std::filesystem::path& path() const { return path_; }
    void keep() { kept_ = true; }

private:
    void remove() noexcept {
        for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
            std::error_code ignored;
            std::filesystem::remove(path_.string() + suffix, ignored);
        }
    }

    std::filesystem::path path_;
    bool kept_ = false;
};

/// Makes a rename in `directory` durable (best effort: some file systems refuse).
void sync_directory(const std::filesystem::path& directory) {
    const int descriptor =
        ::open(directory.empty() ? "." : directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (descriptor >= 0) {
        ::fsync(descriptor);
        ::close(descriptor);
    }
}

std::string exists_message(const std::filesystem::path& to) {
    return to.string() + " exists; pass --force to replace it";
}

/// Gives the checked copy its name. Without `replace`, link() refuses a file that appeared
/// meanwhile, where rename() would replace it.
void publish(const std::filesystem::path& from, const std::filesystem::path& to, bool replace) {
    std::error_code error;
    if (!replace && ::link(from.c_str(), to.c_str()) == 0) {
        std::filesystem::remove(from, error);
    } else if (!replace && errno == EEXIST) {
        throw BackupFailed(exists_message(to));
    } else if (!replace && errno != EPERM && errno != ENOTSUP && errno != EOPNOTSUPP) {
        throw BackupFailed("cannot name the backup " + to.string() + ": " + std::strerror(errno));
    } else {
        // Replacing, or a file system without hard links.
        if (!replace && std::filesystem::exists(to)) throw BackupFailed(exists_message(to));
        std::filesystem::rename(from, to, error);
        if (error) {
            throw BackupFailed("cannot name the backup " + to.string() + ": " + error.message());
        }
    }
    sync_directory(to.parent_path());
}

struct BackupDeleter {
    void operator()(sqlite3_backup* backup) const { sqlite3_backup_finish(backup); }
};

/// Copies every page of `source` into `copy`, step by step; returns the page count.
std::int64_t copy_pages(sqlite::Connection& source, sqlite::Connection& copy,
                        const BackupOptions& options, int& busy_waits) {
    std::unique_ptr<sqlite3_backup, BackupDeleter> backup(
        sqlite3_backup_init(copy.get(), "main", source.get(), "main"));
    if (!backup) copy.check(sqlite3_errcode(copy.get()), "cannot start the backup");
    const int pages_per_step = options.pages_per_step > 0 ? options.pages_per_step : -1;
    int waited_ms = 0;
    for (;;) {
        const int code = sqlite3_backup_step(backup.get(), pages_per_step);
        const std::int64_t total = sqlite3_backup_pagecount(backup.get());
        if (options.progress)
            options.progress(total - sqlite3_backup_remaining(backup.get()), total);
        if (code == SQLITE_DONE) break;
        if (code == SQLITE_OK) {
            waited_ms = 0;
            continue;
        }
        const int primary = code & 0xff;
        if ((primary == SQLITE_BUSY || primary == SQLITE_LOCKED) &&
            waited_ms < options.busy_timeout_ms) {
            sqlite3_sleep(kBusyWaitMs);
            waited_ms += kBusyWaitMs;
            ++busy_waits;
            continue;
        }
        // The step's error is reported on the copy's connection once the backup is finished.
        backup.reset();
        copy.check(code, "the backup stopped");
    }
    const std::int64_t pages = sqlite3_backup_pagecount(backup.get());
    copy.check(sqlite3_backup_finish(backup.release()), "cannot finish the backup");
    return pages;
}

/// Throws BackupFailed unless `file` passes PRAGMA integrity_check and holds `expected`.
void verify(const std::filesystem::path& file,
            const std::vector<std::pair<std::string, std::int64_t>>& expected,
            int busy_timeout_ms) {
    sqlite::Connection copy(file.string(), SQLITE_OPEN_READONLY, busy_timeout_ms);
    std::string problems;
    {
        sqlite::Statement check(copy, "PRAGMA integrity_check");
        while (check.step()) {
            if (check.text(0) != "ok") problems += "\n  " + std::string(check.text(0));
        }
    }
    if (!problems.empty()) {
        throw BackupFailed("the copy fails PRAGMA integrity_check:" + problems);
    }
    const auto found = copy.row_counts();
    if (found != expected) {
        std::string difference;
        for (const auto& [table, rows] : expected)
            difference += " " + table + "=" + std::to_string(rows);
        difference += "; the copy has";
        for (const auto& [table, rows] : found)
            difference += " " + table + "=" + std::to_string(rows);
        throw BackupFailed("the copy's row counts differ from the source's: the source has" +
                           difference);
    }
}

bool same_file(const std::filesystem::path& a, const std::filesystem::path& b) {
    std::error_code ignored;
    return std::filesystem::equivalent(a, b, ignored);
}

/// `value` as one word of a POSIX shell command.
std::string shell_word(std::string_view value) {
    const bool plain = !value.empty() && value.find_first_not_of(
                                             "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                             "0123456789_./:@%+=,-") == std::string_view::npos;
    if (plain) return std::string(value);
    std::string word = "'";
    for (const char c : value) {
        if (c == '\'') {
            word += "'\\''";
        } else {
            word += c;
        }
    }
    return word + "'";
}

}  // namespace

BackupResult backup_sqlite(const std::string& database_url, const BackupOptions& options) {
    const auto started = std::chrono::steady_clock::now();
    const Url url = parse_url(database_url);
    if (url.backend != kSqliteBackend) {
        throw BackupFailed("inmaek backup copies sqlite3 databases; back up " + url.backend +
                           " with pg_dump");
    }
    const std::string source_file = sqlite_file(parse_connect_string(url.connect));
    if (source_file == kMemoryDatabase) {
        throw BackupFailed("an in-memory database (db=:memory:) has no file to back up");
    }
    if (options.to.empty()) throw BackupFailed("no backup file given");
    if (std::filesystem::is_directory(options.to)) {
        throw BackupFailed(options.to.string() + " is a directory; name the backup file");
    }
    if (same_file(options.to, source_file)) {
        throw BackupFailed(options.to.string() + " is the database itself");
    }
    if (!options.force && std::filesystem::exists(options.to)) {
        throw BackupFailed(exists_message(options.to));
    }

    BackupResult result;
    result.file = options.to;
    PartialFile partial(options.to.string() + kPartialSuffix);
    std::vector<std::pair<std::string, std::int64_t>> counts;
    try {
        {
            // READWRITE without CREATE: a missing database is an error, not a new empty file.
            sqlite::Connection source(source_file, SQLITE_OPEN_READWRITE, options.busy_timeout_ms);
            source.exec("PRAGMA query_only = ON");
            // One read transaction for the whole copy: every step reads the same snapshot, so
            // commits of the server meanwhile neither restart the backup nor change what it
            // copies, and the row counts below are the copy's. In WAL mode writers go on; in
            // rollback-journal mode they wait (busy timeout) while the pages are copied.
            source.exec("BEGIN");
            counts = source.row_counts();
            sqlite::Connection copy(partial.path().string(),
                                    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                                    options.busy_timeout_ms);
            result.pages = copy_pages(source, copy, options, result.busy_waits);
            source.exec("COMMIT");
            // The copy carries the source's WAL flag; as a backup it is better one file.
            copy.exec("PRAGMA journal_mode = DELETE");
        }
        verify(partial.path(), counts, options.busy_timeout_ms);
    } catch (const sqlite::Error& error) {
        throw BackupFailed(std::string("backup failed: ") + error.what());
    }
    result.bytes = static_cast<std::int64_t>(std::filesystem::file_size(partial.path()));
    publish(partial.path(), options.to, options.force);
    partial.keep();
    for (auto& [table, rows] : counts) result.tables.push_back({std::move(table), rows});
    result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    return result;
}

std::string pg_dump_command(const std::string& database_url, const std::filesystem::path& to) {
    const auto parameters = parse_connect_string(parse_url(database_url).connect);
    std::string command = "pg_dump --format=custom --file=" + shell_word(to.string());
    // libpq's keywords and pg_dump's options; the password stays out on purpose.
    constexpr std::pair<const char*, const char*> kOptions[] = {
        {"host", "--host"}, {"port", "--port"}, {"user", "--username"}, {"dbname", "--dbname"}};
    for (const auto& [keyword, option] : kOptions) {
        const auto value = parameters.find(keyword);
        if (value != parameters.end() && !value->second.empty()) {
            command += std::string(" ") + option + "=" + shell_word(value->second);
        }
    }
    return command;
}

}  // namespace inmaek::storage
