#pragma once

// SOCI implementations of the repository contracts, one set per pooled session. They are
// created once per pool slot and live as long as the session, so the statements of the hot
// path (a chat message: event lookup, chat/user lookup, company/contact lookups, meeting
// insert with its links, audit row, event record) are prepared once and then only rebound.
// Not thread-safe: a slot is leased by one thread at a time.

#include <soci/soci.h>

#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "storage/repositories.hpp"
#include "storage/soci_conversions.hpp"
#include "storage/sql_statement.hpp"

namespace inmaek::storage::sql {

/// Columns of a workspaces row, bound as intos.
struct WorkspaceRow {
    Int id = 0;
    std::string name;
    std::string time_zone;
    std::string language;
    Int created_at = 0;

    void bind(soci::statement& statement);
    [[nodiscard]] Workspace to_record() const;
};

/// Columns of a chats row, bound as intos.
struct ChatRow {
    Int id = 0;
    Int workspace_id = 0;
    std::string platform;
    std::string platform_chat_id;
    std::string title;

    void bind(soci::statement& statement);
    [[nodiscard]] Chat to_record() const;
};

/// Columns of a users row, bound as intos.
struct UserRow {
    Int id = 0;
    Int workspace_id = 0;
    std::string platform;
    std::string platform_user_id;
    std::string display_name;
    std::string handle;
    std::string role;
    Int created_at = 0;

    void bind(soci::statement& statement);
    [[nodiscard]] User to_record() const;
};

/// Columns of a companies row, bound as intos.
struct CompanyRow {
    Int id = 0;
    Int workspace_id = 0;
    std::string name;
    std::string name_key;
    std::string industry;
    std::string site;
    std::string tier;
    std::string note;
    Nullable<Int> created_by;
    Int created_at = 0;

    void bind(soci::statement& statement);
    [[nodiscard]] Company to_record() const;
};

/// Columns of a contacts row, bound as intos.
struct ContactRow {
    Int id = 0;
    Int workspace_id = 0;
    std::string name;
    std::string name_key;
    Nullable<Int> company_id;
    std::string title;
    std::string email;
    std::string phone;
    Nullable<Int> created_by;
    Int created_at = 0;

    void bind(soci::statement& statement);
    [[nodiscard]] Contact to_record() const;
};

/// Columns of a meetings row (without its links), bound as intos.
struct MeetingRow {
    Int id = 0;
    Int workspace_id = 0;
    Int starts_at = 0;
    int has_time = 0;
    std::string place;
    std::string notes;
    Nullable<Int> lead_id;
    Nullable<Int> created_by;
    Int created_at = 0;

    void bind(soci::statement& statement);
    [[nodiscard]] Meeting to_record() const;
};

/// Columns of a leads row (without its companies), bound as intos.
struct LeadRow {
    Int id = 0;
    Int workspace_id = 0;
    std::string title;
    std::string stage;
    Nullable<Int> value_amount;
    Nullable<std::string> value_currency;
    Nullable<Int> owner_id;
    Nullable<std::string> due;
    std::string note;
    Nullable<Int> created_by;
    Int created_at = 0;
    Int updated_at = 0;

    void bind(soci::statement& statement);
    [[nodiscard]] Lead to_record() const;
};

/// Columns of a follow_ups row, bound as intos.
struct FollowUpRow {
    Int id = 0;
    Int workspace_id = 0;
    std::string text;
    Nullable<std::string> due;
    Nullable<Int> assignee_id;
    Nullable<Int> lead_id;
    Nullable<Int> meeting_id;
    int done = 0;
    Nullable<Int> done_at;
    Nullable<Int> created_by;
    Int created_at = 0;
    Nullable<std::string> origin_platform;
    Nullable<std::string> origin_chat;
    Nullable<std::string> reminded_on;

    void bind(soci::statement& statement);
    [[nodiscard]] FollowUp to_record() const;
};

/// Columns of an outbox row, bound as intos.
struct OutboxRow {
    Int id = 0;
    Nullable<Int> workspace_id;
    std::string platform;
    std::string destination;
    std::string kind;
    std::string dedupe_key;
    std::string payload;
    std::string status;
    int attempts = 0;
    Int next_attempt_at = 0;
    Nullable<std::string> last_error;
    Int created_at = 0;
    Nullable<Int> sent_at;

