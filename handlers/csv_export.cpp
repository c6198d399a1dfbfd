#include "handlers/csv_export.hpp"

#include <date/tz.h>
#include <fmt/format.h>

#include <array>
#include <map>
#include <ostream>
#include <string>
#include <unordered_map>
#include <vector>

#include "handlers/catalog.hpp"
#include "handlers/csv.hpp"
#include "handlers/format.hpp"
#include "handlers/text.hpp"

namespace inmaek::handlers {

namespace {

constexpr std::array<std::string_view, 8> kCompanyColumns{"id",   "name", "aliases", "industry",
                                                          "site", "tier", "note",    "created_at"};
constexpr std::array<std::string_view, 8> kContactColumns{
    "id", "name", "company_id", "company", "title", "email", "phone", "created_at"};
constexpr std::array<std::string_view, 8> kMeetingColumns{
    "id", "starts_at", "companies", "contacts", "place", "notes", "lead_id", "created_at"};
constexpr std::array<std::string_view, 11> kLeadColumns{
    "id",    "title", "stage", "value_amount", "value_currency", "companies",
    "owner", "due",   "note",  "created_at",   "updated_at"};

// Several names in one cell: "; " cannot be confused with the ", " inside a company's name.
constexpr std::string_view kListSeparator = "; ";

/// ISO 8601 with the zone's offset: "2025-02-04T11:00:00+09:00".
std::string iso_time(const date::time_zone* zone, storage::Timestamp at) {
    const auto info = zone->get_info(date::sys_seconds{at.time_since_epoch()});
    const auto local = at + std::chrono::duration_cast<std::chrono::seconds>(info.offset);
    const auto day = std::chrono::floor<std::chrono::days>(local);
    const std::chrono::hh_mm_ss clock{local - day};
    const auto offset = std::chrono::duration_cast<std::chrono::minutes>(info.offset).count();
    const auto magnitude = offset < 0 ? -offset : offset;
    return fmt::format("{}T{:02}:{:02}:{:02}{}{:02}:{:02}", format_day(day), clock.hours().count(),
                       clock.minutes().count(), clock.seconds().count(), offset < 0 ? '-' : '+',
                       magnitude / 60, magnitude % 60);
}

std::string id_or_empty(const std::optional<storage::Id>& id) {
    return id ? std::to_string(*id) : std::string{};
}

/// Names by id of the companies (or contacts) a page refers to, read in one query.
template <typename Repository>
std::unordered_map<storage::Id, std::string> names_of(Repository& repository,
                                                      storage::Id workspace_id,
                                                      std::vector<storage::Id> ids) {
    std::unordered_map<storage::Id, std::string> names;
    if (ids.empty()) return names;
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    for (auto& record : repository.get_many(workspace_id, ids)) {
        names.emplace(record.id, std::move(record.name));
    }
    return names;
}

std::string joined_names(const std::vector<storage::Id>& ids,
                         const std::unordered_map<storage::Id, std::string>& names) {
    std::vector<std::string> parts;
    parts.reserve(ids.size());
    for (const auto id : ids) {
        const auto found = names.find(id);
        parts.push_back(found == names.end() ? fmt::format("#{}", id) : found->second);
    }
    return join(parts, kListSeparator);
}

/// Every page of `next_page` (records after an id), each turned into rows by `write_page`.
template <typename NextPage, typename WritePage>
std::int64_t for_each_page(int page_size, NextPage&& next_page, WritePage&& write_page) {
    std::int64_t rows = 0;
    storage::Id after = 0;
    for (;;) {
        auto page = next_page(after, page_size);
        if (page.empty()) break;
        after = page.back().id;
        write_page(page);
        rows += static_cast<std::int64_t>(page.size());
        if (static_cast<int>(page.size()) < page_size) break;
    }
    return rows;
}

struct Writer {
    storage::UnitOfWork& db;
    storage::Id workspace_id;
    const date::time_zone* zone;
    std::ostream& out;
    int page_size;

    void row(std::initializer_list<std::string> fields) const {
        const std::vector<std::string> cells(fields);
        csv::write_row(out, cells);
    }

    std::int64_t companies() {
        return for_each_page(
            page_size,
            [&](storage::Id after, int n) { return db.companies().page(workspace_id, after, n); },
            [&](const std::vector<storage::Company>& page) {
                for (const auto& c : page) {
                    row({std::to_string(c.id), c.name,
                         join(db.companies().aliases(workspace_id, c.id), kListSeparator),
                         c.industry, c.site, c.tier, c.note, iso_time(zone, c.created_at)});
                }
            });
    }

    std::int64_t contacts() {
        return for_each_page(
            page_size,
            [&](storage::Id after, int n) { return db.contacts().page(workspace_id, after, n); },
            [&](const std::vector<storage::Contact>& page) {
                std::vector<storage::Id> company_ids;
                for (const auto& c : page) {
                    if (c.company_id) company_ids.push_back(*c.company_id);
                }
                const auto companies = names_of(db.companies(), workspace_id, company_ids);
                for (const auto& c : page) {
                    const auto company =
                        c.company_id ? companies.find(*c.company_id) : companies.end();
                    row({std::to_string(c.id), c.name, id_or_empty(c.company_id),
                         company == companies.end() ? std::string{} : company->second, c.title,
                         c.email, c.phone, iso_time(zone, c.created_at)});
                }
            });
    }

