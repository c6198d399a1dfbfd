// Replies through the Telegram Bot API (telegram.reply_mode = api), end to end: the real binary,
// a real HTTP server playing api.telegram.org (test::ApiRecorder), on SQLite and PostgreSQL.
// The webhook is acknowledged empty; the reply is an outbox row written with the change and
// delivered once, across redeliveries and a restart.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

#include "tests/e2e/harness.hpp"
#include "tests/e2e/server_process.hpp"
#include "tests/support/api_recorder.hpp"
#include "tests/support/postgres.hpp"

namespace inmaek::e2e {
namespace {

using namespace std::chrono_literals;

constexpr auto kBotToken = "7000000001:AAE-test_token";

class TelegramApiReplies : public ::testing::TestWithParam<std::string> {
protected:
    void TearDown() override {
        if (HasFailure() && server_) {
            std::cerr << "---- inmaek log ----\n" << server_->log() << "--------------------\n";
        }
        server_.reset();
    }

    Environment api_mode() const {
        return {{"INMAEK_TELEGRAM_REPLY_MODE", "api"},
                {"INMAEK_TELEGRAM_BOT_TOKEN", kBotToken},
                {"INMAEK_TELEGRAM_API_BASE_URL", api_.base_url()},
                {"INMAEK_OUTBOX_BACKOFF_INITIAL_SECONDS", "1"},
                {"INMAEK_OUTBOX_POLL_INTERVAL_MS", "100"}};
    }

    bool start(const Environment& extra = {}) {
        auto env = api_mode();
        for (const auto& [name, value] : extra) env[name] = value;
        server_ = launch_server(database_.url(), env, dir_.path());
        return wait_listening(*server_);
    }

    std::int64_t number(const std::string& sql) const { return query_number(database_.url(), sql); }

    /// The texts of the sendMessage calls the API received with a 200.
    std::vector<std::string> texts() const {
        std::vector<std::string> texts;
        for (const auto& request : api_.requests()) {
            const auto body = nlohmann::json::parse(request.body, nullptr, false);
            if (body.is_object()) texts.push_back(body.value("text", ""));
        }
        return texts;
    }

