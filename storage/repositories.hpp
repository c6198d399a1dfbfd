#pragma once

// The storage contract the chat handlers work against. Implementations live in
// storage/sql_*.cpp; handlers only ever see these interfaces. Every method that
// reads or writes workspace data takes the workspace id and is scoped by it.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/records.hpp"

namespace inmaek::storage {

class WorkspaceRepository {
public:
    virtual ~WorkspaceRepository() = default;
    virtual Workspace create(const Workspace& workspace) = 0;
    /// Deletes a workspace that nothing refers to yet (one created in this transaction that lost
    /// the race to bind its chat).
    virtual void remove_unused(Id workspace_id) = 0;
    virtual std::optional<Workspace> get(Id workspace_id) = 0;
    virtual std::optional<Workspace> find_by_name(std::string_view name) = 0;
    virtual std::vector<Workspace> list() = 0;

    /// The chat binding for a platform conversation, if any.
    virtual std::optional<Chat> find_chat(std::string_view platform,
                                          std::string_view platform_chat_id) = 0;
    /// The workspace a platform conversation is bound to, in one lookup.
    virtual std::optional<Workspace> workspace_of_chat(std::string_view platform,
                                                       std::string_view platform_chat_id) = 0;
    virtual Chat bind_chat(const Chat& chat) = 0;
    /// The one workspace that knows this platform user; nullopt when none or several do (a
    /// private chat with the bot is then not theirs to pick).
    virtual std::optional<Workspace> only_workspace_of_user(std::string_view platform,
                                                            std::string_view platform_user_id) = 0;

