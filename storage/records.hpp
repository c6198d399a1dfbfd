#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace inmaek::storage {

using Id = std::int64_t;
using Timestamp = std::chrono::sys_seconds;  ///< stored as UTC epoch seconds
using Day = std::chrono::sys_days;           ///< a calendar date, stored as "YYYY-MM-DD"

enum class Role { member, manager, admin };
std::string_view to_string(Role role);
std::optional<Role> role_from_string(std::string_view text);
/// True when `held` is `needed` or above it (member < manager < admin).
constexpr bool role_allows(Role held, Role needed) {
    return static_cast<int>(held) >= static_cast<int>(needed);
}

/// A team using inmaek; every other row belongs to exactly one.
struct Workspace {
    Id id = 0;
    std::string name;
    std::string time_zone = "Asia/Seoul";
    std::string language = "ko";  ///< default reply language when the sender gives none
    Timestamp created_at{};
};

/// A platform conversation bound to a workspace.
struct Chat {
    Id id = 0;
    Id workspace_id = 0;
    std::string platform;
    std::string platform_chat_id;  ///< "<team>/<chat>" where the platform has teams
    std::string title;
};

struct User {
    Id id = 0;
    Id workspace_id = 0;
    std::string platform;
    std::string platform_user_id;
    std::string display_name;
    std::string handle;  ///< @username without '@', may be empty
    Role role = Role::member;
    Timestamp created_at{};
};

struct Company {
    Id id = 0;
    Id workspace_id = 0;
    std::string name;
    std::string name_key;  ///< folded lookup key of name
    std::string industry;
    std::string site;
    std::string tier;
    std::string note;
    Id created_by = 0;
    Timestamp created_at{};
};

struct Contact {
    Id id = 0;
    Id workspace_id = 0;
    std::string name;
    std::string name_key;
    std::optional<Id> company_id;
    std::string title;
    std::string email;
    std::string phone;
    Id created_by = 0;
    Timestamp created_at{};
};

/// An amount in the currency's minor unit (KRW has none: 50억 = 5'000'000'000).
struct Money {
    std::int64_t amount = 0;
    std::string currency = "KRW";  ///< ISO 4217
    friend bool operator==(const Money&, const Money&) = default;
};

struct Meeting {
    Id id = 0;
    Id workspace_id = 0;
    Timestamp starts_at{};
    bool has_time = false;  ///< false when only a date was given
    std::string place;
    std::string notes;
    std::optional<Id> lead_id;
    std::vector<Id> company_ids;  ///< in the order written
    std::vector<Id> contact_ids;
    Id created_by = 0;
    Timestamp created_at{};
};

struct Lead {
    Id id = 0;
    Id workspace_id = 0;
    std::string title;
    std::string stage = "new";
    std::optional<Money> value;
    std::optional<Id> owner_id;
    std::optional<Day> due;
    std::string note;
    std::vector<Id> company_ids;  ///< the first is the main company
    Id created_by = 0;
    Timestamp created_at{};
    Timestamp updated_at{};
};

struct StageChange {
    Id id = 0;
    Id lead_id = 0;
    std::string from_stage;  ///< empty for the creation
    std::string to_stage;
    Id changed_by = 0;
    Timestamp changed_at{};
};

struct FollowUp {
    Id id = 0;
    Id workspace_id = 0;
    std::string text;
    std::optional<Day> due;
    std::optional<Id> assignee_id;
    std::optional<Id> lead_id;
    std::optional<Id> meeting_id;
    bool done = false;
    std::optional<Timestamp> done_at;
    Id created_by = 0;
    Timestamp created_at{};
    std::string origin_platform;  ///< the chat it was written in ("" when unknown: the console)
    std::string origin_chat;      ///< … as the platform names it; its reminder goes there
    std::optional<Day> reminded_on;
};

/// One row of the audit log: who changed what, from which source message.
struct AuditEntry {
    Id id = 0;  ///< set when read back; append() ignores it
    Id workspace_id = 0;
    std::optional<Id> user_id;
    std::string action;  ///< "create", "update", "done", ...
    std::string entity;  ///< "meeting", "lead", ...
    Id entity_id = 0;
    std::string source;       ///< "<platform>:<event key>" of the message that caused it
    std::string before_json;  ///< empty for creations
    std::string after_json;
    Timestamp at{};
};

/// A row that refers to another (a meeting to its company, a follow-up to its meeting, …):
/// what keeps a record from being deleted.
struct EntityRef {
    std::string entity;  ///< "contact", "meeting", "lead", "follow_up"
    Id id = 0;
    friend bool operator==(const EntityRef&, const EntityRef&) = default;
};

