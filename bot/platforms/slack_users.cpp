#include "bot/platforms/slack_users.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <stdexcept>

#include "bot/platforms/wire_format.hpp"
#include "handlers/text.hpp"

namespace inmaek::bot::platforms {

namespace {

/// Slack user ids are upper-case letters and digits (U…, W…); nothing else goes into a URL.
bool is_user_id(std::string_view id) {
    return !id.empty() && id.size() <= 32 && std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    });
}

/// The name in a users.info answer, "" when it has none.
std::string name_of(std::string_view body) {
    boost::system::error_code error;
    const auto answer = boost::json::parse(body, error);
    if (error) return {};
    const auto* ok = member(&answer, "ok");
    if (ok == nullptr || !ok->is_bool() || !ok->get_bool()) return {};
    const auto* user = member(&answer, "user");
    const auto* profile = member(user, "profile");
    for (auto name : {string_member(profile, "display_name"), string_member(profile, "real_name"),
                      string_member(user, "real_name"), string_member(user, "name")}) {
        name = handlers::text::nfc(handlers::text::trim(name));
        if (!name.empty()) return name;
    }
    return {};
}

}  // namespace

SlackUsers::SlackUsers(HttpClient& http, SlackUsersOptions options)
    : http_(http), options_(std::move(options)) {
    if (!options_.clock) options_.clock = [] { return std::chrono::steady_clock::now(); };
    auto base = parse_url(options_.api_base_url);
    if (!base) throw std::invalid_argument("slack.api_base_url: " + base.error().message);
    endpoint_ = std::move(*base);
}

std::optional<std::string> SlackUsers::cached_name(std::string_view user_id) {
    if (!is_user_id(user_id)) return std::string{user_id};
    const auto now = options_.clock();
    const std::lock_guard lock(mutex_);
    const auto found = entries_.find(std::string{user_id});
    if (found == entries_.end() || found->second.expires <= now) return std::nullopt;
    recent_.splice(recent_.begin(), recent_, found->second.age);
    return found->second.name;
}

std::string SlackUsers::display_name(std::string_view user_id) {
    if (auto cached = cached_name(user_id)) return std::move(*cached);
    std::string id{user_id};
    const auto now = options_.clock();
    std::string name;
    if (auto url = endpoint_.join("/api/users.info?user=" + id)) {
        ClientRequest request;
        request.method = http::verb::get;
        request.url = std::move(*url);
        request.headers.set(http::field::authorization, "Bearer " + options_.bot_token);
        request.timeout = options_.timeout;
        if (const auto result = http_.send(std::move(request));
            result && result->result_int() == 200) {
            name = name_of(result->body());
        }
    }
    if (name.empty()) {
        remember(id, id, now + options_.failure_ttl);
        return id;
    }
    remember(id, name, now + options_.ttl);
    return name;
}

void SlackUsers::remember(const std::string& user_id, std::string name,
                          std::chrono::steady_clock::time_point expires) {
    const std::lock_guard lock(mutex_);
    if (const auto found = entries_.find(user_id); found != entries_.end()) {
        found->second.name = std::move(name);
        found->second.expires = expires;
        recent_.splice(recent_.begin(), recent_, found->second.age);
        return;
    }
    while (!recent_.empty() && entries_.size() >= options_.capacity) {
        entries_.erase(recent_.back());
        recent_.pop_back();
    }
    if (options_.capacity == 0) return;
    recent_.push_front(user_id);
    entries_.emplace(user_id, Entry{std::move(name), expires, recent_.begin()});
}

std::size_t SlackUsers::size() const {
    const std::lock_guard lock(mutex_);
    return entries_.size();
}

}  // namespace inmaek::bot::platforms
