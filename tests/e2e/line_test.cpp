// LINE end to end: the real binary with [line] enabled, webhooks signed with the channel secret
// as LINE signs them, and a real HTTP server playing api.line.me (test::ApiRecorder), on SQLite
// and PostgreSQL. Messages are answered through the reply API from the outbox, once however
// often LINE redelivers them; a refused reply token turns into a push with X-Line-Retry-Key.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <map>
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

constexpr auto kChannelSecret = "e2e_line_channel_secret_0123456789";
constexpr auto kAccessToken = "e2eLineChannelAccessToken0123456789+/=";
constexpr auto kHook = "/hooks/line";
constexpr auto kGroup = "Cabcdef0123456789abcdef0123456789";
constexpr auto kUser = "Ufedcba9876543210fedcba9876543210";
constexpr auto kReplyPath = "/v2/bot/message/reply";
constexpr auto kPushPath = "/v2/bot/message/push";

/// base64(HMAC-SHA256(secret, body)).
std::string line_signature(std::string_view secret, std::string_view body) {
    return hmac_sha256_base64(secret, body);
}

std::map<std::string, std::string> signed_headers(std::string_view body,
                                                  std::string_view secret = kChannelSecret) {
    return {{"x-line-signature", line_signature(secret, body)},
            {"Content-Type", "application/json; charset=utf-8"}};
}

/// A webhook with one text message in the partners' group.
std::string text_event(std::string_view event_id, std::string_view text, bool redelivery = false,
                       std::string_view reply_token = "38ef843bde154d9b91c21320ffd17a0f") {
    return nlohmann::json{
        {"destination", "U0123456789abcdef0123456789abcdef"},
        {"events",
         {{{"type", "message"},
           {"message",
            {{"type", "text"}, {"id", "468789577898262530"}, {"quoteToken", "q3"}, {"text", text}}},
           {"webhookEventId", event_id},
           {"deliveryContext", {{"isRedelivery", redelivery}}},
           {"timestamp", 1738634400000},
           {"source", {{"type", "group"}, {"groupId", kGroup}, {"userId", kUser}}},
           {"replyToken", reply_token},
           {"mode", "active"}}}}}
        .dump();
}

/// The words a LINE message shows: a text's text, a Flex message's altText.
std::string shown_text(const nlohmann::json& message) {
    if (message.value("type", "") == "flex") return message.value("altText", "");
    return message.value("text", "");
}

class LineEndToEnd : public MessengerEndToEnd {
protected:
    /// api.line.me: what the test sets, by default 200 to everything.
    LineEndToEnd()
        : MessengerEndToEnd(
              [](const test::RecordedRequest&) {
                  return test::CannedResponse{
                      200, R"({"sentMessages":[{"id":"1","quoteToken":"q"}]})", {}};
              },
              {kChannelSecret, kAccessToken}) {}

    void SetUp() override {
        start({{"INMAEK_LINE_ENABLED", "true"},
               {"INMAEK_LINE_CHANNEL_SECRET", kChannelSecret},
               {"INMAEK_LINE_CHANNEL_ACCESS_TOKEN", kAccessToken},
               {"INMAEK_LINE_API_BASE_URL", api_.base_url()},
               {"INMAEK_OUTBOX_BACKOFF_INITIAL_SECONDS", "1"}});
    }
};

TEST_P(LineEndToEnd, AnswersTheConsolesVerificationAndIgnoresStandby) {
    const std::string verification = R"({"destination":"xxxxxxxxxx","events":[]})";
    const auto response = post(server_->port(), kHook, verification, signed_headers(verification));
    ASSERT_EQ(response.status, 200U) << response.error << response.body;
    EXPECT_EQ(response.body, "");

    auto standby = nlohmann::json::parse(text_event("01E2ESTANDBY0000000000000", "/help"));
    standby["events"][0]["mode"] = "standby";
    const auto body = standby.dump();
    EXPECT_EQ(post(server_->port(), kHook, body, signed_headers(body)).status, 200U);
    std::this_thread::sleep_for(500ms);
    EXPECT_EQ(number("SELECT COUNT(*) FROM inbound_events"), 0);
    EXPECT_EQ(number("SELECT COUNT(*) FROM outbox"), 0);
    EXPECT_EQ(api_.count(), 0U) << "standby events are not answered";
}