/// A link of a meeting or lead to a company, at its position, that a merge moved to the target
/// or dropped (the meeting or lead already named the target).
struct LinkMove {
    Id owner_id = 0;  ///< the meeting or lead
    int position = 0;
    bool dropped = false;
};

/// What CompanyRepository::merge moved, enough to take it back (unmerge).
struct CompanyMerge {
    Company duplicate;  ///< the deleted row as it was
    Id into_id = 0;
    std::vector<std::pair<std::string, std::string>> aliases;  ///< the duplicate's (alias, key)
    bool name_alias_added = false;  ///< the duplicate's name became an alias of the target
    std::vector<Id> contact_ids;
    std::vector<LinkMove> meeting_links;
    std::vector<LinkMove> lead_links;
};

/// A key of the REST API (/api/v1); see schemas/0009_api_keys.sqlite3.sql. The key itself is never
/// stored, only the SHA-256 of it; `prefix` is its public part, by which it is looked up.
struct ApiKey {
    Id id = 0;
    Id workspace_id = 0;
    std::string prefix;
    std::string secret_hash;  ///< lower-case hex SHA-256 of the whole key
    Role role = Role::member;
    std::string label;
    Timestamp created_at{};
    std::optional<Timestamp> last_used_at;
    std::optional<Timestamp> revoked_at;
};

/// A message to push through a platform's API; see schemas/0004_outbox.sqlite3.sql.
struct OutboxMessage {
    Id id = 0;
    std::optional<Id> workspace_id;
    std::string platform;            ///< "telegram", ...
    std::string destination;         ///< the platform's chat, channel or user the message goes to
    std::string kind;                ///< "reply", "summary", "reminder"
    std::string dedupe_key;          ///< one row per decision to send
    std::string payload;             ///< the platform API call, as the adapter rendered it (JSON)
    std::string status = "pending";  ///< pending | sent | dead
    int attempts = 0;                ///< deliveries tried so far
    Timestamp next_attempt_at{};
    std::string last_error;
    Timestamp created_at{};
    std::optional<Timestamp> sent_at;
};

/// A chat that receives a summary; see schemas/0005_schedules.sqlite3.sql.
struct SummarySubscription {
    Id id = 0;
    Id workspace_id = 0;
    std::string platform;
    std::string platform_chat_id;
    std::string kind = "daily";  ///< daily | weekly
    std::optional<int> weekday;  ///< ISO 1 (Monday) .. 7, weekly only
    int local_time = 9 * 60;     ///< minutes after local midnight
    std::string time_zone;       ///< "" for the workspace's
    Id created_by = 0;
    Timestamp created_at{};
};

/// The claim of one subscription's summary for one local date.
struct SummaryRun {
    Id subscription_id = 0;
    Day local_date;
    std::string status;  ///< sent | late | skipped
    std::string note;
    Timestamp created_at{};
};

// What a summary of a period reads (storage::SummaryRepository): set-based digests with names
// already joined in, each section a page of its first items and how many there are in all.

/// The first items of a section and how many there are in all.
template <typename T>
struct Page {
    std::vector<T> items;
    std::int64_t total = 0;
};

/// A meeting as a summary lists it.
struct MeetingBrief {
    Id id = 0;
    Timestamp starts_at{};
    bool has_time = false;
    std::string notes;
    std::vector<std::string> companies;  ///< names, in the order written
    std::vector<std::string> contacts;
};

/// A lead's creation or stage move, with the lead's title and who made it.
struct LeadMove {
    Id lead_id = 0;
    std::string title;
    std::string from_stage;  ///< empty for the creation
    std::string to_stage;
    std::string changed_by;  ///< display name, empty when unknown
    Timestamp changed_at{};
    std::optional<Money> value;  ///< the lead's value now
};

/// The lead history of a period by kind.
struct LeadMoves {
    Page<LeadMove> created;     ///< new leads
    Page<LeadMove> moved;       ///< stage moves other than to signed or dropped
    Page<LeadMove> to_signed;   ///< moves to signed
    Page<LeadMove> to_dropped;  ///< moves to dropped
};

/// An open follow-up with its assignee's name.
struct FollowUpBrief {
    Id id = 0;
    std::string text;
    std::optional<Day> due;
    std::string assignee;  ///< display name, empty when unassigned
    std::optional<Id> lead_id;
};

