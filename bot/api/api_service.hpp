#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string_view>

#include "bot/api/resources.hpp"
#include "bot/executor.hpp"
#include "bot/http_server.hpp"
#include "storage/records.hpp"

namespace inmaek::bot::api {

/// One operation of /api/v1: method, path as the OpenAPI document writes it, the least role a
/// key needs for it, and the function that answers it.
struct Route {
    http::verb method;
    std::string_view path;  ///< "/api/v1/companies/{id}"
    storage::Role role;
    Operation operation;
};

/// The REST API: authenticates `Authorization: Bearer <key>` against storage::ApiKeyRepository,
/// checks the key's role, and runs the route's operation on the Executor in one transaction of
/// the key's workspace. Every refusal is application/problem+json; the one place that maps
/// outcomes to statuses for /api/v1.
class ApiService {
public:
    static constexpr std::string_view kBasePath = "/api/v1";

    explicit ApiService(Executor& executor);

    /// True for the paths this service answers (kBasePath and below).
    [[nodiscard]] static bool serves(std::string_view path);

    /// Handles one request; `done` is called once, from an io or worker thread.
    void handle(Request&& request, std::shared_ptr<RequestInfo> info,
                std::function<void(Response&&)> done);

    /// Every route served, in the order matched (the OpenAPI test compares it with the document).
    [[nodiscard]] static std::span<const Route> routes();

private:
    Executor& executor_;
};

}  // namespace inmaek::bot::api
