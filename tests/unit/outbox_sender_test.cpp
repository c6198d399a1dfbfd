// The outbox sender against a real HTTP server that plays the Telegram Bot API
// (test::ApiRecorder), on SQLite and PostgreSQL: delivery, rate limits, 429 Retry-After,
// backoff, dead letters and waking on notify().

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "bot/http_client.hpp"
#include "bot/outbound/outbox_sender.hpp"
#include "bot/outbound/telegram_client.hpp"
#include "storage/database.hpp"
#include "tests/support/api_recorder.hpp"
#include "tests/support/postgres.hpp"

namespace {

using inmaek::bot::HttpClient;
using inmaek::bot::HttpClientOptions;
using inmaek::bot::outbound::OutboxSender;
using inmaek::bot::outbound::OutboxSenderOptions;
using inmaek::bot::outbound::PlatformClient;
using inmaek::bot::outbound::TelegramClient;
using inmaek::bot::outbound::TelegramClientOptions;
using inmaek::storage::Database;
using inmaek::storage::DatabaseOptions;
using inmaek::storage::OutboxMessage;
using inmaek::storage::Timestamp;
using inmaek::storage::UnitOfWork;
using inmaek::test::ApiRecorder;
using inmaek::test::backend_name;
using inmaek::test::backends;
using inmaek::test::CannedResponse;
using inmaek::test::FreshDatabase;
using inmaek::test::RecordedRequest;
using namespace std::chrono_literals;

constexpr auto kToken = "123456:ABC-secret_token";

Timestamp now() {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

HttpClientOptions quick() {
    HttpClientOptions options;
    options.connect_timeout = 1000ms;
    options.request_timeout = 3000ms;
    return options;
}

class OutboxSending : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        DatabaseOptions options;
        options.url = fresh_.url();
        options.pool_size = 2;
        db_ = std::make_unique<Database>(options);
        db_->migrate();
    }

    std::unique_ptr<OutboxSender> sender(OutboxSenderOptions options = {},
                                         std::string base_url = {}) {
        std::vector<std::unique_ptr<PlatformClient>> clients;
        clients.push_back(std::make_unique<TelegramClient>(TelegramClientOptions{
            kToken, base_url.empty() ? api_.base_url() : std::move(base_url)}));
        options.sender_id = "test";
        return std::make_unique<OutboxSender>(*db_, http_, std::move(clients), options);
    }

    void enqueue(const std::string& key, std::int64_t chat, const std::string& text) {
        OutboxMessage message;
        message.platform = "telegram";
        message.destination = std::to_string(chat);
        message.kind = "reply";
        message.dedupe_key = key;
        message.payload =
            nlohmann::json{{"method", "sendMessage"}, {"chat_id", chat}, {"text", text}}.dump();
        message.next_attempt_at = now();
        message.created_at = now();
        db_->transact([&](UnitOfWork& work) { work.outbox().enqueue(message); });
    }

    std::map<std::string, OutboxMessage> rows() {
        std::map<std::string, OutboxMessage> by_key;
        for (auto& m : db_->transact([](UnitOfWork& work) { return work.outbox().list("", 0); })) {
            by_key[m.dedupe_key] = m;
        }
        return by_key;
    }

    /// Makes every pending row due now, as if its backoff had passed.
    void make_due() {
        inmaek::test::execute(fresh_.url(), "UPDATE outbox SET next_attempt_at = 0");
    }

    FreshDatabase fresh_{GetParam()};
    std::unique_ptr<Database> db_;
    ApiRecorder api_;
    HttpClient http_{quick()};
};

INSTANTIATE_TEST_SUITE_P(Backends, OutboxSending, ::testing::ValuesIn(backends()), backend_name);

TEST_P(OutboxSending, DeliversThroughTheBotApiAndMarksSent) {
    enqueue("a", -1001, "첫 번째");
    enqueue("b", -1002, "second");
    auto s = sender();
    EXPECT_EQ(s->run_once(), 2U);
    const auto requests = api_.requests();
    ASSERT_EQ(requests.size(), 2U);
    for (const auto& request : requests) {
        EXPECT_EQ(request.method, "POST");
        EXPECT_EQ(request.target, std::string{"/bot"} + kToken + "/sendMessage");
        EXPECT_EQ(request.headers.at("content-type"), "application/json");
        const auto body = nlohmann::json::parse(request.body);
        EXPECT_FALSE(body.contains("method")) << "the method is the URL's, not the body's";
        EXPECT_TRUE(body["chat_id"] == -1001 || body["chat_id"] == -1002);
    }
    for (const auto& [key, row] : rows()) {
        EXPECT_EQ(row.status, "sent") << key;
        EXPECT_EQ(row.attempts, 1);
        EXPECT_TRUE(row.sent_at.has_value());
    }
    EXPECT_EQ(s->run_once(), 0U) << "a sent message is not claimed again";
    EXPECT_EQ(api_.count(), 2U);
}

