// Benchmark of the summary (not a test): one workspace with 1,000,000 meetings, 100,000 leads and
// 200,000 follow-ups (with their links, history and people), loaded in one transaction by
// INSERT … SELECT over a row series, then summarize() for a day timed over --runs runs (median
// and p95), each repository read timed alone, and the plans of the queries that matter.
//
//   inmaek_bench_summary --backend sqlite3 --dir /tmp/x [--runs 20] [--plans]
//   inmaek_bench_summary --backend postgresql ...   (a fresh database on the cluster that
//                                                    INMAEK_TEST_POSTGRES_URL[_FILE] names)
// tests/bench/summary.sh runs both. Sizes: --meetings N --leads N --follow-ups N.
#include <date/tz.h>
#include <fmt/format.h>
#include <soci/soci.h>

#include <time.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <iostream>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

#include "handlers/summary.hpp"
#include "storage/database.hpp"
#include "storage/sql_summary_queries.hpp"
#include "tests/support/postgres.hpp"

namespace {

using inmaek::storage::Database;
using inmaek::storage::Day;
using inmaek::storage::UnitOfWork;
using inmaek::storage::Workspace;
using Clock = std::chrono::steady_clock;
namespace sql = inmaek::storage::sql::summary_sql;

struct Options {
    std::string backend = "sqlite3";
    std::filesystem::path dir = "/tmp/inmaek-summary-bench";
    int runs = 20;
    long long meetings = 1'000'000;
    long long leads = 100'000;
    long long follow_ups = 200'000;
    long long companies = 5'000;
    long long contacts = 20'000;
    long long users = 50;
    bool plans = false;
    std::string reuse;  ///< a database loaded before: time it without loading again
};

Options parse(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const auto value = [&]() -> std::string {
            if (i + 1 >= argc) throw std::invalid_argument(arg + " needs a value");
            return argv[++i];
        };
        if (arg == "--backend") {
            options.backend = value();
        } else if (arg == "--dir") {
            options.dir = value();
        } else if (arg == "--runs") {
            options.runs = std::stoi(value());
        } else if (arg == "--meetings") {
            options.meetings = std::stoll(value());
        } else if (arg == "--leads") {
            options.leads = std::stoll(value());
        } else if (arg == "--follow-ups") {
            options.follow_ups = std::stoll(value());
        } else if (arg == "--reuse") {
            options.reuse = value();
        } else if (arg == "--plans") {
            options.plans = true;
        } else {
            throw std::invalid_argument("unknown argument " + arg);
        }
    }
    return options;
}

/// CPU time of this process: on SQLite the whole summary runs here, so this is what the summary
/// costs whatever else the machine is doing (the wall clock counts the waits for a busy CPU).
double cpu_ms() {
    timespec now{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) * 1000 + static_cast<double>(now.tv_nsec) / 1e6;
}

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

/// Median and 95th percentile (nearest rank) of the samples.
std::string stats(std::vector<double> samples) {
    std::sort(samples.begin(), samples.end());
    const auto rank = [&](double q) {
        const auto index =
            static_cast<std::size_t>(q * static_cast<double>(samples.size()) + 0.999) - 1;
        return samples[std::min(index, samples.size() - 1)];
    };
    return fmt::format("median {:.2f} ms  p95 {:.2f} ms", rank(0.5), rank(0.95));
}

/// The bulk load: every table filled by INSERT … SELECT over the integers 1..count, in the
/// dialect's fastest series. Counts, the workspace and the time base are bound.
class Loader {
public:
    Loader(soci::session& session, bool postgresql, long long workspace, long long now)
        : session_(session), postgresql_(postgresql), workspace_(workspace), now_(now) {}

    /// INSERT INTO `table_and_columns` SELECT `select` FROM the integers i = 1..count, with
    /// `derived` ("expression AS name") as a further column the select may use.
    void fill(const std::string& what, long long count, const std::string& table_and_columns,
              const std::string& select, const std::string& derived = "0 AS unused") {
        const auto start = Clock::now();
        const std::string series =
            postgresql_ ? "generate_series(1, CAST(:count AS BIGINT)) AS n(i)" : "n";
        const std::string with =
            postgresql_ ? ""
                        : "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                          "WHERE i < :count) ";
        run("INSERT INTO " + table_and_columns + " " + with + "SELECT " + select +
                " FROM (SELECT i, " + derived + " FROM " + series + ") AS d",
            count);
        std::cout << fmt::format("  {:<22} {:>9} rows  {:7.1f} s\n", what, count,
                                 ms_since(start) / 1000);
    }

    /// A statement over the rows already loaded (links, history).
    void derive(const std::string& what, const std::string& statement) {
        const auto start = Clock::now();
        run(statement, -1);
        std::cout << fmt::format("  {:<22} {:>9}       {:7.1f} s\n", what, "",
                                 ms_since(start) / 1000);
    }

    /// "YYYY-MM-DD" of epoch seconds, in UTC.
    [[nodiscard]] std::string day_of(const std::string& seconds) const {
        return postgresql_
                   ? "to_char(to_timestamp(" + seconds + ") AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
                   : "date(" + seconds + ", 'unixepoch')";
    }

