#include "bot/api/resources.hpp"

#include <date/date.h>

#include <algorithm>
#include <charconv>
#include <initializer_list>
#include <limits>
#include <sstream>

#include "handlers/changes.hpp"
#include "handlers/format.hpp"
#include "handlers/lead_query.hpp"
#include "handlers/money.hpp"
#include "handlers/stages.hpp"
#include "handlers/summary.hpp"
#include "handlers/text.hpp"
#include "storage/search_text.hpp"

namespace inmaek::bot::api {

namespace {

namespace http = boost::beast::http;
using nlohmann::json;
using storage::Id;

constexpr int kDefaultLimit = 50;
constexpr int kMaxLimit = 200;
constexpr std::string_view kCursorVersion = "v1:";
constexpr int kDefaultSearchHits = 20;
constexpr int kMaxSearchHits = 50;
/// Characters of a search hit's snippet.
constexpr std::size_t kSnippetChars = 80;

[[noreturn]] void refuse(http::status status, const std::string& detail) {
    throw ApiError(status, detail);
}

[[noreturn]] void invalid(const std::string& detail) {
    refuse(http::status::unprocessable_entity, detail);
}

std::string iso(storage::Timestamp at) {
    return date::format("%FT%TZ", at);
}

json optional_iso(const std::optional<storage::Timestamp>& at) {
    return at ? json(iso(*at)) : json();
}

template <typename T>
T found(std::optional<T> row, std::string_view what, Id id) {
    if (!row)
        refuse(http::status::not_found, "no " + std::string{what} + " #" + std::to_string(id));
    return std::move(*row);
}

// ---- request bodies --------------------------------------------------------------------------

/// Refuses members other than `allowed`: a misspelt field must not be silently ignored.
void only_fields(const json& body, std::initializer_list<std::string_view> allowed) {
    for (const auto& [name, value] : body.items()) {
        if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
            invalid("unknown field '" + name + "'");
        }
    }
}

bool has(const json& body, const char* name) {
    return body.contains(name);
}

/// A text member, NFC and trimmed; nullopt when absent.
std::optional<std::string> text_field(const json& body, const char* name) {
    if (!has(body, name)) return std::nullopt;
    const auto& value = body.at(name);
    if (!value.is_string()) invalid(std::string{name} + " must be a string");
    const auto& raw = value.get_ref<const std::string&>();
    if (!handlers::text::is_valid_utf8(raw)) invalid(std::string{name} + " is not UTF-8");
    return handlers::text::trim(handlers::text::nfc(raw));
}

/// A text member that must be present and name something (not only spaces or punctuation).
std::string name_field(const json& body, const char* name) {
    auto text = text_field(body, name);
    if (!text || handlers::text::fold_key(*text).empty())
        invalid(std::string{name} + " is required");
    return std::move(*text);
}

std::vector<std::string> list_field(const json& body, const char* name) {
    std::vector<std::string> items;
    if (!has(body, name)) return items;
    const auto& value = body.at(name);
    if (!value.is_array()) invalid(std::string{name} + " must be an array of strings");
    for (const auto& item : value) {
        if (!item.is_string()) invalid(std::string{name} + " must be an array of strings");
        auto text = handlers::text::trim(handlers::text::nfc(item.get<std::string>()));
        if (!text.empty()) items.push_back(std::move(text));
    }
    return items;
}

/// A member that may be absent (outer nullopt), null (inner nullopt) or a value.
template <typename T>
using Patch = std::optional<std::optional<T>>;

Patch<Id> id_field(const json& body, const char* name) {
    if (!has(body, name)) return std::nullopt;
    const auto& value = body.at(name);
    if (value.is_null()) return std::optional<Id>{};
    if (!value.is_number_integer() || value.get<Id>() <= 0) {
        invalid(std::string{name} + " must be a positive integer or null");
    }
    return std::optional<Id>{value.get<Id>()};
}

Patch<storage::Day> day_field(const json& body, const char* name) {
    if (!has(body, name)) return std::nullopt;
    const auto& value = body.at(name);
    if (value.is_null()) return std::optional<storage::Day>{};
    if (value.is_string()) {
        std::istringstream in{value.get<std::string>()};
        date::sys_days day;
        in >> date::parse("%F", day);
        if (in && in.peek() == std::char_traits<char>::eof()) {
            return std::optional<storage::Day>{storage::Day{day.time_since_epoch()}};
        }
    }
    invalid(std::string{name} + " must be a date YYYY-MM-DD or null");
}

std::optional<bool> bool_field(const json& body, const char* name) {
    if (!has(body, name)) return std::nullopt;
    if (!body.at(name).is_boolean()) invalid(std::string{name} + " must be true or false");
    return body.at(name).get<bool>();
}

/// An RFC 3339 time ("2025-02-04T11:00:00+09:00" or "…Z").
storage::Timestamp time_field(const json& body, const char* name) {
    if (!has(body, name) || !body.at(name).is_string()) {
        invalid(std::string{name} + " is required: a time such as 2025-02-04T11:00:00+09:00");
    }
    auto text = body.at(name).get<std::string>();
    if (!text.empty() && (text.back() == 'Z' || text.back() == 'z')) {
        text.back() = '+';
        text += "00:00";
    }
    std::istringstream in{text};
    date::sys_seconds at;
    in >> date::parse("%FT%T%Ez", at);
    if (!in || in.peek() != std::char_traits<char>::eof()) {
        invalid(std::string{name} + " must be a time such as 2025-02-04T11:00:00+09:00");
    }
    return storage::Timestamp{at.time_since_epoch()};
}

/// "value": "50억", "$2M" (as the chat writes money), {"amount": …, "currency": "USD"} or null.
Patch<storage::Money> money_field(const json& body, const char* name) {
    if (!has(body, name)) return std::nullopt;
    const auto& value = body.at(name);
    if (value.is_null()) return std::optional<storage::Money>{};
    if (value.is_string()) {
        if (auto amount = handlers::parse_money(value.get<std::string>())) {
            return std::optional<storage::Money>{storage::Money{amount->minor, amount->currency}};
        }
    } else if (value.is_object() && value.contains("amount") && value.contains("currency") &&
               value.size() == 2 && value["amount"].is_number_integer() &&
               value["amount"].get<std::int64_t>() >= 0 && value["currency"].is_string()) {
        const auto currency = value["currency"].get<std::string>();
        const bool iso_code =
            currency.size() == 3 && std::all_of(currency.begin(), currency.end(),
                                                [](char c) { return c >= 'A' && c <= 'Z'; });
        if (iso_code) {
            return std::optional<storage::Money>{
                storage::Money{value["amount"].get<std::int64_t>(), currency}};
        }
    }
    invalid(std::string{name} +
            " must be money as written in chat (\"50억\", \"$2M\"), "
            "{\"amount\": <minor units>, \"currency\": \"KRW\"} or null");
}

std::optional<std::string> stage_field(const json& body, const char* name) {
    const auto text = text_field(body, name);
    if (!text) return std::nullopt;
    auto stage = handlers::stage_from_text(*text);
    if (!stage) invalid("unknown stage '" + *text + "'");
    return stage;
}

// ---- references within the workspace ----------------------------------------------------------

void check_company(const handlers::Context& ctx, const std::optional<Id>& id) {
    if (id && !ctx.db.companies().get(ctx.workspace.id, *id)) {
        invalid("no company #" + std::to_string(*id));
    }
}

void check_lead(const handlers::Context& ctx, const std::optional<Id>& id) {
    if (id && !ctx.db.leads().get(ctx.workspace.id, *id))
        invalid("no lead #" + std::to_string(*id));
}

void check_user(const handlers::Context& ctx, const std::optional<Id>& id) {
    if (id && !ctx.db.workspaces().get_user(ctx.workspace.id, *id)) {
        invalid("no user #" + std::to_string(*id));
    }
}

[[noreturn]] void conflict(const handlers::ChangeError& error, std::string_view what) {
    if (error.kind == handlers::ChangeError::Kind::lead_not_found) {
        invalid("no lead #" + error.subject);
    }
    if (error.kind == handlers::ChangeError::Kind::alias_taken) {
        refuse(http::status::conflict, "alias '" + error.subject + "' already names " +
                                           std::string{what} + " #" +
                                           std::to_string(error.other_id) + " " + error.other_name);
    }
    refuse(http::status::conflict, std::string{what} + " #" + std::to_string(error.other_id) + " " +
                                       error.other_name + " already has this name");
}

// ---- records as the API shows them ------------------------------------------------------------

json company_out(const handlers::Context& ctx, const storage::Company& company) {
    auto out = handlers::company_json(company);
    out["aliases"] = ctx.db.companies().aliases(ctx.workspace.id, company.id);
    out["created_at"] = iso(company.created_at);
    return out;
}

json contact_out(const handlers::Context& ctx, const storage::Contact& contact) {
    auto out = handlers::contact_json(contact);
    out["aliases"] = ctx.db.contacts().aliases(ctx.workspace.id, contact.id);
    out["created_at"] = iso(contact.created_at);
    return out;
}

json meeting_out(const storage::Meeting& meeting) {
    auto out = handlers::meeting_json(meeting);
    out["starts_at"] = iso(meeting.starts_at);
    out["created_at"] = iso(meeting.created_at);
    return out;
}

json lead_out(const storage::Lead& lead) {
    auto out = handlers::lead_json(lead);
    out["created_at"] = iso(lead.created_at);
    out["updated_at"] = iso(lead.updated_at);
    return out;
}

json follow_up_out(const storage::FollowUp& follow_up) {
    auto out = handlers::follow_up_json(follow_up);
    out["done_at"] = optional_iso(follow_up.done_at);
    out["created_at"] = iso(follow_up.created_at);
    return out;
}

// ---- lists ------------------------------------------------------------------------------------

struct PageRequest {
    Id after = 0;
    int limit = kDefaultLimit;
    bool limit_given = false;
    std::optional<std::string> q;  ///< the `q` parameter, where the route takes one
};

/// An integer parameter from 1 to `most`.
int limit_value(const std::string& value, int most) {
    int limit = 0;
    const auto* end = value.data() + value.size();
    const auto [ptr, ec] = std::from_chars(value.data(), end, limit);
    if (ec != std::errc{} || ptr != end || limit < 1 || limit > most) {
        refuse(http::status::bad_request,
               "limit must be an integer from 1 to " + std::to_string(most));
    }
    return limit;
}

/// The paging parameters (`limit`, `cursor`, and `q` when `takes_q`); any other is refused.
PageRequest page_request(const Call& call, bool takes_q = false) {
    PageRequest page;
    for (const auto& [name, value] : call.query) {
        if (name == "limit") {
            page.limit = limit_value(value, kMaxLimit);
            page.limit_given = true;
        } else if (name == "cursor") {
            const auto after = decode_cursor(value);
            if (!after) refuse(http::status::bad_request, "cursor is not one this API gave out");
            page.after = *after;
        } else if (name == "q" && takes_q) {
            page.q = handlers::text::nfc(value);
        } else {
            refuse(http::status::bad_request, "unknown query parameter '" + name + "'");
        }
    }
    return page;
}

/// One page of a list: `fetch(after, n)` reads up to n rows by id; one row more than asked for
/// tells whether another page follows.
template <typename Fetch, typename Show>
Answer paged(const Call& call, Fetch&& fetch, Show&& show) {
    const auto page = page_request(call);
    auto rows = fetch(page.after, page.limit + 1);
    const bool more = rows.size() > static_cast<std::size_t>(page.limit);
    if (more) rows.resize(static_cast<std::size_t>(page.limit));
    json items = json::array();
    for (const auto& row : rows) items.push_back(show(row));
    return {http::status::ok,
            {{"items", std::move(items)},
             {"next_cursor", more ? json(encode_cursor(rows.back().id)) : json()}}};
}

Answer created(json body) {
    return {http::status::created, std::move(body)};
}

}  // namespace