/// Open follow-ups due on a day and before it.
struct DueFollowUps {
    Page<FollowUpBrief> due_today;
    Page<FollowUpBrief> overdue;  ///< most recently due first
};

/// Open leads of `stage` count as idle when nothing happened to them since `since`.
struct IdleCutoff {
    std::string stage;
    Timestamp since{};
};

/// An idle lead: its last activity (a change or a linked meeting) and its owner's name.
struct IdleLead {
    Id id = 0;
    std::string title;
    std::string stage;
    Timestamp last_activity{};
    std::string owner;  ///< display name, empty when nobody owns it
};

/// One stage's leads in one currency ("" for leads without a value).
struct PipelineRow {
    std::string stage;
    std::string currency;
    std::int64_t leads = 0;
    std::int64_t amount = 0;  ///< sum of the values, in the currency's minor unit
};

// What /history and /path read (storage::InsightRepository).

/// The kinds of entries of a company's timeline.
enum class TimelineKind { meeting, lead_created, stage_move, follow_up };

/// One entry of a company's timeline: a meeting, a lead's creation or stage move, a follow-up.
struct TimelineEntry {
    TimelineKind kind = TimelineKind::meeting;
    Id id = 0;               ///< the meeting, lead or follow-up
    Timestamp at{};          ///< meetings: when they start; moves: when made; follow-ups: logged
    bool has_time = false;   ///< meetings only: false when only a date was given
    std::string text;        ///< meeting notes, lead title or follow-up text
    std::string from_stage;  ///< stage moves
    std::string to_stage;    ///< lead creations and stage moves
    std::optional<Day> due;  ///< follow-ups
    bool done = false;       ///< follow-ups
    std::string by;          ///< who logged or made it (display name), empty when unknown
};

/// Two companies linked by meetings (schemas/0011): how many and the latest one, with the
/// people met in it and who logged it.
struct CompanyHop {
    Id from_id = 0;
    std::string from_name;
    Id to_id = 0;
    std::string to_name;
    std::int64_t meetings = 0;
    Id meeting_id = 0;  ///< the latest meeting (by date) of both companies
    Timestamp meeting_at{};
    bool has_time = false;
    std::vector<std::string> contacts;  ///< the people met in it, in the order written
    std::string logged_by;              ///< display name, empty when unknown
};

/// A chain of companies from one to another, each hop a meeting both took part in.
struct CompanyChain {
    std::vector<CompanyHop> hops;
};

// What /find reads (storage::SearchRepository).

/// The kinds of searchable things, in the order a search lists them among equal matches.
enum class SearchKind { company = 1, contact = 2, lead = 3, follow_up = 4, meeting = 5 };

/// One thing a search found.
struct SearchHit {
    SearchKind kind = SearchKind::company;
    Id entity_id = 0;
    std::string title;    ///< name, lead title, follow-up text or meeting place
    std::string snippet;  ///< a short piece of the text around the first word found
    Timestamp at{};       ///< when it was created (meetings: when they start)
};

/// The best hits of a search and how many things matched in all.
struct SearchResults {
    std::vector<SearchHit> hits;
    std::int64_t total = 0;
    bool total_capped = false;  ///< total is a lower bound: counting stopped there
};

/// The order of a lead list.
enum class LeadSort { updated, created, value, due, stage, title };

/// A bound of a lead's value, compared only with leads in the same currency.
struct ValueBound {
    Money value;
    bool inclusive = false;
};

/// Which leads to list (handlers/lead_filter.hpp reads it from `/leads` filters). Empty and
/// unset members match every lead.
struct LeadFilter {
    std::vector<std::string> stages;  ///< any of these
    std::optional<Id> company_id;     ///< involved in the lead, at any position
    std::optional<Id> owner_id;
    bool unowned = false;  ///< only leads nobody owns
    std::string industry;  ///< a company of the lead has an industry containing it
    std::optional<ValueBound> value_above;
    std::optional<ValueBound> value_below;
    std::optional<Timestamp> created_from;    ///< created at or after
    std::optional<Timestamp> created_before;  ///< created before
    std::optional<Day> due_by;                ///< due on or before this day
    LeadSort sort = LeadSort::updated;
    bool descending = true;
    int limit = 20;
    int offset = 0;  ///< matches skipped first (the REST API's next page)
};

/// A lead as a list shows it: with its companies' and its owner's names.
struct LeadListItem {
    Lead lead;
    std::vector<std::string> companies;  ///< names, the main company first
    std::string owner;                   ///< display name, empty when nobody owns it
};

}  // namespace inmaek::storage
