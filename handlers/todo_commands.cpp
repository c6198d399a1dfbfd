// /todo (/할일), /todos (/할일목록), /done (/완료).
#include "handlers/changes.hpp"
#include "handlers/format.hpp"
#include "handlers/lexer.hpp"
#include "handlers/resolve.hpp"
#include "handlers/router.hpp"
#include "handlers/text.hpp"
#include "handlers/when.hpp"

namespace inmaek::handlers {

namespace {

const std::vector<std::string_view> kTodoKeys{"lead", "리드", "due", "마감", "기한"};

std::optional<storage::Id> parse_id(std::string text) {
    text = text::trim(text);
    if (text.starts_with('#')) text.erase(0, 1);
    try {
        std::size_t used = 0;
        const auto id = std::stoll(text, &used);
        if (used == text.size() && id > 0) return id;
    } catch (const std::exception&) {
    }
    return std::nullopt;
}

std::string todo_line(const Context& ctx, const storage::FollowUp& todo) {
    auto line = tr(ctx.lang, Msg::follow_up_line, todo.id, todo.text);
    if (todo.due) line += tr(ctx.lang, Msg::due_suffix, format_day(*todo.due));
    return line;
}

Reply todo(Context& ctx, std::string_view args) {
    const auto lexed = lex(args, kTodoKeys);
    auto follow_up = ctx.follow_up_draft();
    follow_up.assignee_id.reset();  // the sender unless the line names someone
    std::string words;
    std::size_t index = 0;
    // A date may open the line: "/할일 내일 MOU 초안 송부".
    {
        std::vector<std::string> leading;
        for (const auto& token : lexed.tokens) {
            if (token.kind != Token::Kind::word) break;
            leading.push_back(token.text);
        }
        const auto when = parse_when(leading, ctx.today());
        if (when.words_used > 0 && when.date) {
            follow_up.due = std::chrono::sys_days{*when.date};
            index = when.words_used;
        }
    }
    for (; index < lexed.tokens.size(); ++index) {
        const auto& token = lexed.tokens[index];
        if (token.kind == Token::Kind::mention) {
            const auto member = find_member(ctx, token.text);
            if (!member)
                return mistake(ctx, tr(ctx.lang, Msg::member_not_found, token.text),
                               Msg::usage_todo);
            follow_up.assignee_id = member->id;
            continue;
        }
        if (token.kind == Token::Kind::option) {
            const auto key = text::lower(token.key);
            if (key == "lead" || key == "리드") {
                follow_up.lead_id = parse_id(token.text);
                if (!follow_up.lead_id)
                    return mistake(ctx, tr(ctx.lang, Msg::bad_lead_id, token.text),
                                   Msg::usage_todo);
            } else {
                const auto when = parse_when_text(token.text, ctx.today());
                if (!when || !when->date)
                    return mistake(ctx, tr(ctx.lang, Msg::bad_date, token.text), Msg::usage_todo);
                follow_up.due = std::chrono::sys_days{*when->date};
            }
            continue;
        }
        if (token.kind == Token::Kind::colon) break;
        words += (words.empty() ? "" : " ") + token.text;
    }
    if (lexed.has_rest) words += (words.empty() ? "" : ": ") + lexed.rest;
    auto trailing = split_trailing_due(words, ctx.today());
    if (trailing.due && !follow_up.due) follow_up.due = std::chrono::sys_days{*trailing.due};
    follow_up.text = text::trim(trailing.due ? trailing.text : words);
    if (follow_up.text.empty())
        return mistake(ctx, tr(ctx.lang, Msg::todo_needs_text), Msg::usage_todo);
    if (!follow_up.assignee_id) follow_up.assignee_id = ctx.user.id;
    auto stored = add_follow_up(ctx, std::move(follow_up));
    if (!stored) {
        return mistake(ctx, refusal_text(ctx, stored.error(), Msg::lead_not_found),
                       Msg::usage_todo);
    }
    follow_up = std::move(*stored);
    auto reply = confirmation(ctx, "✅ " + todo_line(ctx, follow_up));
    if (follow_up.assignee_id != ctx.user.id) {
        if (auto who = ctx.db.workspaces().get_user(ctx.workspace.id, *follow_up.assignee_id)) {
            reply.lines.push_back(tr(ctx.lang, Msg::owner_part, who->display_name));
        }
    }
    if (follow_up.lead_id)
        reply.lines.push_back(tr(ctx.lang, Msg::lead_link_line, *follow_up.lead_id));
    reply.buttons.push_back(
        {tr(ctx.lang, Msg::done_button), "/done " + std::to_string(follow_up.id)});
    return reply;
}

Reply todos(Context& ctx, std::string_view args) {
    const auto which = text::lower(text::trim(args));
    storage::FollowUpFilter filter;
    Msg title = Msg::todos_mine_title;
    if (which.empty() || which == "mine" || which == "내" || which == "내것" || which == "나") {
        filter.assignee_id = ctx.user.id;
    } else if (which == "overdue" || which == "지연" || which == "밀린") {
        filter.due_before = std::chrono::sys_days{ctx.today()};
        title = Msg::todos_overdue_title;
    } else if (which == "all" || which == "전체" || which == "모두") {
        title = Msg::todos_all_title;
    } else {
        return mistake(ctx, tr(ctx.lang, Msg::not_understood, which), Msg::usage_todos);
    }
    const auto list = ctx.db.follow_ups().list(ctx.workspace.id, filter);
    Reply reply;
    reply.lang = ctx.lang;
    reply.title = tr(ctx.lang, title, list.size());
    const auto today = std::chrono::sys_days{ctx.today()};
    for (const auto& item : list) {
        auto line = todo_line(ctx, item);
        if (item.due && *item.due < today) line = "❗ " + line;
        if (title != Msg::todos_mine_title && item.assignee_id) {
            if (auto who = ctx.db.workspaces().get_user(ctx.workspace.id, *item.assignee_id)) {
                line += " · " + who->display_name;
            }
        }
        reply.lines.push_back(std::move(line));
    }
    if (list.empty()) reply.lines.push_back(tr(ctx.lang, Msg::none_yet));
    return reply;
}

Reply done(Context& ctx, std::string_view args) {
    const auto id = parse_id(std::string{args});
    if (!id)
        return mistake(ctx, tr(ctx.lang, Msg::not_understood, text::trim(args)), Msg::usage_done);
    const auto item = ctx.db.follow_ups().get(ctx.workspace.id, *id);
    if (!item) return mistake(ctx, tr(ctx.lang, Msg::todo_not_found, *id), Msg::usage_done);
    Reply reply;
    reply.lang = ctx.lang;
    if (item->done) {
        reply.title = tr(ctx.lang, Msg::todo_already_done, *id);
        return reply;
    }
    complete_follow_up(ctx, *item);
    reply.kind = Reply::Kind::ok;
    reply.title = tr(ctx.lang, Msg::todo_done, *id, item->text);
    return reply;
}

}  // namespace

void register_todo_commands(Router& router) {
    router.add({"todo", {"할일", "후속"}, Msg::summary_todo, Msg::usage_todo, todo});
    router.add({"todos", {"할일목록"}, Msg::summary_todos, Msg::usage_todos, todos});
    router.add({"done", {"완료"}, Msg::summary_done, Msg::usage_done, done});
}

}  // namespace inmaek::handlers
