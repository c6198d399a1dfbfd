// /export delivered as a file, end to end on SQLite and PostgreSQL: the real binary, requests
// signed as each platform signs them, and a local server playing the platform's API
// (test::ApiRecorder). Telegram gets sendDocument, Slack the getUploadURLExternal → upload →
// completeUploadExternal flow, Discord a follow-up with payload_json and files[0]; each upload is
// a well-formed multipart body whose file is the workspace's CSV and nothing of another
// workspace's, made in a temporary file that is gone afterwards. An upload the platform refuses
// for good is followed by the signed download link.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e/harness.hpp"
#include "tests/e2e/server_process.hpp"
#include "tests/support/api_recorder.hpp"
#include "tests/support/ed25519.hpp"
#include "tests/support/multipart_reader.hpp"
#include "tests/support/postgres.hpp"

namespace inmaek::e2e {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::string_view kCompanyHeader =
    "id,name,aliases,industry,site,tier,note,created_at\r\n";
constexpr auto kTelegramToken = "7000000001:AAE-export_file_token";
constexpr auto kSlackToken = "xoxb-1-export-file-token";
constexpr auto kSlackSecret = "e2e_slack_signing_secret_export_0123";
constexpr auto kDiscordSeed = "3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c";
constexpr std::int64_t kTeamChat = -1001234567890;
constexpr std::int64_t kMinji = 5012345678;
constexpr auto kCompanies =
    "Company name,Industry\n카카오,Internet\n\"Samsung Electronics, Ltd.\",Semiconductors\n";
constexpr auto kOtherCompanies = "Company name\nOther Corp\n";

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string hex(const unsigned char* bytes, unsigned size) {
    constexpr std::string_view kDigits = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < size; ++i) {
        out += kDigits[bytes[i] >> 4U];
        out += kDigits[bytes[i] & 0x0FU];
    }
    return out;
}

std::map<std::string, std::string> slack_headers(std::string_view body) {
    const auto timestamp = std::to_string(unix_now());
    const std::string message = "v0:" + timestamp + ":" + std::string{body};
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    HMAC(EVP_sha256(), kSlackSecret, static_cast<int>(std::string_view{kSlackSecret}.size()),
         reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest.data(),
         &length);
    return {{"X-Slack-Request-Timestamp", timestamp},
            {"X-Slack-Signature", "v0=" + hex(digest.data(), length)},
            {"Content-Type", "application/x-www-form-urlencoded"}};
}

