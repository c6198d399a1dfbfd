#include "handlers/reply.hpp"

#include <nlohmann/json.hpp>

namespace inmaek::handlers {

std::string Reply::plain_text() const {
    std::string out = title;
    for (const auto& line : lines) {
        if (!out.empty()) out += '\n';
        out += line;
    }
    if (!usage.empty()) {
        if (!out.empty()) out += '\n';
        out += usage;
    }
    return out;
}

namespace {
std::string_view kind_name(Reply::Kind kind) {
    switch (kind) {
        case Reply::Kind::ok: return "ok";
        case Reply::Kind::error: return "error";
        case Reply::Kind::info: return "info";
    }
    return "info";
}
}  // namespace

void to_json(nlohmann::json& out, const Reply& reply) {
    out = nlohmann::json{{"kind", kind_name(reply.kind)},
                         {"lang", reply.lang == Lang::ko ? "ko" : "en"},
                         {"title", reply.title},
                         {"lines", reply.lines}};
    if (!reply.usage.empty()) out["usage"] = reply.usage;
    if (!reply.buttons.empty()) {
        auto& buttons = out["buttons"] = nlohmann::json::array();
        for (const auto& button : reply.buttons) {
            buttons.push_back({{"label", button.label}, {"command", button.command}});
        }
    }
}

void from_json(const nlohmann::json& in, Reply& reply) {
    const auto kind = in.value("kind", std::string{"info"});
    reply.kind = kind == "ok"      ? Reply::Kind::ok
                 : kind == "error" ? Reply::Kind::error
                                   : Reply::Kind::info;
    reply.lang = in.value("lang", std::string{"en"}) == "ko" ? Lang::ko : Lang::en;
    reply.title = in.value("title", std::string{});
    reply.lines = in.value("lines", std::vector<std::string>{});
    reply.usage = in.value("usage", std::string{});
    reply.buttons.clear();
    if (const auto it = in.find("buttons"); it != in.end() && it->is_array()) {
        for (const auto& button : *it) {
            reply.buttons.push_back(
                {button.value("label", std::string{}), button.value("command", std::string{})});
        }
    }
}

}  // namespace inmaek::handlers
