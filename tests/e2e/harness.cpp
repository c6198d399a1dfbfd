#include "tests/e2e/harness.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <soci/soci.h>

#include <array>
#include <iostream>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "tests/support/postgres.hpp"

namespace inmaek::e2e {

std::string telegram_fixture(const std::string& name) {
    const std::string path = std::string{INMAEK_FIXTURES_DIR} + "/telegram/" + name;
    std::ifstream in{path, std::ios::binary};
    if (!in) throw std::runtime_error("cannot read fixture " + path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string telegram_update(std::int64_t update_id, std::string_view text, std::int64_t sender,
                            std::int64_t chat) {
    static const auto kTemplate = nlohmann::json::parse(telegram_fixture("korean_meeting.json"));
    auto update = kTemplate;
    update["update_id"] = update_id;
    update["message"]["message_id"] = update_id;
    update["message"]["text"] = text;
    update["message"].erase("entities");
    if (sender != 0) update["message"]["from"]["id"] = sender;
    if (chat != 0) update["message"]["chat"]["id"] = chat;
    return update.dump();
}

std::unique_ptr<ServerProcess> launch_server(const std::string& url, Environment env,
                                             const std::filesystem::path& cwd) {
    env["INMAEK_DATABASE_URL"] = url;
    env.emplace("INMAEK_LOG_LEVEL", "info");
    return std::make_unique<ServerProcess>(
        INMAEK_BINARY, std::vector<std::string>{"serve", "--listen", "127.0.0.1:0"}, env, cwd);
}

bool wait_listening(ServerProcess& server, std::chrono::milliseconds timeout) {
    if (server.wait_for_port(timeout)) return true;
    ADD_FAILURE() << "the server did not report `listening on 127.0.0.1:<port>` within "
                  << timeout.count() << " ms\n---- inmaek log ----\n"
                  << server.log() << "--------------------";
    return false;
}

std::int64_t query_number(const std::string& url, const std::string& sql) {
    // SQLite: wait up to 5 s for a server that holds the write lock, like the server does.
    const auto session =
        test::open_session(test::backend_of(url) == "sqlite3" ? url + " timeout=5" : url);
    long long number = 0;
    *session << sql, soci::into(number);
    return number;
}

std::int64_t await_number(const std::string& url, const std::string& sql, std::int64_t expected,
                          std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    auto number = query_number(url, sql);
    while (number != expected && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds{50});
        number = query_number(url, sql);
    }
    return number;
}

std::int64_t count_rows(const std::string& url, const std::string& table) {
    return query_number(url, "SELECT COUNT(*) FROM " + table);
}

Delivery deliver(HttpClient& client, std::string_view target, std::string_view body, int attempts,
                 std::chrono::milliseconds pause) {
    Delivery delivery;
    delivery.sent = std::chrono::steady_clock::now();
    while (delivery.attempts < attempts) {
        if (delivery.attempts > 0) std::this_thread::sleep_for(pause);
        ++delivery.attempts;
        delivery.response = client.post(target, body);
        const unsigned status = delivery.response.status;
        if (status == 503) ++delivery.unavailable;
        if (status != 503 && status != 0) break;
    }
    delivery.done = std::chrono::steady_clock::now();
    return delivery;
}

::testing::AssertionResult acknowledged(const Delivery& delivery) {
    const auto& response = delivery.response;
    if (response.status == 200) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << "status " << response.status << " after " << delivery.attempts
           << " deliveries: " << response.error << response.body;
}

std::string reply_text(const HttpResponse& response) {
    const auto call = nlohmann::json::parse(response.body, nullptr, false);
    if (!call.is_object()) return {};
    return call.value("text", "");
}

std::string discord_interaction(std::string_view id, std::string_view command,
                                const nlohmann::json& options) {
    return nlohmann::json{
        {"id", id},
        {"application_id", "1170000000000000002"},
        {"type", 2},
        {"token", "aW50ZXJhY3Rpb24"},
        {"version", 1},
        {"guild_id", "1160000000000000003"},
        {"channel_id", "1150000000000000004"},
        {"member", {{"user", {{"id", "1140000000000000005"}, {"username", "minji.kim"}}}}},
        {"data", {{"id", "1"}, {"name", command}, {"type", 1}, {"options", options}}},
        {"locale", "ko"}}
        .dump();
}

namespace {

/// HMAC-SHA256(key, data) and its length.
std::pair<std::array<unsigned char, EVP_MAX_MD_SIZE>, unsigned int> hmac_sha256(
    std::string_view key, std::string_view data) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest.data(), &length);
    return {digest, length};
}

}  // namespace

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
    const auto [digest, length] = hmac_sha256(key, data);
    static constexpr std::string_view kDigits = "0123456789abcdef";
    std::string hex;
    for (unsigned int i = 0; i < length; ++i) {
        hex += kDigits[digest[i] >> 4U];
        hex += kDigits[digest[i] & 0x0FU];
    }
    return hex;
}

std::string hmac_sha256_base64(std::string_view key, std::string_view data) {
    const auto [digest, length] = hmac_sha256(key, data);
    std::array<unsigned char, 4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1> encoded{};
    const int size = EVP_EncodeBlock(encoded.data(), digest.data(), static_cast<int>(length));
    return {reinterpret_cast<const char*>(encoded.data()), static_cast<std::size_t>(size)};
}

CommandResult run_configured(const std::vector<std::string>& args, Environment env) {
    const test::TempDir dir;
    env.emplace("INMAEK_DATABASE_URL", "sqlite3://db=" + (dir.path() / "config.db").string());
    return run_command(INMAEK_BINARY, args, env, dir.path(), "", std::chrono::seconds{20});
}

MessengerEndToEnd::MessengerEndToEnd(test::ApiRecorder::Responder api,
                                     std::vector<std::string> secrets)
    : api_(std::move(api)), secrets_(std::move(secrets)) {}

void MessengerEndToEnd::start(Environment env) {
    env.emplace("INMAEK_OUTBOX_POLL_INTERVAL_MS", "100");
    server_ = launch_server(database_.url(), std::move(env), dir_.path());
    ASSERT_TRUE(wait_listening(*server_));
}

void MessengerEndToEnd::TearDown() {
    if (HasFailure() && server_) {
        std::cerr << "---- inmaek log ----\n" << server_->log() << "--------------------\n";
    }
    if (server_) {
        const auto log = server_->log();
        for (const auto& secret : secrets_) {
            EXPECT_EQ(log.find(secret), std::string::npos) << secret << " reached the log";
        }
    }
    server_.reset();
}

std::int64_t MessengerEndToEnd::number(const std::string& sql) const {
    return query_number(database_.url(), sql);
}

std::int64_t MessengerEndToEnd::awaited_number(const std::string& sql,
                                               std::int64_t expected) const {
    return await_number(database_.url(), sql, expected);
}

}  // namespace inmaek::e2e
