#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "bot/http_client.hpp"

namespace inmaek::bot::platforms {

struct SlackUsersOptions {
    std::string bot_token;                           ///< xoxb-…, needs users:read; never logged
    std::string api_base_url = "https://slack.com";  ///< tests point it at 127.0.0.1
    std::chrono::seconds ttl{3600};                  ///< how long a name is trusted
    std::chrono::seconds failure_ttl{60};            ///< how long a failed lookup is not repeated
    std::size_t capacity = 10000;                    ///< names kept at most (least recent go)
    std::chrono::milliseconds timeout{800};          ///< one users.info call, all included
    std::function<std::chrono::steady_clock::time_point()> clock;  ///< defaults to steady_clock
};

/// Display names of Slack users: events carry only user ids. Looks a user up with
/// GET <base>/api/users.info?user=U… (Bearer token) and keeps the answer in a bounded in-memory
/// cache with a TTL. A lookup that fails or times out gives the user id (and is not retried
/// for failure_ttl), so a slow or broken Slack API costs one short wait per user and minute at
/// most. Thread-safe; the HTTP call runs without the lock (two threads may look one user up at
/// once, which is harmless).
class SlackUsers {
public:
    /// Throws std::invalid_argument when the base URL is not an http(s) URL.
    SlackUsers(HttpClient& http, SlackUsersOptions options);

    /// The user's display name (profile.display_name, else real_name, else name), or the id.
    /// May wait on users.info for up to the timeout: call it where waiting is allowed.
    std::string display_name(std::string_view user_id);

    /// The name the cache holds for the user now (a failed look-up's id included), or nullopt
    /// when only users.info can tell; never waits.
    [[nodiscard]] std::optional<std::string> cached_name(std::string_view user_id);

    /// Names in the cache now (tests).
    [[nodiscard]] std::size_t size() const;

private:
    struct Entry {
        std::string name;
        std::chrono::steady_clock::time_point expires;
        std::list<std::string>::iterator age;  ///< position in recent_
    };
    void remember(const std::string& user_id, std::string name,
                  std::chrono::steady_clock::time_point expires);

    HttpClient& http_;
    SlackUsersOptions options_;
    Url endpoint_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Entry> entries_;  // guarded by mutex_
    std::list<std::string> recent_;                   // guarded by mutex_; most recent first
};

}  // namespace inmaek::bot::platforms