std::string encode_cursor(Id after_id) {
    // Hex of a versioned text: opaque to clients, safe in a query string, and changeable later.
    const auto text = std::string{kCursorVersion} + std::to_string(after_id);
    std::string out;
    for (const unsigned char c : text) {
        constexpr std::string_view kDigits = "0123456789abcdef";
        out.push_back(kDigits[c >> 4U]);
        out.push_back(kDigits[c & 0x0FU]);
    }
    return out;
}

std::optional<Id> decode_cursor(std::string_view cursor) {
    if (cursor.empty() || cursor.size() % 2 != 0 || cursor.size() > 64) return std::nullopt;
    std::string text;
    for (std::size_t i = 0; i < cursor.size(); i += 2) {
        unsigned byte = 0;
        const auto [ptr, ec] = std::from_chars(cursor.data() + i, cursor.data() + i + 2, byte, 16);
        if (ec != std::errc{} || ptr != cursor.data() + i + 2) return std::nullopt;
        text.push_back(static_cast<char>(byte));
    }
    if (!text.starts_with(kCursorVersion)) return std::nullopt;
    const std::string_view digits = std::string_view{text}.substr(kCursorVersion.size());
    Id id = 0;
    const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
    if (ec != std::errc{} || ptr != digits.data() + digits.size() || id < 0) return std::nullopt;
    return id;
}

