#include "tests/support/postgres.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace inmaek::test {
namespace {

constexpr std::string_view kScheme = "://";
constexpr std::size_t kHintLength = 32;

/// `text` lowercased, every character other than [a-z0-9_] replaced by '_', cut to kHintLength,
/// starting with a letter: a PostgreSQL identifier that needs no quoting (and a file name).
std::string safe_name(std::string_view text) {
    std::string name;
    for (const char c : text.substr(0, kHintLength)) {
        const auto u = static_cast<unsigned char>(c);
        name += std::isalnum(u) != 0 && u < 0x80 ? static_cast<char>(std::tolower(u)) : '_';
    }
    if (name.empty() || std::isalpha(static_cast<unsigned char>(name.front())) == 0) {
        name.insert(0, "db_");
    }
    return name;
}

bool is_safe_name(std::string_view name) {
    if (name.empty() || name.size() > 63 || name.front() < 'a' || name.front() > 'z') return false;
    for (const char c : name) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
    }
    return true;
}

std::string connect_string(std::string_view url) {
    const auto scheme = url.find(kScheme);
    if (scheme == std::string_view::npos) {
        throw std::invalid_argument("not a SOCI URL (backend://connect-string): " +
                                    std::string(url));
    }
    return std::string(url.substr(scheme + kScheme.size()));
}

/// The key=value words of a libpq connect string (no quoted values: the test URLs have none).
std::vector<std::string> words(std::string_view connect) {
    if (connect.find_first_of("'\\") != std::string_view::npos) {
        throw std::invalid_argument("quoted values in a PostgreSQL test URL are not supported");
    }
    std::vector<std::string> result;
    std::istringstream in{std::string(connect)};
    for (std::string word; in >> word;) result.push_back(word);
    return result;
}

/// The PostgreSQL URL `url` with its dbname set to `database`.
std::string with_database(std::string_view url, std::string_view database) {
    std::string result = "postgresql://dbname=" + std::string(database);
    for (const auto& word : words(connect_string(url))) {
        if (!word.starts_with("dbname=")) result += " " + word;
    }
    return result;
}

std::string database_of(std::string_view url) {
    for (const auto& word : words(connect_string(url))) {
        if (word.starts_with("dbname=")) return word.substr(7);
    }
    throw std::invalid_argument("no dbname in " + std::string(url));
}

std::string admin_url_or_throw() {
    if (auto url = test_postgres_admin_url()) return *url;
    throw std::runtime_error(
        "no PostgreSQL for the tests: run them through ctest (its fixture `postgres` starts a "
        "throwaway cluster and sets INMAEK_TEST_POSTGRES_URL_FILE), or start one by hand: "
        "tests/support/pg_cluster.sh start /tmp/inmaek-pg && "
        "INMAEK_TEST_POSTGRES_URL_FILE=/tmp/inmaek-pg/url <test binary>; then "
        "tests/support/pg_cluster.sh stop /tmp/inmaek-pg");
}

}  // namespace

std::vector<std::string> backends() {
    return {"sqlite3", "postgresql"};
}

std::optional<std::string> test_postgres_admin_url() {
    if (const char* url = std::getenv("INMAEK_TEST_POSTGRES_URL"); url != nullptr && *url != 0) {
        return std::string(url);
    }
    const char* file = std::getenv("INMAEK_TEST_POSTGRES_URL_FILE");
    if (file == nullptr || *file == 0) return std::nullopt;
    std::ifstream in(file);
    std::string url;
    if (!in || !std::getline(in, url) || url.empty()) {
        throw std::runtime_error(std::string("INMAEK_TEST_POSTGRES_URL_FILE=") + file +
                                 " cannot be read: did the ctest fixture postgres.start fail?");
    }
    return url;
}

std::string fresh_postgres_database(std::string_view hint) {
    static std::atomic<unsigned> counter{0};
    const std::string admin_url = admin_url_or_throw();
    const std::string base = safe_name(hint) + "_" + std::to_string(::getpid()) + "_";
    try {
        soci::session admin(*soci::factory_postgresql(), connect_string(admin_url));
        for (int attempt = 0;; ++attempt) {
            const std::string name = base + std::to_string(counter++);
            try {
                admin << "CREATE DATABASE " + name;
                return with_database(admin_url, name);
            } catch (const soci::postgresql_soci_error& error) {
                // 42P04: the name of an earlier process that had this pid; 55006: a session
                // on template1 (copying it needs it alone).
                const std::string state = error.sqlstate();
                if (attempt >= 50 || (state != "42P04" && state != "55006")) throw;
                if (state == "55006") std::this_thread::sleep_for(std::chrono::milliseconds(20));
            }
        }
    } catch (const soci::soci_error& error) {
        throw std::runtime_error("could not create a PostgreSQL test database (" + base +
                                 "…): " + error.what());
    }
}