class ExportFiles : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override { std::filesystem::create_directories(tmp_); }

    void TearDown() override {
        if (HasFailure() && server_) {
            std::cerr << "---- inmaek log ----\n" << server_->log() << "--------------------\n";
        }
        if (server_) {
            const auto log = server_->log();
            for (const auto* secret : {kTelegramToken, kSlackToken, kSlackSecret}) {
                EXPECT_EQ(log.find(secret), std::string::npos) << "a secret reached the log";
            }
            EXPECT_EQ(log.find("aW50ZXJhY3Rpb24"), std::string::npos)
                << "the interaction token reached the log";
        }
        server_.reset();
    }

    CommandResult cli(const std::vector<std::string>& args) const {
        return run_command(INMAEK_BINARY, args,
                           {{"INMAEK_DATABASE_URL", database_.url()}, {"INMAEK_LOG_LEVEL", "warn"}},
                           dir_.path(), "");
    }

    /// Two workspaces: `chat` of `platform` in "BD team" with 카카오 and Samsung, another with
    /// Other Corp.
    void two_workspaces(const std::string& platform, const std::string& chat) {
        ASSERT_EQ(cli({"workspace", "link", "--platform", platform, "--chat", chat, "--workspace",
                       "BD team"})
                      .exit_status,
                  0);
        ASSERT_EQ(cli({"workspace", "link", "--platform", platform, "--chat", "-200", "--workspace",
                       "Other team"})
                      .exit_status,
                  0);
        const auto write = [&](const std::string& name, std::string_view text) {
            std::ofstream{dir_.path() / name, std::ios::binary} << text;
            return (dir_.path() / name).string();
        };
        ASSERT_EQ(cli({"import", "companies", write("a.csv", kCompanies), "--workspace", "BD team"})
                      .exit_status,
                  0);
        ASSERT_EQ(cli({"import", "companies", write("b.csv", kOtherCompanies), "--workspace",
                       "Other team"})
                      .exit_status,
                  0);
    }

    bool start(Environment env) {
        env["INMAEK_OUTBOX_POLL_INTERVAL_MS"] = "100";
        env["INMAEK_OUTBOX_BACKOFF_INITIAL_SECONDS"] = "1";
        env["INMAEK_SERVER_EXPORT_SECRET"] = "e2e-export-files-secret-0123456789";
        env["TMPDIR"] = tmp_.string();
        server_ = launch_server(database_.url(), std::move(env), dir_.path());
        return wait_listening(*server_);
    }

    /// The CSV file of a recorded upload, after checking its body is well-formed multipart.
    static std::string uploaded_csv(const test::RecordedRequest& request, std::string_view field,
                                    std::string* filename = nullptr) {
        const auto form = test::read_multipart(request.headers.at("content-type"), request.body);
        EXPECT_TRUE(form.error.empty()) << form.error;
        const auto* part = form.part(field);
        EXPECT_NE(part, nullptr) << "no part " << field;
        if (part == nullptr) return {};
        EXPECT_EQ(part->content_type, "text/csv");
        if (filename != nullptr) *filename = part->filename;
        return part->data;
    }

    /// The CSV is BD team's companies: BOM, header, its two rows, nothing of the other team.
    static void expect_bd_team_companies(const std::string& csv) {
        EXPECT_TRUE(csv.starts_with(std::string{kBom} + std::string{kCompanyHeader})) << csv;
        EXPECT_NE(csv.find(",카카오,,Internet,"), std::string::npos) << csv;
        EXPECT_NE(csv.find(",\"Samsung Electronics, Ltd.\",,Semiconductors,"), std::string::npos)
            << csv;
        EXPECT_EQ(csv.find("Other Corp"), std::string::npos) << "another workspace's row";
        EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 3) << csv;
    }

    /// True once the server's temporary directory holds no export file (bounded).
    bool temporary_files_gone() const {
        for (int i = 0; i < 50; ++i) {
            if (std::filesystem::is_empty(tmp_)) return true;
            std::this_thread::sleep_for(100ms);
        }
        return false;
    }

    std::int64_t number(const std::string& sql) const { return query_number(database_.url(), sql); }

    /// BD team's Discord channel, the server started without a bot token against `discord`, and
    /// `/export companies` typed there as interaction `interaction_id`: the webhook's answer.
    HttpResponse discord_export(const test::ApiRecorder& discord,
                                const std::string& interaction_id) {
        two_workspaces("discord", "1160000000000000003/1150000000000000004");
        const test::Ed25519Signer signer{kDiscordSeed};
        if (!start({{"INMAEK_DISCORD_ENABLED", "true"},
                    {"INMAEK_DISCORD_PUBLIC_KEY", signer.public_key_hex()},
                    {"INMAEK_DISCORD_API_BASE_URL", discord.base_url()}})) {
            return {};
        }
        const auto body = discord_interaction(
            interaction_id, "export", {{{"name", "text"}, {"type", 3}, {"value", "companies"}}});
        const auto timestamp = std::to_string(unix_now());
        return post(server_->port(), "/hooks/discord", body,
                    {{"X-Signature-Ed25519", signer.sign(timestamp + body)},
                     {"X-Signature-Timestamp", timestamp}});
    }

    test::TempDir dir_;
    std::filesystem::path tmp_ = dir_.path() / "tmp";
    test::FreshDatabase database_{GetParam()};
    std::unique_ptr<ServerProcess> server_;
};

