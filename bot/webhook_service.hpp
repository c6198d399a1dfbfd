#pragma once

#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bot/executor.hpp"
#include "bot/http_server.hpp"
#include "bot/platforms/adapter.hpp"
#include "handlers/conversation.hpp"

namespace inmaek::bot {

/// The status and detail of a job that failed unexpectedly, logged with the request id: the
/// database → 503 (the client retries), anything else → 500. Shared by the webhooks and the API.
std::pair<http::status, std::string_view> failed_job(std::exception_ptr error,
                                                     const RequestInfo& info);

/// Routes HTTP requests: health checks, and /hooks/<platform> through the platform's adapter
/// to the chat language on the worker pool. The one place that maps outcomes to statuses.
class WebhookService {
public:
    /// `pushed` is called after a commit that queued outbox rows (to wake the sender).
    WebhookService(storage::Database& database, Executor& executor,
                   const handlers::Conversation& conversation,
                   std::vector<std::unique_ptr<platforms::Adapter>> adapters,
                   std::function<void()> pushed = {});

    /// The HttpServer's request handler.
    void handle(Request&& request, std::shared_ptr<RequestInfo> info,
                std::function<void(Response&&)> done);

    /// The paths webhooks are served on, for the startup message.
    [[nodiscard]] std::vector<std::string> hook_paths() const;

    /// A request path fit for the log: a webhook path whose segment is a secret (Kakao's skill
    /// URL) shows the placeholder instead ("/hooks/kakao/{skill_secret}").
    [[nodiscard]] std::string loggable_path(std::string_view path) const;

private:
    void handle_hook(const platforms::Adapter& adapter, Request&& request,
                     std::shared_ptr<RequestInfo> info, std::function<void(Response&&)> done);
    /// Hands one parsed message to the chat language and queues its reply when it goes through
    /// the platform's API; true when a row was queued.
    bool converse(storage::UnitOfWork& work, const platforms::Adapter& adapter,
                  const platforms::Parsed& parsed, handlers::Outcome& outcome) const;
    void handle_ready(const Request& request, std::function<void(Response&&)> done);

    storage::Database& database_;
    Executor& executor_;
    const handlers::Conversation& conversation_;
    std::vector<std::unique_ptr<platforms::Adapter>> adapters_;
    std::function<void()> pushed_;
};

}  // namespace inmaek::bot