// ---- companies --------------------------------------------------------------------------------

Answer list_companies(const Call& call) {
    auto& ctx = call.ctx;
    return paged(
        call, [&](Id after, int n) { return ctx.db.companies().page(ctx.workspace.id, after, n); },
        [&](const storage::Company& c) { return company_out(ctx, c); });
}

Answer get_company(const Call& call) {
    auto& ctx = call.ctx;
    const auto company =
        found(ctx.db.companies().get(ctx.workspace.id, *call.id), "company", *call.id);
    return {http::status::ok, company_out(ctx, company)};
}

Answer create_company(const Call& call) {
    auto& ctx = call.ctx;
    only_fields(call.body, {"name", "aliases", "industry", "site", "tier", "note"});
    storage::Company company;
    company.name = name_field(call.body, "name");
    company.industry = text_field(call.body, "industry").value_or("");
    company.site = text_field(call.body, "site").value_or("");
    company.tier = text_field(call.body, "tier").value_or("");
    company.note = text_field(call.body, "note").value_or("");
    auto stored = handlers::add_company(ctx, std::move(company), list_field(call.body, "aliases"));
    if (!stored) conflict(stored.error(), "company");
    return created(company_out(ctx, *stored));
}

Answer update_company(const Call& call) {
    auto& ctx = call.ctx;
    const auto before =
        found(ctx.db.companies().get(ctx.workspace.id, *call.id), "company", *call.id);
    only_fields(call.body, {"name", "industry", "site", "tier", "note"});
    auto after = before;
    if (has(call.body, "name")) {
        after.name = name_field(call.body, "name");
        after.name_key = handlers::text::fold_key(after.name);
        const auto other = ctx.db.companies().find_by_key(ctx.workspace.id, after.name_key);
        if (other && other->id != before.id) {
            refuse(http::status::conflict, "company #" + std::to_string(other->id) + " " +
                                               other->name + " already has this name");
        }
    }
    after.industry = text_field(call.body, "industry").value_or(before.industry);
    after.site = text_field(call.body, "site").value_or(before.site);
    after.tier = text_field(call.body, "tier").value_or(before.tier);
    after.note = text_field(call.body, "note").value_or(before.note);
    ctx.db.companies().update(after);
    ctx.audit("update", "company", after.id, handlers::company_json(before).dump(),
              handlers::company_json(after).dump());
    return {http::status::ok, company_out(ctx, after)};
}

