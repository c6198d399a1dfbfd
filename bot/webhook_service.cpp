#include "bot/webhook_service.hpp"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <random>

namespace inmaek::bot {

namespace {

Response problem(http::status status, std::string_view detail, unsigned version, bool keep_alive) {
    nlohmann::json body{{"status", static_cast<int>(status)}, {"error", detail}};
    auto response = platforms::json_response(status, body.dump(), version, keep_alive,
                                             "application/problem+json");
    if (status == http::status::service_unavailable) response.set(http::field::retry_after, "5");
    return response;
}

/// A key for a reply to a message without an event key of its own: never equal to another.
std::string unique_key() {
    static std::atomic<std::uint64_t> counter{0};
    static const std::uint64_t kProcess = std::random_device{}();
    return "unkeyed:" + std::to_string(kProcess) + ":" + std::to_string(++counter);
}

std::string_view path_of(std::string_view target) {
    return target.substr(0, target.find('?'));
}

bool is_placeholder(std::string_view segment) {
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

/// True when `path` matches `pattern` segment by segment, a "{name}" segment matching any one
/// non-empty segment.
bool matches(std::string_view pattern, std::string_view path) {
    while (true) {
        const auto pattern_end = pattern.find('/');
        const auto path_end = path.find('/');
        const auto expected = pattern.substr(0, pattern_end);
        const auto actual = path.substr(0, path_end);
        if (is_placeholder(expected) ? actual.empty() : actual != expected) return false;
        if (pattern_end == std::string_view::npos || path_end == std::string_view::npos) {
            return pattern_end == path_end;
        }
        pattern.remove_prefix(pattern_end + 1);
        path.remove_prefix(path_end + 1);
    }
}

/// The adapter's sub path that `rest` (the path after /hooks/) is served on: "" for the
/// adapter's bare name, nullopt when the adapter does not serve it.
std::optional<std::string_view> served_sub_path(const platforms::Adapter& adapter,
                                                std::string_view rest) {
    const auto name = adapter.name();
    const auto subs = adapter.sub_paths();
    if (subs.empty()) return rest == name ? std::optional<std::string_view>{""} : std::nullopt;
    if (!rest.starts_with(name) || rest.size() <= name.size() || rest[name.size()] != '/') {
        return std::nullopt;
    }
    const auto sub = rest.substr(name.size() + 1);
    for (const auto candidate : subs) {
        if (matches(candidate, sub)) return candidate;
    }
    return std::nullopt;
}

bool serves(const platforms::Adapter& adapter, std::string_view rest) {
    return served_sub_path(adapter, rest).has_value();
}

bool has_placeholder(const platforms::Adapter& adapter) {
    const auto subs = adapter.sub_paths();
    return std::any_of(subs.begin(), subs.end(), [](std::string_view sub) {
        return sub.find('{') != std::string_view::npos;
    });
}

Response failure_response(std::exception_ptr error, const RequestInfo& info, unsigned version,
                          bool keep_alive) {
    const auto [status, detail] = failed_job(std::move(error), info);
    return problem(status, detail, version, keep_alive);
}

}  // namespace

std::pair<http::status, std::string_view> failed_job(std::exception_ptr error,
                                                     const RequestInfo& info) {
    try {
        std::rethrow_exception(std::move(error));
    } catch (const storage::Unavailable& e) {
        spdlog::warn("request id={} database unavailable: {}", info.id, e.what());
        return {http::status::service_unavailable, "database unavailable, retry later"};
    } catch (const std::exception& e) {
        spdlog::error("request id={} failed: {}", info.id, e.what());
    } catch (...) {
        spdlog::error("request id={} failed with an unknown exception", info.id);
    }
    return {http::status::internal_server_error, "internal error"};
}

WebhookService::WebhookService(storage::Database& database, Executor& executor,
                               const handlers::Conversation& conversation,
                               std::vector<std::unique_ptr<platforms::Adapter>> adapters,
                               std::function<void()> pushed)
    : database_(database),
      executor_(executor),
      conversation_(conversation),
      adapters_(std::move(adapters)),
      pushed_(std::move(pushed)) {}

std::vector<std::string> WebhookService::hook_paths() const {
    std::vector<std::string> paths;
    for (const auto& adapter : adapters_) {
        const auto base = "/hooks/" + std::string{adapter->name()};
        const auto subs = adapter->sub_paths();
        if (subs.empty()) paths.push_back(base);
        for (const auto sub : subs) paths.push_back(base + "/" + std::string{sub});
    }
    return paths;
}

std::string WebhookService::loggable_path(std::string_view path) const {
    constexpr std::string_view kHooks = "/hooks/";
    if (!path.starts_with(kHooks)) return std::string{path};
    const auto rest = path.substr(kHooks.size());
    for (const auto& adapter : adapters_) {
        if (!has_placeholder(*adapter)) continue;
        const auto base = std::string{kHooks} + std::string{adapter->name()};
        if (const auto sub = served_sub_path(*adapter, rest)) return base + "/" + std::string{*sub};
        // Under a path that carries a secret, whatever was sent may be a near miss of it.
        if (rest.starts_with(std::string{adapter->name()} + "/")) return base + "/…";
    }
    return std::string{path};
}

void WebhookService::handle(Request&& request, std::shared_ptr<RequestInfo> info,
                            std::function<void(Response&&)> done) {
    const auto path = path_of(request.target());
    const auto version = request.version();
    const auto keep_alive = request.keep_alive();
    if (path == "/healthz") {
        if (request.method() != http::verb::get && request.method() != http::verb::head) {
            return done(problem(http::status::method_not_allowed, "use GET", version, keep_alive));
        }
        return done(
            platforms::json_response(http::status::ok, R"({"status":"ok"})", version, keep_alive));
    }
    if (path == "/readyz") return handle_ready(request, std::move(done));
    constexpr std::string_view kHooks = "/hooks/";
    if (path.starts_with(kHooks)) {
        const auto rest = path.substr(kHooks.size());
        for (const auto& adapter : adapters_) {
            if (!serves(*adapter, rest)) continue;
            info->platform = adapter->name();
            if (request.method() != http::verb::post) {
                return done(
                    problem(http::status::method_not_allowed, "use POST", version, keep_alive));
            }
            return handle_hook(*adapter, std::move(request), std::move(info), std::move(done));
        }
    }
    done(problem(http::status::not_found, "not found", version, keep_alive));
}

void WebhookService::handle_ready(const Request& request, std::function<void(Response&&)> done) {
    const auto version = request.version();
    const auto keep_alive = request.keep_alive();
    auto shared_done = std::make_shared<std::function<void(Response &&)>>(std::move(done));
    const bool queued = executor_.post([this, shared_done, version, keep_alive] {
        if (database_.ping()) {
            (*shared_done)(platforms::json_response(http::status::ok, R"({"status":"ready"})",
                                                    version, keep_alive));
        } else {
            (*shared_done)(problem(http::status::service_unavailable, "database unreachable",
                                   version, keep_alive));
        }
    });
    if (!queued) {
        (*shared_done)(
            problem(http::status::service_unavailable, "overloaded", version, keep_alive));
    }
}

bool WebhookService::converse(storage::UnitOfWork& work, const platforms::Adapter& adapter,
                              const platforms::Parsed& parsed, handlers::Outcome& outcome) const {
    const auto& message = parsed.message;
    outcome = conversation_.handle(work, message);
    if (outcome.replayed || outcome.ignored) return false;
    // Queued with the change; the keys make a second queueing of this reply impossible. Most
    // replies ride the webhook response: the key is made only for a row.
    std::string key;
    const auto queue = [&](platforms::Push push, std::string_view kind) {
        if (key.empty()) {
            key = std::string{adapter.name()} + ":" +
                  (message.event_key.empty() ? unique_key() : message.event_key);
        }
        storage::OutboxMessage row;
        row.workspace_id = outcome.workspace_id;
        row.platform = adapter.name();
        row.destination = std::move(push.destination);
        row.kind = kind;
        row.dedupe_key = std::string{kind} + ":" + key;
        row.payload = std::move(push.payload);
        row.created_at = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
        row.next_attempt_at = row.created_at;
        return work.outbox().enqueue(row);
    };
    bool queued = false;
    if (auto push = adapter.push(parsed, outcome.reply)) {
        queued = queue(std::move(*push), "reply");
    }
    // After the reply: the sender keeps a chat's rows in order.
    if (outcome.reply.attachment) {
        if (auto file = adapter.push_file(parsed, outcome.reply)) {
            queued = queue(std::move(*file), "file") || queued;
        }
    }
    return queued;
}

void WebhookService::handle_hook(const platforms::Adapter& adapter, Request&& request,
                                 std::shared_ptr<RequestInfo> info,
                                 std::function<void(Response&&)> done) {
    const auto version = request.version();
    const auto keep_alive = request.keep_alive();
    // Authenticity first: nothing of an unverified body is parsed.
    if (!adapter.verify(request)) {
        return done(problem(http::status::unauthorized, "signature or secret token mismatch",
                            version, keep_alive));
    }
    struct State {
        platforms::Parsed parsed;
        handlers::Outcome outcome;
        bool pushed = false;  ///< the reply went into the outbox
    };
    auto state = std::make_shared<State>();
    state->parsed = adapter.parse(request);
    switch (state->parsed.kind) {
        case platforms::Parsed::Kind::bad_request:
            return done(
                problem(http::status::bad_request, state->parsed.error, version, keep_alive));
        case platforms::Parsed::Kind::acknowledge:
            return done(adapter.acknowledge(state->parsed, version, keep_alive));
        case platforms::Parsed::Kind::message: break;
    }
    auto job = [this, &adapter, state](storage::UnitOfWork& work) {
        // Assigned, not or-ed: a replayed batch runs the job again.
        state->pushed = converse(work, adapter, state->parsed, state->outcome);
        // The rest of a batch (LINE): one transaction, so a failure redelivers all of it.
        for (const auto& more : state->parsed.more) {
            handlers::Outcome outcome;
            if (converse(work, adapter, more, outcome)) state->pushed = true;
        }
    };
    auto completion = [this, &adapter, state, info, done, version,
                       keep_alive](std::exception_ptr error) {
        if (error) return done(failure_response(std::move(error), *info, version, keep_alive));
        info->command = state->outcome.command;
        if (state->pushed && pushed_) pushed_();
        const bool inline_replay =
            state->outcome.replayed && adapter.answers_replays_inline(state->parsed);
        if (state->outcome.ignored ||
            (adapter.replies_through_api(state->parsed) && !inline_replay)) {
            return done(adapter.acknowledge(state->parsed, version, keep_alive));
        }
        done(adapter.render(state->parsed, state->outcome.reply, version, keep_alive));
    };
    auto run = [this, job = std::move(job), completion = std::move(completion), done, version,
                keep_alive]() mutable {
        if (!executor_.submit(std::move(job), std::move(completion))) {
            done(problem(http::status::service_unavailable, "overloaded, retry later", version,
                         keep_alive));
        }
    };
    if (!state->parsed.incomplete) return run();
    // What parse() left to the network is asked on a worker, before the transaction: a slow
    // platform API then holds neither this I/O thread nor the database.
    auto complete = [&adapter, state, run = std::move(run)]() mutable {
        adapter.complete(state->parsed);
        run();
    };
    if (!executor_.post(std::move(complete))) {
        done(problem(http::status::service_unavailable, "overloaded, retry later", version,
                     keep_alive));
    }
}

}  // namespace inmaek::bot
