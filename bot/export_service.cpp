#include "bot/export_service.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "bot/export_file.hpp"
#include "bot/platforms/adapter.hpp"
#include "handlers/csv_export.hpp"

namespace inmaek::bot {

namespace {

Response problem(http::status status, std::string_view detail, unsigned version) {
    const nlohmann::json body{{"type", "about:blank"},
                              {"title", std::string{http::obsolete_reason(status)}},
                              {"status", static_cast<int>(status)},
                              {"detail", detail}};
    return platforms::json_response(status, body.dump(), version, true, "application/problem+json");
}

storage::Timestamp now() {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

}  // namespace

ExportService::ExportService(storage::Database& database, Executor& executor,
                             const ExportLinks& links)
    : database_(database), executor_(executor), links_(links) {}

bool ExportService::serves(std::string_view path) {
    return path.starts_with(ExportLinks::kPathPrefix);
}

std::string ExportService::loggable_path(std::string_view /*path*/) {
    return std::string{ExportLinks::kPathPrefix} + "…";
}

void ExportService::handle(Request&& request, std::shared_ptr<RequestInfo> info,
                           std::function<void(Response&&)> done) {
    const unsigned version = request.version();
    info->command = "export";
    if (request.method() != http::verb::get) {
        auto response = problem(http::status::method_not_allowed, "use GET", version);
        response.set(http::field::allow, "GET");
        return done(std::move(response));
    }
    const std::string_view target = request.target();
    const auto token = target.substr(0, target.find('?')).substr(ExportLinks::kPathPrefix.size());
    const auto checked = links_.check(token, now());
    if (const auto* error = std::get_if<ExportTokenError>(&checked)) {
        // Neither answer says which workspace or kind the token named.
        if (*error == ExportTokenError::expired) {
            return done(problem(http::status::gone,
                                "this download link has expired: ask for a new one with /export",
                                version));
        }
        return done(problem(http::status::forbidden, "this download link is not valid", version));
    }
    const auto grant = std::get<ExportGrant>(checked);
    const bool queued = executor_.post([this, grant, info, done, version] {
        try {
            // A read-only snapshot on a connection of its own: webhooks go on writing meanwhile.
            auto file = ExportFile::write(database_, grant.workspace_id,
                                          *handlers::export_kind_from_text(grant.kind));
            if (!file) {
                return done(
                    problem(http::status::forbidden, "this download link is not valid", version));
            }
            spdlog::info("request id={} export of {} rows ({})", info->id, file->rows(),
                         grant.kind);
            Response response{http::status::ok, version};
            response.set(http::field::content_type, "text/csv; charset=utf-8");
            response.set(http::field::content_disposition,
                         fmt::format("attachment; filename=\"{}\"", file->name()));
            response.set(http::field::cache_control, "no-store");
            info->body_file = file->release().string();
            done(std::move(response));
        } catch (const std::exception& e) {
            spdlog::error("request id={} export failed: {}", info->id, e.what());
            done(problem(http::status::service_unavailable, "the export failed: try again",
                         version));
        }
    });
    if (!queued) {
        done(problem(http::status::service_unavailable, "busy: try again", version));
    }
}

}  // namespace inmaek::bot