// ---- contacts ---------------------------------------------------------------------------------

Answer list_contacts(const Call& call) {
    auto& ctx = call.ctx;
    return paged(
        call, [&](Id after, int n) { return ctx.db.contacts().page(ctx.workspace.id, after, n); },
        [&](const storage::Contact& c) { return contact_out(ctx, c); });
}

Answer get_contact(const Call& call) {
    auto& ctx = call.ctx;
    const auto contact =
        found(ctx.db.contacts().get(ctx.workspace.id, *call.id), "contact", *call.id);
    return {http::status::ok, contact_out(ctx, contact)};
}

/// Title, email and phone of a contact's body, checked as the chat checks them.
void contact_details(const json& body, storage::Contact& contact) {
    contact.title = text_field(body, "title").value_or(contact.title);
    if (auto email = text_field(body, "email")) {
        if (!email->empty() && !handlers::plausible_email(*email)) {
            invalid("email '" + *email + "' does not look like an address");
        }
        contact.email = std::move(*email);
    }
    if (auto phone = text_field(body, "phone")) {
        if (!phone->empty() && !handlers::plausible_phone(*phone)) {
            invalid("phone '" + *phone + "' does not look like a number");
        }
        contact.phone = std::move(*phone);
    }
}

Answer create_contact(const Call& call) {
    auto& ctx = call.ctx;
    only_fields(call.body, {"name", "aliases", "company", "company_id", "title", "email", "phone"});
    storage::Contact contact;
    contact.name = name_field(call.body, "name");
    contact_details(call.body, contact);
    const auto company_name = text_field(call.body, "company").value_or("");
    if (auto company_id = id_field(call.body, "company_id")) {
        if (!company_name.empty()) invalid("give company or company_id, not both");
        check_company(ctx, *company_id);
        contact.company_id = *company_id;
    }
    auto stored = handlers::add_contact(ctx, std::move(contact), list_field(call.body, "aliases"),
                                        company_name);
    if (!stored) conflict(stored.error(), "contact");
    return created(contact_out(ctx, stored->contact));
}

