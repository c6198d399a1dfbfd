// Several `inmaek serve` replicas on one PostgreSQL database, as behind a load balancer: the
// same update delivered to two of them at once, concurrent changes to one lead, the first
// messages of a chat and new names arriving at two replicas at once, and replicas that start
// together on an empty database.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <latch>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tests/e2e/harness.hpp"
#include "tests/e2e/server_process.hpp"
#include "tests/support/api_recorder.hpp"
#include "tests/support/postgres.hpp"

namespace inmaek::e2e {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::int64_t kMinji = 5012345678;  // the fixture's sender
constexpr std::int64_t kJisoo = 5012345679;
constexpr std::int64_t kWon = 100'000'000;  // 1억 in KRW minor units (KRW has none below 1)

double milliseconds_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

/// Runs `first` and `second` on two threads released together by a latch.
template <typename First, typename Second>
void at_once(First&& first, Second&& second) {
    std::latch go{2};
    std::thread other{[&] {
        go.arrive_and_wait();
        second();
    }};
    go.arrive_and_wait();
    first();
    other.join();
}

class Replicas : public ::testing::Test {
protected:
    void TearDown() override {
        if (HasFailure()) {
            for (std::size_t i = 0; i < replicas_.size(); ++i) {
                std::cerr << "---- replica " << i + 1 << " log ----\n"
                          << replicas_[i]->log() << "--------------------\n";
            }
        }
        replicas_.clear();  // before the database goes
    }

    /// Starts `count` replicas at once on the test's database and waits until all listen; then
    /// opens a keep-alive connection to each, so that a request leaves at once.
    bool start(int count, const Environment& env = {}) {
        for (int i = 0; i < count; ++i) {
            replicas_.push_back(launch_server(database_.url(), env, dir_.path()));
        }
        bool all = true;
        for (auto& replica : replicas_) all = wait_listening(*replica) && all;
        for (std::size_t i = 0; all && i < replicas_.size(); ++i) {
            clients_.push_back(std::make_unique<HttpClient>(port(i), std::chrono::seconds{30}));
            const auto health = clients_.back()->get("/healthz");
            EXPECT_EQ(health.status, 200U) << "replica " << i + 1 << ": " << health.error;
        }
        return all;
    }

    /// Delivers `update` to `replica`, as a platform does (503s delivered again).
    Delivery send(std::size_t replica, const std::string& update) {
        return deliver(*clients_.at(replica), kTelegramHook, update);
    }

    /// Delivers `to_first` to replica 1 and `to_second` to replica 2 from two threads released
    /// together.
    std::pair<Delivery, Delivery> send_together(const std::string& to_first,
                                                const std::string& to_second) {
        std::pair<Delivery, Delivery> result;
        at_once([&] { result.first = send(0, to_first); },
                [&] { result.second = send(1, to_second); });
        return result;
    }

    [[nodiscard]] unsigned short port(std::size_t replica) const {
        return replicas_.at(replica)->port();
    }

    std::int64_t number(const std::string& sql) const { return query_number(database_.url(), sql); }

