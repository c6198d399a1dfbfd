// The outbox table through OutboxRepository, on SQLite and PostgreSQL: queueing once per
// decision, leases, the outcomes of a delivery, and claimers that never share a row.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "storage/database.hpp"
#include "tests/support/postgres.hpp"

namespace {

using inmaek::storage::Database;
using inmaek::storage::DatabaseOptions;
using inmaek::storage::Id;
using inmaek::storage::OutboxMessage;
using inmaek::storage::Timestamp;
using inmaek::storage::UnitOfWork;
using inmaek::test::backend_name;
using inmaek::test::backends;
using inmaek::test::FreshDatabase;
using namespace std::chrono_literals;

constexpr Timestamp kNine{std::chrono::sys_days{2025y / 2 / 4} + 0h};  // 09:00 KST

OutboxMessage message(std::string key, Timestamp due = kNine, std::string destination = "-100") {
    OutboxMessage message;
    message.platform = "telegram";
    message.destination = std::move(destination);
    message.kind = "reply";
    message.dedupe_key = std::move(key);
    message.payload = R"({"chat_id":-100,"text":"안녕하세요"})";
    message.next_attempt_at = due;
    message.created_at = kNine;
    return message;
}

class OutboxStore : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        DatabaseOptions options;
        options.url = fresh_.url();
        options.pool_size = 4;
        options.busy_timeout_ms = 5000;
        db_ = std::make_unique<Database>(options);
        db_->migrate();
    }

    bool enqueue(const OutboxMessage& m) {
        return db_->transact([&](UnitOfWork& work) { return work.outbox().enqueue(m); });
    }
    std::vector<OutboxMessage> claim(Timestamp now, std::string_view sender = "a", int limit = 10) {
        return db_->transact(
            [&](UnitOfWork& work) { return work.outbox().claim(now, now + 60s, sender, limit); });
    }
    std::vector<OutboxMessage> all() {
        return db_->transact([](UnitOfWork& work) { return work.outbox().list("", 1000); });
    }

    FreshDatabase fresh_{GetParam()};
    std::unique_ptr<Database> db_;
};

INSTANTIATE_TEST_SUITE_P(Backends, OutboxStore, ::testing::ValuesIn(backends()), backend_name);

TEST_P(OutboxStore, EachDecisionIsQueuedOnce) {
    EXPECT_TRUE(enqueue(message("telegram:update:1")));
    EXPECT_FALSE(enqueue(message("telegram:update:1")));
    const auto rows = all();
    ASSERT_EQ(rows.size(), 1U);
    EXPECT_EQ(rows[0].status, "pending");
    EXPECT_EQ(rows[0].attempts, 0);
    EXPECT_EQ(rows[0].payload, R"({"chat_id":-100,"text":"안녕하세요"})");
    EXPECT_FALSE(rows[0].workspace_id.has_value());
}

TEST_P(OutboxStore, ClaimTakesDueRowsOldestFirstAndLeasesThem) {
    enqueue(message("late", kNine + 10s, "-101"));
    enqueue(message("second", kNine + 1s, "-102"));
    enqueue(message("first", kNine, "-103"));
    enqueue(message("future", kNine + 1h, "-104"));

    const auto claimed = claim(kNine + 10s);
    ASSERT_EQ(claimed.size(), 3U);
    EXPECT_EQ(claimed[0].dedupe_key, "first");
    EXPECT_EQ(claimed[1].dedupe_key, "second");
    EXPECT_EQ(claimed[2].dedupe_key, "late");

    // Leased: nobody else takes them until the lease runs out (the claimer died).
    EXPECT_TRUE(claim(kNine + 11s, "b").empty());
    const auto after_lease = claim(kNine + 71s, "b");
    EXPECT_EQ(after_lease.size(), 3U);
}

TEST_P(OutboxStore, OutcomesOfADelivery) {
    for (const auto* key : {"sent", "retried", "released", "dead"}) {
        enqueue(message(key, kNine, key));  // a chat each: one chat's rows wait for each other
    }
    const auto claimed = claim(kNine);
    ASSERT_EQ(claimed.size(), 4U);
    auto id_of = [&](std::string_view key) {
        return std::find_if(claimed.begin(), claimed.end(),
                            [&](const auto& m) { return m.dedupe_key == key; })
            ->id;
    };
    db_->transact([&](UnitOfWork& work) {
        work.outbox().mark_sent(id_of("sent"), kNine + 1s);
        work.outbox().retry_later(id_of("retried"), kNine + 30s, "telegram: 502 Bad Gateway");
        work.outbox().release(id_of("released"), kNine + 2s);
        work.outbox().mark_dead(id_of("dead"), kNine + 1s, "telegram: 403 bot was blocked");
    });
    std::map<std::string, OutboxMessage> by_key;
    for (auto& m : all()) by_key[m.dedupe_key] = m;
    EXPECT_EQ(by_key["sent"].status, "sent");
    EXPECT_EQ(by_key["sent"].attempts, 1);
    EXPECT_EQ(by_key["sent"].sent_at, kNine + 1s);
    EXPECT_EQ(by_key["retried"].status, "pending");
    EXPECT_EQ(by_key["retried"].attempts, 1);
    EXPECT_EQ(by_key["retried"].last_error, "telegram: 502 Bad Gateway");
    EXPECT_EQ(by_key["released"].attempts, 0) << "a rate limit's wait is not an attempt";
    EXPECT_EQ(by_key["dead"].status, "dead");
    EXPECT_EQ(by_key["dead"].last_error, "telegram: 403 bot was blocked");

    // Due again in their own time, without waiting for the lease: the outcome ended it.
    EXPECT_TRUE(claim(kNine + 1s).empty());
    ASSERT_EQ(claim(kNine + 2s).size(), 1U);
    ASSERT_EQ(claim(kNine + 30s).size(), 1U);

    // An operator's retry of the dead letter; a sent message cannot be sent again that way.
    const auto requeued = db_->transact([&](UnitOfWork& work) {
        return std::pair{work.outbox().requeue(id_of("dead"), kNine + 40s),
                         work.outbox().requeue(id_of("sent"), kNine + 40s)};
    });
    EXPECT_TRUE(requeued.first);
    EXPECT_FALSE(requeued.second);
    const auto again = claim(kNine + 40s);
    ASSERT_EQ(again.size(), 1U);
    EXPECT_EQ(again[0].dedupe_key, "dead");
    EXPECT_EQ(again[0].attempts, 0);

    const auto counts = db_->transact([](UnitOfWork& work) { return work.outbox().counts(); });
    EXPECT_EQ(counts,
              (std::vector<std::pair<std::string, std::int64_t>>{{"pending", 3}, {"sent", 1}}));
    EXPECT_EQ(db_->transact([](UnitOfWork& work) { return work.outbox().list("sent", 10); }).size(),
              1U);
}

