// inmaek: the one place where storage, handlers and the platform adapters are wired together.
#include <date/tz.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>
#include <CLI/CLI.hpp>
#include <climits>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "bot/api/api_key.hpp"
#include "bot/api/api_service.hpp"
#include "bot/config.hpp"
#include "bot/console.hpp"
#include "bot/demo.hpp"
#include "bot/executor.hpp"
#include "bot/export_delivery.hpp"
#include "bot/export_file.hpp"
#include "bot/export_links.hpp"
#include "bot/export_service.hpp"
#include "bot/http_server.hpp"
#include "bot/logging.hpp"
#include "bot/outbound/discord_client.hpp"
#include "bot/outbound/kakao_client.hpp"
#include "bot/outbound/line_client.hpp"
#include "bot/outbound/outbox_sender.hpp"
#include "bot/outbound/slack_client.hpp"
#include "bot/outbound/telegram_client.hpp"
#include "bot/platforms/discord_adapter.hpp"
#include "bot/platforms/generic_adapter.hpp"
#include "bot/platforms/kakao_adapter.hpp"
#include "bot/platforms/line_adapter.hpp"
#include "bot/platforms/slack_adapter.hpp"
#include "bot/platforms/slack_users.hpp"
#include "bot/platforms/telegram_adapter.hpp"
#include "bot/scheduler.hpp"
#include "bot/search_indexer.hpp"
#include "bot/webhook_service.hpp"
#include "handlers/conversation.hpp"
#include "handlers/csv.hpp"
#include "handlers/csv_export.hpp"
#include "handlers/csv_import.hpp"
#include "handlers/roles.hpp"
#include "handlers/router.hpp"
#include "handlers/schedule.hpp"
#include "handlers/summary.hpp"
#include "storage/backup.hpp"
#include "storage/database.hpp"
#include "storage/transfer.hpp"
#include "storage/url.hpp"

