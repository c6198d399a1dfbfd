// /company (/회사) add · card · /companies (/회사목록) list.
#include "handlers/changes.hpp"
#include "handlers/format.hpp"
#include "handlers/lexer.hpp"
#include "handlers/resolve.hpp"
#include "handlers/router.hpp"
#include "handlers/stages.hpp"
#include "handlers/text.hpp"

namespace inmaek::handlers {

namespace {

const std::vector<std::string_view> kCompanyKeys{"alias", "별칭", "industry", "업종",     "산업",
                                                 "site",  "web",  "사이트",   "홈페이지", "tier",
                                                 "등급",  "note", "메모",     "비고"};

std::string canonical_key(std::string_view key) {
    const auto k = text::lower(key);
    if (k == "alias" || k == "별칭") return "alias";
    if (k == "industry" || k == "업종" || k == "산업") return "industry";
    if (k == "site" || k == "web" || k == "사이트" || k == "홈페이지") return "site";
    if (k == "tier" || k == "등급") return "tier";
    if (k == "note" || k == "메모" || k == "비고") return "note";
    return {};
}

/// The name written before the options: bare words, a quoted name or a @mention.
std::string leading_name(const Lexed& lexed, std::size_t& index) {
    std::string name;
    for (; index < lexed.tokens.size(); ++index) {
        const auto& token = lexed.tokens[index];
        if (token.kind == Token::Kind::option || token.kind == Token::Kind::colon) break;
        name += (name.empty() ? "" : " ") + token.text;
    }
    return text::trim(name);
}

Reply add_company(Context& ctx, std::string_view args) {
    const auto lexed = lex(args, kCompanyKeys);
    std::size_t index = 0;
    const auto name = leading_name(lexed, index);
    if (name.empty())
        return mistake(ctx, tr(ctx.lang, Msg::company_needs_name), Msg::usage_company);
    storage::Company company;
    company.workspace_id = ctx.workspace.id;
    company.name = name;
    company.name_key = text::fold_key(name);
    std::vector<std::string> aliases;
    for (; index < lexed.tokens.size(); ++index) {
        const auto& token = lexed.tokens[index];
        const auto key = token.kind == Token::Kind::option ? canonical_key(token.key) : "";
        if (key.empty())
            return mistake(ctx, tr(ctx.lang, Msg::not_understood, token.text), Msg::usage_company);
        if (key == "alias") {
            for (auto& alias : text::split_list(token.text)) aliases.push_back(std::move(alias));
        } else if (key == "industry") {
            company.industry = token.text;
        } else if (key == "site") {
            company.site = token.text;
        } else if (key == "tier") {
            company.tier = token.text;
        } else if (key == "note") {
            company.note = token.text;
        }
    }
    if (lexed.has_rest) company.note += (company.note.empty() ? "" : " ") + lexed.rest;
    if (company.name_key.empty()) {
        return mistake(ctx, tr(ctx.lang, Msg::company_needs_name), Msg::usage_company);
    }
    auto stored = handlers::add_company(ctx, std::move(company), aliases);
    if (!stored) {
        return mistake(ctx, refusal_text(ctx, stored.error(), Msg::company_exists),
                       Msg::usage_company);
    }
    company = std::move(*stored);

    auto reply = confirmation(ctx, tr(ctx.lang, Msg::company_saved, company.id, company.name));
    if (!aliases.empty()) reply.lines.push_back(tr(ctx.lang, Msg::aliases_line, join(aliases)));
    if (!company.industry.empty())
        reply.lines.push_back(tr(ctx.lang, Msg::industry_line, company.industry));
    if (!company.tier.empty()) reply.lines.push_back(tr(ctx.lang, Msg::tier_line, company.tier));
    if (!company.site.empty()) reply.lines.push_back(company.site);
    if (!company.note.empty()) reply.lines.push_back(tr(ctx.lang, Msg::notes_line, company.note));
    if (auto line = merge_suggestion(ctx, company)) reply.lines.push_back(std::move(*line));
    return reply;
}

/// /company merge Duplicate Into (manager+, declared in register_company_commands): everything
/// of the duplicate moves to the other.
Reply merge_command(Context& ctx, std::string_view args) {
    std::vector<std::string> names;
    for (const auto& token : lex(args, {}).tokens) {
        if (token.kind == Token::Kind::option || token.kind == Token::Kind::colon) break;
        names.push_back(token.text);
    }
    if (names.size() != 2) {
        return mistake(ctx, tr(ctx.lang, Msg::merge_needs_two), Msg::usage_company);
    }
    std::vector<storage::Company> found;
    for (const auto& name : names) {
        auto company = ctx.db.companies().find_by_key(ctx.workspace.id, text::fold_key(name));
        if (!company) {
            return mistake(ctx, tr(ctx.lang, Msg::company_not_found, name), Msg::usage_company);
        }
        found.push_back(std::move(*company));
    }
    const auto& from = found[0];
    const auto& into = found[1];
    if (from.id == into.id) {
        return mistake(ctx, tr(ctx.lang, Msg::merge_same, names[0], names[1], into.id),
                       Msg::usage_company);
    }
    const auto merge = handlers::merge_companies(ctx, from, into);
    auto reply =
        confirmation(ctx, tr(ctx.lang, Msg::merge_done, from.name, from.id, into.name, into.id));
    reply.lines.push_back(tr(ctx.lang, Msg::merge_moved, merge.contact_ids.size(),
                             merge.meeting_links.size(), merge.lead_links.size(),
                             merge.aliases.size(), from.name));
    return reply;
}

Reply company_card(Context& ctx, std::string_view args) {
    auto name = text::trim(args);
    if (name.starts_with('@')) name.erase(0, 1);
    if (name.size() >= 2 && (name.front() == '"' || name.starts_with("\xE2\x80\x9C"))) {
        const auto lexed = lex(name, {});
        if (!lexed.tokens.empty()) name = lexed.tokens.front().text;
    }
    const auto company = ctx.db.companies().find_by_key(ctx.workspace.id, text::fold_key(name));
    if (!company)
        return mistake(ctx, tr(ctx.lang, Msg::company_not_found, name), Msg::usage_company);

    Reply reply;
    reply.lang = ctx.lang;
    reply.title = "🏢 " + company->name + " (#" + std::to_string(company->id) + ")";
    const auto aliases = ctx.db.companies().aliases(ctx.workspace.id, company->id);
    if (!aliases.empty()) reply.lines.push_back(tr(ctx.lang, Msg::aliases_line, join(aliases)));
    if (!company->industry.empty())
        reply.lines.push_back(tr(ctx.lang, Msg::industry_line, company->industry));
    if (!company->tier.empty()) reply.lines.push_back(tr(ctx.lang, Msg::tier_line, company->tier));
    if (!company->site.empty()) reply.lines.push_back(company->site);
    if (!company->note.empty()) reply.lines.push_back(tr(ctx.lang, Msg::notes_line, company->note));

    const auto contacts = ctx.db.contacts().list_by_company(ctx.workspace.id, company->id);
    if (!contacts.empty()) {
        std::vector<std::string> names;
        for (const auto& c : contacts)
            names.push_back(c.title.empty() ? c.name : c.name + " (" + c.title + ")");
        reply.lines.push_back(tr(ctx.lang, Msg::contacts_line, join(names)));
    }
    const auto leads = ctx.db.leads().open_for_company(ctx.workspace.id, company->id, 5);
    if (!leads.empty()) {
        reply.lines.push_back(tr(ctx.lang, Msg::open_leads_header));
        for (const auto& lead : leads) {
            auto line = "  #" + std::to_string(lead.id) + " " + lead.title + " · " +
                        stage_label(ctx, lead.stage);
            if (lead.value) line += " · " + format_money(ctx, *lead.value);
            reply.lines.push_back(std::move(line));
        }
    }
    const auto meetings = ctx.db.meetings().for_company(ctx.workspace.id, company->id, 3);
    append_meetings(ctx, reply.lines, meetings);
    if (contacts.empty() && leads.empty() && meetings.empty()) {
        reply.lines.push_back(tr(ctx.lang, Msg::nothing_logged_yet));
    }
    return reply;
}

Reply company(Context& ctx, std::string_view args) {
    const auto verb = split_verb(args);
    if (verb.word.empty()) {
        return mistake(ctx, tr(ctx.lang, Msg::company_needs_name), Msg::usage_company);
    }
    if (verb.is_add()) return add_company(ctx, verb.rest);
    if (verb.lower == "merge" || verb.lower == "병합") return merge_command(ctx, verb.rest);
    return company_card(ctx, args);
}

Reply companies(Context& ctx, std::string_view args) {
    const auto lexed = lex(args, kCompanyKeys);
    std::string industry;
    std::string tier;
    for (const auto& token : lexed.tokens) {
        const auto key = token.kind == Token::Kind::option ? canonical_key(token.key) : "";
        if (key == "industry") {
            industry = token.text;
        } else if (key == "tier") {
            tier = token.text;
        } else {
            return mistake(ctx, tr(ctx.lang, Msg::not_understood, token.text),
                           Msg::usage_companies);
        }
    }
    const auto list = ctx.db.companies().list(ctx.workspace.id, industry, tier, 50);
    Reply reply;
    reply.lang = ctx.lang;
    reply.title = tr(ctx.lang, Msg::companies_title, list.size());
    for (const auto& c : list) {
        auto line = "#" + std::to_string(c.id) + " " + c.name;
        if (!c.industry.empty()) line += " · " + c.industry;
        if (!c.tier.empty()) line += " · " + c.tier;
        reply.lines.push_back(std::move(line));
    }
    if (list.empty()) reply.lines.push_back(tr(ctx.lang, Msg::none_yet));
    return reply;
}

}  // namespace

void register_company_commands(Router& router) {
    router.add({.name = "company",
                .aliases = {"회사", "기업"},
                .summary = Msg::summary_company,
                .usage = Msg::usage_company,
                .run = company,
                .verb_roles = {{.words = {"merge", "병합"}, .role = storage::Role::manager}}});
    router.add({"companies",
                {"회사목록", "기업목록"},
                Msg::summary_companies,
                Msg::usage_companies,
                companies});
}

}  // namespace inmaek::handlers
