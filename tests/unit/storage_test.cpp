// Storage over real databases: every repository test runs on SQLite and on the throwaway
// PostgreSQL cluster of the ctest fixture `postgres` (tests/support/postgres.hpp); the few that
// check SQLite's own machinery (WAL, pragmas, file locks, :memory:) run on SQLite alone.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <latch>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "storage/database.hpp"
#include "storage/url.hpp"
#include "tests/support/postgres.hpp"

namespace {

using inmaek::storage::Company;
using inmaek::storage::Contact;
using inmaek::storage::Database;
using inmaek::storage::DatabaseOptions;
using inmaek::storage::Day;
using inmaek::storage::FollowUp;
using inmaek::storage::FollowUpFilter;
using inmaek::storage::Id;
using inmaek::storage::Job;
using inmaek::storage::Lead;
using inmaek::storage::Meeting;
using inmaek::storage::Money;
using inmaek::storage::Role;
using inmaek::storage::SchemaTooNew;
using inmaek::storage::Timestamp;
using inmaek::storage::Unavailable;
using inmaek::storage::UnitOfWork;
using inmaek::storage::User;
using inmaek::storage::Workspace;
using inmaek::test::backend_name;
using inmaek::test::backends;
using inmaek::test::execute;
using inmaek::test::FreshDatabase;
using inmaek::test::query_text;
using inmaek::test::TempDir;
using namespace std::chrono_literals;

/// 2025-02-04 11:00 KST, the morning of Kakao's media day.
constexpr Timestamp kMediaDay{std::chrono::sys_days{2025y / 2 / 4} + 2h};

Day day(int y, unsigned m, unsigned d) {
    return Day{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
}

DatabaseOptions options_for(const std::string& url, std::size_t pool_size = 2) {
    DatabaseOptions options;
    options.url = url;
    options.pool_size = pool_size;
    options.busy_timeout_ms = 2000;
    return options;
}

DatabaseOptions options_for(const std::filesystem::path& file, std::size_t pool_size = 2) {
    return options_for("sqlite3://db=" + file.string(), pool_size);
}

/// SQLite's own consistency check, which also covers the WITHOUT ROWID tables. PostgreSQL has
/// no such layout (and its amcheck is an extension a test database does not have).
void expect_sqlite_integrity(const FreshDatabase& database) {
    if (database.backend() == "sqlite3") {
        EXPECT_EQ(query_text(database.url(), "PRAGMA integrity_check"), "ok");
    }
}

Company company(Id workspace_id, std::string name, std::string key) {
    Company company;
    company.workspace_id = workspace_id;
    company.name = std::move(name);
    company.name_key = std::move(key);
    company.created_at = kMediaDay;
    return company;
}

Contact contact(Id workspace_id, std::string name, std::string key,
                std::optional<Id> company_id = std::nullopt) {
    Contact contact;
    contact.workspace_id = workspace_id;
    contact.name = std::move(name);
    contact.name_key = std::move(key);
    contact.company_id = company_id;
    contact.created_at = kMediaDay;
    return contact;
}

/// A migrated fresh database, on the backend of the test's parameter, with one workspace and its
/// first user.
class Storage : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        db_ = std::make_unique<Database>(options_for(fresh_.url()));
        db_->migrate();
        std::tie(workspace_, user_) = db_->transact([](UnitOfWork& work) {
            Workspace workspace =
                work.workspaces().create(Workspace{.name = "BD team", .created_at = kMediaDay});
            User user = work.workspaces().create_user(User{.workspace_id = workspace.id,
                                                           .platform = "telegram",
                                                           .platform_user_id = "1001",
                                                           .display_name = "Minji Kim",
                                                           .handle = "minji",
                                                           .role = Role::admin,
                                                           .created_at = kMediaDay});
            return std::pair{workspace.id, user.id};
        });
    }
    void TearDown() override { db_.reset(); }

    Id other_workspace() {
        return db_->transact([](UnitOfWork& work) {
            return work.workspaces().create(Workspace{.name = "Other team"}).id;
        });
    }

    // Declared first: the database is dropped after every session on it has closed.
    FreshDatabase fresh_{GetParam()};
    std::unique_ptr<Database> db_;
    Id workspace_ = 0;
    Id user_ = 0;
};

INSTANTIATE_TEST_SUITE_P(Backends, Storage, ::testing::ValuesIn(backends()), backend_name);

/// The same, for what only SQLite has: the write-ahead log and its pragmas.
class SqliteStorage : public Storage {};

INSTANTIATE_TEST_SUITE_P(Sqlite, SqliteStorage, ::testing::Values(std::string("sqlite3")),
                         backend_name);

/// A fresh, empty database on the backend of the test's parameter.
class StorageMigrations : public ::testing::TestWithParam<std::string> {
protected:
    FreshDatabase fresh_{GetParam()};
};

INSTANTIATE_TEST_SUITE_P(Backends, StorageMigrations, ::testing::ValuesIn(backends()),
                         backend_name);

TEST_P(StorageMigrations, ApplyOnceAndAreIdempotent) {
    Database db(options_for(fresh_.url()));
    EXPECT_EQ(db.schema_version(), 0);
    EXPECT_GE(Database::latest_schema_version(), 1);

    // Migration numbers may have gaps (numbers are handed out per feature), so the count of
    // applied migrations is the rows recorded, and the version the latest number.
    const int applied = db.migrate();
    EXPECT_EQ(std::to_string(applied),
              query_text(fresh_.url(), "SELECT count(*) FROM schema_migrations"));
    EXPECT_EQ(db.schema_version(), Database::latest_schema_version());
    EXPECT_EQ(db.migrate(), 0);

    Database reopened(options_for(fresh_.url()));
    EXPECT_EQ(reopened.migrate(), 0);
    EXPECT_EQ(reopened.schema_version(), Database::latest_schema_version());
    EXPECT_EQ(query_text(fresh_.url(), "SELECT name FROM schema_migrations WHERE version = 1"),
              "initial");
}

TEST_P(StorageMigrations, DatabaseWithNewerSchemaIsRefused) {
    const int newer = Database::latest_schema_version() + 1;
    {
        Database db(options_for(fresh_.url()));
        db.migrate();
    }
    execute(fresh_.url(), "INSERT INTO schema_migrations (version, name, applied_at) VALUES (" +
                              std::to_string(newer) + ", 'from_the_future', 0)");

    Database db(options_for(fresh_.url()));
    EXPECT_EQ(db.schema_version(), newer);
    try {
        db.migrate();
        FAIL() << "migrate() accepted a newer schema";
    } catch (const SchemaTooNew& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find(std::to_string(newer)), std::string::npos) << message;
        EXPECT_NE(message.find(std::to_string(Database::latest_schema_version())),
                  std::string::npos)
            << message;
    }
}

