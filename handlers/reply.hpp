#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

namespace inmaek::handlers {

/// Languages of the message catalogue.
enum class Lang { ko, en };

/// A button or quick reply: the label shown and the command it sends back.
struct Button {
    std::string label;
    std::string command;
};

/// What the bot says, platform-neutral; each adapter renders it natively.
struct Reply {
    enum class Kind { ok, error, info };

    Kind kind = Kind::info;
    Lang lang = Lang::en;
    std::string title;               ///< first line, e.g. "✅ Meeting #42 · 2025-02-04 11:00 KST"
    std::vector<std::string> lines;  ///< body lines, plain text
    std::string usage;               ///< usage line shown with errors
    std::vector<Button> buttons;

    /// Everything as plain text, one item per line (console, logs-free fallback).
    [[nodiscard]] std::string plain_text() const;
    [[nodiscard]] bool empty() const { return title.empty() && lines.empty() && usage.empty(); }
};

void to_json(nlohmann::json& out, const Reply& reply);
void from_json(const nlohmann::json& in, Reply& reply);

}  // namespace inmaek::handlers
