// The summary's reads (queries in sql_summary_queries.hpp).
#include "storage/sql_repositories.hpp"

#include <algorithm>

#include "storage/sql_summary_queries.hpp"

namespace inmaek::storage::sql {
namespace {

using namespace summary_sql;  // NOLINT(google-build-using-namespace): the queries of this file

/// Columns of a FollowUpBrief row, bound as intos.
struct FollowUpBriefRow {
    Int id = 0;
    std::string text;
    Nullable<std::string> due;
    std::string assignee;
    Nullable<Int> lead_id;

    void bind(soci::statement& statement) {
        statement.exchange(soci::into(id));
        statement.exchange(soci::into(text));
        due.bind_into(statement);
        statement.exchange(soci::into(assignee));
        lead_id.bind_into(statement);
    }
    [[nodiscard]] FollowUpBrief to_record() const {
        return FollowUpBrief{.id = id,
                             .text = text,
                             .due = day_from_db(due),
                             .assignee = assignee,
                             .lead_id = id_from_db(lead_id)};
    }
};

/// The follow-ups kFollowUpColumns + `filter` selects; bind adds the filter's uses.
template <typename Bind>
std::vector<FollowUpBrief> follow_up_briefs(soci::session& session, Id workspace_id,
                                            const char* filter, Bind&& bind) {
    const Int workspace = workspace_id;
    FollowUpBriefRow row;
    auto statement =
        prepare(session, std::string{kFollowUpColumns} + filter, [&](soci::statement& st) {
            st.exchange(soci::use(workspace));
            bind(st);
            row.bind(st);
        });
    std::vector<FollowUpBrief> briefs;
    for_each_row(statement, [&] { briefs.push_back(row.to_record()); });
    return briefs;
}

/// The single count `sql` yields; bind adds its uses.
template <typename Bind>
std::int64_t count(soci::session& session, const char* sql, Bind&& bind) {
    Int total = 0;
    auto statement = prepare(session, sql, [&](soci::statement& st) {
        bind(st);
        st.exchange(soci::into(total));
    });
    run_single(statement);
    return total;
}

/// Fills `pick(meeting)` with the names `sql` links to the listed meetings.
template <typename Pick>
void load_names(soci::session& session, const std::string& sql, Id workspace_id, Timestamp from,
                Timestamp to, int limit, std::vector<MeetingBrief>& meetings, Pick&& pick) {
    const Int workspace = workspace_id;
    const Int from_at = to_db(from);
    const Int to_at = to_db(to);
    Int meeting_id = 0;
    std::string name;
    auto statement = prepare(session, sql, [&](soci::statement& st) {
        st.exchange(soci::use(workspace));
        st.exchange(soci::use(workspace));
        st.exchange(soci::use(from_at));
        st.exchange(soci::use(to_at));
        st.exchange(soci::use(limit));
        st.exchange(soci::into(meeting_id));
        st.exchange(soci::into(name));
    });
    for_each_row(statement, [&] {
        const auto found = std::find_if(meetings.begin(), meetings.end(),
                                        [&](const MeetingBrief& m) { return m.id == meeting_id; });
        if (found != meetings.end()) pick(*found).push_back(name);
    });
}

}  // namespace

Page<MeetingBrief> SqlSummaryRepository::meetings(Id workspace_id, Timestamp from, Timestamp to,
                                                  int limit) {
    const Int workspace = workspace_id;
    const Int from_at = to_db(from);
    const Int to_at = to_db(to);
    const int rows = sql_limit(limit);
    Page<MeetingBrief> page;
    page.total = count(session_, kCountMeetings, [&](soci::statement& st) {
        st.exchange(soci::use(workspace));
        st.exchange(soci::use(from_at));
        st.exchange(soci::use(to_at));
    });
    if (page.total == 0) return page;

    MeetingBrief brief;
    Int id = 0;
    Int starts_at = 0;
    int has_time = 0;
    auto statement = prepare(session_, kListMeetings, [&](soci::statement& st) {
        st.exchange(soci::use(workspace));
        st.exchange(soci::use(from_at));
        st.exchange(soci::use(to_at));
        st.exchange(soci::use(rows));
        st.exchange(soci::into(id));
        st.exchange(soci::into(starts_at));
        st.exchange(soci::into(has_time));
        st.exchange(soci::into(brief.notes));
    });
    for_each_row(statement, [&] {
        brief.id = id;
        brief.starts_at = timestamp_from_db(starts_at);
        brief.has_time = has_time != 0;
        page.items.push_back(brief);
    });
    load_names(session_, kMeetingCompanies, workspace_id, from, to, rows, page.items,
               [](MeetingBrief& m) -> std::vector<std::string>& { return m.companies; });
    load_names(session_, kMeetingContacts, workspace_id, from, to, rows, page.items,
               [](MeetingBrief& m) -> std::vector<std::string>& { return m.contacts; });
    return page;
}

LeadMoves SqlSummaryRepository::lead_moves(Id workspace_id, Timestamp from, Timestamp to,
                                           int limit) {
    const Int workspace = workspace_id;
    const Int from_at = to_db(from);
    const Int to_at = to_db(to);
    const int rows = sql_limit(limit);
    int kind = 0;
    Int total = 0;
    Int lead_id = 0;
    Int changed_at = 0;
    LeadMove move;
    Nullable<Int> value_amount;
    Nullable<std::string> value_currency;
    auto statement = prepare(session_, kLeadMoves, [&](soci::statement& st) {
        st.exchange(soci::use(workspace));
        st.exchange(soci::use(from_at));
        st.exchange(soci::use(to_at));
        st.exchange(soci::use(rows));
        st.exchange(soci::into(kind));
        st.exchange(soci::into(total));
        st.exchange(soci::into(lead_id));
        st.exchange(soci::into(move.title));
        st.exchange(soci::into(move.from_stage));
        st.exchange(soci::into(move.to_stage));
        st.exchange(soci::into(changed_at));
        st.exchange(soci::into(move.changed_by));
        value_amount.bind_into(st);
        value_currency.bind_into(st);
    });
    LeadMoves moves;
    std::array<Page<LeadMove>*, 4> pages{&moves.created, &moves.moved, &moves.to_signed,
                                         &moves.to_dropped};
    for_each_row(statement, [&] {
        move.lead_id = lead_id;
        move.changed_at = timestamp_from_db(changed_at);
        move.value.reset();
        if (const auto amount = value_amount.get()) {
            move.value = Money{*amount, value_currency.get().value_or("KRW")};
        }
        auto& page = *pages.at(static_cast<std::size_t>(kind));
        page.total = total;
        page.items.push_back(move);
    });
    return moves;
}

Page<FollowUpBrief> SqlSummaryRepository::new_follow_ups(Id workspace_id, Timestamp from,
                                                         Timestamp to, int limit) {
    const Int workspace = workspace_id;
    const Int from_at = to_db(from);
    const Int to_at = to_db(to);
    const int rows = sql_limit(limit);
    Page<FollowUpBrief> page;
    page.total = count(session_, kCountNewFollowUps, [&](soci::statement& st) {
        st.exchange(soci::use(workspace));
        st.exchange(soci::use(from_at));
        st.exchange(soci::use(to_at));
    });
    if (page.total == 0) return page;
    page.items =
        follow_up_briefs(session_, workspace_id, kNewFollowUpsFilter, [&](soci::statement& st) {
            st.exchange(soci::use(from_at));
            st.exchange(soci::use(to_at));
            st.exchange(soci::use(rows));
        });
    return page;
}

DueFollowUps SqlSummaryRepository::due_follow_ups(Id workspace_id, Day today, int limit) {
    const Int workspace = workspace_id;
    const std::string day = day_to_db(today);
    const int rows = sql_limit(limit);
    DueFollowUps due;
    due.due_today.total = count(session_, kCountDueToday, [&](soci::statement& st) {
        st.exchange(soci::use(workspace));
        st.exchange(soci::use(day));
    });
    due.overdue.total = count(session_, kCountOverdue, [&](soci::statement& st) {
        st.exchange(soci::use(workspace));
        st.exchange(soci::use(workspace));
        st.exchange(soci::use(day));
    });
    const auto list = [&](const char* filter) {
        return follow_up_briefs(session_, workspace_id, filter, [&](soci::statement& st) {
            st.exchange(soci::use(day));
            st.exchange(soci::use(rows));
        });
    };
    if (due.due_today.total > 0) due.due_today.items = list(kDueTodayFilter);
    if (due.overdue.total > 0) due.overdue.items = list(kOverdueFilter);
    return due;
}

Page<IdleLead> SqlSummaryRepository::idle_leads(Id workspace_id,
                                                const std::vector<IdleCutoff>& cutoffs, int limit) {
    Page<IdleLead> page;
    if (cutoffs.empty()) return page;
    const Int workspace = workspace_id;
    const int rows = sql_limit(limit);
    std::vector<std::string> stages;
    std::vector<Int> sinces;
    for (const auto& cutoff : cutoffs) {
        stages.push_back(cutoff.stage);
        sinces.push_back(to_db(cutoff.since));
    }
    page.total = count(session_, idle_count_sql(stages.size()).c_str(), [&](soci::statement& st) {
        for (std::size_t i = 0; i < stages.size(); ++i) {
            for (int read = 0; read < 3; ++read) {
                st.exchange(soci::use(workspace));
                st.exchange(soci::use(stages[i]));
                if (read > 0) st.exchange(soci::use(sinces[i]));
            }
            st.exchange(soci::use(sinces[i]));
        }
    });
    if (page.total == 0) return page;

    Int id = 0;
    Int updated_at = 0;
    Nullable<Int> last_met;
    IdleLead lead;
    auto statement = prepare(session_, idle_leads_sql(stages.size()), [&](soci::statement& st) {
        for (std::size_t i = 0; i < stages.size(); ++i) {
            st.exchange(soci::use(workspace));
            st.exchange(soci::use(stages[i]));
            st.exchange(soci::use(sinces[i]));
            st.exchange(soci::use(sinces[i]));
            st.exchange(soci::use(rows));
        }
        st.exchange(soci::use(rows));
        st.exchange(soci::into(id));
        st.exchange(soci::into(lead.title));
        st.exchange(soci::into(lead.stage));
        st.exchange(soci::into(updated_at));
        last_met.bind_into(st);
        st.exchange(soci::into(lead.owner));
    });
    for_each_row(statement, [&] {
        lead.id = id;
        lead.last_activity = timestamp_from_db(std::max(updated_at, last_met.get().value_or(0)));
        page.items.push_back(lead);
    });
    // Picked by last change; shown by last activity, which a meeting may have made later.
    std::stable_sort(
        page.items.begin(), page.items.end(),
        [](const IdleLead& a, const IdleLead& b) { return a.last_activity > b.last_activity; });
    return page;
}

std::vector<PipelineRow> SqlSummaryRepository::pipeline(Id workspace_id) {
    const Int workspace = workspace_id;
    PipelineRow row;
    Int leads = 0;
    Int amount = 0;
    auto statement = prepare(session_, kPipeline, [&](soci::statement& st) {
        st.exchange(soci::use(workspace));
        st.exchange(soci::into(row.stage));
        st.exchange(soci::into(row.currency));
        st.exchange(soci::into(leads));
        st.exchange(soci::into(amount));
    });
    std::vector<PipelineRow> rows;
    for_each_row(statement, [&] {
        row.leads = leads;
        row.amount = amount;
        rows.push_back(row);
    });
    return rows;
}

}  // namespace inmaek::storage::sql
