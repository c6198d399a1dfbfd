// Benchmark of /path (not a test): one workspace with --meetings meetings of two companies each
// (a third of them with one of 20 large customers, the hubs) among --companies companies, each
// with one contact of another company met, loaded by INSERT … SELECT over a row series; then
// company_links rebuilt as migration 0011's backfill builds it, and InsightRepository::paths
// (up to 3 chains of up to 3 hops, with the hops' meetings, people and loggers) timed over
// --runs queries per kind of pair: random companies, hub to hub, chains of three hops through a
// hub, and companies that nothing connects (median and p95).
//
//   inmaek_bench_path --backend sqlite3 --dir /tmp/x [--runs 200] [--meetings 1000000]
//   inmaek_bench_path --backend postgresql ...   (a fresh database on the cluster that
//                                                 INMAEK_TEST_POSTGRES_URL[_FILE] names)
// tests/bench/path.sh runs both.
#include <fmt/format.h>
#include <soci/soci.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "storage/database.hpp"
#include "tests/support/postgres.hpp"

namespace {

using inmaek::storage::Database;
using inmaek::storage::UnitOfWork;
using Clock = std::chrono::steady_clock;

struct Options {
    std::string backend = "sqlite3";
    std::filesystem::path dir = "/tmp/inmaek-path-bench";
    int runs = 200;
    long long meetings = 1'000'000;
    long long companies = 5'000;
    long long contacts = 20'000;
    long long hubs = 20;
    long long users = 50;
};

Options parse(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (i + 1 >= argc) throw std::invalid_argument(arg + " needs a value");
        const std::string value = argv[++i];
        if (arg == "--backend") {
            options.backend = value;
        } else if (arg == "--dir") {
            options.dir = value;
        } else if (arg == "--runs") {
            options.runs = std::stoi(value);
        } else if (arg == "--meetings") {
            options.meetings = std::stoll(value);
        } else if (arg == "--companies") {
            options.companies = std::stoll(value);
        } else {
            throw std::invalid_argument("unknown argument " + arg);
        }
    }
    return options;
}

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

void run(soci::session& session, const std::string& what, const std::string& sql) {
    const auto start = Clock::now();
    session << sql;
    std::cout << fmt::format("  {:<22} {:7.1f} s\n", what, ms_since(start) / 1000);
}

/// Companies 1..companies are met; the two after them each met one hub once (a chain of three
/// hops runs between them through the hubs); the last one met nobody.
void load(soci::session& session, const Options& o, bool postgresql, long long ws, long long now) {
    const auto n = [](long long v) { return std::to_string(v); };
    const auto series = [&](long long count) {
        return postgresql ? "FROM generate_series(CAST(1 AS BIGINT), " + n(count) + ") AS s(i)"
                          : "FROM (WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s "
                            "WHERE i < " +
                                n(count) + ") SELECT i FROM s) AS s";
    };
    if (postgresql) session << "SET session_replication_role = replica";
    run(session, "users",
        "INSERT INTO users (workspace_id, platform, platform_user_id, display_name, handle, "
        "created_at) SELECT " +
            n(ws) + ", 'telegram', 'u' || i, 'User ' || i, 'user' || i, " + n(now) + " " +
            series(o.users));
    run(session, "companies",
        "INSERT INTO companies (workspace_id, name, name_key, created_at) SELECT " + n(ws) +
            ", 'Company ' || i, 'company' || i, " + n(now) + " " + series(o.companies + 3));
    run(session, "contacts",
        "INSERT INTO contacts (workspace_id, name, name_key, company_id, created_at) SELECT " +
            n(ws) + ", 'Person ' || i, 'person' || i, 1 + i % " + n(o.companies) + ", " + n(now) +
            " " + series(o.contacts));
    run(session, "meetings",
        "INSERT INTO meetings (workspace_id, starts_at, has_time, notes, created_by, created_at) "
        "SELECT " +
            n(ws) + ", " + n(now) + " - (i * 2654435761) % 157680000, 1, 'met', 1 + i % " +
            n(o.users) + ", " + n(now) + " " + series(o.meetings + 2));
    // The first company: a hub for a third of the meetings; the second any other company.
    const auto first = "(CASE WHEN meeting_id % 3 = 0 THEN meeting_id % " + n(o.hubs) +
                       " ELSE (meeting_id * 7919) % " + n(o.companies) + " END)";
    const auto picked = "(SELECT id AS meeting_id FROM meetings WHERE workspace_id = " + n(ws) +
                        " AND id <= " + n(o.meetings) + ") AS m";
    run(session, "meeting_companies",
        "INSERT INTO meeting_companies (meeting_id, position, workspace_id, company_id) "
        "SELECT meeting_id, 0, " +
            n(ws) + ", 1 + " + first + " FROM " + picked + " UNION ALL SELECT meeting_id, 1, " +
            n(ws) + ", 1 + (" + first + " + 1 + meeting_id % " + n(o.companies - 1) + ") % " +
            n(o.companies) + " FROM " + picked);
    run(session, "meeting_contacts",
        "INSERT INTO meeting_contacts (meeting_id, position, workspace_id, contact_id) "
        "SELECT meeting_id, 0, " +
            n(ws) + ", 1 + (meeting_id * 31) % " + n(o.contacts) + " FROM " + picked);
    // The two companies at the edge: each met one hub, in the last two meetings.
    for (int k = 1; k <= 2; ++k) {
        const auto meeting = n(o.meetings + k);
        session << "INSERT INTO meeting_companies (meeting_id, position, workspace_id, company_id) "
                   "VALUES (" +
                       meeting + ", 0, " + n(ws) + ", " + n(o.companies + k) + "), (" + meeting +
                       ", 1, " + n(ws) + ", " + n(k) + ")";
    }
    if (postgresql) session << "SET session_replication_role = DEFAULT";
}

