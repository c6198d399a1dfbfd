#include "handlers/stages.hpp"

#include <array>

#include "handlers/text.hpp"

namespace inmaek::handlers {

namespace {
constexpr std::array kStages{
    Stage{"new", "신규"},         Stage{"contacted", "접촉"},    Stage{"meeting", "미팅"},
    Stage{"proposal", "제안"},    Stage{"poc", "PoC"},           Stage{"mou", "MOU"},
    Stage{"negotiation", "협상"}, Stage{"signed", "체결", true}, Stage{"dropped", "무산", true},
};

struct StageAlias {
    std::string_view alias;
    std::string_view stage;
};
// Shorthands people type on phones.
constexpr std::array kAliases{
    StageAlias{"nego", "negotiation"}, StageAlias{"won", "signed"},
    StageAlias{"lost", "dropped"},     StageAlias{"계약", "signed"},
    StageAlias{"드랍", "dropped"},     StageAlias{"드롭", "dropped"},
    StageAlias{"제안서", "proposal"},  StageAlias{"컨택", "contacted"},
    StageAlias{"양해각서", "mou"},
};
}  // namespace

std::span<const Stage> stages() {
    return kStages;
}

std::optional<std::string> stage_from_text(std::string_view input) {
    const auto key = text::fold_key(input);
    for (const auto& stage : kStages) {
        if (key == text::fold_key(stage.name) || key == text::fold_key(stage.korean)) {
            return std::string{stage.name};
        }
    }
    for (const auto& alias : kAliases) {
        if (key == text::fold_key(alias.alias)) return std::string{alias.stage};
    }
    return std::nullopt;
}

}  // namespace inmaek::handlers
