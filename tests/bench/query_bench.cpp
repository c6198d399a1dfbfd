// Benchmark of /find and /leads (not a test): one workspace with --meetings meetings whose notes
// mix Korean and English words, --leads leads, --companies companies (industries, aliases) and
// --contacts contacts, loaded by INSERT … SELECT over a row series (the search index built on
// SQLite from the queue its triggers fill, by SearchRepository::index_pending in one
// transaction as the server's indexer does; by one INSERT … SELECT from its views on PostgreSQL,
// as migration 0008's backfill does); then SearchRepository::search and LeadRepository::list with
// three filters, each timed over --runs queries (median and p95).
//
//   inmaek_bench_query --backend sqlite3 --dir /tmp/x [--runs 200] [--meetings 1000000]
//   inmaek_bench_query --backend postgresql ...   (a fresh database on the cluster that
//                                                  INMAEK_TEST_POSTGRES_URL[_FILE] names)
//   inmaek_bench_query --url URL ...               (the database of an earlier run, loaded
//                                                  then: its data is timed again, as it is)
// tests/bench/query.sh runs both.
#include <fmt/format.h>
#include <soci/soci.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "handlers/lead_filter.hpp"
#include "storage/database.hpp"
#include "storage/sql_repositories.hpp"
#include "tests/support/postgres.hpp"

namespace {

using inmaek::storage::Database;
using inmaek::storage::UnitOfWork;
using Clock = std::chrono::steady_clock;

// The words notes are made of: ten of them a note, chosen by a hash of the row number.
const std::vector<std::string> kWords{
    "연동",       "반도체",     "계약",     "협상",        "논의",        "일정",      "가격",
    "보안",       "검토",       "공급",     "파트너",      "데이터",      "플랫폼",    "결제",
    "출시",       "투자",       "인프라",   "클라우드",    "모델",        "학습",      "추론",
    "서버",       "라이선스",   "제안서",   "초안",        "회의록",      "후속",      "예산",
    "견적",       "발표",       "시연",     "파일럿",      "고객",        "마케팅",    "채널",
    "번역",       "음성",       "검색",     "광고",        "커머스",      "물류",      "금융",
    "의료",       "교육",       "게임",     "integration", "pricing",     "security",  "review",
    "launch",     "roadmap",    "contract", "proposal",    "pilot",       "demo",      "latency",
    "throughput", "benchmark",  "license",  "invoice",     "partnership", "chatbot",   "agent",
    "embedding",  "finetune",   "gpu",      "hbm",         "npu",         "api",       "sdk",
    "onboarding", "compliance", "privacy",  "budget",      "timeline",    "kickoff",   "followup",
    "feedback",   "renewal",    "discount", "support",     "migration",   "dashboard", "analytics"};
const std::vector<std::string> kIndustries{"반도체", "플랫폼",        "AI",      "금융",
                                           "커머스", "semiconductor", "telecom", "게임"};

struct Options {
    std::string backend = "sqlite3";
    std::filesystem::path dir = "/tmp/inmaek-query-bench";
    std::string url;  ///< an earlier run's database, when given
    int runs = 200;
    long long meetings = 1'000'000;
    long long leads = 100'000;
    long long companies = 5'000;
    long long contacts = 20'000;
    long long users = 50;
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
        } else if (arg == "--url") {
            options.url = value();
        } else if (arg == "--dir") {
            options.dir = value();
        } else if (arg == "--runs") {
            options.runs = std::stoi(value());
        } else if (arg == "--meetings") {
            options.meetings = std::stoll(value());
        } else if (arg == "--leads") {
            options.leads = std::stoll(value());
        } else {
            throw std::invalid_argument("unknown argument " + arg);
        }
    }
    return options;
}

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
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

/// An SQL array literal of words, and the expression picking word number `index` of it.
std::string pick(bool postgresql, const std::vector<std::string>& words, const std::string& index) {
    std::string list;
    for (const auto& word : words) list += (list.empty() ? "'" : ", '") + word + "'";
    if (postgresql) {
        return "(ARRAY[" + list + "])[1 + (" + index + ") % " + std::to_string(words.size()) + "]";
    }
    std::string json;
    for (const auto& word : words) json += (json.empty() ? "\"" : ", \"") + word + "\"";
    return "json_extract('[" + json + "]', '$[' || ((" + index + ") % " +
           std::to_string(words.size()) + ") || ']')";
}

