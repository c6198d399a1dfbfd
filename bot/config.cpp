#include "bot/config.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <regex>
#include <sstream>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>

#include <date/tz.h>
#include <fmt/format.h>
#include <toml++/toml.h>

#include "storage/url.hpp"

namespace inmaek::bot {

namespace {

using Target = std::variant<std::string*, std::size_t*, int*, bool*, std::vector<std::string>*>;

/// A plain (non-secret) key: where it lives in the file, the environment and the struct.
struct Field {
    std::string_view section;
    std::string_view key;
    Target target;
};

/// A secret: never inline in the file; from INMAEK_<S>_<K>, INMAEK_<S>_<K>_FILE or <k>_file.
struct Secret {
    std::string_view section;
    std::string_view key;
    std::string* target;
};

std::vector<Field> fields_of(Config& c) {
    return {
        {"server", "listen", &c.server.listen},
        {"server", "io_threads", &c.server.io_threads},
        {"server", "body_limit", &c.server.body_limit},
        {"server", "header_limit", &c.server.header_limit},
        {"server", "read_timeout_ms", &c.server.read_timeout_ms},
        {"server", "idle_timeout_ms", &c.server.idle_timeout_ms},
        {"server", "shutdown_grace_ms", &c.server.shutdown_grace_ms},
        {"server", "public_url", &c.server.public_url},
        {"server", "export_link_minutes", &c.server.export_link_minutes},
        {"database", "pool_size", &c.database.pool_size},
        {"database", "busy_timeout_ms", &c.database.busy_timeout_ms},
        {"database", "batch_max", &c.database.batch_max},
        {"workspace", "default_time_zone", &c.workspace.default_time_zone},
        {"workspace", "default_language", &c.workspace.default_language},
        {"workspace", "binding", &c.workspace.binding},
        {"workspace", "admins", &c.workspace.admins},
        {"telegram", "enabled", &c.telegram.enabled},
        {"telegram", "bot_username", &c.telegram.bot_username},
        {"telegram", "allow_missing_secret", &c.telegram.allow_missing_secret},
        {"telegram", "reply_mode", &c.telegram.reply_mode},
        {"telegram", "api_base_url", &c.telegram.api_base_url},
        {"slack", "enabled", &c.slack.enabled},
        {"slack", "bot_user_id", &c.slack.bot_user_id},
        {"slack", "slash_command", &c.slack.slash_command},
        {"slack", "api_base_url", &c.slack.api_base_url},
        {"kakao", "enabled", &c.kakao.enabled},
        {"kakao", "event_name", &c.kakao.event_name},
        {"kakao", "api_base_url", &c.kakao.api_base_url},
        {"kakao", "bot_api_base_url", &c.kakao.bot_api_base_url},
        {"line", "enabled", &c.line.enabled},
        {"line", "api_base_url", &c.line.api_base_url},
        {"generic", "enabled", &c.generic.enabled},
        {"discord", "enabled", &c.discord.enabled},
        {"discord", "public_key", &c.discord.public_key},
        {"discord", "application_id", &c.discord.application_id},
        {"discord", "api_base_url", &c.discord.api_base_url},
        // `<platform>.api_base` (INMAEK_<PLATFORM>_API_BASE) is the short spelling of the same
        // key; when both are given, api_base wins.
        {"telegram", "api_base", &c.telegram.api_base_url},
        {"slack", "api_base", &c.slack.api_base_url},
        {"kakao", "api_base", &c.kakao.api_base_url},
        {"line", "api_base", &c.line.api_base_url},
        {"discord", "api_base", &c.discord.api_base_url},
        {"scheduler", "enabled", &c.scheduler.enabled},
        {"scheduler", "tick_seconds", &c.scheduler.tick_seconds},
        {"scheduler", "late_window_minutes", &c.scheduler.late_window_minutes},
        {"scheduler", "reminder_time", &c.scheduler.reminder_time},
        {"scheduler", "clock_start", &c.scheduler.clock_start},
        {"outbox", "batch", &c.outbox.batch},
        {"outbox", "poll_interval_ms", &c.outbox.poll_interval_ms},
        {"outbox", "lease_seconds", &c.outbox.lease_seconds},
        {"outbox", "max_attempts", &c.outbox.max_attempts},
        {"outbox", "backoff_initial_seconds", &c.outbox.backoff_initial_seconds},
        {"outbox", "backoff_max_seconds", &c.outbox.backoff_max_seconds},
        {"log", "level", &c.log.level},
        {"log", "format", &c.log.format},
    };
}

constexpr std::array<std::string_view, 12> kSections = {
    "server", "database", "workspace", "telegram", "discord",   "slack",
    "kakao",  "line",     "generic",   "outbox",   "scheduler", "log"};

std::string env_name(std::string_view section, std::string_view key) {
    std::string name = fmt::format("INMAEK_{}_{}", section, key);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return name;
}

std::string dotted(std::string_view section, std::string_view key) {
    return fmt::format("{}.{}", section, key);
}

std::string_view trim(std::string_view s) {
    const auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool has_database_password(std::string_view url) {
    return storage::redact_database_url(url) != url;
}

std::string_view type_name(const toml::node& node) {
    switch (node.type()) {
        case toml::node_type::table: return "a table";
        case toml::node_type::array: return "an array";
        case toml::node_type::string: return "a string";
        case toml::node_type::integer: return "an integer";
        case toml::node_type::floating_point: return "a number";
        case toml::node_type::boolean: return "a boolean";
        case toml::node_type::date:
        case toml::node_type::time:
        case toml::node_type::date_time: return "a date/time";
        case toml::node_type::none: break;
    }
    return "nothing";
}

/// Where a value came from, appended to messages about its type or spelling.
std::string origin(const std::filesystem::path& file, const toml::node& node) {
    const auto& begin = node.source().begin;
    if (begin.line == 0) return fmt::format(" (in {})", file.string());
    return fmt::format(" (in {}, line {})", file.string(), begin.line);
}

template <typename Int>
Int checked_integer(std::int64_t value, std::string_view name, std::string_view where) {
    if constexpr (std::is_unsigned_v<Int>) {
        if (value < 0) {
            throw ConfigError(
                fmt::format("{}: expected a non-negative integer, got {}{}", name, value, where));
        }
    }
    if (value < static_cast<std::int64_t>(std::numeric_limits<Int>::min()) ||
        static_cast<std::uint64_t>(value) > std::numeric_limits<Int>::max()) {
        throw ConfigError(fmt::format("{}: {} is out of range{}", name, value, where));
    }
    return static_cast<Int>(value);
}

void set_from_toml(const Field& field, const toml::node& node, const std::string& where) {
    const std::string name = dotted(field.section, field.key);
    const auto mismatch = [&](std::string_view expected) {
        return ConfigError(
            fmt::format("{}: expected {}, got {}{}", name, expected, type_name(node), where));
    };
    std::visit(
        [&](auto* target) {
            using T = std::remove_pointer_t<decltype(target)>;
            if constexpr (std::is_same_v<T, std::string>) {
                const auto* value = node.as_string();
                if (!value) throw mismatch("a string");
                *target = value->get();
            } else if constexpr (std::is_same_v<T, bool>) {
                const auto* value = node.as_boolean();
                if (!value) throw mismatch("true or false");
                *target = value->get();
            } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
                const auto* array = node.as_array();
                if (!array) throw mismatch("an array of strings");
                target->clear();
                for (const auto& element : *array) {
                    const auto* value = element.as_string();
                    if (!value) throw mismatch("an array of strings");
                    target->push_back(value->get());
                }
            } else {
                const auto* value = node.as_integer();
                if (!value) throw mismatch("an integer");
                *target = checked_integer<T>(value->get(), name, where);
            }
        },
        field.target);
}

void set_from_env(const Field& field, const std::string& variable, std::string_view text) {
    const std::string name = dotted(field.section, field.key);
    const std::string where = fmt::format(" (from {})", variable);
    std::visit(
        [&](auto* target) {
            using T = std::remove_pointer_t<decltype(target)>;
            if constexpr (std::is_same_v<T, std::string>) {
                *target = std::string(trim(text));
            } else if constexpr (std::is_same_v<T, bool>) {
                const std::string value = lower(trim(text));
                if (value == "true" || value == "1" || value == "yes" || value == "on") {
                    *target = true;
                } else if (value == "false" || value == "0" || value == "no" || value == "off") {
                    *target = false;
                } else {
                    throw ConfigError(
                        fmt::format("{}: expected true or false, got '{}'{}", name, text, where));
                }
            } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
                // A list in one variable: comma-separated.
                target->clear();
                std::string_view rest = text;
                while (!rest.empty()) {
                    const auto comma = rest.find(',');
                    const auto item = trim(rest.substr(0, comma));
                    if (!item.empty()) target->emplace_back(item);
                    rest = comma == std::string_view::npos ? std::string_view{}
                                                           : rest.substr(comma + 1);
                }
            } else {
                const std::string_view digits = trim(text);
                std::int64_t value = 0;
                const auto [end, ec] =
                    std::from_chars(digits.data(), digits.data() + digits.size(), value);
                if (ec != std::errc{} || end != digits.data() + digits.size() || digits.empty()) {
                    throw ConfigError(
                        fmt::format("{}: expected an integer, got '{}'{}", name, text, where));
                }
                *target = checked_integer<T>(value, name, where);
            }
        },
        field.target);
}

std::string read_secret_file(const std::string& name, const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw ConfigError(fmt::format("{}_file: cannot read '{}': {}", name, path.string(),
                                      std::error_code(errno, std::generic_category()).message()));
    }
    std::ostringstream content;
    content << in.rdbuf();
    std::string value(trim(content.str()));
    if (value.empty()) {
        throw ConfigError(fmt::format("{}_file: '{}' is empty", name, path.string()));
    }
    return value;
}

