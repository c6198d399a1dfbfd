#include "bot/logging.hpp"

#include <array>
#include <chrono>
#include <ctime>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <utility>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

namespace inmaek::bot {

namespace {

constexpr std::string_view kTextPattern = "%Y-%m-%dT%H:%M:%S.%e%z %^%l%$ %v";

/// One JSON object per line, for log collectors: {"time":"…Z","level":"info","msg":"…"}.
class JsonFormatter final : public spdlog::formatter {
public:
    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
        using namespace std::chrono;
        const auto since_epoch = msg.time.time_since_epoch();
        const std::time_t seconds = duration_cast<std::chrono::seconds>(since_epoch).count();
        const auto millis = duration_cast<milliseconds>(since_epoch).count() % 1000;
        std::tm utc{};
        gmtime_r(&seconds, &utc);

        const nlohmann::ordered_json line{
            {"time", fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z", utc, millis)},
            {"level", std::string_view(spdlog::level::to_string_view(msg.level).data(),
                                       spdlog::level::to_string_view(msg.level).size())},
            {"msg", std::string_view(msg.payload.data(), msg.payload.size())},
        };
        // Messages may quote client input that is not valid UTF-8: replace, never throw.
        const std::string text =
            line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
        dest.append(text.data(), text.data() + text.size());
        dest.push_back('\n');
    }

    std::unique_ptr<spdlog::formatter> clone() const override {
        return std::make_unique<JsonFormatter>();
    }
};

spdlog::level::level_enum parse_level(const std::string& level) {
    static constexpr std::array<std::pair<std::string_view, spdlog::level::level_enum>, 8> kLevels{{
        {"trace", spdlog::level::trace},
        {"debug", spdlog::level::debug},
        {"info", spdlog::level::info},
        {"warn", spdlog::level::warn},
        {"warning", spdlog::level::warn},
        {"error", spdlog::level::err},
        {"critical", spdlog::level::critical},
        {"off", spdlog::level::off},
    }};
    for (const auto& [name, value] : kLevels) {
        if (name == level) return value;
    }
    throw std::invalid_argument(fmt::format("log.level: unknown level '{}'", level));
}

}  // namespace

void setup_logging(const std::string& level, const std::string& format) {
    const auto parsed_level = parse_level(level);
    spdlog::sink_ptr sink;
    if (format == "json") {
        sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
        sink->set_formatter(std::make_unique<JsonFormatter>());
    } else if (format == "text") {
        // Colours only when stderr is a terminal.
        sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
        sink->set_pattern(std::string(kTextPattern));
    } else {
        throw std::invalid_argument(
            fmt::format("log.format: expected text or json, got '{}'", format));
    }
    auto logger = std::make_shared<spdlog::logger>("inmaek", std::move(sink));
    logger->set_level(parsed_level);
    // stderr sinks flush every line; warn-and-above also flush any other sink added later.
    logger->flush_on(spdlog::level::warn);
    spdlog::set_default_logger(std::move(logger));
}

}  // namespace inmaek::bot