    std::int64_t meetings() {
        return for_each_page(
            page_size,
            [&](storage::Id after, int n) { return db.meetings().page(workspace_id, after, n); },
            [&](const std::vector<storage::Meeting>& page) {
                std::vector<storage::Id> company_ids;
                std::vector<storage::Id> contact_ids;
                for (const auto& m : page) {
                    company_ids.insert(company_ids.end(), m.company_ids.begin(),
                                       m.company_ids.end());
                    contact_ids.insert(contact_ids.end(), m.contact_ids.begin(),
                                       m.contact_ids.end());
                }
                const auto companies = names_of(db.companies(), workspace_id, company_ids);
                const auto contacts = names_of(db.contacts(), workspace_id, contact_ids);
                for (const auto& m : page) {
                    row({std::to_string(m.id), iso_time(zone, m.starts_at),
                         joined_names(m.company_ids, companies),
                         joined_names(m.contact_ids, contacts), m.place, m.notes,
                         id_or_empty(m.lead_id), iso_time(zone, m.created_at)});
                }
            });
    }

    std::int64_t leads() {
        // A team has few members: their names are read once each for the whole export.
        std::map<storage::Id, std::string> owners;
        const auto owner_name = [&](const std::optional<storage::Id>& id) -> std::string {
            if (!id) return {};
            auto [it, fresh] = owners.try_emplace(*id);
            if (fresh) {
                const auto user = db.workspaces().get_user(workspace_id, *id);
                it->second = user ? user->display_name : fmt::format("#{}", *id);
            }
            return it->second;
        };
        return for_each_page(
            page_size,
            [&](storage::Id after, int n) { return db.leads().page(workspace_id, after, n); },
            [&](const std::vector<storage::Lead>& page) {
                std::vector<storage::Id> company_ids;
                for (const auto& l : page) {
                    company_ids.insert(company_ids.end(), l.company_ids.begin(),
                                       l.company_ids.end());
                }
                const auto companies = names_of(db.companies(), workspace_id, company_ids);
                for (const auto& l : page) {
                    row({std::to_string(l.id), l.title, l.stage,
                         l.value ? std::to_string(l.value->amount) : std::string{},
                         l.value ? l.value->currency : std::string{},
                         joined_names(l.company_ids, companies), owner_name(l.owner_id),
                         l.due ? format_day(*l.due) : std::string{}, l.note,
                         iso_time(zone, l.created_at), iso_time(zone, l.updated_at)});
                }
            });
    }
};

}  // namespace

std::optional<ExportKind> export_kind_from_text(std::string_view text) {
    const auto word = text::lower(text::trim(text));
    if (word == "companies" || word == "company" || word == "회사") return ExportKind::companies;
    if (word == "contacts" || word == "contact" || word == "연락처" || word == "인물") {
        return ExportKind::contacts;
    }
    if (word == "meetings" || word == "meeting" || word == "회의" || word == "미팅") {
        return ExportKind::meetings;
    }
    if (word == "leads" || word == "lead" || word == "리드") return ExportKind::leads;
    return std::nullopt;
}

std::string_view to_string(ExportKind kind) {
    switch (kind) {
        case ExportKind::companies: return "companies";
        case ExportKind::contacts: return "contacts";
        case ExportKind::meetings: return "meetings";
        case ExportKind::leads: return "leads";
    }
    return "leads";
}

std::string_view export_label(Lang lang, ExportKind kind) {
    const bool korean = lang == Lang::ko;
    switch (kind) {
        case ExportKind::companies: return korean ? "회사" : "Companies";
        case ExportKind::contacts: return korean ? "연락처" : "Contacts";
        case ExportKind::meetings: return korean ? "회의" : "Meetings";
        case ExportKind::leads: return korean ? "리드" : "Leads";
    }
    return "";
}

Reply export_link_reply(Lang lang, ExportKind kind, std::string_view link, int minutes) {
    Reply reply;
    reply.lang = lang;
    reply.kind = Reply::Kind::ok;
    reply.title = tr(lang, Msg::export_link, export_label(lang, kind), link);
    reply.lines.push_back(tr(lang, Msg::export_expires, minutes));
    return reply;
}

std::span<const std::string_view> export_columns(ExportKind kind) {
    switch (kind) {
        case ExportKind::companies: return kCompanyColumns;
        case ExportKind::contacts: return kContactColumns;
        case ExportKind::meetings: return kMeetingColumns;
        case ExportKind::leads: return kLeadColumns;
    }
    return kLeadColumns;
}

std::int64_t write_export(storage::UnitOfWork& db, storage::Id workspace_id, ExportKind kind,
                          const date::time_zone* zone, std::ostream& out, int page_size) {
    out << csv::kBom;
    const auto columns = export_columns(kind);
    csv::write_row(out, std::vector<std::string>(columns.begin(), columns.end()));
    Writer writer{db, workspace_id, zone, out, page_size};
    switch (kind) {
        case ExportKind::companies: return writer.companies();
        case ExportKind::contacts: return writer.contacts();
        case ExportKind::meetings: return writer.meetings();
        case ExportKind::leads: return writer.leads();
    }
    return 0;
}

}  // namespace inmaek::handlers
