#pragma once

#include <string>

namespace inmaek::bot {

/// Installs the process-wide spdlog logger on stderr. level: trace|debug|info|warn|error|
/// critical|off (Config::log.level, which INMAEK_LOG_LEVEL overrides); format: "text" (human
/// lines) or "json" (one object per line: time, level, msg). Throws std::invalid_argument on
/// an unknown level or format.
void setup_logging(const std::string& level, const std::string& format);

}  // namespace inmaek::bot
