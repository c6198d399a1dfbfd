#include "storage/sql_repositories.hpp"

#include <algorithm>
#include <stdexcept>

namespace inmaek::storage::sql {
namespace {

constexpr auto kInsertFollowUp = R"sql(
    INSERT INTO follow_ups (workspace_id, text, due, assignee_id, lead_id, meeting_id, done,
                            done_at, created_by, created_at, origin_platform, origin_chat)
    VALUES (:workspace_id, :text, :due, :assignee_id, :lead_id, :meeting_id, :done, :done_at,
            :created_by, :created_at, :origin_platform, :origin_chat)
    RETURNING id)sql";

constexpr auto kSelectFollowUp = R"sql(
    SELECT id, workspace_id, text, due, assignee_id, lead_id, meeting_id, done, done_at,
           created_by, created_at, origin_platform, origin_chat, reminded_on
    FROM follow_ups WHERE workspace_id = :workspace_id AND id = :id)sql";

// Marking twice keeps the first done_at.
constexpr auto kMarkDone = R"sql(
    UPDATE follow_ups SET done = 1, done_at = :done_at
    WHERE workspace_id = :workspace_id AND id = :id AND done = 0)sql";

// Filter fragments are fixed SQL; the values are bound. 'YYYY-MM-DD' text orders as dates.
constexpr auto kListFollowUps = R"sql(
    SELECT id, workspace_id, text, due, assignee_id, lead_id, meeting_id, done, done_at,
           created_by, created_at, origin_platform, origin_chat, reminded_on
    FROM follow_ups WHERE workspace_id = :workspace_id)sql";
// The lease-free claim of the morning's reminders: marking reminded_on in the claiming
// transaction, which also queues the reminders, is what makes each go out once.
constexpr auto kClaimReminders = R"sql(
    UPDATE follow_ups SET reminded_on = :today
    WHERE id IN (
        SELECT id FROM follow_ups
        WHERE workspace_id = :workspace_id AND done = 0 AND due = :due
          AND reminded_on IS NULL
        ORDER BY id
        LIMIT :limit)sql";
constexpr auto kClaimRemindersReturning = R"sql()
    RETURNING id, workspace_id, text, due, assignee_id, lead_id, meeting_id, done, done_at,
              created_by, created_at, origin_platform, origin_chat, reminded_on)sql";

constexpr auto kOpenOnly = " AND done = 0";
constexpr auto kAssigneeFilter = " AND assignee_id = :assignee_id";
constexpr auto kDueBeforeFilter = " AND due < :due_before";
constexpr auto kLeadFilter = " AND lead_id = :lead_id";
// Open first, then by due date with undated last.
constexpr auto kOrderOpenByDue = " ORDER BY done, CASE WHEN due IS NULL THEN 1 ELSE 0 END, due, id";
constexpr auto kLimit = " LIMIT :limit";

constexpr auto kUpdateFollowUp = R"sql(
    UPDATE follow_ups SET text = :text, due = :due, assignee_id = :assignee_id,
                          lead_id = :lead_id, done = :done, done_at = :done_at
    WHERE workspace_id = :workspace_id AND id = :id)sql";

constexpr auto kDeleteFollowUp = R"sql(
    DELETE FROM follow_ups WHERE workspace_id = :workspace_id AND id = :id)sql";

}  // namespace

void FollowUpRow::bind(soci::statement& statement) {
    statement.exchange(soci::into(id));
    statement.exchange(soci::into(workspace_id));
    statement.exchange(soci::into(text));
    due.bind_into(statement);
    assignee_id.bind_into(statement);
    lead_id.bind_into(statement);
    meeting_id.bind_into(statement);
    statement.exchange(soci::into(done));
    done_at.bind_into(statement);
    created_by.bind_into(statement);
    statement.exchange(soci::into(created_at));
    origin_platform.bind_into(statement);
    origin_chat.bind_into(statement);
    reminded_on.bind_into(statement);
}