INSTANTIATE_TEST_SUITE_P(Backends, ExportFiles, ::testing::ValuesIn(test::backends()),
                         test::backend_name);

TEST_P(ExportFiles, TelegramGetsTheCsvThroughSendDocument) {
    two_workspaces("telegram", std::to_string(kTeamChat));
    test::ApiRecorder telegram;
    ASSERT_TRUE(start({{"INMAEK_TELEGRAM_BOT_TOKEN", kTelegramToken},
                       {"INMAEK_TELEGRAM_API_BASE_URL", telegram.base_url()}}));

    HttpClient client{server_->port()};
    const auto response =
        client.post(kTelegramHook, telegram_update(41, "/export companies", kMinji, kTeamChat));
    ASSERT_EQ(response.status, 200U) << response.body;
    const auto said = reply_text(response);
    EXPECT_NE(said.find("CSV"), std::string::npos) << said;
    EXPECT_EQ(said.find("/exports/"), std::string::npos) << "the file comes, not a link: " << said;

    ASSERT_TRUE(telegram.wait_for(1, 15s)) << "no sendDocument arrived";
    const auto request = telegram.requests().front();
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.target, std::string{"/bot"} + kTelegramToken + "/sendDocument");
    std::string filename;
    expect_bd_team_companies(uploaded_csv(request, "document", &filename));
    EXPECT_TRUE(std::regex_match(filename, std::regex{R"(inmaek-companies-\d{4}-\d\d-\d\d\.csv)"}))
        << filename;
    const auto form = test::read_multipart(request.headers.at("content-type"), request.body);
    EXPECT_EQ(form.part("chat_id")->data, std::to_string(kTeamChat));
    ASSERT_NE(form.part("reply_parameters"), nullptr);
    EXPECT_EQ(nlohmann::json::parse(form.part("reply_parameters")->data)["message_id"], 41);
    EXPECT_NE(form.part("caption")->data.find("CSV"), std::string::npos);

    EXPECT_TRUE(temporary_files_gone()) << "the export's temporary file was left behind";
    EXPECT_EQ(
        await_number(database_.url(),
                     "SELECT COUNT(*) FROM outbox WHERE kind = 'file' AND status = 'sent'", 1),
        1);
    std::this_thread::sleep_for(500ms);
    EXPECT_EQ(telegram.count(), 1U) << "one file, sent once";
}

TEST_P(ExportFiles, ARefusedUploadIsFollowedByTheDownloadLink) {
    two_workspaces("telegram", std::to_string(kTeamChat));
    test::ApiRecorder telegram{[](const test::RecordedRequest& request) {
        if (request.target.ends_with("/sendDocument")) {
            return test::CannedResponse{
                400,
                R"({"ok":false,"error_code":400,"description":"Bad Request: file too big"})",
                {}};
        }
        return test::CannedResponse{};
    }};
    ASSERT_TRUE(start({{"INMAEK_TELEGRAM_BOT_TOKEN", kTelegramToken},
                       {"INMAEK_TELEGRAM_API_BASE_URL", telegram.base_url()}}));
    HttpClient client{server_->port()};
    ASSERT_EQ(
        client.post(kTelegramHook, telegram_update(42, "/내보내기 회사", kMinji, kTeamChat)).status,
        200U);
    ASSERT_TRUE(telegram.wait_for(2, 15s)) << "no link followed the refused file";
    const auto requests = telegram.requests();
    EXPECT_TRUE(requests[0].target.ends_with("/sendDocument"));
    ASSERT_TRUE(requests[1].target.ends_with("/sendMessage"));
    const auto text = nlohmann::json::parse(requests[1].body).value("text", "");
    std::smatch link;
    ASSERT_TRUE(std::regex_search(text, link, std::regex{"/exports/[0-9a-z.]+"})) << text;
    EXPECT_NE(text.find("링크"), std::string::npos) << "in the asker's language: " << text;

    const auto download = client.get(link.str());
    ASSERT_EQ(download.status, 200U) << download.body;
    expect_bd_team_companies(download.body);
    EXPECT_EQ(number("SELECT COUNT(*) FROM outbox WHERE kind = 'file' AND status = 'dead'"), 1);
    EXPECT_TRUE(temporary_files_gone());
}

