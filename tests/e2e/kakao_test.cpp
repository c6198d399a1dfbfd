// KakaoTalk end to end: the real binary with [kakao] enabled, the committed fixtures of
// tests/fixtures/kakao posted as Kakao posts them (no Kakao peer exists, platforms.md §10.5),
// and a real HTTP server (test::ApiRecorder) standing in for the skill's one-time callbackUrl
// and for kapi.kakao.com, on SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "tests/e2e/harness.hpp"
#include "tests/e2e/server_process.hpp"
#include "tests/support/api_recorder.hpp"
#include "tests/support/postgres.hpp"

namespace inmaek::e2e {
namespace {

using namespace std::chrono_literals;

constexpr auto kSecret = "e2e_kakao_skill_secret_0123456789abcdef";
constexpr auto kBotToken = "e2e-kakao-bot-token-0123";
constexpr auto kCallbackPath = "/v1/callback/skill/8a7f3c1e-5b2d-4e6f?token=once";
const std::map<std::string, std::string> kJson{{"Content-Type", "application/json;charset=UTF-8"},
                                               {"Accept", "application/json"}};

std::string fixture(const std::string& name) {
    std::ifstream in(std::string{INMAEK_FIXTURES_DIR} + "/kakao/" + name, std::ios::binary);
    if (!in) throw std::runtime_error("missing fixture " + name);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

std::string skill_path() {
    return std::string{"/hooks/kakao/"} + kSecret;
}

std::string bot_path() {
    return std::string{"/hooks/kakao/bot/"} + kSecret;
}

/// The text of every simpleText, basicCard and listCard of a SkillResponse, one per line.
std::string shown_text(const nlohmann::json& response) {
    std::string text;
    for (const auto& output : response["template"]["outputs"]) {
        if (output.contains("simpleText")) text += output["simpleText"]["text"].get<std::string>();
        if (output.contains("basicCard")) {
            text += output["basicCard"].value("title", "") + "\n" +
                    output["basicCard"].value("description", "");
        }
        if (output.contains("listCard")) text += output["listCard"].dump();
        text += '\n';
    }
    return text;
}

/// Kakao: the callbackUrl answers {"status":"SUCCESS"}, /v1/bot/callback its counts.
test::CannedResponse kakao_api(const test::RecordedRequest& request) {
    if (request.target == "/v1/bot/callback") {
        return test::CannedResponse{200, R"({"totalCount":1,"sendCount":1,"errorCount":0})", {}};
    }
    return test::CannedResponse{
        200, R"({"taskId":"c6b2f4d0","status":"SUCCESS","message":"","timestamp":1})", {}};
}

class KakaoEndToEnd : public MessengerEndToEnd {
protected:
    // The path secret, the bot token, and the callbackUrl's one-time token.
    KakaoEndToEnd() : MessengerEndToEnd(kakao_api, {kSecret, kBotToken, "cb-token-7f3e2d1c0b9a"}) {}

    void SetUp() override {
        start({{"INMAEK_KAKAO_ENABLED", "true"},
               {"INMAEK_KAKAO_SKILL_SECRET", kSecret},
               {"INMAEK_KAKAO_BOT_TOKEN", kBotToken},
               {"INMAEK_KAKAO_API_BASE_URL", api_.base_url()},
               {"INMAEK_KAKAO_BOT_API_BASE_URL", api_.base_url()}});
    }

    /// skill_callback.json whose callbackUrl is the recorder's.
    std::string callback_request() const {
        auto body = nlohmann::json::parse(fixture("skill_callback.json"));
        body["userRequest"]["callbackUrl"] = api_.base_url() + kCallbackPath;
        return body.dump();
    }
};

TEST_P(KakaoEndToEnd, AnswersASkillInlineWithASkillResponseAndStoresTheMeeting) {
    HttpClient client{server_->port()};
    const auto started = std::chrono::steady_clock::now();
    const auto response = client.post(skill_path(), fixture("skill_meet.json"), kJson);
    const auto took = std::chrono::steady_clock::now() - started;
    ASSERT_EQ(response.status, 200U) << response.error << response.body;
    EXPECT_LT(took, 5s) << "Kakao waits 5 s for a skill";
    const auto answer = nlohmann::json::parse(response.body, nullptr, false);
    ASSERT_TRUE(answer.is_object()) << response.body;
    EXPECT_EQ(answer.value("version", ""), "2.0");
    EXPECT_FALSE(answer.contains("useCallback"));
    const auto& outputs = answer["template"]["outputs"];
    ASSERT_TRUE(outputs.is_array()) << response.body;
    EXPECT_GE(outputs.size(), 1U);
    EXPECT_LE(outputs.size(), 3U);
    const auto text = shown_text(answer);
    EXPECT_NE(text.find("#1"), std::string::npos) << text;
    EXPECT_NE(text.find("카카오"), std::string::npos) << text;
    EXPECT_EQ(number("SELECT COUNT(*) FROM meetings"), 1);
    EXPECT_EQ(number("SELECT COUNT(*) FROM outbox"), 0) << "answered in the response";
    EXPECT_EQ(number("SELECT COUNT(*) FROM chats WHERE platform = 'kakao' AND platform_chat_id = "
                     "'5f1a2b3c4d5e6f7a8b9c0d1e/"
                     "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1'"),
              1);
    EXPECT_TRUE(server_->wait_for_log("target=/hooks/kakao/{skill_secret} status=200", 5s))
        << "the log shows the placeholder, not the secret";
}

TEST_P(KakaoEndToEnd, AnswersUseCallbackAndPostsTheResultToTheCallbackUrlOnce) {
    HttpClient client{server_->port()};
    const auto started = std::chrono::steady_clock::now();
    const auto response = client.post(skill_path(), callback_request(), kJson);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
    ASSERT_EQ(response.status, 200U) << response.error << response.body;
    const auto answer = nlohmann::json::parse(response.body, nullptr, false);
    ASSERT_TRUE(answer.is_object()) << response.body;
    EXPECT_EQ(answer.value("version", ""), "2.0");
    EXPECT_EQ(answer.value("useCallback", false), true) << response.body;
    EXPECT_TRUE(answer["data"].contains("text")) << "fills the block's waiting message";

    ASSERT_TRUE(api_.wait_for(1, 10s)) << "nothing reached the callbackUrl";
    std::this_thread::sleep_for(1500ms);  // time for a wrong second send to show
    const auto requests = api_.requests();
    ASSERT_EQ(requests.size(), 1U) << "the callbackUrl works once";
    EXPECT_EQ(requests[0].method, "POST");
    EXPECT_EQ(requests[0].target, kCallbackPath);
    EXPECT_EQ(requests[0].headers.count("authorization"), 0U) << "a callbackUrl needs no key";
    const auto callback = nlohmann::json::parse(requests[0].body, nullptr, false);
    ASSERT_TRUE(callback.is_object()) << requests[0].body;
    EXPECT_EQ(callback.value("version", ""), "2.0");
    EXPECT_FALSE(callback.contains("useCallback"));
    const auto text = shown_text(callback);
    EXPECT_NE(text.find("카카오톡 × ChatGPT 연동"), std::string::npos) << requests[0].body;
    EXPECT_EQ(number("SELECT COUNT(*) FROM leads"), 1);
    EXPECT_EQ(awaited_number(
                  "SELECT COUNT(*) FROM outbox WHERE platform = 'kakao' AND status = 'sent'", 1),
              1);
}

TEST_P(KakaoEndToEnd, ARepeatedSkillRequestIsAnsweredFromTheFirstResult) {
    HttpClient client{server_->port()};
    const auto first = client.post(skill_path(), fixture("skill_meet.json"), kJson);
    const auto again = client.post(skill_path(), fixture("skill_meet.json"), kJson);
    ASSERT_EQ(first.status, 200U) << first.body;
    ASSERT_EQ(again.status, 200U) << again.body;
    EXPECT_EQ(again.body, first.body) << "the stored reply, not a second meeting";
    EXPECT_EQ(number("SELECT COUNT(*) FROM meetings"), 1);

    // With a callback: the first is answered through it, the repeat inline from the first
    // result (nothing is pushed to its own callbackUrl).
    const auto callback = client.post(skill_path(), callback_request(), kJson);
    const auto repeat = client.post(skill_path(), callback_request(), kJson);
    ASSERT_EQ(callback.status, 200U) << callback.body;
    ASSERT_EQ(repeat.status, 200U) << repeat.body;
    EXPECT_EQ(nlohmann::json::parse(callback.body).value("useCallback", false), true);
    const auto inline_answer = nlohmann::json::parse(repeat.body);
    EXPECT_FALSE(inline_answer.contains("useCallback")) << repeat.body;
    EXPECT_NE(shown_text(inline_answer).find("카카오톡 × ChatGPT 연동"), std::string::npos)
        << repeat.body;
    ASSERT_TRUE(api_.wait_for(1, 10s));
    std::this_thread::sleep_for(1500ms);
    EXPECT_EQ(api_.count(), 1U);
    EXPECT_EQ(number("SELECT COUNT(*) FROM leads"), 1);
}

TEST_P(KakaoEndToEnd, AWrongOrMissingSecretIsRejectedAndWritesNothing) {
    const auto body = fixture("skill_meet.json");
    std::string near_miss = kSecret;
    near_miss.back() = 'X';
    EXPECT_EQ(post(server_->port(), "/hooks/kakao/" + near_miss, body, kJson).status, 401U);
    EXPECT_EQ(post(server_->port(), "/hooks/kakao/bot/" + near_miss,
                   fixture("bot_message_create.json"), kJson)
                  .status,
              401U);
    EXPECT_EQ(post(server_->port(), "/hooks/kakao", body, kJson).status, 404U);
    EXPECT_EQ(post(server_->port(), "/hooks/kakao/", body, kJson).status, 404U);
    EXPECT_EQ(post(server_->port(), skill_path() + "/extra", body, kJson).status, 404U);
    EXPECT_EQ(number("SELECT COUNT(*) FROM meetings"), 0);
    EXPECT_EQ(number("SELECT COUNT(*) FROM inbound_events"), 0);
    EXPECT_EQ(number("SELECT COUNT(*) FROM chats"), 0);
    EXPECT_EQ(number("SELECT COUNT(*) FROM outbox"), 0);
    EXPECT_EQ(server_->log().find(near_miss), std::string::npos) << "a near miss is not logged";
    EXPECT_EQ(api_.count(), 0U);
}

TEST_P(KakaoEndToEnd, AcknowledgesTheBotApiWithin1sAndRepliesWithTheExactId) {
    HttpClient client{server_->port()};
    const auto body = fixture("bot_message_create.json");
    for (int delivery = 0; delivery < 2; ++delivery) {
        const auto started = std::chrono::steady_clock::now();
        const auto response = client.post(bot_path(), body, kJson);
        const auto took = std::chrono::steady_clock::now() - started;
        ASSERT_EQ(response.status, 200U) << response.error << response.body;
        EXPECT_TRUE(response.body.empty()) << response.body;
        EXPECT_LT(took, 1s) << "the Bot API wants 2xx within 1 s";
    }
    ASSERT_TRUE(api_.wait_for(1, 10s)) << "no callback API request";
    std::this_thread::sleep_for(1500ms);
    const auto requests = api_.requests();
    ASSERT_EQ(requests.size(), 1U) << "two deliveries of one message, one reply";
    EXPECT_EQ(requests[0].target, "/v1/bot/callback");
    EXPECT_EQ(requests[0].headers.at("authorization"), std::string{"KakaoAK "} + kBotToken);
    EXPECT_EQ(requests[0].headers.at("x-bot-callback-token"), "cb-token-7f3e2d1c0b9a");
    const auto call = nlohmann::json::parse(requests[0].body, nullptr, false);
    ASSERT_TRUE(call.is_object()) << requests[0].body;
    EXPECT_EQ(call["skillResponse"].value("version", ""), "2.0");
    EXPECT_NE(shown_text(call["skillResponse"]).find("카카오"), std::string::npos)
        << requests[0].body;
    // 558185822630215770 > 2^53: a double would have stored 558185822630215744.
    EXPECT_EQ(number("SELECT COUNT(*) FROM inbound_events WHERE platform = 'kakao' AND event_key "
                     "= 'bot:558185822630215770'"),
              1);
    EXPECT_EQ(number("SELECT COUNT(*) FROM meetings"), 1);
    EXPECT_EQ(number("SELECT COUNT(*) FROM chats WHERE platform_chat_id = "
                     "'bot/room:bgk_partners_room'"),
              1);
}

TEST(KakaoConfig, EnabledWithoutTheSkillSecretIsAConfigurationErrorNamingTheKey) {
    auto result =
        run_configured({"serve", "--listen", "127.0.0.1:0"}, {{"INMAEK_KAKAO_ENABLED", "true"}});
    EXPECT_EQ(result.exit_status, 78) << result.out << result.err;
    EXPECT_NE(result.err.find("kakao.skill_secret"), std::string::npos) << result.err;
    result = run_configured(
        {"serve", "--listen", "127.0.0.1:0"},
        {{"INMAEK_KAKAO_ENABLED", "true"}, {"INMAEK_KAKAO_SKILL_SECRET", "short/secret"}});
    EXPECT_EQ(result.exit_status, 78) << result.out << result.err;
    EXPECT_NE(result.err.find("kakao.skill_secret"), std::string::npos) << result.err;
    EXPECT_EQ(result.err.find("short/secret"), std::string::npos) << "a secret was echoed";
}

TEST(KakaoConfig, DescribeShowsSecretsOnlyAsSet) {
    const auto result = run_configured({"config"}, {{"INMAEK_KAKAO_ENABLED", "true"},
                                                    {"INMAEK_KAKAO_SKILL_SECRET", kSecret},
                                                    {"INMAEK_KAKAO_REST_API_KEY", kBotToken}});
    ASSERT_EQ(result.exit_status, 0) << result.out << result.err;
    EXPECT_NE(result.out.find("kakao      enabled, skill secret (set), rest api key (set), bot "
                              "token (not set)"),
              std::string::npos)
        << result.out;
    EXPECT_EQ(result.out.find(kSecret), std::string::npos);
    EXPECT_EQ(result.out.find(kBotToken), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, KakaoEndToEnd, ::testing::ValuesIn(test::backends()),
                         test::backend_name);

// Kakao takes no file from a bot: /export answers with the signed download link in the skill
// response.
TEST_P(KakaoEndToEnd, ExportAnswersWithTheDownloadLink) {
    auto request = nlohmann::json::parse(fixture("skill_meet.json"));
    request["userRequest"]["utterance"] = "/export leads";
    HttpClient client{server_->port()};
    const auto response = client.post(skill_path(), request.dump(), kJson);
    ASSERT_EQ(response.status, 200U) << response.error << response.body;
    const auto text = shown_text(nlohmann::json::parse(response.body));
    EXPECT_NE(text.find("/exports/"), std::string::npos) << text;
    EXPECT_EQ(number("SELECT COUNT(*) FROM outbox WHERE kind = 'file'"), 0);
}

}  // namespace
}  // namespace inmaek::e2e
