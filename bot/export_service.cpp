#include "bot/export_service.hpp"

#include <date/tz.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <stdlib.h>  // mkstemp
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "bot/platforms/adapter.hpp"
#include "handlers/csv_export.hpp"
#include "handlers/format.hpp"

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

/// A new empty file in the temporary directory, readable by this user only.
std::filesystem::path temporary_file() {
    auto pattern = (std::filesystem::temp_directory_path() / "inmaek-export-XXXXXX").string();
    const int fd = mkstemp(pattern.data());
    if (fd < 0) throw std::runtime_error("cannot create a temporary file for the export");
    close(fd);
    return pattern;
}

const date::time_zone* zone_of(const storage::Workspace& workspace) {
    try {
        return date::locate_zone(workspace.time_zone);
    } catch (const std::exception&) {
        return date::locate_zone("Asia/Seoul");
    }
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
            const auto file = temporary_file();
            std::int64_t rows = 0;
            std::string day;
            bool found = true;
            {
                std::ofstream out{file, std::ios::binary};
                database_.transact([&](storage::UnitOfWork& work) {
                    const auto workspace = work.workspaces().get(grant.workspace_id);
                    if (!workspace) {
                        found = false;
                        return;
                    }
                    const auto zone = zone_of(*workspace);
                    day = handlers::format_time(zone, now(), false);
                    rows = handlers::write_export(work, workspace->id,
                                                  *handlers::export_kind_from_text(grant.kind),
                                                  zone, out);
                });
                out.flush();
                if (!out) throw std::runtime_error("cannot write the export's temporary file");
            }
            if (!found) {
                std::filesystem::remove(file);
                return done(
                    problem(http::status::forbidden, "this download link is not valid", version));
            }
            spdlog::info("request id={} export of {} rows ({})", info->id, rows, grant.kind);
            Response response{http::status::ok, version};
            response.set(http::field::content_type, "text/csv; charset=utf-8");
            response.set(http::field::content_disposition,
                         fmt::format("attachment; filename=\"inmaek-{}-{}.csv\"", grant.kind, day));
            response.set(http::field::cache_control, "no-store");
            info->body_file = file.string();
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