TEST_P(ExportFiles, SlackGetsTheCsvThroughTheExternalUploadFlow) {
    two_workspaces("slack", "T0CRM0001/C0PARTNER1");
    test::ApiRecorder slack;
    const auto base = slack.base_url();
    slack.set_responder([base](const test::RecordedRequest& request) {
        if (request.target == "/api/files.getUploadURLExternal") {
            return test::CannedResponse{
                200,
                nlohmann::json{{"ok", true},
                               {"upload_url", base + "/upload/v1/F0EXPORT1"},
                               {"file_id", "F0EXPORT1"}}
                    .dump(),
                {}};
        }
        if (request.target.starts_with("/upload/")) return test::CannedResponse{200, "OK - 1", {}};
        return test::CannedResponse{200, R"({"ok":true,"user":{"real_name":"Minji Kim"}})", {}};
    });
    ASSERT_TRUE(start({{"INMAEK_SLACK_ENABLED", "true"},
                       {"INMAEK_SLACK_SIGNING_SECRET", kSlackSecret},
                       {"INMAEK_SLACK_BOT_TOKEN", kSlackToken},
                       {"INMAEK_SLACK_API_BASE_URL", base}}));
    const std::string command =
        "token=x&team_id=T0CRM0001&team_domain=partners&channel_id=C0PARTNER1&channel_name=partners"
        "&user_id=U0KIMMINJ&user_name=minji.kim&command=%2Finmaek&text=export+companies"
        "&api_app_id=A0CRM0001&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2F1"
        "&trigger_id=1111.2222.aaaa";
    const auto answer =
        post(server_->port(), "/hooks/slack/commands", command, slack_headers(command));
    ASSERT_EQ(answer.status, 200U) << answer.body;
    EXPECT_NE(answer.body.find("CSV"), std::string::npos) << answer.body;
    EXPECT_EQ(answer.body.find("/exports/"), std::string::npos) << answer.body;

    // getUploadURLExternal, the bytes, completeUploadExternal (users.info may come between).
    const auto flow = [&] {
        std::vector<test::RecordedRequest> calls;
        for (auto& request : slack.requests()) {
            if (!request.target.starts_with("/api/users.")) calls.push_back(std::move(request));
        }
        return calls;
    };
    for (int i = 0; i < 150 && flow().size() < 3; ++i) std::this_thread::sleep_for(100ms);
    const auto calls = flow();
    ASSERT_EQ(calls.size(), 3U);
    EXPECT_EQ(calls[0].target, "/api/files.getUploadURLExternal");
    EXPECT_EQ(calls[0].headers.at("authorization"), std::string{"Bearer "} + kSlackToken);
    EXPECT_EQ(calls[0].headers.at("content-type"), "application/x-www-form-urlencoded");
    EXPECT_NE(calls[0].body.find("filename=inmaek-companies-"), std::string::npos) << calls[0].body;

    EXPECT_EQ(calls[1].target, "/upload/v1/F0EXPORT1");
    const auto csv = uploaded_csv(calls[1], "filename");
    expect_bd_team_companies(csv);
    EXPECT_NE(calls[0].body.find("&length=" + std::to_string(csv.size())), std::string::npos)
        << "the length announced is the file's: " << calls[0].body;

    EXPECT_EQ(calls[2].target, "/api/files.completeUploadExternal");
    EXPECT_NE(calls[2].body.find("channel_id=C0PARTNER1"), std::string::npos) << calls[2].body;
    EXPECT_NE(calls[2].body.find("F0EXPORT1"), std::string::npos) << calls[2].body;
    EXPECT_TRUE(temporary_files_gone());
}

