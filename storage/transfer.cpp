#include "storage/transfer.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <filesystem>
#include <numeric>
#include <set>
#include <utility>

#include "storage/database.hpp"
#include "storage/sqlite_connection.hpp"
#include "storage/url.hpp"

namespace inmaek::storage {
namespace {

constexpr auto kSqliteBackend = "sqlite3";
constexpr auto kPostgresqlBackend = "postgresql";
// The migration runner's own table: the target has its rows from migrate().
constexpr auto kMigrationsTable = "schema_migrations";
// Kept by the target's triggers as the leads and follow-ups are copied (schemas/0007): copying
// their rows as well would count everything twice. search_pending (0010) is SQLite's queue of
// documents to index; the target indexes the copied rows by its own triggers.
constexpr std::array<std::string_view, 3> kTriggerKeptTables{"pipeline_totals", "follow_up_totals",
                                                             "search_pending"};
constexpr int kBusyTimeoutMs = 5000;

constexpr auto kSourceColumns = "SELECT name FROM pragma_table_info(?1) ORDER BY cid";
constexpr auto kSourceReferences = "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?1)";
constexpr auto kTargetColumns = R"sql(
    SELECT column_name FROM information_schema.columns
    WHERE table_schema = current_schema() AND table_name = :table_name)sql";
constexpr auto kTargetSequences = R"sql(
    SELECT table_name, column_name FROM information_schema.columns
    WHERE table_schema = current_schema()
      AND (is_identity = 'YES' OR column_default LIKE 'nextval(%'))sql";
// A server restarting meanwhile would hold its locks only briefly; one serving keeps taking
// them, and is told about below.
constexpr auto kLockTimeout = "SET LOCAL lock_timeout = '15s'";

struct SourceTable {
    std::string name;
    std::vector<std::string> columns;
    std::set<std::string> references;  ///< tables its foreign keys point to
    std::int64_t rows = 0;
};

/// A libpq message on one line.
std::string one_line(std::string text) {
    std::replace_if(
        text.begin(), text.end(), [](char c) { return c == '\n' || c == '\t'; }, ' ');
    while (!text.empty() && text.back() == ' ') text.pop_back();
    return text;
}

/// Tables so that each comes after the tables its foreign keys point to (self-references
/// aside), otherwise in the source's creation order.
std::vector<SourceTable> in_dependency_order(std::vector<SourceTable> pending) {
    std::vector<SourceTable> ordered;
    const auto is_pending = [&pending](const std::string& name) {
        return std::any_of(pending.begin(), pending.end(),
                           [&name](const SourceTable& table) { return table.name == name; });
    };
    while (!pending.empty()) {
        const auto ready = std::find_if(pending.begin(), pending.end(), [&](const auto& table) {
            return std::none_of(table.references.begin(), table.references.end(),
                                [&](const std::string& referenced) {
                                    return referenced != table.name && is_pending(referenced);
                                });
        });
        if (ready == pending.end()) {
            std::string names;
            for (const auto& table : pending) names += " " + table.name;
            throw TransferFailed("the foreign keys of these tables form a cycle:" + names);
        }
        ordered.push_back(std::move(*ready));
        pending.erase(ready);
    }
    return ordered;
}

/// The source's tables with their columns, foreign keys and row counts, read in the current
/// (snapshot) transaction of `source`.
std::vector<SourceTable> read_source_tables(sqlite::Connection& source) {
    std::vector<SourceTable> tables;
    for (auto& name : source.tables()) {
        if (name == kMigrationsTable ||
            std::find(kTriggerKeptTables.begin(), kTriggerKeptTables.end(), name) !=
                kTriggerKeptTables.end()) {
            continue;
        }
        SourceTable table{std::move(name), {}, {}, 0};
        sqlite::Statement columns(source, kSourceColumns);
        columns.bind(1, table.name);
        while (columns.step()) table.columns.emplace_back(columns.text(0));
        sqlite::Statement references(source, kSourceReferences);
        references.bind(1, table.name);
        while (references.step()) table.references.emplace(references.text(0));
        table.rows = source.count_rows(table.name);
        tables.push_back(std::move(table));
    }
    return in_dependency_order(std::move(tables));
}