/// What the TOML file said about one secret: only ever a file path.
struct SecretSource {
    std::optional<std::filesystem::path> file;
};

void apply_toml(Config& config, const std::filesystem::path& file,
                std::vector<SecretSource>& secret_sources, const std::vector<Secret>& secrets,
                SecretSource& database_url_source) {
    toml::table root;
    try {
        root = toml::parse_file(file.string());
    } catch (const toml::parse_error& e) {
        const auto& begin = e.source().begin;
        throw ConfigError(
            fmt::format("{}:{}:{}: {}", file.string(), begin.line, begin.column, e.description()));
    }
    const std::filesystem::path base = file.parent_path();
    auto fields = fields_of(config);

    for (const auto& [section_key, section_node] : root) {
        const std::string_view section = section_key.str();
        if (std::find(kSections.begin(), kSections.end(), section) == kSections.end()) {
            throw ConfigError(fmt::format(
                "{}: unknown section (known: server, database, "
                "workspace, telegram, discord, slack, kakao, line, generic, outbox, scheduler, "
                "log){}",
                section, origin(file, section_node)));
        }
        const auto* table = section_node.as_table();
        if (!table) {
            throw ConfigError(fmt::format("{}: expected a table ([{}]), got {}{}", section, section,
                                          type_name(section_node), origin(file, section_node)));
        }
        for (const auto& [key_node, node] : *table) {
            const std::string_view key = key_node.str();
            const std::string name = dotted(section, key);
            const std::string where = origin(file, node);

            if (section == "database" && (key == "url" || key == "url_file")) {
                const auto* value = node.as_string();
                if (!value) {
                    throw ConfigError(fmt::format("{}: expected a string, got {}{}", name,
                                                  type_name(node), where));
                }
                if (table->contains("url") && table->contains("url_file")) {
                    throw ConfigError(fmt::format(
                        "database.url: give database.url or database.url_file, not both{}", where));
                }
                if (key == "url_file") {
                    database_url_source.file = base / value->get();
                    continue;
                }
                if (has_database_password(value->get())) {
                    throw ConfigError(fmt::format(
                        "database.url: contains a password; secrets are not accepted in the "
                        "config file, use {} or database.url_file{}",
                        env_name("database", "url"), where));
                }
                config.database.url = value->get();
                continue;
            }

            bool handled = false;
            for (std::size_t i = 0; i < secrets.size() && !handled; ++i) {
                const Secret& secret = secrets[i];
                if (secret.section != section) continue;
                if (key == secret.key) {
                    throw ConfigError(fmt::format(
                        "{}: secrets are not accepted in the config file; use {} or {}_file{}",
                        name, env_name(section, key), name, where));
                }
                if (key == fmt::format("{}_file", secret.key)) {
                    const auto* value = node.as_string();
                    if (!value) {
                        throw ConfigError(fmt::format("{}: expected a file path, got {}{}", name,
                                                      type_name(node), where));
                    }
                    secret_sources[i].file = base / value->get();
                    handled = true;
                }
            }
            if (handled) continue;

            const auto field = std::find_if(fields.begin(), fields.end(), [&](const Field& f) {
                return f.section == section && f.key == key;
            });
            if (field == fields.end()) {
                throw ConfigError(fmt::format("{}: unknown key{}", name, where));
            }
            set_from_toml(*field, node, where);
        }
    }
}

