#include "bot/outbound/platform_client.hpp"

#include <charconv>
#include <stdexcept>
#include <string>

namespace inmaek::bot::outbound {

Delivery PlatformClient::interpret(const storage::OutboxMessage& /*message*/,
                                   const HttpResult& result) const {
    return interpret(result);
}

Url api_base_url(std::string_view url, std::string_view key) {
    auto base = parse_url(url);
    if (!base) throw std::invalid_argument(std::string{key} + ": " + base.error().message);
    return std::move(*base);
}

Delivery no_answer(std::string_view platform, const HttpError& error) {
    Delivery delivery;
    delivery.error =
        std::string{platform} + ": " + std::string{to_string(error.kind)} + ": " + error.message;
    return delivery;
}

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
