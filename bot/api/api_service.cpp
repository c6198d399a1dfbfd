#include "bot/api/api_service.hpp"

#include <date/tz.h>
#include <spdlog/spdlog.h>

#include <array>
#include <charconv>
#include <chrono>
#include <optional>

#include "bot/api/api_key.hpp"
#include "bot/platforms/adapter.hpp"
#include "bot/platforms/wire_format.hpp"
#include "bot/webhook_service.hpp"

namespace inmaek::bot::api {

namespace {

using storage::Role;

/// A key's use is written at most this often: a busy key would otherwise turn reads into writes.
constexpr std::chrono::seconds kTouchResolution{60};

constexpr std::array kRoutes{
    Route{http::verb::get, "/api/v1/companies", Role::member, list_companies},
    Route{http::verb::post, "/api/v1/companies", Role::manager, create_company},
    Route{http::verb::get, "/api/v1/companies/{id}", Role::member, get_company},
    Route{http::verb::patch, "/api/v1/companies/{id}", Role::manager, update_company},
    Route{http::verb::get, "/api/v1/contacts", Role::member, list_contacts},
    Route{http::verb::post, "/api/v1/contacts", Role::manager, create_contact},
    Route{http::verb::get, "/api/v1/contacts/{id}", Role::member, get_contact},
    Route{http::verb::patch, "/api/v1/contacts/{id}", Role::manager, update_contact},
    Route{http::verb::get, "/api/v1/meetings", Role::member, list_meetings},
    Route{http::verb::post, "/api/v1/meetings", Role::manager, create_meeting},
    Route{http::verb::get, "/api/v1/meetings/{id}", Role::member, get_meeting},
    Route{http::verb::get, "/api/v1/leads", Role::member, list_leads},
    Route{http::verb::post, "/api/v1/leads", Role::manager, create_lead},
    Route{http::verb::get, "/api/v1/leads/{id}", Role::member, get_lead},
    Route{http::verb::patch, "/api/v1/leads/{id}", Role::manager, update_lead},
    Route{http::verb::get, "/api/v1/follow-ups", Role::member, list_follow_ups},
    Route{http::verb::post, "/api/v1/follow-ups", Role::manager, create_follow_up},
    Route{http::verb::get, "/api/v1/follow-ups/{id}", Role::member, get_follow_up},
    Route{http::verb::patch, "/api/v1/follow-ups/{id}", Role::manager, update_follow_up},
    Route{http::verb::delete_, "/api/v1/follow-ups/{id}", Role::admin, delete_follow_up},
    Route{http::verb::get, "/api/v1/search", Role::member, search},
    Route{http::verb::get, "/api/v1/companies/{id}/history", Role::member, company_history},
    Route{http::verb::get, "/api/v1/pipeline", Role::member, get_pipeline},
    Route{http::verb::get, "/api/v1/path", Role::member, find_path},
};

Response problem(http::status status, std::string_view detail, unsigned version, bool keep_alive) {
    const nlohmann::json body{{"type", "about:blank"},
                              {"title", std::string{http::obsolete_reason(status)}},
                              {"status", static_cast<int>(status)},
                              {"detail", detail}};
    auto response = platforms::json_response(status, body.dump(), version, keep_alive,
                                             "application/problem+json");
    if (status == http::status::unauthorized) {
        response.set(http::field::www_authenticate, R"(Bearer realm="inmaek")");
    }
    if (status == http::status::service_unavailable) response.set(http::field::retry_after, "5");
    return response;
}

/// The id when `path` is `pattern` with its "{id}" segment a positive integer; 0 for a pattern
/// without one; nullopt when they differ.
std::optional<storage::Id> match(std::string_view pattern, std::string_view path) {
    constexpr std::string_view kId = "{id}";
    const auto slot = pattern.find(kId);
    if (slot == std::string_view::npos) {
        return pattern == path ? std::optional<storage::Id>{0} : std::nullopt;
    }
    if (!path.starts_with(pattern.substr(0, slot))) return std::nullopt;
    // The id, then exactly what the pattern has after it ("/history" or nothing).
    const auto digits = path.substr(slot);
    const auto* end = digits.data() + digits.size();
    storage::Id id = 0;
    const auto [ptr, ec] = std::from_chars(digits.data(), end, id);
    if (ec != std::errc{} || id <= 0) return std::nullopt;
    if (std::string_view(ptr, static_cast<std::size_t>(end - ptr)) !=
        pattern.substr(slot + kId.size())) {
        return std::nullopt;
    }
    return id;
}

bool is_json(std::string_view content_type) {
    const auto type = content_type.substr(0, content_type.find(';'));
    return type == "application/json" || type == "application/merge-patch+json";
}

std::string allowed_methods(std::string_view path) {
    std::string allow;
    for (const auto& route : kRoutes) {
        if (!match(route.path, path)) continue;
        if (!allow.empty()) allow += ", ";
        allow += std::string{http::to_string(route.method)};
    }
    return allow;
}

/// The API's stand-in for a chat member: the key acts, with no user row behind it.
storage::User key_actor(const storage::ApiKey& key) {
    storage::User actor;
    actor.workspace_id = key.workspace_id;
    actor.platform = "api";
    actor.platform_user_id = key.prefix;
    actor.display_name = "API key " + key.prefix;
    actor.role = key.role;
    return actor;
}

const date::time_zone* zone_of(const storage::Workspace& workspace) {
    try {
        return date::locate_zone(workspace.time_zone);
    } catch (const std::exception&) {
        return date::locate_zone("Asia/Seoul");
    }
}

/// Everything one request carries into its job, and the answer it carries back.
// NOLINTNEXTLINE(bugprone-exception-escape): json's noexcept moves only assert its invariants
struct State {
    const Route* route = nullptr;
    std::optional<storage::Id> id;
    std::vector<std::pair<std::string, std::string>> query;
    nlohmann::json body;
    std::string token;  ///< the key, compared by hash and never logged
    std::string prefix;
    std::string request_id;
    Answer answer;
};

/// Authenticates, authorises and runs the operation inside the job's transaction.
void run(storage::UnitOfWork& work, State& state) {
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    const auto key = work.api_keys().find_by_prefix(state.prefix);
    if (!key || key->revoked_at || !key_matches(state.token, key->secret_hash)) {
        throw ApiError(http::status::unauthorized, "unknown or revoked API key");
    }
    if (!storage::role_allows(key->role, state.route->role)) {
        throw ApiError(http::status::forbidden,
                       "this key's role is " + std::string{storage::to_string(key->role)} +
                           "; this operation needs " +
                           std::string{storage::to_string(state.route->role)});
    }
    work.api_keys().touch(key->id, now, kTouchResolution);
    const auto workspace = work.workspaces().get(key->workspace_id);
    if (!workspace) throw ApiError(http::status::unauthorized, "the key's workspace is gone");
    const auto actor = key_actor(*key);
    handlers::Message message;
    message.platform = handlers::Platform::api;
    message.event_key = "key:" + key->prefix + ":" + state.request_id;  // the audit's source
    message.received_at = now;
    handlers::Context ctx{work, *workspace,          actor,  message, handlers::Lang::en,
                          now,  zone_of(*workspace), nullptr};
    state.answer = state.route->operation(Call{ctx, state.id, state.query, state.body});
}

Response failure(const std::exception_ptr& error, const RequestInfo& info, unsigned version,
                 bool keep_alive) {
    try {
        std::rethrow_exception(error);
    } catch (const ApiError& e) {
        return problem(e.status(), e.what(), version, keep_alive);
    } catch (...) {
        const auto [status, detail] = failed_job(error, info);
        return problem(status, detail, version, keep_alive);
    }
}

}  // namespace

ApiService::ApiService(Executor& executor) : executor_(executor) {}

bool ApiService::serves(std::string_view path) {
    return path == kBasePath || (path.starts_with(kBasePath) && path.size() > kBasePath.size() &&
                                 path[kBasePath.size()] == '/');
}

std::span<const Route> ApiService::routes() {
    return kRoutes;
}

void ApiService::handle(Request&& request, std::shared_ptr<RequestInfo> info,
                        std::function<void(Response&&)> done) {
    const auto version = request.version();
    const auto keep_alive = request.keep_alive();
    info->platform = "api";
    const std::string_view target = request.target();
    const auto question = target.find('?');
    const auto path = target.substr(0, question);
    auto state = std::make_shared<State>();
    for (const auto& route : kRoutes) {
        if (route.method != request.method()) continue;
        if (auto id = match(route.path, path)) {
            state->route = &route;
            if (*id != 0) state->id = *id;
            break;
        }
    }
    if (!state->route) {
        const auto allow = allowed_methods(path);
        if (allow.empty())
            return done(problem(http::status::not_found, "no such route", version, keep_alive));
        auto response =
            problem(http::status::method_not_allowed, "use " + allow, version, keep_alive);
        response.set(http::field::allow, allow);
        return done(std::move(response));
    }
    info->command =
        std::string{http::to_string(state->route->method)} + " " + std::string{state->route->path};

    const auto token = bearer_token(request[http::field::authorization]);
    const auto prefix = token ? key_prefix(*token) : std::nullopt;
    if (!prefix) {
        return done(problem(http::status::unauthorized,
                            "send Authorization: Bearer <API key> (see inmaek api-key create)",
                            version, keep_alive));
    }
    state->token = std::string{*token};
    state->prefix = *prefix;
    state->request_id = info->id;

    if (question != std::string_view::npos) {
        auto query = platforms::parse_form(target.substr(question + 1));
        if (!query) {
            return done(
                problem(http::status::bad_request, "malformed query string", version, keep_alive));
        }
        state->query = std::move(*query);
    }
    const auto method = request.method();
    if (method == http::verb::post || method == http::verb::patch) {
        if (!is_json(request[http::field::content_type])) {
            return done(problem(http::status::unsupported_media_type,
                                "send the body as application/json", version, keep_alive));
        }
        state->body = nlohmann::json::parse(request.body(), nullptr, false);
        if (state->body.is_discarded()) {
            return done(problem(http::status::bad_request, "the body is not valid JSON", version,
                                keep_alive));
        }
        if (!state->body.is_object()) {
            return done(problem(http::status::bad_request, "the body must be a JSON object",
                                version, keep_alive));
        }
    }

    auto job = [state](storage::UnitOfWork& work) { run(work, *state); };
    auto completion = [state, info, done, version, keep_alive,
                       collection = std::string{path}](std::exception_ptr error) {
        if (error) return done(failure(std::move(error), *info, version, keep_alive));
        const auto& answer = state->answer;
        if (answer.status == http::status::no_content) {
            Response response{http::status::no_content, version};
            response.keep_alive(keep_alive);
            response.prepare_payload();
            return done(std::move(response));
        }
        auto response =
            platforms::json_response(answer.status, answer.body.dump(), version, keep_alive);
        if (answer.status == http::status::created && answer.body.contains("id")) {
            response.set(http::field::location,
                         collection + "/" + std::to_string(answer.body["id"].get<storage::Id>()));
        }
        done(std::move(response));
    };
    if (!executor_.submit(std::move(job), std::move(completion))) {
        done(problem(http::status::service_unavailable, "overloaded, retry later", version,
                     keep_alive));
    }
}

}  // namespace inmaek::bot::api
