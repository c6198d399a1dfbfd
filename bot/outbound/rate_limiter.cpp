#include "bot/outbound/rate_limiter.hpp"

#include <algorithm>
#include <iterator>

namespace inmaek::bot::outbound {

RateLimiter::Clock::time_point RateLimiter::reserve(std::string_view platform,
                                                    std::string_view destination,
                                                    const RateLimits& limits, Clock::time_point now,
                                                    Clock::duration max_wait) {
    if (next_for_destination_.size() > 10'000) forget_past(now);
    std::string destination_key{platform};
    destination_key += '\n';
    destination_key += destination;
    auto at = now;
    const auto destination_free = next_for_destination_.find(destination_key);
    if (destination_free != next_for_destination_.end()) {
        at = std::max(at, destination_free->second);
    }
    const auto platform_free = next_for_platform_.find(std::string{platform});
    if (platform_free != next_for_platform_.end()) at = std::max(at, platform_free->second);
    if (at > now + max_wait) return at;
    if (limits.per_destination.count() > 0) {
        next_for_destination_[destination_key] = at + limits.per_destination;
    }
    if (limits.per_second > 0) {
        next_for_platform_[std::string{platform}] =
            at + std::chrono::duration_cast<Clock::duration>(std::chrono::seconds{1}) /
                     limits.per_second;
    }
    return at;
}

void RateLimiter::forget_past(Clock::time_point now) {
    std::erase_if(next_for_destination_, [now](const auto& entry) { return entry.second <= now; });
}

}  // namespace inmaek::bot::outbound
