// The test harness itself: the throwaway PostgreSQL cluster of the ctest fixture `postgres` and
// the fresh databases of tests/support/postgres.hpp, on both backends.
#include <gtest/gtest.h>
#include <soci/soci.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/postgres.hpp"

namespace {

using inmaek::test::backend_of;
using inmaek::test::backends;
using inmaek::test::fresh_database_url;
using inmaek::test::fresh_postgres_database;
using inmaek::test::open_session;
using inmaek::test::TempDir;
using inmaek::test::test_postgres_admin_url;

std::string single_text(soci::session& session, const std::string& sql) {
    std::string value;
    session << sql, soci::into(value);
    return value;
}

TEST(PostgresHarness, TheClusterOfTheFixtureIsThere) {
    const auto url = test_postgres_admin_url();
    ASSERT_TRUE(url.has_value()) << "INMAEK_TEST_POSTGRES_URL_FILE is not set: run through ctest";
    EXPECT_EQ(backend_of(*url), "postgresql");
    const auto session = open_session(*url);
    EXPECT_EQ(single_text(*session, "SELECT current_setting('server_encoding')"), "UTF8");
    EXPECT_EQ(single_text(*session, "SELECT current_setting('TimeZone')"), "UTC");
    EXPECT_EQ(single_text(*session, "SELECT current_setting('listen_addresses')"), "127.0.0.1");
}

TEST(PostgresHarness, FreshDatabasesAreEmptyAndSeparate) {
    const std::string first = fresh_postgres_database("Harness Test");
    const std::string second = fresh_postgres_database("Harness Test");
    ASSERT_NE(first, second);
    EXPECT_EQ(backend_of(first), "postgresql");

    const auto a = open_session(first);
    const auto b = open_session(second);
    const std::string name_a = single_text(*a, "SELECT current_database()");
    const std::string name_b = single_text(*b, "SELECT current_database()");
    EXPECT_NE(name_a, name_b);
    EXPECT_TRUE(name_a.starts_with("harness_test_" + std::to_string(::getpid()) + "_")) << name_a;

    // The same table in each, different rows: each database sees only its own.
    for (soci::session* session : {a.get(), b.get()}) {
        int tables = -1;
        *session << "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'",
            soci::into(tables);
        EXPECT_EQ(tables, 0);
        *session << "CREATE TABLE companies (id BIGINT PRIMARY KEY, name TEXT NOT NULL)";
    }
    // soci::use binds a reference: the values must outlive the statement (no temporaries).
    const std::string kakao = "카카오";
    const std::string openai = "OpenAI";
    *a << "INSERT INTO companies (id, name) VALUES (1, :name)", soci::use(kakao);
    *b << "INSERT INTO companies (id, name) VALUES (2, :name)", soci::use(openai);

    std::vector<long long> ids(10);
    std::vector<std::string> names(10);
    *a << "SELECT id, name FROM companies ORDER BY id", soci::into(ids), soci::into(names);
    ASSERT_EQ(ids.size(), 1U);
    EXPECT_EQ(ids[0], 1);
    EXPECT_EQ(names[0], "카카오");

    ids.resize(10);
    names.resize(10);
    *b << "SELECT id, name FROM companies ORDER BY id", soci::into(ids), soci::into(names);
    ASSERT_EQ(ids.size(), 1U);
    EXPECT_EQ(ids[0], 2);
    EXPECT_EQ(names[0], "OpenAI");

    inmaek::test::drop_postgres_database(second);
    EXPECT_THROW(open_session(second), soci::soci_error);
}

TEST(PostgresHarness, ParallelCreationsGetDistinctDatabases) {
    constexpr int kThreads = 4;
    std::vector<std::string> urls(kThreads);
    std::vector<std::thread> threads;
    threads.reserve(kThreads);
    for (int i = 0; i < kThreads; ++i) {
        threads.emplace_back([&urls, i] { urls[i] = fresh_postgres_database("parallel"); });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(std::set<std::string>(urls.begin(), urls.end()).size(), urls.size());
}

/// Unsets an environment variable for its lifetime.
class WithoutVariable {
public:
    explicit WithoutVariable(const char* name) : name_(name) {
        if (const char* value = std::getenv(name)) saved_ = value;
        ::unsetenv(name);
    }
    ~WithoutVariable() {
        if (saved_) ::setenv(name_, saved_->c_str(), 1);
    }
    WithoutVariable(const WithoutVariable&) = delete;
    WithoutVariable& operator=(const WithoutVariable&) = delete;

private:
    const char* name_;
    std::optional<std::string> saved_;
};

TEST(PostgresHarness, NoClusterIsAFailureNotASkip) {
    const WithoutVariable file("INMAEK_TEST_POSTGRES_URL_FILE");
    const WithoutVariable url("INMAEK_TEST_POSTGRES_URL");
    EXPECT_FALSE(test_postgres_admin_url().has_value());
    try {
        (void)fresh_postgres_database("nowhere");
        ADD_FAILURE() << "expected an exception";
    } catch (const std::runtime_error& error) {
        EXPECT_NE(std::string(error.what()).find("ctest"), std::string::npos) << error.what();
    }
}

/// The shape every repository test takes: one suite, instantiated for each backend.
class BothBackends : public ::testing::TestWithParam<std::string> {
protected:
    TempDir dir_;
};

TEST_P(BothBackends, WriteAndReadBack) {
    const std::string url = fresh_database_url(GetParam(), "both_backends", dir_.path());
    EXPECT_EQ(backend_of(url), GetParam());
    const auto session = open_session(url);
    *session << "CREATE TABLE leads (id INTEGER PRIMARY KEY, title TEXT NOT NULL)";
    {
        const std::string title = "카카오톡×ChatGPT 연동";
        soci::transaction transaction(*session);
        *session << "INSERT INTO leads (id, title) VALUES (7, :title)", soci::use(title);
        transaction.commit();
    }
    EXPECT_EQ(single_text(*session, "SELECT title FROM leads WHERE id = 7"),
              "카카오톡×ChatGPT 연동");
}

INSTANTIATE_TEST_SUITE_P(Backends, BothBackends, ::testing::ValuesIn(backends()),
                         inmaek::test::backend_name);

}  // namespace