private:
    // Binds, in order of appearance: :count (when the series has one), then :ws and :now as
    // often as the statement names them. SQLite gives repeated names one slot and binds by
    // name here, PostgreSQL by position: so each name is bound once per appearance on PostgreSQL.
    void run(const std::string& text, long long count) {
        std::string statement_text = text;
        std::vector<long long> values;
        static const std::regex kParameter{R"(:(count|ws|now))"};
        std::string rewritten;
        auto begin = std::sregex_iterator(text.begin(), text.end(), kParameter);
        std::size_t last = 0;
        int index = 0;
        for (auto it = begin; it != std::sregex_iterator(); ++it) {
            const auto name = (*it)[1].str();
            values.push_back(name == "count" ? count : name == "ws" ? workspace_ : now_);
            rewritten += text.substr(last, static_cast<std::size_t>(it->position()) - last);
            rewritten += ":p" + std::to_string(index++);
            last = static_cast<std::size_t>(it->position() + it->length());
        }
        rewritten += text.substr(last);
        soci::statement statement(session_);
        for (auto& value : values) statement.exchange(soci::use(value));
        statement.alloc();
        statement.prepare(rewritten);
        statement.define_and_bind();
        statement.execute(true);
    }

    soci::session& session_;
    bool postgresql_;
    long long workspace_;
    long long now_;
};