Answer update_contact(const Call& call) {
    auto& ctx = call.ctx;
    const auto before =
        found(ctx.db.contacts().get(ctx.workspace.id, *call.id), "contact", *call.id);
    only_fields(call.body, {"name", "company_id", "title", "email", "phone"});
    auto after = before;
    if (has(call.body, "name")) {
        after.name = name_field(call.body, "name");
        after.name_key = handlers::text::fold_key(after.name);
    }
    contact_details(call.body, after);
    if (auto company_id = id_field(call.body, "company_id")) {
        check_company(ctx, *company_id);
        after.company_id = *company_id;
    }
    ctx.db.contacts().update(after);
    ctx.audit("update", "contact", after.id, handlers::contact_json(before).dump(),
              handlers::contact_json(after).dump());
    return {http::status::ok, contact_out(ctx, after)};
}

// ---- meetings ---------------------------------------------------------------------------------

Answer list_meetings(const Call& call) {
    auto& ctx = call.ctx;
    return paged(
        call, [&](Id after, int n) { return ctx.db.meetings().page(ctx.workspace.id, after, n); },
        meeting_out);
}

Answer get_meeting(const Call& call) {
    auto& ctx = call.ctx;
    return {http::status::ok, meeting_out(found(ctx.db.meetings().get(ctx.workspace.id, *call.id),
                                                "meeting", *call.id))};
}

Answer create_meeting(const Call& call) {
    auto& ctx = call.ctx;
    only_fields(call.body,
                {"starts_at", "has_time", "place", "notes", "companies", "contacts", "lead_id"});
    storage::Meeting meeting;
    meeting.starts_at = time_field(call.body, "starts_at");
    meeting.has_time = bool_field(call.body, "has_time").value_or(true);
    meeting.place = text_field(call.body, "place").value_or("");
    meeting.notes = text_field(call.body, "notes").value_or("");
    const auto company_names = list_field(call.body, "companies");
    if (company_names.empty()) invalid("companies is required: the companies met, by name");
    const auto people = list_field(call.body, "contacts");
    if (auto lead_id = id_field(call.body, "lead_id")) {
        check_lead(ctx, *lead_id);
        meeting.lead_id = *lead_id;
    }
    // Names are found or created as /meet does; a new person met with one company works there.
    const auto companies = handlers::resolve_companies(ctx, company_names);
    const std::optional<Id> home =
        companies.size() == 1 ? std::optional{companies.front().record.id} : std::nullopt;
    const auto contacts = handlers::resolve_contacts(ctx, people, home);
    for (const auto& c : companies) meeting.company_ids.push_back(c.record.id);
    for (const auto& c : contacts) meeting.contact_ids.push_back(c.record.id);
    return created(meeting_out(handlers::add_meeting(ctx, std::move(meeting))));
}

// ---- leads ------------------------------------------------------------------------------------

/// Leads chosen by the /leads filter language, in the filter's order: a page starts where the
/// cursor says (an offset into the matches) and holds `limit` leads, else the filter's `limit:`.
Answer filtered_leads(const Call& call, const PageRequest& page) {
    if (page.after > std::numeric_limits<int>::max()) {
        refuse(http::status::bad_request, "cursor is not one this API gave out");
    }
    const auto offset = static_cast<int>(page.after);
    handlers::LeadWindow window{.offset = offset};
    if (page.limit_given) window.limit = page.limit;
    const auto found = handlers::query_leads(call.ctx, *page.q, window);
    if (!found) refuse(http::status::bad_request, "q: " + found.error());
    json items = json::array();
    for (const auto& item : found->items) items.push_back(lead_out(item.lead));
    const auto next = offset + static_cast<std::int64_t>(found->items.size());
    const bool more = !found->items.empty() && next < found->total;
    return {http::status::ok,
            {{"items", std::move(items)},
             {"total", found->total},
             {"next_cursor", more ? json(encode_cursor(next)) : json()}}};
}

Answer list_leads(const Call& call) {
    auto& ctx = call.ctx;
    const auto page = page_request(call, /*takes_q=*/true);
    if (page.q) return filtered_leads(call, page);
    return paged(
        call, [&](Id after, int n) { return ctx.db.leads().page(ctx.workspace.id, after, n); },
        lead_out);
}

Answer get_lead(const Call& call) {
    auto& ctx = call.ctx;
    return {http::status::ok,
            lead_out(found(ctx.db.leads().get(ctx.workspace.id, *call.id), "lead", *call.id))};
}

/// Stage, value, owner, due and note of a lead's body.
void lead_details(const handlers::Context& ctx, const json& body, storage::Lead& lead) {
    if (auto stage = stage_field(body, "stage")) lead.stage = std::move(*stage);
    if (auto value = money_field(body, "value")) lead.value = *value;
    if (auto owner = id_field(body, "owner_id")) {
        check_user(ctx, *owner);
        lead.owner_id = *owner;
    }
    if (auto due = day_field(body, "due")) lead.due = *due;
    lead.note = text_field(body, "note").value_or(lead.note);
}

