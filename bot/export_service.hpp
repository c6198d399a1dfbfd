#pragma once

#include <functional>
#include <memory>
#include <string_view>

#include "bot/executor.hpp"
#include "bot/export_links.hpp"
#include "bot/http_server.hpp"
#include "storage/database.hpp"

namespace inmaek::bot {

/// GET /exports/<token>: the CSV download behind /export's signed link. The token alone decides
/// which workspace and kind are read; a bad token is 403 and an expired one 410, both saying
/// nothing about what it was for. The file is written page by page on a worker, from a read-only
/// snapshot (ExportFile), into a temporary file that the server then streams
/// (RequestInfo::body_file), so no export sits in memory whole.
class ExportService {
public:
    ExportService(storage::Database& database, Executor& executor, const ExportLinks& links);

    /// True for the paths this service answers.
    [[nodiscard]] static bool serves(std::string_view path);

    void handle(Request&& request, std::shared_ptr<RequestInfo> info,
                std::function<void(Response&&)> done);

    /// "/exports/…": the token is a credential and never reaches the log.
    [[nodiscard]] static std::string loggable_path(std::string_view path);

private:
    storage::Database& database_;
    Executor& executor_;
    const ExportLinks& links_;
};

}  // namespace inmaek::bot
