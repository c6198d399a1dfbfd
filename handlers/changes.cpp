#include "handlers/changes.hpp"

#include "handlers/company_names.hpp"
#include "handlers/format.hpp"
#include "handlers/text.hpp"

namespace inmaek::handlers {

namespace {

nlohmann::json optional_id(const std::optional<storage::Id>& id) {
    return id ? nlohmann::json(*id) : nlohmann::json();
}

nlohmann::json optional_day(const std::optional<storage::Day>& day) {
    return day ? nlohmann::json(format_day(*day)) : nlohmann::json();
}

/// The first of `aliases` that already names a record of `repository`, as a refusal.
template <typename Repository>
std::optional<ChangeError> alias_conflict(Context& ctx, Repository& repository,
                                          const std::vector<std::string>& aliases) {
    for (const auto& alias : aliases) {
        if (auto other = repository.find_by_key(ctx.workspace.id, text::fold_key(alias))) {
            return ChangeError{ChangeError::Kind::alias_taken, alias, other->name, other->id};
        }
    }
    return std::nullopt;
}

/// Fills in the record's workspace and folded key, and refuses a name or alias already in use.
template <typename Repository, typename Record>
std::optional<ChangeError> name_conflict(Context& ctx, Repository& repository, Record& record,
                                         const std::vector<std::string>& aliases) {
    record.workspace_id = ctx.workspace.id;
    record.name_key = text::fold_key(record.name);
    if (auto existing = repository.find_by_key(ctx.workspace.id, record.name_key)) {
        return ChangeError{ChangeError::Kind::name_taken, record.name, existing->name,
                           existing->id};
    }
    return alias_conflict(ctx, repository, aliases);
}

/// Adds the aliases whose keys differ from the record's own.
template <typename Repository>
void add_aliases(Context& ctx, Repository& repository, storage::Id id, std::string_view own_key,
                 const std::vector<std::string>& aliases) {
    for (const auto& alias : aliases) {
        const auto key = text::fold_key(alias);
        if (!key.empty() && key != own_key) repository.add_alias(ctx.workspace.id, id, alias, key);
    }
}

}  // namespace

std::string refusal_text(const Context& ctx, const ChangeError& error, Msg name_taken) {
    switch (error.kind) {
        case ChangeError::Kind::alias_taken:
            return tr(ctx.lang, Msg::alias_taken, error.subject, error.other_name);
        case ChangeError::Kind::lead_not_found:
            return tr(ctx.lang, Msg::lead_not_found, error.other_id);
        case ChangeError::Kind::name_taken: break;
    }
    return tr(ctx.lang, name_taken, error.other_name, error.other_id);
}

nlohmann::json company_json(const storage::Company& c) {
    return {{"id", c.id},     {"name", c.name}, {"industry", c.industry},
            {"site", c.site}, {"tier", c.tier}, {"note", c.note}};
}

nlohmann::json contact_json(const storage::Contact& c) {
    return {{"id", c.id},       {"name", c.name},   {"company", optional_id(c.company_id)},
            {"title", c.title}, {"email", c.email}, {"phone", c.phone}};
}

nlohmann::json meeting_json(const storage::Meeting& meeting) {
    return {{"id", meeting.id},
            {"starts_at", meeting.starts_at.time_since_epoch().count()},
            {"has_time", meeting.has_time},
            {"place", meeting.place},
            {"notes", meeting.notes},
            {"companies", meeting.company_ids},
            {"contacts", meeting.contact_ids},
            {"lead", optional_id(meeting.lead_id)}};
}

nlohmann::json lead_json(const storage::Lead& lead) {
    nlohmann::json out{{"id", lead.id},
                       {"title", lead.title},
                       {"stage", lead.stage},
                       {"note", lead.note},
                       {"companies", lead.company_ids}};
    out["value"] = lead.value ? nlohmann::json{{"amount", lead.value->amount},
                                               {"currency", lead.value->currency}}
                              : nlohmann::json();
    out["owner"] = optional_id(lead.owner_id);
    out["due"] = optional_day(lead.due);
    return out;
}

nlohmann::json follow_up_json(const storage::FollowUp& f) {
    return {{"id", f.id},
            {"text", f.text},
            {"due", optional_day(f.due)},
            {"assignee", optional_id(f.assignee_id)},
            {"lead", optional_id(f.lead_id)},
            {"meeting", optional_id(f.meeting_id)},
            {"done", f.done}};
}

bool plausible_email(std::string_view email) {
    const auto at = email.find('@');
    return at != std::string_view::npos && at > 0 &&
           email.find('.', at) != std::string_view::npos &&
           email.find(' ') == std::string_view::npos;
}

bool plausible_phone(std::string_view phone) {
    int digits = 0;
    for (const char c : phone) {
        if (c >= '0' && c <= '9') {
            ++digits;
        } else if (c != '+' && c != '-' && c != ' ' && c != '(' && c != ')' && c != '.') {
            return false;
        }
    }
    return digits >= 6;
}

Change<storage::Company> add_company(Context& ctx, storage::Company company,
                                     const std::vector<std::string>& aliases) {
    auto& companies = ctx.db.companies();
    if (auto conflict = name_conflict(ctx, companies, company, aliases)) return *conflict;
    company.created_by = ctx.user.id;
    company.created_at = ctx.now;
    company = companies.create(company);
    add_aliases(ctx, companies, company.id, company.name_key, aliases);
    auto after = company_json(company);
    after["aliases"] = aliases;
    ctx.audit("create", "company", company.id, {}, after.dump());
    return company;
}

Change<AddedContact> add_contact(Context& ctx, storage::Contact contact,
                                 const std::vector<std::string>& aliases,
                                 std::string_view company_name) {
    auto& contacts = ctx.db.contacts();
    if (auto conflict = name_conflict(ctx, contacts, contact, aliases)) return *conflict;
    AddedContact added;
    if (!company_name.empty()) {
        added.company = resolve_company(ctx, company_name);
        contact.company_id = added.company->record.id;
    }
    contact.created_by = ctx.user.id;
    contact.created_at = ctx.now;
    added.contact = contacts.create(contact);
    add_aliases(ctx, contacts, added.contact.id, added.contact.name_key, aliases);
    auto after = contact_json(added.contact);
    after["aliases"] = aliases;
    ctx.audit("create", "contact", added.contact.id, {}, after.dump());
    return added;
}

storage::Meeting add_meeting(Context& ctx, storage::Meeting meeting) {
    meeting.workspace_id = ctx.workspace.id;
    meeting.created_by = ctx.user.id;
    meeting.created_at = ctx.now;
    meeting = ctx.db.meetings().create(meeting);
    ctx.audit("create", "meeting", meeting.id, {}, meeting_json(meeting).dump());
    return meeting;
}

std::pair<storage::Lead, std::vector<Resolved<storage::Company>>> add_lead(
    Context& ctx, storage::Lead lead, const std::vector<std::string>& company_names) {
    auto companies = resolve_companies(ctx, company_names);
    lead.workspace_id = ctx.workspace.id;
    lead.company_ids.clear();
    for (const auto& c : companies) lead.company_ids.push_back(c.record.id);
    lead.created_by = ctx.user.id;
    lead.created_at = ctx.now;
    lead.updated_at = ctx.now;
    lead = ctx.db.leads().create(lead);
    ctx.audit("create", "lead", lead.id, {}, lead_json(lead).dump());
    return {std::move(lead), std::move(companies)};
}

void update_lead(Context& ctx, const storage::Lead& before, storage::Lead after) {
    after.updated_at = ctx.now;
    ctx.db.leads().update(before, after, ctx.user.id, ctx.now);
    ctx.audit("update", "lead", after.id, lead_json(before).dump(), lead_json(after).dump());
}

Change<storage::FollowUp> add_follow_up(Context& ctx, storage::FollowUp follow_up) {
    if (follow_up.lead_id && !ctx.db.leads().get(ctx.workspace.id, *follow_up.lead_id)) {
        return ChangeError{ChangeError::Kind::lead_not_found,
                           std::to_string(*follow_up.lead_id),
                           {},
                           *follow_up.lead_id};
    }
    follow_up.workspace_id = ctx.workspace.id;
    follow_up = ctx.db.follow_ups().create(follow_up);
    ctx.audit("create", "follow_up", follow_up.id, {}, follow_up_json(follow_up).dump());
    return follow_up;
}

void complete_follow_up(Context& ctx, const storage::FollowUp& follow_up) {
    ctx.db.follow_ups().mark_done(ctx.workspace.id, follow_up.id, ctx.now);
    ctx.audit("done", "follow_up", follow_up.id, nlohmann::json{{"done", false}}.dump(),
              nlohmann::json{{"done", true}}.dump());
}

nlohmann::json merge_json(const storage::CompanyMerge& merge) {
    const auto links = [](const std::vector<storage::LinkMove>& moves) {
        auto out = nlohmann::json::array();
        for (const auto& m : moves) out.push_back({m.owner_id, m.position, m.dropped});
        return out;
    };
    auto duplicate = company_json(merge.duplicate);
    duplicate["name_key"] = merge.duplicate.name_key;
    duplicate["created_by"] = merge.duplicate.created_by;
    duplicate["created_at"] = merge.duplicate.created_at.time_since_epoch().count();
    auto aliases = nlohmann::json::array();
    for (const auto& [alias, key] : merge.aliases) aliases.push_back({alias, key});
    return {{"duplicate", std::move(duplicate)},    {"into", merge.into_id},
            {"aliases", std::move(aliases)},        {"name_alias_added", merge.name_alias_added},
            {"contacts", merge.contact_ids},        {"meeting_links", links(merge.meeting_links)},
            {"lead_links", links(merge.lead_links)}};
}

storage::CompanyMerge merge_from_json(const nlohmann::json& json) {
    const auto links = [](const nlohmann::json& array) {
        std::vector<storage::LinkMove> moves;
        for (const auto& m : array) {
            moves.push_back({m.at(0).get<storage::Id>(), m.at(1).get<int>(), m.at(2).get<bool>()});
        }
        return moves;
    };
    storage::CompanyMerge merge;
    const auto& d = json.at("duplicate");
    merge.duplicate.id = d.at("id").get<storage::Id>();
    merge.duplicate.name = d.at("name").get<std::string>();
    merge.duplicate.name_key = d.at("name_key").get<std::string>();
    merge.duplicate.industry = d.at("industry").get<std::string>();
    merge.duplicate.site = d.at("site").get<std::string>();
    merge.duplicate.tier = d.at("tier").get<std::string>();
    merge.duplicate.note = d.at("note").get<std::string>();
    merge.duplicate.created_by = d.at("created_by").get<storage::Id>();
    merge.duplicate.created_at =
        storage::Timestamp{std::chrono::seconds{d.at("created_at").get<std::int64_t>()}};
    merge.into_id = json.at("into").get<storage::Id>();
    for (const auto& pair : json.at("aliases")) {
        merge.aliases.emplace_back(pair.at(0).get<std::string>(), pair.at(1).get<std::string>());
    }
    merge.name_alias_added = json.at("name_alias_added").get<bool>();
    merge.contact_ids = json.at("contacts").get<std::vector<storage::Id>>();
    merge.meeting_links = links(json.at("meeting_links"));
    merge.lead_links = links(json.at("lead_links"));
    return merge;
}

storage::CompanyMerge merge_companies(Context& ctx, const storage::Company& from,
                                      const storage::Company& into) {
    auto merge = ctx.db.companies().merge(ctx.workspace.id, from.id, into.id);
    merge.duplicate.workspace_id = ctx.workspace.id;
    ctx.audit("merge", "company", into.id, merge_json(merge).dump(),
              nlohmann::json{{"merged", from.id}, {"into", into.id}}.dump());
    return merge;
}

std::optional<storage::Company> similar_company(const Context& ctx,
                                                const storage::Company& company) {
    const auto keys = company_names::similar_keys(company.name);
    for (auto& other : ctx.db.companies().find_by_keys(ctx.workspace.id, keys)) {
        if (other.id != company.id) return std::move(other);
    }
    return std::nullopt;
}

}  // namespace inmaek::handlers