Answer create_lead(const Call& call) {
    auto& ctx = call.ctx;
    only_fields(call.body, {"title", "companies", "stage", "value", "owner_id", "due", "note"});
    storage::Lead lead;
    lead.title = name_field(call.body, "title");
    const auto company_names = list_field(call.body, "companies");
    if (company_names.empty()) invalid("companies is required: the lead's companies, by name");
    lead_details(ctx, call.body, lead);
    return created(lead_out(handlers::add_lead(call.ctx, std::move(lead), company_names).first));
}

Answer update_lead(const Call& call) {
    auto& ctx = call.ctx;
    const auto before =
        found(ctx.db.leads().get_for_update(ctx.workspace.id, *call.id), "lead", *call.id);
    only_fields(call.body, {"title", "stage", "value", "owner_id", "due", "note"});
    auto after = before;
    if (has(call.body, "title")) after.title = name_field(call.body, "title");
    lead_details(ctx, call.body, after);
    handlers::update_lead(call.ctx, before, after);
    return {http::status::ok,
            lead_out(found(ctx.db.leads().get(ctx.workspace.id, before.id), "lead", before.id))};
}

// ---- follow-ups -------------------------------------------------------------------------------

Answer list_follow_ups(const Call& call) {
    auto& ctx = call.ctx;
    return paged(
        call, [&](Id after, int n) { return ctx.db.follow_ups().page(ctx.workspace.id, after, n); },
        follow_up_out);
}

Answer get_follow_up(const Call& call) {
    auto& ctx = call.ctx;
    return {http::status::ok,
            follow_up_out(
                found(ctx.db.follow_ups().get(ctx.workspace.id, *call.id), "follow-up", *call.id))};
}

Answer create_follow_up(const Call& call) {
    auto& ctx = call.ctx;
    only_fields(call.body, {"text", "due", "assignee_id", "lead_id"});
    auto follow_up = ctx.follow_up_draft();
    follow_up.assignee_id.reset();
    follow_up.text = name_field(call.body, "text");
    if (auto due = day_field(call.body, "due")) follow_up.due = *due;
    if (auto assignee = id_field(call.body, "assignee_id")) {
        check_user(ctx, *assignee);
        follow_up.assignee_id = *assignee;
    }
    if (auto lead_id = id_field(call.body, "lead_id")) follow_up.lead_id = *lead_id;
    auto stored = handlers::add_follow_up(call.ctx, std::move(follow_up));
    if (!stored) conflict(stored.error(), "follow-up");
    return created(follow_up_out(*stored));
}

Answer update_follow_up(const Call& call) {
    auto& ctx = call.ctx;
    const auto before =
        found(ctx.db.follow_ups().get(ctx.workspace.id, *call.id), "follow-up", *call.id);
    only_fields(call.body, {"text", "due", "assignee_id", "lead_id", "done"});
    auto after = before;
    if (has(call.body, "text")) after.text = name_field(call.body, "text");
    if (auto due = day_field(call.body, "due")) after.due = *due;
    if (auto assignee = id_field(call.body, "assignee_id")) {
        check_user(ctx, *assignee);
        after.assignee_id = *assignee;
    }
    if (auto lead_id = id_field(call.body, "lead_id")) {
        check_lead(ctx, *lead_id);
        after.lead_id = *lead_id;
    }
    const auto done = bool_field(call.body, "done");
    const bool only_done = call.body.size() == 1 && done;
    if (only_done && *done && !before.done) {
        handlers::complete_follow_up(call.ctx, before);  // what /done does
    } else {
        if (done && *done != before.done) {
            after.done = *done;
            after.done_at = *done ? std::optional{ctx.now} : std::nullopt;
        }
        ctx.db.follow_ups().update(after);
        ctx.audit("update", "follow_up", after.id, handlers::follow_up_json(before).dump(),
                  handlers::follow_up_json(after).dump());
    }
    return {http::status::ok,
            follow_up_out(found(ctx.db.follow_ups().get(ctx.workspace.id, before.id), "follow-up",
                                before.id))};
}

Answer delete_follow_up(const Call& call) {
    auto& ctx = call.ctx;
    const auto before =
        found(ctx.db.follow_ups().get(ctx.workspace.id, *call.id), "follow-up", *call.id);
    ctx.db.follow_ups().remove(ctx.workspace.id, before.id);
    ctx.audit("delete", "follow_up", before.id, handlers::follow_up_json(before).dump(), {});
    return {http::status::no_content, nullptr};
}

