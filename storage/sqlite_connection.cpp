#include "storage/sqlite_connection.hpp"

namespace inmaek::storage::sqlite {
namespace {

// Virtual tables (FTS5 ...) are filled by their module from other tables; their shadow tables
// are named <virtual table>_<suffix>.
constexpr auto kTables = R"sql(
    SELECT name, sql LIKE 'CREATE VIRTUAL TABLE%' FROM sqlite_schema
    WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'
    ORDER BY rowid)sql";

}  // namespace

Connection::Connection(const std::string& file, int flags, int busy_timeout_ms) {
    const int code = sqlite3_open_v2(file.c_str(), &connection_, flags | SQLITE_OPEN_URI, nullptr);
    if (code != SQLITE_OK) {
        const std::string message =
            connection_ != nullptr ? sqlite3_errmsg(connection_) : sqlite3_errstr(code);
        sqlite3_close(connection_);
        connection_ = nullptr;
        throw Error("cannot open " + file + ": " + message, code);
    }
    sqlite3_extended_result_codes(connection_, 1);
    sqlite3_busy_timeout(connection_, busy_timeout_ms);
}

Connection::~Connection() {
    // _v2: a statement still open (an exception between two steps) does not keep it open.
    sqlite3_close_v2(connection_);
}

void Connection::exec(const std::string& sql) {
    char* message = nullptr;
    const int code = sqlite3_exec(connection_, sql.c_str(), nullptr, nullptr, &message);
    if (code != SQLITE_OK) {
        const std::string text = message != nullptr ? message : sqlite3_errstr(code);
        sqlite3_free(message);
        throw Error(text + " (" + sql + ")", code);
    }
}

void Connection::check(int code, std::string_view doing) const {
    if (code != SQLITE_OK) {
        throw Error(std::string(doing) + ": " + sqlite3_errmsg(connection_), code);
    }
}

std::vector<std::string> Connection::tables() {
    std::vector<std::pair<std::string, bool>> all;
    Statement statement(*this, kTables);
    while (statement.step()) {
        all.emplace_back(std::string(statement.text(0)), statement.integer(1) != 0);
    }
    std::vector<std::string> names;
    for (const auto& [name, is_virtual] : all) {
        bool shadow = false;
        for (const auto& [other, other_is_virtual] : all) {
            shadow = shadow || (other_is_virtual && name.starts_with(other + "_"));
        }
        if (!is_virtual && !shadow) names.push_back(name);
    }
    return names;
}

std::vector<std::pair<std::string, std::int64_t>> Connection::row_counts() {
    std::vector<std::pair<std::string, std::int64_t>> counts;
    for (auto& table : tables()) {
        const auto rows = count_rows(table);
        counts.emplace_back(std::move(table), rows);
    }
    return counts;
}

std::int64_t Connection::count_rows(const std::string& table) {
    Statement count(*this, "SELECT COUNT(*) FROM " + quoted(table));
    count.step();
    return count.integer(0);
}

Statement::Statement(Connection& connection, const std::string& sql) : connection_(connection) {
    connection_.check(sqlite3_prepare_v2(connection.get(), sql.c_str(), -1, &statement_, nullptr),
                      "cannot prepare " + sql);
}

Statement::~Statement() {
    sqlite3_finalize(statement_);
}

void Statement::bind(int index, const std::string& text) {
    connection_.check(sqlite3_bind_text(statement_, index, text.data(),
                                        static_cast<int>(text.size()), SQLITE_TRANSIENT),
                      "cannot bind a value");
}

bool Statement::step() {
    const int code = sqlite3_step(statement_);
    if (code == SQLITE_ROW) return true;
    if (code == SQLITE_DONE) return false;
    throw Error(std::string("cannot read: ") + sqlite3_errmsg(connection_.get()) + " (" +
                    sqlite3_sql(statement_) + ")",
                code);
}

int Statement::columns() const {
    return sqlite3_column_count(statement_);
}

int Statement::type(int column) const {
    return sqlite3_column_type(statement_, column);
}

std::int64_t Statement::integer(int column) const {
    return sqlite3_column_int64(statement_, column);
}

double Statement::real(int column) const {
    return sqlite3_column_double(statement_, column);
}

std::string_view Statement::text(int column) const {
    // Blob first: asking for the text of a blob would convert it in place.
    const void* bytes = type(column) == SQLITE_BLOB ? sqlite3_column_blob(statement_, column)
                                                    : sqlite3_column_text(statement_, column);
    const auto size = static_cast<std::size_t>(sqlite3_column_bytes(statement_, column));
    return bytes == nullptr ? std::string_view{}
                            : std::string_view(static_cast<const char*>(bytes), size);
}

std::string quoted(std::string_view identifier) {
    std::string result = "\"";
    for (const char c : identifier) {
        result += c;
        if (c == '"') result += '"';
    }
    return result + "\"";
}

}  // namespace inmaek::storage::sqlite
