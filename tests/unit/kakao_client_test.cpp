// KakaoClient against a real local HTTP server standing in for Kakao (test::ApiRecorder): the
// request of each delivery kind, and what each answer means for a single-use callback.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "bot/http_client.hpp"
#include "bot/outbound/kakao_client.hpp"
#include "tests/support/api_recorder.hpp"

namespace {

using inmaek::bot::HttpClient;
using inmaek::bot::HttpClientOptions;
using inmaek::bot::outbound::Delivery;
using inmaek::bot::outbound::KakaoClient;
using inmaek::bot::outbound::KakaoClientOptions;
using inmaek::storage::OutboxMessage;
using inmaek::test::ApiRecorder;
using inmaek::test::CannedResponse;
using inmaek::test::RecordedRequest;

constexpr auto kRestKey = "kakao-rest-api-key-0123";
constexpr auto kBotToken = "kakao-bot-token-4567";
constexpr auto kSkillResponse =
    R"({"version":"2.0","template":{"outputs":[{"simpleText":{"text":"✅ 회의 #1"}}]}})";

OutboxMessage row(const nlohmann::json& payload) {
    OutboxMessage message;
    message.platform = "kakao";
    message.destination = "user";
    message.kind = "reply";
    message.payload = payload.dump();
    return message;
}

class KakaoClientTest : public ::testing::Test {
protected:
    KakaoClient client(std::string rest_key = kRestKey, std::string bot_token = kBotToken) {
        return KakaoClient{KakaoClientOptions{std::move(rest_key), std::move(bot_token),
                                              api_.base_url() + "/event",
                                              api_.base_url() + "/kapi"}};
    }
    Delivery deliver(const KakaoClient& kakao, const nlohmann::json& payload) {
        auto request = kakao.request(row(payload));
        EXPECT_TRUE(request.has_value()) << (request ? "" : request.error());
        return kakao.interpret(http_.send(std::move(*request)));
    }
    nlohmann::json callback_row() const {
        return {{"kind", "callback"},
                {"url", api_.base_url() + "/v1/callback/skill/abc?token=t"},
                {"body", nlohmann::json::parse(kSkillResponse)}};
    }

    ApiRecorder api_{[](const RecordedRequest&) {
        return CannedResponse{200, R"({"taskId":"t-1","status":"SUCCESS","timestamp":1})", {}};
    }};
    HttpClient http_{HttpClientOptions{}};
};

TEST_F(KakaoClientTest, PostsTheSkillResponseToTheCallbackUrlWithoutCredentials) {
    const auto delivery = deliver(client(), callback_row());
    EXPECT_EQ(delivery.outcome, Delivery::Outcome::sent) << delivery.error;
    ASSERT_EQ(api_.count(), 1U);
    const auto request = api_.requests().front();
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.target, "/v1/callback/skill/abc?token=t");
    EXPECT_EQ(request.headers.count("authorization"), 0U);
    EXPECT_EQ(request.headers.at("content-type"), "application/json");
    EXPECT_EQ(nlohmann::json::parse(request.body), nlohmann::json::parse(kSkillResponse));
}

TEST_F(KakaoClientTest, ASpentCallbackIsRefusedNotResent) {
    api_.set_responder([](const RecordedRequest&) {
        return CannedResponse{200, R"({"taskId":"t-1","status":"FAIL","message":"expired"})", {}};
    });
    auto delivery = deliver(client(), callback_row());
    EXPECT_EQ(delivery.outcome, Delivery::Outcome::refuse);
    EXPECT_NE(delivery.error.find("FAIL"), std::string::npos) << delivery.error;
    api_.set_responder([](const RecordedRequest&) {
        return CannedResponse{400, R"({"code":-881,"msg":"callback token already used"})", {}};
    });
    delivery = deliver(client(), callback_row());
    EXPECT_EQ(delivery.outcome, Delivery::Outcome::refuse);
    EXPECT_NE(delivery.error.find("-881"), std::string::npos) << delivery.error;
    api_.set_responder([](const RecordedRequest&) { return CannedResponse{503, "busy", {}}; });
    EXPECT_EQ(deliver(client(), callback_row()).outcome, Delivery::Outcome::retry);
}

TEST_F(KakaoClientTest, AnswersABotApiMessageThroughTheCallbackApi) {
    const nlohmann::json payload{
        {"kind", "bot_callback"},
        {"callback_token", "cb-token-7f3e2d1c0b9a"},
        {"body", {{"skillResponse", nlohmann::json::parse(kSkillResponse)}}}};
    api_.set_responder([](const RecordedRequest&) {
        return CannedResponse{200, R"({"totalCount":1,"sendCount":1,"errorCount":0})", {}};
    });
    EXPECT_EQ(deliver(client(), payload).outcome, Delivery::Outcome::sent);
    const auto request = api_.requests().front();
    EXPECT_EQ(request.target, "/kapi/v1/bot/callback");
    EXPECT_EQ(request.headers.at("authorization"), std::string{"KakaoAK "} + kBotToken);
    EXPECT_EQ(request.headers.at("x-bot-callback-token"), "cb-token-7f3e2d1c0b9a");
    // Without a bot token the REST API key authorises the Bot API.
    EXPECT_EQ(deliver(client(kRestKey, ""), payload).outcome, Delivery::Outcome::sent);
    EXPECT_EQ(api_.requests().back().headers.at("authorization"),
              std::string{"KakaoAK "} + kRestKey);
}

TEST_F(KakaoClientTest, PushesThroughTheEventApiWithTheRestApiKey) {
    const nlohmann::json payload{
        {"kind", "event"},
        {"bot_id", "5f1a2b3c4d5e6f7a8b9c0d1e"},
        {"body",
         {{"event", {{"name", "inmaek_push"}, {"data", {{"text", "요약"}}}}},
          {"user", {{{"type", "botUserKey"}, {"id", "a1b2"}}}}}}};
    EXPECT_EQ(deliver(client(), payload).outcome, Delivery::Outcome::sent);
    const auto request = api_.requests().front();
    EXPECT_EQ(request.target, "/event/v2/bots/5f1a2b3c4d5e6f7a8b9c0d1e/talk");
    EXPECT_EQ(request.headers.at("authorization"), std::string{"KakaoAK "} + kRestKey);
    EXPECT_EQ(nlohmann::json::parse(request.body), payload["body"]);
}

TEST_F(KakaoClientTest, RefusesAPushWhenNoKeyIsConfigured) {
    const nlohmann::json payload{
        {"kind", "event"}, {"bot_id", "5f1a2b3c4d5e6f7a8b9c0d1e"}, {"body", {{"event", {}}}}};
    const auto request = client("", "").request(row(payload));
    ASSERT_FALSE(request.has_value());
    EXPECT_NE(request.error().find("kakao.rest_api_key"), std::string::npos) << request.error();
    const nlohmann::json bot{{"kind", "bot_send"}, {"body", {{"botGroupKey", "g"}}}};
    const auto bot_request = client("", "").request(row(bot));
    ASSERT_FALSE(bot_request.has_value());
    EXPECT_NE(bot_request.error().find("kakao.bot_token"), std::string::npos);
    // A bot id that would change the URL is refused.
    const nlohmann::json sneaky{{"kind", "event"}, {"bot_id", "../admin"}, {"body", {}}};
    EXPECT_FALSE(client().request(row(sneaky)).has_value());
    EXPECT_FALSE(client().request(row(nlohmann::json{{"kind", "fax"}, {"body", {}}})).has_value());
    EXPECT_EQ(api_.count(), 0U);
}

}  // namespace