TEST_P(LineEndToEnd, RepliesThroughTheReplyApiOnceAcrossRedeliveries) {
    HttpClient client{server_->port()};
    for (int delivery = 0; delivery < 3; ++delivery) {
        // A redelivery is flagged, and so signed over other bytes; its webhookEventId is the same.
        const auto body = text_event("01E2EREPLY00000000000000001",
                                     "/meet 2025-02-04 @카카오 : 연동 논의", delivery > 0);
        const auto response = client.post(kHook, body, signed_headers(body));
        ASSERT_EQ(response.status, 200U) << response.error << response.body;
        EXPECT_EQ(response.body, "") << "LINE is answered through the reply API";
    }
    ASSERT_TRUE(api_.wait_for(1, 10s)) << "no reply arrived";
    std::this_thread::sleep_for(1500ms);  // time for a wrong second send to show
    const auto requests = api_.requests();
    ASSERT_EQ(requests.size(), 1U) << "three deliveries of one event, one reply";
    const auto& reply = requests[0];
    EXPECT_EQ(reply.method, "POST");
    EXPECT_EQ(reply.target, kReplyPath);
    EXPECT_EQ(reply.headers.at("authorization"), std::string{"Bearer "} + kAccessToken);
    EXPECT_EQ(reply.headers.at("content-type"), "application/json");
    const auto call = nlohmann::json::parse(reply.body);
    EXPECT_EQ(call["replyToken"], "38ef843bde154d9b91c21320ffd17a0f");
    ASSERT_TRUE(call["messages"].is_array());
    EXPECT_GE(call["messages"].size(), 1U);
    EXPECT_LE(call["messages"].size(), 5U);
    EXPECT_NE(shown_text(call["messages"][0]).find("카카오"), std::string::npos) << reply.body;
    EXPECT_EQ(number("SELECT COUNT(*) FROM meetings"), 1);
    EXPECT_EQ(number("SELECT COUNT(*) FROM inbound_events"), 1);
    EXPECT_EQ(number("SELECT COUNT(*) FROM outbox"), 1);
    EXPECT_EQ(awaited_number("SELECT COUNT(*) FROM outbox WHERE status = 'sent'", 1), 1);
}

TEST_P(LineEndToEnd, PushesWithAStableRetryKeyWhenTheReplyTokenIsRefused) {
    // The token has expired; the first push gets no good answer and is sent again.
    auto pushes = std::make_shared<std::atomic<int>>(0);
    api_.set_responder([pushes](const test::RecordedRequest& request) {
        if (request.target == kReplyPath) {
            return test::CannedResponse{400, R"({"message":"Invalid reply token"})", {}};
        }
        if (++*pushes == 1) return test::CannedResponse{500, R"({"message":"oops"})", {}};
        return test::CannedResponse{200, R"({"sentMessages":[{"id":"2"}]})", {}};
    });
    const auto body = text_event("01E2EPUSH000000000000000001", "/help");
    ASSERT_EQ(post(server_->port(), kHook, body, signed_headers(body)).status, 200U);
    ASSERT_TRUE(api_.wait_for(3, 20s)) << "expected a reply, a failed push and a push";
    std::this_thread::sleep_for(1000ms);
    const auto requests = api_.requests();
    ASSERT_EQ(requests.size(), 3U);
    EXPECT_EQ(requests[0].target, kReplyPath);
    EXPECT_EQ(requests[0].headers.count("x-line-retry-key"), 0U);
    for (std::size_t i : {1U, 2U}) {
        EXPECT_EQ(requests[i].target, kPushPath);
        EXPECT_EQ(requests[i].headers.at("authorization"), std::string{"Bearer "} + kAccessToken);
        const auto call = nlohmann::json::parse(requests[i].body);
        EXPECT_EQ(call["to"], kGroup);
        EXPECT_FALSE(call.contains("replyToken"));
        EXPECT_TRUE(call["messages"].is_array());
    }
    const auto key = requests[1].headers.at("x-line-retry-key");
    EXPECT_EQ(key.size(), 36U) << key;
    EXPECT_EQ(requests[2].headers.at("x-line-retry-key"), key) << "one row, one retry key";
    EXPECT_EQ(
        awaited_number("SELECT COUNT(*) FROM outbox WHERE status = 'sent' AND attempts = 3", 1), 1);
}