/// Appends one SQLite value in COPY's text format.
void append_copy_value(std::string& line, const sqlite::Statement& row, int column) {
    char number[32];
    switch (row.type(column)) {
        case SQLITE_NULL: line += "\\N"; return;
        case SQLITE_INTEGER: {
            const auto end = std::to_chars(number, number + sizeof number, row.integer(column));
            line.append(number, end.ptr);
            return;
        }
        case SQLITE_FLOAT: {
            // Shortest text that reads back as the same double.
            const auto end = std::to_chars(number, number + sizeof number, row.real(column));
            line.append(number, end.ptr);
            return;
        }
        case SQLITE_BLOB: {
            // bytea's hex form; its backslash doubled for COPY.
            constexpr char kHex[] = "0123456789abcdef";
            line += "\\\\x";
            for (const char c : row.text(column)) {
                const auto byte = static_cast<unsigned char>(c);
                line += kHex[byte >> 4];
                line += kHex[byte & 0xf];
            }
            return;
        }
        default:
            for (const char c : row.text(column)) {
                switch (c) {
                    case '\\': line += "\\\\"; break;
                    case '\n': line += "\\n"; break;
                    case '\r': line += "\\r"; break;
                    case '\t': line += "\\t"; break;
                    default: line += c;
                }
            }
    }
}

/// COPY <table> FROM STDIN on the target's connection, fed in chunks; aborted if not finished.
class CopyIn {
public:
    CopyIn(PGconn* connection, const std::string& sql) : connection_(connection) {
        PGresult* result = PQexec(connection_, sql.c_str());
        const bool started = PQresultStatus(result) == PGRES_COPY_IN;
        const std::string message = started ? "" : PQresultErrorMessage(result);
        PQclear(result);
        if (!started) throw TransferFailed("cannot start " + sql + ": " + one_line(message));
        open_ = true;
    }
    ~CopyIn() {
        if (!open_) return;
        // Ends the COPY with an error, which fails the transaction; its rollback follows.
        PQputCopyEnd(connection_, "migrate-data stopped");
        drain();
    }
    CopyIn(const CopyIn&) = delete;
    CopyIn& operator=(const CopyIn&) = delete;

    void put(const std::string& data) {
        if (PQputCopyData(connection_, data.data(), static_cast<int>(data.size())) != 1) {
            throw TransferFailed("cannot send rows: " + one_line(PQerrorMessage(connection_)));
        }
    }

    /// Ends the COPY; returns how many rows the server took.
    std::int64_t finish() {
        open_ = false;
        if (PQputCopyEnd(connection_, nullptr) != 1) {
            throw TransferFailed("cannot end the copy: " + one_line(PQerrorMessage(connection_)));
        }
        PGresult* result = PQgetResult(connection_);
        const bool copied = PQresultStatus(result) == PGRES_COMMAND_OK;
        const std::string message = copied ? "" : PQresultErrorMessage(result);
        const std::string rows = copied ? PQcmdTuples(result) : "";
        PQclear(result);
        drain();
        if (!copied) throw TransferFailed(one_line(message));
        return std::stoll(rows);
    }

private:
    void drain() {
        while (PGresult* rest = PQgetResult(connection_)) PQclear(rest);
    }

    PGconn* connection_;
    bool open_ = false;
};