void run(soci::session& session, const std::string& what, const std::string& sql) {
    const auto start = Clock::now();
    session << sql;
    std::cout << fmt::format("  {:<22} {:7.1f} s\n", what, ms_since(start) / 1000);
}

void load(soci::session& session, const Options& o, bool postgresql, long long ws, long long now) {
    const auto n = [](long long v) { return std::to_string(v); };
    const auto series = [&](long long count) {
        return postgresql ? "FROM generate_series(CAST(1 AS BIGINT), " + n(count) + ") AS s(i)"
                          : "FROM (WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s "
                            "WHERE i < " +
                                n(count) + ") SELECT i FROM s) AS s";
    };
    const std::string spread = "((i * 2654435761) % 157680000)";
    // PostgreSQL: foreign keys and triggers off for the load, the index filled after it in one
    // statement (as the migration's backfill does). SQLite runs its triggers row by row.
    if (postgresql) session << "SET session_replication_role = replica";
    run(session, "users",
        "INSERT INTO users (workspace_id, platform, platform_user_id, display_name, handle, "
        "created_at) SELECT " +
            n(ws) + ", 'telegram', 'u' || i, 'User ' || i, 'user' || i, " + n(now) + " " +
            series(o.users));
    run(session, "companies",
        "INSERT INTO companies (workspace_id, name, name_key, industry, created_at) SELECT " +
            n(ws) + ", 'Company ' || i, 'company' || i, " + pick(postgresql, kIndustries, "i") +
            ", " + n(now) + " " + series(o.companies));
    run(session, "company_aliases",
        "INSERT INTO company_aliases (workspace_id, company_id, alias, alias_key) SELECT " + n(ws) +
            ", i, '회사' || i, '회사' || i " + series(o.companies));
    run(session, "contacts",
        "INSERT INTO contacts (workspace_id, name, name_key, company_id, title, created_at) "
        "SELECT " +
            n(ws) + ", 'Person ' || i, 'person' || i, 1 + i % " + n(o.companies) + ", 'Manager', " +
            n(now) + " " + series(o.contacts));
    const auto stage_case =
        "CASE i % 9 WHEN 0 THEN 'new' WHEN 1 THEN 'contacted' WHEN 2 THEN 'meeting' WHEN 3 THEN "
        "'proposal' WHEN 4 THEN 'poc' WHEN 5 THEN 'mou' WHEN 6 THEN 'negotiation' WHEN 7 THEN "
        "'signed' ELSE 'dropped' END";
    run(session, "leads",
        "INSERT INTO leads (workspace_id, title, stage, value_amount, value_currency, owner_id, "
        "due, note, created_by, created_at, updated_at) SELECT " +
            n(ws) + ", 'Lead ' || i || ' ' || " + pick(postgresql, kWords, "i * 7") + ", " +
            stage_case +
            ", CASE WHEN i % 10 < 7 THEN (1 + i % 50) * 100000000 WHEN i % 10 < 9 THEN (1 + i % "
            "20) * 10000000 END, CASE WHEN i % 10 < 7 THEN 'KRW' WHEN i % 10 < 9 THEN 'USD' END, "
            "1 + i % " +
            n(o.users) +
            ", CASE WHEN i % 3 = 0 THEN '2025-0' || (1 + i % 9) || '-15' "
            "END, " +
            pick(postgresql, kWords, "i * 13") + ", 1 + i % " + n(o.users) + ", " + n(now) + " - " +
            spread + ", " + n(now) + " - " + spread + " " + series(o.leads));
    run(session, "lead_companies",
        "INSERT INTO lead_companies (lead_id, position, workspace_id, company_id) SELECT id, 0, "
        "workspace_id, 1 + id % " +
            n(o.companies) + " FROM leads WHERE workspace_id = " + n(ws));
    std::string notes;
    for (int w = 0; w < 10; ++w) {
        notes +=
            (notes.empty() ? "" : " || ' ' || ") +
            pick(postgresql, kWords, "i * " + n(2654435761LL + w * 40503LL) + " / " + n(1 + w * 7));
    }
    run(session, "meetings",
        "INSERT INTO meetings (workspace_id, starts_at, has_time, place, notes, created_by, "
        "created_at) SELECT " +
            n(ws) + ", " + n(now) + " - " + spread + ", 1, 'Seoul', " + notes + ", 1 + i % " +
            n(o.users) + ", " + n(now) + " " + series(o.meetings));
    if (postgresql) {
        session << "SET session_replication_role = DEFAULT";
        run(session, "search_docs",
            "INSERT INTO search_docs (id, workspace_id, kind, entity_id, at, title, body) "
            "SELECT * FROM search_company_source UNION ALL SELECT * FROM search_contact_source "
            "UNION ALL SELECT * FROM search_lead_source UNION ALL SELECT * FROM "
            "search_follow_up_source UNION ALL SELECT * FROM search_meeting_source");
    }
}