FollowUp FollowUpRow::to_record() const {
    FollowUp follow_up{.id = id,
                       .workspace_id = workspace_id,
                       .text = text,
                       .due = day_from_db(due),
                       .assignee_id = id_from_db(assignee_id),
                       .lead_id = id_from_db(lead_id),
                       .meeting_id = id_from_db(meeting_id),
                       .done = done != 0,
                       .created_by = user_from_db(created_by),
                       .created_at = timestamp_from_db(created_at)};
    if (const auto at = done_at.get()) {
        follow_up.done_at = timestamp_from_db(*at);
    }
    follow_up.origin_platform = origin_platform.get().value_or("");
    follow_up.origin_chat = origin_chat.get().value_or("");
    follow_up.reminded_on = day_from_db(reminded_on);
    return follow_up;
}

FollowUp SqlFollowUpRepository::create(const FollowUp& follow_up) {
    const Int workspace_id = follow_up.workspace_id;
    Nullable<std::string> due;
    set_day(due, follow_up.due);
    Nullable<Int> assignee_id;
    set_id(assignee_id, follow_up.assignee_id);
    Nullable<Int> lead_id;
    set_id(lead_id, follow_up.lead_id);
    Nullable<Int> meeting_id;
    set_id(meeting_id, follow_up.meeting_id);
    const int done = follow_up.done ? 1 : 0;
    Nullable<Int> done_at;
    if (follow_up.done_at) {
        done_at.set(to_db(*follow_up.done_at));
    }
    Nullable<Int> created_by;
    set_user(created_by, follow_up.created_by);
    const Int created_at = to_db(follow_up.created_at);
    Nullable<std::string> origin_platform;
    set_text_or_null(origin_platform, follow_up.origin_platform);
    Nullable<std::string> origin_chat;
    set_text_or_null(origin_chat, follow_up.origin_chat);
    Int id = 0;
    auto statement = prepare(session_, kInsertFollowUp, [&](soci::statement& st) {
        st.exchange(soci::use(workspace_id));
        st.exchange(soci::use(follow_up.text));
        due.bind_use(st);
        assignee_id.bind_use(st);
        lead_id.bind_use(st);
        meeting_id.bind_use(st);
        st.exchange(soci::use(done));
        done_at.bind_use(st);
        created_by.bind_use(st);
        st.exchange(soci::use(created_at));
        origin_platform.bind_use(st);
        origin_chat.bind_use(st);
        st.exchange(soci::into(id));
    });
    run_single(statement);
    FollowUp created = follow_up;
    created.id = id;
    return created;
}

std::optional<FollowUp> SqlFollowUpRepository::get(Id workspace_id, Id follow_up_id) {
    const Int workspace = workspace_id;
    const Int id = follow_up_id;
    FollowUpRow row;
    auto statement = prepare(session_, kSelectFollowUp, [&](soci::statement& st) {
        st.exchange(soci::use(workspace));
        st.exchange(soci::use(id));
        row.bind(st);
    });
    if (!run_single(statement)) {
        return std::nullopt;
    }
    return row.to_record();
}

void SqlFollowUpRepository::mark_done(Id workspace_id, Id follow_up_id, Timestamp at) {
    const Int done_at = to_db(at);
    const Int workspace = workspace_id;
    const Int id = follow_up_id;
    auto statement = prepare(session_, kMarkDone, [&](soci::statement& st) {
        st.exchange(soci::use(done_at));
        st.exchange(soci::use(workspace));
        st.exchange(soci::use(id));
    });
    run(statement);
    if (statement.get_affected_rows() == 0 && !get(workspace_id, follow_up_id)) {
        throw std::out_of_range("follow-up " + std::to_string(follow_up_id) +
                                " not found in workspace " + std::to_string(workspace_id));
    }
}

std::vector<FollowUp> SqlFollowUpRepository::list(Id workspace_id, const FollowUpFilter& filter) {
    const Int workspace = workspace_id;
    const Int assignee = filter.assignee_id.value_or(0);
    const std::string due_before = filter.due_before ? day_to_db(*filter.due_before) : "";
    std::string sql = kListFollowUps;
    if (!filter.include_done) {
        sql += kOpenOnly;
    }
    if (filter.assignee_id) {
        sql += kAssigneeFilter;
    }
    if (filter.due_before) {
        sql += kDueBeforeFilter;
    }
    sql += kOrderOpenByDue;
    if (filter.limit > 0) {
        sql += kLimit;
    }
    FollowUpRow row;
    auto statement = prepare(session_, sql, [&](soci::statement& st) {
        st.exchange(soci::use(workspace));
        if (filter.assignee_id) {
            st.exchange(soci::use(assignee));
        }
        if (filter.due_before) {
            st.exchange(soci::use(due_before));
        }
        if (filter.limit > 0) {
            st.exchange(soci::use(filter.limit));
        }
        row.bind(st);
    });
    std::vector<FollowUp> follow_ups;
    for_each_row(statement, [&] { follow_ups.push_back(row.to_record()); });
    return follow_ups;
}