    void bind(soci::statement& statement);
    [[nodiscard]] OutboxMessage to_record() const;
};

/// Rows of `sql` as references: it selects (entity, id) and binds the workspace and the id
/// `pairs` times, then the limit.
std::vector<EntityRef> select_references(soci::session& session, const char* sql, Id workspace_id,
                                         Id id, int pairs, int limit);

/// Runs a write bound to the given integers in order; returns the rows it changed.
long long execute_with(soci::session& session, const char* sql, const std::vector<Int>& values);
/// Computes one company's rows of company_links (schemas/0011) again from the meetings, after a
/// change that /meet's counting cannot follow: a meeting deleted, a company merged or unmerged, a
/// contact who was met moving to another company.
void refresh_company_links(soci::session& session, Id workspace_id, Id company_id);

class SqlWorkspaceRepository final : public WorkspaceRepository {
public:
    explicit SqlWorkspaceRepository(soci::session& session) : session_(session) {}

    Workspace create(const Workspace& workspace) override;
    void remove_unused(Id workspace_id) override;
    std::optional<Workspace> get(Id workspace_id) override;
    std::optional<Workspace> find_by_name(std::string_view name) override;
    std::vector<Workspace> list() override;
    std::optional<Chat> find_chat(std::string_view platform,
                                  std::string_view platform_chat_id) override;
    std::optional<Workspace> workspace_of_chat(std::string_view platform,
                                               std::string_view platform_chat_id) override;
    Chat bind_chat(const Chat& chat) override;
    std::optional<Workspace> only_workspace_of_user(std::string_view platform,
                                                    std::string_view platform_user_id) override;
    std::optional<User> find_user(Id workspace_id, std::string_view platform,
                                  std::string_view platform_user_id) override;
    std::optional<User> find_user_by_name(Id workspace_id, std::string_view name) override;
    std::optional<User> get_user(Id workspace_id, Id user_id) override;
    User create_user(const User& user) override;
    void update_user_profile(Id workspace_id, Id user_id, std::string_view display_name,
                             std::string_view handle) override;
    void set_role(Id workspace_id, Id user_id, Role role) override;
    std::int64_t count_users(Id workspace_id) override;
    std::vector<User> list_users(Id workspace_id) override;
    std::vector<Id> lock_admins(Id workspace_id) override;

private:
    soci::session& session_;

    // Per-message lookups, prepared once.
    CachedStatement get_;
    CachedStatement find_chat_;
    CachedStatement workspace_of_chat_;
    CachedStatement find_user_;
    CachedStatement get_user_;
    Int workspace_id_ = 0;
    Int user_id_ = 0;
    std::string platform_;
    std::string platform_key_;
    WorkspaceRow workspace_row_;
    ChatRow chat_row_;
    UserRow user_row_;
};

class SqlCompanyRepository final : public CompanyRepository {
public:
    explicit SqlCompanyRepository(soci::session& session) : session_(session) {}

    Company create(const Company& company) override;
    std::optional<Company> get(Id workspace_id, Id company_id) override;
    std::optional<Company> find_by_key(Id workspace_id, std::string_view key) override;
    void add_alias(Id workspace_id, Id company_id, std::string_view alias,
                   std::string_view key) override;
    std::vector<std::string> aliases(Id workspace_id, Id company_id) override;
    std::vector<Company> list(Id workspace_id, std::string_view industry, std::string_view tier,
                              int limit) override;
    std::vector<Company> get_many(Id workspace_id, const std::vector<Id>& ids) override;
    std::vector<Company> page(Id workspace_id, Id after_id, int limit) override;
    bool update(const Company& company) override;
    std::vector<Company> find_by_keys(Id workspace_id,
                                      const std::vector<std::string>& keys) override;
    std::vector<EntityRef> references(Id workspace_id, Id company_id, int limit) override;
    bool remove(Id workspace_id, Id company_id) override;
    CompanyMerge merge(Id workspace_id, Id from, Id into) override;
    void unmerge(Id workspace_id, const CompanyMerge& merge) override;

private:
    soci::session& session_;

