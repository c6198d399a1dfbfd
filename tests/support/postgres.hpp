#pragma once
// Test databases on both backends: the throwaway PostgreSQL cluster that ctest starts (fixture
// `postgres`, tests/support/pg_cluster.sh) and SQLite files.
//
//   class RepositoryTest : public ::testing::TestWithParam<std::string> { ... };
//   INSTANTIATE_TEST_SUITE_P(Backends, RepositoryTest,
//                            ::testing::ValuesIn(inmaek::test::backends()),
//                            inmaek::test::backend_name);
//   ... options.url = inmaek::test::fresh_database_url(GetParam(), "leads", dir.path());
//
// The executable's tests must be registered with inmaek_discover_tests_with_postgres()
// (tests/support/CMakeLists.txt). Run outside ctest, every PostgreSQL test fails with a message
// saying how to get a cluster: none is skipped for lack of PostgreSQL.

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace soci {
class session;
}

namespace inmaek::test {

/// The backends every repository and end-to-end test runs on: "sqlite3" and "postgresql" (the
/// scheme of their database URLs; valid GoogleTest parameter names as they are).
[[nodiscard]] std::vector<std::string> backends();

/// The test name suffix of a backend parameter (`RepositoryTest.Finds/postgresql`), for the
/// last argument of INSTANTIATE_TEST_SUITE_P.
inline std::string backend_name(const ::testing::TestParamInfo<std::string>& info) {
    return info.param;
}

/// The SOCI URL of the test cluster's admin database (`postgresql://host=127.0.0.1 port=…
/// dbname=postgres user=inmaek_test password=…`, a superuser): INMAEK_TEST_POSTGRES_URL when set
/// (any server), else the first line of the file INMAEK_TEST_POSTGRES_URL_FILE names (set by
/// ctest), else nullopt. Throws std::runtime_error when the file is named but unreadable or empty.
[[nodiscard]] std::optional<std::string> test_postgres_admin_url();

/// Creates a new empty database on the test cluster, named after `hint` (lowercased, other than
/// [a-z0-9_] replaced by '_', cut to 32 characters), the process id and a counter, and returns its
/// SOCI URL (the admin URL with its dbname). Owned by the superuser inmaek_test, UTF8, C.UTF-8
/// collation; the cluster's time zone is UTC. Throws std::runtime_error when there is no
/// cluster (see test_postgres_admin_url) or the server refuses. The databases go with the cluster
/// at the end of the ctest run; drop_postgres_database() frees one earlier.
[[nodiscard]] std::string fresh_postgres_database(std::string_view hint);

/// Drops a database made by fresh_postgres_database(), disconnecting its sessions first.
void drop_postgres_database(std::string_view url);

/// A fresh database URL for `backend` ("sqlite3" or "postgresql"): on SQLite the file
/// `<hint>.db` in `sqlite_dir` (removed first if present), on PostgreSQL
/// fresh_postgres_database(hint). Throws std::invalid_argument for another backend.
[[nodiscard]] std::string fresh_database_url(std::string_view backend, std::string_view hint,
                                             const std::filesystem::path& sqlite_dir);

/// The backend of a SOCI URL: the part before "://".
[[nodiscard]] std::string backend_of(std::string_view url);

/// A plain SOCI session on the database of `url` (sqlite3:// or postgresql://), for looking at
/// what the code under test wrote. Throws soci::soci_error when the connection fails.
[[nodiscard]] std::unique_ptr<soci::session> open_session(std::string_view url);

/// The first column of the first row `sql` yields on the database of `url`, read through a
/// session of its own (open_session); "" when there is no row or the value is NULL.
[[nodiscard]] std::string query_text(std::string_view url, const std::string& sql);

/// Runs one statement on the database of `url` through a session of its own.
void execute(std::string_view url, const std::string& sql);

/// Takes back migrations 0014 and 0015's lead_companies' copy of its lead's filtered and
/// sorted columns, rows kept, for tests that go back to an older schema and migrate again: the
/// runner applies every migration above the latest one recorded, so each later one must go
/// first.
void take_back_lead_filter_copies(std::string_view url);

/// Takes back, where running them again would fail, the GIN indexes of search documents by
/// kind that 0013 and 0015 made, and puts back 0008's grams and indexes that 0015 drops
/// (PostgreSQL only;
/// SQLite's 0013 makes search_grams again whatever it held).
void take_back_search_grams(std::string_view url);

/// A folder of its own under the test temp dir (created), removed with the object.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    [[nodiscard]] const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

/// A fresh database for one test (fresh_database_url), named after the running test: a file in
/// a TempDir of its own on SQLite, a database on the test cluster on PostgreSQL. Both go with
/// the object (the database is dropped, which saves the cluster's disk), so the object must
/// outlive every inmaek::storage::Database on it.
class FreshDatabase {
public:
    explicit FreshDatabase(std::string_view backend);
    ~FreshDatabase();
    FreshDatabase(const FreshDatabase&) = delete;
    FreshDatabase& operator=(const FreshDatabase&) = delete;

    [[nodiscard]] const std::string& url() const { return url_; }
    [[nodiscard]] const std::string& backend() const { return backend_; }
    /// The database file of a SQLite database; throws std::logic_error on PostgreSQL.
    [[nodiscard]] std::filesystem::path sqlite_file() const;

private:
    TempDir dir_;
    std::string backend_;
    std::string url_;
};

}  // namespace inmaek::test