void load(soci::session& session, const Options& options, bool postgresql, long long workspace,
          long long now) {
    Loader loader(session, postgresql, workspace, now);
    // PostgreSQL checks each foreign key and runs the triggers row by row: the rows made here are
    // consistent by construction, so the load goes without both (a superuser's
    // session_replication_role) and sets leads.last_met_at, pipeline_totals and
    // follow_up_totals (schemas/0006, 0007) in one statement each after their rows.
    // SQLite's triggers keep them row by row; this connection has no foreign key checks.
    if (postgresql) session << "SET session_replication_role = replica";
    // A pseudo-random instant within five years (Knuth's multiplicative hash of i).
    const std::string spread = "((i * 2654435761) % 157680000)";
    const auto n = [](long long v) { return std::to_string(v); };
    loader.fill("users", options.users,
                "users (workspace_id, platform, platform_user_id, display_name, handle, role, "
                "created_at)",
                "CAST(:ws AS BIGINT), 'telegram', 'u' || i, 'User ' || i, 'user' || i, 'member', "
                "CAST(:now AS BIGINT) - 157680000");
    loader.fill("companies", options.companies,
                "companies (workspace_id, name, name_key, industry, created_at)",
                "CAST(:ws AS BIGINT), 'Company ' || i, 'company' || i, 'AI', "
                "CAST(:now AS BIGINT) - 157680000");
    loader.fill("contacts", options.contacts,
                "contacts (workspace_id, name, name_key, company_id, created_at)",
                "CAST(:ws AS BIGINT), 'Person ' || i, 'person' || i, 1 + i % " +
                    n(options.companies) + ", CAST(:now AS BIGINT) - 157680000");
    // Leads: created over five years (a few each day), changed within five days of creation;
    // stages round-robin; 70% valued in KRW (1억–50억), 20% in USD ($100k–$2M), 10% unvalued.
    const auto stage_case =
        "CASE i % 9 WHEN 0 THEN 'new' WHEN 1 THEN 'contacted' WHEN 2 THEN 'meeting' WHEN 3 THEN "
        "'proposal' WHEN 4 THEN 'poc' WHEN 5 THEN 'mou' WHEN 6 THEN 'negotiation' WHEN 7 THEN "
        "'signed' ELSE 'dropped' END";
    loader.fill("leads", options.leads,
                "leads (workspace_id, title, stage, value_amount, value_currency, owner_id, "
                "created_by, created_at, updated_at)",
                "CAST(:ws AS BIGINT), 'Lead ' || i, " + std::string{stage_case} +
                    ", CASE WHEN i % 10 < 7 THEN (1 + i % 50) * 100000000 WHEN i % 10 < 9 THEN (1 "
                    "+ i % 20) * 10000000 END, CASE WHEN i % 10 < 7 THEN 'KRW' WHEN i % 10 < 9 "
                    "THEN 'USD' END, 1 + i % " +
                    n(options.users) + ", 1 + i % " + n(options.users) +
                    ", created, CASE WHEN created + (i % 5) * 86400 < CAST(:now AS BIGINT) THEN "
                    "created + (i % 5) * 86400 ELSE created END",
                "CAST(:now AS BIGINT) - " + spread + " AS created");
    loader.derive("lead_companies",
                  "INSERT INTO lead_companies (lead_id, position, workspace_id, company_id) "
                  "SELECT id, 0, workspace_id, 1 + id % " +
                      n(options.companies) + " FROM leads WHERE workspace_id = :ws");
    loader.derive("lead_stage_history",
                  "INSERT INTO lead_stage_history (workspace_id, lead_id, from_stage, to_stage, "
                  "changed_by, changed_at) SELECT workspace_id, id, '', 'new', owner_id, "
                  "created_at FROM leads WHERE workspace_id = :ws UNION ALL SELECT workspace_id, "
                  "id, 'new', stage, owner_id, updated_at FROM leads WHERE workspace_id = :ws AND "
                  "stage <> 'new'");
    // Meetings: spread over the five years up to a month ahead (about 550 a day), 30% on a lead.
    loader.fill("meetings", options.meetings,
                "meetings (workspace_id, starts_at, has_time, place, notes, lead_id, created_by, "
                "created_at)",
                "CAST(:ws AS BIGINT), starts, 1, 'Seoul', 'Notes of meeting ' || i, CASE WHEN i % "
                "10 < 3 THEN 1 + (i * 7) % " +
                    n(options.leads) + " END, 1 + i % " + n(options.users) + ", starts",
                "CAST(:now AS BIGINT) + 2592000 - " + spread + " AS starts");
    if (postgresql) {
        loader.derive("leads.last_met_at",
                      "UPDATE leads SET last_met_at = met.last FROM (SELECT lead_id, "
                      "MAX(starts_at) AS last FROM meetings WHERE workspace_id = :ws AND lead_id "
                      "IS NOT NULL GROUP BY lead_id) AS met WHERE leads.workspace_id = :ws AND "
                      "leads.id = met.lead_id");
        loader.derive("pipeline_totals",
                      "INSERT INTO pipeline_totals (workspace_id, stage, currency, leads, amount) "
                      "SELECT workspace_id, stage, COALESCE(value_currency, ''), COUNT(*), "
                      "COALESCE(SUM(value_amount), 0) FROM leads WHERE workspace_id = :ws GROUP "
                      "BY workspace_id, stage, COALESCE(value_currency, '')");
    }
    loader.derive("meeting_companies",
                  "INSERT INTO meeting_companies (meeting_id, position, workspace_id, company_id) "
                  "SELECT id, 0, workspace_id, 1 + id % " +
                      n(options.companies) +
                      " FROM meetings WHERE workspace_id = :ws UNION ALL SELECT id, 1, "
                      "workspace_id, 1 + (id * 7 + 3) % " +
                      n(options.companies) + " FROM meetings WHERE workspace_id = :ws");
    loader.derive("meeting_contacts",
                  "INSERT INTO meeting_contacts (meeting_id, position, workspace_id, contact_id) "
                  "SELECT id, 0, workspace_id, 1 + id % " +
                      n(options.contacts) +
                      " FROM meetings WHERE workspace_id = :ws UNION ALL SELECT id, 1, "
                      "workspace_id, 1 + (id * 11) % " +
                      n(options.contacts) +
                      " FROM meetings WHERE workspace_id = :ws AND id % 2 = 0");
    // Follow-ups: logged over five years, due from three days before to 17 after; a quarter
    // open, 10% unassigned, half on a lead.
    loader.fill("follow_ups", options.follow_ups,
                "follow_ups (workspace_id, text, due, assignee_id, lead_id, done, done_at, "
                "created_by, created_at)",
                "CAST(:ws AS BIGINT), 'Follow-up ' || i, " +
                    loader.day_of("created + ((i % 21) - 3) * 86400") +
                    ", CASE WHEN i % 10 <> 0 THEN 1 + i % " + n(options.users) +
                    " END, CASE WHEN i % 2 = 0 THEN 1 + i % " + n(options.leads) +
                    " END, CASE WHEN i % 4 = 0 THEN 0 ELSE 1 END, CASE WHEN i % 4 = 0 THEN NULL "
                    "ELSE created + 86400 END, 1 + i % " +
                    n(options.users) + ", created",
                "CAST(:now AS BIGINT) - " + spread + " AS created");
    if (postgresql) {
        loader.derive("follow_up_totals",
                      "INSERT INTO follow_up_totals (workspace_id, open_dated) SELECT "
                      "workspace_id, COUNT(*) FROM follow_ups WHERE workspace_id = :ws AND done = "
                      "0 AND due IS NOT NULL GROUP BY workspace_id");
        session << "SET session_replication_role = DEFAULT";
    }
}

}  // namespace