/// The value of a secret: INMAEK_<S>_<K>, else the file named by INMAEK_<S>_<K>_FILE, else the
/// file named in the TOML file. Both variables at once is a mistake worth stopping for.
std::optional<std::string> resolve_secret(std::string_view section, std::string_view key,
                                          const SecretSource& from_file, const EnvLookup& env) {
    const std::string name = dotted(section, key);
    const std::string direct_name = env_name(section, key);
    const std::string file_name = direct_name + "_FILE";
    auto direct = env(direct_name);
    if (direct && direct->empty()) direct.reset();
    auto file = env(file_name);
    if (file && file->empty()) file.reset();
    if (direct && file) {
        throw ConfigError(
            fmt::format("{}: both {} and {} are set; use one", name, direct_name, file_name));
    }
    if (direct) return std::string(trim(*direct));
    if (file) return read_secret_file(name, std::filesystem::path(std::string(trim(*file))));
    if (from_file.file) return read_secret_file(name, *from_file.file);
    return std::nullopt;
}

template <typename Int>
void check_range(std::string_view name, Int value, Int min, Int max) {
    if (value < min || value > max) {
        throw ConfigError(fmt::format("{}: expected {} to {}, got {}", name, min, max, value));
    }
}

void check_one_of(std::string_view name, const std::string& value,
                  std::initializer_list<std::string_view> allowed) {
    if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return;
    std::string list;
    for (auto option : allowed) {
        if (!list.empty()) list += "|";
        list += option;
    }
    throw ConfigError(fmt::format("{}: expected {}, got '{}'", name, list, value));
}

