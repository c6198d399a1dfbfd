#include "handlers/resolve.hpp"

#include <nlohmann/json.hpp>

#include "handlers/catalog.hpp"
#include "handlers/text.hpp"

namespace inmaek::handlers {

Resolved<storage::Company> resolve_company(Context& ctx, std::string_view name) {
    const auto clean = text::trim(name);
    const auto key = text::fold_key(clean);
    if (auto found = ctx.db.companies().find_by_key(ctx.workspace.id, key)) {
        return {std::move(*found), false};
    }
    storage::Company company;
    company.workspace_id = ctx.workspace.id;
    company.name = clean;
    company.name_key = key;
    company.created_by = ctx.user.id;
    company.created_at = ctx.now;
    company = ctx.db.companies().create(company);
    ctx.audit("create", "company", company.id, {},
              nlohmann::json{{"id", company.id}, {"name", company.name}}.dump());
    return {std::move(company), true};
}

Resolved<storage::Contact> resolve_contact(Context& ctx, std::string_view name,
                                           std::optional<storage::Id> company_id) {
    const auto clean = text::trim(name);
    const auto key = text::fold_key(clean);
    if (auto found = ctx.db.contacts().find_by_key(ctx.workspace.id, key)) {
        return {std::move(*found), false};
    }
    storage::Contact contact;
    contact.workspace_id = ctx.workspace.id;
    contact.name = clean;
    contact.name_key = key;
    contact.company_id = company_id;
    contact.created_by = ctx.user.id;
    contact.created_at = ctx.now;
    contact = ctx.db.contacts().create(contact);
    ctx.audit("create", "contact", contact.id, {},
              nlohmann::json{{"id", contact.id}, {"name", contact.name}}.dump());
    return {std::move(contact), true};
}

std::optional<storage::User> find_member(Context& ctx, std::string_view name) {
    auto clean = text::trim(name);
    if (clean.starts_with('@')) clean.erase(0, 1);
    if (clean.empty()) return std::nullopt;
    return ctx.db.workspaces().find_user_by_name(ctx.workspace.id, clean);
}

std::vector<std::string> created_lines(const Context& ctx,
                                       const std::vector<Resolved<storage::Company>>& companies,
                                       const std::vector<Resolved<storage::Contact>>& contacts) {
    std::vector<std::string> new_companies;
    for (const auto& c : companies) {
        if (c.created) new_companies.push_back(c.record.name);
    }
    std::vector<std::string> new_contacts;
    for (const auto& c : contacts) {
        if (c.created) new_contacts.push_back(c.record.name);
    }
    std::vector<std::string> lines;
    auto joined = [](const std::vector<std::string>& names) {
        std::string out;
        for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
        return out;
    };
    if (!new_companies.empty())
        lines.push_back(tr(ctx.lang, Msg::new_companies, joined(new_companies)));
    if (!new_contacts.empty())
        lines.push_back(tr(ctx.lang, Msg::new_contacts, joined(new_contacts)));
    return lines;
}

}  // namespace inmaek::handlers
