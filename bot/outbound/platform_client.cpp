#include "bot/outbound/platform_client.hpp"

#include <charconv>

namespace inmaek::bot::outbound {

std::optional<std::chrono::seconds> retry_after_header(const ClientResponse& response) {
    const auto value = response[http::field::retry_after];
    int seconds = 0;
    if (const auto [end, error] =
            std::from_chars(value.data(), value.data() + value.size(), seconds);
        error == std::errc{} && end == value.data() + value.size() && seconds >= 0) {
        return std::chrono::seconds{seconds};
    }
    return std::nullopt;
}

}  // namespace inmaek::bot::outbound
