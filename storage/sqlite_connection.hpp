#pragma once

// A plain SQLite connection for the tools that work on whole database files (backup and
// migrate-data): SQLite's C API where SOCI has no word for it (the backup API, a value's
// storage class), with errors as exceptions. Not for a file that includes
// <soci/sqlite3/soci-sqlite3.h>, which declares the same C API inside namespace sqlite_api.

#include <sqlite3.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace inmaek::storage::sqlite {

/// A failed SQLite call: what was being done and SQLite's message.
class Error : public std::runtime_error {
public:
    Error(const std::string& what, int code) : std::runtime_error(what), code_(code) {}
    [[nodiscard]] int code() const { return code_; }

private:
    int code_;
};

/// One connection; closed with the object.
class Connection {
public:
    /// Opens `file` (a path or a file: URI) with sqlite3_open_v2 flags; throws Error.
    Connection(const std::string& file, int flags, int busy_timeout_ms);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    [[nodiscard]] sqlite3* get() const { return connection_; }
    /// Runs one or more statements that return nothing of interest; throws Error.
    void exec(const std::string& sql);
    /// Throws Error naming `doing` when code is not SQLITE_OK.
    void check(int code, std::string_view doing) const;

    /// The real tables of the main schema in the order they were created: not SQLite's own
    /// (sqlite_*), not virtual tables nor their shadow tables.
    [[nodiscard]] std::vector<std::string> tables();
    /// Every table's row count, in tables() order.
    [[nodiscard]] std::vector<std::pair<std::string, std::int64_t>> row_counts();
    [[nodiscard]] std::int64_t count_rows(const std::string& table);

private:
    sqlite3* connection_ = nullptr;
};

/// A prepared statement over a Connection.
class Statement {
public:
    Statement(Connection& connection, const std::string& sql);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    void bind(int index, const std::string& text);
    /// Steps to the next row: false when there is none; throws Error.
    bool step();
    [[nodiscard]] int columns() const;
    [[nodiscard]] int type(int column) const;  ///< SQLITE_INTEGER, SQLITE_TEXT, SQLITE_NULL, ...
    [[nodiscard]] std::int64_t integer(int column) const;
    [[nodiscard]] double real(int column) const;
    /// The value as text (or a blob's bytes); empty for NULL.
    [[nodiscard]] std::string_view text(int column) const;

private:
    Connection& connection_;
    sqlite3_stmt* statement_ = nullptr;
};

/// `identifier` in double quotes, for table and column names read from a schema.
std::string quoted(std::string_view identifier);

}  // namespace inmaek::storage::sqlite