TEST_P(StorageMigrations, ReplicasMigratingTogetherApplyEachMigrationOnce) {
    // Two replicas starting at once on one database, as two Database objects with connections
    // of their own: PostgreSQL's advisory lock serialises them (without it, the second fails on
    // the first's uncommitted CREATE TABLE), as BEGIN IMMEDIATE does on a SQLite file.
    Database first(options_for(fresh_.url()));
    Database second(options_for(fresh_.url()));
    std::latch start{2};
    const auto migrate = [&start](Database& db) {
        start.arrive_and_wait();
        return db.migrate();
    };
    auto applied_by_first = std::async(std::launch::async, migrate, std::ref(first));
    auto applied_by_second = std::async(std::launch::async, migrate, std::ref(second));
    const int applied = applied_by_first.get() + applied_by_second.get();
    EXPECT_EQ(std::to_string(applied),
              query_text(fresh_.url(), "SELECT count(*) FROM schema_migrations"));

    EXPECT_EQ(first.schema_version(), Database::latest_schema_version());
    EXPECT_EQ(second.schema_version(), Database::latest_schema_version());
    // The schema works: both can write through it.
    for (Database* db : {&first, &second}) {
        EXPECT_GT(db->transact([](UnitOfWork& work) {
            return work.workspaces().create(Workspace{.name = "BD team"}).id;
        }),
                  0);
    }
}

TEST(StorageDatabase, SqliteFileInNewFoldersIsCreatedWithThem) {
    TempDir dir;
    const auto file = dir.path() / "nested" / "dirs" / "inmaek.db";
    Database db(options_for(file));
    EXPECT_TRUE(std::filesystem::exists(file.parent_path()));
    EXPECT_GT(db.migrate(), 0);
    EXPECT_EQ(db.schema_version(), Database::latest_schema_version());
    EXPECT_TRUE(std::filesystem::exists(file));
}

TEST(StorageDatabase, RejectsMalformedUrlsAndSharedMemoryDatabases) {
    EXPECT_THROW(Database(DatabaseOptions{.url = "var/inmaek.db"}), std::invalid_argument);
    EXPECT_THROW(Database(DatabaseOptions{.url = "oracle://db=x"}), std::invalid_argument);
    EXPECT_THROW(Database(DatabaseOptions{.url = "sqlite3://db=:memory:", .pool_size = 2}),
                 std::invalid_argument);

    Database memory(DatabaseOptions{.url = "sqlite3://db=:memory:", .pool_size = 1});
    memory.migrate();
    EXPECT_TRUE(memory.ping());
    EXPECT_EQ(memory.backend(), "sqlite3");
}

TEST(StorageDatabase, UnreadableDatabaseFileIsUnavailable) {
    TempDir dir;
    const auto file = dir.path() / "garbage.db";
    std::ofstream(file) << std::string(8192, 'x');
    EXPECT_THROW(Database{options_for(file)}, Unavailable);
}

