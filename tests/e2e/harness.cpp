#include "tests/e2e/harness.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

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

}  // namespace inmaek::e2e