bool is_token_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
}

bool has_space_or_control(std::string_view text) {
    return std::any_of(text.begin(), text.end(), [](char c) {
        return std::isspace(static_cast<unsigned char>(c)) != 0 ||
               std::iscntrl(static_cast<unsigned char>(c)) != 0;
    });
}

void check_http_url(std::string_view name, const std::string& url) {
    if (!url.starts_with("https://") && !url.starts_with("http://")) {
        throw ConfigError(fmt::format("{}: expected an http(s) URL, got '{}'", name, url));
    }
}

void validate_kakao(const Config::Kakao& kakao) {
    // The secret is a URL path segment that Kakao's admin center shows to whoever manages the
    // bot: long enough not to be guessed, and nothing that needs escaping.
    if (kakao.enabled && kakao.skill_secret.empty()) {
        throw ConfigError(
            "kakao.skill_secret: KakaoTalk is enabled and Kakao signs nothing, so the skill URL "
            "/hooks/kakao/<secret> must carry one (INMAEK_KAKAO_SKILL_SECRET or "
            "INMAEK_KAKAO_SKILL_SECRET_FILE; e.g. openssl rand -hex 24)");
    }
    if (!kakao.skill_secret.empty() &&
        (kakao.skill_secret.size() < 16 || kakao.skill_secret.size() > 256 ||
         !std::all_of(kakao.skill_secret.begin(), kakao.skill_secret.end(), is_token_char))) {
        throw ConfigError(
            "kakao.skill_secret: expected 16 to 256 characters of A-Z a-z 0-9 _ - (it is a URL "
            "path segment)");
    }
    for (const auto& [key, value] : {std::pair{"kakao.rest_api_key", &kakao.rest_api_key},
                                     std::pair{"kakao.bot_token", &kakao.bot_token}}) {
        if (value->size() > 256 || has_space_or_control(*value)) {
            throw ConfigError(fmt::format(
                "{}: expected the key as Kakao Developers shows it (up to 256 characters, no "
                "spaces)",
                key));
        }
    }
    if (kakao.event_name.empty() || kakao.event_name.size() > 64 ||
        !std::all_of(kakao.event_name.begin(), kakao.event_name.end(), is_token_char)) {
        throw ConfigError(fmt::format(
            "kakao.event_name: expected an Open Builder event name (A-Z a-z 0-9 _ -), got '{}'",
            kakao.event_name));
    }
    check_http_url("kakao.api_base_url", kakao.api_base_url);
    check_http_url("kakao.bot_api_base_url", kakao.bot_api_base_url);
}

void validate_slack(const Config::Slack& slack) {
    if (slack.enabled && slack.signing_secret.empty()) {
        throw ConfigError(
            "slack.signing_secret: Slack is enabled and every request must be verified with the "
            "app's signing secret (INMAEK_SLACK_SIGNING_SECRET or "
            "INMAEK_SLACK_SIGNING_SECRET_FILE)");
    }
    if (slack.enabled && slack.bot_token.empty()) {
        throw ConfigError(
            "slack.bot_token: Slack is enabled and answers events through chat.postMessage, "
            "which needs the bot token xoxb-… (INMAEK_SLACK_BOT_TOKEN or "
            "INMAEK_SLACK_BOT_TOKEN_FILE)");
    }
    if (slack.signing_secret.size() > 256 || has_space_or_control(slack.signing_secret)) {
        throw ConfigError(
            "slack.signing_secret: expected up to 256 characters without spaces or control "
            "characters");
    }
    if (!slack.bot_token.empty() &&
        (!slack.bot_token.starts_with("xox") || slack.bot_token.size() > 256 ||
         !std::all_of(slack.bot_token.begin(), slack.bot_token.end(), is_token_char))) {
        throw ConfigError("slack.bot_token: expected a Slack token (xoxb-…, A-Z a-z 0-9 and -)");
    }
    if (!slack.bot_user_id.empty() &&
        (slack.bot_user_id.size() > 32 ||
         !std::all_of(slack.bot_user_id.begin(), slack.bot_user_id.end(),
                      [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }))) {
        throw ConfigError(
            fmt::format("slack.bot_user_id: expected a Slack user id (U0BOT0001), got '{}'",
                        slack.bot_user_id));
    }
    if (slack.slash_command.size() < 2 || slack.slash_command.size() > 32 ||
        slack.slash_command.front() != '/' || has_space_or_control(slack.slash_command)) {
        throw ConfigError(
            fmt::format("slack.slash_command: expected a slash command such as /inmaek, got '{}'",
                        slack.slash_command));
    }
    check_http_url("slack.api_base_url", slack.api_base_url);
}