    CachedStatement get_;
    // find_by_key: the own key first, the alias join only when that misses.
    CachedStatement find_by_key_;
    CachedStatement find_by_alias_;
    Int workspace_id_ = 0;
    Int company_id_ = 0;
    std::string key_;
    CompanyRow row_;
};

class SqlContactRepository final : public ContactRepository {
public:
    explicit SqlContactRepository(soci::session& session) : session_(session) {}

    Contact create(const Contact& contact) override;
    std::optional<Contact> get(Id workspace_id, Id contact_id) override;
    std::optional<Contact> find_by_key(Id workspace_id, std::string_view key) override;
    void add_alias(Id workspace_id, Id contact_id, std::string_view alias,
                   std::string_view key) override;
    std::vector<std::string> aliases(Id workspace_id, Id contact_id) override;
    std::vector<Contact> list_by_company(Id workspace_id, Id company_id) override;
    std::vector<Contact> get_many(Id workspace_id, const std::vector<Id>& ids) override;
    std::vector<Contact> page(Id workspace_id, Id after_id, int limit) override;
    bool update(const Contact& contact) override;
    std::vector<EntityRef> references(Id workspace_id, Id contact_id, int limit) override;
    bool remove(Id workspace_id, Id contact_id) override;

private:
    /// Writes the contact's columns.
    void write(const Contact& contact);

    soci::session& session_;

    CachedStatement get_;
    // find_by_key: the own key first, the alias join only when that misses.
    CachedStatement find_by_key_;
    CachedStatement find_by_alias_;
    Int workspace_id_ = 0;
    Int contact_id_ = 0;
    std::string key_;
    ContactRow row_;
};

class SqlMeetingRepository final : public MeetingRepository {
public:
    explicit SqlMeetingRepository(soci::session& session)
        : session_(session), postgresql_(is_postgresql(session)) {}

    Meeting create(const Meeting& meeting) override;
    std::optional<Meeting> get(Id workspace_id, Id meeting_id) override;
    std::vector<Meeting> for_company(Id workspace_id, Id company_id, int limit) override;
    std::vector<Meeting> for_contact(Id workspace_id, Id contact_id, int limit) override;
    std::vector<Meeting> for_lead(Id workspace_id, Id lead_id, int limit) override;
    std::int64_t count(Id workspace_id) override;
    std::vector<Meeting> page(Id workspace_id, Id after_id, int limit) override;
    std::vector<EntityRef> references(Id workspace_id, Id meeting_id, int limit) override;
    bool remove(Id workspace_id, Id meeting_id) override;

private:
    /// Runs a meetings query bound as (workspace, other id, limit), then loads the links.
    std::vector<Meeting> list(const char* sql, Id workspace_id, Id other_id, int limit);
    void load_links(Meeting& meeting);
    /// Counts the meeting in company_links for every pair of companies present in it.
    void link_companies(const Meeting& meeting);

    soci::session& session_;
    const bool postgresql_;

    // The /meet hot path: one insert for the meeting, one per link.
    CachedStatement insert_;
    CachedStatement insert_company_;
    CachedStatement insert_contact_;
    Int workspace_id_ = 0;
    Int starts_at_ = 0;
    int has_time_ = 0;
    std::string place_;
    std::string notes_;
    Nullable<Int> lead_id_;
    Nullable<Int> created_by_;
    Int created_at_ = 0;
    Int meeting_id_ = 0;
    int position_ = 0;

    // company_links (schemas/0011), kept in the same transaction.
    CachedStatement contact_company_;
    CachedStatement link_companies_;
    Nullable<Int> contact_company_id_;
    Int company_id_ = 0;
    Int other_id_ = 0;
    std::vector<Id> present_;

    CachedStatement get_;
    CachedStatement company_links_;
    CachedStatement contact_links_;
    MeetingRow row_;
    Int link_id_ = 0;
};

class SqlLeadRepository final : public LeadRepository {
public:
    explicit SqlLeadRepository(soci::session& session)
        : session_(session), postgresql_(is_postgresql(session)) {}

