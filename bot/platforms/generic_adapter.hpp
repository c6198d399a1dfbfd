#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "bot/platforms/adapter.hpp"

namespace inmaek::bot::platforms {

struct GenericOptions {
    std::string secret;  ///< HMAC key; empty = the endpoint refuses every request
    std::chrono::seconds tolerance{300};
    std::function<std::chrono::sys_seconds()> clock;  ///< defaults to the system clock
};

/// JSON webhook for scripts and custom integrations.
///
///   POST /hooks/generic
///   X-Inmaek-Timestamp: <unix seconds>            (within ±300 s of the server clock)
///   X-Inmaek-Signature: v1=<hex HMAC-SHA256(secret, "v1:" + timestamp + ":" + raw body)>
///   {"event_id": "...", "chat_id": "...", "user": {"id": "...", "name": "...", "locale": "ko"},
///    "text": "/meet ...", "team_id": "(optional)", "chat_title": "(optional)"}
///
/// Answers {"ok": true, "text": "<plain reply>", "reply": {structured reply}}.
class GenericAdapter final : public Adapter {
public:
    explicit GenericAdapter(GenericOptions options);
    [[nodiscard]] std::string_view name() const override { return "generic"; }
    [[nodiscard]] bool verify(const Request& request) const override;
    [[nodiscard]] Parsed parse(const Request& request) const override;
    [[nodiscard]] Response render(const Parsed& parsed, const handlers::Reply& reply,
                                  unsigned version, bool keep_alive) const override;

    /// The signature header value for a body (used by tests and client scripts).
    static std::string sign(std::string_view secret, std::string_view timestamp,
                            std::string_view body);

private:
    GenericOptions options_;
};

}  // namespace inmaek::bot::platforms
