#include "tests/bench/bench_data.hpp"

#include <fmt/format.h>
#include <soci/soci.h>

#include <time.h>

#include <algorithm>
#include <iostream>

#include "storage/sql_repositories.hpp"
#include "tests/support/postgres.hpp"

namespace inmaek::bench {

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

namespace {

const std::vector<std::string> kIndustries{"반도체", "플랫폼",        "AI",      "금융",
                                           "커머스", "semiconductor", "telecom", "게임"};

std::string n(long long value) {
    return std::to_string(value);
}

/// An SQL array literal of words, and the expression picking word number `index` of it.
std::string pick(bool postgresql, const std::vector<std::string>& words, const std::string& index) {
    std::string list;
    for (const auto& word : words) list += (list.empty() ? "'" : ", '") + word + "'";
    if (postgresql) {
        return "(ARRAY[" + list + "])[1 + (" + index + ") % " + n(std::ssize(words)) + "]";
    }
    std::string json;
    for (const auto& word : words) json += (json.empty() ? "\"" : ", \"") + word + "\"";
    return "json_extract('[" + json + "]', '$[' || ((" + index + ") % " + n(std::ssize(words)) +
           ") || ']')";
}

/// INSERT … SELECT over the integers i = 1..count, in the dialect's fastest series; timed.
class Loader {
public:
    Loader(soci::session& session, bool postgresql, long long workspace)
        : session_(session), postgresql_(postgresql), ws_(n(workspace)) {}

    [[nodiscard]] bool postgresql() const { return postgresql_; }
    [[nodiscard]] const std::string& ws() const { return ws_; }

    [[nodiscard]] std::string series(long long count) const {
        return postgresql_ ? "FROM generate_series(CAST(1 AS BIGINT), " + n(count) + ") AS s(i)"
                           : "FROM (WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
                             "FROM s WHERE i < " +
                                 n(count) + ") SELECT i FROM s) AS s";
    }

