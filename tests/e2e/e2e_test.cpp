// End-to-end: the real `inmaek` binary on 127.0.0.1:0 with a temporary SQLite database,
// talked to over HTTP (and over stdin for `chat` and `demo`).
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sqlite3.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/e2e/server_process.hpp"

namespace inmaek::e2e {
namespace {

using namespace std::chrono_literals;

constexpr auto kStartTimeout = 15s;
constexpr std::int64_t kChatId = -1001234567890;
constexpr std::int64_t kMessageId = 4211;
constexpr std::string_view kTelegramHook = "/hooks/telegram";
constexpr std::string_view kGenericHook = "/hooks/generic";
constexpr std::string_view kSecretHeader = "X-Telegram-Bot-Api-Secret-Token";
constexpr std::size_t kTwoMebibytes = std::size_t{2} * 1024 * 1024;

std::string fixture(const std::string& name) {
    const std::string path = std::string{INMAEK_FIXTURES_DIR} + "/telegram/" + name;
    std::ifstream in{path, std::ios::binary};
    if (!in) throw std::runtime_error("cannot read fixture " + path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/// Row count of `table`, read through a separate read-only connection; -1 on error.
std::int64_t count_rows(const std::filesystem::path& database, const std::string& table,
                        std::string* error = nullptr) {
    sqlite3* db = nullptr;
    std::int64_t count = -1;
    if (sqlite3_open_v2(database.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_busy_timeout(db, 5000);
        sqlite3_stmt* statement = nullptr;
        const std::string sql = "SELECT COUNT(*) FROM " + table;
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK &&
            sqlite3_step(statement) == SQLITE_ROW) {
            count = sqlite3_column_int64(statement, 0);
        }
        sqlite3_finalize(statement);
    }
    if (count < 0 && error != nullptr) *error = db != nullptr ? sqlite3_errmsg(db) : "open failed";
    sqlite3_close(db);
    return count;
}

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest.data(), &length);
    static constexpr std::string_view kHex = "0123456789abcdef";
    std::string hex;
    for (unsigned int i = 0; i < length; ++i) {
        hex += kHex[digest[i] >> 4U];
        hex += kHex[digest[i] & 0x0FU];
    }
    return hex;
}

/// Replies printed by `inmaek chat`: plain text blocks separated by a blank line.
std::vector<std::string> split_replies(const std::string& output) {
    std::vector<std::string> replies;
    std::size_t start = 0;
    while (start < output.size()) {
        const auto end = output.find("\n\n", start);
        auto block =
            output.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (!block.empty()) replies.push_back(std::move(block));
        if (end == std::string::npos) break;
        start = end + 2;
    }
    return replies;
}

/// One server process per test, on its own temporary SQLite database.
class ServerTest : public ::testing::Test {
protected:
    void TearDown() override {
        if (HasFailure() && server_) {
            std::cerr << "---- inmaek log ----\n" << server_->log() << "--------------------\n";
        }
    }

    /// Starts `inmaek --database … serve --listen 127.0.0.1:0` and waits for its port.
    bool start(Environment env = {}) {
        env.emplace("INMAEK_LOG_LEVEL", "info");
        server_ = std::make_unique<ServerProcess>(
            INMAEK_BINARY,
            std::vector<std::string>{"--database", dir_.sqlite_url("inmaek.db"), "serve",
                                     "--listen", "127.0.0.1:0"},
            env, dir_.path());
        if (!server_->wait_for_port(kStartTimeout)) {
            ADD_FAILURE() << "the server did not report `listening on 127.0.0.1:<port>` within "
                          << kStartTimeout.count() << " s";
            return false;
        }
        return true;
    }

    [[nodiscard]] unsigned short port() const { return server_->port(); }

    std::int64_t rows(const std::string& table) const {
        std::string error;
        const auto count = count_rows(dir_.path() / "inmaek.db", table, &error);
        if (count < 0) ADD_FAILURE() << "counting " << table << ": " << error;
        return count;
    }