// ---- search -----------------------------------------------------------------------------------

namespace {

std::string_view kind_name(storage::SearchKind kind) {
    switch (kind) {
        case storage::SearchKind::company: return "company";
        case storage::SearchKind::contact: return "contact";
        case storage::SearchKind::lead: return "lead";
        case storage::SearchKind::follow_up: return "follow_up";
        case storage::SearchKind::meeting: break;
    }
    return "meeting";
}

}  // namespace

Answer search(const Call& call) {
    auto& ctx = call.ctx;
    std::optional<std::string> query;
    int limit = kDefaultSearchHits;
    for (const auto& [name, value] : call.query) {
        if (name == "q") {
            query = handlers::text::trim(handlers::text::nfc(value));
        } else if (name == "limit") {
            limit = limit_value(value, kMaxSearchHits);
        } else {
            refuse(http::status::bad_request, "unknown query parameter '" + name + "'");
        }
    }
    if (!query) refuse(http::status::bad_request, "q is required: the words to search for");
    // As /find: words of one character are not searched for.
    const auto words = storage::search_text::words(*query);
    if (std::none_of(words.begin(), words.end(), [](const std::string& word) {
            return storage::search_text::length(word) >= 2;
        })) {
        refuse(http::status::bad_request, "q needs a word of at least two characters");
    }
    const auto results = ctx.db.search().search(ctx.workspace.id, *query, limit, kSnippetChars);
    json items = json::array();
    for (const auto& hit : results.hits) {
        items.push_back({{"kind", kind_name(hit.kind)},
                         {"id", hit.entity_id},
                         {"title", hit.title},
                         {"snippet", hit.snippet},
                         {"at", iso(hit.at)}});
    }
    return {http::status::ok,
            {{"items", std::move(items)},
             {"total", results.total},
             {"total_capped", results.total_capped}}};
}

// ---- insights ---------------------------------------------------------------------------------

namespace {

/// The `limit` query parameter alone (1 to 200), else `fallback`.
int limit_only(const Call& call, int fallback) {
    int limit = fallback;
    for (const auto& [name, value] : call.query) {
        if (name != "limit")
            refuse(http::status::bad_request, "unknown query parameter '" + name + "'");
        const auto* end = value.data() + value.size();
        const auto [ptr, ec] = std::from_chars(value.data(), end, limit);
        if (ec != std::errc{} || ptr != end || limit < 1 || limit > kMaxLimit) {
            refuse(http::status::bad_request, "limit must be an integer from 1 to 200");
        }
    }
    return limit;
}

/// A company given by id (digits) or by name or alias, as the chat resolves names.
storage::Company company_by_id_or_name(const handlers::Context& ctx, const std::string& given) {
    Id id = 0;
    const auto* end = given.data() + given.size();
    const auto [ptr, ec] = std::from_chars(given.data(), end, id);
    std::optional<storage::Company> company;
    if (ec == std::errc{} && ptr == end && id > 0) {
        company = ctx.db.companies().get(ctx.workspace.id, id);
    } else {
        company = ctx.db.companies().find_by_key(ctx.workspace.id, handlers::text::fold_key(given));
    }
    if (!company) refuse(http::status::not_found, "no company '" + given + "'");
    return std::move(*company);
}

std::string_view timeline_kind(storage::TimelineKind kind) {
    switch (kind) {
        case storage::TimelineKind::meeting: return "meeting";
        case storage::TimelineKind::lead_created: return "lead_created";
        case storage::TimelineKind::stage_move: return "stage_move";
        case storage::TimelineKind::follow_up: return "follow_up";
    }
    return "meeting";
}

json timeline_out(const storage::TimelineEntry& entry) {
    json out{{"kind", timeline_kind(entry.kind)},
             {"id", entry.id},
             {"at", iso(entry.at)},
             {"text", entry.text},
             {"by", entry.by}};
    if (entry.kind == storage::TimelineKind::meeting) out["has_time"] = entry.has_time;
    if (!entry.from_stage.empty()) out["from_stage"] = entry.from_stage;
    if (!entry.to_stage.empty()) out["to_stage"] = entry.to_stage;
    if (entry.kind == storage::TimelineKind::follow_up) {
        out["due"] = entry.due ? json(date::format("%F", *entry.due)) : json();
        out["done"] = entry.done;
    }
    return out;
}

json move_out(const storage::LeadMove& move) {
    return {{"lead_id", move.lead_id},       {"title", move.title},
            {"from_stage", move.from_stage}, {"to_stage", move.to_stage},
            {"changed_by", move.changed_by}, {"changed_at", iso(move.changed_at)}};
}

json moves_out(const storage::Page<storage::LeadMove>& page) {
    json items = json::array();
    for (const auto& move : page.items) items.push_back(move_out(move));
    return {{"total", page.total}, {"items", std::move(items)}};
}

json hop_out(const storage::CompanyHop& hop) {
    return {{"from_id", hop.from_id},
            {"from", hop.from_name},
            {"to_id", hop.to_id},
            {"to", hop.to_name},
            {"meetings", hop.meetings},
            {"meeting_id", hop.meeting_id},
            {"meeting_at", iso(hop.meeting_at)},
            {"contacts", hop.contacts},
            {"logged_by", hop.logged_by}};
}

/// Moves of the month listed by the pipeline route, per kind.
constexpr int kMonthMoves = 20;
/// Chains answered by the path route, and the longest looked for.
constexpr int kPathChains = 3;
constexpr int kPathHops = 3;

}  // namespace