    void run(const std::string& what, const std::string& sql) {
        const auto start = Clock::now();
        session_ << sql;
        std::cout << fmt::format("  {:<22} {:7.1f} s\n", what, ms_since(start) / 1000);
    }

private:
    soci::session& session_;
    bool postgresql_;
    std::string ws_;
};

const std::string kSpread = "((i * 2654435761) % 157680000)";

void load_people_and_companies(Loader& load, const DataSize& o) {
    const auto now = n(kNow);
    load.run("users",
             "INSERT INTO users (workspace_id, platform, platform_user_id, display_name, handle, "
             "created_at) SELECT " +
                 load.ws() + ", 'telegram', 'u' || i, 'User ' || i, 'user' || i, " + now + " " +
                 load.series(o.users));
    load.run("companies",
             "INSERT INTO companies (workspace_id, name, name_key, industry, created_at) SELECT " +
                 load.ws() + ", 'Company ' || i, 'company' || i, " +
                 pick(load.postgresql(), kIndustries, "i") + ", " + now + " " +
                 load.series(o.companies + 3));
    load.run("company_aliases",
             "INSERT INTO company_aliases (workspace_id, company_id, alias, alias_key) SELECT " +
                 load.ws() + ", i, '회사' || i, '회사' || i " + load.series(o.companies));
    load.run("contacts",
             "INSERT INTO contacts (workspace_id, name, name_key, company_id, title, created_at) "
             "SELECT " +
                 load.ws() + ", 'Person ' || i, 'person' || i, 1 + i % " + n(o.companies) +
                 ", 'Manager', " + now + " " + load.series(o.contacts));
}

void load_leads(Loader& load, const DataSize& o) {
    const auto now = n(kNow);
    const auto stage_case =
        "CASE i % 9 WHEN 0 THEN 'new' WHEN 1 THEN 'contacted' WHEN 2 THEN 'meeting' WHEN 3 THEN "
        "'proposal' WHEN 4 THEN 'poc' WHEN 5 THEN 'mou' WHEN 6 THEN 'negotiation' WHEN 7 THEN "
        "'signed' ELSE 'dropped' END";
    load.run("leads",
             "INSERT INTO leads (workspace_id, title, stage, value_amount, value_currency, "
             "owner_id, due, note, created_by, created_at, updated_at) SELECT " +
                 load.ws() + ", 'Lead ' || i || ' ' || " +
                 pick(load.postgresql(), kWords, "i * 7") + ", " + stage_case +
                 ", CASE WHEN i % 10 < 7 THEN (1 + i % 50) * 100000000 WHEN i % 10 < 9 THEN (1 + "
                 "i % 20) * 10000000 END, CASE WHEN i % 10 < 7 THEN 'KRW' WHEN i % 10 < 9 THEN "
                 "'USD' END, 1 + i % " +
                 n(o.users) + ", CASE WHEN i % 3 = 0 THEN '2025-0' || (1 + i % 9) || '-15' END, " +
                 pick(load.postgresql(), kWords, "i * 13") + ", 1 + i % " + n(o.users) + ", " +
                 now + " - " + kSpread + ", " + now + " - " + kSpread + " " + load.series(o.leads));
    // With the copy of the lead's columns that the triggers of migrations 0014 and 0015 keep (they
    // are off during a PostgreSQL load, and would update each row again on SQLite).
    load.run("lead_companies",
             "INSERT INTO lead_companies (lead_id, position, workspace_id, company_id, stage, "
             "owner_id, value_currency, value_amount, created_at, due, updated_at) SELECT id, 0, "
             "workspace_id, 1 + id % " +
                 n(o.companies) +
                 ", stage, owner_id, value_currency, value_amount, created_at, due, updated_at "
                 "FROM leads "
                 "WHERE workspace_id = " +
                 load.ws());
}

/// Meetings 1..meetings, then the two of the edge companies.
void load_meetings(Loader& load, const DataSize& o) {
    std::string notes;
    for (int w = 0; w < 10; ++w) {
        notes += (notes.empty() ? "" : " || ' ' || ") +
                 pick(load.postgresql(), kWords,
                      "i * " + n(2654435761LL + w * 40503LL) + " / " + n(1 + w * 7));
    }
    load.run("meetings",
             "INSERT INTO meetings (workspace_id, starts_at, has_time, place, notes, created_by, "
             "created_at) SELECT " +
                 load.ws() + ", " + n(kNow) + " - " + kSpread + ", 1, 'Seoul', " + notes +
                 ", 1 + i % " + n(o.users) + ", " + n(kNow) + " " + load.series(o.meetings + 2));
}

/// Companies 1..companies are met, two a meeting: the first a hub for a third of the meetings,
/// the second any other company; the two after them each met one hub once (a chain of three
/// hops runs between them through the hubs); the last one met nobody.
void load_meeting_links(Loader& load, const DataSize& o) {
    const auto first = "(CASE WHEN meeting_id % 3 = 0 THEN meeting_id % " + n(o.hubs) +
                       " ELSE (meeting_id * 7919) % " + n(o.companies) + " END)";
    const auto picked = "(SELECT id AS meeting_id FROM meetings WHERE workspace_id = " + load.ws() +
                        " AND id <= " + n(o.meetings) + ") AS m";
    load.run("meeting_companies",
             "INSERT INTO meeting_companies (meeting_id, position, workspace_id, company_id) "
             "SELECT meeting_id, 0, " +
                 load.ws() + ", 1 + " + first + " FROM " + picked +
                 " UNION ALL SELECT meeting_id, 1, " + load.ws() + ", 1 + (" + first +
                 " + 1 + meeting_id % " + n(o.companies - 1) + ") % " + n(o.companies) + " FROM " +
                 picked);
    load.run("meeting_contacts",
             "INSERT INTO meeting_contacts (meeting_id, position, workspace_id, contact_id) "
             "SELECT meeting_id, 0, " +
                 load.ws() + ", 1 + (meeting_id * 31) % " + n(o.contacts) + " FROM " + picked);
    for (int k = 1; k <= 2; ++k) {
        load.run("meeting_companies +" + n(k),
                 fmt::format("INSERT INTO meeting_companies (meeting_id, position, workspace_id, "
                             "company_id) VALUES ({0}, 0, {1}, {2}), ({0}, 1, {1}, {3})",
                             o.meetings + k, load.ws(), o.companies + k, k));
    }
}

/// PostgreSQL: foreign keys and triggers off for the load, the search index filled after it in
/// one statement (as migration 0008's backfill does). SQLite runs its triggers row by row.
void load_all(soci::session& session, const DataSize& size, const DataParts& parts, bool postgresql,
              long long workspace) {
    Loader load(session, postgresql, workspace);
    if (postgresql) session << "SET session_replication_role = replica";
    load_people_and_companies(load, size);
    load_leads(load, size);
    load_meetings(load, size);
    if (parts.meeting_links) load_meeting_links(load, size);
    if (postgresql) {
        session << "SET session_replication_role = DEFAULT";
        if (parts.search_index) {
            load.run("search_docs",
                     "INSERT INTO search_docs (id, workspace_id, kind, entity_id, at, title, body) "
                     "SELECT * FROM search_company_source UNION ALL SELECT * FROM "
                     "search_contact_source UNION ALL SELECT * FROM search_lead_source UNION ALL "
                     "SELECT * FROM search_follow_up_source UNION ALL SELECT * FROM "
                     "search_meeting_source");
        }
    }
}

std::string fresh_url(const std::string& backend, const std::filesystem::path& dir) {
    if (backend == "postgresql") return test::fresh_postgres_database("query_bench");
    if (backend != "sqlite3") throw std::invalid_argument("unknown backend " + backend);
    const auto file = dir / "query-bench.db";
    for (const auto* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(file.string() + suffix);
    return "sqlite3://db=" + file.string();
}

/// SQLite's search index from the queue its triggers filled, by SearchRepository::index_pending
/// in one transaction as the server's indexer does; on the loading session's large page cache,
/// as FTS5 merges its segments as the index grows, which a small cache turns into reads of the
/// same pages again and again.
void index_search(const std::string& url) {
    const auto start = Clock::now();
    auto session = test::open_session(url);
    *session << "PRAGMA cache_size = -2000000";
    soci::transaction transaction(*session);
    storage::sql::SqlUnitOfWork work(*session);
    const auto indexed = work.search().index_pending(0);
    transaction.commit();
    std::cout << fmt::format("index: {} documents in {:.1f} s\n", indexed, ms_since(start) / 1000);
}

}  // namespace

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double cpu_ms() {
    timespec now{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) * 1000 + static_cast<double>(now.tv_nsec) / 1e6;
}

std::pair<double, double> percentiles(std::vector<double> samples) {
    std::sort(samples.begin(), samples.end());
    const auto rank = [&](double q) {
        const auto index =
            static_cast<std::size_t>(q * static_cast<double>(samples.size()) + 0.999) - 1;
        return samples[std::min(index, samples.size() - 1)];
    };
    return {rank(0.5), rank(0.95)};
}

BenchData generate(const std::string& backend, const std::filesystem::path& dir,
                   const DataSize& size, const DataParts& parts) {
    std::filesystem::create_directories(dir);
    const bool postgresql = backend == "postgresql";
    BenchData data;
    data.url = fresh_url(backend, dir);
    data.database = std::make_unique<storage::Database>(storage::DatabaseOptions{.url = data.url});
    data.database->migrate();
    data.workspace_id =
        data.database
            ->transact([&](storage::UnitOfWork& work) {
                return work.workspaces().create(
                    {.name = "Bench",
                     .created_at = std::chrono::sys_seconds{std::chrono::seconds{kNow}}});
            })
            .id;
    {
        const auto start = Clock::now();
        auto session = test::open_session(data.url);
        if (!postgresql) *session << "PRAGMA cache_size = -2000000";
        soci::transaction transaction(*session);
        load_all(*session, size, parts, postgresql, data.workspace_id);
        transaction.commit();
        std::cout << fmt::format("generate: {:.1f} s\n", ms_since(start) / 1000);
    }
    if (parts.meeting_links) {
        // As migration 0011's backfill builds it.
        const auto start = Clock::now();
        data.database->transact([&](storage::UnitOfWork& work) {
            work.insights().rebuild_company_links(data.workspace_id);
        });
        std::cout << fmt::format("company_links rebuilt: {:.1f} s\n", ms_since(start) / 1000);
    }
    *test::open_session(data.url) << (postgresql ? "VACUUM ANALYZE" : "ANALYZE");
    if (!postgresql && parts.search_index) index_search(data.url);
    return data;
}

BenchData reuse(const std::string& url) {
    BenchData data;
    data.url = url;
    data.database = std::make_unique<storage::Database>(storage::DatabaseOptions{.url = url});
    data.database->migrate();
    long long workspace_id = 0;
    *test::open_session(url) << "SELECT id FROM workspaces WHERE name = 'Bench'",
        soci::into(workspace_id);
    if (workspace_id == 0) throw std::invalid_argument(url + " holds no generated workspace");
    data.workspace_id = workspace_id;
    if (test::backend_of(url) == "sqlite3") index_search(url);
    return data;
}

}  // namespace inmaek::bench
