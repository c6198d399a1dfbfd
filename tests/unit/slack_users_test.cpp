// SlackUsers against a real local HTTP server standing in for slack.com (test::ApiRecorder):
// users.info look-ups, the cache (TTL, bound) and the fall-back to the user id.
#include <gtest/gtest.h>

#include "bot/http_client.hpp"
#include "bot/platforms/slack_users.hpp"
#include "tests/support/api_recorder.hpp"

namespace {

using inmaek::bot::HttpClient;
using inmaek::bot::HttpClientOptions;
using inmaek::bot::platforms::SlackUsers;
using inmaek::bot::platforms::SlackUsersOptions;
using inmaek::test::ApiRecorder;
using inmaek::test::CannedResponse;
using inmaek::test::RecordedRequest;
using namespace std::chrono_literals;

constexpr auto kMinji =
    R"({"ok":true,"user":{"id":"U0KIMMINJ","name":"minji.kim","real_name":"Minji Kim","profile":{"display_name":"김민지","real_name":"Minji Kim"}}})";

class SlackUsersTest : public ::testing::Test {
protected:
    SlackUsers users(std::size_t capacity = 100) {
        SlackUsersOptions options;
        options.bot_token = "xoxb-test-token";
        options.api_base_url = api_.base_url();
        options.capacity = capacity;
        options.clock = [this] { return now_; };
        return SlackUsers{http_, options};
    }

    std::chrono::steady_clock::time_point now_{};
    ApiRecorder api_{[](const RecordedRequest&) { return CannedResponse{200, kMinji, {}}; }};
    HttpClient http_{HttpClientOptions{}};
};

TEST_F(SlackUsersTest, LooksTheNameUpWithTheBotToken) {
    auto directory = users();
    EXPECT_EQ(directory.display_name("U0KIMMINJ"), "김민지");
    ASSERT_EQ(api_.count(), 1U);
    const auto request = api_.requests().front();
    EXPECT_EQ(request.method, "GET");
    EXPECT_EQ(request.target, "/api/users.info?user=U0KIMMINJ");
    EXPECT_EQ(request.headers.at("authorization"), "Bearer xoxb-test-token");
}

TEST_F(SlackUsersTest, KeepsNamesForTheirTtl) {
    auto directory = users();
    EXPECT_EQ(directory.display_name("U0KIMMINJ"), "김민지");
    now_ += 3599s;
    EXPECT_EQ(directory.display_name("U0KIMMINJ"), "김민지");
    EXPECT_EQ(api_.count(), 1U);
    now_ += 2s;
    EXPECT_EQ(directory.display_name("U0KIMMINJ"), "김민지");
    EXPECT_EQ(api_.count(), 2U);
}

TEST_F(SlackUsersTest, FallsBackToTheIdAndDoesNotAskAgainAtOnce) {
    api_.set_responder([](const RecordedRequest&) {
        return CannedResponse{200, R"({"ok":false,"error":"missing_scope"})", {}};
    });
    auto directory = users();
    EXPECT_EQ(directory.display_name("U0KIMMINJ"), "U0KIMMINJ");
    EXPECT_EQ(directory.display_name("U0KIMMINJ"), "U0KIMMINJ");
    EXPECT_EQ(api_.count(), 1U);
    api_.set_responder([](const RecordedRequest&) { return CannedResponse{200, kMinji, {}}; });
    now_ += 61s;
    EXPECT_EQ(directory.display_name("U0KIMMINJ"), "김민지");
}

TEST_F(SlackUsersTest, FallsBackToTheIdWhenSlackIsUnreachable) {
    std::string base;
    {
        ApiRecorder gone;
        base = gone.base_url();
    }
    SlackUsersOptions options;
    options.bot_token = "xoxb-test-token";
    options.api_base_url = base;
    SlackUsers directory{http_, options};
    EXPECT_EQ(directory.display_name("U0KIMMINJ"), "U0KIMMINJ");
}

TEST_F(SlackUsersTest, NeverPutsAnythingButAUserIdIntoTheUrl) {
    auto directory = users();
    EXPECT_EQ(directory.display_name("U1&token=x"), "U1&token=x");
    EXPECT_EQ(directory.display_name(""), "");
    EXPECT_EQ(api_.count(), 0U);
}

TEST_F(SlackUsersTest, KeepsAtMostItsCapacityDroppingTheLeastRecent) {
    auto directory = users(2);
    directory.display_name("U1");
    directory.display_name("U2");
    directory.display_name("U1");  // U2 is now the least recent
    directory.display_name("U3");
    EXPECT_EQ(directory.size(), 2U);
    EXPECT_EQ(api_.count(), 3U);
    directory.display_name("U1");  // still cached
    EXPECT_EQ(api_.count(), 3U);
    directory.display_name("U2");  // dropped, asked again
    EXPECT_EQ(api_.count(), 4U);
}

}  // namespace