/// Median and 95th percentile (nearest rank).
std::pair<double, double> percentiles(std::vector<double> samples) {
    std::sort(samples.begin(), samples.end());
    const auto rank = [&](double q) {
        const auto index =
            static_cast<std::size_t>(q * static_cast<double>(samples.size()) + 0.999) - 1;
        return samples[std::min(index, samples.size() - 1)];
    };
    return {rank(0.5), rank(0.95)};
}

}  // namespace

int main(int argc, char** argv) try {
    const auto options = parse(argc, argv);
    std::cout << std::unitbuf;
    std::filesystem::create_directories(options.dir);
    const bool postgresql = options.backend == "postgresql";
    std::string url;
    if (postgresql) {
        url = inmaek::test::fresh_postgres_database("path_bench");
    } else {
        const auto file = options.dir / "path-bench.db";
        for (const auto* suffix : {"", "-wal", "-shm"})
            std::filesystem::remove(file.string() + suffix);
        url = "sqlite3://db=" + file.string();
    }
    std::cout << "== " << options.backend << ": " << options.meetings << " meetings, "
              << options.companies << " companies (" << options.hubs << " hubs), "
              << options.contacts << " contacts\n";
    Database database(inmaek::storage::DatabaseOptions{.url = url});
    database.migrate();
    const long long now = 1738627200;  // 2025-02-04 00:00 UTC
    const auto workspace = database.transact([&](UnitOfWork& work) {
        return work.workspaces().create(
            {.name = "Bench", .created_at = std::chrono::sys_seconds{std::chrono::seconds{now}}});
    });
    {
        const auto start = Clock::now();
        auto session = inmaek::test::open_session(url);
        if (!postgresql) *session << "PRAGMA cache_size = -2000000";
        soci::transaction transaction(*session);
        load(*session, options, postgresql, workspace.id, now);
        transaction.commit();
        std::cout << fmt::format("generate: {:.1f} s\n", ms_since(start) / 1000);
    }
    {
        const auto start = Clock::now();
        database.transact(
            [&](UnitOfWork& work) { work.insights().rebuild_company_links(workspace.id); });
        auto session = inmaek::test::open_session(url);
        *session << (postgresql ? "VACUUM ANALYZE" : "ANALYZE");
        std::cout << fmt::format("company_links rebuilt and analysed: {:.1f} s\n",
                                 ms_since(start) / 1000);
    }

    struct Kind {
        std::string name;
        std::vector<double> samples;
        std::size_t chains = 0;
        std::size_t hops = 0;
    };
    std::vector<Kind> kinds{{"random companies", {}},
                            {"hub to hub", {}},
                            {"edge to edge (3 hops via hubs)", {}},
                            {"unconnected company", {}}};
    const long long c = options.companies;
    for (int run = 0; run < options.runs; ++run) {
        const long long i = run;
        const std::array<std::pair<long long, long long>, 4> pairs{
            std::pair{1 + (i * 7907) % c, 1 + (i * 104723 + 17) % c},
            std::pair{1 + i % options.hubs, 1 + (i + 1) % options.hubs}, std::pair{c + 1, c + 2},
            std::pair{1 + (i * 7907) % c, c + 3}};
        for (std::size_t k = 0; k < pairs.size(); ++k) {
            if (pairs[k].first == pairs[k].second) continue;
            const auto start = Clock::now();
            const auto chains = database.transact([&](UnitOfWork& work) {
                return work.insights().paths(workspace.id, pairs[k].first, pairs[k].second, 3, 3);
            });
            kinds[k].samples.push_back(ms_since(start));
            kinds[k].chains += chains.size();
            if (!chains.empty()) kinds[k].hops += chains.front().hops.size();
        }
    }
    std::cout << fmt::format("/path x{} each (InsightRepository::paths, up to 3 chains):\n",
                             options.runs);
    std::vector<double> all;
    for (const auto& kind : kinds) {
        const auto [median, p95] = percentiles(kind.samples);
        std::cout << fmt::format(
            "  {:<32} median {:7.2f} ms  p95 {:7.2f} ms  ({:.1f} chains, {:.1f} hops)\n", kind.name,
            median, p95,
            static_cast<double>(kind.chains) / static_cast<double>(kind.samples.size()),
            static_cast<double>(kind.hops) / static_cast<double>(kind.samples.size()));
        all.insert(all.end(), kind.samples.begin(), kind.samples.end());
    }
    const auto [median, p95] = percentiles(all);
    std::cout << fmt::format("  {:<32} median {:7.2f} ms  p95 {:7.2f} ms\n", "all", median, p95);
    return 0;
} catch (const std::exception& error) {
    std::cerr << "inmaek_bench_path: " << error.what() << "\n";
    return 1;
}
