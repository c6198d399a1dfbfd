// SlackClient against a real local HTTP server standing in for slack.com (test::ApiRecorder):
// the chat.postMessage request it makes, and what each answer means for the outbox row.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "bot/http_client.hpp"
#include "bot/outbound/slack_client.hpp"
#include "tests/support/api_recorder.hpp"

namespace {

using inmaek::bot::HttpClient;
using inmaek::bot::HttpClientOptions;
using inmaek::bot::outbound::Delivery;
using inmaek::bot::outbound::SlackClient;
using inmaek::bot::outbound::SlackClientOptions;
using inmaek::storage::OutboxMessage;
using inmaek::test::ApiRecorder;
using inmaek::test::CannedResponse;
using inmaek::test::RecordedRequest;
using namespace std::chrono_literals;

constexpr auto kToken = "xoxb-test-token";
constexpr auto kPayload =
    R"({"text":"Daily summary","blocks":[{"type":"section","text":{"type":"mrkdwn","text":"Daily summary"}}],"channel":"C0123"})";

OutboxMessage row(std::string payload = kPayload) {
    OutboxMessage message;
    message.platform = "slack";
    message.destination = "C0123";
    message.kind = "reply";
    message.payload = std::move(payload);
    return message;
}

class SlackClientTest : public ::testing::Test {
protected:
    Delivery deliver(CannedResponse answer) {
        api_.set_responder([answer](const RecordedRequest&) { return answer; });
        auto request = client_.request(row());
        EXPECT_TRUE(request.has_value());
        return client_.interpret(http_.send(std::move(*request)));
    }

    ApiRecorder api_;
    HttpClient http_{HttpClientOptions{}};
    SlackClient client_{SlackClientOptions{kToken, api_.base_url()}};
};

TEST_F(SlackClientTest, PostsTheMessageAsWebApiDoes) {
    // @slack/web-api 8.2.0 (platforms.md §10.2) sends POST /api/chat.postMessage with
    // "Authorization: Bearer <token>"; it form-encodes the arguments, we send the equivalent JSON
    // body that chat.postMessage documents (§2.4), with its charset.
    const auto delivery =
        deliver(CannedResponse{200, R"({"ok":true,"channel":"C0123","ts":"1.2"})", {}});
    EXPECT_EQ(delivery.outcome, Delivery::Outcome::sent);
    ASSERT_EQ(api_.count(), 1U);
    const auto request = api_.requests().front();
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.target, "/api/chat.postMessage");
    EXPECT_EQ(request.headers.at("authorization"), "Bearer xoxb-test-token");
    EXPECT_EQ(request.headers.at("content-type"), "application/json; charset=utf-8");
    const auto body = nlohmann::json::parse(request.body);
    EXPECT_EQ(body["channel"], "C0123");
    EXPECT_EQ(body["text"], "Daily summary");
    EXPECT_TRUE(body["blocks"].is_array());
}

TEST_F(SlackClientTest, RetriesAfterWhatA429Says) {
    const auto delivery = deliver(
        CannedResponse{429, R"({"ok":false,"error":"ratelimited"})", {{"Retry-After", "7"}}});
    EXPECT_EQ(delivery.outcome, Delivery::Outcome::retry);
    ASSERT_TRUE(delivery.retry_after);
    EXPECT_EQ(*delivery.retry_after, 7s);
}

TEST_F(SlackClientTest, RefusesMessagesSlackWillNeverTake) {
    for (const std::string error :
         {"channel_not_found", "not_in_channel", "is_archived", "invalid_blocks", "msg_too_long"}) {
        const auto delivery =
            deliver(CannedResponse{200, R"({"ok":false,"error":")" + error + R"("})", {}});
        EXPECT_EQ(delivery.outcome, Delivery::Outcome::refuse) << error;
        EXPECT_NE(delivery.error.find(error), std::string::npos);
    }
}

TEST_F(SlackClientTest, RetriesRateLimitsUnknownErrorsAndServerFailures) {
    for (const auto& answer : {CannedResponse{200, R"({"ok":false,"error":"ratelimited"})", {}},
                               CannedResponse{200, R"({"ok":false,"error":"invalid_auth"})", {}},
                               CannedResponse{200, R"({"ok":false,"error":"something_new"})", {}},
                               CannedResponse{200, "not json", {}}, CannedResponse{500, "", {}},
                               CannedResponse{503, R"({"ok":false})", {}}}) {
        const auto delivery = deliver(answer);
        EXPECT_EQ(delivery.outcome, Delivery::Outcome::retry) << answer.status << answer.body;
        EXPECT_EQ(delivery.error.find(kToken), std::string::npos);
    }
}

TEST_F(SlackClientTest, RetriesWhenTheApiIsUnreachable) {
    std::string base;
    {
        ApiRecorder gone;
        base = gone.base_url();
    }
    const SlackClient client{SlackClientOptions{kToken, base}};
    auto request = client.request(row());
    ASSERT_TRUE(request);
    const auto delivery = client.interpret(http_.send(std::move(*request)));
    EXPECT_EQ(delivery.outcome, Delivery::Outcome::retry);
    EXPECT_EQ(delivery.error.find(kToken), std::string::npos);
}

TEST_F(SlackClientTest, RefusesAPayloadThatIsNoChatPostMessage) {
    EXPECT_FALSE(client_.request(row("not json")).has_value());
    EXPECT_FALSE(client_.request(row(R"({"text":"no channel"})")).has_value());
}

TEST_F(SlackClientTest, SpacesMessagesToOneChannelBySecond) {
    EXPECT_EQ(client_.limits().per_destination, 1000ms);
}

TEST(SlackClient, RefusesABaseUrlThatIsNotHttp) {
    EXPECT_THROW(SlackClient(SlackClientOptions{kToken, "ftp://slack.com"}), std::invalid_argument);
}

}  // namespace