    test::TempDir dir_;  // the replicas' working folder
    test::FreshDatabase database_{"postgresql"};
    std::vector<std::unique_ptr<ServerProcess>> replicas_;
    std::vector<std::unique_ptr<HttpClient>> clients_;
};

// The second delivery waits at the event-key claim (INSERT ... ON CONFLICT DO NOTHING) until the
// first one's transaction ends, then answers its stored reply.
TEST_F(Replicas, SameUpdateOnTwoReplicasAtOnceIsStoredOnceAndAnsweredTheSame) {
    ASSERT_TRUE(start(2));
    constexpr int kUpdates = 20;
    int retried = 0;
    int overlapped = 0;  // rounds whose two deliveries were in flight together
    std::vector<double> gaps;
    const auto started = Clock::now();
    for (int i = 0; i < kUpdates; ++i) {
        const std::int64_t update_id = 910'000 + i;
        const auto body = telegram_update(
            update_id, "/회의 2025-02-04 11:00 @카카오 : 동시 배달 " + std::to_string(i));
        const auto [first, second] = send_together(body, body);
        if (std::max(first.sent, second.sent) < std::min(first.done, second.done)) ++overlapped;
        ASSERT_TRUE(acknowledged(first)) << "update " << update_id;
        ASSERT_TRUE(acknowledged(second)) << "update " << update_id;
        const auto text = reply_text(first.response);
        EXPECT_NE(text.find("회의 #"), std::string::npos) << text;
        EXPECT_EQ(reply_text(second.response), text) << "update " << update_id;
        EXPECT_EQ(second.response.body, first.response.body) << "update " << update_id;
        retried += first.attempts + second.attempts - 2;
        gaps.push_back(
            std::abs(std::chrono::duration<double, std::milli>(second.done - first.done).count()));
    }
    const double elapsed = milliseconds_since(started);

    EXPECT_EQ(number("SELECT COUNT(*) FROM inbound_events"), kUpdates);
    EXPECT_EQ(number("SELECT COUNT(*) FROM meetings"), kUpdates);
    EXPECT_EQ(number("SELECT COUNT(DISTINCT notes) FROM meetings"), kUpdates)
        << "every update made exactly one meeting";
    EXPECT_EQ(number("SELECT COUNT(*) FROM companies"), 1);
    EXPECT_EQ(number("SELECT COUNT(*) FROM workspaces"), 1);
    EXPECT_GT(overlapped, 0) << "the two deliveries of an update never met";
    std::sort(gaps.begin(), gaps.end());
    std::cout << "[replicas] " << kUpdates << " updates, each to 2 replicas at once, in "
              << static_cast<int>(elapsed) << " ms; " << overlapped
              << " with both deliveries in flight together; " << retried
              << " redelivery(s) after 503; answers apart by median " << gaps[gaps.size() / 2]
              << " ms, max " << gaps.back() << " ms\n";
}

// Replica 1 moves the stage while replica 2 sets the value, round after round: the lead ends
// each round with both changes, and every stage change is in the history, chained.
TEST_F(Replicas, ConcurrentChangesToOneLeadLoseNoUpdate) {
    ASSERT_TRUE(start(2));
    std::int64_t update_id = 920'000;
    // The workspace, both people and the lead exist first, made one after another.
    const auto added = send(
        0, telegram_update(++update_id, "/리드 add 카카오 파트너십 @카카오 단계:제안", kMinji));
    ASSERT_TRUE(acknowledged(added));
    const long long lead_id = number("SELECT MAX(id) FROM leads");
    ASSERT_GT(lead_id, 0) << reply_text(added.response);
    const auto lead = "/리드 " + std::to_string(lead_id);
    ASSERT_TRUE(acknowledged(send(1, telegram_update(++update_id, lead, kJisoo))));

    const auto session = test::open_session(database_.url());
    constexpr int kRounds = 30;
    int retried = 0;
    std::vector<std::string> expected_stages{"proposal"};
    const auto started = Clock::now();
    for (int round = 0; round < kRounds; ++round) {
        const bool signing = round % 2 == 0;
        const auto stage_update =
            telegram_update(++update_id, lead + (signing ? " 단계:계약" : " 단계:협상"), kMinji);
        const auto value_update = telegram_update(
            ++update_id, lead + " 금액:" + std::to_string(round + 1) + "억", kJisoo);
        const auto [stage, value] = send_together(stage_update, value_update);
        ASSERT_TRUE(acknowledged(stage)) << "round " << round;
        ASSERT_TRUE(acknowledged(value)) << "round " << round;
        retried += stage.attempts + value.attempts - 2;
        expected_stages.emplace_back(signing ? "signed" : "negotiation");

        std::string stage_now;
        long long value_now = 0;
        soci::indicator value_set = soci::i_ok;  // NULL: the first value was lost
        *session << "SELECT stage, value_amount FROM leads WHERE id = :id", soci::into(stage_now),
            soci::into(value_now, value_set), soci::use(lead_id);
        if (value_set != soci::i_ok) value_now = 0;
        ASSERT_EQ(stage_now, expected_stages.back()) << "round " << round << ": a stage was lost";
        ASSERT_EQ(value_now, (round + 1) * kWon) << "round " << round << ": a value was lost";
    }
    const double elapsed = milliseconds_since(started);

    std::vector<std::string> from(kRounds + 10);
    std::vector<std::string> to(kRounds + 10);
    *session << "SELECT from_stage, to_stage FROM lead_stage_history WHERE lead_id = :id "
                "ORDER BY id",
        soci::into(from), soci::into(to), soci::use(lead_id);
    ASSERT_EQ(to.size(), expected_stages.size()) << "one history entry per stage change";
    EXPECT_EQ(to, expected_stages);
    EXPECT_EQ(from.front(), "");
    for (std::size_t i = 1; i < from.size(); ++i) {
        EXPECT_EQ(from[i], to[i - 1]) << "history entry " << i << " does not follow the one before";
    }
    EXPECT_EQ(number("SELECT COUNT(*) FROM audit_log WHERE entity = 'lead' AND action = 'update'"),
              2 * kRounds);
    std::cout << "[replicas] " << kRounds << " rounds of a stage and a value change to lead #"
              << lead_id << " on 2 replicas at once in " << static_cast<int>(elapsed) << " ms; "
              << retried << " redelivery(s) after 503\n";
}

// Two different first messages of a new chat, one to each replica at once: both must land in
// the one workspace the chat is bound to, with one company of each name.
// Both replicas find no workspace and create one; the chat's key decides which binding wins, and
// the loser continues in the winner's workspace and drops its own.
TEST_F(Replicas, FirstMessagesOfANewChatOnTwoReplicasShareOneWorkspace) {
    ASSERT_TRUE(start(2));
    constexpr int kChats = 10;
    for (int i = 0; i < kChats; ++i) {
        const std::int64_t chat = -1'009'000 - i;
        const auto text = "/회의 2025-02-04 11:00 @새회사" + std::to_string(i) + " : ";
        const auto [first, second] =
            send_together(telegram_update(940'000 + 2 * i, text + "a", kMinji, chat),
                          telegram_update(940'001 + 2 * i, text + "b", kJisoo, chat));
        EXPECT_TRUE(acknowledged(first));
        EXPECT_TRUE(acknowledged(second));
    }
    EXPECT_EQ(number("SELECT COUNT(*) FROM chats"), kChats);
    EXPECT_EQ(number("SELECT COUNT(*) FROM workspaces"), kChats)
        << "a message made a workspace no chat is bound to";
    EXPECT_EQ(number("SELECT COUNT(*) FROM meetings m JOIN chats c "
                     "ON c.workspace_id = m.workspace_id"),
              2 * kChats)
        << "acknowledged meetings are outside their chat's workspace";
    EXPECT_EQ(number("SELECT COUNT(*) FROM companies"), kChats);
}

// In a workspace that exists, the same new company and person named by two messages on two
// replicas at once are made once. (The later insert fails on UNIQUE (workspace_id, name_key); the
// group commit then replays its batch, which finds the company the other replica committed.)
TEST_F(Replicas, NewCompanyNamedOnTwoReplicasAtOnceIsMadeOnce) {
    ASSERT_TRUE(start(2));
    std::int64_t update_id = 950'000;
    for (const auto sender : {kMinji, kJisoo}) {
        ASSERT_TRUE(acknowledged(send(0, telegram_update(++update_id, "/도움말", sender))));
    }
    constexpr int kRounds = 10;
    for (int i = 0; i < kRounds; ++i) {
        const auto text = "/회의 2025-02-04 11:00 @동시회사" + std::to_string(i) + " 참석: 새사람" +
                          std::to_string(i) + " : ";
        const auto to_first = telegram_update(++update_id, text + "a", kMinji);
        const auto [first, second] =
            send_together(to_first, telegram_update(++update_id, text + "b", kJisoo));
        EXPECT_TRUE(acknowledged(first));
        EXPECT_TRUE(acknowledged(second));
    }
    EXPECT_EQ(number("SELECT COUNT(*) FROM meetings"), 2 * kRounds);
    EXPECT_EQ(number("SELECT COUNT(*) FROM companies"), kRounds);
    EXPECT_EQ(number("SELECT COUNT(*) FROM contacts"), kRounds);
}

// Outbox rows queued while two replicas run are each delivered by exactly one of them: the
// claim (UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)) hands a row to one sender.
TEST_F(Replicas, OutboxRowsAreDeliveredOnceByOneOfTwoReplicas) {
    test::ApiRecorder api;
    const Environment env{{"INMAEK_TELEGRAM_REPLY_MODE", "api"},
                          {"INMAEK_TELEGRAM_BOT_TOKEN", "7000000001:AAE-test_token"},
                          {"INMAEK_TELEGRAM_API_BASE_URL", api.base_url()},
                          {"INMAEK_OUTBOX_POLL_INTERVAL_MS", "20"},
                          {"INMAEK_OUTBOX_BATCH", "5"}};
    ASSERT_TRUE(start(2, env));
    constexpr int kRows = 120;
    // As the scheduler will queue summaries: rows written by the database's side, to distinct
    // chats (Telegram's 1 message/s per chat would otherwise pace the test).
    test::execute(database_.url(),
                  "INSERT INTO outbox (platform, destination, kind, dedupe_key, payload, "
                  "next_attempt_at, created_at) "
                  "SELECT 'telegram', (-2000000 - g)::text, 'summary', 'burst:' || g, "
                  "'{\"method\":\"sendMessage\",\"chat_id\":' || (-2000000 - g) || "
                  "',\"text\":\"burst ' || g || '\"}', 0, 0 "
                  "FROM generate_series(1, " +
                      std::to_string(kRows) + ") AS g");
    const auto started = Clock::now();
    ASSERT_TRUE(api.wait_for(kRows, std::chrono::seconds{30}))
        << api.count() << " of " << kRows << " delivered";
    std::this_thread::sleep_for(std::chrono::milliseconds{500});  // a double send would show now
    std::map<std::string, int> sends;
    for (const auto& request : api.requests()) ++sends[request.body];
    EXPECT_EQ(api.count(), static_cast<std::size_t>(kRows));
    EXPECT_EQ(sends.size(), static_cast<std::size_t>(kRows));
    for (const auto& [body, count] : sends) EXPECT_EQ(count, 1) << body;
    EXPECT_EQ(number("SELECT COUNT(*) FROM outbox WHERE status = 'sent'"), kRows);
    const auto senders = number("SELECT COUNT(DISTINCT claimed_by) FROM outbox");
    EXPECT_EQ(senders, 2) << "both replicas should have taken a share";
    std::cout << "[replicas] " << kRows << " outbox rows delivered once each by " << senders
              << " replicas in " << static_cast<int>(milliseconds_since(started)) << " ms\n";
}

// Two replicas whose schedulers reach 09:00 Seoul together: the chat's summary and the morning's
// follow-up reminder are each queued and delivered once (summary_runs and follow_ups.reminded_on
// are claimed in the transaction that queues them; the reminders with FOR UPDATE SKIP LOCKED).
TEST_F(Replicas, OneSummaryAndOneReminderFromTwoReplicasAtNine) {
    test::ApiRecorder api;
    const Environment env{{"INMAEK_TELEGRAM_BOT_TOKEN", "7000000001:AAE-test_token"},
                          {"INMAEK_TELEGRAM_API_BASE_URL", api.base_url()},
                          {"INMAEK_OUTBOX_POLL_INTERVAL_MS", "50"},
                          {"INMAEK_SCHEDULER_CLOCK_START", "2025-02-04T08:59:56+09:00"},
                          {"INMAEK_SCHEDULER_TICK_SECONDS", "1"}};
    ASSERT_TRUE(start(2, env));
    // Written on 2025-02-04 (the fixture's date): a subscription, and follow-ups due that day.
    ASSERT_TRUE(acknowledged(send(0, telegram_update(960'001, "/구독 매일 09:00"))));
    for (int i = 0; i < 5; ++i) {
        ASSERT_TRUE(acknowledged(
            send(i % 2, telegram_update(960'010 + i, "/할일 오늘 자료 " + std::to_string(i)))));
    }
    ASSERT_TRUE(api.wait_for(6, std::chrono::seconds{20}))
        << api.count() << " of 1 summary and 5 reminders arrived";
    std::this_thread::sleep_for(std::chrono::milliseconds{2500});  // more ticks on both
    std::map<std::string, int> sends;
    for (const auto& request : api.requests()) ++sends[request.body];
    EXPECT_EQ(api.count(), 6U);
    for (const auto& [body, count] : sends) EXPECT_EQ(count, 1) << body;
    EXPECT_EQ(number("SELECT COUNT(*) FROM summary_runs"), 1);
    EXPECT_EQ(number("SELECT COUNT(*) FROM outbox WHERE kind = 'summary'"), 1);
    EXPECT_EQ(number("SELECT COUNT(*) FROM outbox WHERE kind = 'reminder' AND status = 'sent'"), 5);
    EXPECT_EQ(number("SELECT COUNT(*) FROM follow_ups WHERE reminded_on = '2025-02-04'"), 5);
}

TEST_F(Replicas, ReplicasStartingTogetherMigrateOnce) {
    constexpr int kCount = 3;
    const auto started = Clock::now();
    ASSERT_TRUE(start(kCount));
    for (std::size_t i = 0; i < kCount; ++i) {
        const auto ready = get(port(i), "/readyz");
        EXPECT_EQ(ready.status, 200U) << "replica " << i + 1 << ": " << ready.error << ready.body;
    }
    const double elapsed = milliseconds_since(started);
    const auto versions = number("SELECT COUNT(DISTINCT version) FROM schema_migrations");
    EXPECT_GE(versions, 1);
    EXPECT_EQ(number("SELECT COUNT(*) FROM schema_migrations"), versions)
        << "a migration was recorded twice";
    EXPECT_EQ(number("SELECT MAX(version) FROM schema_migrations"), versions);
    // Each migration was applied by exactly one replica.
    std::int64_t applied = 0;
    for (const auto& replica : replicas_) {
        const auto log = replica->log();
        for (auto at = log.find("applied migration "); at != std::string::npos;
             at = log.find("applied migration ", at + 1)) {
            ++applied;
        }
    }
    EXPECT_EQ(applied, versions);
    std::cout << "[replicas] " << kCount << " replicas started together, ready in "
              << static_cast<int>(elapsed) << " ms; " << versions
              << " migrations applied once each\n";
}

}  // namespace
}  // namespace inmaek::e2e