int main(int argc, char** argv) try {
    const auto options = parse(argc, argv);
    std::cout << std::unitbuf;  // progress shows while a load runs, also through a pipe
    std::filesystem::create_directories(options.dir);
    std::string url;
    if (!options.reuse.empty()) {
        url = options.reuse;
    } else if (options.backend == "sqlite3") {
        const auto file = options.dir / "summary-bench.db";
        for (const auto* suffix : {"", "-wal", "-shm"}) {
            std::filesystem::remove(file.string() + suffix);
        }
        url = "sqlite3://db=" + file.string();
    } else {
        url = inmaek::test::fresh_postgres_database("summary_bench");
    }
    const bool postgresql = options.backend == "postgresql";
    if (options.reuse.empty())
        std::cout << "== " << options.backend << ": " << options.meetings << " meetings, "
                  << options.leads << " leads, " << options.follow_ups << " follow-ups\n";

    inmaek::storage::DatabaseOptions database_options;
    database_options.url = url;
    Database database(database_options);
    database.migrate();

    // Today is 2025-02-04 in Seoul; the scheduler's call at 09:00 summarises the day before.
    const auto* zone = date::locate_zone("Asia/Seoul");
    const Day today{std::chrono::year{2025} / 2 / 4};
    const auto now = zone->to_sys(date::local_days{today.time_since_epoch()}).time_since_epoch();
    const long long now_seconds = std::chrono::duration_cast<std::chrono::seconds>(now).count();
    const auto workspace = [&] {
        if (!options.reuse.empty()) {
            return *database.transact(
                [](UnitOfWork& work) { return work.workspaces().find_by_name("Bench"); });
        }
        const auto created = database.transact([&](UnitOfWork& work) {
            Workspace fresh;
            fresh.name = "Bench";
            fresh.created_at = std::chrono::sys_seconds{std::chrono::seconds{now_seconds}};
            return work.workspaces().create(fresh);
        });
        const auto generate_start = Clock::now();
        {
            auto session = inmaek::test::open_session(url);
            if (!postgresql) {
                // The link tables' secondary indexes take their rows in company/contact order: a
                // cache that holds them keeps the load from seeking on every row.
                *session << "PRAGMA synchronous = NORMAL";
                *session << "PRAGMA cache_size = -2000000";
            }
            soci::transaction transaction(*session);
            load(*session, options, postgresql, created.id, now_seconds);
            transaction.commit();
            const auto analyze_start = Clock::now();
            *session << (postgresql ? "VACUUM ANALYZE" : "ANALYZE");
            std::cout << fmt::format("  {:<22} {:>9}       {:7.1f} s\n",
                                     postgresql ? "VACUUM ANALYZE" : "ANALYZE", "",
                                     ms_since(analyze_start) / 1000);
        }
        std::cout << fmt::format("generate: {:.1f} s\n", ms_since(generate_start) / 1000);
        return created;
    }();

    const auto yesterday = today - std::chrono::days{1};
    inmaek::handlers::Reply reply;
    const auto summarize = [&] {
        return database.transact([&](UnitOfWork& work) {
            return inmaek::handlers::summarize(work, workspace, inmaek::handlers::Lang::ko, zone,
                                               yesterday, yesterday, today);
        });
    };
    reply = summarize();  // warm-up: statements prepared, pages cached
    std::vector<double> samples;
    std::vector<double> cpu_samples;
    for (int run = 0; run < options.runs; ++run) {
        const auto start = Clock::now();
        const auto cpu_start = cpu_ms();
        reply = summarize();
        samples.push_back(ms_since(start));
        cpu_samples.push_back(cpu_ms() - cpu_start);
    }
    std::cout << fmt::format("summarize(2025-02-03) x{}: {}  ({} lines, {} bytes)\n", options.runs,
                             stats(samples), reply.lines.size(), reply.plain_text().size());
    std::cout << fmt::format("  client CPU time: {}\n", stats(cpu_samples));

    // Each read alone, to see where the time goes.
    const auto from = std::chrono::sys_seconds{std::chrono::seconds{now_seconds - 86'400}};
    const auto to = std::chrono::sys_seconds{std::chrono::seconds{now_seconds}};
    std::vector<inmaek::storage::IdleCutoff> cutoffs;
    for (const auto& [stage, days] :
         std::vector<std::pair<const char*, int>>{{"new", 14},
                                                  {"contacted", 14},
                                                  {"meeting", 21},
                                                  {"proposal", 21},
                                                  {"poc", 30},
                                                  {"mou", 30},
                                                  {"negotiation", 30}}) {
        cutoffs.push_back({stage, to - std::chrono::days{days}});
    }
    const std::vector<std::pair<std::string, std::function<void(UnitOfWork&)>>> reads{
        {"meetings", [&](UnitOfWork& w) { w.summaries().meetings(workspace.id, from, to, 10); }},
        {"lead_moves",
         [&](UnitOfWork& w) { w.summaries().lead_moves(workspace.id, from, to, 10); }},
        {"new_follow_ups",
         [&](UnitOfWork& w) { w.summaries().new_follow_ups(workspace.id, from, to, 10); }},
        {"due_follow_ups",
         [&](UnitOfWork& w) { w.summaries().due_follow_ups(workspace.id, today, 10); }},
        {"idle_leads", [&](UnitOfWork& w) { w.summaries().idle_leads(workspace.id, cutoffs, 10); }},
        {"pipeline", [&](UnitOfWork& w) { w.summaries().pipeline(workspace.id); }},
    };
    for (const auto& [name, read] : reads) {
        std::vector<double> times;
        for (int run = 0; run < options.runs; ++run) {
            const auto start = Clock::now();
            database.transact([&](UnitOfWork& work) { read(work); });
            times.push_back(ms_since(start));
        }
        std::cout << fmt::format("  {:<16} {}\n", name, stats(times));
    }
    std::cout << "---- the summary ----\n" << reply.plain_text() << "\n---------------------\n";

    if (options.plans) {
        // The queries with the day's values, in the order their parameters appear.
        const auto ws = std::to_string(workspace.id);
        const auto f = std::to_string(now_seconds - 86'400);
        const auto t = std::to_string(now_seconds);
        const auto since = std::to_string(now_seconds - 30 * 86'400);
        const auto stage = std::string{"'negotiation'"};
        const std::vector<std::pair<std::string, std::vector<std::string>>> queries{
            {sql::kCountMeetings, {ws, f, t}},
            {sql::kListMeetings, {ws, f, t, "10"}},
            {sql::kMeetingCompanies, {ws, ws, f, t, "10"}},
            {sql::kLeadMoves, {ws, f, t, "10"}},
            {sql::kCountNewFollowUps, {ws, f, t}},
            {sql::kCountOverdue, {ws, ws, "'2025-02-04'"}},
            {std::string{sql::kFollowUpColumns} + sql::kOverdueFilter, {ws, "'2025-02-04'", "10"}},
            {sql::idle_count_sql(1), {ws, stage, ws, stage, since, ws, stage, since, since}},
            {sql::idle_leads_sql(1), {ws, "'negotiation'", since, since, "10", "10"}},
            {sql::kPipeline, {ws}},
        };
        auto session = inmaek::test::open_session(url);
        static const std::regex kParameter{R"(:[a-z_0-9]+)"};
        for (const auto& [text, values] : queries) {
            std::cout << "---- plan of:" << text << "\n";
            std::size_t next = 0;
            std::string bound;
            std::sregex_iterator it(text.begin(), text.end(), kParameter);
            std::size_t last = 0;
            for (; it != std::sregex_iterator(); ++it) {
                bound += text.substr(last, static_cast<std::size_t>(it->position()) - last);
                bound += values.at(next++);
                last = static_cast<std::size_t>(it->position() + it->length());
            }
            bound += text.substr(last);
            const std::string explain = postgresql
                                            ? "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + bound
                                            : "EXPLAIN QUERY PLAN " + bound;
            soci::rowset<soci::row> rows = session->prepare << explain;
            for (const auto& row : rows) {
                std::cout << "  " << row.get<std::string>(postgresql ? 0 : row.size() - 1) << "\n";
            }
        }
    }
    return 0;
} catch (const std::exception& error) {
    std::cerr << "inmaek_bench_summary: " << error.what() << "\n";
    return 1;
}