void drop_postgres_database(std::string_view url) {
    const std::string name = database_of(url);
    if (!is_safe_name(name)) {
        throw std::invalid_argument("not a test database name: " + name);
    }
    soci::session admin(*soci::factory_postgresql(), connect_string(admin_url_or_throw()));
    admin << "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)";
}

std::string fresh_database_url(std::string_view backend, std::string_view hint,
                               const std::filesystem::path& sqlite_dir) {
    if (backend == "postgresql") return fresh_postgres_database(hint);
    if (backend == "sqlite3") {
        const auto file = sqlite_dir / (safe_name(hint) + ".db");
        for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
            std::filesystem::remove(file.string() + suffix);
        }
        return "sqlite3://db=" + file.string();
    }
    throw std::invalid_argument("unknown test backend: " + std::string(backend));
}

std::string backend_of(std::string_view url) {
    const auto scheme = url.find(kScheme);
    if (scheme == std::string_view::npos) {
        throw std::invalid_argument("not a SOCI URL (backend://connect-string): " +
                                    std::string(url));
    }
    return std::string(url.substr(0, scheme));
}

std::unique_ptr<soci::session> open_session(std::string_view url) {
    const std::string backend = backend_of(url);
    if (backend == "postgresql") {
        return std::make_unique<soci::session>(*soci::factory_postgresql(), connect_string(url));
    }
    if (backend == "sqlite3") {
        return std::make_unique<soci::session>(*soci::factory_sqlite3(), connect_string(url));
    }
    throw std::invalid_argument("unknown test backend: " + backend);
}

std::string query_text(std::string_view url, const std::string& sql) {
    const auto session = open_session(url);
    std::string value;
    soci::indicator indicator = soci::i_null;
    *session << sql, soci::into(value, indicator);
    return indicator == soci::i_ok ? value : "";
}

void execute(std::string_view url, const std::string& sql) {
    *open_session(url) << sql;
}

void take_back_lead_filter_copies(std::string_view url) {
    auto session = open_session(url);
    if (backend_of(url) == "sqlite3") {
        *session << "DROP TRIGGER lead_companies_copy_lead";
        *session << "DROP TRIGGER leads_copy_to_companies";
    } else {
        *session << "DROP FUNCTION lead_companies_copy_lead() CASCADE";
        *session << "DROP FUNCTION leads_copy_to_companies() CASCADE";
    }
    *session << "DROP INDEX lead_companies_filter";
    *session << "CREATE INDEX lead_companies_company ON lead_companies (workspace_id, company_id)";
    for (const char* column : {"stage", "owner_id", "value_currency", "value_amount", "created_at",
                               "due", "updated_at"}) {
        *session << std::string{"ALTER TABLE lead_companies DROP COLUMN "} + column;
    }
}

void take_back_search_grams(std::string_view url) {
    if (backend_of(url) == "sqlite3") return;
    auto session = open_session(url);
    for (const char* kind : {"companies", "contacts", "leads", "follow_ups", "meetings"}) {
        *session << std::string{"DROP INDEX search_docs_trigrams_"} + kind;
        *session << std::string{"DROP INDEX search_docs_grams_"} + kind;
    }
    // 0008's column and indexes, which 0015 drops.
    *session << "ALTER TABLE search_docs ADD COLUMN grams TEXT[] GENERATED ALWAYS AS "
                "(inmaek_bigrams(lower(title || ' ' || body))) STORED";
    *session << "CREATE INDEX search_docs_trigrams ON search_docs USING gin (doc gin_trgm_ops)";
    *session << "CREATE INDEX search_docs_grams ON search_docs USING gin (grams)";
}

TempDir::TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::path(::testing::TempDir()) /
            ("inmaek-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

namespace {

/// The name of the running test ("Finds/postgresql"), or "test" outside one.
std::string running_test_name() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    return info == nullptr ? "test" : info->name();
}

}  // namespace

FreshDatabase::FreshDatabase(std::string_view backend)
    : backend_(backend), url_(fresh_database_url(backend, running_test_name(), dir_.path())) {}

FreshDatabase::~FreshDatabase() {
    if (backend_ != "postgresql") return;
    try {
        drop_postgres_database(url_);
    } catch (const std::exception& error) {
        ADD_FAILURE() << "could not drop the test database " << database_of(url_) << ": "
                      << error.what();
    }
}

std::filesystem::path FreshDatabase::sqlite_file() const {
    constexpr std::string_view kPrefix = "sqlite3://db=";
    if (!url_.starts_with(kPrefix)) {
        throw std::logic_error("not a SQLite test database: " + backend_);
    }
    return url_.substr(kPrefix.size());
}

}  // namespace inmaek::test
