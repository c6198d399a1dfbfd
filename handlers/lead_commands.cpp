// /lead (/리드): add · card · change stage, value, owner, due, note.
#include <utility>

#include "handlers/changes.hpp"
#include "handlers/format.hpp"
#include "handlers/lexer.hpp"
#include "handlers/money.hpp"
#include "handlers/resolve.hpp"
#include "handlers/router.hpp"
#include "handlers/stages.hpp"
#include "handlers/text.hpp"
#include "handlers/when.hpp"

namespace inmaek::handlers {

namespace {

const std::vector<std::string_view> kLeadKeys{"stage", "단계", "value",  "금액", "규모",
                                              "owner", "담당", "담당자", "due",  "마감",
                                              "기한",  "note", "메모"};

std::string canonical_key(std::string_view key) {
    const auto k = text::lower(key);
    if (k == "stage" || k == "단계") return "stage";
    if (k == "value" || k == "금액" || k == "규모") return "value";
    if (k == "owner" || k == "담당" || k == "담당자") return "owner";
    if (k == "due" || k == "마감" || k == "기한") return "due";
    if (k == "note" || k == "메모") return "note";
    return {};
}

/// Applies the options of /lead add or /lead N; returns an error text or "".
std::string apply_options(Context& ctx, const std::vector<Token>& tokens, storage::Lead& lead,
                          std::vector<std::string>* companies) {
    for (const auto& token : tokens) {
        if (token.kind == Token::Kind::mention && companies != nullptr) {
            companies->push_back(token.text);
            continue;
        }
        if (token.kind != Token::Kind::option) return tr(ctx.lang, Msg::not_understood, token.text);
        const auto key = canonical_key(token.key);
        if (key == "stage") {
            const auto stage = stage_from_text(token.text);
            if (!stage) return tr(ctx.lang, Msg::unknown_stage, token.text);
            lead.stage = *stage;
        } else if (key == "value") {
            const auto amount = parse_money(token.text);
            if (!amount) return tr(ctx.lang, Msg::bad_money, token.text);
            lead.value = storage::Money{amount->minor, amount->currency};
        } else if (key == "owner") {
            const auto who = text::lower(token.text);
            if (who == "me" || who == "나" || who == "@me") {
                lead.owner_id = ctx.user.id;
            } else if (auto member = find_member(ctx, token.text)) {
                lead.owner_id = member->id;
            } else {
                return tr(ctx.lang, Msg::member_not_found, token.text);
            }
        } else if (key == "due") {
            const auto when = parse_when_text(token.text, ctx.today());
            if (!when || !when->date) return tr(ctx.lang, Msg::bad_date, token.text);
            lead.due = std::chrono::sys_days{*when->date};
        } else if (key == "note") {
            lead.note = token.text;
        } else {
            return tr(ctx.lang, Msg::unknown_field, token.key);
        }
    }
    return {};
}

void describe(Context& ctx, const storage::Lead& lead, Reply& reply) {
    std::vector<std::string> parts{stage_label(ctx, lead.stage)};
    if (lead.value) parts.push_back(format_money(ctx, *lead.value));
    if (lead.owner_id) {
        if (auto owner = ctx.db.workspaces().get_user(ctx.workspace.id, *lead.owner_id)) {
            parts.push_back(tr(ctx.lang, Msg::owner_part, owner->display_name));
        }
    }
    if (lead.due) parts.push_back(tr(ctx.lang, Msg::due_part, format_day(*lead.due)));
    reply.lines.push_back(join(parts, " · "));
    if (!lead.company_ids.empty()) {
        std::vector<std::string> names;
        for (const auto& c : ctx.db.companies().get_many(ctx.workspace.id, lead.company_ids)) {
            names.push_back(c.name);
        }
        reply.lines.push_back(tr(ctx.lang, Msg::companies_line, join(names)));
    }
    if (!lead.note.empty()) reply.lines.push_back(tr(ctx.lang, Msg::notes_line, lead.note));
}

Reply add_lead(Context& ctx, std::string_view args) {
    const auto lexed = lex(args, kLeadKeys);
    std::string title;
    std::size_t index = 0;
    for (; index < lexed.tokens.size(); ++index) {
        const auto& token = lexed.tokens[index];
        if (token.kind != Token::Kind::word && token.kind != Token::Kind::quoted) break;
        title += (title.empty() ? "" : " ") + token.text;
    }
    title = text::trim(title);
    if (lexed.has_rest) {
        // "/lead add Title : note" — the text after the colon is the note.
    }
    if (title.empty()) return mistake(ctx, tr(ctx.lang, Msg::lead_needs_title), Msg::usage_lead);
    storage::Lead lead;
    lead.workspace_id = ctx.workspace.id;
    lead.title = title;
    lead.owner_id = ctx.user.id;
    std::vector<std::string> company_names;
    const std::vector<Token> rest(lexed.tokens.begin() + static_cast<std::ptrdiff_t>(index),
                                  lexed.tokens.end());
    if (auto error = apply_options(ctx, rest, lead, &company_names); !error.empty()) {
        return mistake(ctx, std::move(error), Msg::usage_lead);
    }
    if (lexed.has_rest) lead.note = lexed.rest;
    if (company_names.empty())
        return mistake(ctx, tr(ctx.lang, Msg::lead_needs_company), Msg::usage_lead);

    auto [stored, companies] = handlers::add_lead(ctx, std::move(lead), company_names);
    lead = std::move(stored);

    auto reply = confirmation(ctx, tr(ctx.lang, Msg::lead_saved, lead.id, lead.title));
    describe(ctx, lead, reply);
    for (auto& line : created_lines(ctx, companies, {})) reply.lines.push_back(std::move(line));
    return reply;
}

Reply lead_card(Context& ctx, const storage::Lead& lead) {
    Reply reply;
    reply.lang = ctx.lang;
    reply.title = "📈 #" + std::to_string(lead.id) + " " + lead.title;
    describe(ctx, lead, reply);
    const auto history = ctx.db.leads().history(ctx.workspace.id, lead.id);
    if (!history.empty()) {
        reply.lines.push_back(tr(ctx.lang, Msg::history_header));
        for (const auto& change : history) {
            std::string who;
            if (auto user = ctx.db.workspaces().get_user(ctx.workspace.id, change.changed_by)) {
                who = user->display_name;
            }
            auto line = "  " + format_time(ctx, change.changed_at) + " ";
            line += change.from_stage.empty() ? stage_label(ctx, change.to_stage)
                                              : stage_label(ctx, change.from_stage) + " → " +
                                                    stage_label(ctx, change.to_stage);
            if (!who.empty()) line += " · " + who;
            reply.lines.push_back(std::move(line));
        }
    }
    const auto meetings = ctx.db.meetings().for_lead(ctx.workspace.id, lead.id, 5);
    append_meetings(ctx, reply.lines, meetings);
    const auto todos = ctx.db.follow_ups().for_lead(ctx.workspace.id, lead.id);
    bool todo_header = false;
    for (const auto& todo : todos) {
        if (todo.done) continue;
        if (!std::exchange(todo_header, true))
            reply.lines.push_back(tr(ctx.lang, Msg::open_follow_ups_header));
        auto line = tr(ctx.lang, Msg::follow_up_line, todo.id, todo.text);
        if (todo.due) line += tr(ctx.lang, Msg::due_suffix, format_day(*todo.due));
        reply.lines.push_back("  " + line);
    }
    // Buttons for the next steps of the pipeline.
    bool after_current = false;
    for (const auto& stage : stages()) {
        if (stage.name == lead.stage) {
            after_current = true;
            continue;
        }
        if (!after_current || stage.name == "dropped") continue;
        reply.buttons.push_back(
            {stage_label(ctx, stage.name),
             "/lead " + std::to_string(lead.id) + " stage:" + std::string{stage.name}});
        if (reply.buttons.size() == 3) break;
    }
    return reply;
}

Reply change_lead(Context& ctx, const storage::Lead& before, std::string_view args) {
    const auto lexed = lex(args, kLeadKeys);
    storage::Lead after = before;
    if (auto error = apply_options(ctx, lexed.tokens, after, nullptr); !error.empty()) {
        return mistake(ctx, std::move(error), Msg::usage_lead);
    }
    if (lexed.has_rest) after.note = lexed.rest;
    after.updated_at = ctx.now;
    update_lead(ctx, before, after);
    auto reply = confirmation(ctx, tr(ctx.lang, Msg::lead_updated, after.id, after.title));
    if (before.stage != after.stage) {
        reply.lines.push_back(stage_label(ctx, before.stage) + " → " +
                              stage_label(ctx, after.stage));
    }
    describe(ctx, after, reply);
    return reply;
}

Reply lead(Context& ctx, std::string_view args) {
    const auto verb = split_verb(args);
    if (verb.word.empty()) {
        return mistake(ctx, tr(ctx.lang, Msg::lead_needs_title), Msg::usage_lead);
    }
    if (verb.is_add()) return add_lead(ctx, verb.rest);
    const auto& rest = verb.rest;
    auto first = verb.word;
    if (first.starts_with('#')) first.erase(0, 1);
    storage::Id id = 0;
    try {
        std::size_t used = 0;
        id = std::stoll(first, &used);
        if (used != first.size() || id <= 0) throw std::invalid_argument{first};
    } catch (const std::exception&) {
        return mistake(ctx, tr(ctx.lang, Msg::not_understood, first), Msg::usage_lead);
    }
    // A change reads the lead locked, so a concurrent change elsewhere cannot be overwritten.
    auto found = rest.empty() ? ctx.db.leads().get(ctx.workspace.id, id)
                              : ctx.db.leads().get_for_update(ctx.workspace.id, id);
    if (!found) return mistake(ctx, tr(ctx.lang, Msg::lead_not_found, id), Msg::usage_lead);
    if (rest.empty()) return lead_card(ctx, *found);
    return change_lead(ctx, *found, rest);
}

}  // namespace

void register_lead_commands(Router& router) {
    router.add({"lead", {"리드", "딜"}, Msg::summary_lead, Msg::usage_lead, lead});
}

}  // namespace inmaek::handlers
