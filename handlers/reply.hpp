#pragma once

#include <nlohmann/json_fwd.hpp>
#include <optional>
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

/// A file that goes with a reply where the platform takes files from a bot: a workspace's CSV
/// export, made from the database when the outbox sends it (bot/export_delivery).
struct Attachment {
    std::string export_kind;  ///< "leads", "companies", "contacts" or "meetings"
    std::string caption;      ///< shown with the file
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
    std::optional<Attachment> attachment;  ///< sent after the reply, through the outbox

    /// Everything as plain text, one item per line (console, logs-free fallback).
    [[nodiscard]] std::string plain_text() const;
    [[nodiscard]] bool empty() const { return title.empty() && lines.empty() && usage.empty(); }
};

/// `reply` as messages of at most `max_chars` characters each (plain text, as text::length
/// counts), in order: one part when it fits. Parts are cut between lines, never inside one (a
/// longer line is ellipsized), and a line that introduces indented ones (a section's header)
/// moves to the next part rather than end one. Each part carries the title with " (k/n)"; the
/// usage and the buttons go with the last part.
std::vector<Reply> split_reply(const Reply& reply, std::size_t max_chars);

void to_json(nlohmann::json& out, const Reply& reply);
void from_json(const nlohmann::json& in, Reply& reply);

}  // namespace inmaek::handlers
