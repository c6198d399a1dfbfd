// Slack end to end: the real binary with [slack] enabled, requests signed with the signing
// secret as Slack signs them, and a real HTTP server playing slack.com/api (test::ApiRecorder),
// on SQLite and PostgreSQL. Slash commands are answered in the response; events through
// chat.postMessage from the outbox, once however often Slack redelivers them.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <future>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "tests/e2e/harness.hpp"
#include "tests/e2e/server_process.hpp"
#include "tests/support/api_recorder.hpp"
#include "tests/support/postgres.hpp"

namespace inmaek::e2e {
namespace {

using namespace std::chrono_literals;

constexpr auto kSigningSecret = "e2e_slack_signing_secret_0123456789";
constexpr auto kBotToken = "xoxb-1-e2e-test-token";
constexpr auto kEvents = "/hooks/slack/events";
constexpr auto kCommands = "/hooks/slack/commands";

/// "v0=" + hex(HMAC-SHA256(secret, "v0:" + timestamp + ":" + body)).
std::string slack_signature(std::string_view secret, const std::string& timestamp,
                            std::string_view body) {
    return "v0=" + hmac_sha256_hex(secret, "v0:" + timestamp + ":" + std::string{body});
}

std::map<std::string, std::string> signed_headers(std::string_view body, std::string_view type,
                                                  std::string_view secret = kSigningSecret) {
    const auto timestamp = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                              std::chrono::system_clock::now().time_since_epoch())
                                              .count());
    return {{"X-Slack-Request-Timestamp", timestamp},
            {"X-Slack-Signature", slack_signature(secret, timestamp, body)},
            {"Content-Type", std::string{type}}};
}

constexpr auto kForm = "application/x-www-form-urlencoded";
constexpr auto kJson = "application/json";

// "/inmaek meet 2025-02-04 11:00 @카카오 @OpenAI : 카카오톡 × ChatGPT 연동 논의", as Slack encodes
// it.
constexpr auto kMeetCommand =
    "token=x&team_id=T0CRM0001&team_domain=partners&channel_id=C0PARTNER1&channel_name=partners"
    "&user_id=U0KIMMINJ&user_name=minji.kim&command=%2Finmaek"
    "&text=meet+2025-02-04+11%3A00+%40%EC%B9%B4%EC%B9%B4%EC%98%A4+%40OpenAI+%3A+"
    "%EC%B9%B4%EC%B9%B4%EC%98%A4%ED%86%A1+%C3%97+ChatGPT+%EC%97%B0%EB%8F%99+%EB%85%BC%EC%9D%98"
    "&api_app_id=A0CRM0001&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT0CRM0001%2F1"
    "%2Fabc&trigger_id=1111.2222.aaaa";

std::string mention_event(std::string_view event_id, std::string_view text) {
    return nlohmann::json{
        {"token", "x"},
        {"team_id", "T0CRM0001"},
        {"api_app_id", "A0CRM0001"},
        {"event",
         {{"type", "app_mention"},
          {"channel", "C0PARTNER1"},
          {"user", "U0KIMMINJ"},
          {"text", "<@U0BOT0001> " + std::string{text}},
          {"ts", "1738634400.000200"},
          {"event_ts", "1738634400.000200"}}},
        {"type", "event_callback"},
        {"event_id", event_id},
        {"event_time", 1738634400},
        {"authorizations",
         {{{"team_id", "T0CRM0001"}, {"user_id", "U0BOT0001"}, {"is_bot", true}}}}}
        .dump();
}

/// slack.com: users.info knows Minji; chat.postMessage says ok.
test::CannedResponse slack_api(const test::RecordedRequest& request) {
    if (request.target.starts_with("/api/users.info")) {
        return test::CannedResponse{
            200,
            R"({"ok":true,"user":{"id":"U0KIMMINJ","name":"minji.kim","profile":{"display_name":"김민지"}}})",
            {}};
    }
    return test::CannedResponse{200, R"({"ok":true,"channel":"C0PARTNER1","ts":"1.2"})", {}};
}

class SlackEndToEnd : public MessengerEndToEnd {
protected:
    SlackEndToEnd() : MessengerEndToEnd(slack_api, {kSigningSecret, kBotToken}) {}

    void SetUp() override {
        start({{"INMAEK_SLACK_ENABLED", "true"},
               {"INMAEK_SLACK_SIGNING_SECRET", kSigningSecret},
               {"INMAEK_SLACK_BOT_TOKEN", kBotToken},
               {"INMAEK_SLACK_API_BASE_URL", api_.base_url()}});
    }

    /// The requests to chat.postMessage (users.info look-ups left out).
    std::vector<test::RecordedRequest> posts() const {
        std::vector<test::RecordedRequest> posts;
        for (auto& request : api_.requests()) {
            if (request.target == "/api/chat.postMessage") posts.push_back(std::move(request));
        }
        return posts;
    }
};

