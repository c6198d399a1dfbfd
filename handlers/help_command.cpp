// /help (/도움말) [command]: generated from the router's own registry.
#include "handlers/router.hpp"
#include "handlers/text.hpp"

namespace inmaek::handlers {

namespace {

std::string names_of(const Command& command) {
    std::string names = "/" + command.name;
    for (const auto& alias : command.aliases) {
        if (text::has_hangul(alias)) names += " /" + alias;
    }
    return names;
}

}  // namespace

void register_help_command(Router& router) {
    const Router* registry = &router;
    router.add({"help",
                {"도움말", "도움", "start", "시작"},
                Msg::summary_help,
                Msg::usage_help,
                [registry](Context& ctx, std::string_view args) {
                    Reply reply;
                    reply.lang = ctx.lang;
                    auto wanted = text::trim(args);
                    if (wanted.starts_with('/')) wanted.erase(0, 1);
                    if (!wanted.empty()) {
                        const auto* command = registry->find(wanted);
                        if (command == nullptr) {
                            return mistake(ctx, tr(ctx.lang, Msg::unknown_command, wanted),
                                           Msg::usage_help);
                        }
                        reply.title = names_of(*command);
                        reply.lines.push_back(
                            std::string{catalog_text(command->summary, ctx.lang)});
                        reply.lines.push_back(tr(ctx.lang, Msg::usage_prefix) +
                                              std::string{catalog_text(command->usage, ctx.lang)});
                        return reply;
                    }
                    reply.title = tr(ctx.lang, Msg::help_title);
                    for (const auto& command : registry->commands()) {
                        reply.lines.push_back(names_of(command) + " — " +
                                              std::string{catalog_text(command.summary, ctx.lang)});
                    }
                    reply.lines.push_back(tr(ctx.lang, Msg::help_footer));
                    return reply;
                }});
}

}  // namespace inmaek::handlers