TEST_P(LineEndToEnd, ABadSignatureIs401AndStoresNothing) {
    const auto body = text_event("01E2EFORGED0000000000000001", "/meet 2025-02-04 @카카오 : 연동");
    EXPECT_EQ(post(server_->port(), kHook, body, signed_headers(body, "not_the_secret")).status,
              401U);
    EXPECT_EQ(post(server_->port(), kHook, body, {}).status, 401U) << "no signature";
    auto headers = signed_headers(body);
    headers["x-line-signature"] = "%%% not base64 %%%";
    EXPECT_EQ(post(server_->port(), kHook, body, headers).status, 401U);
    EXPECT_EQ(post(server_->port(), kHook, body + " ", signed_headers(body)).status, 401U)
        << "one extra byte";
    EXPECT_EQ(number("SELECT COUNT(*) FROM meetings"), 0);
    EXPECT_EQ(number("SELECT COUNT(*) FROM inbound_events"), 0);
    EXPECT_EQ(number("SELECT COUNT(*) FROM outbox"), 0);
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(api_.count(), 0U);
}

TEST(LineConfig, EnabledWithoutItsSecretsIsAConfigurationErrorNamingTheKey) {
    auto result = run_configured(
        {"serve", "--listen", "127.0.0.1:0"},
        {{"INMAEK_LINE_ENABLED", "true"}, {"INMAEK_LINE_CHANNEL_ACCESS_TOKEN", kAccessToken}});
    EXPECT_EQ(result.exit_status, 78) << result.out << result.err;
    EXPECT_NE(result.err.find("line.channel_secret"), std::string::npos) << result.err;
    result = run_configured({"serve", "--listen", "127.0.0.1:0"},
                            {{"INMAEK_LINE_ENABLED", "true"},
                             {"INMAEK_LINE_CHANNEL_SECRET", kChannelSecret},
                             {"INMAEK_LINE_CHANNEL_ACCESS_TOKEN", "not a token"}});
    EXPECT_EQ(result.exit_status, 78) << result.out << result.err;
    EXPECT_NE(result.err.find("line.channel_access_token"), std::string::npos) << result.err;
    EXPECT_EQ(result.err.find("not a token"), std::string::npos) << "a secret was echoed";
}

TEST(LineConfig, DescribeShowsSecretsOnlyAsSet) {
    const auto result =
        run_configured({"config"}, {{"INMAEK_LINE_ENABLED", "true"},
                                    {"INMAEK_LINE_CHANNEL_SECRET", kChannelSecret},
                                    {"INMAEK_LINE_CHANNEL_ACCESS_TOKEN", kAccessToken}});
    ASSERT_EQ(result.exit_status, 0) << result.out << result.err;
    EXPECT_NE(result.out.find("line       enabled, channel secret (set), access token (set)"),
              std::string::npos)
        << result.out;
    EXPECT_EQ(result.out.find(kChannelSecret), std::string::npos);
    EXPECT_EQ(result.out.find(kAccessToken), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, LineEndToEnd, ::testing::ValuesIn(test::backends()),
                         test::backend_name);

// LINE takes no file from a bot: /export answers with the signed download link, and nothing of
// kind "file" is queued.
TEST_P(LineEndToEnd, ExportAnswersWithTheDownloadLink) {
    const auto body = text_event("01E2EEXPORT0000000000000001", "/export leads");
    ASSERT_EQ(post(server_->port(), kHook, body, signed_headers(body)).status, 200U);
    ASSERT_TRUE(api_.wait_for(1, 10s)) << "no reply arrived";
    const auto call = nlohmann::json::parse(api_.requests().front().body);
    std::string shown;
    for (const auto& message : call["messages"]) shown += shown_text(message) + "\n";
    EXPECT_NE(shown.find("/exports/"), std::string::npos) << shown;
    EXPECT_EQ(number("SELECT COUNT(*) FROM outbox WHERE kind = 'file'"), 0);
}

}  // namespace
}  // namespace inmaek::e2e