TEST_P(OutboxSending, MessagesToOneChatAreSpacedAndTheRestWaitInTheTable) {
    for (int i = 0; i < 5; ++i)
        enqueue("m" + std::to_string(i), -1001, "메시지 " + std::to_string(i));
    OutboxSenderOptions options;
    options.max_rate_wait = 1500ms;
    auto s = sender(options);
    EXPECT_EQ(s->run_once(), 5U);
    const auto requests = api_.requests();
    ASSERT_EQ(requests.size(), 2U) << "about one message a second per chat";
    EXPECT_GE(requests[1].at - requests[0].at, 900ms);
    EXPECT_EQ(nlohmann::json::parse(requests[0].body)["text"], "메시지 0") << "in order";
    EXPECT_EQ(nlohmann::json::parse(requests[1].body)["text"], "메시지 1");
    const auto by_key = rows();
    for (const auto* key : {"m2", "m3", "m4"}) {
        EXPECT_EQ(by_key.at(key).status, "pending");
        EXPECT_EQ(by_key.at(key).attempts, 0) << "waiting for a rate limit is not an attempt";
        EXPECT_GT(by_key.at(key).next_attempt_at, now() - 1s);
    }
}

TEST_P(OutboxSending, AChatsLaterMessageWaitsForAnEarlierOneThatFailed) {
    std::atomic<int> answered = 0;  // the recorder answers on its own thread
    api_.set_responder([&answered](const RecordedRequest&) {
        if (answered++ == 0) return CannedResponse{502, R"({"ok":false})", {}};
        return CannedResponse{200, R"({"ok":true,"result":{"message_id":1}})", {}};
    });
    enqueue("part 1", -1001, "요약 (1/2)");
    enqueue("part 2", -1001, "요약 (2/2)");
    auto s = sender();
    EXPECT_EQ(s->run_once(), 2U);
    ASSERT_EQ(api_.count(), 1U) << "part 2 is not sent before part 1";
    auto by_key = rows();
    EXPECT_EQ(by_key.at("part 1").attempts, 1);
    EXPECT_EQ(by_key.at("part 2").status, "pending");
    EXPECT_EQ(by_key.at("part 2").attempts, 0) << "waiting for part 1 is not an attempt";

    EXPECT_EQ(s->run_once(), 0U) << "part 2 waits for part 1's retry";
    make_due();
    EXPECT_EQ(s->run_once(), 2U);
    const auto requests = api_.requests();
    ASSERT_EQ(requests.size(), 3U);
    EXPECT_EQ(nlohmann::json::parse(requests[1].body)["text"], "요약 (1/2)");
    EXPECT_EQ(nlohmann::json::parse(requests[2].body)["text"], "요약 (2/2)");
    by_key = rows();
    EXPECT_EQ(by_key.at("part 1").status, "sent");
    EXPECT_EQ(by_key.at("part 2").status, "sent");
}

TEST_P(OutboxSending, TooManyRequestsIsRetriedWhenTelegramSays) {
    api_.set_responder([](const RecordedRequest&) {
        return CannedResponse{429,
                              R"({"ok":false,"error_code":429,"description":"Too Many Requests: )"
                              R"(retry after 17","parameters":{"retry_after":17}})",
                              {}};
    });
    enqueue("a", -1001, "hello");
    const auto before = now();
    sender()->run_once();
    const auto row = rows().at("a");
    EXPECT_EQ(row.status, "pending");
    EXPECT_EQ(row.attempts, 1);
    EXPECT_GE(row.next_attempt_at, before + 17s);
    EXPECT_LE(row.next_attempt_at, now() + 18s);
    EXPECT_EQ(row.last_error, "telegram 429: Too Many Requests: retry after 17");
}

TEST_P(OutboxSending, ARefusalIsDeadAtOnce) {
    api_.set_responder([](const RecordedRequest&) {
        return CannedResponse{
            403,
            R"({"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"})",
            {}};
    });
    enqueue("a", 5012345678, "hello");
    sender()->run_once();
    const auto row = rows().at("a");
    EXPECT_EQ(row.status, "dead");
    EXPECT_EQ(row.attempts, 1);
    EXPECT_EQ(row.last_error, "telegram 403: Forbidden: bot was blocked by the user");
}