/// Copies one table's rows from the source snapshot into the target; returns the rows copied.
std::int64_t copy_table(sqlite::Connection& source, PGconn* target, const SourceTable& table,
                        const TransferOptions& options, TransferProgress& progress) {
    std::string columns;
    for (const auto& column : table.columns) {
        columns += (columns.empty() ? "" : ", ") + sqlite::quoted(column);
    }
    CopyIn copy(target, "COPY " + sqlite::quoted(table.name) + " (" + columns + ") FROM STDIN");
    sqlite::Statement rows(source, "SELECT " + columns + " FROM " + sqlite::quoted(table.name));
    const int width = static_cast<int>(table.columns.size());
    const std::size_t batch_rows = std::max<std::size_t>(options.batch_rows, 1);
    std::string chunk;
    std::size_t in_chunk = 0;
    while (rows.step()) {
        for (int column = 0; column < width; ++column) {
            if (column > 0) chunk += '\t';
            append_copy_value(chunk, rows, column);
        }
        chunk += '\n';
        if (++in_chunk == batch_rows) {
            copy.put(chunk);
            chunk.clear();
            progress.rows_done += static_cast<std::int64_t>(in_chunk);
            in_chunk = 0;
            if (options.progress) options.progress(progress);
        }
    }
    if (!chunk.empty()) copy.put(chunk);
    progress.rows_done += static_cast<std::int64_t>(in_chunk);
    const std::int64_t copied = copy.finish();
    if (options.progress && in_chunk > 0) options.progress(progress);
    return copied;
}

std::int64_t count_target_rows(soci::session& target, const std::string& table) {
    long long rows = 0;
    target << "SELECT COUNT(*) FROM " + sqlite::quoted(table), soci::into(rows);
    return rows;
}

/// Refuses a target whose table lacks one of the source's columns.
void check_target_columns(soci::session& target, const SourceTable& table) {
    std::set<std::string> present;
    const soci::rowset<std::string> columns =
        (target.prepare << kTargetColumns, soci::use(table.name, "table_name"));
    for (const auto& column : columns) present.insert(column);
    if (present.empty()) {
        throw TransferRefused("the target has no table " + table.name);
    }
    for (const auto& column : table.columns) {
        if (!present.contains(column)) {
            throw TransferRefused("the target's table " + table.name + " has no column " + column);
        }
    }
}

void lock_target(soci::session& target, const std::vector<SourceTable>& tables) {
    std::string names;
    for (const auto& table : tables) {
        names += (names.empty() ? "" : ", ") + sqlite::quoted(table.name);
    }
    target << kLockTimeout;
    try {
        // EXCLUSIVE lets others read but not write until the copy commits.
        target << "LOCK TABLE " + names + " IN EXCLUSIVE MODE";
    } catch (const soci::postgresql_soci_error& error) {
        if (error.sqlstate() != "55P03") throw;
        throw TransferRefused(
            "the target's tables stay locked by another session (is inmaek serving on it? "
            "stop it for the move)");
    }
}

/// Sets every identity sequence of the copied tables past the largest copied id, so that new
/// rows get fresh ids; returns how many were set.
int reset_sequences(soci::session& target, const std::vector<SourceTable>& tables) {
    std::vector<std::pair<std::string, std::string>> sequences;
    const soci::rowset<soci::row> rows = (target.prepare << kTargetSequences);
    for (const auto& row : rows) {
        const auto table = row.get<std::string>(0);
        if (std::any_of(tables.begin(), tables.end(),
                        [&table](const SourceTable& copied) { return copied.name == table; })) {
            sequences.emplace_back(table, row.get<std::string>(1));
        }
    }
    for (const auto& [table, column] : sequences) {
        const std::string qualified = sqlite::quoted(table);
        const std::string id = sqlite::quoted(column);
        long long value = 0;
        target << "SELECT setval(pg_get_serial_sequence(:table_name, :column_name), COALESCE(MAX(" +
                      id + "), 1), MAX(" + id + ") IS NOT NULL) FROM " + qualified,
            soci::use(qualified, "table_name"), soci::use(column, "column_name"), soci::into(value);
    }
    return static_cast<int>(sequences.size());
}