Answer company_history(const Call& call) {
    auto& ctx = call.ctx;
    const auto limit = limit_only(call, kDefaultLimit);
    const auto company =
        found(ctx.db.companies().get(ctx.workspace.id, *call.id), "company", *call.id);
    const auto page = ctx.db.insights().company_history(ctx.workspace.id, company.id, limit);
    json items = json::array();
    for (const auto& entry : page.items) items.push_back(timeline_out(entry));
    return {http::status::ok,
            {{"company", company_out(ctx, company)},
             {"total", page.total},
             {"items", std::move(items)}}};
}

Answer get_pipeline(const Call& call) {
    auto& ctx = call.ctx;
    if (!call.query.empty()) {
        refuse(http::status::bad_request,
               "unknown query parameter '" + call.query.front().first + "'");
    }
    auto& reports = ctx.db.summaries();
    const auto rows = reports.pipeline(ctx.workspace.id);
    json stages = json::array();
    for (const auto& stage : handlers::pipeline_stage_order(rows)) {
        std::int64_t leads = 0;
        json values = json::array();
        for (const auto& row : rows) {
            if (row.stage != stage) continue;
            leads += row.leads;
            if (!row.currency.empty() && row.leads > 0) {
                values.push_back({{"currency", row.currency}, {"amount", row.amount}});
            }
        }
        stages.push_back({{"stage", stage}, {"leads", leads}, {"values", std::move(values)}});
    }
    // This month in the workspace's time zone.
    const auto today = ctx.today();
    const std::chrono::year_month month{today.year(), today.month()};
    const auto from = handlers::to_utc(ctx, month / std::chrono::day{1}, std::nullopt);
    const auto to =
        handlers::to_utc(ctx, (month + std::chrono::months{1}) / std::chrono::day{1}, std::nullopt);
    const auto moves = reports.lead_moves(ctx.workspace.id, from, to, kMonthMoves);
    return {http::status::ok,
            {{"stages", std::move(stages)},
             {"month",
              {{"from", iso(from)},
               {"to", iso(to)},
               {"created", moves_out(moves.created)},
               {"moved", moves_out(moves.moved)},
               {"signed", moves_out(moves.to_signed)},
               {"dropped", moves_out(moves.to_dropped)}}}}};
}

Answer find_path(const Call& call) {
    auto& ctx = call.ctx;
    std::optional<std::string> from_text;
    std::optional<std::string> to_text;
    for (const auto& [name, value] : call.query) {
        if (name == "from") {
            from_text = value;
        } else if (name == "to") {
            to_text = value;
        } else {
            refuse(http::status::bad_request, "unknown query parameter '" + name + "'");
        }
    }
    if (!from_text || !to_text || from_text->empty() || to_text->empty()) {
        refuse(http::status::bad_request, "give both from and to (a company id or name)");
    }
    const auto from = company_by_id_or_name(ctx, *from_text);
    const auto to = company_by_id_or_name(ctx, *to_text);
    if (from.id == to.id) invalid("from and to are the same company");
    json chains = json::array();
    for (const auto& chain :
         ctx.db.insights().paths(ctx.workspace.id, from.id, to.id, kPathHops, kPathChains)) {
        json hops = json::array();
        for (const auto& hop : chain.hops) hops.push_back(hop_out(hop));
        chains.push_back({{"hops", std::move(hops)}});
    }
    return {http::status::ok,
            {{"from", company_out(ctx, from)},
             {"to", company_out(ctx, to)},
             {"chains", std::move(chains)}}};
}

}  // namespace inmaek::bot::api