    Lead create(const Lead& lead) override;
    std::optional<Lead> get(Id workspace_id, Id lead_id) override;
    std::optional<Lead> get_for_update(Id workspace_id, Id lead_id) override;
    void update(const Lead& before, const Lead& after, Id changed_by, Timestamp at) override;
    void restore(const Lead& current, const Lead& restored, Timestamp at) override;
    std::vector<StageChange> history(Id workspace_id, Id lead_id) override;
    std::vector<Lead> open_for_company(Id workspace_id, Id company_id, int limit) override;
    std::vector<Lead> page(Id workspace_id, Id after_id, int limit) override;
    Page<LeadListItem> list(Id workspace_id, const LeadFilter& filter) override;
    std::optional<Lead> find_by_title(Id workspace_id, Id company_id,
                                      std::string_view title) override;

    std::vector<EntityRef> references(Id workspace_id, Id lead_id, int limit) override;
    bool remove(Id workspace_id, Id lead_id) override;

private:
    /// The lead `sql` selects by (workspace_id, id), with its companies.
    std::optional<Lead> select_one(const std::string& sql, Id workspace_id, Id lead_id);
    /// Writes every field and the companies of `after`; update() and restore() then see to the
    /// stage history.
    void write(const Lead& before, const Lead& after, Timestamp at);
    void insert_companies(Id workspace_id, Id lead_id, const std::vector<Id>& company_ids);
    void append_history(Id workspace_id, Id lead_id, const std::string& from_stage,
                        const std::string& to_stage, Id changed_by, Timestamp at);
    std::vector<Id> company_ids(Id workspace_id, Id lead_id);

    soci::session& session_;
    const bool postgresql_;
};

class SqlFollowUpRepository final : public FollowUpRepository {
public:
    explicit SqlFollowUpRepository(soci::session& session)
        : session_(session), postgresql_(is_postgresql(session)) {}

    FollowUp create(const FollowUp& follow_up) override;
    std::optional<FollowUp> get(Id workspace_id, Id follow_up_id) override;
    void mark_done(Id workspace_id, Id follow_up_id, Timestamp at) override;
    std::vector<FollowUp> list(Id workspace_id, const FollowUpFilter& filter) override;
    std::vector<FollowUp> for_lead(Id workspace_id, Id lead_id) override;
    std::vector<FollowUp> claim_reminders(Id workspace_id, Day today, int limit) override;
    std::vector<FollowUp> page(Id workspace_id, Id after_id, int limit) override;
    bool update(const FollowUp& follow_up) override;
    bool remove(Id workspace_id, Id follow_up_id) override;

private:
    soci::session& session_;
    const bool postgresql_;
};

class SqlScheduleRepository final : public ScheduleRepository {
public:
    explicit SqlScheduleRepository(soci::session& session) : session_(session) {}

    SummarySubscription subscribe(const SummarySubscription& subscription) override;
    int unsubscribe(Id workspace_id, std::string_view platform, std::string_view platform_chat_id,
                    std::string_view kind) override;
    std::vector<SummarySubscription> subscriptions(std::optional<Id> workspace_id) override;
    bool claim_run(const SummaryRun& run) override;
    std::vector<SummaryRun> runs(Id subscription_id, int limit) override;

private:
    soci::session& session_;
};

class SqlEventRepository final : public EventRepository {
public:
    explicit SqlEventRepository(soci::session& session) : session_(session) {}

    std::optional<std::string> find_reply(std::string_view platform,
                                          std::string_view event_key) override;
    void record(std::string_view platform, std::string_view event_key,
                std::optional<Id> workspace_id, std::string_view reply_json, Timestamp at) override;
    bool claim(std::string_view platform, std::string_view event_key, Timestamp at) override;
    void complete(std::string_view platform, std::string_view event_key,
                  std::optional<Id> workspace_id, std::string_view reply_json) override;

private:
    soci::session& session_;