    test::TempDir dir_;
    test::FreshDatabase database_{GetParam()};
    test::ApiRecorder api_;
    std::unique_ptr<ServerProcess> server_;
};

TEST_P(TelegramApiReplies, ReplyGoesThroughSendMessageOnceAcrossRedeliveries) {
    ASSERT_TRUE(start());
    const auto update = telegram_fixture("korean_meeting.json");
    HttpClient client{server_->port()};
    for (int delivery = 1; delivery <= 3; ++delivery) {
        const auto response = client.post(kTelegramHook, update);
        ASSERT_EQ(response.status, 200U) << response.error << response.body;
        EXPECT_EQ(response.body, "") << "the reply goes through the API, not the response";
    }
    ASSERT_TRUE(api_.wait_for(1, 10s)) << "no sendMessage arrived";
    std::this_thread::sleep_for(1500ms);  // time for a wrong second send to show
    const auto requests = api_.requests();
    ASSERT_EQ(requests.size(), 1U) << "three deliveries of one update, one reply";
    EXPECT_EQ(requests[0].target, std::string{"/bot"} + kBotToken + "/sendMessage");
    const auto call = nlohmann::json::parse(requests[0].body);
    EXPECT_EQ(call["chat_id"], -1001234567890);
    EXPECT_EQ(call["parse_mode"], "HTML");
    const auto text = call.value("text", "");
    EXPECT_NE(text.find("회의 #1"), std::string::npos) << text;
    EXPECT_NE(text.find("카카오"), std::string::npos) << text;

    EXPECT_EQ(number("SELECT COUNT(*) FROM meetings"), 1);
    EXPECT_EQ(number("SELECT COUNT(*) FROM outbox WHERE status = 'sent'"), 1);
    EXPECT_EQ(number("SELECT COUNT(*) FROM outbox"), 1);
    EXPECT_EQ(server_->log().find(kBotToken), std::string::npos) << "the token reached the log";

    // The operator's view.
    const auto listed = run_command(
        INMAEK_BINARY, {"outbox", "list"},
        {{"INMAEK_DATABASE_URL", database_.url()}, {"INMAEK_LOG_LEVEL", "warn"}}, dir_.path(), "");
    ASSERT_EQ(listed.exit_status, 0) << listed.out << listed.err;
    EXPECT_NE(listed.out.find("outbox: 1 sent"), std::string::npos) << listed.out;
    EXPECT_NE(listed.out.find("-1001234567890"), std::string::npos) << listed.out;
}

// The API fails while the first server runs; the server stops with the reply still queued; the
// next one delivers it once the API is back: nothing lost, nothing sent twice.
TEST_P(TelegramApiReplies, QueuedReplySurvivesARestart) {
    api_.set_responder([](const test::RecordedRequest&) {
        return test::CannedResponse{502, "Bad Gateway", {}};
    });
    ASSERT_TRUE(start());
    const auto response = post(server_->port(), kTelegramHook, telegram_update(810'001, "/도움말"));
    ASSERT_EQ(response.status, 200U) << response.error << response.body;
    ASSERT_TRUE(api_.wait_for(1, 10s)) << "the first attempt never came";
    EXPECT_EQ(server_->stop(), 0) << server_->log();
    const auto failed_attempts = api_.count();
    EXPECT_EQ(number("SELECT COUNT(*) FROM outbox WHERE status = 'pending' AND attempts >= 1"), 1)
        << "the failed reply waits in the table";
    EXPECT_EQ(number("SELECT COUNT(*) FROM outbox WHERE claimed_until IS NOT NULL"), 0)
        << "a stopping server gives its claims back";

    api_.set_responder({});  // Telegram's ok from now on
    ASSERT_TRUE(start());
    ASSERT_TRUE(api_.wait_for(failed_attempts + 1, 15s)) << "the queued reply was not sent";
    std::this_thread::sleep_for(1500ms);
    EXPECT_EQ(api_.count(), failed_attempts + 1) << "sent more than once after success";
    EXPECT_EQ(number("SELECT COUNT(*) FROM outbox WHERE status = 'sent'"), 1);
    const auto all = texts();
    ASSERT_FALSE(all.empty());
    EXPECT_FALSE(all.back().empty());
}

// A manager subscribes the chat; the next morning at 09:00 Seoul time (the scheduler's clock
// is set just before it) the summary of the seed day arrives through sendMessage, once.
TEST_P(TelegramApiReplies, TheDailySummaryArrivesAtNineOnce) {
    ASSERT_TRUE(start({{"INMAEK_TELEGRAM_REPLY_MODE", "webhook"},
                       {"INMAEK_SCHEDULER_CLOCK_START", "2025-02-05T08:59:57+09:00"},
                       {"INMAEK_SCHEDULER_TICK_SECONDS", "1"}}));
    HttpClient client{server_->port()};
    // The seed story's meeting (2025-02-04 11:00, 카카오 × OpenAI) and the subscription, both
    // written on 2025-02-04 (the fixture's date); replies ride the webhook responses.
    ASSERT_EQ(client.post(kTelegramHook, telegram_fixture("korean_meeting.json")).status, 200U);
    const auto subscribed =
        client.post(kTelegramHook, telegram_update(820'001, "/구독 매일 09:00"));
    ASSERT_EQ(subscribed.status, 200U) << subscribed.body;
    EXPECT_NE(reply_text(subscribed).find("매일 09:00"), std::string::npos) << subscribed.body;
    EXPECT_EQ(api_.count(), 0U) << "nothing is pushed before nine";

    ASSERT_TRUE(api_.wait_for(1, 15s)) << "no summary arrived";
    std::this_thread::sleep_for(2500ms);  // more ticks: a second summary would show now
    const auto all = texts();
    ASSERT_EQ(all.size(), 1U) << "one summary a morning";
    const auto& summary = all[0];
    EXPECT_NE(summary.find("카카오"), std::string::npos) << summary;
    EXPECT_NE(summary.find("OpenAI"), std::string::npos) << summary;
    EXPECT_NE(summary.find("샘 알트먼"), std::string::npos) << summary;
    EXPECT_EQ(number("SELECT COUNT(*) FROM summary_runs WHERE status = 'sent'"), 1);
    EXPECT_EQ(number("SELECT COUNT(*) FROM outbox WHERE kind = 'summary' AND status = 'sent'"), 1);
}

// A busy day's summary is longer than a Telegram message: it arrives as several messages, each
// within 4,096 characters, titled (1/n) … (n/n) and delivered in that order, once.
TEST_P(TelegramApiReplies, ALongSummaryArrivesInPartsInOrder) {
    ASSERT_TRUE(start({{"INMAEK_TELEGRAM_REPLY_MODE", "webhook"},
                       {"INMAEK_SCHEDULER_CLOCK_START", "2025-02-05T08:59:40+09:00"},
                       {"INMAEK_SCHEDULER_TICK_SECONDS", "1"}}));
    HttpClient client{server_->port()};
    std::int64_t update = 830'000;
    const auto say = [&](const std::string& text) {
        const auto response = client.post(kTelegramHook, telegram_update(++update, text));
        ASSERT_EQ(response.status, 200U) << response.body;
        EXPECT_EQ(reply_text(response).find("⚠"), std::string::npos) << reply_text(response);
    };
    for (int i = 0; i < 12; ++i) {
        const auto n = std::to_string(i);
        say("/meet 2025-02-04 " + std::to_string(9 + i % 8) +
            ":00 @Naver @\"LG AI Research\" "
            ": reasoning models for Korean startups, session " +
            n);
        say("/meet 2025-02-05 " + std::to_string(9 + i % 8) +
            ":30 @Kakao @OpenAI "
            ": KakaoTalk × ChatGPT integration review, round " +
            n);
        say("/lead add \"Opportunity number " + n + " with a long title\" @Naver stage:proposal");
        say("/todo 2025-02-05 send the Builder Lab attendees the deck, item " + n);
        say("/todo 2025-02-03 follow up on the pricing question from session " + n);
    }
    say("/구독 매일 09:00");

    ASSERT_TRUE(api_.wait_for(2, 40s)) << "the summary did not arrive in parts";
    std::this_thread::sleep_for(2500ms);  // time for the last parts, and for wrong repeats
    // The summary's messages; the follow-ups due that morning are reminded too.
    std::vector<std::string> all;
    for (const auto& text : texts()) {
        if (text.find("📊") != std::string::npos) all.push_back(text);
    }
    ASSERT_GE(all.size(), 2U);
    const auto parts = std::to_string(all.size());
    for (std::size_t i = 0; i < all.size(); ++i) {
        const auto characters =
            std::count_if(all[i].begin(), all[i].end(), [](char c) { return (c & 0xC0) != 0x80; });
        EXPECT_LE(characters, 4096) << all[i];
        const auto title = all[i].substr(0, all[i].find('\n'));
        EXPECT_NE(title.find("(" + std::to_string(i + 1) + "/" + parts + ")"), std::string::npos)
            << "part " << i + 1 << " arrived out of order: " << title;
    }
    EXPECT_NE(all.front().find("Naver"), std::string::npos) << all.front();
    EXPECT_EQ(number("SELECT COUNT(*) FROM summary_runs WHERE status = 'sent'"), 1);
    EXPECT_EQ(number("SELECT COUNT(*) FROM outbox WHERE kind = 'summary' AND status = 'sent'"),
              static_cast<std::int64_t>(all.size()));
}

TEST_P(TelegramApiReplies, ApiModeWithoutABotTokenIsAConfigurationError) {
    const auto result = run_command(
        INMAEK_BINARY, {"serve", "--listen", "127.0.0.1:0"},
        {{"INMAEK_DATABASE_URL", database_.url()}, {"INMAEK_TELEGRAM_REPLY_MODE", "api"}},
        dir_.path(), "", 20s);
    EXPECT_EQ(result.exit_status, 78) << result.out << result.err;
    EXPECT_NE(result.err.find("telegram.bot_token"), std::string::npos) << result.err;
}

INSTANTIATE_TEST_SUITE_P(Backends, TelegramApiReplies, ::testing::ValuesIn(test::backends()),
                         test::backend_name);

}  // namespace
}  // namespace inmaek::e2e
