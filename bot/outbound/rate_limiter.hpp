#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <unordered_map>

#include "bot/outbound/platform_client.hpp"

namespace inmaek::bot::outbound {

/// Books send times so that one process keeps each platform's limits: a least spacing per
/// destination and an even spacing of 1 s / per_second over the platform. Not thread-safe (the
/// outbox sender owns one). Replicas each keep their own books.
class RateLimiter {
public:
    using Clock = std::chrono::steady_clock;

    /// The earliest time at or after `now` that a message to `destination` may go. When that is
    /// no later than `now + max_wait`, the time is booked and returned; otherwise nothing is
    /// booked and the (unbooked) time is returned, so the caller can put the message back until
    /// then.
    Clock::time_point reserve(std::string_view platform, std::string_view destination,
                              const RateLimits& limits, Clock::time_point now,
                              Clock::duration max_wait);

private:
    void forget_past(Clock::time_point now);

    std::unordered_map<std::string, Clock::time_point> next_for_destination_;
    std::unordered_map<std::string, Clock::time_point> next_for_platform_;
};

}  // namespace inmaek::bot::outbound
