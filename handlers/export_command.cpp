// /export (/내보내기) leads|companies|contacts|meetings: an admin's CSV, as a file where the
// platform takes one from a bot (Telegram, Slack, Discord), else as a signed download link.
#include "handlers/conversation.hpp"
#include "handlers/csv_export.hpp"
#include "handlers/router.hpp"
#include "handlers/text.hpp"

namespace inmaek::handlers {

namespace {

Reply export_csv(Context& ctx, std::string_view args) {
    const auto word = text::trim(args);
    const auto kind = export_kind_from_text(word);
    if (!kind) return mistake(ctx, tr(ctx.lang, Msg::bad_export_kind, word), Msg::usage_export);
    const auto* policy = ctx.policy;
    if (policy == nullptr || !policy->export_link) {
        return mistake(ctx, tr(ctx.lang, Msg::export_unavailable), Msg::usage_export);
    }
    const auto label = export_label(ctx.lang, *kind);
    if (policy->sends_files && policy->sends_files(to_string(ctx.message.platform))) {
        // The file is made when the outbox sends it, from what is committed then; a platform
        // that refuses it gets the link instead (bot/export_delivery).
        Reply reply;
        reply.lang = ctx.lang;
        reply.kind = Reply::Kind::ok;
        reply.title = tr(ctx.lang, Msg::export_file_coming, label);
        reply.attachment =
            Attachment{std::string{to_string(*kind)}, tr(ctx.lang, Msg::export_caption, label)};
        return reply;
    }
    return export_link_reply(ctx.lang, *kind,
                             policy->export_link(ctx.workspace.id, to_string(*kind)),
                             policy->export_link_minutes);
}

}  // namespace

void register_export_command(Router& router) {
    router.add({.name = "export",
                .aliases = {"내보내기"},
                .summary = Msg::summary_export,
                .usage = Msg::usage_export,
                .run = export_csv,
                .role = storage::Role::admin});
}

}  // namespace inmaek::handlers
