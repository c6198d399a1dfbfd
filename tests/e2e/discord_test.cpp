// Discord interactions end to end: the real binary with [discord] enabled, requests signed with
// Ed25519 as Discord signs them, on SQLite and PostgreSQL; and `inmaek discord
// register-commands` against a local server playing Discord's API.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

#include "tests/e2e/harness.hpp"
#include "tests/e2e/server_process.hpp"
#include "tests/support/api_recorder.hpp"
#include "tests/support/ed25519.hpp"
#include "tests/support/postgres.hpp"

namespace inmaek::e2e {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kDiscordHook = "/hooks/discord";
constexpr auto kSeed = "3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c";

class DiscordInteractions : public ::testing::TestWithParam<std::string> {
protected:
    void TearDown() override {
        if (HasFailure() && server_) {
            std::cerr << "---- inmaek log ----\n" << server_->log() << "--------------------\n";
        }
        server_.reset();
    }

    bool start(Environment more = {}) {
        Environment env{{"INMAEK_DISCORD_ENABLED", "true"},
                        {"INMAEK_DISCORD_PUBLIC_KEY", signer_.public_key_hex()}};
        env.merge(more);
        server_ = launch_server(database_.url(), std::move(env), dir_.path());
        return wait_listening(*server_);
    }

    HttpResponse send(const std::string& body, bool forge = false) {
        const auto timestamp =
            std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count());
        auto signature = signer_.sign(timestamp + body);
        if (forge) signature[0] = signature[0] == 'a' ? 'b' : 'a';
        return post(server_->port(), kDiscordHook, body,
                    {{"X-Signature-Ed25519", signature}, {"X-Signature-Timestamp", timestamp}});
    }

    std::int64_t rows(const std::string& table) const { return count_rows(database_.url(), table); }

    test::Ed25519Signer signer_{kSeed};
    test::TempDir dir_;
    test::FreshDatabase database_{GetParam()};
    std::unique_ptr<ServerProcess> server_;
};

TEST_P(DiscordInteractions, PingSlashCommandAndForgery) {
    ASSERT_TRUE(start());
    const auto ping =
        send(R"({"type":1,"id":"1180000000000000001","application_id":"1170000000000000002",)"
             R"("token":"t","version":1})");
    ASSERT_EQ(ping.status, 200U) << ping.error << ping.body;
    EXPECT_EQ(nlohmann::json::parse(ping.body), nlohmann::json({{"type", 1}}));

    const auto meet =
        discord_interaction("1180000000000000011", "meet",
                            {{{"name", "date"}, {"type", 3}, {"value", "2025-02-04 11:00"}},
                             {{"name", "companies"}, {"type", 3}, {"value", "카카오, OpenAI"}},
                             {{"name", "with"}, {"type", 3}, {"value", "샘 알트먼"}},
                             {{"name", "notes"}, {"type", 3}, {"value", "연동 논의"}}});
    const auto answer = send(meet);
    ASSERT_EQ(answer.status, 200U) << answer.error << answer.body;
    const auto body = nlohmann::json::parse(answer.body);
    EXPECT_EQ(body["type"], 4) << answer.body;
    EXPECT_NE(answer.body.find("#1"), std::string::npos) << answer.body;
    EXPECT_NE(answer.body.find("카카오"), std::string::npos) << answer.body;
    EXPECT_EQ(body["data"]["allowed_mentions"],
              nlohmann::json({{"parse", nlohmann::json::array()}}));
    EXPECT_EQ(rows("meetings"), 1);
    EXPECT_EQ(rows("companies"), 2);

    // The same interaction again (a retry) changes nothing.
    EXPECT_EQ(send(meet).status, 200U);
    EXPECT_EQ(rows("meetings"), 1);

    const auto forged =
        send(discord_interaction("1180000000000000012", "meet",
                                 {{{"name", "companies"}, {"type", 3}, {"value", "Naver"}}}),
             true);
    EXPECT_EQ(forged.status, 401U) << forged.body;
    EXPECT_EQ(rows("meetings"), 1);
    EXPECT_EQ(rows("companies"), 2);
}