std::vector<FollowUp> SqlFollowUpRepository::for_lead(Id workspace_id, Id lead_id) {
    const Int workspace = workspace_id;
    const Int lead = lead_id;
    const std::string sql = std::string(kListFollowUps) + kLeadFilter + kOrderOpenByDue;
    FollowUpRow row;
    auto statement = prepare(session_, sql, [&](soci::statement& st) {
        st.exchange(soci::use(workspace));
        st.exchange(soci::use(lead));
        row.bind(st);
    });
    std::vector<FollowUp> follow_ups;
    for_each_row(statement, [&] { follow_ups.push_back(row.to_record()); });
    return follow_ups;
}

std::vector<FollowUp> SqlFollowUpRepository::claim_reminders(Id workspace_id, Day today,
                                                             int limit) {
    static const std::string kSqlite = std::string{kClaimReminders} + kClaimRemindersReturning;
    static const std::string kPostgresql =
        std::string{kClaimReminders} + " FOR UPDATE SKIP LOCKED" + kClaimRemindersReturning;
    const std::string day = day_to_db(today);
    const Int workspace = workspace_id;
    const int rows = sql_limit(limit);
    FollowUpRow row;
    auto statement =
        prepare(session_, postgresql_ ? kPostgresql : kSqlite, [&](soci::statement& st) {
            st.exchange(soci::use(day));
            st.exchange(soci::use(workspace));
            st.exchange(soci::use(day));
            st.exchange(soci::use(rows));
            row.bind(st);
        });
    std::vector<FollowUp> claimed;
    for_each_row(statement, [&] { claimed.push_back(row.to_record()); });
    std::sort(claimed.begin(), claimed.end(),
              [](const auto& a, const auto& b) { return a.id < b.id; });
    return claimed;
}

std::vector<FollowUp> SqlFollowUpRepository::page(Id workspace_id, Id after_id, int limit) {
    return load_page(page_ids(session_, "follow_ups", workspace_id, after_id, limit),
                     [&](Id id) { return get(workspace_id, id); });
}

bool SqlFollowUpRepository::update(const FollowUp& follow_up) {
    const Int workspace = follow_up.workspace_id;
    const Int id = follow_up.id;
    Nullable<std::string> due;
    set_day(due, follow_up.due);
    Nullable<Int> assignee_id;
    set_id(assignee_id, follow_up.assignee_id);
    Nullable<Int> lead_id;
    set_id(lead_id, follow_up.lead_id);
    const int done = follow_up.done ? 1 : 0;
    Nullable<Int> done_at;
    done_at.set(follow_up.done_at ? std::optional<Int>{to_db(*follow_up.done_at)} : std::nullopt);
    auto statement = prepare(session_, kUpdateFollowUp, [&](soci::statement& st) {
        st.exchange(soci::use(follow_up.text));
        due.bind_use(st);
        assignee_id.bind_use(st);
        lead_id.bind_use(st);
        st.exchange(soci::use(done));
        done_at.bind_use(st);
        st.exchange(soci::use(workspace));
        st.exchange(soci::use(id));
    });
    run(statement);
    return statement.get_affected_rows() == 1;
}

bool SqlFollowUpRepository::remove(Id workspace_id, Id follow_up_id) {
    const Int workspace = workspace_id;
    const Int id = follow_up_id;
    auto statement = prepare(session_, kDeleteFollowUp, [&](soci::statement& st) {
        st.exchange(soci::use(workspace));
        st.exchange(soci::use(id));
    });
    run(statement);
    return statement.get_affected_rows() == 1;
}

}  // namespace inmaek::storage::sql
