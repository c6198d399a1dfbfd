// /contact (/연락처) add · card.
#include "handlers/changes.hpp"
#include "handlers/format.hpp"
#include "handlers/lexer.hpp"
#include "handlers/resolve.hpp"
#include "handlers/router.hpp"
#include "handlers/text.hpp"

namespace inmaek::handlers {

namespace {

const std::vector<std::string_view> kContactKeys{"title", "직함", "직책",   "email", "이메일",
                                                 "phone", "전화", "연락처", "alias", "별칭"};

std::string canonical_key(std::string_view key) {
    const auto k = text::lower(key);
    if (k == "title" || k == "직함" || k == "직책") return "title";
    if (k == "email" || k == "이메일") return "email";
    if (k == "phone" || k == "전화" || k == "연락처") return "phone";
    if (k == "alias" || k == "별칭") return "alias";
    return {};
}

Reply add_contact(Context& ctx, std::string_view args) {
    const auto lexed = lex(args, kContactKeys);
    std::string name;
    std::string company_name;
    storage::Contact contact;
    std::vector<std::string> aliases;
    for (const auto& token : lexed.tokens) {
        if (token.kind == Token::Kind::mention) {
            if (!company_name.empty()) {
                return mistake(ctx, tr(ctx.lang, Msg::contact_one_company), Msg::usage_contact);
            }
            company_name = token.text;
            continue;
        }
        if (token.kind == Token::Kind::option) {
            const auto key = canonical_key(token.key);
            if (key == "title") {
                contact.title = token.text;
            } else if (key == "email") {
                if (!plausible_email(token.text)) {
                    return mistake(ctx, tr(ctx.lang, Msg::bad_email, token.text),
                                   Msg::usage_contact);
                }
                contact.email = token.text;
            } else if (key == "phone") {
                if (!plausible_phone(token.text)) {
                    return mistake(ctx, tr(ctx.lang, Msg::bad_phone, token.text),
                                   Msg::usage_contact);
                }
                contact.phone = token.text;
            } else if (key == "alias") {
                for (auto& alias : text::split_list(token.text))
                    aliases.push_back(std::move(alias));
            } else {
                return mistake(ctx, tr(ctx.lang, Msg::unknown_field, token.key),
                               Msg::usage_contact);
            }
            continue;
        }
        if (token.kind == Token::Kind::colon) break;
        if (!company_name.empty()) {
            return mistake(ctx, tr(ctx.lang, Msg::not_understood, token.text), Msg::usage_contact);
        }
        name += (name.empty() ? "" : " ") + token.text;
    }
    name = text::trim(name);
    if (name.empty() || text::fold_key(name).empty()) {
        return mistake(ctx, tr(ctx.lang, Msg::contact_needs_name), Msg::usage_contact);
    }
    contact.name = name;
    auto stored = handlers::add_contact(ctx, std::move(contact), aliases, company_name);
    if (!stored) {
        return mistake(ctx, refusal_text(ctx, stored.error(), Msg::contact_exists),
                       Msg::usage_contact);
    }
    contact = std::move(stored->contact);
    std::vector<Resolved<storage::Company>> companies;
    if (stored->company) companies.push_back(std::move(*stored->company));

    auto reply = confirmation(ctx, tr(ctx.lang, Msg::contact_saved, contact.id, contact.name));
    if (!companies.empty()) reply.title += " · " + companies.front().record.name;
    if (!contact.title.empty()) reply.title += " · " + contact.title;
    if (!contact.email.empty()) reply.lines.push_back(contact.email);
    if (!contact.phone.empty()) reply.lines.push_back(contact.phone);
    if (!aliases.empty()) reply.lines.push_back(tr(ctx.lang, Msg::aliases_line, join(aliases)));
    for (auto& line : created_lines(ctx, companies, {})) reply.lines.push_back(std::move(line));
    return reply;
}

Reply contact_card(Context& ctx, std::string_view args) {
    auto name = text::trim(args);
    const auto lexed = lex(name, {});
    if (lexed.tokens.size() == 1 && lexed.tokens.front().kind == Token::Kind::quoted) {
        name = lexed.tokens.front().text;
    }
    const auto contact = ctx.db.contacts().find_by_key(ctx.workspace.id, text::fold_key(name));
    if (!contact)
        return mistake(ctx, tr(ctx.lang, Msg::contact_not_found, name), Msg::usage_contact);
    Reply reply;
    reply.lang = ctx.lang;
    reply.title = "👤 " + contact->name + " (#" + std::to_string(contact->id) + ")";
    if (contact->company_id) {
        if (auto company = ctx.db.companies().get(ctx.workspace.id, *contact->company_id)) {
            reply.title += " · " + company->name;
        }
    }
    if (!contact->title.empty()) reply.lines.push_back(contact->title);
    if (!contact->email.empty()) reply.lines.push_back(contact->email);
    if (!contact->phone.empty()) reply.lines.push_back(contact->phone);
    const auto aliases = ctx.db.contacts().aliases(ctx.workspace.id, contact->id);
    if (!aliases.empty()) reply.lines.push_back(tr(ctx.lang, Msg::aliases_line, join(aliases)));
    const auto meetings = ctx.db.meetings().for_contact(ctx.workspace.id, contact->id, 5);
    append_meetings(ctx, reply.lines, meetings);
    return reply;
}

Reply contact(Context& ctx, std::string_view args) {
    const auto verb = split_verb(args);
    if (verb.word.empty()) {
        return mistake(ctx, tr(ctx.lang, Msg::contact_needs_name), Msg::usage_contact);
    }
    if (verb.is_add()) return add_contact(ctx, verb.rest);
    return contact_card(ctx, args);
}

}  // namespace

void register_contact_commands(Router& router) {
    router.add(
        {"contact", {"연락처", "인물", "사람"}, Msg::summary_contact, Msg::usage_contact, contact});
}

}  // namespace inmaek::handlers
