#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace inmaek::handlers {

/// A lead stage: its stored English name and its Korean name.
struct Stage {
    std::string_view name;
    std::string_view korean;
    bool closed = false;  ///< signed and dropped end a lead
};

/// The partnership pipeline in order: new → … → signed, then dropped.
std::span<const Stage> stages();

/// The stage named by English or Korean name or alias ("협상", "Negotiation", "nego").
std::optional<std::string> stage_from_text(std::string_view text);

}  // namespace inmaek::handlers
