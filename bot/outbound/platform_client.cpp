#include "bot/outbound/platform_client.hpp"

#include <charconv>
#include <stdexcept>
#include <string>

namespace inmaek::bot::outbound {

Delivery PlatformClient::interpret(const storage::OutboxMessage& /*message*/,
                                   const HttpResult& result) const {
    return interpret(result);
}

Delivery PlatformClient::send_file(const storage::OutboxMessage& /*message*/,
                                   const FileToSend& /*file*/, HttpClient& /*http*/) const {
    return Delivery{Delivery::Outcome::refuse, std::nullopt,
                    std::string{platform()} + " takes no files from a bot"};
}

std::chrono::milliseconds upload_timeout(std::uint64_t size) {
    constexpr std::uint64_t kBytesPerSecond = std::uint64_t{256} * 1024;
    return std::chrono::seconds{30 + static_cast<std::int64_t>(size / kBytesPerSecond)};
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