TEST_P(SlackEndToEnd, EchoesTheUrlVerificationChallenge) {
    const std::string body =
        R"({"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"})";
    const auto response = post(server_->port(), kEvents, body, signed_headers(body, kJson));
    ASSERT_EQ(response.status, 200U) << response.error << response.body;
    EXPECT_EQ(response.body, "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
    // Only the three Slack paths are served.
    EXPECT_EQ(post(server_->port(), "/hooks/slack", body, signed_headers(body, kJson)).status,
              404U);
    EXPECT_EQ(post(server_->port(), "/hooks/slack/other", body, signed_headers(body, kJson)).status,
              404U);
    EXPECT_EQ(post(server_->port(), "/hooks/slackevents", body, signed_headers(body, kJson)).status,
              404U);
}

TEST_P(SlackEndToEnd, AnswersASlashCommandInTheChannelAndStoresIt) {
    const auto response =
        post(server_->port(), kCommands, kMeetCommand, signed_headers(kMeetCommand, kForm));
    ASSERT_EQ(response.status, 200U) << response.error << response.body;
    const auto answer = nlohmann::json::parse(response.body, nullptr, false);
    ASSERT_TRUE(answer.is_object()) << response.body;
    EXPECT_EQ(answer.value("response_type", ""), "in_channel") << response.body;
    const auto text = answer.value("text", "");
    EXPECT_NE(text.find("#1"), std::string::npos) << text;
    EXPECT_NE(text.find("카카오"), std::string::npos) << text;
    ASSERT_TRUE(answer.contains("blocks") && answer["blocks"].is_array()) << response.body;
    EXPECT_EQ(number("SELECT COUNT(*) FROM meetings"), 1);
    EXPECT_EQ(number("SELECT COUNT(*) FROM outbox"), 0) << "answered in the response, not pushed";

    // A mistake is for the one who typed it.
    const std::string wrong =
        "team_id=T0CRM0001&channel_id=C0PARTNER1&channel_name=partners&user_id=U0KIMMINJ"
        "&user_name=minji.kim&command=%2Fmeet&text=&trigger_id=2222.3333.bbbb";
    const auto refused = post(server_->port(), kCommands, wrong, signed_headers(wrong, kForm));
    ASSERT_EQ(refused.status, 200U) << refused.body;
    EXPECT_EQ(nlohmann::json::parse(refused.body).value("response_type", ""), "ephemeral")
        << refused.body;
    EXPECT_EQ(number("SELECT COUNT(*) FROM meetings"), 1);
}

TEST_P(SlackEndToEnd, RepliesToAnEventThroughChatPostMessageOnceAcrossRetries) {
    const auto body = mention_event("Ev0E2E00001", "/meet 2025-02-04 @카카오 : 연동 논의");
    HttpClient client{server_->port()};
    for (int delivery = 0; delivery < 3; ++delivery) {
        auto headers = signed_headers(body, kJson);
        if (delivery > 0) {
            headers["X-Slack-Retry-Num"] = std::to_string(delivery);
            headers["X-Slack-Retry-Reason"] = "http_timeout";
        }
        const auto response = client.post(kEvents, body, headers);
        ASSERT_EQ(response.status, 200U) << response.error << response.body;
        EXPECT_EQ(response.body, "") << "events are answered through chat.postMessage";
    }
    ASSERT_TRUE(api_.wait_for(2, 10s)) << "no chat.postMessage arrived";
    std::this_thread::sleep_for(1500ms);  // time for a wrong second send to show
    const auto requests = posts();
    ASSERT_EQ(requests.size(), 1U) << "three deliveries of one event, one reply";
    EXPECT_EQ(api_.count(), 2U) << "one users.info look-up, cached across the retries";
    EXPECT_EQ(requests[0].target, "/api/chat.postMessage");
    EXPECT_EQ(requests[0].headers.at("authorization"), std::string{"Bearer "} + kBotToken);
    const auto call = nlohmann::json::parse(requests[0].body);
    EXPECT_EQ(call["channel"], "C0PARTNER1");
    EXPECT_NE(call.value("text", "").find("카카오"), std::string::npos) << requests[0].body;
    EXPECT_TRUE(call["blocks"].is_array());
    EXPECT_EQ(number("SELECT COUNT(*) FROM meetings"), 1);
    EXPECT_EQ(awaited_number("SELECT COUNT(*) FROM outbox WHERE status = 'sent'", 1), 1);
    EXPECT_EQ(number("SELECT COUNT(*) FROM users WHERE platform_user_id = 'U0KIMMINJ' AND "
                     "display_name = '김민지'"),
              1)
        << "the sender is named through users.info";
}

TEST_P(SlackEndToEnd, AsksSlackForANameWithoutHoldingTheServer) {
    // users.info answers only after the server has answered a health check sent while the
    // look-up is pending. Were the look-up made on the (single) I/O thread, the check would wait
    // for it, users.info's own timeout would strike first and the sender would stay an id.
    struct Signals {
        std::promise<void> asked;    // users.info is waiting
        std::promise<void> checked;  // the health check was answered
        std::once_flag once;
    };
    auto signals = std::make_shared<Signals>();
    auto health_answered = signals->checked.get_future().share();
    api_.set_responder([signals, health_answered](const test::RecordedRequest& request) {
        if (request.target.starts_with("/api/users.info")) {
            std::call_once(signals->once, [&] { signals->asked.set_value(); });
            health_answered.wait_for(5s);
        }
        return slack_api(request);
    });
    const auto body = mention_event("Ev0E2E0HOLD", "/meet 2025-02-04 @카카오 : 연동 논의");
    HttpResponse event;
    std::thread sender{
        [&] { event = post(server_->port(), kEvents, body, signed_headers(body, kJson)); }};
    const bool asked = signals->asked.get_future().wait_for(10s) == std::future_status::ready;
    const auto health = get(server_->port(), "/healthz");
    signals->checked.set_value();
    sender.join();
    ASSERT_TRUE(asked) << "no users.info look-up";
    EXPECT_EQ(health.status, 200U) << health.error;
    ASSERT_EQ(event.status, 200U) << event.error << event.body;
    EXPECT_EQ(number("SELECT COUNT(*) FROM users WHERE platform_user_id = 'U0KIMMINJ' AND "
                     "display_name = '김민지'"),
              1)
        << "the look-up was cut short";
    EXPECT_EQ(number("SELECT COUNT(*) FROM meetings"), 1);
}

TEST_P(SlackEndToEnd, ABadSignatureIs401AndStoresNothing) {
    const auto body = mention_event("Ev0E2E00002", "/meet 2025-02-04 @카카오 : 연동 논의");
    auto forged = signed_headers(body, kJson, "not_the_signing_secret");
    EXPECT_EQ(post(server_->port(), kEvents, body, forged).status, 401U);
    auto stale = signed_headers(body, kJson);
    const auto old = std::to_string(std::stoll(stale["X-Slack-Request-Timestamp"]) - 301);
    stale["X-Slack-Request-Timestamp"] = old;
    stale["X-Slack-Signature"] = slack_signature(kSigningSecret, old, body);
    EXPECT_EQ(post(server_->port(), kEvents, body, stale).status, 401U);
    EXPECT_EQ(post(server_->port(), kCommands, kMeetCommand, {}).status, 401U);
    EXPECT_EQ(number("SELECT COUNT(*) FROM meetings"), 0);
    EXPECT_EQ(number("SELECT COUNT(*) FROM inbound_events"), 0);
    EXPECT_EQ(number("SELECT COUNT(*) FROM outbox"), 0);
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(api_.count(), 0U);
}

TEST(SlackConfig, EnabledWithoutItsSecretsIsAConfigurationErrorNamingTheKey) {
    auto result =
        run_configured({"serve", "--listen", "127.0.0.1:0"},
                       {{"INMAEK_SLACK_ENABLED", "true"}, {"INMAEK_SLACK_BOT_TOKEN", kBotToken}});
    EXPECT_EQ(result.exit_status, 78) << result.out << result.err;
    EXPECT_NE(result.err.find("slack.signing_secret"), std::string::npos) << result.err;
    result = run_configured({"serve", "--listen", "127.0.0.1:0"},
                            {{"INMAEK_SLACK_ENABLED", "true"},
                             {"INMAEK_SLACK_SIGNING_SECRET", kSigningSecret},
                             {"INMAEK_SLACK_BOT_TOKEN", "not-a-slack-token"}});
    EXPECT_EQ(result.exit_status, 78) << result.out << result.err;
    EXPECT_NE(result.err.find("slack.bot_token"), std::string::npos) << result.err;
    EXPECT_EQ(result.err.find("not-a-slack-token"), std::string::npos) << "a secret was echoed";
}

TEST(SlackConfig, DescribeShowsSecretsOnlyAsSet) {
    const auto result = run_configured({"config"}, {{"INMAEK_SLACK_ENABLED", "true"},
                                                    {"INMAEK_SLACK_SIGNING_SECRET", kSigningSecret},
                                                    {"INMAEK_SLACK_BOT_TOKEN", kBotToken}});
    ASSERT_EQ(result.exit_status, 0) << result.out << result.err;
    EXPECT_NE(result.out.find("slack      enabled, signing secret (set), bot token (set)"),
              std::string::npos)
        << result.out;
    EXPECT_EQ(result.out.find(kSigningSecret), std::string::npos);
    EXPECT_EQ(result.out.find(kBotToken), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, SlackEndToEnd, ::testing::ValuesIn(test::backends()),
                         test::backend_name);

}  // namespace
}  // namespace inmaek::e2e