    TempDir dir_;
    std::unique_ptr<ServerProcess> server_;
};

class TelegramWebhook : public ServerTest {};
class GenericWebhook : public ServerTest {};
class HttpServer : public ServerTest {};

TEST_F(TelegramWebhook, KoreanMeetingUpdateIsStoredAndAnswered) {
    ASSERT_TRUE(start());
    const auto response = post(port(), kTelegramHook, fixture("korean_meeting.json"));
    ASSERT_EQ(response.status, 200U) << response.error << response.body;
    EXPECT_NE(response.header("content-type").find("application/json"), std::string::npos);
    const auto call = nlohmann::json::parse(response.body, nullptr, false);
    ASSERT_TRUE(call.is_object()) << response.body;
    EXPECT_EQ(call.value("method", ""), "sendMessage");
    EXPECT_EQ(call.value("parse_mode", ""), "HTML");
    ASSERT_TRUE(call.contains("chat_id") && call["chat_id"].is_number_integer()) << response.body;
    EXPECT_EQ(call["chat_id"].get<std::int64_t>(), kChatId);
    ASSERT_TRUE(call.contains("reply_parameters")) << response.body;
    EXPECT_EQ(call["reply_parameters"].value("message_id", std::int64_t{0}), kMessageId);
    const auto text = call.value("text", "");
    EXPECT_NE(text.find("회의 #1"), std::string::npos) << text;
    EXPECT_NE(text.find("2025-02-04 11:00 KST"), std::string::npos) << text;
    EXPECT_NE(text.find("카카오"), std::string::npos) << text;
    EXPECT_NE(text.find("OpenAI"), std::string::npos) << text;
    EXPECT_NE(text.find("샘 알트먼"), std::string::npos) << text;
    EXPECT_NE(text.find("케빈 와일"), std::string::npos) << text;

    EXPECT_EQ(rows("meetings"), 1);
    EXPECT_EQ(rows("companies"), 2);
    EXPECT_EQ(rows("contacts"), 2);
    EXPECT_EQ(rows("inbound_events"), 1);
    EXPECT_GE(rows("audit_log"), 1);
}

TEST_F(TelegramWebhook, RedeliveredUpdateIsStoredOnceAndAnsweredTheSame) {
    ASSERT_TRUE(start());
    const auto update = fixture("korean_meeting.json");
    HttpClient client{port()};
    const auto first = client.post(kTelegramHook, update);
    ASSERT_EQ(first.status, 200U) << first.error << first.body;
    ASSERT_FALSE(first.body.empty());
    for (int delivery = 2; delivery <= 20; ++delivery) {
        const auto again = client.post(kTelegramHook, update);
        ASSERT_EQ(again.status, 200U) << "delivery " << delivery << ": " << again.error;
        EXPECT_EQ(again.body, first.body) << "delivery " << delivery;
    }
    EXPECT_EQ(client.connections(), 1) << "keep-alive: all 20 deliveries should share a connection";
    EXPECT_EQ(rows("meetings"), 1);
    EXPECT_EQ(rows("companies"), 2);
    EXPECT_EQ(rows("inbound_events"), 1);
}

TEST_F(TelegramWebhook, WrongSecretIsRejectedAndNothingStored) {
    constexpr std::string_view kSecret = "s3cr3t_tok-E2E";
    ASSERT_TRUE(start({{"INMAEK_TELEGRAM_SECRET_TOKEN", std::string{kSecret}}}));
    const auto update = fixture("korean_meeting.json");

    const auto wrong =
        post(port(), kTelegramHook, update, {{std::string{kSecretHeader}, "s3cr3t_tok-E2F"}});
    EXPECT_EQ(wrong.status, 401U) << wrong.error << wrong.body;
    const auto prefix =
        post(port(), kTelegramHook, update, {{std::string{kSecretHeader}, "s3cr3t"}});
    EXPECT_EQ(prefix.status, 401U) << prefix.error << prefix.body;
    const auto missing = post(port(), kTelegramHook, update);
    EXPECT_EQ(missing.status, 401U) << missing.error << missing.body;
    EXPECT_EQ(rows("meetings"), 0);
    EXPECT_EQ(rows("inbound_events"), 0);

    const auto right =
        post(port(), kTelegramHook, update, {{std::string{kSecretHeader}, std::string{kSecret}}});
    EXPECT_EQ(right.status, 200U) << right.error << right.body;
    EXPECT_EQ(rows("meetings"), 1);
}

TEST_F(TelegramWebhook, MalformedJsonIs400) {
    ASSERT_TRUE(start());
    const auto truncated =
        post(port(), kTelegramHook, R"({"update_id":734512901,"message":{"text":"/회의)");
    EXPECT_EQ(truncated.status, 400U) << truncated.error << truncated.body;
    const auto not_object = post(port(), kTelegramHook, "[1,2,3]");
    EXPECT_EQ(not_object.status, 400U) << not_object.error << not_object.body;
    EXPECT_EQ(rows("inbound_events"), 0);
}

TEST_F(TelegramWebhook, NonMessageUpdateIsAcknowledgedAndNothingStored) {
    ASSERT_TRUE(start());
    for (const auto* name : {"edited_message.json", "channel_post.json", "sticker.json"}) {
        const auto response = post(port(), kTelegramHook, fixture(name));
        EXPECT_EQ(response.status, 200U) << name << ": " << response.error << response.body;
        EXPECT_EQ(response.body, "") << name;
    }
    EXPECT_EQ(rows("inbound_events"), 0);
    EXPECT_EQ(rows("meetings"), 0);
}

TEST_F(TelegramWebhook, OversizedBodyIs413) {
    ASSERT_TRUE(start());
    auto update = nlohmann::json::parse(fixture("korean_meeting.json"));
    update["message"]["text"] =
        "/회의 2025-02-04 11:00 @카카오 : " + std::string(kTwoMebibytes, 'x');
    const auto response = post(port(), kTelegramHook, update.dump());
    EXPECT_EQ(response.status, 413U) << response.error << response.body;
    EXPECT_EQ(rows("meetings"), 0);
    // The server stays up for the next caller.
    EXPECT_EQ(get(port(), "/healthz").status, 200U);
}

TEST_F(TelegramWebhook, NonUtf8TextIs400) {
    ASSERT_TRUE(start());
    auto update = fixture("korean_meeting.json");
    const auto at = update.find("카카오톡");
    ASSERT_NE(at, std::string::npos);
    update.insert(at, 1, '\xFF');
    const auto response = post(port(), kTelegramHook, update);
    EXPECT_EQ(response.status, 400U) << response.error << response.body;
    EXPECT_EQ(rows("meetings"), 0);
    EXPECT_EQ(rows("inbound_events"), 0);
}

TEST_F(HttpServer, HealthAndReadiness) {
    ASSERT_TRUE(start());
    const auto health = get(port(), "/healthz");
    EXPECT_EQ(health.status, 200U) << health.error << health.body;
    const auto ready = get(port(), "/readyz");
    EXPECT_EQ(ready.status, 200U) << ready.error << ready.body;
}

TEST_F(HttpServer, UnknownPathIs404) {
    ASSERT_TRUE(start());
    const auto unknown = get(port(), "/no/such/path");
    EXPECT_EQ(unknown.status, 404U) << unknown.error << unknown.body;
    const auto unknown_hook = post(port(), "/hooks/no-such-platform", "{}");
    EXPECT_EQ(unknown_hook.status, 404U) << unknown_hook.error << unknown_hook.body;
}

TEST_F(GenericWebhook, RequiresValidSignature) {
    constexpr std::string_view kSecret = "generic-e2e-secret";
    ASSERT_TRUE(start({{"INMAEK_GENERIC_SECRET", std::string{kSecret}}}));
    const std::string body =
        R"({"event_id":"evt-0001","chat_id":"partners","user":{"id":"u-1","name":"Minji Kim","locale":"en"},)"
        R"("text":"/meet 2025-02-04 11:00 @Kakao with Sam Altman : KakaoTalk x ChatGPT"})";
    auto signed_headers = [&](std::int64_t timestamp, std::string_view payload) {
        const auto ts = std::to_string(timestamp);
        return std::map<std::string, std::string>{
            {"X-Inmaek-Timestamp", ts},
            {"X-Inmaek-Signature",
             "v1=" + hmac_sha256_hex(kSecret, "v1:" + ts + ":" + std::string{payload})}};
    };
    const auto now = static_cast<std::int64_t>(std::time(nullptr));

    auto flipped = signed_headers(now, body);
    auto& signature = flipped["X-Inmaek-Signature"];
    signature.back() = signature.back() == '0' ? '1' : '0';
    const auto bad_signature = post(port(), kGenericHook, body, flipped);
    EXPECT_EQ(bad_signature.status, 401U) << bad_signature.error << bad_signature.body;

    const auto stale = post(port(), kGenericHook, body, signed_headers(now - 301, body));
    EXPECT_EQ(stale.status, 401U) << stale.error << stale.body;

    auto no_signature = signed_headers(now, body);
    no_signature.erase("X-Inmaek-Signature");
    const auto missing = post(port(), kGenericHook, body, no_signature);
    EXPECT_EQ(missing.status, 401U) << missing.error << missing.body;
    EXPECT_EQ(rows("meetings"), 0);

    const auto good = post(port(), kGenericHook, body, signed_headers(now, body));
    ASSERT_EQ(good.status, 200U) << good.error << good.body;
    const auto answer = nlohmann::json::parse(good.body, nullptr, false);
    ASSERT_TRUE(answer.is_object()) << good.body;
    EXPECT_EQ(answer.value("ok", false), true) << good.body;
    EXPECT_NE(answer.value("text", "").find("Meeting #1"), std::string::npos) << good.body;
    EXPECT_EQ(rows("meetings"), 1);
}

TEST_F(HttpServer, GracefulShutdownAnswersInFlightRequests) {
    ASSERT_TRUE(start());
    HttpClient client{port()};  // its kept-alive connection stays open across SIGTERM
    const auto response = client.post(kTelegramHook, fixture("korean_meeting.json"));
    ASSERT_EQ(response.status, 200U) << response.error << response.body;
    EXPECT_EQ(server_->stop(30s), 0);
    EXPECT_NE(server_->log().find("stopped"), std::string::npos);
    EXPECT_EQ(rows("meetings"), 1);
}

TEST(ChatConsole, ReadsPipedStdin) {
    TempDir dir;
    const std::string input =
        "/company add Kakao alias:카카오 industry:platform\n"
        "/meet today 11:00 @kakao with Sam Altman : KakaoTalk x ChatGPT\n"
        "/company 카카오\n";
    const auto result = run_command(INMAEK_BINARY,
                                    {"--database", dir.sqlite_url("c.db"), "chat", "--lang", "en",
                                     "--now", "2025-02-04T09:00:00+0900"},
                                    {{"INMAEK_LOG_LEVEL", "warn"}}, dir.path(), input);
    ASSERT_EQ(result.exit_status, 0) << result.out << result.err;
    EXPECT_NE(result.out.find("Company #1"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("Meeting #1"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("2025-02-04 11:00 KST"), std::string::npos) << result.out;
    const auto replies = split_replies(result.out);
    ASSERT_EQ(replies.size(), 3U) << result.out;
    const auto& card = replies.back();
    EXPECT_NE(card.find("Kakao"), std::string::npos) << card;
    EXPECT_NE(card.find("#1 2025-02-04"), std::string::npos) << "the card lists the meeting:\n"
                                                             << card;
    // @kakao found the company through its folded name: no second company was created.
    EXPECT_EQ(count_rows(dir.path() / "c.db", "companies"), 1);
    EXPECT_EQ(count_rows(dir.path() / "c.db", "meetings"), 1);
}

TEST(Demo, TellsTheSeedStory) {
    TempDir dir;
    const auto url = dir.sqlite_url("demo.db");
    const auto result =
        run_command(INMAEK_BINARY, {"--database", url, "demo"},
                    {{"INMAEK_DATABASE_URL", url}, {"INMAEK_LOG_LEVEL", "warn"}}, dir.path(), "");
    ASSERT_EQ(result.exit_status, 0) << result.out << result.err;
    EXPECT_NE(result.out.find("카카오"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("OpenAI"), std::string::npos) << result.out;
    EXPECT_TRUE(std::filesystem::exists(dir.path() / "demo.db"));
}

}  // namespace
}  // namespace inmaek::e2e