struct Timing {
    std::string name;
    std::vector<double> samples;
    std::vector<double>
        cpu;  ///< the same queries' CPU time on this thread (the machine may be busy)
};

/// CPU time of the calling thread, in milliseconds.
double thread_cpu_ms() {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

void report(const std::vector<Timing>& timings) {
    std::vector<double> all;
    for (const auto& timing : timings) {
        const auto [median, p95] = percentiles(timing.samples);
        std::cout << fmt::format("  {:<34} median {:7.2f} ms  p95 {:7.2f} ms", timing.name, median,
                                 p95);
        if (!timing.cpu.empty()) {
            const auto [cpu_median, cpu_p95] = percentiles(timing.cpu);
            std::cout << fmt::format("  (cpu {:.2f} / {:.2f})", cpu_median, cpu_p95);
        }
        std::cout << "\n";
        all.insert(all.end(), timing.samples.begin(), timing.samples.end());
    }
    const auto [median, p95] = percentiles(all);
    std::cout << fmt::format("  {:<34} median {:7.2f} ms  p95 {:7.2f} ms\n", "all", median, p95);
}

}  // namespace

int main(int argc, char** argv) try {
    const auto options = parse(argc, argv);
    std::cout << std::unitbuf;
    std::filesystem::create_directories(options.dir);
    const bool postgresql =
        options.backend == "postgresql" || options.url.starts_with("postgresql");
    std::string url = options.url;
    if (!url.empty()) {
        // An earlier run's data: timed as it is.
    } else if (postgresql) {
        url = inmaek::test::fresh_postgres_database("query_bench");
    } else {
        const auto file = options.dir / "query-bench.db";
        for (const auto* suffix : {"", "-wal", "-shm"})
            std::filesystem::remove(file.string() + suffix);
        url = "sqlite3://db=" + file.string();
    }
    std::cout << "== " << options.backend << ": " << options.meetings << " meetings, "
              << options.leads << " leads, " << options.companies << " companies, "
              << options.contacts << " contacts\n";
    Database database(inmaek::storage::DatabaseOptions{.url = url});
    database.migrate();
    const long long now = 1738627200;  // 2025-02-04 00:00 UTC
    inmaek::storage::Id workspace_id = 0;
    if (!options.url.empty()) {
        *inmaek::test::open_session(url) << "SELECT min(id) FROM workspaces",
            soci::into(workspace_id);
    } else {
        workspace_id =
            database
                .transact([&](UnitOfWork& work) {
                    return work.workspaces().create(
                        {.name = "Bench",
                         .created_at = std::chrono::sys_seconds{std::chrono::seconds{now}}});
                })
                .id;
    }
    std::cout << "url: " << url << "\n";
    if (options.url.empty()) {
        const auto start = Clock::now();
        auto session = inmaek::test::open_session(url);
        if (!postgresql) *session << "PRAGMA cache_size = -2000000";
        soci::transaction transaction(*session);
        load(*session, options, postgresql, workspace_id, now);
        transaction.commit();
        *session << (postgresql ? "VACUUM ANALYZE" : "ANALYZE");
        std::cout << fmt::format("generate: {:.1f} s\n", ms_since(start) / 1000);
    }
    if (!postgresql && options.url.empty()) {
        // On the loading session, with its large page cache: FTS5 merges its segments as the
        // index grows, which a small cache turns into reads of the same pages again and again.
        const auto start = Clock::now();
        auto session = inmaek::test::open_session(url);
        *session << "PRAGMA cache_size = -2000000";
        soci::transaction transaction(*session);
        inmaek::storage::sql::SqlUnitOfWork work(*session);
        const auto indexed = work.search().index_pending(0);
        transaction.commit();
        std::cout << fmt::format("index: {} documents in {:.1f} s\n", indexed,
                                 ms_since(start) / 1000);
    }

    // /find: words of two syllables, of three or more, English in any case, two words, names.
    std::vector<Timing> finds{{"/find ko 2 syllables (연동, 계약…)", {}},
                              {"/find ko 3+ syllables (반도체…)", {}},
                              {"/find en (Integration, GPU…)", {}},
                              {"/find two words (연동 pricing…)", {}},
                              {"/find names (Company 42, 회사7)", {}}};
    std::vector<std::string> two;
    std::vector<std::string> three;
    std::vector<std::string> english;
    for (const auto& word : kWords) {
        const bool ascii = static_cast<unsigned char>(word[0]) < 0x80;
        (ascii ? english : word.size() == 6 ? two : three).push_back(word);
    }
    for (auto& word : english) word[0] = static_cast<char>(std::toupper(word[0]));
    std::int64_t hits = 0;
    const auto find = [&](Timing& timing, const std::string& query) {
        const auto start = Clock::now();
        const auto cpu_start = thread_cpu_ms();
        const auto results = database.transact(
            [&](UnitOfWork& work) { return work.search().search(workspace_id, query, 10, 60); });
        timing.samples.push_back(ms_since(start));
        timing.cpu.push_back(thread_cpu_ms() - cpu_start);
        hits += results.total;
    };
    for (int run = 0; run < options.runs; ++run) {
        const auto i = static_cast<std::size_t>(run);
        find(finds[0], two[i % two.size()]);
        find(finds[1], three[i % three.size()]);
        find(finds[2], english[i % english.size()]);
        find(finds[3], two[(i * 7) % two.size()] + " " + english[(i * 3) % english.size()]);
        find(finds[4], i % 2 == 0 ? "Company " + std::to_string(1 + i * 37 % options.companies)
                                  : "회사" + std::to_string(1 + i * 53 % options.companies));
    }
    std::cout << fmt::format(
        "/find x{} each (SearchRepository::search, top 10 with snippets; "
        "{} matches counted in all):\n",
        options.runs, hits);
    report(finds);

    // /leads with three filters, parsed as the chat parses them.
    const std::vector<std::string> filters{"stage:negotiation value>10억 owner:@user7",
                                           "company:\"Company 42\" stage:open sort:-value",
                                           "industry:반도체 value>10억 since:2024-01-01",
                                           "stage:poc,mou due:2025-06-30 sort:due",
                                           "owner:@user3 value<$1M sort:-value"};
    std::vector<Timing> leads;
    std::int64_t listed = 0;
    for (const auto& text : filters) {
        Timing timing{"/leads " + text, {}};
        const auto parsed = inmaek::handlers::parse_lead_filter(
            text, std::chrono::year_month_day{std::chrono::year{2025} / 2 / 4});
        if (!parsed.ok()) throw std::runtime_error("bad filter " + text);
        for (int run = 0; run < options.runs; ++run) {
            const auto start = Clock::now();
            database.transact([&](UnitOfWork& work) {
                // Names resolved as the handler resolves them, then the one query.
                inmaek::storage::LeadFilter filter;
                const auto& spec = parsed.filter;
                filter.stages = spec.stages;
                if (!spec.company.empty()) {
                    filter.company_id = work.companies().find_by_key(workspace_id, "company42")->id;
                }
                if (spec.owner) {
                    filter.owner_id =
                        work.workspaces().find_user_by_name(workspace_id, spec.owner->name)->id;
                }
                filter.industry = spec.industry;
                filter.value_above = spec.value_above;
                filter.value_below = spec.value_below;
                if (spec.since) filter.created_from = std::chrono::sys_days{*spec.since};
                if (spec.due) filter.due_by = std::chrono::sys_days{*spec.due};
                filter.sort = spec.sort;
                filter.descending = spec.descending;
                listed += work.leads().list(workspace_id, filter).total;
            });
            timing.samples.push_back(ms_since(start));
        }
        leads.push_back(std::move(timing));
    }
    std::cout << fmt::format("/leads x{} each (LeadRepository::list, 20 a page; {} counted):\n",
                             options.runs, listed);
    report(leads);
    return 0;
} catch (const std::exception& error) {
    std::cerr << "inmaek_bench_query: " << error.what() << "\n";
    return 1;
}
