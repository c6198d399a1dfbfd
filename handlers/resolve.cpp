#include "handlers/resolve.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "handlers/catalog.hpp"
#include "handlers/changes.hpp"
#include "handlers/format.hpp"
#include "handlers/text.hpp"

namespace inmaek::handlers {

namespace {

/// Finds a named record (company or contact) by folded key in `repository`, or creates it from
/// `fresh` with the shared fields filled in, auditing the creation as `entity`.
template <typename Repository, typename Record>
Resolved<Record> find_or_create(Context& ctx, Repository& repository, std::string_view entity,
                                std::string_view name, Record fresh) {
    const auto clean = text::trim(name);
    const auto key = text::fold_key(clean);
    if (auto found = repository.find_by_key(ctx.workspace.id, key)) {
        return {std::move(*found), false};
    }
    fresh.workspace_id = ctx.workspace.id;
    fresh.name = clean;
    fresh.name_key = key;
    fresh.created_by = ctx.user.id;
    fresh.created_at = ctx.now;
    auto created = repository.create(fresh);
    ctx.audit("create", entity, created.id, {},
              nlohmann::json{{"id", created.id}, {"name", created.name}}.dump());
    return {std::move(created), true};
}

/// Resolves every name, keeping each record once, in the order first written.
template <typename Record, typename ResolveOne>
std::vector<Resolved<Record>> resolve_each(const std::vector<std::string>& names,
                                           ResolveOne&& resolve_one) {
    std::vector<Resolved<Record>> resolved;
    for (const auto& name : names) {
        auto one = resolve_one(name);
        const bool repeated = std::any_of(resolved.begin(), resolved.end(), [&](const auto& r) {
            return r.record.id == one.record.id;
        });
        if (!repeated) resolved.push_back(std::move(one));
    }
    return resolved;
}

}  // namespace

Resolved<storage::Company> resolve_company(Context& ctx, std::string_view name) {
    return find_or_create(ctx, ctx.db.companies(), "company", name, storage::Company{});
}

Resolved<storage::Contact> resolve_contact(Context& ctx, std::string_view name,
                                           std::optional<storage::Id> company_id) {
    storage::Contact fresh;
    fresh.company_id = company_id;
    return find_or_create(ctx, ctx.db.contacts(), "contact", name, std::move(fresh));
}

std::vector<Resolved<storage::Company>> resolve_companies(Context& ctx,
                                                          const std::vector<std::string>& names) {
    return resolve_each<storage::Company>(
        names, [&](const std::string& name) { return resolve_company(ctx, name); });
}

std::vector<Resolved<storage::Contact>> resolve_contacts(Context& ctx,
                                                         const std::vector<std::string>& names,
                                                         std::optional<storage::Id> company_id) {
    return resolve_each<storage::Contact>(
        names, [&](const std::string& name) { return resolve_contact(ctx, name, company_id); });
}

std::optional<storage::User> find_member(Context& ctx, std::string_view name) {
    auto clean = text::trim(name);
    if (clean.starts_with('@')) clean.erase(0, 1);
    if (clean.empty()) return std::nullopt;
    return ctx.db.workspaces().find_user_by_name(ctx.workspace.id, clean);
}

namespace {

/// A name as a command argument: quoted when it holds a space.
std::string quoted(const std::string& name) {
    if (name.find(' ') == std::string::npos && name.find('"') == std::string::npos) return name;
    return name.find('"') == std::string::npos ? "\"" + name + "\"" : "“" + name + "”";
}

}  // namespace

std::optional<std::string> merge_suggestion(const Context& ctx, const storage::Company& created) {
    const auto existing = similar_company(ctx, created);
    if (!existing) return std::nullopt;
    const auto command = std::string{ctx.korean() ? "/회사 병합 " : "/company merge "} +
                         quoted(created.name) + " " + quoted(existing->name);
    return tr(ctx.lang, Msg::merge_suggestion, existing->name, existing->id, command);
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
    if (!new_companies.empty())
        lines.push_back(tr(ctx.lang, Msg::new_companies, join(new_companies)));
    if (!new_contacts.empty()) lines.push_back(tr(ctx.lang, Msg::new_contacts, join(new_contacts)));
    for (const auto& c : companies) {
        if (!c.created) continue;
        if (auto line = merge_suggestion(ctx, c.record)) lines.push_back(std::move(*line));
    }
    return lines;
}

}  // namespace inmaek::handlers