/// A loopback port nothing listens on, for as long as the object lives: the socket is bound
/// (so no one else gets the port) but never listens, so a connection is refused at once.
class ClosedPort {
public:
    ClosedPort() : socket_(::socket(AF_INET, SOCK_STREAM, 0)) {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        if (socket_ < 0 ||
            ::bind(socket_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
            ::getsockname(socket_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
            throw std::runtime_error("cannot reserve a loopback port");
        }
        port_ = ntohs(address.sin_port);
    }
    ~ClosedPort() { ::close(socket_); }
    ClosedPort(const ClosedPort&) = delete;
    ClosedPort& operator=(const ClosedPort&) = delete;

    [[nodiscard]] int port() const { return port_; }

private:
    int socket_;
    int port_ = 0;
};

TEST(StorageDatabase, UnreachablePostgresqlIsUnavailable) {
    const ClosedPort closed;
    const std::string url = "postgresql://host=127.0.0.1 port=" + std::to_string(closed.port()) +
                            " dbname=inmaek user=inmaek password=secret connect_timeout=2";
    try {
        Database db(options_for(url));
        FAIL() << "connected to a closed port";
    } catch (const Unavailable& error) {
        const std::string message = error.what();
        EXPECT_EQ(message.find("secret"), std::string::npos) << message;
        EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    }
}

TEST(StorageDatabase, WriterBlockedBeyondBusyTimeoutIsUnavailable) {
    TempDir dir;
    const auto file = dir.path() / "inmaek.db";
    Database holder(options_for(file, 1));
    holder.migrate();
    auto waiter_options = options_for(file, 1);
    waiter_options.busy_timeout_ms = 50;
    Database waiter(waiter_options);

    std::promise<void> locked;
    std::promise<void> release;
    std::thread writer([&] {
        holder.transact([&](UnitOfWork& work) {
            work.workspaces().create(Workspace{.name = "holder"});
            locked.set_value();
            release.get_future().wait();
        });
    });
    locked.get_future().wait();
    EXPECT_THROW(waiter.transact([](UnitOfWork& work) {
        work.workspaces().create(Workspace{.name = "waiter"});
    }),
                 Unavailable);
    release.set_value();
    writer.join();
    EXPECT_TRUE(waiter.ping());
}

TEST_P(SqliteStorage, WriteAheadLogIsOn) {
    EXPECT_EQ(query_text(fresh_.url(), "PRAGMA journal_mode"), "wal");
}

TEST_P(Storage, ForeignKeysAreEnforced) {
    // On SQLite foreign_keys is per connection: this proves the pooled ones enforce them.
    EXPECT_ANY_THROW(db_->transact([&](UnitOfWork& work) {
        work.companies().create(company(workspace_ + 1000, "Nowhere", "nowhere"));
    }));
    EXPECT_ANY_THROW(db_->transact([&](UnitOfWork& work) {
        Meeting meeting;
        meeting.workspace_id = workspace_;
        meeting.starts_at = kMediaDay;
        meeting.company_ids = {424242};
        work.meetings().create(meeting);
    }));
    EXPECT_EQ(db_->transact([&](UnitOfWork& work) { return work.meetings().count(workspace_); }),
              0);
    EXPECT_TRUE(db_->ping());
}

TEST_P(Storage, CompanyIsFoundByNameKeyAndByAlias) {
    const Company kakao = db_->transact([&](UnitOfWork& work) {
        Company created = company(workspace_, "카카오", "카카오");
        created.industry = "platform";
        created.site = "kakaocorp.com";
        created.tier = "A";
        created.note = "KakaoTalk × ChatGPT";
        created.created_by = user_;
        created = work.companies().create(created);
        work.companies().add_alias(workspace_, created.id, "Kakao", "kakao");
        work.companies().add_alias(workspace_, created.id, "Kakao", "kakao");  // idempotent
        return created;
    });
    ASSERT_GT(kakao.id, 0);

    db_->transact([&](UnitOfWork& work) {
        const auto by_name = work.companies().find_by_key(workspace_, "카카오");
        ASSERT_TRUE(by_name);
        EXPECT_EQ(by_name->id, kakao.id);
        EXPECT_EQ(by_name->name, "카카오");
        EXPECT_EQ(by_name->site, "kakaocorp.com");
        EXPECT_EQ(by_name->note, "KakaoTalk × ChatGPT");
        EXPECT_EQ(by_name->created_by, user_);
        EXPECT_EQ(by_name->created_at, kMediaDay);

        const auto by_alias = work.companies().find_by_key(workspace_, "kakao");
        ASSERT_TRUE(by_alias);
        EXPECT_EQ(by_alias->id, kakao.id);
        EXPECT_FALSE(work.companies().find_by_key(workspace_, "naver"));
        EXPECT_EQ(work.companies().aliases(workspace_, kakao.id),
                  std::vector<std::string>{"Kakao"});
    });
}

TEST_P(Storage, AliasNamingAnotherCompanyIsRefused) {
    db_->transact([&](UnitOfWork& work) {
        const Id kakao = work.companies().create(company(workspace_, "카카오", "카카오")).id;
        const Id naver = work.companies().create(company(workspace_, "Naver", "naver")).id;
        work.companies().add_alias(workspace_, kakao, "Kakao", "kakao");
        EXPECT_THROW(work.companies().add_alias(workspace_, naver, "kakao", "kakao"),
                     std::invalid_argument);
    });
}

TEST_P(Storage, CompanyListFiltersAndOrdersByName) {
    db_->transact([&](UnitOfWork& work) {
        for (const auto& [name, industry] :
             std::vector<std::pair<std::string, std::string>>{{"Wrtn Technologies", "AI"},
                                                              {"42Maru", "AI"},
                                                              {"Naver", "platform"},
                                                              {"LG AI Research", "AI"}}) {
            Company created = company(workspace_, name, name);
            created.industry = industry;
            work.companies().create(created);
        }
        std::vector<std::string> names;
        for (const Company& found : work.companies().list(workspace_, "ai", "", 2)) {
            names.push_back(found.name);
        }
        EXPECT_EQ(names, (std::vector<std::string>{"42Maru", "LG AI Research"}));
        EXPECT_EQ(work.companies().list(workspace_, "", "", 0).size(), 4U);
    });
}

TEST_P(Storage, CompanyOfOneWorkspaceIsInvisibleFromAnother) {
    const Id other = other_workspace();
    const Id kakao = db_->transact([&](UnitOfWork& work) {
        const Id id = work.companies().create(company(workspace_, "카카오", "카카오")).id;
        work.companies().add_alias(workspace_, id, "Kakao", "kakao");
        return id;
    });
    db_->transact([&](UnitOfWork& work) {
        EXPECT_FALSE(work.companies().find_by_key(other, "카카오"));
        EXPECT_FALSE(work.companies().find_by_key(other, "kakao"));
        EXPECT_FALSE(work.companies().get(other, kakao));
        EXPECT_TRUE(work.companies().get_many(other, {kakao}).empty());
        EXPECT_TRUE(work.companies().aliases(other, kakao).empty());
        EXPECT_TRUE(work.companies().list(other, "", "", 50).empty());
        // The same key is free in the other workspace.
        EXPECT_NO_THROW(work.companies().create(company(other, "Kakao", "카카오")));
    });
}

TEST_P(Storage, LinkToAnotherWorkspacesCompanyIsRefused) {
    const Id other = other_workspace();
    const Id foreign_company = db_->transact([&](UnitOfWork& work) {
        return work.companies().create(company(other, "Samsung Electronics", "samsung")).id;
    });
    EXPECT_ANY_THROW(db_->transact([&](UnitOfWork& work) {
        Meeting meeting;
        meeting.workspace_id = workspace_;
        meeting.starts_at = kMediaDay;
        meeting.company_ids = {foreign_company};
        work.meetings().create(meeting);
    }));
    EXPECT_ANY_THROW(db_->transact([&](UnitOfWork& work) {
        work.companies().add_alias(workspace_, foreign_company, "삼성전자", "삼성전자");
    }));
    EXPECT_EQ(db_->transact([&](UnitOfWork& work) { return work.meetings().count(workspace_); }),
              0);
}

TEST_P(Storage, ContactRoundTripsWithCompanyAndAliases) {
    const auto [openai, altman, weil] = db_->transact([&](UnitOfWork& work) {
        const Id company_id = work.companies().create(company(workspace_, "OpenAI", "openai")).id;
        Contact sam = contact(workspace_, "Sam Altman", "samaltman", company_id);
        sam.title = "CEO";
        sam.email = "sam@example.com";
        sam.phone = "+1-555-0100";
        sam.created_by = user_;
        const Id sam_id = work.contacts().create(sam).id;
        work.contacts().add_alias(workspace_, sam_id, "샘 알트먼", "샘알트먼");
        Contact kevin = contact(workspace_, "Kevin Weil", "kevinweil", company_id);
        kevin.title = "CPO";
        const Id kevin_id = work.contacts().create(kevin).id;
        work.contacts().create(contact(workspace_, "No Company", "nocompany"));
        return std::tuple{company_id, sam_id, kevin_id};
    });

    db_->transact([&](UnitOfWork& work) {
        const auto sam = work.contacts().find_by_key(workspace_, "샘알트먼");
        ASSERT_TRUE(sam);
        EXPECT_EQ(sam->id, altman);
        EXPECT_EQ(sam->name, "Sam Altman");
        EXPECT_EQ(sam->company_id, openai);
        EXPECT_EQ(sam->title, "CEO");
        EXPECT_EQ(sam->email, "sam@example.com");
        EXPECT_EQ(sam->phone, "+1-555-0100");
        EXPECT_EQ(sam->created_by, user_);
        EXPECT_EQ(work.contacts().find_by_key(workspace_, "kevinweil")->id, weil);
        EXPECT_EQ(work.contacts().find_by_key(workspace_, "nocompany")->company_id, std::nullopt);
        EXPECT_EQ(work.contacts().aliases(workspace_, altman),
                  std::vector<std::string>{"샘 알트먼"});

        const auto staff = work.contacts().list_by_company(workspace_, openai);
        ASSERT_EQ(staff.size(), 2U);
        EXPECT_EQ(staff[0].name, "Kevin Weil");
        EXPECT_EQ(staff[1].name, "Sam Altman");

        const auto many = work.contacts().get_many(workspace_, {weil, 999999, altman});
        ASSERT_EQ(many.size(), 2U);
        EXPECT_EQ(many[0].id, weil);
        EXPECT_EQ(many[1].id, altman);
    });
}

TEST_P(Storage, MeetingRoundTripsWithCompaniesAndContactsInOrder) {
    const Meeting stored = db_->transact([&](UnitOfWork& work) {
        const Id kakao = work.companies().create(company(workspace_, "카카오", "카카오")).id;
        const Id openai = work.companies().create(company(workspace_, "OpenAI", "openai")).id;
        const Id sam = work.contacts().create(contact(workspace_, "Sam Altman", "sam")).id;
        const Id kevin = work.contacts().create(contact(workspace_, "Kevin Weil", "kevin")).id;
        Meeting meeting;
        meeting.workspace_id = workspace_;
        meeting.starts_at = kMediaDay;
        meeting.has_time = true;
        meeting.place = "카카오 미디어데이";
        meeting.notes = "카카오톡 × ChatGPT 연동 논의";
        // Written order, deliberately not id order.
        meeting.company_ids = {openai, kakao};
        meeting.contact_ids = {kevin, sam};
        meeting.created_by = user_;
        meeting.created_at = kMediaDay + 5min;
        return work.meetings().create(meeting);
    });
    ASSERT_GT(stored.id, 0);

    db_->transact([&](UnitOfWork& work) {
        const auto loaded = work.meetings().get(workspace_, stored.id);
        ASSERT_TRUE(loaded);
        EXPECT_EQ(loaded->starts_at, kMediaDay);
        EXPECT_TRUE(loaded->has_time);
        EXPECT_EQ(loaded->place, "카카오 미디어데이");
        EXPECT_EQ(loaded->notes, "카카오톡 × ChatGPT 연동 논의");
        EXPECT_EQ(loaded->lead_id, std::nullopt);
        EXPECT_EQ(loaded->company_ids, stored.company_ids);
        EXPECT_EQ(loaded->contact_ids, stored.contact_ids);
        EXPECT_EQ(loaded->created_by, user_);
        EXPECT_EQ(loaded->created_at, kMediaDay + 5min);
        EXPECT_FALSE(work.meetings().get(workspace_ + 1, stored.id));
    });
    expect_sqlite_integrity(fresh_);
}

TEST_P(Storage, MeetingsForCompanyContactAndLeadAreMostRecentFirst) {
    db_->transact([&](UnitOfWork& work) {
        const Id kakao = work.companies().create(company(workspace_, "카카오", "카카오")).id;
        const Id naver = work.companies().create(company(workspace_, "Naver", "naver")).id;
        const Id sam = work.contacts().create(contact(workspace_, "Sam Altman", "sam")).id;
        Lead lead;
        lead.workspace_id = workspace_;
        lead.title = "KakaoTalk × ChatGPT integration";
        lead.company_ids = {kakao};
        const Id lead_id = work.leads().create(lead).id;

        std::vector<Id> ids;
        for (int i = 0; i < 3; ++i) {
            Meeting meeting;
            meeting.workspace_id = workspace_;
            meeting.starts_at = kMediaDay + std::chrono::hours{24 * i};
            meeting.company_ids = i == 1 ? std::vector<Id>{naver} : std::vector<Id>{kakao};
            meeting.contact_ids = {sam};
            if (i != 1) {
                meeting.lead_id = lead_id;
            }
            ids.push_back(work.meetings().create(meeting).id);
        }

        const auto for_kakao = work.meetings().for_company(workspace_, kakao, 10);
        ASSERT_EQ(for_kakao.size(), 2U);
        EXPECT_EQ(for_kakao[0].id, ids[2]);
        EXPECT_EQ(for_kakao[1].id, ids[0]);
        EXPECT_EQ(for_kakao[0].company_ids, std::vector<Id>{kakao});

        const auto for_sam = work.meetings().for_contact(workspace_, sam, 2);
        ASSERT_EQ(for_sam.size(), 2U);
        EXPECT_EQ(for_sam[0].id, ids[2]);
        EXPECT_EQ(for_sam[1].id, ids[1]);

        const auto for_lead = work.meetings().for_lead(workspace_, lead_id, 10);
        ASSERT_EQ(for_lead.size(), 2U);
        EXPECT_EQ(for_lead[0].lead_id, lead_id);
        EXPECT_EQ(work.meetings().count(workspace_), 3);
        EXPECT_TRUE(work.meetings().for_company(workspace_ + 1, kakao, 10).empty());
        // No limit (0) lists them all.
        EXPECT_EQ(work.meetings().for_company(workspace_, kakao, 0).size(), 2U);
        EXPECT_EQ(work.meetings().for_contact(workspace_, sam, 0).size(), 3U);
    });
}

TEST_P(Storage, LeadCreateAndUpdateRecordStageHistory) {
    const auto [kakao, chip_maker] = db_->transact([&](UnitOfWork& work) {
        return std::pair{work.companies().create(company(workspace_, "카카오", "카카오")).id,
                         work.companies().create(company(workspace_, "SK hynix", "skhynix")).id};
    });
    Lead lead;
    lead.workspace_id = workspace_;
    lead.title = "KakaoTalk × ChatGPT integration";
    lead.stage = "meeting";
    lead.value = Money{.amount = 5'000'000'000, .currency = "KRW"};
    lead.owner_id = user_;
    lead.due = day(2025, 3, 31);
    lead.note = "MOU draft by 2/11";
    lead.company_ids = {kakao};
    lead.created_by = user_;
    lead.created_at = kMediaDay;
    const Lead created = db_->transact([&](UnitOfWork& work) { return work.leads().create(lead); });

    Lead loaded =
        *db_->transact([&](UnitOfWork& work) { return work.leads().get(workspace_, created.id); });
    EXPECT_EQ(loaded.title, lead.title);
    EXPECT_EQ(loaded.stage, "meeting");
    EXPECT_EQ(loaded.value, lead.value);
    EXPECT_EQ(loaded.owner_id, user_);
    EXPECT_EQ(loaded.due, day(2025, 3, 31));
    EXPECT_EQ(loaded.company_ids, std::vector<Id>{kakao});
    EXPECT_EQ(loaded.updated_at, kMediaDay);

    Lead moved = loaded;
    moved.stage = "negotiation";
    moved.value.reset();
    moved.owner_id.reset();
    moved.due.reset();
    moved.company_ids = {kakao, chip_maker};
    db_->transact([&](UnitOfWork& work) {
        work.leads().update(loaded, moved, user_, kMediaDay + 24h);
        // Same stage: no history row.
        Lead renamed = moved;
        renamed.title = "KakaoTalk × ChatGPT (phase 1)";
        work.leads().update(moved, renamed, user_, kMediaDay + 48h);
    });

    db_->transact([&](UnitOfWork& work) {
        const Lead updated = *work.leads().get(workspace_, created.id);
        EXPECT_EQ(updated.title, "KakaoTalk × ChatGPT (phase 1)");
        EXPECT_EQ(updated.stage, "negotiation");
        EXPECT_EQ(updated.value, std::nullopt);
        EXPECT_EQ(updated.owner_id, std::nullopt);
        EXPECT_EQ(updated.due, std::nullopt);
        EXPECT_EQ(updated.company_ids, (std::vector<Id>{kakao, chip_maker}));
        EXPECT_EQ(updated.updated_at, kMediaDay + 48h);

        const auto history = work.leads().history(workspace_, created.id);
        ASSERT_EQ(history.size(), 2U);
        EXPECT_EQ(history[0].from_stage, "");
        EXPECT_EQ(history[0].to_stage, "meeting");
        EXPECT_EQ(history[0].changed_at, kMediaDay);
        EXPECT_EQ(history[1].from_stage, "meeting");
        EXPECT_EQ(history[1].to_stage, "negotiation");
        EXPECT_EQ(history[1].changed_by, user_);
        EXPECT_EQ(history[1].changed_at, kMediaDay + 24h);
        EXPECT_TRUE(work.leads().history(workspace_ + 1, created.id).empty());
    });
    EXPECT_THROW(db_->transact([&](UnitOfWork& work) {
        Lead elsewhere = moved;
        elsewhere.workspace_id = workspace_ + 1;
        work.leads().update(moved, elsewhere, user_, kMediaDay);
    }),
                 std::out_of_range);
    expect_sqlite_integrity(fresh_);
}

TEST_P(Storage, OpenLeadsForCompanyExcludeSignedAndDropped) {
    db_->transact([&](UnitOfWork& work) {
        const Id kakao = work.companies().create(company(workspace_, "카카오", "카카오")).id;
        std::vector<Id> ids;
        for (const char* stage : {"new", "signed", "dropped", "poc"}) {
            Lead lead;
            lead.workspace_id = workspace_;
            lead.title = std::string("lead ") + stage;
            lead.stage = stage;
            lead.company_ids = {kakao};
            lead.created_at = kMediaDay + std::chrono::minutes(ids.size());
            ids.push_back(work.leads().create(lead).id);
        }
        const auto open = work.leads().open_for_company(workspace_, kakao, 10);
        ASSERT_EQ(open.size(), 2U);
        EXPECT_EQ(open[0].stage, "poc");
        EXPECT_EQ(open[1].stage, "new");
        EXPECT_EQ(open[0].company_ids, std::vector<Id>{kakao});
    });
}

TEST_P(Storage, FollowUpListFiltersOverdueAndDone) {
    const Id colleague = db_->transact([&](UnitOfWork& work) {
        return work.workspaces()
            .create_user(User{.workspace_id = workspace_,
                              .platform = "telegram",
                              .platform_user_id = "1002",
                              .display_name = "Jisoo Park"})
            .id;
    });
    const auto make = [&](std::string text, std::optional<Day> due, std::optional<Id> assignee) {
        FollowUp follow_up;
        follow_up.workspace_id = workspace_;
        follow_up.text = std::move(text);
        follow_up.due = due;
        follow_up.assignee_id = assignee;
        follow_up.created_by = user_;
        follow_up.created_at = kMediaDay;
        return follow_up;
    };
    const auto ids = db_->transact([&](UnitOfWork& work) {
        std::vector<Id> created;
        created.push_back(
            work.follow_ups().create(make("send MOU draft", day(2025, 2, 11), user_)).id);
        created.push_back(
            work.follow_ups().create(make("call Naver", day(2025, 2, 3), colleague)).id);
        created.push_back(work.follow_ups().create(make("someday", std::nullopt, user_)).id);
        created.push_back(
            work.follow_ups().create(make("thank-you note", day(2025, 2, 1), user_)).id);
        return created;
    });
    db_->transact([&](UnitOfWork& work) {
        work.follow_ups().mark_done(workspace_, ids[3], kMediaDay + 1h);
        work.follow_ups().mark_done(workspace_, ids[3], kMediaDay + 2h);  // keeps the first time
    });

    db_->transact([&](UnitOfWork& work) {
        const auto texts = [](const std::vector<FollowUp>& follow_ups) {
            std::vector<std::string> result;
            for (const auto& follow_up : follow_ups) {
                result.push_back(follow_up.text);
            }
            return result;
        };
        EXPECT_EQ(texts(work.follow_ups().list(workspace_, FollowUpFilter{})),
                  (std::vector<std::string>{"call Naver", "send MOU draft", "someday"}));
        EXPECT_EQ(texts(work.follow_ups().list(workspace_,
                                               FollowUpFilter{.due_before = day(2025, 2, 4)})),
                  std::vector<std::string>{"call Naver"});
        EXPECT_EQ(texts(work.follow_ups().list(
                      workspace_, FollowUpFilter{.assignee_id = user_, .include_done = true})),
                  (std::vector<std::string>{"send MOU draft", "someday", "thank-you note"}));
        EXPECT_EQ(texts(work.follow_ups().list(workspace_, FollowUpFilter{.limit = 1})),
                  std::vector<std::string>{"call Naver"});
        EXPECT_TRUE(work.follow_ups().list(workspace_ + 1, FollowUpFilter{}).empty());

        const auto done = work.follow_ups().get(workspace_, ids[3]);
        ASSERT_TRUE(done);
        EXPECT_TRUE(done->done);
        EXPECT_EQ(done->done_at, kMediaDay + 1h);
        EXPECT_EQ(done->due, day(2025, 2, 1));
        EXPECT_THROW(work.follow_ups().mark_done(workspace_ + 1, ids[0], kMediaDay),
                     std::out_of_range);
    });
}

TEST_P(Storage, FollowUpsOfALeadAreListed) {
    db_->transact([&](UnitOfWork& work) {
        Lead lead;
        lead.workspace_id = workspace_;
        lead.title = "Samsung AI semiconductors";
        const Id lead_id = work.leads().create(lead).id;
        FollowUp follow_up;
        follow_up.workspace_id = workspace_;
        follow_up.text = "send NDA";
        follow_up.lead_id = lead_id;
        work.follow_ups().create(follow_up);
        follow_up.lead_id.reset();
        follow_up.text = "unrelated";
        work.follow_ups().create(follow_up);

        const auto of_lead = work.follow_ups().for_lead(workspace_, lead_id);
        ASSERT_EQ(of_lead.size(), 1U);
        EXPECT_EQ(of_lead[0].text, "send NDA");
        EXPECT_EQ(of_lead[0].lead_id, lead_id);
    });
}

TEST_P(Storage, RedeliveredEventKeyIsRejectedByUniqueKey) {
    db_->transact([&](UnitOfWork& work) {
        EXPECT_FALSE(work.events().find_reply("telegram", "update:42"));
        work.events().record("telegram", "update:42", workspace_, R"({"text":"✅ Meeting #1"})",
                             kMediaDay);
        work.events().record("slack", "update:42", std::nullopt, "{}", kMediaDay);
    });
    db_->transact([&](UnitOfWork& work) {
        EXPECT_EQ(work.events().find_reply("telegram", "update:42"), R"({"text":"✅ Meeting #1"})");
        EXPECT_EQ(work.events().find_reply("slack", "update:42"), "{}");
        EXPECT_FALSE(work.events().find_reply("telegram", "update:43"));
    });
    EXPECT_ANY_THROW(db_->transact([&](UnitOfWork& work) {
        work.events().record("telegram", "update:42", workspace_, "{}", kMediaDay);
    }));
    db_->transact([&](UnitOfWork& work) {
        EXPECT_EQ(work.events().find_reply("telegram", "update:42"), R"({"text":"✅ Meeting #1"})");
    });
    expect_sqlite_integrity(fresh_);
}

TEST_P(Storage, TransactRollsBackOnException) {
    EXPECT_THROW(db_->transact([&](UnitOfWork& work) {
        work.companies().create(company(workspace_, "Naver", "naver"));
        work.events().record("telegram", "update:7", workspace_, "{}", kMediaDay);
        throw std::runtime_error("handler failed");
    }),
                 std::runtime_error);
    db_->transact([&](UnitOfWork& work) {
        EXPECT_FALSE(work.companies().find_by_key(workspace_, "naver"));
        EXPECT_FALSE(work.events().find_reply("telegram", "update:7"));
    });
    // The session is usable again afterwards.
    const Id id = db_->transact([&](UnitOfWork& work) {
        return work.companies().create(company(workspace_, "Naver", "naver")).id;
    });
    EXPECT_GT(id, 0);
}

TEST_P(Storage, TransactBatchRollsBackOnlyTheThrowingJob) {
    std::vector<Job> jobs;
    for (int i = 0; i < 4; ++i) {
        jobs.emplace_back([this, i](UnitOfWork& work) {
            const std::string key = "update:" + std::to_string(i);
            work.events().record("telegram", key, workspace_, "{}", kMediaDay);
            work.companies().create(company(workspace_, "Company " + key, key));
            if (i == 1) {
                throw std::runtime_error("job 1 failed");
            }
        });
    }
    // A redelivery inside the same batch fails on the event key alone.
    jobs.emplace_back([this](UnitOfWork& work) {
        work.events().record("telegram", "update:0", workspace_, "{}", kMediaDay);
    });
    std::vector<std::exception_ptr> failures(jobs.size(), std::make_exception_ptr(0));
    db_->transact_batch(jobs, failures);

    EXPECT_FALSE(failures[0]);
    ASSERT_TRUE(failures[1]);
    EXPECT_THROW(std::rethrow_exception(failures[1]), std::runtime_error);
    EXPECT_FALSE(failures[2]);
    EXPECT_FALSE(failures[3]);
    EXPECT_TRUE(failures[4]);

    db_->transact([&](UnitOfWork& work) {
        for (int i = 0; i < 4; ++i) {
            const std::string key = "update:" + std::to_string(i);
            EXPECT_EQ(work.events().find_reply("telegram", key).has_value(), i != 1) << key;
            EXPECT_EQ(work.companies().find_by_key(workspace_, key).has_value(), i != 1) << key;
        }
    });
}

TEST_P(Storage, ConcurrentTransactionsAllCommit) {
    auto options = options_for(fresh_.url(), 4);
    Database shared(options);
    constexpr int kThreads = 4;
    constexpr int kPerThread = 25;
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kPerThread; ++i) {
                try {
                    shared.transact([&](UnitOfWork& work) {
                        const std::string key = std::to_string(t) + ":" + std::to_string(i);
                        // Read first, then write: the pattern that deadlocks deferred BEGIN.
                        if (!work.events().find_reply("telegram", key)) {
                            const Id id = work.companies().create(company(workspace_, key, key)).id;
                            Meeting meeting;
                            meeting.workspace_id = workspace_;
                            meeting.starts_at = kMediaDay;
                            meeting.company_ids = {id};
                            work.meetings().create(meeting);
                            work.events().record("telegram", key, workspace_, "{}", kMediaDay);
                        }
                    });
                } catch (...) {
                    ++failures;
                }
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(failures, 0);
    EXPECT_EQ(shared.transact([&](UnitOfWork& work) { return work.meetings().count(workspace_); }),
              kThreads * kPerThread);
}

/// The names of the workspace's companies as `work` reads them.
std::vector<std::string> company_names(UnitOfWork& work, Id workspace_id) {
    std::vector<std::string> names;
    for (const auto& c : work.companies().page(workspace_id, 0, 100)) names.push_back(c.name);
    return names;
}

TEST_P(Storage, SnapshotSeesNothingCommittedAfterItOpened) {
    db_->transact(
        [&](UnitOfWork& work) { work.companies().create(company(workspace_, "Kakao", "kakao")); });
    auto snapshot = db_->snapshot();
    EXPECT_EQ(company_names(snapshot->work(), workspace_), std::vector<std::string>{"Kakao"});

    // A write while the snapshot is open commits on the other connection without waiting.
    auto write = std::async(std::launch::async, [&] {
        db_->transact([&](UnitOfWork& work) {
            work.companies().create(company(workspace_, "Naver", "naver"));
        });
    });
    ASSERT_EQ(write.wait_for(5s), std::future_status::ready) << "the write waited for the snapshot";
    write.get();

    EXPECT_EQ(company_names(snapshot->work(), workspace_), std::vector<std::string>{"Kakao"})
        << "the snapshot reads as of its opening";
    EXPECT_ANY_THROW(snapshot->work().companies().create(company(workspace_, "LG", "lg")))
        << "a snapshot is read-only";
    snapshot.reset();
    const auto now = db_->read([&](UnitOfWork& work) { return company_names(work, workspace_); });
    EXPECT_EQ(now, (std::vector<std::string>{"Kakao", "Naver"}));
    EXPECT_FALSE(db_->transact([&](UnitOfWork& work) {
        return work.companies().find_by_key(workspace_, "lg").has_value();
    }));
}

TEST_P(Storage, SnapshotOpensBesideAnOpenWriteAndSkipsItsRows) {
    std::latch written{1};
    std::latch finish{1};
    auto writer = std::async(std::launch::async, [&] {
        db_->transact([&](UnitOfWork& work) {
            work.companies().create(company(workspace_, "SK Group", "sk group"));
            written.count_down();
            finish.wait();
        });
    });
    written.wait();
    auto opened = std::async(std::launch::async, [&] {
        auto snapshot = db_->snapshot();
        return company_names(snapshot->work(), workspace_);
    });
    const bool in_time = opened.wait_for(5s) == std::future_status::ready;
    finish.count_down();
    writer.get();
    ASSERT_TRUE(in_time) << "the snapshot waited for the writer";
    EXPECT_TRUE(opened.get().empty()) << "uncommitted rows are not in a snapshot";
}

TEST_P(SqliteStorage, WriteAheadLogStartsOverUnderSustainedWrites) {
    // 160 MiB of meeting notes in 1600 commits: five times the point where the log is copied
    // back. If the log never started over, it would hold all of it; it starts over at the
    // latest when a commit finds it twice that size and no copy running.
    const std::string notes(100 * 1024, 'n');
    constexpr int kCommits = 1600;
    for (int i = 0; i < kCommits; ++i) {
        db_->transact([&](UnitOfWork& work) {
            Meeting meeting;
            meeting.workspace_id = workspace_;
            meeting.starts_at = kMediaDay;
            meeting.notes = notes;
            work.meetings().create(meeting);
        });
    }
    const auto wal = std::filesystem::path(fresh_.sqlite_file().string() + "-wal");
    ASSERT_TRUE(std::filesystem::exists(wal));
    // Never starting over would leave all 160 MiB; under a loaded CI machine the background copy
    // may lag a few commits behind the usual ~100 MiB, so the bound keeps a margin below 160.
    EXPECT_LT(std::filesystem::file_size(wal), 140U * 1024 * 1024);
    EXPECT_EQ(db_->transact([&](UnitOfWork& work) { return work.meetings().count(workspace_); }),
              kCommits);
}

TEST_P(Storage, UsersAreFoundByPlatformIdHandleOrDisplayName) {
    db_->transact([&](UnitOfWork& work) {
        auto& workspaces = work.workspaces();
        const auto by_platform = workspaces.find_user(workspace_, "telegram", "1001");
        ASSERT_TRUE(by_platform);
        EXPECT_EQ(by_platform->id, user_);
        EXPECT_EQ(by_platform->role, Role::admin);
        EXPECT_FALSE(workspaces.find_user(workspace_, "slack", "1001"));

        EXPECT_EQ(workspaces.find_user_by_name(workspace_, "@MINJI")->id, user_);
        EXPECT_EQ(workspaces.find_user_by_name(workspace_, "minji kim")->id, user_);
        EXPECT_FALSE(workspaces.find_user_by_name(workspace_, "@"));
        EXPECT_FALSE(workspaces.find_user_by_name(workspace_ + 1, "minji"));

        workspaces.update_user_profile(workspace_, user_, "김민지", "minji_k");
        workspaces.set_role(workspace_, user_, Role::manager);
        const auto updated = workspaces.get_user(workspace_, user_);
        ASSERT_TRUE(updated);
        EXPECT_EQ(updated->display_name, "김민지");
        EXPECT_EQ(updated->handle, "minji_k");
        EXPECT_EQ(updated->role, Role::manager);
        EXPECT_FALSE(workspaces.get_user(workspace_ + 1, user_));
        EXPECT_THROW(workspaces.set_role(workspace_ + 1, user_, Role::admin), std::out_of_range);
        EXPECT_EQ(workspaces.count_users(workspace_), 1);
    });
}

TEST_P(Storage, ChatBindingKeepsItsWorkspace) {
    const Id other = other_workspace();
    db_->transact([&](UnitOfWork& work) {
        auto& workspaces = work.workspaces();
        EXPECT_FALSE(workspaces.find_chat("slack", "T1/C1"));
        const auto bound = workspaces.bind_chat({.workspace_id = workspace_,
                                                 .platform = "slack",
                                                 .platform_chat_id = "T1/C1",
                                                 .title = "#bd"});
        EXPECT_GT(bound.id, 0);
        const auto again = workspaces.bind_chat({.workspace_id = other,
                                                 .platform = "slack",
                                                 .platform_chat_id = "T1/C1",
                                                 .title = "#bd-team"});
        EXPECT_EQ(again.id, bound.id);
        EXPECT_EQ(again.workspace_id, workspace_);
        const auto found = workspaces.find_chat("slack", "T1/C1");
        ASSERT_TRUE(found);
        EXPECT_EQ(found->workspace_id, workspace_);
        EXPECT_EQ(found->title, "#bd-team");

        EXPECT_EQ(workspaces.get(workspace_)->name, "BD team");
        EXPECT_EQ(workspaces.get(workspace_)->time_zone, "Asia/Seoul");
        EXPECT_EQ(workspaces.find_by_name("Other team")->id, other);
        EXPECT_EQ(workspaces.list().size(), 2U);
    });
}

TEST_P(Storage, AuditLogKeepsRecentEntriesNewestFirst) {
    db_->transact([&](UnitOfWork& work) {
        work.audit().append({.workspace_id = workspace_,
                             .user_id = user_,
                             .action = "create",
                             .entity = "meeting",
                             .entity_id = 1,
                             .source = "telegram:update:1",
                             .after_json = R"({"id":1})",
                             .at = kMediaDay});
        work.audit().append({.workspace_id = workspace_,
                             .action = "update",
                             .entity = "lead",
                             .entity_id = 2,
                             .before_json = R"({"stage":"new"})",
                             .after_json = R"({"stage":"poc"})",
                             .at = kMediaDay + 1min});
        const auto entries = work.audit().recent(workspace_, 10);
        ASSERT_EQ(entries.size(), 2U);
        EXPECT_EQ(entries[0].action, "update");
        EXPECT_EQ(entries[0].user_id, std::nullopt);
        EXPECT_EQ(entries[0].before_json, R"({"stage":"new"})");
        EXPECT_EQ(entries[1].user_id, user_);
        EXPECT_EQ(entries[1].before_json, "");
        EXPECT_EQ(entries[1].source, "telegram:update:1");
        EXPECT_EQ(entries[1].at, kMediaDay);
        EXPECT_EQ(work.audit().recent(workspace_, 1).size(), 1U);
        EXPECT_EQ(work.audit().recent(workspace_, 0).size(), 2U);  // no limit
        EXPECT_TRUE(work.audit().recent(workspace_ + 1, 10).empty());
    });
}

}  // namespace

namespace {

TEST(DatabaseUrl, RedactionHidesEveryFormOfPassword) {
    using inmaek::storage::redact_database_url;
    EXPECT_EQ(redact_database_url("postgresql://host=db dbname=inmaek user=app password=s3cr3t"),
              "postgresql://host=db dbname=inmaek user=app password=***");
    EXPECT_EQ(redact_database_url("postgresql://dbname=x password='a b c' user=y"),
              "postgresql://dbname=x password=*** user=y");
    EXPECT_EQ(redact_database_url("postgresql://PASSWORD = hunter2"),
              "postgresql://PASSWORD = ***");
    EXPECT_EQ(redact_database_url("postgresql://app:s3cr3t@db:5432/inmaek"),
              "postgresql://app:***@db:5432/inmaek");
    EXPECT_EQ(redact_database_url("sqlite3://db=var/inmaek.db"), "sqlite3://db=var/inmaek.db");
}

}  // namespace

// ---- REST API: keys, pages, updates and deletes ---------------------------------------------

namespace {

using inmaek::storage::ApiKey;

ApiKey api_key(Id workspace_id, std::string prefix, Role role) {
    ApiKey key;
    key.workspace_id = workspace_id;
    key.prefix = std::move(prefix);
    key.secret_hash = std::string(64, 'a');
    key.role = role;
    key.label = "CRM sync";
    key.created_at = kMediaDay;
    return key;
}

}  // namespace

TEST_P(Storage, ApiKeyIsFoundByPrefixRevokedOnceAndTouchedOncePerMinute) {
    const auto stored = db_->transact([&](UnitOfWork& work) {
        return work.api_keys().create(api_key(workspace_, "0123456789ab", Role::manager));
    });
    EXPECT_GT(stored.id, 0);
    db_->transact([&](UnitOfWork& work) {
        const auto found = work.api_keys().find_by_prefix("0123456789ab");
        ASSERT_TRUE(found);
        EXPECT_EQ(found->id, stored.id);
        EXPECT_EQ(found->workspace_id, workspace_);
        EXPECT_EQ(found->role, Role::manager);
        EXPECT_EQ(found->label, "CRM sync");
        EXPECT_EQ(found->secret_hash, std::string(64, 'a'));
        EXPECT_EQ(found->created_at, kMediaDay);
        EXPECT_FALSE(found->last_used_at);
        EXPECT_FALSE(found->revoked_at);
        EXPECT_FALSE(work.api_keys().find_by_prefix("0123456789ac"));

        EXPECT_TRUE(work.api_keys().touch(stored.id, kMediaDay + 1h, 60s));
        EXPECT_FALSE(work.api_keys().touch(stored.id, kMediaDay + 1h + 59s, 60s));
        EXPECT_TRUE(work.api_keys().touch(stored.id, kMediaDay + 1h + 60s, 60s));
        EXPECT_EQ(work.api_keys().get(stored.id)->last_used_at, kMediaDay + 1h + 60s);

        EXPECT_TRUE(work.api_keys().revoke(stored.id, kMediaDay + 2h));
        EXPECT_FALSE(work.api_keys().revoke(stored.id, kMediaDay + 3h));
        EXPECT_FALSE(work.api_keys().revoke(stored.id + 100, kMediaDay + 3h));
        EXPECT_EQ(work.api_keys().get(stored.id)->revoked_at, kMediaDay + 2h);
        ASSERT_EQ(work.api_keys().list().size(), 1U);
    });
}

TEST_P(Storage, ApiKeyPrefixIsUniqueAcrossWorkspaces) {
    const Id other = other_workspace();
    db_->transact([&](UnitOfWork& work) {
        work.api_keys().create(api_key(workspace_, "aaaaaaaaaaaa", Role::member));
    });
    EXPECT_ANY_THROW(db_->transact([&](UnitOfWork& work) {
        work.api_keys().create(api_key(other, "aaaaaaaaaaaa", Role::admin));
    }));
}

TEST_P(Storage, PagesWalkAWorkspacesRowsOnceInIdOrder) {
    const Id other = other_workspace();
    db_->transact([&](UnitOfWork& work) {
        for (int i = 0; i < 7; ++i) {
            const auto name = "company " + std::to_string(i);
            work.companies().create(company(workspace_, name, "c" + std::to_string(i)));
            work.companies().create(company(other, name, "c" + std::to_string(i)));
        }
    });
    std::vector<Id> seen;
    db_->transact([&](UnitOfWork& work) {
        Id after = 0;
        for (int pages = 0; pages < 10; ++pages) {
            const auto page = work.companies().page(workspace_, after, 3);
            if (page.empty()) break;
            for (const auto& c : page) {
                EXPECT_EQ(c.workspace_id, workspace_);
                seen.push_back(c.id);
            }
            after = page.back().id;
        }
    });
    ASSERT_EQ(seen.size(), 7U);
    EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
    EXPECT_EQ(std::adjacent_find(seen.begin(), seen.end()), seen.end());
}

TEST_P(Storage, UpdatesAndDeletesTouchOnlyTheirWorkspace) {
    const Id other = other_workspace();
    const auto [kakao, sam, todo] = db_->transact([&](UnitOfWork& work) {
        const Id company_id = work.companies().create(company(workspace_, "카카오", "카카오")).id;
        const Id contact_id =
            work.contacts().create(contact(workspace_, "Sam Altman", "samaltman")).id;
        FollowUp follow_up;
        follow_up.workspace_id = workspace_;
        follow_up.text = "send MOU draft";
        follow_up.created_at = kMediaDay;
        const Id follow_up_id = work.follow_ups().create(follow_up).id;
        return std::tuple{company_id, contact_id, follow_up_id};
    });
    db_->transact([&](UnitOfWork& work) {
        auto foreign = *work.companies().get(workspace_, kakao);
        foreign.workspace_id = other;
        foreign.industry = "hijacked";
        EXPECT_FALSE(work.companies().update(foreign));
        EXPECT_FALSE(work.follow_ups().remove(other, todo));

        auto company_row = *work.companies().get(workspace_, kakao);
        company_row.industry = "platform";
        EXPECT_TRUE(work.companies().update(company_row));
        auto person = *work.contacts().get(workspace_, sam);
        person.title = "CEO";
        person.company_id = kakao;
        EXPECT_TRUE(work.contacts().update(person));
        auto item = *work.follow_ups().get(workspace_, todo);
        item.due = day(2025, 2, 11);
        item.done = true;
        item.done_at = kMediaDay + 1h;
        EXPECT_TRUE(work.follow_ups().update(item));
    });
    db_->transact([&](UnitOfWork& work) {
        EXPECT_EQ(work.companies().get(workspace_, kakao)->industry, "platform");
        EXPECT_EQ(work.contacts().get(workspace_, sam)->title, "CEO");
        EXPECT_EQ(work.contacts().get(workspace_, sam)->company_id, kakao);
        const auto item = work.follow_ups().get(workspace_, todo);
        EXPECT_EQ(item->due, day(2025, 2, 11));
        EXPECT_TRUE(item->done);
        EXPECT_EQ(item->done_at, kMediaDay + 1h);
        EXPECT_TRUE(work.follow_ups().remove(workspace_, todo));
        EXPECT_FALSE(work.follow_ups().get(workspace_, todo));
        EXPECT_FALSE(work.follow_ups().remove(workspace_, todo));
    });
}