namespace {

using namespace inmaek;

/// Command-line values that override the configuration file and environment.
struct Overrides {
    std::string config_file;
    std::string database_url;
    std::string listen;
};

bot::Config load(const Overrides& overrides) {
    std::optional<std::filesystem::path> file;
    if (!overrides.config_file.empty()) file = overrides.config_file;
    auto config = bot::load_config(file);
    if (!overrides.database_url.empty()) config.database.url = overrides.database_url;
    if (!overrides.listen.empty()) {
        bot::parse_listen(overrides.listen);  // throws ConfigError naming server.listen
        config.server.listen = overrides.listen;
    }
    bot::setup_logging(config.log.level, config.log.format);
    return config;
}

storage::DatabaseOptions database_options(const bot::Config& config) {
    storage::DatabaseOptions options;
    options.url = config.database.url;
    options.pool_size = config.database.pool_size;
    options.busy_timeout_ms = config.database.busy_timeout_ms;
    return options;
}

handlers::ConversationPolicy policy_of(const bot::Config& config) {
    handlers::ConversationPolicy policy;
    policy.auto_bind = config.workspace.binding == "auto";
    policy.admins = config.workspace.admins;
    policy.default_time_zone = config.workspace.default_time_zone;
    policy.default_language = config.workspace.default_language;
    policy.bot_username = config.telegram.bot_username;
    return policy;
}

std::unique_ptr<storage::Database> open_database(const bot::Config& config) {
    auto database = std::make_unique<storage::Database>(database_options(config));
    const auto applied = database->migrate();
    if (applied > 0) {
        spdlog::info("database migrated to version {} ({} migration(s) applied)",
                     database->schema_version(), applied);
    }
    return database;
}

/// "host:pid": which replica holds an outbox row.
std::string replica_id() {
    std::array<char, HOST_NAME_MAX + 1> host{};
    if (gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
    return std::string{host.data()} + ":" + std::to_string(getpid());
}

std::unique_ptr<bot::outbound::OutboxSender> make_sender(const bot::Config& config,
                                                         storage::Database& database,
                                                         bot::HttpClient& http) {
    std::vector<std::unique_ptr<bot::outbound::PlatformClient>> clients;
    if (!config.telegram.bot_token.empty()) {
        clients.push_back(
            std::make_unique<bot::outbound::TelegramClient>(bot::outbound::TelegramClientOptions{
                config.telegram.bot_token, config.telegram.api_base_url}));
    }
    if (config.discord.enabled) {
        // Without a bot token only the replies to deferred slash commands can be sent.
        clients.push_back(
            std::make_unique<bot::outbound::DiscordClient>(bot::outbound::DiscordClientOptions{
                config.discord.bot_token, config.discord.api_base_url}));
    }
    if (config.slack.enabled) {
        clients.push_back(std::make_unique<bot::outbound::SlackClient>(
            bot::outbound::SlackClientOptions{config.slack.bot_token, config.slack.api_base_url}));
    }
    if (config.kakao.enabled) {
        // Always present: skill callbacks need no key, and a push whose key is missing is
        // dead-lettered with an error naming it rather than left queued forever.
        clients.push_back(
            std::make_unique<bot::outbound::KakaoClient>(bot::outbound::KakaoClientOptions{
                config.kakao.rest_api_key, config.kakao.bot_token, config.kakao.api_base_url,
                config.kakao.bot_api_base_url}));
    }
    if (config.line.enabled) {
        clients.push_back(
            std::make_unique<bot::outbound::LineClient>(bot::outbound::LineClientOptions{
                config.line.channel_access_token, config.line.api_base_url}));
    }
    const auto& o = config.outbox;
    bot::outbound::OutboxSenderOptions options;
    options.sender_id = replica_id();
    options.batch = static_cast<int>(o.batch);
    options.poll_interval = std::chrono::milliseconds{o.poll_interval_ms};
    options.lease = std::chrono::seconds{o.lease_seconds};
    options.max_attempts = o.max_attempts;
    options.backoff_initial = std::chrono::seconds{o.backoff_initial_seconds};
    options.backoff_max = std::chrono::seconds{o.backoff_max_seconds};
    return std::make_unique<bot::outbound::OutboxSender>(database, http, std::move(clients),
                                                         options);
}

/// The scheduler of summaries and reminders; its clock starts at scheduler.clock_start when
/// that is set (tests and demos), else it is the system clock.
std::unique_ptr<bot::Scheduler> make_scheduler(const bot::Config& config,
                                               storage::Database& database,
                                               std::vector<const bot::platforms::Adapter*> adapters,
                                               std::vector<std::string> deliverable,
                                               std::function<void()> queued) {
    const auto& c = config.scheduler;
    bot::SchedulerOptions options;
    options.tick = std::chrono::seconds{c.tick_seconds};
    options.late_window = std::chrono::minutes{c.late_window_minutes};
    options.reminder_time = bot::parse_local_time(c.reminder_time).value_or(9 * 60);
    if (const auto start = bot::parse_instant(c.clock_start)) {
        const auto began = std::chrono::steady_clock::now();
        options.clock = [start = *start, began] {
            return start + std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::steady_clock::now() - began);
        };
        spdlog::warn("scheduler: the clock starts at {} (scheduler.clock_start), not now",
                     c.clock_start);
    }
    return std::make_unique<bot::Scheduler>(database, std::move(adapters), std::move(deliverable),
                                            handlers::summarize, options, std::move(queued));
}

/// The Kakao adapter: utterances whose first word is a command of the router become commands;
/// callbacks may also go to the configured API bases' origins (tests stand in for Kakao there).
std::unique_ptr<bot::platforms::Adapter> make_kakao_adapter(
    const bot::Config& config, const handlers::Conversation& conversation) {
    bot::platforms::KakaoOptions kakao;
    kakao.skill_secret = config.kakao.skill_secret;
    kakao.event_name = config.kakao.event_name;
    for (const auto& base : {config.kakao.api_base_url, config.kakao.bot_api_base_url}) {
        if (const auto url = bot::parse_url(base)) kakao.callback_origins.push_back(url->origin());
    }
    kakao.is_command = [&router = conversation.router()](std::string_view word) {
        return router.find(word) != nullptr;
    };
    return std::make_unique<bot::platforms::KakaoAdapter>(std::move(kakao));
}

/// The secret of /export links: configured, or the one kept in the database (generated by the
/// first process that needed it, shared by every replica).
std::string export_secret(const bot::Config& config, storage::Database& database) {
    if (!config.server.export_secret.empty()) return config.server.export_secret;
    const auto candidate = bot::ExportLinks::generate_secret();
    return database.transact([&](storage::UnitOfWork& work) {
        return work.secrets().get_or_store(
            "export_links", candidate,
            std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
    });
}

int serve(const Overrides& overrides) {
    const auto config = load(overrides);
    spdlog::info("starting inmaek\n{}", bot::describe(config));
    auto database = open_database(config);
    // Made once the server is bound (the public URL may be its real port); requests come later.
    std::unique_ptr<bot::ExportLinks> export_links;
    auto policy = policy_of(config);
    policy.export_link_minutes = config.server.export_link_minutes;
    policy.export_link = [&export_links](storage::Id workspace_id, std::string_view kind) {
        return export_links->link(
            workspace_id, kind,
            std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
    };
    // /export sends the file itself where a client can upload it (Telegram and Slack need the
    // bot token; Discord answers the interaction's own webhook); LINE and Kakao get the link.
    policy.sends_files = [telegram = config.telegram.enabled && !config.telegram.bot_token.empty(),
                          slack = config.slack.enabled && !config.slack.bot_token.empty(),
                          discord = config.discord.enabled](std::string_view platform) {
        return (platform == "telegram" && telegram) || (platform == "slack" && slack) ||
               (platform == "discord" && discord);
    };
    handlers::Conversation conversation{policy};
    bot::Executor executor{*database, config.database.pool_size, config.database.batch_max};

    // Outbound calls: the outbox sender's pushes and Slack's users.info look-ups.
    bot::HttpClient http_client;
    std::unique_ptr<bot::platforms::SlackUsers> slack_users;

    std::vector<std::unique_ptr<bot::platforms::Adapter>> adapters;
    if (config.telegram.enabled) {
        if (config.telegram.secret_token.empty()) {
            spdlog::warn(
                "telegram.secret_token is not set: anyone who knows the URL can post "
                "updates. Set INMAEK_TELEGRAM_SECRET_TOKEN and pass it to setWebhook.");
        }
        adapters.push_back(
            std::make_unique<bot::platforms::TelegramAdapter>(bot::platforms::TelegramOptions{
                config.telegram.secret_token, config.telegram.allow_missing_secret,
                config.telegram.reply_mode == "api"}));
    }
    if (config.discord.enabled) {
        adapters.push_back(
            std::make_unique<bot::platforms::DiscordAdapter>(bot::platforms::DiscordOptions{
                .public_key = config.discord.public_key,
                .deferred = [&router = conversation.router()](std::string_view text) {
                    return router.is_slow(text);
                }}));
    }
    if (config.slack.enabled) {
        bot::platforms::SlackOptions slack;
        slack.signing_secret = config.slack.signing_secret;
        slack.bot_user_id = config.slack.bot_user_id;
        slack.slash_command = config.slack.slash_command;
        slack_users = std::make_unique<bot::platforms::SlackUsers>(
            http_client,
            bot::platforms::SlackUsersOptions{.bot_token = config.slack.bot_token,
                                              .api_base_url = config.slack.api_base_url});
        slack.user_name = [users = slack_users.get()](std::string_view user) {
            return users->display_name(user);
        };
        slack.known_user_name = [users = slack_users.get()](std::string_view user) {
            return users->cached_name(user);
        };
        adapters.push_back(std::make_unique<bot::platforms::SlackAdapter>(std::move(slack)));
    }
    if (config.kakao.enabled) adapters.push_back(make_kakao_adapter(config, conversation));
    if (config.line.enabled) {
        adapters.push_back(std::make_unique<bot::platforms::LineAdapter>(
            bot::platforms::LineOptions{config.line.channel_secret}));
    }
    if (config.generic.enabled) {
        adapters.push_back(std::make_unique<bot::platforms::GenericAdapter>(
            bot::platforms::GenericOptions{config.generic.secret, std::chrono::seconds{300}, {}}));
    }
    // Pushes: the outbox sender delivers what the webhooks and the scheduler queue.
    std::vector<const bot::platforms::Adapter*> renderers;
    renderers.reserve(adapters.size());
    for (const auto& adapter : adapters) renderers.push_back(adapter.get());
    // Made before the sender, which calls it until it stops.
    const bot::ExportDelivery export_files{*database, renderers, policy.export_link,
                                           policy.export_link_minutes};
    auto sender = make_sender(config, *database, http_client);
    sender->handle_files(export_files.rows());
    bot::WebhookService service{*database, executor, conversation, std::move(adapters),
                                [&sender] { sender->notify(); }};
    auto scheduler = make_scheduler(config, *database, std::move(renderers), sender->platforms(),
                                    [&sender] { sender->notify(); });

    const auto listen = bot::parse_listen(config.server.listen);
    bot::HttpServerOptions options;
    options.address = listen.host;
    options.port = listen.port;
    options.threads = config.server.io_threads;
    options.body_limit = config.server.body_limit;
    options.header_limit = config.server.header_limit;
    options.read_timeout = std::chrono::milliseconds{config.server.read_timeout_ms};
    options.idle_timeout = std::chrono::milliseconds{config.server.idle_timeout_ms};
    options.shutdown_grace = std::chrono::milliseconds{config.server.shutdown_grace_ms};
    options.log_path = [&service](std::string_view path) {
        if (bot::ExportService::serves(path)) return bot::ExportService::loggable_path(path);
        return service.loggable_path(path);
    };
    bot::api::ApiService api{executor};
    std::unique_ptr<bot::ExportService> exports;
    // The one dispatch by path: /api/v1 to the REST API, everything else (/hooks, health) to
    // the webhook service.
    bot::HttpServer server{
        options,
        [&service, &api, &exports](bot::Request&& request, std::shared_ptr<bot::RequestInfo> info,
                                   std::function<void(bot::Response &&)> done) {
            const std::string_view target = request.target();
            const auto path = target.substr(0, target.find('?'));
            if (bot::api::ApiService::serves(path)) {
                return api.handle(std::move(request), std::move(info), std::move(done));
            }
            if (bot::ExportService::serves(path)) {
                return exports->handle(std::move(request), std::move(info), std::move(done));
            }
            service.handle(std::move(request), std::move(info), std::move(done));
        }};
    // /find's SQLite index, kept current off the webhooks' transactions when they let it.
    bot::SearchIndexer indexer{*database, {}};
    indexer.schedule_on(executor);
    server.start();
    sender->start();
    if (config.scheduler.enabled) scheduler->start();
    const auto endpoint = server.local_endpoint();
    const auto base =
        "http://" + endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
    if (config.server.public_url.empty()) {
        spdlog::warn(
            "server.public_url is not set: /export links point at {}, which only this machine "
            "may reach",
            base);
    }
    export_links = std::make_unique<bot::ExportLinks>(
        export_secret(config, *database),
        config.server.public_url.empty() ? base : config.server.public_url,
        std::chrono::minutes{config.server.export_link_minutes});
    exports = std::make_unique<bot::ExportService>(*database, executor, *export_links);
    std::string hooks;
    for (const auto& path : service.hook_paths()) hooks += "\n  " + base + path;
    spdlog::info(
        "webhooks:{}\n  REST API: {}{} (keys: inmaek api-key create)\n  health: {}/healthz  "
        "ready: {}/readyz\n  try it without a messenger: inmaek chat   (or: inmaek demo)",
        hooks, base, bot::api::ApiService::kBasePath, base, base);
    server.run();
    executor.stop();
    scheduler->stop();
    sender->stop();
    return 0;
}

int chat(const Overrides& overrides, const bot::ConsoleOptions& options) {
    const auto config = load(overrides);
    auto database = open_database(config);
    handlers::Conversation conversation{policy_of(config)};
    bot::Console console{*database, conversation, options};
    return console.run(std::cin, std::cout, isatty(STDIN_FILENO) != 0);
}

int demo(Overrides overrides, bool keep) {
    if (overrides.database_url.empty()) overrides.database_url = "sqlite3://db=var/demo.db";
    const auto config = load(overrides);
    const auto url = storage::parse_url(config.database.url);
    if (!keep && url.backend == "sqlite3") {
        // The demo tells its story from the beginning each time.
        const auto path = storage::sqlite_file(storage::parse_connect_string(url.connect));
        for (const auto* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    }
    auto database = open_database(config);
    handlers::Conversation conversation{policy_of(config)};
    const auto status = bot::run_demo(*database, conversation, std::cout);
    std::cout << "(database: " << storage::redact_database_url(config.database.url) << ")\n";
    return status;
}

int migrate(const Overrides& overrides) {
    const auto config = load(overrides);
    storage::Database database{database_options(config)};
    const auto applied = database.migrate();
    std::cout << "database at version " << database.schema_version() << " (" << applied
              << " migration(s) applied)\n";
    return 0;
}

int workspace_list(const Overrides& overrides) {
    const auto config = load(overrides);
    auto database = open_database(config);
    database->transact([](storage::UnitOfWork& work) {
        for (const auto& w : work.workspaces().list()) {
            std::cout << w.id << "\t" << w.name << "\t" << w.time_zone << "\t" << w.language
                      << "\n";
        }
    });
    return 0;
}

int workspace_link(const Overrides& overrides, const std::string& platform,
                   const std::string& chat_id, const std::string& name) {
    const auto config = load(overrides);
    auto database = open_database(config);
    return database->transact([&](storage::UnitOfWork& work) {
        auto& workspaces = work.workspaces();
        if (auto existing = workspaces.find_chat(platform, chat_id)) {
            std::cerr << platform << " chat " << chat_id << " is already linked to workspace #"
                      << existing->workspace_id << "\n";
            return 1;
        }
        auto workspace = workspaces.find_by_name(name);
        if (!workspace) {
            storage::Workspace fresh;
            fresh.name = name;
            fresh.time_zone = config.workspace.default_time_zone;
            fresh.language = config.workspace.default_language;
            fresh.created_at =
                std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
            workspace = workspaces.create(fresh);
        }
        workspaces.bind_chat({0, workspace->id, platform, chat_id, {}});
        std::cout << "linked " << platform << " chat " << chat_id << " to workspace #"
                  << workspace->id << " \"" << workspace->name << "\"\n";
        return 0;
    });
}

int subscriptions_list(const Overrides& overrides) {
    const auto config = load(overrides);
    auto database = open_database(config);
    const auto [subscriptions, workspaces] = database->transact([](storage::UnitOfWork& work) {
        return std::pair{work.schedules().subscriptions(std::nullopt), work.workspaces().list()};
    });
    if (subscriptions.empty()) {
        std::cout << "no subscriptions (a manager types /subscribe daily 09:00 in a chat)\n";
        return 0;
    }
    std::cout << fmt::format("{:>5}  {:<20} {:<10} {:<22} {:<7} {:<4} {:<6} {}\n", "id",
                             "workspace", "platform", "chat", "kind", "day", "time", "zone");
    for (const auto& sub : subscriptions) {
        const auto workspace =
            std::find_if(workspaces.begin(), workspaces.end(),
                         [&](const auto& w) { return w.id == sub.workspace_id; });
        constexpr std::array<std::string_view, 8> kDays{"",    "mon", "tue", "wed",
                                                        "thu", "fri", "sat", "sun"};
        std::cout << fmt::format(
            "{:>5}  {:<20} {:<10} {:<22} {:<7} {:<4} {:<6} {}\n", sub.id,
            workspace == workspaces.end() ? std::to_string(sub.workspace_id) : workspace->name,
            sub.platform, sub.platform_chat_id, sub.kind,
            sub.weekday ? kDays.at(static_cast<std::size_t>(*sub.weekday)) : "",
            handlers::format_local_time(sub.local_time),
            sub.time_zone.empty() && workspace != workspaces.end()
                ? workspace->time_zone + " (workspace)"
                : sub.time_zone);
    }
    return 0;
}

/// Sets a chat's summary subscription from the command line, as /subscribe does in the chat.
int subscriptions_set(const Overrides& overrides, const std::string& platform,
                      const std::string& chat, const std::string& kind, const std::string& day,
                      const std::string& time, const std::string& zone, bool remove) {
    const auto config = load(overrides);
    auto database = open_database(config);
    return database->transact([&](storage::UnitOfWork& work) {
        const auto bound = work.workspaces().find_chat(platform, chat);
        if (!bound) {
            std::cerr << platform << " chat " << chat
                      << " is not bound to a workspace (see inmaek workspace link)\n";
            return 1;
        }
        if (remove) {
            const auto removed = work.schedules().unsubscribe(bound->workspace_id, platform, chat,
                                                              kind == "all" ? "" : kind);
            std::cout << "removed " << removed << " subscription(s)\n";
            return removed > 0 ? 0 : 1;
        }
        storage::SummarySubscription subscription;
        subscription.workspace_id = bound->workspace_id;
        subscription.platform = platform;
        subscription.platform_chat_id = chat;
        subscription.kind = kind;
        const auto minutes = bot::parse_local_time(time);
        if (!minutes) {
            std::cerr << "--time: expected HH:MM, got '" << time << "'\n";
            return 2;
        }
        subscription.local_time = *minutes;
        if (kind == "weekly") {
            constexpr std::array<std::string_view, 7> kDays{"mon", "tue", "wed", "thu",
                                                            "fri", "sat", "sun"};
            const auto found = std::find(kDays.begin(), kDays.end(), day);
            if (found == kDays.end()) {
                std::cerr << "--day: a weekly summary needs mon … sun\n";
                return 2;
            }
            subscription.weekday = static_cast<int>(found - kDays.begin()) + 1;
        }
        if (!zone.empty()) {
            try {
                date::locate_zone(zone);
            } catch (const std::exception&) {
                std::cerr << "--zone: unknown time zone '" << zone << "'\n";
                return 2;
            }
            subscription.time_zone = zone;
        }
        subscription.created_at =
            std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
        const auto stored = work.schedules().subscribe(subscription);
        std::cout << "subscription #" << stored.id << ": " << stored.kind << " at "
                  << handlers::format_local_time(stored.local_time) << " to " << platform
                  << " chat " << chat << "\n";
        return 0;
    });
}

/// The workspace an API key is for: by id or name, or the only one when none is named.
std::optional<storage::Workspace> key_workspace(storage::UnitOfWork& work,
                                                const std::string& wanted) {
    const auto workspaces = work.workspaces().list();
    const auto listing = [&] {
        std::string names;
        for (const auto& w : workspaces) {
            names += "\n  " + std::to_string(w.id) + "\t" + w.name;
        }
        return names;
    };
    if (wanted.empty()) {
        if (workspaces.size() == 1) return workspaces.front();
        std::cerr << (workspaces.empty()
                          ? std::string{"the database holds no workspace yet (one is made when a "
                                        "chat first talks to the bot, or by inmaek workspace link)"}
                          : "the database holds " + std::to_string(workspaces.size()) +
                                " workspaces: name one with --workspace <id|name>:" + listing())
                  << "\n";
        return std::nullopt;
    }
    for (const auto& w : workspaces) {
        if (w.name == wanted || std::to_string(w.id) == wanted) return w;
    }
    std::cerr << "--workspace: no workspace '" << wanted << "'; there are:" << listing() << "\n";
    return std::nullopt;
}

int api_key_create(const Overrides& overrides, const std::string& workspace_name,
                   const std::string& role_text, const std::string& label) {
    const auto config = load(overrides);
    auto database = open_database(config);
    const auto role = storage::role_from_string(role_text);
    if (!role) {
        std::cerr << "--role: member, manager or admin\n";
        return 2;
    }
    const auto generated = bot::api::generate_key();
    return database->transact([&](storage::UnitOfWork& work) {
        const auto workspace = key_workspace(work, workspace_name);
        if (!workspace) return 2;
        storage::ApiKey key;
        key.workspace_id = workspace->id;
        key.prefix = generated.prefix;
        key.secret_hash = generated.hash;
        key.role = *role;
        key.label = label;
        key.created_at = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
        const auto stored = work.api_keys().create(key);
        std::cout << "API key #" << stored.id << " (" << stored.prefix << ") for workspace #"
                  << workspace->id << " \"" << workspace->name << "\", role "
                  << storage::to_string(stored.role) << ":\n"
                  << generated.key
                  << "\nIt is shown this once and stored only as a hash: keep it now.\n";
        return 0;
    });
}

std::string format_time_or(const std::optional<storage::Timestamp>& at, std::string_view none) {
    return at ? date::format("%F %R", *at) : std::string{none};
}

int api_key_list(const Overrides& overrides) {
    const auto config = load(overrides);
    auto database = open_database(config);
    const auto [keys, workspaces] = database->transact([](storage::UnitOfWork& work) {
        return std::pair{work.api_keys().list(), work.workspaces().list()};
    });
    if (keys.empty()) {
        std::cout << "no API keys (inmaek api-key create --role member)\n";
        return 0;
    }
    std::cout << fmt::format("{:>4}  {:<12}  {:<20} {:<8} {:<20} {:<16} {:<16} {}\n", "id",
                             "prefix", "workspace", "role", "label", "created (UTC)", "last used",
                             "revoked");
    for (const auto& key : keys) {
        const auto workspace =
            std::find_if(workspaces.begin(), workspaces.end(),
                         [&](const auto& w) { return w.id == key.workspace_id; });
        std::cout << fmt::format(
            "{:>4}  {:<12}  {:<20} {:<8} {:<20} {:<16} {:<16} {}\n", key.id, key.prefix,
            workspace == workspaces.end() ? std::to_string(key.workspace_id) : workspace->name,
            storage::to_string(key.role), key.label, format_time_or(key.created_at, ""),
            format_time_or(key.last_used_at, "never"), format_time_or(key.revoked_at, "-"));
    }
    return 0;
}

int api_key_revoke(const Overrides& overrides, const std::string& which) {
    const auto config = load(overrides);
    auto database = open_database(config);
    return database->transact([&](storage::UnitOfWork& work) {
        auto key = work.api_keys().find_by_prefix(which);
        if (!key && !which.empty() && which.find_first_not_of("0123456789") == std::string::npos) {
            key = work.api_keys().get(std::stoll(which));
        }
        if (!key) {
            std::cerr << "no API key '" << which << "' (see inmaek api-key list)\n";
            return 1;
        }
        const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
        if (!work.api_keys().revoke(key->id, now)) {
            std::cerr << "API key #" << key->id << " (" << key->prefix << ") was revoked before\n";
            return 1;
        }
        std::cout << "revoked API key #" << key->id << " (" << key->prefix << ")\n";
        return 0;
    });
}

int role_list(const Overrides& overrides, const std::string& workspace_name) {
    const auto config = load(overrides);
    auto database = open_database(config);
    return database->transact([&](storage::UnitOfWork& work) {
        const auto workspace = key_workspace(work, workspace_name);
        if (!workspace) return 2;
        const auto users = work.workspaces().list_users(workspace->id);
        std::cout << "workspace #" << workspace->id << " \"" << workspace->name
                  << "\": " << users.size() << " user(s)\n";
        if (users.empty()) return 0;
        std::cout << fmt::format("{:>5}  {:<8} {:<32} {:<20} {}\n", "id", "role", "user", "handle",
                                 "name");
        for (const auto& user : users) {
            std::cout << fmt::format(
                "{:>5}  {:<8} {:<32} {:<20} {}\n", user.id, storage::to_string(user.role),
                user.platform + ":" + user.platform_user_id,
                user.handle.empty() ? "" : "@" + user.handle, user.display_name);
        }
        return 0;
    });
}

/// Sets a person's role from the command line, as /role does in the chat (audited, never
/// demoting the last admin).
int role_set(const Overrides& overrides, const std::string& workspace_name, const std::string& who,
             const std::string& role_text) {
    const auto config = load(overrides);
    const auto role = handlers::parse_role(role_text);
    if (!role) {
        std::cerr << "--role: member, manager or admin\n";
        return 2;
    }
    auto database = open_database(config);
    return database->transact([&](storage::UnitOfWork& work) {
        const auto workspace = key_workspace(work, workspace_name);
        if (!workspace) return 2;
        auto& workspaces = work.workspaces();
        // "#12" or "12" is the id `inmaek role list` shows; anything else names a person as chat
        // does (platform:id, @handle, display name).
        std::optional<storage::User> person;
        const auto digits = who.starts_with('#') ? who.substr(1) : who;
        if (!digits.empty() && digits.find_first_not_of("0123456789") == std::string::npos) {
            person = workspaces.get_user(workspace->id, std::stoll(digits));
        } else {
            person = handlers::find_person(workspaces, workspace->id, "", who);
        }
        if (!person) {
            std::cerr << "--user: nobody called '" << who << "' in workspace \"" << workspace->name
                      << "\" (see inmaek role list)\n";
            return 1;
        }
        const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
        handlers::Message message;
        message.platform = handlers::Platform::console;
        message.event_key = "inmaek role set";  // the audit's source
        message.received_at = now;
        const storage::User operator_user{.workspace_id = workspace->id,
                                          .role = storage::Role::admin};
        handlers::Context ctx{work,
                              *workspace,
                              operator_user,
                              message,
                              handlers::Lang::en,
                              now,
                              date::locate_zone("UTC")};
        const auto label =
            person->display_name + " (" + person->platform + ":" + person->platform_user_id + ")";
        switch (handlers::change_role(ctx, *person, *role)) {
            case handlers::RoleChange::last_admin:
                std::cerr << label << " is the only admin of \"" << workspace->name
                          << "\": make someone else an admin first\n";
                return 1;
            case handlers::RoleChange::unchanged:
                std::cout << label << " is already " << storage::to_string(*role) << "\n";
                return 0;
            case handlers::RoleChange::changed: break;
        }
        std::cout << label << " is now " << storage::to_string(*role) << " (was "
                  << storage::to_string(person->role) << ")\n";
        return 0;
    });
}

/// PUT the chat language's commands as Discord application commands (global, or one guild's,
/// which show at once while global ones take up to an hour).
int discord_register_commands(const Overrides& overrides, const std::string& guild) {
    const auto config = load(overrides);
    const auto& discord = config.discord;
    if (discord.application_id.empty() || discord.bot_token.empty()) {
        throw bot::ConfigError(
            "discord.application_id and discord.bot_token (INMAEK_DISCORD_BOT_TOKEN) are needed "
            "to register commands");
    }
    if (!guild.empty() && guild.find_first_not_of("0123456789") != std::string::npos) {
        std::cerr << "--guild: expected a guild id (digits)\n";
        return 2;
    }
    handlers::Conversation conversation{policy_of(config)};
    const auto base = bot::parse_url(discord.api_base_url);
    if (!base) throw bot::ConfigError("discord.api_base_url: " + base.error().message);
    const auto path = "/api/v10/applications/" + discord.application_id +
                      (guild.empty() ? "" : "/guilds/" + guild) + "/commands";
    auto url = base->join(path);
    if (!url) throw std::runtime_error(url.error().message);
    bot::ClientRequest request;
    request.method = boost::beast::http::verb::put;
    request.url = std::move(*url);
    request.headers.set(boost::beast::http::field::authorization, "Bot " + discord.bot_token);
    request.headers.set(boost::beast::http::field::content_type, "application/json");
    request.body = bot::platforms::discord_application_commands(conversation.router());
    request.retry_safe = true;  // PUT replaces the whole list
    bot::HttpClient client;
    const auto result = client.send(std::move(request));
    if (!result) {
        std::cerr << "discord: " << result.error().message << "\n";
        return 1;
    }
    if (result->result_int() / 100 != 2) {
        std::cerr << "discord answered " << result->result_int() << ": "
                  << result->body().substr(0, 500) << "\n";
        return 1;
    }
    std::cout << "registered " << conversation.router().commands().size()
              << " commands with Discord" << (guild.empty() ? "" : " in guild " + guild) << "\n";
    return 0;
}

int outbox_list(const Overrides& overrides, const std::string& status, int limit) {
    const auto config = load(overrides);
    auto database = open_database(config);
    const auto [messages, counts] = database->transact([&](storage::UnitOfWork& work) {
        return std::pair{work.outbox().list(status, limit), work.outbox().counts()};
    });
    std::string summary;
    for (const auto& [name, count] : counts) {
        summary += (summary.empty() ? "" : ", ") + std::to_string(count) + " " + name;
    }
    std::cout << "outbox: " << (summary.empty() ? "empty" : summary) << "\n";
    if (messages.empty()) return 0;
    std::cout << fmt::format("{:>8}  {:<8} {:<10} {:<22} {:<8} {:>8}  {}\n", "id", "status",
                             "platform", "destination", "kind", "attempts", "due / sent / error");
    for (const auto& m : messages) {
        std::string detail;
        if (m.status == "sent" && m.sent_at) {
            detail = "sent " + date::format("%F %T UTC", *m.sent_at);
        } else {
            detail = (m.status == "dead" ? "died " : "due ") +
                     date::format("%F %T UTC", m.next_attempt_at);
            if (!m.last_error.empty()) detail += ": " + m.last_error;
        }
        std::cout << fmt::format("{:>8}  {:<8} {:<10} {:<22} {:<8} {:>8}  {}\n", m.id, m.status,
                                 m.platform, m.destination, m.kind, m.attempts, detail);
    }
    return 0;
}

int outbox_retry(const Overrides& overrides, const std::vector<storage::Id>& ids, bool all_dead) {
    const auto config = load(overrides);
    auto database = open_database(config);
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    return database->transact([&](storage::UnitOfWork& work) {
        auto wanted = ids;
        if (all_dead) {
            for (const auto& m : work.outbox().list("dead", 0)) wanted.push_back(m.id);
        }
        int missing = 0;
        for (const auto id : wanted) {
            if (work.outbox().requeue(id, now)) {
                std::cout << "outbox #" << id << " is due again\n";
            } else {
                std::cerr << "outbox #" << id << ": no such message, or it was sent already\n";
                ++missing;
            }
        }
        if (wanted.empty()) std::cout << "nothing to retry\n";
        return missing == 0 ? 0 : 1;
    });
}

/// A progress bar on stderr: redrawn in place on a terminal; elsewhere (a log) one line when a
/// step is complete.
class ProgressBar {
public:
    ProgressBar() : terminal_(isatty(STDERR_FILENO) != 0) {}

    void show(std::string_view label, std::int64_t done, std::int64_t total) {
        const bool complete = done >= total;
        if (!terminal_ && !complete) return;
        constexpr std::int64_t kWidth = 30;
        const std::int64_t percent = total > 0 ? done * 100 / total : 100;
        std::string bar(static_cast<std::size_t>(percent * kWidth / 100), '#');
        bar.resize(kWidth, '.');
        std::cerr << fmt::format("{}{:<20} [{}] {:>9}/{:<9} {:>3}%{}", terminal_ ? "\r" : "", label,
                                 bar, done, total, percent, complete ? "\n" : "")
                  << std::flush;
    }

private:
    bool terminal_;
};

int backup(const Overrides& overrides, const std::string& to, bool force) {
    const auto config = load(overrides);
    if (storage::parse_url(config.database.url).backend == "postgresql") {
        std::cout << storage::pg_dump_command(config.database.url, to) << "\n";
        std::cerr << "inmaek backup copies SQLite databases. Back up PostgreSQL with the pg_dump "
                     "command above (the password comes from PGPASSWORD or ~/.pgpass) and "
                     "restore with pg_restore: see deploy/README.md, Backup and restore.\n";
        return 2;
    }
    ProgressBar bar;
    const auto result = storage::backup_sqlite(
        config.database.url,
        storage::BackupOptions{.to = to,
                               .force = force,
                               .busy_timeout_ms = config.database.busy_timeout_ms,
                               .progress = [&bar](std::int64_t done, std::int64_t total) {
                                   bar.show("backup (pages)", done, total);
                               }});
    std::int64_t rows = 0;
    for (const auto& table : result.tables) rows += table.rows;
    std::cout << fmt::format(
        "backup written to {}: {} tables, {} rows, {} pages ({} KiB); integrity ok, row counts "
        "match the source; {} ms\n",
        result.file.string(), result.tables.size(), rows, result.pages, result.bytes / 1024,
        result.elapsed.count());
    return 0;
}

int migrate_data(const Overrides& overrides, const std::string& from, const std::string& to,
                 bool force) {
    load(overrides);  // logging
    ProgressBar bar;
    const auto result = storage::transfer_database(storage::TransferOptions{
        .from_url = from,
        .to_url = to,
        .force = force,
        .progress = [&bar](const storage::TransferProgress& progress) {
            bar.show(progress.table, progress.rows_done, progress.rows_total);
        }});
    std::cout << fmt::format("{:<20} {:>10} {:>10} {:>10}\n", "table", "source", "target",
                             "deleted");
    for (const auto& table : result.tables) {
        std::cout << fmt::format("{:<20} {:>10} {:>10} {:>10}\n", table.table, table.source_rows,
                                 table.target_rows, table.deleted_rows);
    }
    std::cout << fmt::format(
        "copied {} rows of {} tables in one transaction in {} ms; row counts match; {} id "
        "sequences set past the copied ids; schema version {}\n",
        result.rows(), result.tables.size(), result.elapsed.count(), result.sequences_reset,
        result.schema_version);
    return 0;
}

/// `inmaek export KIND`: the workspace's CSV to a file or standard output, as /export serves it.
int export_csv(const Overrides& overrides, const std::string& kind_text,
               const std::string& workspace_name, const std::string& output) {
    const auto config = load(overrides);
    const auto kind = handlers::export_kind_from_text(kind_text);
    if (!kind) {
        std::cerr << "export: leads, companies, contacts or meetings\n";
        return 2;
    }
    auto database = open_database(config);
    std::ofstream file;
    if (!output.empty()) {
        file.open(output, std::ios::binary | std::ios::trunc);
        if (!file) {
            std::cerr << "--output: cannot write " << output << "\n";
            return 1;
        }
    }
    std::ostream& out = output.empty() ? std::cout : file;
    // A read-only snapshot on its own connection: a running server goes on writing meanwhile.
    const auto rows = database->read([&](storage::UnitOfWork& work) -> std::int64_t {
        const auto workspace = key_workspace(work, workspace_name);
        if (!workspace) return -1;
        return handlers::write_export(work, workspace->id, *kind, bot::workspace_zone(*workspace),
                                      out);
    });
    if (rows < 0) return 2;
    out.flush();
    if (!out) {
        std::cerr << "export: writing failed\n";
        return 1;
    }
    std::cerr << "exported " << rows << " " << handlers::to_string(*kind)
              << (output.empty() ? "" : " to " + output) << "\n";
    return 0;
}

/// `inmaek import KIND FILE`: a HubSpot-style CSV into the workspace, in batches, with a
/// progress bar; --dry-run reports what would happen and changes nothing.
int import_csv(const Overrides& overrides, const std::string& kind_text, const std::string& path,
               const std::string& workspace_name, bool dry_run) {
    const auto config = load(overrides);
    const auto kind = handlers::import_kind_from_text(kind_text);
    if (!kind) {
        std::cerr << "import: companies, contacts or deals\n";
        return 2;
    }
    std::ifstream in{path, std::ios::binary};
    if (!in) {
        std::cerr << "import: cannot read " << path << "\n";
        return 1;
    }
    std::error_code size_error;
    const auto size = static_cast<std::int64_t>(std::filesystem::file_size(path, size_error));
    auto database = open_database(config);
    const auto workspace = database->transact(
        [&](storage::UnitOfWork& work) { return key_workspace(work, workspace_name); });
    if (!workspace) return 2;

    ProgressBar bar;
    handlers::ImportOptions options;
    options.kind = *kind;
    options.workspace_id = workspace->id;
    options.now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    options.source = "import:" + std::filesystem::path{path}.filename().string();
    options.dry_run = dry_run;
    options.progress = [&](std::int64_t bytes) {
        bar.show(dry_run ? "import (dry run)" : "import", bytes, size_error ? bytes : size);
    };
    handlers::ImportReport report;
    try {
        report = handlers::run_import(in, options, [&](const auto& fn) { database->transact(fn); });
    } catch (const handlers::ImportError& e) {
        std::cerr << path << ": " << e.what() << "\n";
        return 2;
    } catch (const handlers::csv::ParseError& e) {
        std::cerr << path << ": " << e.what() << "\n";
        return 2;
    }
    for (const auto& line : report.lines) {
        if (!dry_run && line.action != handlers::ImportLine::Action::reject) continue;
        std::cout << fmt::format("row {:>6}  {:<7} {}\n", line.row,
                                 handlers::to_string(line.action), line.detail);
    }
    std::cout << fmt::format(
        "{}{} created, {} merged into existing, {} rejected (workspace #{} \"{}\")\n",
        dry_run ? "dry run, nothing changed: would be " : "", report.created, report.merged,
        report.rejected, workspace->id, workspace->name);
    return 0;
}

std::optional<std::chrono::sys_seconds> parse_now(const std::string& text) {
    if (text.empty()) return std::nullopt;
    std::istringstream in{text};
    date::sys_seconds at;
    in >> date::parse("%Y-%m-%dT%H:%M:%S%z", at);
    if (in.fail()) throw CLI::ValidationError("--now", "expected e.g. 2025-02-04T09:00:00+0900");
    return std::chrono::sys_seconds{at.time_since_epoch()};
}

}  // namespace

int main(int argc, char** argv) try {
    CLI::App app{"inmaek (인맥) — a partnership CRM that lives in your team's messenger"};
    app.require_subcommand(1);
    Overrides overrides;
    app.add_option("-c,--config", overrides.config_file, "TOML configuration file")
        ->check(CLI::ExistingFile);
    app.add_option("--database", overrides.database_url,
                   "database URL, e.g. sqlite3://db=var/inmaek.db (overrides INMAEK_DATABASE_URL)");

    auto* serve_cmd = app.add_subcommand("serve", "run the webhook server");
    serve_cmd->add_option("--listen", overrides.listen,
                          "host:port (overrides INMAEK_SERVER_LISTEN)");

    bot::ConsoleOptions console_options;
    std::string now_text;
    auto* chat_cmd =
        app.add_subcommand("chat", "talk to inmaek in this terminal (or pipe commands)");
    chat_cmd->add_option("-w,--workspace", console_options.workspace, "workspace name")
        ->capture_default_str();
    chat_cmd->add_option("-u,--user", console_options.speaker.name, "who is typing")
        ->capture_default_str();
    chat_cmd->add_option("--lang", console_options.speaker.locale, "reply language: ko or en")
        ->check(CLI::IsMember({"ko", "en"}));
    chat_cmd->add_option("--now", now_text,
                         "fixed clock for scripts, e.g. 2025-02-04T09:00:00+0900");

    bool keep = false;
    auto* demo_cmd =
        app.add_subcommand("demo", "replay the seed story (2025-02-04, Seoul) and print it");
    demo_cmd->add_flag("--keep", keep, "keep the demo database from an earlier run");

    auto* migrate_cmd = app.add_subcommand("migrate", "apply database migrations");
    auto* config_cmd =
        app.add_subcommand("config", "print the effective configuration (secrets hidden)");

    auto* workspace_cmd = app.add_subcommand("workspace", "list workspaces and link chats");
    workspace_cmd->require_subcommand(1);
    auto* list_cmd = workspace_cmd->add_subcommand("list", "list workspaces");
    std::string platform = "telegram";
    std::string chat_id;
    std::string workspace_name;
    auto* link_cmd = workspace_cmd->add_subcommand("link", "bind a platform chat to a workspace");
    link_cmd->add_option("--platform", platform, "telegram, generic, …")->capture_default_str();
    link_cmd->add_option("--chat", chat_id, "platform chat id, e.g. -1001234567890")->required();
    link_cmd->add_option("--workspace", workspace_name, "workspace name (created if new)")
        ->required();

    std::string backup_to;
    bool backup_force = false;
    auto* backup_cmd = app.add_subcommand(
        "backup",
        "copy the SQLite database to a file while the server runs (SQLite's online backup), "
        "then check the copy; for PostgreSQL, print the pg_dump command and exit 2");
    backup_cmd->add_option("--to", backup_to, "the backup file, e.g. /var/backups/inmaek/x.db")
        ->required();
    backup_cmd->add_flag("--force", backup_force, "replace an existing file");

    std::string data_from;
    std::string data_to;
    bool data_force = false;
    auto* migrate_data_cmd = app.add_subcommand(
        "migrate-data",
        "copy a whole SQLite database (ids, history, audit) into PostgreSQL in one transaction");
    migrate_data_cmd->add_option("--from", data_from, "source, e.g. sqlite3://db=var/inmaek.db")
        ->required();
    migrate_data_cmd
        ->add_option("--to", data_to,
                     "target, e.g. \"postgresql://host=db port=5432 dbname=inmaek user=inmaek\" "
                     "(leave the password to PGPASSWORD or ~/.pgpass)")
        ->required();
    migrate_data_cmd->add_flag("--force", data_force,
                               "delete the rows a non-empty target has instead of refusing it");

    auto* outbox_cmd =
        app.add_subcommand("outbox", "list queued pushes and retry dead-lettered ones");
    outbox_cmd->require_subcommand(1);
    std::string outbox_status;
    int outbox_limit = 50;
    auto* outbox_list_cmd = outbox_cmd->add_subcommand("list", "the newest messages first");
    outbox_list_cmd->add_option("--status", outbox_status, "pending, sent or dead (default: all)")
        ->check(CLI::IsMember({"pending", "sent", "dead"}));
    outbox_list_cmd->add_option("--limit", outbox_limit, "at most this many rows")
        ->capture_default_str()
        ->check(CLI::Range(1, 100000));
    std::vector<storage::Id> retry_ids;
    bool retry_all_dead = false;
    auto* outbox_retry_cmd =
        outbox_cmd->add_subcommand("retry", "make messages due again with fresh attempts");
    outbox_retry_cmd->add_option("ids", retry_ids, "message ids (see outbox list)");
    outbox_retry_cmd->add_flag("--all-dead", retry_all_dead, "every dead-lettered message");

    auto* subscriptions_cmd =
        app.add_subcommand("subscriptions", "list and change chats' summary subscriptions");
    subscriptions_cmd->require_subcommand(1);
    auto* subscriptions_list_cmd = subscriptions_cmd->add_subcommand("list", "every subscription");
    std::string sub_platform = "telegram";
    std::string sub_chat;
    std::string sub_kind = "daily";
    std::string sub_day;
    std::string sub_time = "09:00";
    std::string sub_zone;
    auto* subscriptions_set_cmd = subscriptions_cmd->add_subcommand(
        "set", "subscribe a bound chat, or change its time (as /subscribe in the chat)");
    auto* subscriptions_remove_cmd =
        subscriptions_cmd->add_subcommand("remove", "stop a chat's summaries");
    for (auto* command : {subscriptions_set_cmd, subscriptions_remove_cmd}) {
        command->add_option("--platform", sub_platform, "telegram, discord, …")
            ->capture_default_str();
        command->add_option("--chat", sub_chat, "the chat as bound, e.g. -1001234567890")
            ->required();
    }
    subscriptions_set_cmd->add_option("--kind", sub_kind, "daily or weekly")
        ->capture_default_str()
        ->check(CLI::IsMember({"daily", "weekly"}));
    subscriptions_remove_cmd->add_option("--kind", sub_kind, "daily, weekly or all")
        ->capture_default_str()
        ->check(CLI::IsMember({"daily", "weekly", "all"}));
    subscriptions_set_cmd->add_option("--day", sub_day, "weekly: mon … sun");
    subscriptions_set_cmd->add_option("--time", sub_time, "local HH:MM")->capture_default_str();
    subscriptions_set_cmd->add_option("--zone", sub_zone, "IANA zone (default: the workspace's)");

    auto* api_key_cmd = app.add_subcommand("api-key", "create, list and revoke REST API keys");
    api_key_cmd->require_subcommand(1);
    std::string key_workspace_name;
    std::string key_role;
    std::string key_label;
    std::string key_which;
    auto* api_key_create_cmd = api_key_cmd->add_subcommand(
        "create", "make a key for /api/v1 and print it once (only its hash is stored)");
    api_key_create_cmd->add_option("--workspace", key_workspace_name,
                                   "workspace id or name (may be left out when there is one)");
    api_key_create_cmd
        ->add_option("--role", key_role, "member reads, manager writes, admin deletes")
        ->required()
        ->check(CLI::IsMember({"member", "manager", "admin"}));
    api_key_create_cmd->add_option("--label", key_label, "what the key is for");
    auto* api_key_list_cmd =
        api_key_cmd->add_subcommand("list", "every key (never the key itself)");
    auto* api_key_revoke_cmd = api_key_cmd->add_subcommand("revoke", "stop a key from working");
    api_key_revoke_cmd->add_option("key", key_which, "the key's prefix or id (see api-key list)")
        ->required();

    std::string csv_kind;
    std::string csv_workspace;
    std::string csv_output;
    std::string csv_file;
    bool csv_dry_run = false;
    auto* export_cmd = app.add_subcommand(
        "export", "write a workspace's leads, companies, contacts or meetings as CSV (UTF-8)");
    export_cmd->add_option("kind", csv_kind, "leads, companies, contacts or meetings")
        ->required()
        ->check(CLI::IsMember({"leads", "companies", "contacts", "meetings"}));
    export_cmd->add_option("--workspace", csv_workspace,
                           "workspace id or name (may be left out when there is one)");
    export_cmd->add_option("-o,--output", csv_output, "the CSV file (default: standard output)");
    auto* import_cmd = app.add_subcommand(
        "import",
        "import a HubSpot-style CSV export of companies, contacts or deals (existing companies "
        "and people are merged into, not duplicated)");
    import_cmd->add_option("kind", csv_kind, "companies, contacts or deals")
        ->required()
        ->check(CLI::IsMember({"companies", "contacts", "deals"}));
    import_cmd->add_option("file", csv_file, "the CSV file")->required()->check(CLI::ExistingFile);
    import_cmd->add_option("--workspace", csv_workspace,
                           "workspace id or name (may be left out when there is one)");
    import_cmd->add_flag("--dry-run", csv_dry_run,
                         "report what would be created, merged or rejected; change nothing");
    auto* role_cmd = app.add_subcommand("role", "list a workspace's people and set their roles");
    role_cmd->require_subcommand(1);
    std::string role_workspace_name;
    std::string role_user;
    std::string role_value;
    auto* role_list_cmd = role_cmd->add_subcommand("list", "every user of a workspace with role");
    auto* role_set_cmd = role_cmd->add_subcommand(
        "set", "give a user a role, as /role in the chat (the last admin stays admin)");
    for (auto* command : {role_list_cmd, role_set_cmd}) {
        command->add_option("--workspace", role_workspace_name,
                            "workspace id or name (may be left out when there is one)");
    }
    role_set_cmd
        ->add_option("--user", role_user,
                     "id from role list (12), platform:user id (telegram:5012345678), @handle or "
                     "display name")
        ->required();
    role_set_cmd
        ->add_option("--role", role_value, "member, manager or admin (멤버, 매니저, 관리자)")
        ->required();

    auto* discord_cmd = app.add_subcommand("discord", "Discord application set-up");
    discord_cmd->require_subcommand(1);
    std::string discord_guild;
    auto* discord_register_cmd = discord_cmd->add_subcommand(
        "register-commands", "publish the chat language's commands as Discord slash commands");
    discord_register_cmd->add_option("--guild", discord_guild,
                                     "one guild only (shows at once; global takes up to an hour)");

    CLI11_PARSE(app, argc, argv);
    try {
        if (*serve_cmd) return serve(overrides);
        if (*chat_cmd) {
            console_options.now = parse_now(now_text);
            return chat(overrides, console_options);
        }
        if (*demo_cmd) return demo(overrides, keep);
        if (*migrate_cmd) return migrate(overrides);
        if (*backup_cmd) return backup(overrides, backup_to, backup_force);
        if (*migrate_data_cmd) return migrate_data(overrides, data_from, data_to, data_force);
        if (*config_cmd) {
            std::cout << bot::describe(load(overrides)) << "\n";
            return 0;
        }
        if (*subscriptions_list_cmd) return subscriptions_list(overrides);
        if (*subscriptions_set_cmd || *subscriptions_remove_cmd) {
            return subscriptions_set(overrides, sub_platform, sub_chat, sub_kind, sub_day, sub_time,
                                     sub_zone, static_cast<bool>(*subscriptions_remove_cmd));
        }
        if (*api_key_create_cmd) {
            return api_key_create(overrides, key_workspace_name, key_role, key_label);
        }
        if (*api_key_list_cmd) return api_key_list(overrides);
        if (*export_cmd) return export_csv(overrides, csv_kind, csv_workspace, csv_output);
        if (*import_cmd) {
            return import_csv(overrides, csv_kind, csv_file, csv_workspace, csv_dry_run);
        }
        if (*api_key_revoke_cmd) return api_key_revoke(overrides, key_which);
        if (*role_list_cmd) return role_list(overrides, role_workspace_name);
        if (*role_set_cmd) return role_set(overrides, role_workspace_name, role_user, role_value);
        if (*discord_register_cmd) return discord_register_commands(overrides, discord_guild);
        if (*outbox_list_cmd) return outbox_list(overrides, outbox_status, outbox_limit);
        if (*outbox_retry_cmd) {
            if (retry_ids.empty() && !retry_all_dead) {
                std::cerr << "outbox retry: name message ids or --all-dead\n";
                return 2;
            }
            return outbox_retry(overrides, retry_ids, retry_all_dead);
        }
        if (*list_cmd) return workspace_list(overrides);
        if (*link_cmd) return workspace_link(overrides, platform, chat_id, workspace_name);
    } catch (const bot::ConfigError& e) {
        std::cerr << "configuration error: " << e.what() << "\n";
        return 78;  // EX_CONFIG
    } catch (const storage::SchemaTooNew& e) {
        std::cerr << "database refused: " << e.what() << "\n";
        return 65;
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
    return 0;
} catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
}