void validate_line(const Config::Line& line) {
    if (line.enabled && line.channel_secret.empty()) {
        throw ConfigError(
            "line.channel_secret: LINE is enabled and every webhook must be verified with the "
            "channel secret (INMAEK_LINE_CHANNEL_SECRET or INMAEK_LINE_CHANNEL_SECRET_FILE)");
    }
    if (line.enabled && line.channel_access_token.empty()) {
        throw ConfigError(
            "line.channel_access_token: LINE is enabled and answers through the reply and push "
            "APIs, which need the channel access token (INMAEK_LINE_CHANNEL_ACCESS_TOKEN or "
            "INMAEK_LINE_CHANNEL_ACCESS_TOKEN_FILE)");
    }
    if (line.channel_secret.size() > 256 || has_space_or_control(line.channel_secret)) {
        throw ConfigError(
            "line.channel_secret: expected up to 256 characters without spaces or control "
            "characters");
    }
    // Long-lived tokens are base64 (A-Z a-z 0-9 + / =); v2.1 tokens are JWTs (also . - _).
    if (line.channel_access_token.size() > 2048 ||
        !std::all_of(line.channel_access_token.begin(), line.channel_access_token.end(),
                     [](char c) {
                         return is_token_char(c) || c == '+' || c == '/' || c == '=' || c == '.';
                     })) {
        throw ConfigError(
            "line.channel_access_token: expected the channel access token (A-Z a-z 0-9 + / = . _ "
            "-, up to 2048 characters)");
    }
    check_http_url("line.api_base_url", line.api_base_url);
}