// /summary reads the whole workspace and may outlast Discord's 3 s: it is answered {"type":5}
// at once, and the summary replaces that "thinking…" answer through the interaction's webhook,
// sent once from the outbox (no bot token needed: the interaction token authorises it).
TEST_P(DiscordInteractions, ASlowCommandIsDeferredAndItsAnswerEditedIn) {
    test::ApiRecorder discord{[](const test::RecordedRequest&) {
        return test::CannedResponse{200, R"({"id":"1190000000000000001"})", {}};
    }};
    ASSERT_TRUE(start({{"INMAEK_DISCORD_API_BASE_URL", discord.base_url()},
                       {"INMAEK_OUTBOX_POLL_INTERVAL_MS", "100"}}));
    const auto meet = send(discord_interaction(
        "1180000000000000031", "meet",
        {{{"name", "date"}, {"type", 3}, {"value", "2025-02-04 11:00"}},
         {{"name", "companies"}, {"type", 3}, {"value", "카카오, OpenAI"}},
         {{"name", "notes"}, {"type", 3}, {"value", "카카오톡 × ChatGPT 연동 논의"}}}));
    ASSERT_EQ(meet.status, 200U) << meet.body;
    EXPECT_EQ(nlohmann::json::parse(meet.body)["type"], 4) << "a quick command is answered";

    const auto summary =
        send(discord_interaction("1180000000000000032", "summary",
                                 {{{"name", "day"}, {"type", 3}, {"value", "2025-02-04"}}}));
    ASSERT_EQ(summary.status, 200U) << summary.body;
    EXPECT_EQ(nlohmann::json::parse(summary.body), nlohmann::json({{"type", 5}}));
    ASSERT_TRUE(discord.wait_for(1, 10s)) << "the deferred answer was never edited in";
    std::this_thread::sleep_for(500ms);  // a second edit would have come by now
    const auto requests = discord.requests();
    ASSERT_EQ(requests.size(), 1U);
    EXPECT_EQ(requests[0].method, "PATCH");
    EXPECT_EQ(requests[0].target,
              "/api/v10/webhooks/1170000000000000002/aW50ZXJhY3Rpb24/messages/@original");
    EXPECT_EQ(requests[0].headers.count("authorization"), 0U);
    EXPECT_NE(requests[0].body.find("카카오"), std::string::npos) << requests[0].body;
    EXPECT_EQ(server_->log().find("aW50ZXJhY3Rpb24"), std::string::npos)
        << "the interaction token reached the log";
}

TEST_P(DiscordInteractions, RegisterCommandsPutsTheRoutersCommands) {
    test::ApiRecorder discord{[](const test::RecordedRequest&) {
        return test::CannedResponse{200, "[]", {}};
    }};
    const auto result = run_command(
        INMAEK_BINARY, {"discord", "register-commands", "--guild", "1160000000000000003"},
        {{"INMAEK_DATABASE_URL", database_.url()},
         {"INMAEK_LOG_LEVEL", "warn"},
         {"INMAEK_DISCORD_APPLICATION_ID", "1170000000000000002"},
         {"INMAEK_DISCORD_BOT_TOKEN", "MTE3.test-token_x"},
         {"INMAEK_DISCORD_API_BASE_URL", discord.base_url()}},
        dir_.path(), "");
    ASSERT_EQ(result.exit_status, 0) << result.out << result.err;
    const auto requests = discord.requests();
    ASSERT_EQ(requests.size(), 1U);
    EXPECT_EQ(requests[0].method, "PUT");
    EXPECT_EQ(requests[0].target,
              "/api/v10/applications/1170000000000000002/guilds/1160000000000000003/commands");
    EXPECT_EQ(requests[0].headers.at("authorization"), "Bot MTE3.test-token_x");
    const auto commands = nlohmann::json::parse(requests[0].body);
    ASSERT_TRUE(commands.is_array());
    bool has_meet = false;
    for (const auto& command : commands) has_meet = has_meet || command["name"] == "meet";
    EXPECT_TRUE(has_meet) << requests[0].body;
    EXPECT_EQ(result.out.find("MTE3.test-token_x"), std::string::npos);
    EXPECT_EQ(result.err.find("MTE3.test-token_x"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, DiscordInteractions, ::testing::ValuesIn(test::backends()),
                         test::backend_name);

}  // namespace
}  // namespace inmaek::e2e
