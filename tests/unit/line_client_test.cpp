// LineClient against a real local HTTP server standing in for api.line.me (test::ApiRecorder):
// the reply and push requests it makes, the fall-back from a refused reply token to a push, the
// retry key that stays with a row, and what each answer means for the outbox row.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <regex>

#include "bot/http_client.hpp"
#include "bot/outbound/line_client.hpp"
#include "tests/support/api_recorder.hpp"

namespace {

using inmaek::bot::HttpClient;
using inmaek::bot::HttpClientOptions;
using inmaek::bot::outbound::Delivery;
using inmaek::bot::outbound::LineClient;
using inmaek::bot::outbound::LineClientOptions;
using inmaek::storage::OutboxMessage;
using inmaek::test::ApiRecorder;
using inmaek::test::CannedResponse;
using inmaek::test::RecordedRequest;
using namespace std::chrono_literals;

constexpr auto kToken = "line-test-channel-access-token";
constexpr auto kChat = "Cabcdef0123456789abcdef0123456789";
constexpr auto kReplyPayload =
    R"({"to":"Cabcdef0123456789abcdef0123456789","messages":[{"type":"text","text":"pong"}],"replyToken":"38ef843bde154d9b91c21320ffd17a0f"})";
constexpr auto kPushPayload =
    R"({"to":"Cabcdef0123456789abcdef0123456789","messages":[{"type":"text","text":"Daily summary"}]})";
const CannedResponse kSent{200, R"({"sentMessages":[{"id":"461230966842064897"}]})", {}};

OutboxMessage row(std::string payload, std::string dedupe_key = "reply:line:01H810YECX") {
    OutboxMessage message;
    message.id = 7;
    message.platform = "line";
    message.destination = kChat;
    message.kind = "reply";
    message.dedupe_key = std::move(dedupe_key);
    message.payload = std::move(payload);
    return message;
}

class LineClientTest : public ::testing::Test {
protected:
    /// One attempt of `message` answered with `answer`, as the outbox sender makes it.
    Delivery attempt(const OutboxMessage& message, const CannedResponse& answer) {
        api_.set_responder([answer](const RecordedRequest&) { return answer; });
        auto request = client_.request(message);
        EXPECT_TRUE(request.has_value());
        return client_.interpret(message, http_.send(std::move(*request)));
    }

    RecordedRequest last() const { return api_.requests().back(); }

    ApiRecorder api_;
    HttpClient http_{HttpClientOptions{}};
    LineClient client_{LineClientOptions{kToken, api_.base_url()}};
};

TEST_F(LineClientTest, RepliesWithTheTokenAsTheSdkDoes) {
    // MessagingApiClient.replyMessage (@line/bot-sdk 11.2.0, platforms.md §10.3): POST
    // /v2/bot/message/reply, "Authorization: Bearer <token>", a JSON {"replyToken","messages"}.
    const auto delivery = attempt(row(kReplyPayload), kSent);
    EXPECT_EQ(delivery.outcome, Delivery::Outcome::sent);
    ASSERT_EQ(api_.count(), 1U);
    const auto request = last();
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.target, "/v2/bot/message/reply");
    EXPECT_EQ(request.headers.at("authorization"), std::string{"Bearer "} + kToken);
    EXPECT_EQ(request.headers.at("content-type"), "application/json");
    EXPECT_EQ(request.headers.count("x-line-retry-key"), 0U) << "the reply API takes no retry key";
    EXPECT_EQ(
        nlohmann::json::parse(request.body),
        nlohmann::json::parse(
            R"({"replyToken":"38ef843bde154d9b91c21320ffd17a0f","messages":[{"type":"text","text":"pong"}]})"));
}

TEST_F(LineClientTest, PushesWhenTheReplyTokenIsRefused) {
    auto message = row(kReplyPayload);
    const auto refused =
        attempt(message, CannedResponse{400, R"({"message":"Invalid reply token"})", {}});
    EXPECT_EQ(refused.outcome, Delivery::Outcome::retry);
    ASSERT_TRUE(refused.retry_after);
    EXPECT_EQ(*refused.retry_after, 0s) << "at once (the outbox waits its least second)";
    EXPECT_NE(refused.error.find("Invalid reply token"), std::string::npos) << refused.error;

    // What the outbox stores of the attempt is what the next attempt sees.
    message.attempts = 1;
    message.last_error = refused.error;
    EXPECT_EQ(attempt(message, kSent).outcome, Delivery::Outcome::sent);
    const auto push = last();
    EXPECT_EQ(push.target, "/v2/bot/message/push");
    EXPECT_EQ(push.headers.at("authorization"), std::string{"Bearer "} + kToken);
    EXPECT_EQ(push.headers.at("x-line-retry-key"), LineClient::retry_key(message));
    EXPECT_EQ(
        nlohmann::json::parse(push.body),
        nlohmann::json::parse(
            R"({"to":"Cabcdef0123456789abcdef0123456789","messages":[{"type":"text","text":"pong"}]})"));

    // A failed push keeps the row pushing: its token is spent.
    message.attempts = 2;
    message.last_error = attempt(message, CannedResponse{500, "", {}}).error;
    ASSERT_TRUE(client_.request(message));
    EXPECT_EQ(client_.request(message)->url.path, "/v2/bot/message/push");
}