void validate(Config& config) {
    const auto& server = config.server;
    parse_listen(server.listen);
    check_range<std::size_t>("server.io_threads", server.io_threads, 1, 64);
    check_range<std::size_t>("server.body_limit", server.body_limit, 1024, std::size_t{1} << 30);
    check_range<std::size_t>("server.header_limit", server.header_limit, 1024, 1 << 20);
    check_range("server.read_timeout_ms", server.read_timeout_ms, 1, 3'600'000);
    check_range("server.idle_timeout_ms", server.idle_timeout_ms, 1, 3'600'000);
    check_range("server.shutdown_grace_ms", server.shutdown_grace_ms, 0, 3'600'000);
    check_range("server.export_link_minutes", server.export_link_minutes, 1, 24 * 60);
    if (!server.public_url.empty() && !server.public_url.starts_with("http://") &&
        !server.public_url.starts_with("https://")) {
        throw ConfigError(
            fmt::format("server.public_url: expected http(s)://host[:port][/path], got '{}'",
                        server.public_url));
    }

    const auto& database = config.database;
    const auto scheme_end = database.url.find("://");
    const std::string scheme =
        scheme_end == std::string::npos ? std::string{} : database.url.substr(0, scheme_end);
    if ((scheme != "sqlite3" && scheme != "postgresql") || database.url.size() == scheme_end + 3) {
        throw ConfigError(fmt::format(
            "database.url: expected sqlite3://db=<path> or postgresql://<connection string>, "
            "got '{}'",
            storage::redact_database_url(database.url)));
    }
    check_range<std::size_t>("database.pool_size", database.pool_size, 1, 64);
    check_range("database.busy_timeout_ms", database.busy_timeout_ms, 0, 600'000);
    check_range<std::size_t>("database.batch_max", database.batch_max, 1, 10'000);

    auto& workspace = config.workspace;
    try {
        date::locate_zone(workspace.default_time_zone);
    } catch (const std::exception& e) {
        throw ConfigError(fmt::format("workspace.default_time_zone: unknown time zone '{}' ({})",
                                      workspace.default_time_zone, e.what()));
    }
    check_one_of("workspace.default_language", workspace.default_language, {"ko", "en"});
    check_one_of("workspace.binding", workspace.binding, {"auto", "linked"});
    for (std::size_t i = 0; i < workspace.admins.size(); ++i) {
        const std::string& admin = workspace.admins[i];
        const auto colon = admin.find(':');
        const bool platform_ok =
            colon != std::string::npos && colon > 0 &&
            std::all_of(admin.begin(), admin.begin() + static_cast<std::ptrdiff_t>(colon),
                        [](char c) {
                            return std::islower(static_cast<unsigned char>(c)) != 0 ||
                                   std::isdigit(static_cast<unsigned char>(c)) != 0 || c == '_';
                        });
        const bool id_ok =
            colon != std::string::npos && colon + 1 < admin.size() &&
            std::none_of(admin.begin() + static_cast<std::ptrdiff_t>(colon) + 1, admin.end(),
                         [](char c) {
                             return std::isspace(static_cast<unsigned char>(c)) != 0 ||
                                    std::iscntrl(static_cast<unsigned char>(c)) != 0;
                         });
        if (!platform_ok || !id_ok) {
            throw ConfigError(fmt::format(
                "workspace.admins[{}]: expected platform:user_id (e.g. telegram:12345), got '{}'",
                i, admin));
        }
    }

    const auto& telegram = config.telegram;
    // Never echo a secret, not even a wrong one.
    if (!telegram.secret_token.empty() &&
        (telegram.secret_token.size() > 256 ||
         !std::all_of(telegram.secret_token.begin(), telegram.secret_token.end(), is_token_char))) {
        throw ConfigError(
            "telegram.secret_token: expected 1 to 256 characters of A-Z a-z 0-9 _ - "
            "(Telegram's rule)");
    }
    // A missing secret is not a load error: commands other than `serve` need none, and the
    // webhook itself fails closed (refuses every request) unless allow_missing_secret.
    if (!telegram.bot_username.empty()) {
        const std::string_view name = telegram.bot_username[0] == '@'
                                          ? std::string_view(telegram.bot_username).substr(1)
                                          : std::string_view(telegram.bot_username);
        if (name.empty() || name.size() > 64 || !std::all_of(name.begin(), name.end(), [](char c) {
                return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
            })) {
            throw ConfigError(fmt::format(
                "telegram.bot_username: expected a Telegram username (A-Z a-z 0-9 _), got '{}'",
                telegram.bot_username));
        }
        config.telegram.bot_username = std::string(name);
    }

    check_one_of("telegram.reply_mode", telegram.reply_mode, {"webhook", "api"});
    if (telegram.reply_mode == "api" && telegram.enabled && telegram.bot_token.empty()) {
        throw ConfigError(
            "telegram.bot_token: reply_mode api sends replies through the Bot API and needs the "
            "bot's token (INMAEK_TELEGRAM_BOT_TOKEN or INMAEK_TELEGRAM_BOT_TOKEN_FILE)");
    }
    if (!telegram.bot_token.empty() &&
        (telegram.bot_token.size() > 256 ||
         !std::all_of(telegram.bot_token.begin(), telegram.bot_token.end(),
                      [](char c) { return is_token_char(c) || c == ':'; }))) {
        throw ConfigError(
            "telegram.bot_token: expected the token BotFather gave (digits, ':' "
            "and A-Z a-z 0-9 _ -)");
    }
    check_http_url("telegram.api_base_url", telegram.api_base_url);

    validate_slack(config.slack);
    validate_kakao(config.kakao);
    validate_line(config.line);

    const auto& discord = config.discord;
    const auto is_hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
    if (discord.enabled &&
        (discord.public_key.size() != 64 ||
         !std::all_of(discord.public_key.begin(), discord.public_key.end(), is_hex))) {
        throw ConfigError(
            "discord.public_key: expected the application's public key, 64 hex digits (Discord "
            "developer portal, General Information)");
    }
    if (!discord.application_id.empty() &&
        discord.application_id.find_first_not_of("0123456789") != std::string::npos) {
        throw ConfigError(fmt::format("discord.application_id: expected digits, got '{}'",
                                      discord.application_id));
    }
    if (!discord.bot_token.empty() &&
        (discord.bot_token.size() > 256 ||
         !std::all_of(discord.bot_token.begin(), discord.bot_token.end(),
                      [](char c) { return is_token_char(c) || c == '.'; }))) {
        throw ConfigError("discord.bot_token: expected the bot token (A-Z a-z 0-9 . _ -)");
    }
    if (!discord.api_base_url.starts_with("https://") &&
        !discord.api_base_url.starts_with("http://")) {
        throw ConfigError(fmt::format("discord.api_base_url: expected an http(s) URL, got '{}'",
                                      discord.api_base_url));
    }

    const auto& outbox = config.outbox;
    check_range<std::size_t>("outbox.batch", outbox.batch, 1, 1000);
    check_range("outbox.poll_interval_ms", outbox.poll_interval_ms, 10, 600'000);
    check_range("outbox.lease_seconds", outbox.lease_seconds, 5, 86'400);
    check_range("outbox.max_attempts", outbox.max_attempts, 1, 100);
    check_range("outbox.backoff_initial_seconds", outbox.backoff_initial_seconds, 1, 86'400);
    check_range("outbox.backoff_max_seconds", outbox.backoff_max_seconds,
                outbox.backoff_initial_seconds, 7 * 86'400);

    const auto& scheduler = config.scheduler;
    check_range("scheduler.tick_seconds", scheduler.tick_seconds, 1, 3600);
    check_range("scheduler.late_window_minutes", scheduler.late_window_minutes, 0, 7 * 24 * 60);
    if (!parse_local_time(scheduler.reminder_time)) {
        throw ConfigError(fmt::format("scheduler.reminder_time: expected HH:MM, got '{}'",
                                      scheduler.reminder_time));
    }
    if (!scheduler.clock_start.empty() && !parse_instant(scheduler.clock_start)) {
        throw ConfigError(
            fmt::format("scheduler.clock_start: expected e.g. 2025-02-04T08:59:50+09:00, got '{}'",
                        scheduler.clock_start));
    }

    const auto& generic = config.generic;
    if (!generic.secret.empty() &&
        (generic.secret.size() > 4096 || has_space_or_control(generic.secret))) {
        throw ConfigError(
            "generic.secret: expected 1 to 4096 characters without spaces or control characters");
    }

    auto& log = config.log;
    log.level = lower(log.level);
    if (log.level == "warning") log.level = "warn";
    check_one_of("log.level", log.level,
                 {"trace", "debug", "info", "warn", "error", "critical", "off"});
    check_one_of("log.format", log.format, {"text", "json"});
}

}  // namespace

std::optional<std::string> process_env(std::string_view name) {
    // Read at start-up, before any thread that could call setenv exists.
    const char* value = std::getenv(std::string(name).c_str());  // NOLINT(concurrency-mt-unsafe)
    if (value == nullptr) return std::nullopt;
    return std::string(value);
}

ListenAddress parse_listen(std::string_view listen) {
    const auto fail = [&] {
        return ConfigError(fmt::format("server.listen: expected host:port, got '{}'", listen));
    };
    std::string_view host;
    std::string_view port;
    if (!listen.empty() && listen.front() == '[') {
        const auto close = listen.find(']');
        if (close == std::string_view::npos || close + 1 >= listen.size() ||
            listen[close + 1] != ':') {
            throw fail();
        }
        host = listen.substr(1, close - 1);
        port = listen.substr(close + 2);
    } else {
        const auto colon = listen.rfind(':');
        if (colon == std::string_view::npos) throw fail();
        host = listen.substr(0, colon);
        port = listen.substr(colon + 1);
        // An IPv6 address needs brackets, or the port would be ambiguous.
        if (host.find(':') != std::string_view::npos) throw fail();
    }
    if (host.empty() || port.empty() || port.size() > 5 ||
        std::any_of(host.begin(), host.end(), [](char c) {
            return std::isspace(static_cast<unsigned char>(c)) != 0 ||
                   std::iscntrl(static_cast<unsigned char>(c)) != 0 || c == '/' || c == '[' ||
                   c == ']';
        })) {
        throw fail();
    }
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || end != port.data() + port.size() || value > 65535) {
        throw ConfigError(fmt::format("server.listen: port must be 0 to 65535, got '{}'", port));
    }
    return ListenAddress{std::string(host), static_cast<unsigned short>(value)};
}

Config load_config(const std::optional<std::filesystem::path>& file, const EnvLookup& env) {
    Config config;
    const std::vector<Secret> secrets = {
        {"server", "export_secret", &config.server.export_secret},
        {"telegram", "secret_token", &config.telegram.secret_token},
        {"telegram", "bot_token", &config.telegram.bot_token},
        {"discord", "bot_token", &config.discord.bot_token},
        {"slack", "signing_secret", &config.slack.signing_secret},
        {"slack", "bot_token", &config.slack.bot_token},
        {"kakao", "skill_secret", &config.kakao.skill_secret},
        {"kakao", "rest_api_key", &config.kakao.rest_api_key},
        {"kakao", "bot_token", &config.kakao.bot_token},
        {"line", "channel_secret", &config.line.channel_secret},
        {"line", "channel_access_token", &config.line.channel_access_token},
        {"generic", "secret", &config.generic.secret},
    };
    std::vector<SecretSource> secret_sources(secrets.size());
    SecretSource database_url_source;

    if (file) {
        std::error_code ec;
        if (!std::filesystem::is_regular_file(*file, ec)) {
            throw ConfigError(
                fmt::format("config file '{}': not found or not a regular file", file->string()));
        }
        apply_toml(config, *file, secret_sources, secrets, database_url_source);
    }

    for (const Field& field : fields_of(config)) {
        const std::string variable = env_name(field.section, field.key);
        if (auto value = env(variable); value && !value->empty()) {
            set_from_env(field, variable, *value);
        }
    }
    for (std::size_t i = 0; i < secrets.size(); ++i) {
        if (auto value =
                resolve_secret(secrets[i].section, secrets[i].key, secret_sources[i], env)) {
            *secrets[i].target = std::move(*value);
        }
    }
    // database.url is not always secret, but a password in it is: same sources as a secret,
    // the plain value from the file as the last resort.
    if (auto value = resolve_secret("database", "url", database_url_source, env)) {
        config.database.url = std::move(*value);
    }

    validate(config);
    return config;
}

std::optional<int> parse_local_time(std::string_view text) {
    int hours = 0;
    int minutes = 0;
    if (text.size() != 5 || text[2] != ':') return std::nullopt;
    const auto h = std::from_chars(text.data(), text.data() + 2, hours);
    const auto m = std::from_chars(text.data() + 3, text.data() + 5, minutes);
    if (h.ec != std::errc{} || h.ptr != text.data() + 2 || m.ec != std::errc{} ||
        m.ptr != text.data() + 5 || hours < 0 || hours > 23 || minutes < 0 || minutes > 59) {
        return std::nullopt;
    }
    return hours * 60 + minutes;
}

std::optional<std::chrono::sys_seconds> parse_instant(std::string_view text) {
    std::istringstream in{std::string{text}};
    date::sys_seconds at;
    in >> date::parse("%FT%T%Ez", at);
    if (in.fail() || in.peek() != std::char_traits<char>::eof()) return std::nullopt;
    return std::chrono::sys_seconds{at.time_since_epoch()};
}

std::string describe(const Config& config) {
    const auto set = [](const std::string& secret) {
        return secret.empty() ? "(not set)" : "(set)";
    };
    const auto on = [](bool enabled) { return enabled ? "enabled" : "disabled"; };
    std::string admins;
    for (const auto& admin : config.workspace.admins) {
        if (!admins.empty()) admins += ", ";
        admins += admin;
    }
    const auto& s = config.server;
    const auto& d = config.database;
    const auto& w = config.workspace;
    const auto& t = config.telegram;
    const auto& sl = config.slack;
    const auto& o = config.outbox;
    return fmt::format(
        "server     listen {}, {} io thread(s), body limit {} B, header limit {} B\n"
        "           timeouts: read {} ms, idle {} ms, shutdown grace {} ms\n"
        "           public url {}, export links {} min, export secret {}\n"
        "database   {} (pool {}, busy timeout {} ms, batch max {})\n"
        "workspace  time zone {}, language {}, binding {}, admins: {}\n"
        "telegram   {}, secret token {}{}, bot username {}\n"
        "           replies {}, bot token {}, api {}\n"
        "discord    {}, public key {}, application {}, bot token {}, api {}\n"
        "slack      {}, signing secret {}, bot token {}, bot user {}, command {}, api {}\n"
        "kakao      {}, skill secret {}, rest api key {}, bot token {}, event {}, api {}, bot api "
        "{}\n"
        "line       {}, channel secret {}, access token {}, api {}\n"
        "generic    {}, secret {}\n"
        "outbox     batch {}, poll {} ms, lease {} s, {} attempts, backoff {}..{} s\n"
        "scheduler  {}, every {} s, late window {} min, reminders at {}{}\n"
        "log        level {}, format {}\n",
        s.listen, s.io_threads, s.body_limit, s.header_limit, s.read_timeout_ms, s.idle_timeout_ms,
        s.shutdown_grace_ms, s.public_url.empty() ? "(the bound address)" : s.public_url,
        s.export_link_minutes, s.export_secret.empty() ? "(kept in the database)" : "(set)",
        storage::redact_database_url(d.url), d.pool_size, d.busy_timeout_ms, d.batch_max,
        w.default_time_zone, w.default_language, w.binding,
        admins.empty() ? "(first user becomes admin)" : admins, on(t.enabled), set(t.secret_token),
        t.allow_missing_secret ? " (missing secret allowed)" : "",
        t.bot_username.empty() ? "(not set)" : "@" + t.bot_username,
        t.reply_mode == "api" ? "through the Bot API (outbox)" : "in the webhook response",
        set(t.bot_token), t.api_base_url, on(config.discord.enabled),
        set(config.discord.public_key),
        config.discord.application_id.empty() ? "(not set)" : config.discord.application_id,
        set(config.discord.bot_token), config.discord.api_base_url, on(sl.enabled),
        set(sl.signing_secret), set(sl.bot_token),
        sl.bot_user_id.empty() ? "(from events)" : sl.bot_user_id, sl.slash_command,
        sl.api_base_url, on(config.kakao.enabled), set(config.kakao.skill_secret),
        set(config.kakao.rest_api_key), set(config.kakao.bot_token), config.kakao.event_name,
        config.kakao.api_base_url, config.kakao.bot_api_base_url, on(config.line.enabled),
        set(config.line.channel_secret), set(config.line.channel_access_token),
        config.line.api_base_url, on(config.generic.enabled), set(config.generic.secret), o.batch,
        o.poll_interval_ms, o.lease_seconds, o.max_attempts, o.backoff_initial_seconds,
        o.backoff_max_seconds, on(config.scheduler.enabled), config.scheduler.tick_seconds,
        config.scheduler.late_window_minutes, config.scheduler.reminder_time,
        config.scheduler.clock_start.empty() ? ""
                                             : ", clock starts at " + config.scheduler.clock_start,
        config.log.level, config.log.format);
}

}  // namespace inmaek::bot
