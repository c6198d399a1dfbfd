#include "handlers/csv_import.hpp"

#include <date/date.h>

#include <algorithm>
#include <array>
#include <istream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "handlers/csv.hpp"
#include "handlers/money.hpp"
#include "handlers/stages.hpp"
#include "handlers/text.hpp"

namespace inmaek::handlers {

namespace {

/// A header, lower-cased, and the field it holds.
struct HeaderName {
    std::string_view header;
    std::string_view field;
};

// HubSpot's export headers first, then inmaek's own /export columns (a round trip), then Korean.
constexpr std::array kCompanyHeaders{
    HeaderName{"company name", "name"}, HeaderName{"name", "name"},
    HeaderName{"회사명", "name"},       HeaderName{"company domain name", "site"},
    HeaderName{"website url", "site"},  HeaderName{"site", "site"},
    HeaderName{"industry", "industry"}, HeaderName{"업종", "industry"},
    HeaderName{"tier", "tier"},         HeaderName{"description", "note"},
    HeaderName{"note", "note"},
};
constexpr std::array kContactHeaders{
    HeaderName{"first name", "first"},
    HeaderName{"last name", "last"},
    HeaderName{"name", "name"},
    HeaderName{"이름", "name"},
    HeaderName{"email", "email"},
    HeaderName{"job title", "title"},
    HeaderName{"title", "title"},
    HeaderName{"phone number", "phone"},
    HeaderName{"phone", "phone"},
    HeaderName{"company name", "company"},
    HeaderName{"associated company", "company"},
    HeaderName{"company", "company"},
    HeaderName{"회사", "company"},
};
constexpr std::array kDealHeaders{
    HeaderName{"deal name", "title"},
    HeaderName{"title", "title"},
    HeaderName{"deal stage", "stage"},
    HeaderName{"stage", "stage"},
    HeaderName{"amount", "amount"},
    HeaderName{"value_amount", "amount"},
    HeaderName{"currency", "currency"},
    HeaderName{"value_currency", "currency"},
    HeaderName{"close date", "due"},
    HeaderName{"due", "due"},
    HeaderName{"associated company", "company"},
    HeaderName{"company name", "company"},
    HeaderName{"companies", "company"},
    HeaderName{"deal owner", "owner"},
    HeaderName{"owner", "owner"},
};

// HubSpot's default sales pipeline (labels and internal ids) in partnership terms.
struct HubspotStage {
    std::string_view hubspot;
    std::string_view stage;
};
constexpr std::array kHubspotStages{
    HubspotStage{"appointment scheduled", "meeting"},
    HubspotStage{"appointmentscheduled", "meeting"},
    HubspotStage{"qualified to buy", "contacted"},
    HubspotStage{"qualifiedtobuy", "contacted"},
    HubspotStage{"presentation scheduled", "proposal"},
    HubspotStage{"presentationscheduled", "proposal"},
    HubspotStage{"decision maker bought-in", "negotiation"},
    HubspotStage{"decisionmakerboughtin", "negotiation"},
    HubspotStage{"contract sent", "negotiation"},
    HubspotStage{"contractsent", "negotiation"},
    HubspotStage{"closed won", "signed"},
    HubspotStage{"closedwon", "signed"},
    HubspotStage{"closed lost", "dropped"},
    HubspotStage{"closedlost", "dropped"},
};

constexpr std::size_t kMaxNameLength = 300;

Mapped rejected(std::string reason) {
    return Mapped{std::nullopt, std::move(reason)};
}

/// "2025-03-31", "2025-03-31 00:00", "2025-03-31T00:00:00Z" or "3/31/2025".
std::optional<storage::Day> parse_close_date(std::string_view text) {
    const auto iso = text.substr(0, 10);
    for (const char* format : {"%Y-%m-%d", "%m/%d/%Y"}) {
        std::istringstream in{std::string{format[1] == 'Y' ? iso : text}};
        date::year_month_day day{};
        in >> date::parse(format, day);
        if (!in.fail() && day.ok()) return storage::Day{date::sys_days{day}.time_since_epoch()};
    }
    return std::nullopt;
}

/// HubSpot writes amounts as "5000000" or "5000000.0"; a Currency column may name the currency.
std::optional<storage::Money> parse_amount(std::string amount, const std::string& currency) {
    const auto dot = amount.find('.');
    if (dot != std::string::npos && amount.find_first_not_of('0', dot + 1) == std::string::npos) {
        amount.erase(dot);
    }
    const bool bare =
        !amount.empty() && amount.find_first_not_of("0123456789,") == std::string::npos;
    const auto parsed = parse_money(bare && !currency.empty() ? currency + " " + amount : amount);
    if (!parsed) return std::nullopt;
    return storage::Money{parsed->minor, parsed->currency};
}

/// "Sam" + "Altman" → "Sam Altman"; Korean names run family name first: "김" + "민지" → "김민지".
std::string full_name(const std::string& first, const std::string& last) {
    if (first.empty() || last.empty()) return first.empty() ? last : first;
    if (text::has_hangul(first) && text::has_hangul(last)) return last + first;
    return first + " " + last;
}

bool looks_like_email(std::string_view email) {
    const auto at = email.find('@');
    return at != std::string_view::npos && at > 0 &&
           email.find('.', at) != std::string_view::npos &&
           email.find_first_of(" \t,;") == std::string_view::npos;
}

/// Sets an empty field of what exists from the file; true when it did.
bool fill(std::string& field, const std::string& value) {
    if (!field.empty() || value.empty()) return false;
    field = value;
    return true;
}

}  // namespace

std::optional<ImportKind> import_kind_from_text(std::string_view text) {
    const auto word = text::lower(text::trim(text));
    if (word == "companies" || word == "company") return ImportKind::companies;
    if (word == "contacts" || word == "contact") return ImportKind::contacts;
    if (word == "deals" || word == "deal" || word == "leads") return ImportKind::deals;
    return std::nullopt;
}

std::optional<std::string> stage_from_hubspot(std::string_view stage) {
    const auto word = text::lower(text::trim(stage));
    for (const auto& known : kHubspotStages) {
        if (known.hubspot == word) return std::string{known.stage};
    }
    return stage_from_text(word);
}

std::string_view to_string(ImportLine::Action action) {
    switch (action) {
        case ImportLine::Action::create: return "create";
        case ImportLine::Action::merge: return "merge";
        case ImportLine::Action::reject: return "reject";
    }
    return "reject";
}

void ImportReport::add(ImportLine line) {
    switch (line.action) {
        case ImportLine::Action::create: ++created; break;
        case ImportLine::Action::merge: ++merged; break;
        case ImportLine::Action::reject: ++rejected; break;
    }
    lines.push_back(std::move(line));
}

HubspotMapping::HubspotMapping(ImportKind kind, const std::vector<std::string>& header)
    : kind_(kind) {
    const std::span<const HeaderName> names =
        kind == ImportKind::companies  ? std::span<const HeaderName>{kCompanyHeaders}
        : kind == ImportKind::contacts ? std::span<const HeaderName>{kContactHeaders}
                                       : std::span<const HeaderName>{kDealHeaders};
    for (std::size_t i = 0; i < header.size(); ++i) {
        const auto wanted = text::lower(text::trim(header[i]));
        for (const auto& name : names) {
            // The first column naming a field wins ("Company Name" before "Associated Company").
            if (name.header == wanted && !has(name.field)) {
                columns_.push_back({name.field, static_cast<int>(i)});
            }
        }
    }
    const auto missing = [&](std::string_view what) {
        throw ImportError("the header has no " + std::string{what} + " column");
    };
    switch (kind) {
        case ImportKind::companies:
            if (!has("name")) missing("\"Company name\"");
            break;
        case ImportKind::contacts:
            if (!has("name") && !has("first") && !has("last")) {
                missing("\"First Name\", \"Last Name\" or \"Name\"");
            }
            break;
        case ImportKind::deals:
            if (!has("title")) missing("\"Deal Name\"");
            if (!has("company")) missing("\"Associated Company\"");
            break;
    }
}

bool HubspotMapping::has(std::string_view field) const {
    return std::any_of(columns_.begin(), columns_.end(),
                       [&](const Column& c) { return c.field == field; });
}

std::string HubspotMapping::cell(const std::vector<std::string>& fields,
                                 std::string_view field) const {
    for (const auto& column : columns_) {
        if (column.field != field) continue;
        const auto index = static_cast<std::size_t>(column.index);
        return index < fields.size() ? text::trim(text::nfc(fields[index])) : std::string{};
    }
    return {};
}

Mapped HubspotMapping::map(const std::vector<std::string>& fields) const {
    for (const auto& field : fields) {
        if (!text::is_valid_utf8(field)) {
            return rejected("not UTF-8 text (save the file as CSV UTF-8)");
        }
    }
    switch (kind_) {
        case ImportKind::companies: return map_company(fields);
        case ImportKind::contacts: return map_contact(fields);
        case ImportKind::deals: return map_deal(fields);
    }
    return rejected("unknown kind");
}

Mapped HubspotMapping::map_company(const std::vector<std::string>& fields) const {
    CompanyDraft d{cell(fields, "name"), cell(fields, "site"), cell(fields, "industry"),
                   cell(fields, "tier"), cell(fields, "note")};
    if (text::fold_key(d.name).empty()) return rejected("no company name");
    if (d.name.size() > kMaxNameLength) return rejected("the company name is too long");
    return Mapped{std::move(d), {}};
}

Mapped HubspotMapping::map_contact(const std::vector<std::string>& fields) const {
    ContactDraft d;
    d.name = cell(fields, "name");
    if (d.name.empty()) d.name = full_name(cell(fields, "first"), cell(fields, "last"));
    d.company = cell(fields, "company");
    d.title = cell(fields, "title");
    d.email = cell(fields, "email");
    d.phone = cell(fields, "phone");
    if (text::fold_key(d.name).empty()) return rejected("no name");
    if (d.name.size() > kMaxNameLength) return rejected("the name is too long");
    if (!d.email.empty() && !looks_like_email(d.email)) {
        return rejected("'" + d.email + "' is not an e-mail address");
    }
    return Mapped{std::move(d), {}};
}

Mapped HubspotMapping::map_deal(const std::vector<std::string>& fields) const {
    DealDraft d;
    d.title = cell(fields, "title");
    d.owner = cell(fields, "owner");
    // inmaek's own export lists every company of a lead: the first is the main one.
    auto company = cell(fields, "company");
    d.company = text::trim(company.substr(0, company.find(';')));
    if (d.title.empty()) return rejected("no deal name");
    if (text::fold_key(d.company).empty()) return rejected("no associated company");
    if (const auto stage = cell(fields, "stage"); !stage.empty()) {
        const auto mapped = stage_from_hubspot(stage);
        if (!mapped) return rejected("unknown deal stage '" + stage + "'");
        d.stage = *mapped;
    }
    if (const auto amount = cell(fields, "amount"); !amount.empty()) {
        d.value = parse_amount(amount, text::trim(cell(fields, "currency")));
        if (!d.value) return rejected("cannot read the amount '" + amount + "'");
    }
    if (const auto due = cell(fields, "due"); !due.empty()) {
        d.due = parse_close_date(due);
        if (!d.due) return rejected("cannot read the close date '" + due + "'");
    }
    return Mapped{std::move(d), {}};
}

Importer::Importer(storage::Id workspace_id, storage::Timestamp now, std::string source)
    : workspace_id_(workspace_id), now_(now), source_(std::move(source)) {}

ImportLine Importer::apply(storage::UnitOfWork& db, const ImportDraft& draft) const {
    return std::visit(
        [&](const auto& d) -> ImportLine {
            using Draft = std::decay_t<decltype(d)>;
            if constexpr (std::is_same_v<Draft, CompanyDraft>) return apply_company(db, d);
            if constexpr (std::is_same_v<Draft, ContactDraft>) return apply_contact(db, d);
            if constexpr (std::is_same_v<Draft, DealDraft>) return apply_deal(db, d);
        },
        draft);
}

void Importer::audit(storage::UnitOfWork& db, std::string_view action, std::string_view entity,
                     storage::Id id, std::string after_json) const {
    storage::AuditEntry entry;
    entry.workspace_id = workspace_id_;
    entry.action = action;
    entry.entity = entity;
    entry.entity_id = id;
    entry.source = source_;
    entry.after_json = std::move(after_json);
    entry.at = now_;
    db.audit().append(entry);
}

std::pair<storage::Company, bool> Importer::company(storage::UnitOfWork& db,
                                                    std::string_view name) const {
    const auto key = text::fold_key(name);
    if (auto found = db.companies().find_by_key(workspace_id_, key)) return {*found, false};
    storage::Company fresh;
    fresh.workspace_id = workspace_id_;
    fresh.name = text::trim(name);
    fresh.name_key = key;
    fresh.created_at = now_;
    auto created = db.companies().create(fresh);
    audit(db, "create", "company", created.id,
          nlohmann::json{{"id", created.id}, {"name", created.name}}.dump());
    return {created, true};
}

ImportLine Importer::apply_company(storage::UnitOfWork& db, const CompanyDraft& d) const {
    auto [company, created] = this->company(db, d.name);
    bool changed = false;
    changed |= fill(company.site, d.site);
    changed |= fill(company.industry, d.industry);
    changed |= fill(company.tier, d.tier);
    changed |= fill(company.note, d.note);
    if (changed) {
        db.companies().update(company);
        audit(db, created ? "create" : "import", "company", company.id,
              nlohmann::json{{"id", company.id},
                             {"name", company.name},
                             {"industry", company.industry},
                             {"site", company.site}}
                  .dump());
    }
    const auto what = "company " + company.name + " (#" + std::to_string(company.id) + ")";
    if (created) return {0, ImportLine::Action::create, what};
    return {0, ImportLine::Action::merge, what};
}

ImportLine Importer::apply_contact(storage::UnitOfWork& db, const ContactDraft& d) const {
    std::optional<storage::Company> company;
    bool company_created = false;
    if (!text::fold_key(d.company).empty()) {
        std::tie(company, company_created) = this->company(db, d.company);
    }
    const auto key = text::fold_key(d.name);
    auto found = db.contacts().find_by_key(workspace_id_, key);
    const bool created = !found;
    storage::Contact contact;
    if (found) {
        contact = std::move(*found);
    } else {
        contact.workspace_id = workspace_id_;
        contact.name = d.name;
        contact.name_key = key;
        contact.created_at = now_;
    }
    bool changed = fill(contact.title, d.title);
    changed |= fill(contact.email, d.email);
    changed |= fill(contact.phone, d.phone);
    if (!contact.company_id && company) {
        contact.company_id = company->id;
        changed = true;
    }
    if (created) {
        contact = db.contacts().create(contact);
    } else if (changed) {
        db.contacts().update(contact);
    }
    if (created || changed) {
        audit(db, created ? "create" : "import", "contact", contact.id,
              nlohmann::json{{"id", contact.id}, {"name", contact.name}}.dump());
    }
    auto what = "contact " + contact.name + " (#" + std::to_string(contact.id) + ")";
    if (company) {
        what += " at " + company->name + (company_created ? " (new company)" : "");
    }
    return {0, created ? ImportLine::Action::create : ImportLine::Action::merge, what};
}

ImportLine Importer::apply_deal(storage::UnitOfWork& db, const DealDraft& d) const {
    const auto [company, company_created] = this->company(db, d.company);
    auto what =
        "lead \"" + d.title + "\" with " + company.name + (company_created ? " (new company)" : "");
    if (auto found = db.leads().find_by_title(workspace_id_, company.id, d.title)) {
        return {0, ImportLine::Action::merge, what + " (#" + std::to_string(found->id) + ")"};
    }
    storage::Lead lead;
    lead.workspace_id = workspace_id_;
    lead.title = d.title;
    lead.stage = d.stage;
    lead.value = d.value;
    lead.due = d.due;
    lead.company_ids = {company.id};
    lead.created_at = now_;
    lead.updated_at = now_;
    if (!d.owner.empty()) {
        auto owner = d.owner;
        if (owner.starts_with('@')) owner.erase(0, 1);
        if (const auto user = db.workspaces().find_user_by_name(workspace_id_, owner)) {
            lead.owner_id = user->id;
        } else {
            what += "; owner '" + d.owner + "' is not on the team, left unassigned";
        }
    }
    const auto created = db.leads().create(lead);
    audit(db, "create", "lead", created.id,
          nlohmann::json{{"id", created.id}, {"title", created.title}, {"stage", created.stage}}
              .dump());
    return {0, ImportLine::Action::create,
            what + " (#" + std::to_string(created.id) + ", " + created.stage + ")"};
}

namespace {

/// Thrown inside a dry run's transaction so that it rolls back.
struct DryRunRollback {};

struct PendingRow {
    std::int64_t row = 0;
    ImportDraft draft;
};

}  // namespace

ImportReport run_import(std::istream& in, const ImportOptions& options, const Transact& transact) {
    const Importer importer{options.workspace_id, options.now, options.source};
    ImportReport report;
    std::optional<HubspotMapping> mapping;
    std::vector<PendingRow> batch;
    std::int64_t bytes_read = 0;
    storage::UnitOfWork* held = nullptr;  // the dry run's one transaction

    const auto apply_batch = [&](storage::UnitOfWork& db) {
        for (const auto& pending : batch) {
            auto line = importer.apply(db, pending.draft);
            line.row = pending.row;
            report.add(std::move(line));
        }
    };
    const auto flush = [&] {
        if (!batch.empty()) {
            if (held != nullptr) {
                apply_batch(*held);
            } else {
                transact(apply_batch);
            }
            batch.clear();
        }
        if (options.progress) options.progress(bytes_read);
    };
    const auto read_all = [&] {
        csv::read(in, [&](csv::Record& record) {
            bytes_read = record.bytes_read;
            if (!mapping) {
                mapping.emplace(options.kind, record.fields);
                return;
            }
            auto mapped = mapping->map(record.fields);
            if (!mapped.draft) {
                report.add({record.row, ImportLine::Action::reject, std::move(mapped.reason)});
                return;
            }
            batch.push_back({record.row, std::move(*mapped.draft)});
            if (static_cast<int>(batch.size()) >= options.batch) flush();
        });
        if (!mapping) throw ImportError("the file is empty: it needs a header row");
        flush();
    };

    if (!options.dry_run) {
        read_all();
    } else {
        try {
            transact([&](storage::UnitOfWork& db) {
                held = &db;
                read_all();
                throw DryRunRollback{};
            });
        } catch (const DryRunRollback&) {
            // Rolled back: the report says what would have happened.
        }
    }
    // Rejections are known when a row is read, the rest when its batch is applied.
    std::stable_sort(report.lines.begin(), report.lines.end(),
                     [](const ImportLine& a, const ImportLine& b) { return a.row < b.row; });
    return report;
}

}  // namespace inmaek::handlers