TEST_F(LineClientTest, RetriesAReplyThatGotNoAnswerAsAReply) {
    auto message = row(kReplyPayload);
    message.last_error = "line reply: timeout: the request took longer than 10000 ms";
    ASSERT_TRUE(client_.request(message));
    EXPECT_EQ(client_.request(message)->url.path, "/v2/bot/message/reply");
}

TEST_F(LineClientTest, PushesWithARetryKeyThatStaysWithTheRow) {
    const auto message = row(kPushPayload, "summary:3:2025-02-04");
    EXPECT_EQ(attempt(message, CannedResponse{500, "", {}}).outcome, Delivery::Outcome::retry);
    EXPECT_EQ(attempt(message, kSent).outcome, Delivery::Outcome::sent);
    const auto requests = api_.requests();
    ASSERT_EQ(requests.size(), 2U);
    const auto key = requests[0].headers.at("x-line-retry-key");
    EXPECT_EQ(requests[1].headers.at("x-line-retry-key"), key) << "a retry is the same request";
    EXPECT_TRUE(std::regex_match(
        key, std::regex{"[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"}))
        << key;
    EXPECT_NE(LineClient::retry_key(row(kPushPayload, "summary:3:2025-02-05")), key)
        << "another row, another key";
    EXPECT_EQ(requests[0].target, "/v2/bot/message/push");
}

TEST_F(LineClientTest, TakesA409ToARetriedPushAsSent) {
    // LINE answers a repeated retry key 409: the first request was accepted.
    const auto delivery =
        attempt(row(kPushPayload),
                CannedResponse{409, R"({"message":"The retry key is already accepted"})", {}});
    EXPECT_EQ(delivery.outcome, Delivery::Outcome::sent);
}

TEST_F(LineClientTest, RetriesAfterWhatA429Says) {
    const auto delivery = attempt(
        row(kPushPayload),
        CannedResponse{
            429, R"({"message":"The API rate limit has been exceeded."})", {{"Retry-After", "7"}}});
    EXPECT_EQ(delivery.outcome, Delivery::Outcome::retry);
    ASSERT_TRUE(delivery.retry_after);
    EXPECT_EQ(*delivery.retry_after, 7s);
}

TEST_F(LineClientTest, RefusesPushesLineWillNeverTake) {
    for (const unsigned status : {400U, 403U, 404U}) {
        const auto delivery =
            attempt(row(kPushPayload), CannedResponse{status, R"({"message":"bad"})", {}});
        EXPECT_EQ(delivery.outcome, Delivery::Outcome::refuse) << status;
        EXPECT_NE(delivery.error.find(std::to_string(status)), std::string::npos);
    }
}

TEST_F(LineClientTest, RetriesServerFailuresAndATokenAnOperatorCanFix) {
    for (const unsigned status : {401U, 500U, 503U}) {
        const auto delivery = attempt(row(kPushPayload), CannedResponse{status, "", {}});
        EXPECT_EQ(delivery.outcome, Delivery::Outcome::retry) << status;
        EXPECT_EQ(delivery.error.find(kToken), std::string::npos);
    }
}

TEST_F(LineClientTest, RetriesWhenTheApiIsUnreachable) {
    std::string base;
    {
        ApiRecorder gone;
        base = gone.base_url();
    }
    const LineClient client{LineClientOptions{kToken, base}};
    const auto message = row(kPushPayload);
    auto request = client.request(message);
    ASSERT_TRUE(request);
    const auto delivery = client.interpret(message, http_.send(std::move(*request)));
    EXPECT_EQ(delivery.outcome, Delivery::Outcome::retry);
    EXPECT_EQ(delivery.error.find(kToken), std::string::npos);
}

TEST_F(LineClientTest, RefusesAPayloadThatIsNoReplyOrPush) {
    EXPECT_FALSE(client_.request(row("not json")).has_value());
    EXPECT_FALSE(client_.request(row(R"({"messages":[]})")).has_value());
    EXPECT_FALSE(client_.request(row(R"({"to":"U1"})")).has_value());
}

TEST(LineClient, RefusesABaseUrlThatIsNotHttp) {
    EXPECT_THROW(LineClient(LineClientOptions{kToken, "ftp://api.line.me"}), std::invalid_argument);
}

}  // namespace
