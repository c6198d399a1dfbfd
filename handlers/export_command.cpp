// /export (/내보내기) leads|companies|contacts|meetings: an admin's CSV download link.
#include "handlers/conversation.hpp"
#include "handlers/csv_export.hpp"
#include "handlers/router.hpp"
#include "handlers/text.hpp"

namespace inmaek::handlers {

namespace {

std::string_view kind_label(const Context& ctx, ExportKind kind) {
    switch (kind) {
        case ExportKind::companies: return ctx.korean() ? "회사" : "Companies";
        case ExportKind::contacts: return ctx.korean() ? "연락처" : "Contacts";
        case ExportKind::meetings: return ctx.korean() ? "회의" : "Meetings";
        case ExportKind::leads: return ctx.korean() ? "리드" : "Leads";
    }
    return "";
}

Reply export_csv(Context& ctx, std::string_view args) {
    const auto word = text::trim(args);
    const auto kind = export_kind_from_text(word);
    if (!kind) return mistake(ctx, tr(ctx.lang, Msg::bad_export_kind, word), Msg::usage_export);
    if (ctx.policy == nullptr || !ctx.policy->export_link) {
        return mistake(ctx, tr(ctx.lang, Msg::export_unavailable), Msg::usage_export);
    }
    // Platforms that take file uploads could get the file itself; every one shows a link.
    Reply reply;
    reply.lang = ctx.lang;
    reply.kind = Reply::Kind::ok;
    reply.title = tr(ctx.lang, Msg::export_link, kind_label(ctx, *kind),
                     ctx.policy->export_link(ctx.workspace.id, to_string(*kind)));
    reply.lines.push_back(tr(ctx.lang, Msg::export_expires, ctx.policy->export_link_minutes));
    return reply;
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
