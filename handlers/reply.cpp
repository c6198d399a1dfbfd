#include "handlers/reply.hpp"

#include <nlohmann/json.hpp>

#include "handlers/text.hpp"

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

/// Room kept in a part's budget for the " (k/n)" after its title.
constexpr std::size_t kPartMarkChars = 10;

/// The lines of `reply` grouped into parts of at most `budget` characters, the title's and the
/// newlines counted.
std::vector<std::vector<std::string>> pack_lines(const Reply& reply, std::size_t budget) {
    const auto title = text::length(reply.title);
    const auto room = budget > title + 1 ? budget - title - 1 : 1;
    std::vector<std::vector<std::string>> parts(1);
    std::size_t used = title;
    for (const auto& original : reply.lines) {
        auto line = text::length(original) > room ? text::ellipsize(original, room) : original;
        const auto size = text::length(line) + 1;
        if (used + size > budget && !parts.back().empty()) {
            auto& full = parts.back();
            std::vector<std::string> next;
            // A section's header whose items all go to the next part goes with them.
            if (line.starts_with(' ') && full.size() > 1 && !full.back().starts_with(' ')) {
                next.push_back(std::move(full.back()));
                full.pop_back();
            }
            used = title;
            for (const auto& moved : next) used += text::length(moved) + 1;
            parts.push_back(std::move(next));
        }
        used += size;
        parts.back().push_back(std::move(line));
    }
    return parts;
}

}  // namespace

std::vector<Reply> split_reply(const Reply& reply, std::size_t max_chars) {
    if (text::length(reply.plain_text()) <= max_chars) return {reply};
    const auto usage = reply.usage.empty() ? 0 : text::length(reply.usage) + 1;
    const auto budget = max_chars > kPartMarkChars + usage ? max_chars - kPartMarkChars - usage : 1;
    const auto groups = pack_lines(reply, budget);
    std::vector<Reply> parts;
    for (std::size_t i = 0; i < groups.size(); ++i) {
        Reply part;
        part.kind = reply.kind;
        part.lang = reply.lang;
        part.title =
            reply.title + " (" + std::to_string(i + 1) + "/" + std::to_string(groups.size()) + ")";
        part.lines = groups[i];
        if (i + 1 == groups.size()) {
            part.usage = reply.usage;
            part.buttons = reply.buttons;
        }
        parts.push_back(std::move(part));
    }
    return parts;
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
    if (reply.attachment) {
        out["attachment"] = {{"export", reply.attachment->export_kind},
                             {"caption", reply.attachment->caption}};
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
    reply.attachment.reset();
    if (const auto it = in.find("attachment"); it != in.end() && it->is_object()) {
        reply.attachment =
            Attachment{it->value("export", std::string{}), it->value("caption", std::string{})};
    }
}

}  // namespace inmaek::handlers