TEST_P(ExportFiles, DiscordGetsTheCsvAsAnInteractionFollowUp) {
    test::ApiRecorder discord{[](const test::RecordedRequest&) {
        return test::CannedResponse{200, R"({"id":"1190000000000000001"})", {}};
    }};
    const auto answer = discord_export(discord, "1180000000000000051");
    ASSERT_EQ(answer.status, 200U) << answer.body;

    const auto uploads = [&] {
        std::vector<test::RecordedRequest> found;
        for (auto& request : discord.requests()) {
            if (request.method == "POST") found.push_back(std::move(request));
        }
        return found;
    };
    for (int i = 0; i < 150 && uploads().empty(); ++i) std::this_thread::sleep_for(100ms);
    const auto posts = uploads();
    ASSERT_EQ(posts.size(), 1U);
    EXPECT_EQ(posts[0].target, "/api/v10/webhooks/1170000000000000002/aW50ZXJhY3Rpb24");
    EXPECT_EQ(posts[0].headers.count("authorization"), 0U) << "the interaction token authorises";
    std::string filename;
    expect_bd_team_companies(uploaded_csv(posts[0], "files[0]", &filename));
    const auto form = test::read_multipart(posts[0].headers.at("content-type"), posts[0].body);
    ASSERT_NE(form.part("payload_json"), nullptr);
    EXPECT_EQ(form.part("payload_json")->content_type, "application/json");
    const auto payload = nlohmann::json::parse(form.part("payload_json")->data);
    EXPECT_EQ(payload["attachments"][0]["id"], 0);
    EXPECT_EQ(payload["attachments"][0]["filename"], filename);
    EXPECT_TRUE(temporary_files_gone());
}

TEST_P(ExportFiles, ARefusedDiscordUploadIsFollowedByTheLinkWithoutABotToken) {
    // No bot token: the link goes as a follow-up of the same interaction, as the file did.
    test::ApiRecorder discord{[](const test::RecordedRequest& request) {
        if (request.headers.count("content-type") != 0 &&
            request.headers.at("content-type").starts_with("multipart/")) {
            return test::CannedResponse{
                400, R"({"message":"Request entity too large","code":40005})", {}};
        }
        return test::CannedResponse{200, R"({"id":"1190000000000000001"})", {}};
    }};
    ASSERT_EQ(discord_export(discord, "1180000000000000052").status, 200U);
    const auto follow_ups = [&] {
        std::vector<test::RecordedRequest> found;
        for (auto& request : discord.requests()) {
            if (request.method == "POST" &&
                request.headers.at("content-type").starts_with("application/json")) {
                found.push_back(std::move(request));
            }
        }
        return found;
    };
    for (int i = 0; i < 150 && follow_ups().empty(); ++i) std::this_thread::sleep_for(100ms);
    const auto posts = follow_ups();
    ASSERT_EQ(posts.size(), 1U) << "one link after the refused file";
    EXPECT_EQ(posts[0].target, "/api/v10/webhooks/1170000000000000002/aW50ZXJhY3Rpb24");
    EXPECT_EQ(posts[0].headers.count("authorization"), 0U) << "the interaction token authorises";
    EXPECT_TRUE(std::regex_search(posts[0].body, std::regex{"/exports/[0-9a-z.]+"}))
        << posts[0].body;
    EXPECT_EQ(await_number(database_.url(),
                           "SELECT COUNT(*) FROM outbox WHERE dedupe_key LIKE 'file-link:%' AND "
                           "status = 'sent'",
                           1),
              1);
    EXPECT_TRUE(temporary_files_gone());
}

}  // namespace
}  // namespace inmaek::e2e
