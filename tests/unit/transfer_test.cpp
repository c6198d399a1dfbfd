// `inmaek backup` (SQLite online backup) and `inmaek migrate-data` (SQLite → PostgreSQL) over
// real databases: a SQLite file with rows in every table, and a fresh database on the tests'
// PostgreSQL cluster (tests/support/postgres.hpp).
#include <gtest/gtest.h>
#include <soci/soci.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "storage/backup.hpp"
#include "storage/database.hpp"
#include "storage/sqlite_connection.hpp"
#include "storage/transfer.hpp"
#include "tests/support/postgres.hpp"

namespace {

using inmaek::storage::backup_sqlite;
using inmaek::storage::BackupFailed;
using inmaek::storage::BackupOptions;
using inmaek::storage::Company;
using inmaek::storage::Contact;
using inmaek::storage::Database;
using inmaek::storage::DatabaseOptions;
using inmaek::storage::FollowUp;
using inmaek::storage::Id;
using inmaek::storage::Lead;
using inmaek::storage::Meeting;
using inmaek::storage::Money;
using inmaek::storage::Role;
using inmaek::storage::Timestamp;
using inmaek::storage::transfer_database;
using inmaek::storage::TransferOptions;
using inmaek::storage::TransferProgress;
using inmaek::storage::TransferRefused;
using inmaek::storage::UnitOfWork;
using inmaek::storage::User;
using inmaek::storage::Workspace;
namespace sqlite = inmaek::storage::sqlite;
using namespace std::chrono_literals;

using RowCounts = std::vector<std::pair<std::string, std::int64_t>>;

/// 2025-02-04 11:00 KST, the morning of Kakao's media day.
constexpr Timestamp kMediaDay{std::chrono::sys_days{2025y / 2 / 4} + 2h};

/// Every table of the schema but schema_migrations.
const std::vector<std::string> kTables = {
    "workspaces",         "chats",           "users",
    "companies",          "company_aliases", "contacts",
    "contact_aliases",    "leads",           "lead_companies",
    "lead_stage_history", "meetings",        "meeting_companies",
    "meeting_contacts",   "follow_ups",      "inbound_events",
    "audit_log",          "outbox",          "summary_subscriptions",
    "summary_runs",       "api_keys",        "server_secrets",
    "company_links"};

/// An outbox payload that needs every escape of COPY's text format.
const std::string kAwkwardPayload = "{\"text\":\"line 1\\nline 2\"}\ttab\nnewline\r\\ 카카오";

/// What the seed wrote, by name.
struct Seeded {
    Id workspace = 0;
    Id minji = 0;
    Id kakao = 0;
    Id openai = 0;
    Id lead = 0;
    std::vector<Id> meetings;
};

std::string url_of(const std::filesystem::path& file) {
    return "sqlite3://db=" + file.string();
}

std::unique_ptr<Database> open(const std::string& url) {
    auto database =
        std::make_unique<Database>(DatabaseOptions{.url = url, .busy_timeout_ms = 5000});
    database->migrate();
    return database;
}

Company company(Id workspace, const std::string& name) {
    return Company{.workspace_id = workspace,
                   .name = name,
                   .name_key = name,
                   .industry = "AI",
                   .created_at = kMediaDay};
}

/// OpenAI's day in Seoul: rows in every table (outbox rows written directly, as the sender
/// would find them).
Seeded seed(Database& database, const std::filesystem::path& file) {
    Seeded seeded = database.transact([](UnitOfWork& work) {
        Seeded s;
        s.workspace =
            work.workspaces().create(Workspace{.name = "BD team", .created_at = kMediaDay}).id;
        work.workspaces().bind_chat({0, s.workspace, "telegram", "-100123", "Partners"});
        s.minji = work.workspaces()
                      .create_user(User{.workspace_id = s.workspace,
                                        .platform = "telegram",
                                        .platform_user_id = "1001",
                                        .display_name = "Minji Kim",
                                        .handle = "minji",
                                        .role = Role::admin,
                                        .created_at = kMediaDay})
                      .id;
        s.kakao = work.companies().create(company(s.workspace, "카카오")).id;
        s.openai = work.companies().create(company(s.workspace, "OpenAI")).id;
        const Id naver = work.companies().create(company(s.workspace, "Naver")).id;
        work.companies().add_alias(s.workspace, s.kakao, "Kakao", "kakao");
        const Id sam = work.contacts()
                           .create(Contact{.workspace_id = s.workspace,
                                           .name = "Sam Altman",
                                           .name_key = "sam altman",
                                           .company_id = s.openai,
                                           .title = "CEO",
                                           .created_at = kMediaDay})
                           .id;
        work.contacts().add_alias(s.workspace, sam, "샘 알트먼", "샘 알트먼");
        Lead lead;
        lead.workspace_id = s.workspace;
        lead.title = "KakaoTalk × ChatGPT integration";
        lead.stage = "meeting";
        lead.value = Money{.amount = 5'000'000'000, .currency = "KRW"};
        lead.company_ids = {s.kakao, s.openai};
        lead.created_by = s.minji;
        lead.created_at = kMediaDay;
        const Lead created = work.leads().create(lead);
        s.lead = created.id;
        Lead moved = created;
        moved.stage = "negotiation";
        work.leads().update(created, moved, s.minji, kMediaDay + 1h);
        for (int i = 0; i < 3; ++i) {
            Meeting meeting;
            meeting.workspace_id = s.workspace;
            meeting.starts_at = kMediaDay + std::chrono::hours{24 * i};
            meeting.has_time = true;
            meeting.place = "The Plaza, 22F";
            meeting.notes = "meeting " + std::to_string(i);
            meeting.company_ids =
                i == 1 ? std::vector<Id>{naver} : std::vector<Id>{s.kakao, s.openai};
            meeting.contact_ids = {sam};
            if (i != 1) meeting.lead_id = s.lead;
            meeting.created_by = s.minji;
            meeting.created_at = kMediaDay;
            s.meetings.push_back(work.meetings().create(meeting).id);
        }
        const Id follow_up = work.follow_ups()
                                 .create(FollowUp{.workspace_id = s.workspace,
                                                  .text = "send MOU draft",
                                                  .assignee_id = s.minji,
                                                  .lead_id = s.lead,
                                                  .created_by = s.minji,
                                                  .created_at = kMediaDay})
                                 .id;
        work.follow_ups().mark_done(s.workspace, follow_up, kMediaDay + 2h);
        work.events().record("telegram", "update:1", s.workspace, R"({"text":"✅"})", kMediaDay);
        work.events().record("telegram", "update:0", std::nullopt, "{}", kMediaDay);
        work.audit().append({.workspace_id = s.workspace,
                             .user_id = s.minji,
                             .action = "create",
                             .entity = "meeting",
                             .entity_id = s.meetings[0],
                             .source = "telegram:update:1",
                             .after_json = R"({"id":1})",
                             .at = kMediaDay});
        return s;
    });
    sqlite::Connection raw(file.string(), SQLITE_OPEN_READWRITE, 5000);
    sqlite::Statement insert(raw,
                             "INSERT INTO outbox (workspace_id, platform, destination, kind, "
                             "dedupe_key, payload, status, next_attempt_at, created_at) VALUES (" +
                                 std::to_string(seeded.workspace) +
                                 ", 'telegram', '-100123', 'reply', 'reply:telegram:update:9', ?1, "
                                 "'pending', 1738634400, 1738634400)");
    insert.bind(1, kAwkwardPayload);
    insert.step();
    // A subscription and its first run, as the scheduler leaves them.
    sqlite::Statement subscribe(
        raw,
        "INSERT INTO summary_subscriptions (workspace_id, platform, platform_chat_id, kind, "
        "local_time, created_at) VALUES (" +
            std::to_string(seeded.workspace) +
            ", 'telegram', '-100123', 'daily', 540, 1738634400)");
    subscribe.step();
    sqlite::Statement run(raw,
                          "INSERT INTO summary_runs (subscription_id, local_date, status, "
                          "created_at) VALUES (1, '2025-02-05', 'sent', 1738717200)");
    run.step();
    // A REST API key, as `inmaek api-key create` leaves it (only the hash of the key).
    sqlite::Statement key(raw,
                          "INSERT INTO api_keys (workspace_id, prefix, secret_hash, role, label, "
                          "created_at, last_used_at) VALUES (" +
                              std::to_string(seeded.workspace) + ", '0123456789ab', '" +
                              std::string(64, 'a') +
                              "', 'manager', 'sync', 1738634400, 1738638000)");
    key.step();
    // The /export links' secret, as the first `inmaek serve` without one leaves it.
    sqlite::Statement secret(raw,
                             "INSERT INTO server_secrets (name, value, created_at) VALUES "
                             "('export_links', '" +
                                 std::string(64, 'b') + "', 1738634400)");
    secret.step();
    return seeded;
}

RowCounts row_counts(const std::filesystem::path& file) {
    sqlite::Connection connection(file.string(), SQLITE_OPEN_READONLY, 5000);
    return connection.row_counts();
}

/// The first value of a PRAGMA on `file`.
std::string pragma(const std::filesystem::path& file, const std::string& name) {
    sqlite::Connection connection(file.string(), SQLITE_OPEN_READONLY, 5000);
    sqlite::Statement statement(connection, "PRAGMA " + name);
    statement.step();
    return std::string(statement.text(0));
}

/// A meeting as one comparable line.
std::string describe(const Meeting& meeting) {
    std::string text = std::to_string(meeting.id) + " " + meeting.notes + " at " +
                       std::to_string(meeting.starts_at.time_since_epoch().count()) + " lead " +
                       std::to_string(meeting.lead_id.value_or(0)) + " companies";
    for (const Id id : meeting.company_ids) text += " " + std::to_string(id);
    text += " contacts";
    for (const Id id : meeting.contact_ids) text += " " + std::to_string(id);
    return text;
}

std::vector<std::string> meetings_of(Database& database, Id workspace, Id company) {
    return database.transact([&](UnitOfWork& work) {
        std::vector<std::string> lines;
        for (const auto& meeting : work.meetings().for_company(workspace, company, 10)) {
            lines.push_back(describe(meeting));
        }
        return lines;
    });
}

/// A fresh folder per test under the test temp dir, and a seeded SQLite database in it.
class Transfer : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::filesystem::path(::testing::TempDir()) /
               ("inmaek-transfer-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(dir_);
        std::filesystem::create_directories(dir_);
        source_file_ = dir_ / "inmaek.db";
        source_ = open(url_of(source_file_));
        seeded_ = seed(*source_, source_file_);
    }
    void TearDown() override {
        source_.reset();
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
    }

    std::filesystem::path dir_;
    std::filesystem::path source_file_;
    std::unique_ptr<Database> source_;
    Seeded seeded_;
};

TEST_F(Transfer, BackupHasEveryRowAndRestoresIntoAWorkingDatabase) {
    const auto backup_file = dir_ / "backups" / "inmaek-20250204.db";
    std::filesystem::create_directories(backup_file.parent_path());
    std::vector<std::int64_t> steps;
    const auto result = backup_sqlite(
        url_of(source_file_), BackupOptions{.to = backup_file,
                                            .pages_per_step = 4,
                                            .progress = [&steps](std::int64_t done, std::int64_t) {
                                                steps.push_back(done);
                                            }});

    EXPECT_EQ(result.file, backup_file);
    EXPECT_GT(result.pages, 4);
    ASSERT_FALSE(steps.empty());
    EXPECT_TRUE(std::is_sorted(steps.begin(), steps.end()));
    EXPECT_EQ(steps.back(), result.pages);
    EXPECT_FALSE(std::filesystem::exists(backup_file.string() + ".partial"));
    EXPECT_EQ(pragma(backup_file, "integrity_check"), "ok");
    const RowCounts source_counts = row_counts(source_file_);
    EXPECT_EQ(row_counts(backup_file), source_counts);
    ASSERT_EQ(result.tables.size(), source_counts.size());
    for (std::size_t i = 0; i < source_counts.size(); ++i) {
        EXPECT_EQ(result.tables[i].table, source_counts[i].first);
        EXPECT_EQ(result.tables[i].rows, source_counts[i].second) << source_counts[i].first;
        // The totals the triggers keep (schemas/0007) have no row for what the seed lacks; the
        // search queue (0010) is empty once the documents are indexed.
        if (source_counts[i].first != "schema_migrations" &&
            source_counts[i].first != "search_pending" &&
            !source_counts[i].first.ends_with("_totals")) {
            EXPECT_GT(source_counts[i].second, 0) << source_counts[i].first << " is not seeded";
        }
    }
    // One file, no write-ahead log beside it.
    EXPECT_EQ(pragma(backup_file, "journal_mode"), "delete");
    // schema_migrations, pipeline_totals and follow_up_totals (kept by triggers), search_pending
    // (SQLite's search queue): a transfer does not copy them.
    EXPECT_EQ(source_counts.size(), kTables.size() + 4);

    // Restore: the copy under a database's name serves what the source served.
    const auto restored_file = dir_ / "restored" / "inmaek.db";
    std::filesystem::create_directories(restored_file.parent_path());
    std::filesystem::copy_file(backup_file, restored_file);
    auto restored = open(url_of(restored_file));
    EXPECT_EQ(meetings_of(*restored, seeded_.workspace, seeded_.kakao),
              meetings_of(*source_, seeded_.workspace, seeded_.kakao));
    EXPECT_EQ(meetings_of(*restored, seeded_.workspace, seeded_.kakao).size(), 2U);
}

TEST_F(Transfer, BackupRefusesAnExistingFileUnlessForced) {
    const auto backup_file = dir_ / "backup.db";
    { std::ofstream(backup_file) << "yesterday's backup"; }
    EXPECT_THROW(backup_sqlite(url_of(source_file_), BackupOptions{.to = backup_file}),
                 BackupFailed);
    EXPECT_EQ(std::filesystem::file_size(backup_file), std::string("yesterday's backup").size());
    EXPECT_FALSE(std::filesystem::exists(backup_file.string() + ".partial"));
    EXPECT_THROW(
        backup_sqlite(url_of(source_file_), BackupOptions{.to = source_file_, .force = true}),
        BackupFailed);

    backup_sqlite(url_of(source_file_), BackupOptions{.to = backup_file, .force = true});
    EXPECT_EQ(pragma(backup_file, "integrity_check"), "ok");
    EXPECT_EQ(row_counts(backup_file), row_counts(source_file_));
    EXPECT_THROW(backup_sqlite(url_of(dir_ / "missing.db"), BackupOptions{.to = dir_ / "x.db"}),
                 BackupFailed);
    EXPECT_FALSE(std::filesystem::exists(dir_ / "missing.db"));
}

TEST_F(Transfer, BackupCompletesWhileAnotherThreadKeepsWriting) {
    constexpr int kWrites = 200;
    // Enough pages that the copy takes many steps.
    source_->transact([&](UnitOfWork& work) {
        for (int i = 0; i < 300; ++i) {
            Company filler = company(seeded_.workspace, "filler " + std::to_string(i));
            filler.note = std::string(1000, 'x');
            work.companies().create(filler);
        }
    });
    const auto companies_before = source_->transact([&](UnitOfWork& work) {
        return work.companies().list(seeded_.workspace, "", "", 100000).size();
    });

    std::atomic<int> written{0};
    std::thread writer([&] {
        for (int i = 0; i < kWrites; ++i) {
            source_->transact([&](UnitOfWork& work) {
                work.companies().create(company(seeded_.workspace, "new " + std::to_string(i)));
            });
            written.fetch_add(1);
            std::this_thread::sleep_for(1ms);
        }
    });
    int written_during_backup = 0;
    bool first_step = true;
    const auto backup_file = dir_ / "online.db";
    const auto result = backup_sqlite(
        url_of(source_file_),
        BackupOptions{
            .to = backup_file, .pages_per_step = 1, .progress = [&](std::int64_t, std::int64_t) {
                if (!first_step) return;
                first_step = false;
                // Hold the copy half-way until the writer has committed ten more.
                const int start = written.load();
                const auto deadline = std::chrono::steady_clock::now() + 10s;
                while (written.load() < std::min(start + 10, kWrites) &&
                       std::chrono::steady_clock::now() < deadline) {
                    std::this_thread::sleep_for(1ms);
                }
                written_during_backup = written.load() - start;
            }});
    writer.join();

    EXPECT_GE(written_during_backup, std::min(10, kWrites)) << "the writer did not overlap";
    EXPECT_GT(result.pages, 50);
    EXPECT_EQ(pragma(backup_file, "integrity_check"), "ok");
    const auto counts = row_counts(backup_file);
    const auto companies = std::find_if(counts.begin(), counts.end(),
                                        [](const auto& c) { return c.first == "companies"; });
    ASSERT_NE(companies, counts.end());
    // The copy is one snapshot: whatever the writer had committed when the copy began.
    EXPECT_GE(companies->second, static_cast<std::int64_t>(companies_before));
    EXPECT_LE(companies->second, static_cast<std::int64_t>(companies_before) + kWrites);
    const auto reported = std::find_if(result.tables.begin(), result.tables.end(),
                                       [](const auto& t) { return t.table == "companies"; });
    ASSERT_NE(reported, result.tables.end());
    EXPECT_EQ(reported->rows, companies->second);
    EXPECT_EQ(source_->transact([&](UnitOfWork& work) {
        return work.companies().list(seeded_.workspace, "", "", 100000).size();
    }),
              companies_before + kWrites);
}

TEST(TransferBackup, PostgresqlGetsThePgDumpCommandWithoutItsPassword) {
    const std::string command = inmaek::storage::pg_dump_command(
        "postgresql://host=db.internal port=5432 dbname=inmaek user=inmaek password=s3cret",
        "/var/backups/inmaek/inmaek 20250204.dump");
    EXPECT_EQ(command,
              "pg_dump --format=custom --file='/var/backups/inmaek/inmaek 20250204.dump' "
              "--host=db.internal --port=5432 --username=inmaek --dbname=inmaek");
    EXPECT_EQ(command.find("s3cret"), std::string::npos);
}

TEST_F(Transfer, MigrateDataCopiesEveryTableIntoPostgresqlKeepingIds) {
    const std::string target_url = inmaek::test::fresh_postgres_database("migrate_data");
    std::map<std::string, std::pair<std::int64_t, std::int64_t>> last_progress;
    const auto result = transfer_database(TransferOptions{
        .from_url = url_of(source_file_),
        .to_url = target_url,
        .batch_rows = 2,
        .progress = [&](const TransferProgress& progress) {
            last_progress[std::string(progress.table)] = {progress.rows_done, progress.rows_total};
        }});

    // Every table, parents before children.
    std::vector<std::string> order;
    for (const auto& table : result.tables) order.push_back(table.table);
    EXPECT_EQ(std::set<std::string>(order.begin(), order.end()),
              std::set<std::string>(kTables.begin(), kTables.end()));
    const auto position = [&order](const std::string& table) {
        return std::find(order.begin(), order.end(), table) - order.begin();
    };
    EXPECT_EQ(order.front(), "workspaces");
    EXPECT_LT(position("users"), position("companies"));
    EXPECT_LT(position("companies"), position("company_aliases"));
    EXPECT_LT(position("leads"), position("meetings"));
    EXPECT_LT(position("meetings"), position("meeting_contacts"));
    EXPECT_LT(position("contacts"), position("meeting_contacts"));
    EXPECT_LT(position("meetings"), position("follow_ups"));

    std::map<std::string, std::int64_t> source_rows;
    for (const auto& [table, rows] : row_counts(source_file_)) source_rows[table] = rows;
    for (const auto& table : result.tables) {
        EXPECT_EQ(table.source_rows, source_rows[table.table]) << table.table;
        EXPECT_EQ(table.target_rows, table.source_rows) << table.table;
        EXPECT_EQ(table.deleted_rows, 0) << table.table;
        EXPECT_EQ(last_progress[table.table], std::pair(table.source_rows, table.source_rows))
            << table.table;
    }
    EXPECT_EQ(result.schema_version, Database::latest_schema_version());
    EXPECT_EQ(result.sequences_reset, 15);  // the tables with an id column

    auto target = open(target_url);
    EXPECT_EQ(meetings_of(*target, seeded_.workspace, seeded_.kakao),
              meetings_of(*source_, seeded_.workspace, seeded_.kakao));
    EXPECT_EQ(meetings_of(*target, seeded_.workspace, seeded_.kakao).size(), 2U);
    target->transact([&](UnitOfWork& work) {
        const auto kakao = work.companies().find_by_key(seeded_.workspace, "kakao");
        ASSERT_TRUE(kakao);
        EXPECT_EQ(kakao->id, seeded_.kakao);
        EXPECT_EQ(kakao->name, "카카오");
        const auto history = work.leads().history(seeded_.workspace, seeded_.lead);
        ASSERT_EQ(history.size(), 2U);
        EXPECT_EQ(history.back().to_stage, "negotiation");
        const auto lead = work.leads().get(seeded_.workspace, seeded_.lead);
        ASSERT_TRUE(lead);
        EXPECT_EQ(lead->value, (Money{.amount = 5'000'000'000, .currency = "KRW"}));
        EXPECT_EQ(lead->company_ids, (std::vector<Id>{seeded_.kakao, seeded_.openai}));
        // The target's triggers counted each copied lead once.
        const auto pipeline = work.summaries().pipeline(seeded_.workspace);
        ASSERT_EQ(pipeline.size(), 1U);
        EXPECT_EQ(pipeline[0].stage, "negotiation");
        EXPECT_EQ(pipeline[0].leads, 1);
        EXPECT_EQ(pipeline[0].amount, 5'000'000'000);
        EXPECT_EQ(work.events().find_reply("telegram", "update:1"), R"({"text":"✅"})");
        const auto audit = work.audit().recent(seeded_.workspace, 10);
        ASSERT_EQ(audit.size(), 1U);
        EXPECT_EQ(audit[0].entity_id, seeded_.meetings[0]);
        EXPECT_EQ(audit[0].before_json, "");
        EXPECT_EQ(audit[0].source, "telegram:update:1");

        // New rows get ids past the copied ones.
        const Company fresh = work.companies().create(company(seeded_.workspace, "LG AI Research"));
        EXPECT_GT(fresh.id, seeded_.kakao);
        EXPECT_GT(fresh.id, seeded_.openai);
        EXPECT_EQ(fresh.id, static_cast<Id>(source_rows["companies"]) + 1);
        const Workspace other = work.workspaces().create(Workspace{.name = "Other team"});
        EXPECT_EQ(other.id, seeded_.workspace + 1);
    });

    // Values the repositories do not show: NULLs stay NULL, text with COPY's special
    // characters arrives unchanged.
    const auto session = inmaek::test::open_session(target_url);
    std::string payload;
    *session << "SELECT payload FROM outbox", soci::into(payload);
    EXPECT_EQ(payload, kAwkwardPayload);
    int null_before = 0;
    int null_workspace = 0;
    *session << "SELECT COUNT(*) FROM audit_log WHERE before_json IS NULL", soci::into(null_before);
    *session << "SELECT COUNT(*) FROM inbound_events WHERE workspace_id IS NULL",
        soci::into(null_workspace);
    EXPECT_EQ(null_before, 1);
    EXPECT_EQ(null_workspace, 1);
    target.reset();
    inmaek::test::drop_postgres_database(target_url);
}

TEST_F(Transfer, MigrateDataRefusesANonEmptyTargetUnlessForced) {
    const std::string target_url = inmaek::test::fresh_postgres_database("migrate_data_force");
    const TransferOptions options{.from_url = url_of(source_file_), .to_url = target_url};
    transfer_database(options);
    source_->transact([&](UnitOfWork& work) {
        work.companies().create(company(seeded_.workspace, "Wrtn Technologies"));
    });

    try {
        transfer_database(options);
        ADD_FAILURE() << "a target with rows was accepted";
    } catch (const TransferRefused& refused) {
        EXPECT_NE(std::string(refused.what()).find("--force"), std::string::npos) << refused.what();
        EXPECT_NE(std::string(refused.what()).find("companies (3)"), std::string::npos)
            << refused.what();
    }
    const auto session = inmaek::test::open_session(target_url);
    int companies = 0;
    *session << "SELECT COUNT(*) FROM companies", soci::into(companies);
    EXPECT_EQ(companies, 3);

    TransferOptions forced = options;
    forced.force = true;
    const auto result = transfer_database(forced);
    for (const auto& table : result.tables) {
        EXPECT_EQ(table.target_rows, table.source_rows) << table.table;
        if (table.table == "companies") {
            EXPECT_EQ(table.deleted_rows, 3);
            EXPECT_EQ(table.target_rows, 4);
        }
    }
    *session << "SELECT COUNT(*) FROM companies", soci::into(companies);
    EXPECT_EQ(companies, 4);
    inmaek::test::drop_postgres_database(target_url);
}

TEST_F(Transfer, MigrateDataRefusesWrongUrlsAndASourceAtAnotherSchemaVersion) {
    // Refused before the target is touched: this server does not exist.
    const std::string nowhere = "postgresql://host=127.0.0.1 port=1 dbname=nowhere user=nobody";
    EXPECT_THROW(
        transfer_database({.from_url = url_of(source_file_), .to_url = url_of(dir_ / "copy.db")}),
        TransferRefused);
    EXPECT_THROW(transfer_database({.from_url = url_of(dir_ / "missing.db"), .to_url = nowhere}),
                 TransferRefused);
    EXPECT_FALSE(std::filesystem::exists(dir_ / "missing.db"));

    source_.reset();
    {
        sqlite::Connection raw(source_file_.string(), SQLITE_OPEN_READWRITE, 5000);
        raw.exec("DELETE FROM schema_migrations WHERE version = " +
                 std::to_string(Database::latest_schema_version()));
    }
    try {
        transfer_database({.from_url = url_of(source_file_), .to_url = nowhere});
        ADD_FAILURE() << "a source at an older schema version was accepted";
    } catch (const TransferRefused& refused) {
        EXPECT_NE(std::string(refused.what()).find("migrate it first"), std::string::npos)
            << refused.what();
    }
}

}  // namespace