    CachedStatement find_;
    CachedStatement insert_;
    CachedStatement claim_;
    CachedStatement complete_;
    std::string platform_;
    std::string event_key_;
    Nullable<Int> workspace_id_;
    std::string reply_;
    Int at_ = 0;
};

/// The ids of up to `limit` rows of `table` in a workspace above `after_id`, by id: one index
/// range, after which the caller loads each row through its cached point lookup.
std::vector<Id> page_ids(soci::session& session, std::string_view table, Id workspace_id,
                         Id after_id, int limit);

/// The rows of `ids` as `get(id)` loads them (a row deleted meanwhile is left out).
template <typename Get>
auto load_page(const std::vector<Id>& ids, Get&& get) {
    std::vector<typename decltype(get(Id{}))::value_type> rows;
    rows.reserve(ids.size());
    for (const Id id : ids) {
        if (auto row = get(id)) rows.push_back(std::move(*row));
    }
    return rows;
}

class SqlApiKeyRepository final : public ApiKeyRepository {
public:
    explicit SqlApiKeyRepository(soci::session& session) : session_(session) {}

    ApiKey create(const ApiKey& key) override;
    std::optional<ApiKey> find_by_prefix(std::string_view prefix) override;
    std::optional<ApiKey> get(Id key_id) override;
    std::vector<ApiKey> list() override;
    bool revoke(Id key_id, Timestamp at) override;
    bool touch(Id key_id, Timestamp at, std::chrono::seconds resolution) override;

private:
    soci::session& session_;

    // Every API request looks its key up by prefix.
    CachedStatement find_by_prefix_;
    std::string prefix_;
    Int id_ = 0;
    Int workspace_id_ = 0;
    std::string stored_prefix_;
    std::string secret_hash_;
    std::string role_;
    std::string label_;
    Int created_at_ = 0;
    Nullable<Int> last_used_at_;
    Nullable<Int> revoked_at_;

    /// Binds the members below as the intos of a SELECT of every api_keys column.
    void bind_columns(soci::statement& st);
    /// The key in the members the lookups fetch into.
    [[nodiscard]] ApiKey fetched() const;
};

class SqlAuditRepository final : public AuditRepository {
public:
    explicit SqlAuditRepository(soci::session& session) : session_(session) {}

    void append(const AuditEntry& entry) override;
    std::vector<AuditEntry> recent(Id workspace_id, int limit) override;
    std::optional<AuditEntry> last_of_user(Id workspace_id, Id user_id, Timestamp since) override;
    std::vector<AuditEntry> of_source(Id workspace_id, Id user_id, std::string_view source,
                                      Timestamp since) override;
    bool changed_after(Id workspace_id, std::string_view entity, Id entity_id,
                       Id after_id) override;

private:
    soci::session& session_;

    CachedStatement insert_;
    Int workspace_id_ = 0;
    Nullable<Int> user_id_;
    std::string action_;
    std::string entity_;
    Int entity_id_ = 0;
    std::string source_;
    Nullable<std::string> before_json_;
    Nullable<std::string> after_json_;
    Int at_ = 0;
};

class SqlOutboxRepository final : public OutboxRepository {
public:
    explicit SqlOutboxRepository(soci::session& session)
        : session_(session), postgresql_(is_postgresql(session)) {}

    bool enqueue(const OutboxMessage& message) override;
    std::vector<OutboxMessage> claim(Timestamp now, Timestamp lease_until, std::string_view sender,
                                     int limit) override;
    void mark_sent(Id id, Timestamp at) override;
    void retry_later(Id id, Timestamp next_attempt_at, std::string_view error) override;
    void release(Id id, Timestamp next_attempt_at) override;
    void mark_dead(Id id, Timestamp at, std::string_view error) override;
    std::vector<OutboxMessage> list(std::string_view status, int limit) override;
    bool requeue(Id id, Timestamp now) override;
    std::vector<std::pair<std::string, std::int64_t>> counts() override;

private:
    soci::session& session_;
    const bool postgresql_;
    CachedStatement enqueue_;
    OutboxRow row_;
    std::string dedupe_key_;
};

class SqlSummaryRepository final : public SummaryRepository {
public:
    explicit SqlSummaryRepository(soci::session& session) : session_(session) {}