    virtual std::optional<User> find_user(Id workspace_id, std::string_view platform,
                                          std::string_view platform_user_id) = 0;
    /// A user by @handle or display name (folded comparison), for `owner:@minji`.
    virtual std::optional<User> find_user_by_name(Id workspace_id, std::string_view name) = 0;
    virtual std::optional<User> get_user(Id workspace_id, Id user_id) = 0;
    virtual User create_user(const User& user) = 0;
    virtual void update_user_profile(Id workspace_id, Id user_id, std::string_view display_name,
                                     std::string_view handle) = 0;
    virtual void set_role(Id workspace_id, Id user_id, Role role) = 0;
    virtual std::int64_t count_users(Id workspace_id) = 0;
    /// Every user of the workspace: admins first, then managers, then members, each by name.
    virtual std::vector<User> list_users(Id workspace_id) = 0;
    /// The ids of the workspace's admins, locked until the transaction ends (PostgreSQL: FOR
    /// UPDATE; SQLite's BEGIN IMMEDIATE already serialises writers), so two admins demoting each
    /// other at once cannot leave the workspace without one.
    virtual std::vector<Id> lock_admins(Id workspace_id) = 0;
};

class CompanyRepository {
public:
    virtual ~CompanyRepository() = default;
    virtual Company create(const Company& company) = 0;
    virtual std::optional<Company> get(Id workspace_id, Id company_id) = 0;
    /// Matches the company's own key or any alias key.
    virtual std::optional<Company> find_by_key(Id workspace_id, std::string_view key) = 0;
    virtual void add_alias(Id workspace_id, Id company_id, std::string_view alias,
                           std::string_view key) = 0;
    virtual std::vector<std::string> aliases(Id workspace_id, Id company_id) = 0;
    /// Companies ordered by name; empty filters match all.
    virtual std::vector<Company> list(Id workspace_id, std::string_view industry,
                                      std::string_view tier, int limit) = 0;
    virtual std::vector<Company> get_many(Id workspace_id, const std::vector<Id>& ids) = 0;
    /// Up to `limit` companies with an id above `after_id`, by id (keyset pagination).
    virtual std::vector<Company> page(Id workspace_id, Id after_id, int limit) = 0;
    /// Writes name, name_key, industry, site, tier and note; false when there is no such row.
    virtual bool update(const Company& company) = 0;
    /// Companies whose own key or an alias key is any of `keys` (each seek on a unique index),
    /// each once, by id.
    virtual std::vector<Company> find_by_keys(Id workspace_id,
                                              const std::vector<std::string>& keys) = 0;
    /// Up to `limit` contacts, meetings and leads that name the company.
    virtual std::vector<EntityRef> references(Id workspace_id, Id company_id, int limit) = 0;
    /// Deletes a company and its aliases; false when there is no such row. Refused by the
    /// schema (throws) while anything refers to it.
    virtual bool remove(Id workspace_id, Id company_id) = 0;
    /// Moves the contacts, meeting links, lead links and aliases of `from` to `into` (a link is
    /// dropped where the meeting or lead already names `into`), adds from's name as an alias of
    /// `into` and deletes `from`. Returns what moved, for unmerge.
    virtual CompanyMerge merge(Id workspace_id, Id from, Id into) = 0;
    /// Takes a merge back: recreates the duplicate with its id and aliases and moves back what
    /// still points at the target. Rows changed since keep their change.
    virtual void unmerge(Id workspace_id, const CompanyMerge& merge) = 0;
};

class ContactRepository {
public:
    virtual ~ContactRepository() = default;
    virtual Contact create(const Contact& contact) = 0;
    virtual std::optional<Contact> get(Id workspace_id, Id contact_id) = 0;
    virtual std::optional<Contact> find_by_key(Id workspace_id, std::string_view key) = 0;
    virtual void add_alias(Id workspace_id, Id contact_id, std::string_view alias,
                           std::string_view key) = 0;
    virtual std::vector<std::string> aliases(Id workspace_id, Id contact_id) = 0;
    virtual std::vector<Contact> list_by_company(Id workspace_id, Id company_id) = 0;
    virtual std::vector<Contact> get_many(Id workspace_id, const std::vector<Id>& ids) = 0;
    /// Up to `limit` contacts with an id above `after_id`, by id (keyset pagination).
    virtual std::vector<Contact> page(Id workspace_id, Id after_id, int limit) = 0;
    /// Writes name, name_key, company, title, email and phone; false when there is no such row.
    /// A contact who changes company takes their meetings' company_links along (those of the
    /// company left and of the one joined are computed again).
    virtual bool update(const Contact& contact) = 0;
    /// Up to `limit` meetings that name the contact.
    virtual std::vector<EntityRef> references(Id workspace_id, Id contact_id, int limit) = 0;
    /// Deletes a contact and its aliases; false when there is no such row.
    virtual bool remove(Id workspace_id, Id contact_id) = 0;
};

class MeetingRepository {
public:
    virtual ~MeetingRepository() = default;
    /// Stores the meeting with its company and contact links; returns it with its id.
    virtual Meeting create(const Meeting& meeting) = 0;
    virtual std::optional<Meeting> get(Id workspace_id, Id meeting_id) = 0;
    /// Most recent first.
    virtual std::vector<Meeting> for_company(Id workspace_id, Id company_id, int limit) = 0;
    virtual std::vector<Meeting> for_contact(Id workspace_id, Id contact_id, int limit) = 0;
    virtual std::vector<Meeting> for_lead(Id workspace_id, Id lead_id, int limit) = 0;
    virtual std::int64_t count(Id workspace_id) = 0;
    /// Up to `limit` meetings with an id above `after_id`, by id, with their links.
    virtual std::vector<Meeting> page(Id workspace_id, Id after_id, int limit) = 0;
    /// Up to `limit` follow-ups that name the meeting.
    virtual std::vector<EntityRef> references(Id workspace_id, Id meeting_id, int limit) = 0;
    /// Deletes a meeting with its links, and sets its lead's last meeting time from the
    /// meetings left; false when there is no such row.
    virtual bool remove(Id workspace_id, Id meeting_id) = 0;
};

class LeadRepository {
public:
    virtual ~LeadRepository() = default;
    /// Stores the lead with its companies and the creation entry of its stage history.
    virtual Lead create(const Lead& lead) = 0;
    virtual std::optional<Lead> get(Id workspace_id, Id lead_id) = 0;
    /// The lead read for a change: locked until the transaction ends, so a concurrent change
    /// from another replica waits and then reads this one's result instead of overwriting it
    /// (SELECT ... FOR UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises
    /// writers, so there it is get()).
    virtual std::optional<Lead> get_for_update(Id workspace_id, Id lead_id) = 0;
    /// Writes every field of the lead; records a stage change when the stage differs. `before`
    /// must come from get_for_update() in the same transaction, or a concurrent change is lost.
    virtual void update(const Lead& before, const Lead& after, Id changed_by, Timestamp at) = 0;
    /// Writes `current` (from get_for_update()) back to `restored`, the before-image of the
    /// change that made it, as though that change had not been made: the stage move it recorded
    /// (the newest entry from restored.stage to current.stage) is deleted from the history rather
    /// than answered by a move back, so the lead's history and the pipeline's moves omit it.
    virtual void restore(const Lead& current, const Lead& restored, Timestamp at) = 0;
    virtual std::vector<StageChange> history(Id workspace_id, Id lead_id) = 0;
    /// Leads that are neither signed nor dropped, newest first.
    virtual std::vector<Lead> open_for_company(Id workspace_id, Id company_id, int limit) = 0;
    /// Up to `limit` leads with an id above `after_id`, by id, with their companies.
    virtual std::vector<Lead> page(Id workspace_id, Id after_id, int limit) = 0;
    /// The leads matching a filter in its order (at most filter.limit), and how many match.
    virtual Page<LeadListItem> list(Id workspace_id, const LeadFilter& filter) = 0;
    /// The oldest lead titled exactly `title` whose main company is `company_id` (an import run
    /// again finds the lead it made the first time).
    virtual std::optional<Lead> find_by_title(Id workspace_id, Id company_id,
                                              std::string_view title) = 0;
    /// Up to `limit` meetings and follow-ups that name the lead.
    virtual std::vector<EntityRef> references(Id workspace_id, Id lead_id, int limit) = 0;
    /// Deletes a lead with its companies and stage history; false when there is no such row.
    virtual bool remove(Id workspace_id, Id lead_id) = 0;
};

struct FollowUpFilter {
    std::optional<Id> assignee_id;
    std::optional<Day> due_before;  ///< strictly before this day (overdue)
    bool include_done = false;
    int limit = 50;
};

class FollowUpRepository {
public:
    virtual ~FollowUpRepository() = default;
    virtual FollowUp create(const FollowUp& follow_up) = 0;
    virtual std::optional<FollowUp> get(Id workspace_id, Id follow_up_id) = 0;
    virtual void mark_done(Id workspace_id, Id follow_up_id, Timestamp at) = 0;
    /// Open ones first by due date (undated last).
    virtual std::vector<FollowUp> list(Id workspace_id, const FollowUpFilter& filter) = 0;
    virtual std::vector<FollowUp> for_lead(Id workspace_id, Id lead_id) = 0;
    /// Claims up to `limit` open follow-ups of the workspace due on `today` that were not
    /// reminded of yet, marking them reminded today. Replicas claiming at once get disjoint rows
    /// (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: one writer at a time).
    virtual std::vector<FollowUp> claim_reminders(Id workspace_id, Day today, int limit) = 0;
    /// Up to `limit` follow-ups with an id above `after_id`, by id (keyset pagination).
    virtual std::vector<FollowUp> page(Id workspace_id, Id after_id, int limit) = 0;
    /// Writes text, due, assignee, lead, done and done_at; false when there is no such row.
    virtual bool update(const FollowUp& follow_up) = 0;
    /// Deletes a follow-up; false when there is no such row.
    virtual bool remove(Id workspace_id, Id follow_up_id) = 0;
};

/// Summary subscriptions and their runs (the scheduler's claims).
class ScheduleRepository {
public:
    virtual ~ScheduleRepository() = default;
    /// Creates the chat's subscription of that kind, or changes its time, weekday and zone.
    virtual SummarySubscription subscribe(const SummarySubscription& subscription) = 0;
    /// Removes the chat's subscriptions ("" kind: every kind); returns how many.
    virtual int unsubscribe(Id workspace_id, std::string_view platform,
                            std::string_view platform_chat_id, std::string_view kind) = 0;
    /// Every subscription (nullopt) or a workspace's, by id.
    virtual std::vector<SummarySubscription> subscriptions(std::optional<Id> workspace_id) = 0;
    /// Claims the run of `subscription_id` for `local_date`: false when it was claimed before
    /// (by this process, another replica or before a restart). A concurrent claim of the same
    /// run waits for the first transaction to end.
    virtual bool claim_run(const SummaryRun& run) = 0;
    /// A subscription's runs, newest first.
    virtual std::vector<SummaryRun> runs(Id subscription_id, int limit) = 0;
};

/// Platform events already processed, with the reply that was given (dedupe).
class EventRepository {
public:
    virtual ~EventRepository() = default;
    /// The stored reply (JSON) of an event seen before.
    virtual std::optional<std::string> find_reply(std::string_view platform,
                                                  std::string_view event_key) = 0;
    virtual void record(std::string_view platform, std::string_view event_key,
                        std::optional<Id> workspace_id, std::string_view reply_json,
                        Timestamp at) = 0;
    /// Claims an event key for this transaction: false when it was claimed before (a
    /// redelivery), whose reply find_reply then gives. When another transaction holds an
    /// uncommitted claim of the same key (two replicas handed the same event at once),
    /// PostgreSQL makes this wait until that one ends, so the event is handled once.
    virtual bool claim(std::string_view platform, std::string_view event_key, Timestamp at) = 0;
    /// Stores the reply of an event claimed in this transaction.
    virtual void complete(std::string_view platform, std::string_view event_key,
                          std::optional<Id> workspace_id, std::string_view reply_json) = 0;
};

/// The outbox: pushes written with the change that decided them, delivered by a sender.
class OutboxRepository {
public:
    virtual ~OutboxRepository() = default;
    /// Queues a message; false (and nothing written) when its dedupe_key was queued before.
    virtual bool enqueue(const OutboxMessage& message) = 0;
    /// Claims up to `limit` due messages (pending, next attempt at or before `now`, no live
    /// lease) for `sender` until `lease_until`, oldest due first. Senders claiming at once get
    /// disjoint rows (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: one writer at a time).
    virtual std::vector<OutboxMessage> claim(Timestamp now, Timestamp lease_until,
                                             std::string_view sender, int limit) = 0;
    virtual void mark_sent(Id id, Timestamp at) = 0;
    /// Another attempt at `next_attempt_at`; the attempt counts and its error is kept.
    virtual void retry_later(Id id, Timestamp next_attempt_at, std::string_view error) = 0;
    /// Gives the message back without counting an attempt (a rate limit said not yet).
    virtual void release(Id id, Timestamp next_attempt_at) = 0;
    /// Gives up: dead-letters the message with its last error (the attempt counts); its
    /// next_attempt_at then records when.
    virtual void mark_dead(Id id, Timestamp at, std::string_view error) = 0;
    /// Messages by status ("" for every status), newest first.
    virtual std::vector<OutboxMessage> list(std::string_view status, int limit) = 0;
    /// Makes a dead (or pending) message due again with a fresh count of attempts; false when
    /// there is no such message or it was sent.
    virtual bool requeue(Id id, Timestamp now) = 0;
    /// Counts by status: {"pending", n}, {"sent", n}, {"dead", n}.
    virtual std::vector<std::pair<std::string, std::int64_t>> counts() = 0;
};

/// Keys of the REST API. Keys are looked up by their public prefix across workspaces; everything
/// a key then reads or writes is scoped by its workspace.
class ApiKeyRepository {
public:
    virtual ~ApiKeyRepository() = default;
    virtual ApiKey create(const ApiKey& key) = 0;
    virtual std::optional<ApiKey> find_by_prefix(std::string_view prefix) = 0;
    virtual std::optional<ApiKey> get(Id key_id) = 0;
    /// Every key, oldest first.
    virtual std::vector<ApiKey> list() = 0;
    /// Revokes a key at `at`; false when there is no such key or it was revoked before.
    virtual bool revoke(Id key_id, Timestamp at) = 0;
    /// Records a use at `at` unless one was recorded less than `resolution` before; true when
    /// it wrote.
    virtual bool touch(Id key_id, Timestamp at, std::chrono::seconds resolution) = 0;
};

/// Server-wide secrets (schemas/0012_server_secrets.sqlite3.sql), shared by every replica.
class SecretRepository {
public:
    virtual ~SecretRepository() = default;
    /// The secret called `name`: the stored one, or `candidate`, stored now when there is none.
    /// Two processes asking at once both get the one that was stored first.
    virtual std::string get_or_store(std::string_view name, std::string_view candidate,
                                     Timestamp at) = 0;
};

class AuditRepository {
public:
    virtual ~AuditRepository() = default;
    virtual void append(const AuditEntry& entry) = 0;
    virtual std::vector<AuditEntry> recent(Id workspace_id, int limit) = 0;
    /// The newest entry written for `user_id` at or after `since` (a range of the workspace's
    /// entries by time); nullopt when none.
    virtual std::optional<AuditEntry> last_of_user(Id workspace_id, Id user_id,
                                                   Timestamp since) = 0;
    /// The entries written for `user_id` by one source message at or after `since`, oldest
    /// first.
    virtual std::vector<AuditEntry> of_source(Id workspace_id, Id user_id, std::string_view source,
                                              Timestamp since) = 0;
    /// True when an entry about the entity was written after the entry `after_id`.
    virtual bool changed_after(Id workspace_id, std::string_view entity, Id entity_id,
                               Id after_id) = 0;
};

/// Read-only digests for summaries of a period. Time ranges are UTC [from, to); every query is
/// scoped by the workspace and returns at most `limit` items of each section with the count of
/// all of them.
class SummaryRepository {
public:
    virtual ~SummaryRepository() = default;
    /// Meetings starting in [from, to), by time, with their companies and people.
    virtual Page<MeetingBrief> meetings(Id workspace_id, Timestamp from, Timestamp to,
                                        int limit) = 0;
    /// Leads created and stage moves made in [from, to), by time.
    virtual LeadMoves lead_moves(Id workspace_id, Timestamp from, Timestamp to, int limit) = 0;
    /// Open follow-ups logged in [from, to), by time.
    virtual Page<FollowUpBrief> new_follow_ups(Id workspace_id, Timestamp from, Timestamp to,
                                               int limit) = 0;
    /// Open follow-ups due on `today` and before it.
    virtual DueFollowUps due_follow_ups(Id workspace_id, Day today, int limit) = 0;
    /// Leads in the cutoffs' stages with neither a change nor a linked meeting since their
    /// stage's cutoff: those that went quiet last, by last activity, most recent first.
    virtual Page<IdleLead> idle_leads(Id workspace_id, const std::vector<IdleCutoff>& cutoffs,
                                      int limit) = 0;
    /// Every lead counted and valued by stage and currency.
    virtual std::vector<PipelineRow> pipeline(Id workspace_id) = 0;
};

/// Full-text search over a workspace's companies, contacts, leads, follow-ups and meetings.
class SearchRepository {
public:
    virtual ~SearchRepository() = default;
    /// Things containing every word of `query` (search_text::words; words of one character are
    /// ignored), case-insensitively: those whose name or title is the query first, then those
    /// whose title holds every word, then those matching elsewhere; among equals companies,
    /// contacts, leads, follow-ups and meetings, each newest first. At most `limit` hits with
    /// snippets of `snippet_width` characters; the total counts at most kSearchCountCap per kind.
    virtual SearchResults search(Id workspace_id, std::string_view query, int limit,
                                 std::size_t snippet_width) = 0;
    /// Indexes up to `limit` documents written since they were last indexed (0 or less: all of
    /// them) and returns how many. SQLite indexes after the write, many documents to a
    /// transaction (schemas/0010); search() calls this first, so nothing written is missed.
    /// PostgreSQL indexes in the write: 0.
    virtual std::size_t index_pending(int limit) = 0;
};

/// The reads across a company's records: its timeline (/history) and the chains of meetings
/// that connect it to another (/path), over company_links (schemas/0011).
class InsightRepository {
public:
    virtual ~InsightRepository() = default;
    /// The company's meetings, its leads' creations and stage moves, and the follow-ups of those
    /// leads and meetings, newest first: at most `limit` entries and how many there are.
    virtual Page<TimelineEntry> company_history(Id workspace_id, Id company_id, int limit) = 0;
    /// Up to `limit` shortest chains of at most `max_hops` hops from `from_id` to `to_id`; the
    /// strongest links (most meetings) first among two-hop chains. Empty when none connects them.
    virtual std::vector<CompanyChain> paths(Id workspace_id, Id from_id, Id to_id, int max_hops,
                                            int limit) = 0;
    /// Rebuilds the workspace's company_links from its meetings (after a bulk load, or a change
    /// of which company a contact belongs to).
    virtual void rebuild_company_links(Id workspace_id) = 0;
};

/// How many matches of one kind a search counts before it stops counting ("100+"): the newest
/// this many of each kind are the candidates a search ranks. Counting costs a row read per
/// match where words are common (two words in 1% of a million meetings: 10,000 rows for 100),
/// and a chat shows ten hits; 200 made such a search on PostgreSQL 45 ms at the median.
inline constexpr int kSearchCountCap = 100;

/// The repositories of one open transaction. Lives only inside Database::transact.
class UnitOfWork {
public:
    virtual ~UnitOfWork() = default;
    virtual WorkspaceRepository& workspaces() = 0;
    virtual CompanyRepository& companies() = 0;
    virtual ContactRepository& contacts() = 0;
    virtual MeetingRepository& meetings() = 0;
    virtual LeadRepository& leads() = 0;
    virtual FollowUpRepository& follow_ups() = 0;
    virtual EventRepository& events() = 0;
    virtual AuditRepository& audit() = 0;
    virtual OutboxRepository& outbox() = 0;
    virtual ScheduleRepository& schedules() = 0;
    virtual SummaryRepository& summaries() = 0;
    virtual ApiKeyRepository& api_keys() = 0;
    virtual SearchRepository& search() = 0;
    virtual SecretRepository& secrets() = 0;
    virtual InsightRepository& insights() = 0;
};

}  // namespace inmaek::storage
