#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace inmaek::bot {

/// Everything the process reads at start; see deploy/inmaek.example.toml for each key.
struct Config {
    struct Server {
        std::string listen = "127.0.0.1:8080";
        std::size_t io_threads = 1;
        std::size_t body_limit = 1 << 20;
        std::size_t header_limit = 16384;
        int read_timeout_ms = 10000;
        int idle_timeout_ms = 60000;
        int shutdown_grace_ms = 10000;
        /// How the world reaches this server ("https://crm.example.com"), for links the bot
        /// sends (/export downloads); empty: http://<the bound address>.
        std::string public_url;
        std::string export_secret;     // secret: signs /export links; empty: one is generated
                                       // and kept in the database (server_secrets)
        int export_link_minutes = 15;  // how long an /export link works
    } server;
    struct Database {
        std::string url = "sqlite3://db=var/inmaek.db";
        std::size_t pool_size = 1;
        int busy_timeout_ms = 5000;
        std::size_t batch_max = 64;
    } database;
    struct Workspace {
        std::string default_time_zone = "Asia/Seoul";
        std::string default_language = "ko";
        std::string binding = "auto";     // auto | linked
        std::vector<std::string> admins;  // "telegram:12345"
    } workspace;
    struct Telegram {
        bool enabled = true;
        std::string secret_token;
        std::string bot_username;
        bool allow_missing_secret = false;
        std::string reply_mode = "webhook";  // webhook | api (sendMessage from the outbox)
        std::string bot_token;               // secret; needed for reply_mode api and pushes
        std::string api_base_url = "https://api.telegram.org";
    } telegram;
    struct Slack {
        bool enabled = false;
        std::string signing_secret;  // secret: verifies every request Slack sends
        std::string bot_token;       // secret (xoxb-…): chat.postMessage from the outbox
        std::string bot_user_id;     // optional; else taken from each event's authorizations
        std::string slash_command = "/inmaek";
        std::string api_base_url = "https://slack.com";
    } slack;
    struct Line {
        bool enabled = false;
        std::string channel_secret;        // secret: verifies every webhook (x-line-signature)
        std::string channel_access_token;  // secret: reply and push API calls from the outbox
        std::string api_base_url = "https://api.line.me";
    } line;
    struct Generic {
        bool enabled = true;
        std::string secret;
    } generic;
    struct Discord {
        bool enabled = false;
        std::string public_key;      // the application's, from the developer portal (64 hex)
        std::string application_id;  // for `inmaek discord register-commands`
        std::string bot_token;       // secret; channel messages (summaries) and registration
        std::string api_base_url = "https://discord.com";
    } discord;
    struct Kakao {
        bool enabled = false;
        std::string skill_secret;  // secret: last path segment of both Kakao webhook URLs
        std::string rest_api_key;  // secret: "KakaoAK" key of the Event API (pushes)
        std::string bot_token;     // secret: Kakao Talk Bot API key; empty: rest_api_key
        std::string event_name = "inmaek_push";  // the Open Builder event a push triggers
        std::string api_base_url = "https://bot-api.kakao.com";
        std::string bot_api_base_url = "https://kapi.kakao.com";
    } kakao;
    struct Outbox {
        std::size_t batch = 32;
        int poll_interval_ms = 1000;
        int lease_seconds = 60;
        int max_attempts = 8;
        int backoff_initial_seconds = 2;
        int backoff_max_seconds = 3600;
    } outbox;
    struct Scheduler {
        bool enabled = true;
        int tick_seconds = 15;
        int late_window_minutes = 360;
        std::string reminder_time = "09:00";  // local time of the follow-up reminders
        /// Tests and demos only: the scheduler's clock starts at this instant (ISO 8601 with an
        /// offset, "2025-02-04T08:59:50+09:00") and runs at real speed. Empty: the real clock.
        std::string clock_start;
    } scheduler;
    struct Log {
        std::string level = "info";
        std::string format = "text";  // text | json
    } log;
};

/// A configuration that cannot be used; the message names the offending key.
class ConfigError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Reads one environment variable; injectable so tests need not touch the real environment.
using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;

/// The process environment (getenv).
std::optional<std::string> process_env(std::string_view name);

/// Loads an optional TOML file, then applies environment overrides INMAEK_<SECTION>_<KEY>
/// (e.g. INMAEK_SERVER_LISTEN, INMAEK_DATABASE_URL, INMAEK_TELEGRAM_SECRET_TOKEN); empty
/// variables count as unset. Secrets (telegram.secret_token, telegram.bot_token,
/// discord.bot_token, slack.signing_secret, slack.bot_token, kakao.skill_secret,
/// kakao.rest_api_key, kakao.bot_token, line.channel_secret, line.channel_access_token,
/// generic.secret,
/// and a database.url
/// carrying a password) may also be given as `<key>_file` = path to a file whose trimmed content
/// is the value, and are refused when written inline in the TOML file. Validates everything;
/// throws ConfigError whose message names the offending key, e.g.
/// "server.listen: expected host:port, got 'abc'". A missing secret is not an error here.
Config load_config(const std::optional<std::filesystem::path>& file,
                   const EnvLookup& env = process_env);

/// One-screen summary for `inmaek config` and the start-up log; secrets show as "(set)" or
/// "(not set)", a database password as "***".
std::string describe(const Config& config);

/// "09:00" as minutes after midnight; nullopt unless HH:MM.
std::optional<int> parse_local_time(std::string_view text);

/// An ISO 8601 instant with an offset ("2025-02-04T08:59:50+09:00"); nullopt otherwise.
std::optional<std::chrono::sys_seconds> parse_instant(std::string_view text);

/// server.listen split into host and port ("[::1]:8080" gives host "::1").
struct ListenAddress {
    std::string host;
    unsigned short port = 0;
};

/// Parses host:port (IPv6 hosts in brackets); throws ConfigError naming server.listen.
ListenAddress parse_listen(std::string_view listen);

}  // namespace inmaek::bot