TEST_P(OutboxStore, AChatsRowsAreClaimedInTheOrderTheyWereQueued) {
    for (const auto* key : {"part 1", "part 2", "part 3"}) enqueue(message(key, kNine, "-100"));
    enqueue(message("other chat", kNine, "-200"));
    // A later row that came due first still goes after the earlier ones of its chat.
    db_->transact([&](UnitOfWork& work) {
        for (const auto& m : work.outbox().list("", 10)) {
            if (m.dedupe_key == "part 3") work.outbox().release(m.id, kNine - 1s);
        }
    });
    auto claimed = claim(kNine);
    ASSERT_EQ(claimed.size(), 4U);
    std::vector<std::string> chat;
    for (const auto& m : claimed) {
        if (m.destination == "-100") chat.push_back(m.dedupe_key);
    }
    EXPECT_EQ(chat, (std::vector<std::string>{"part 1", "part 2", "part 3"}));

    // Part 1 failed and waits for its retry; parts 2 and 3 were given back unsent: they wait
    // for part 1, while the other chat goes on.
    const auto id_of = [&](std::string_view key) {
        return std::find_if(claimed.begin(), claimed.end(),
                            [&](const auto& m) { return m.dedupe_key == key; })
            ->id;
    };
    db_->transact([&](UnitOfWork& work) {
        work.outbox().retry_later(id_of("part 1"), kNine + 30s, "telegram: 502 Bad Gateway");
        work.outbox().release(id_of("part 2"), kNine);
        work.outbox().release(id_of("part 3"), kNine);
        work.outbox().mark_sent(id_of("other chat"), kNine);
    });
    enqueue(message("other chat 2", kNine, "-200"));
    claimed = claim(kNine + 1s);
    ASSERT_EQ(claimed.size(), 1U);
    EXPECT_EQ(claimed[0].dedupe_key, "other chat 2");
    claimed = claim(kNine + 30s);
    ASSERT_EQ(claimed.size(), 3U);
    EXPECT_EQ(claimed[0].dedupe_key, "part 1");
    EXPECT_EQ(claimed[1].dedupe_key, "part 2");
    EXPECT_EQ(claimed[2].dedupe_key, "part 3");

    // A row held by one claimer holds its chat's later rows from another.
    enqueue(message("part 4", kNine, "-100"));
    EXPECT_TRUE(claim(kNine + 31s, "b").empty());
    db_->transact([&](UnitOfWork& work) {
        for (const auto& m : claimed) work.outbox().mark_sent(m.id, kNine + 31s);
    });
    claimed = claim(kNine + 31s, "b");
    ASSERT_EQ(claimed.size(), 1U);
    EXPECT_EQ(claimed[0].dedupe_key, "part 4");
}

// Four claimers at once on one database, as four replicas' senders would be: every row is
// delivered by exactly one of them.
TEST_P(OutboxStore, ConcurrentClaimersNeverShareARow) {
    constexpr int kRows = 300;
    db_->transact([&](UnitOfWork& work) {
        for (int i = 0; i < kRows; ++i) {
            work.outbox().enqueue(message("m" + std::to_string(i),
                                          kNine + std::chrono::seconds{i % 7},
                                          std::to_string(i % 5)));
        }
    });
    std::mutex mutex;
    std::vector<Id> delivered;
    std::vector<std::thread> claimers;
    for (int c = 0; c < 4; ++c) {
        claimers.emplace_back([&, c] {
            const auto name = "sender-" + std::to_string(c);
            for (int round = 0; round < kRows; ++round) {
                const auto batch = db_->transact([&](UnitOfWork& work) {
                    return work.outbox().claim(kNine + 10s, kNine + 70s, name, 7);
                });
                if (batch.empty()) return;
                db_->transact([&](UnitOfWork& work) {
                    for (const auto& m : batch) work.outbox().mark_sent(m.id, kNine + 10s);
                });
                const std::lock_guard lock{mutex};
                for (const auto& m : batch) delivered.push_back(m.id);
            }
        });
    }
    for (auto& claimer : claimers) claimer.join();
    const std::set<Id> distinct(delivered.begin(), delivered.end());
    EXPECT_EQ(delivered.size(), static_cast<std::size_t>(kRows)) << "a row was claimed twice";
    EXPECT_EQ(distinct.size(), static_cast<std::size_t>(kRows));
    for (const auto& m : all()) EXPECT_EQ(m.status, "sent") << m.dedupe_key;
}

}  // namespace