TEST_P(OutboxSending, ServerErrorsBackOffAndDeadLetterAfterMaxAttempts) {
    api_.set_responder([](const RecordedRequest&) {
        return CannedResponse{502, "<html>Bad Gateway</html>", {}};
    });
    enqueue("a", -1001, "hello");
    OutboxSenderOptions options;
    options.max_attempts = 3;
    options.backoff_initial = 10s;
    auto s = sender(options);
    const auto before = now();
    s->run_once();
    auto row = rows().at("a");
    EXPECT_EQ(row.status, "pending");
    EXPECT_EQ(row.last_error, "telegram 502");
    EXPECT_GE(row.next_attempt_at, before + 5s) << "half of the backoff is fixed";
    EXPECT_LE(row.next_attempt_at, now() + 10s);
    EXPECT_EQ(s->run_once(), 0U) << "not due before its backoff";
    make_due();
    s->run_once();
    make_due();
    s->run_once();
    row = rows().at("a");
    EXPECT_EQ(row.status, "dead");
    EXPECT_EQ(row.attempts, 3);
    EXPECT_EQ(api_.count(), 3U);
    make_due();
    EXPECT_EQ(s->run_once(), 0U) << "a dead letter stays dead until an operator retries it";
}

TEST_P(OutboxSending, AnUnreachableApiIsRetried) {
    enqueue("a", -1001, "hello");
    // A port nothing listens on: the recorder's, after it is gone.
    std::string closed;
    {
        ApiRecorder gone;
        closed = gone.base_url();
    }
    sender({}, closed)->run_once();
    const auto row = rows().at("a");
    EXPECT_EQ(row.status, "pending");
    EXPECT_EQ(row.attempts, 1);
    EXPECT_NE(row.last_error.find("telegram: connect"), std::string::npos) << row.last_error;
    EXPECT_EQ(row.last_error.find(kToken), std::string::npos) << "the token never shows";
}

TEST_P(OutboxSending, ARunningSenderWakesOnNotify) {
    OutboxSenderOptions options;
    options.poll_interval = 30s;
    auto s = sender(options);
    s->start();
    std::this_thread::sleep_for(100ms);  // the first poll found nothing and sleeps
    enqueue("a", -1001, "hello");
    s->notify();
    EXPECT_TRUE(api_.wait_for(1, 5s)) << "notify() must not wait for the next poll";
    s->stop();
    EXPECT_EQ(rows().at("a").status, "sent");
}

// A "file" row is made at send time (FileRows::make hands the file to the client) and removed
// after; when the platform refuses it, its fallback is queued in the same record and sent next.
TEST_P(OutboxSending, FileRowIsMadeAtSendTimeAndARefusalQueuesItsFallback) {
    inmaek::test::TempDir dir;
    const auto path = dir.path() / "made.csv";
    int made = 0;
    inmaek::bot::outbound::FileRows files;
    files.make = [&](const OutboxMessage&, const auto& send) {
        ++made;
        std::ofstream{path, std::ios::binary} << "id\r\n1\r\n";
        auto delivery = send({path, "made.csv", 7, "text/csv"});
        std::filesystem::remove(path);
        return delivery;
    };
    files.fallback = [](const OutboxMessage& row) {
        OutboxMessage link = row;
        link.kind = "reply";
        link.dedupe_key = "link:" + std::to_string(row.id);
        link.payload = nlohmann::json{{"method", "sendMessage"},
                                      {"chat_id", -1001},
                                      {"text", "download: https://x/exports/t"}}
                           .dump();
        return std::optional{link};
    };
    api_.set_responder([](const RecordedRequest& request) {
        if (request.target.ends_with("/sendDocument")) {
            return CannedResponse{400, R"({"ok":false,"description":"Bad Request: too big"})", {}};
        }
        return CannedResponse{};
    });
    OutboxMessage row;
    row.platform = "telegram";
    row.destination = "-1001";
    row.kind = "file";
    row.dedupe_key = "file:1";
    row.payload = R"({"export":"leads","chat_id":"-1001","caption":"Leads"})";
    row.next_attempt_at = now();
    row.created_at = now();
    db_->transact([&](UnitOfWork& work) { work.outbox().enqueue(row); });

    auto s = sender();
    s->handle_files(files);
    EXPECT_EQ(s->run_once(), 1U);
    EXPECT_EQ(made, 1);
    ASSERT_EQ(api_.count(), 1U);
    EXPECT_TRUE(api_.requests()[0].body.find("id\r\n1\r\n") != std::string::npos);
    EXPECT_FALSE(std::filesystem::exists(path));
    auto by_key = rows();
    EXPECT_EQ(by_key["file:1"].status, "dead");
    ASSERT_EQ(by_key.count("link:" + std::to_string(by_key["file:1"].id)), 1U)
        << "the fallback is queued with the dead row";

    std::this_thread::sleep_for(1100ms);  // Telegram spaces messages to one chat by a second
    EXPECT_EQ(s->run_once(), 1U);
    ASSERT_EQ(api_.count(), 2U);
    EXPECT_TRUE(api_.requests()[1].target.ends_with("/sendMessage"));
    EXPECT_EQ(rows()["link:" + std::to_string(by_key["file:1"].id)].status, "sent");
}

}  // namespace
