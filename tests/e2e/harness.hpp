#pragma once
// What the end-to-end tests share beyond a process and an HTTP client: starting `inmaek serve` on
// a database URL (a test::FreshDatabase of either backend), Telegram updates built from the
// fixtures, counting rows, posting the way a platform does (retrying 503s), signing as the
// messengers sign, and the fixture of a messenger whose API a test::ApiRecorder plays.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tests/e2e/server_process.hpp"
#include "tests/support/api_recorder.hpp"
#include "tests/support/postgres.hpp"

namespace inmaek::e2e {

constexpr std::string_view kTelegramHook = "/hooks/telegram";
constexpr auto kStartTimeout = std::chrono::seconds{30};

/// The text of tests/fixtures/telegram/<name>.
std::string telegram_fixture(const std::string& name);

/// korean_meeting.json with another update_id, message_id (the same number) and text; `sender`
/// replaces from.id and `chat` chat.id when not 0.
std::string telegram_update(std::int64_t update_id, std::string_view text, std::int64_t sender = 0,
                            std::int64_t chat = 0);

/// `inmaek serve --listen 127.0.0.1:0` with INMAEK_DATABASE_URL=url (and INMAEK_LOG_LEVEL=info
/// unless env sets it), started without waiting for it.
std::unique_ptr<ServerProcess> launch_server(const std::string& url, Environment env,
                                             const std::filesystem::path& cwd);

/// Waits until the server listens; a test failure naming the log when it does not.
bool wait_listening(ServerProcess& server, std::chrono::milliseconds timeout = kStartTimeout);

/// The single integer a query yields (COUNT(*), MAX(…)), read through a connection of its own
/// on the database of `url` (either backend). Throws on a failing query.
std::int64_t query_number(const std::string& url, const std::string& sql);

/// query_number, read again every 50 ms until it yields `expected` or `timeout` passes; the last
/// value read. For state the server writes just after the step a test waited for (an outbox row
/// marked sent once the platform's API has answered).
std::int64_t await_number(const std::string& url, const std::string& sql, std::int64_t expected,
                          std::chrono::milliseconds timeout = std::chrono::seconds{5});

/// SELECT COUNT(*) FROM table.
std::int64_t count_rows(const std::string& url, const std::string& table);

/// How a platform delivers: a 503 or a failed connection is delivered again after `pause`, up
/// to `attempts` deliveries in all.
struct Delivery {
    HttpResponse response;                       ///< the last answer
    int attempts = 0;                            ///< deliveries made
    int unavailable = 0;                         ///< 503 answers among them
    std::chrono::steady_clock::time_point sent;  ///< the first delivery left
    std::chrono::steady_clock::time_point done;  ///< the last answer came
};
Delivery deliver(HttpClient& client, std::string_view target, std::string_view body,
                 int attempts = 50,
                 std::chrono::milliseconds pause = std::chrono::milliseconds{50});

/// Success when the delivery ended in a 200; else a failure that shows the answer.
::testing::AssertionResult acknowledged(const Delivery& delivery);

/// A Discord slash command interaction (type 2) in the partners' guild channel, from minji.kim,
/// with its application id and token; `options` is data.options.
std::string discord_interaction(std::string_view id, std::string_view command,
                                const nlohmann::json& options);

/// The "text" of a Telegram sendMessage answer, "" when the body is not one.
std::string reply_text(const HttpResponse& response);

/// Lower-case hex of HMAC-SHA256(key, data), computed here with OpenSSL rather than by the code
/// under test.
std::string hmac_sha256_hex(std::string_view key, std::string_view data);
/// Base64 of HMAC-SHA256(key, data), likewise.
std::string hmac_sha256_base64(std::string_view key, std::string_view data);

/// `inmaek <args>` with `env` and a SQLite database of its own, run to completion: for the
/// checks of the configuration, which need no server.
CommandResult run_configured(const std::vector<std::string>& args, Environment env);

/// A messenger end to end on the backend of the test's parameter: `inmaek serve` on a fresh
/// database with the messenger's settings, and a real HTTP server (test::ApiRecorder) playing its
/// API. At the end the server's log is shown when the test failed, and must hold none of the
/// fixture's secrets.
class MessengerEndToEnd : public ::testing::TestWithParam<std::string> {
protected:
    MessengerEndToEnd(test::ApiRecorder::Responder api, std::vector<std::string> secrets);
    void TearDown() override;

    /// Starts the server with `env` (the outbox polled every 100 ms unless it says otherwise);
    /// a fatal failure when it does not listen.
    void start(Environment env);
    /// The single number `sql` yields on the test's database.
    std::int64_t number(const std::string& sql) const;
    /// await_number on the test's database.
    std::int64_t awaited_number(const std::string& sql, std::int64_t expected) const;

    test::TempDir dir_;
    test::FreshDatabase database_{GetParam()};
    test::ApiRecorder api_;
    std::unique_ptr<ServerProcess> server_;

private:
    std::vector<std::string> secrets_;
};

}  // namespace inmaek::e2e
