#include "handlers/message.hpp"

namespace inmaek::handlers {

std::string_view to_string(Platform platform) {
    switch (platform) {
        case Platform::console: return "console";
        case Platform::generic: return "generic";
        case Platform::telegram: return "telegram";
        case Platform::slack: return "slack";
        case Platform::kakao: return "kakao";
        case Platform::line: return "line";
        case Platform::discord: return "discord";
        case Platform::api: return "api";
    }
    return "unknown";
}

std::string chat_key(const Message& message) {
    return message.team_id.empty() ? message.chat_id : message.team_id + "/" + message.chat_id;
}

}  // namespace inmaek::handlers