/// Checks the URLs and the source's schema version, and migrates the target.
int prepare(const TransferOptions& options) {
    const Url from = parse_url(options.from_url);
    const Url to = parse_url(options.to_url);
    if (from.backend != kSqliteBackend) {
        throw TransferRefused("--from must be a sqlite3:// database URL");
    }
    if (to.backend != kPostgresqlBackend) {
        throw TransferRefused("--to must be a postgresql:// database URL");
    }
    const std::string file = sqlite_file(parse_connect_string(from.connect));
    if (!file.starts_with("file:") && !std::filesystem::is_regular_file(file)) {
        throw TransferRefused("the source database " + file + " does not exist");
    }
    const int latest = Database::latest_schema_version();
    {
        Database source(DatabaseOptions{.url = options.from_url});
        const int version = source.schema_version();
        if (version != latest) {
            throw TransferRefused(
                "the source database is at schema version " + std::to_string(version) +
                " and this inmaek at " + std::to_string(latest) +
                (version < latest
                     ? ": migrate it first (inmaek --database <the sqlite3 URL> migrate)"
                     : ": use the inmaek that wrote it"));
        }
    }
    Database target(DatabaseOptions{.url = options.to_url});
    target.migrate();
    return latest;
}

}  // namespace

std::int64_t TransferResult::rows() const {
    return std::accumulate(
        tables.begin(), tables.end(), std::int64_t{0},
        [](std::int64_t sum, const auto& table) { return sum + table.source_rows; });
}

TransferResult transfer_database(const TransferOptions& options) {
    const auto started = std::chrono::steady_clock::now();
    TransferResult result;
    result.schema_version = prepare(options);

    const std::string source_file =
        sqlite_file(parse_connect_string(parse_url(options.from_url).connect));
    try {
        sqlite::Connection source(source_file, SQLITE_OPEN_READWRITE, kBusyTimeoutMs);
        source.exec("PRAGMA query_only = ON");
        // One read snapshot: the counts, the rows and the check below see the same database,
        // even if a server still writes to it.
        source.exec("BEGIN");
        const auto tables = read_source_tables(source);

        soci::session target(*soci::factory_postgresql(), parse_url(options.to_url).connect);
        auto* connection =
            static_cast<soci::postgresql_session_backend*>(target.get_backend())->conn_;
        target << "SET client_encoding = 'UTF8'";
        soci::transaction transaction(target);
        for (const auto& table : tables) check_target_columns(target, table);
        lock_target(target, tables);

        std::vector<TableTransfer> transfers;
        std::string occupied;
        for (const auto& table : tables) {
            TableTransfer transfer{table.name, table.rows, 0,
                                   count_target_rows(target, table.name)};
            if (transfer.deleted_rows > 0) {
                occupied += " " + table.name + " (" + std::to_string(transfer.deleted_rows) + ")";
            }
            transfers.push_back(std::move(transfer));
        }
        if (!occupied.empty() && !options.force) {
            throw TransferRefused("the target already has rows:" + occupied +
                                  "; pass --force to delete them and copy anyway");
        }
        for (auto table = tables.rbegin(); table != tables.rend(); ++table) {
            target << "DELETE FROM " + sqlite::quoted(table->name);
        }

        for (std::size_t i = 0; i < tables.size(); ++i) {
            TransferProgress progress{tables[i].name, i + 1, tables.size(), 0, tables[i].rows};
            if (options.progress) options.progress(progress);
            const auto copied = copy_table(source, connection, tables[i], options, progress);
            if (copied != tables[i].rows) {
                throw TransferFailed("the target took " + std::to_string(copied) + " rows of " +
                                     tables[i].name + ", the source has " +
                                     std::to_string(tables[i].rows));
            }
        }
        result.sequences_reset = reset_sequences(target, tables);

        std::string differences;
        for (auto& transfer : transfers) {
            transfer.target_rows = count_target_rows(target, transfer.table);
            if (transfer.target_rows != transfer.source_rows) {
                differences += " " + transfer.table + " " + std::to_string(transfer.source_rows) +
                               " → " + std::to_string(transfer.target_rows);
            }
        }
        if (!differences.empty()) {
            throw TransferFailed("row counts differ after the copy:" + differences);
        }
        transaction.commit();
        source.exec("COMMIT");
        result.tables = std::move(transfers);
    } catch (const sqlite::Error& error) {
        throw TransferFailed(std::string("reading the source failed: ") + error.what());
    } catch (const soci::soci_error& error) {
        throw TransferFailed(std::string("writing the target failed: ") + one_line(error.what()));
    }
    result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    return result;
}

}  // namespace inmaek::storage