    Page<MeetingBrief> meetings(Id workspace_id, Timestamp from, Timestamp to, int limit) override;
    LeadMoves lead_moves(Id workspace_id, Timestamp from, Timestamp to, int limit) override;
    Page<FollowUpBrief> new_follow_ups(Id workspace_id, Timestamp from, Timestamp to,
                                       int limit) override;
    DueFollowUps due_follow_ups(Id workspace_id, Day today, int limit) override;
    Page<IdleLead> idle_leads(Id workspace_id, const std::vector<IdleCutoff>& cutoffs,
                              int limit) override;
    std::vector<PipelineRow> pipeline(Id workspace_id) override;

private:
    soci::session& session_;
};

class SqlSearchRepository final : public SearchRepository {
public:
    explicit SqlSearchRepository(soci::session& session)
        : session_(session), postgresql_(is_postgresql(session)) {}

    SearchResults search(Id workspace_id, std::string_view query, int limit,
                         std::size_t snippet_width) override;
    std::size_t index_pending(int limit) override;

private:
    soci::session& session_;
    const bool postgresql_;
};

class SqlSecretRepository final : public SecretRepository {
public:
    explicit SqlSecretRepository(soci::session& session) : session_(session) {}

    std::string get_or_store(std::string_view name, std::string_view candidate,
                             Timestamp at) override;

private:
    soci::session& session_;
};

class SqlInsightRepository final : public InsightRepository {
public:
    explicit SqlInsightRepository(soci::session& session) : session_(session) {}

    Page<TimelineEntry> company_history(Id workspace_id, Id company_id, int limit) override;
    std::vector<CompanyChain> paths(Id workspace_id, Id from_id, Id to_id, int max_hops,
                                    int limit) override;
    void rebuild_company_links(Id workspace_id) override;

private:
    /// The companies of chains through `middle_ids` hops (2 or 3 companies between the ends).
    std::vector<std::vector<Id>> chains(Id workspace_id, Id from_id, Id to_id, int hops, int limit);
    CompanyHop hop(Id workspace_id, Id from_id, Id to_id);

    soci::session& session_;
};

/// The repositories of one pooled session; Database hands it to transact() callers.
class SqlUnitOfWork final : public UnitOfWork {
public:
    explicit SqlUnitOfWork(soci::session& session);
    SqlUnitOfWork(const SqlUnitOfWork&) = delete;
    SqlUnitOfWork& operator=(const SqlUnitOfWork&) = delete;

    WorkspaceRepository& workspaces() override { return workspaces_; }
    CompanyRepository& companies() override { return companies_; }
    ContactRepository& contacts() override { return contacts_; }
    MeetingRepository& meetings() override { return meetings_; }
    LeadRepository& leads() override { return leads_; }
    FollowUpRepository& follow_ups() override { return follow_ups_; }
    EventRepository& events() override { return events_; }
    AuditRepository& audit() override { return audit_; }
    OutboxRepository& outbox() override { return outbox_; }
    ScheduleRepository& schedules() override { return schedules_; }
    SummaryRepository& summaries() override { return summaries_; }
    ApiKeyRepository& api_keys() override { return api_keys_; }
    SearchRepository& search() override { return search_; }
    SecretRepository& secrets() override { return secrets_; }
    InsightRepository& insights() override { return insights_; }

private:
    SqlWorkspaceRepository workspaces_;
    SqlCompanyRepository companies_;
    SqlContactRepository contacts_;
    SqlMeetingRepository meetings_;
    SqlLeadRepository leads_;
    SqlFollowUpRepository follow_ups_;
    SqlEventRepository events_;
    SqlAuditRepository audit_;
    SqlOutboxRepository outbox_;
    SqlScheduleRepository schedules_;
    SqlSummaryRepository summaries_;
    SqlApiKeyRepository api_keys_;
    SqlSearchRepository search_;
    SqlSecretRepository secrets_;
    SqlInsightRepository insights_;
};

}  // namespace inmaek::storage::sql
