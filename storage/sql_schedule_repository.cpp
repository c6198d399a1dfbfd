#include "storage/sql_repositories.hpp"

namespace inmaek::storage::sql {
namespace {

constexpr auto kSubscribe = R"sql(
    INSERT INTO summary_subscriptions (workspace_id, platform, platform_chat_id, kind, weekday,
                                       local_time, time_zone, created_by, created_at)
    VALUES (:workspace_id, :platform, :platform_chat_id, :kind, :weekday, :local_time,
            :time_zone, :created_by, :created_at)
    ON CONFLICT (platform, platform_chat_id, kind) DO UPDATE
        SET weekday = excluded.weekday, local_time = excluded.local_time,
            time_zone = excluded.time_zone
    RETURNING id, workspace_id, created_by, created_at)sql";

constexpr auto kUnsubscribe = R"sql(
    DELETE FROM summary_subscriptions
    WHERE workspace_id = :workspace_id AND platform = :platform
      AND platform_chat_id = :platform_chat_id AND (:any_kind = 1 OR kind = :kind))sql";

constexpr auto kSubscriptions = R"sql(
    SELECT id, workspace_id, platform, platform_chat_id, kind, weekday, local_time, time_zone,
           created_by, created_at
    FROM summary_subscriptions WHERE (:all_workspaces = 1 OR workspace_id = :workspace_id)
    ORDER BY id)sql";

constexpr auto kClaimRun = R"sql(
    INSERT INTO summary_runs (subscription_id, local_date, status, note, created_at)
    VALUES (:subscription_id, :local_date, :status, :note, :created_at)
    ON CONFLICT (subscription_id, local_date) DO NOTHING)sql";

constexpr auto kRuns = R"sql(
    SELECT local_date, status, note, created_at FROM summary_runs
    WHERE subscription_id = :subscription_id ORDER BY local_date DESC LIMIT :limit)sql";

}  // namespace

SummarySubscription SqlScheduleRepository::subscribe(const SummarySubscription& subscription) {
    const Int workspace_id = subscription.workspace_id;
    Nullable<int> weekday;
    weekday.set(subscription.weekday);
    Nullable<std::string> time_zone;
    set_text_or_null(time_zone, subscription.time_zone);
    Nullable<Int> created_by;
    set_user(created_by, subscription.created_by);
    const Int created_at = to_db(subscription.created_at);
    Int id = 0;
    Int stored_workspace = 0;
    Nullable<Int> stored_by;
    Int stored_at = 0;
    auto statement = prepare(session_, kSubscribe, [&](soci::statement& st) {
        st.exchange(soci::use(workspace_id));
        st.exchange(soci::use(subscription.platform));
        st.exchange(soci::use(subscription.platform_chat_id));
        st.exchange(soci::use(subscription.kind));
        weekday.bind_use(st);
        st.exchange(soci::use(subscription.local_time));
        time_zone.bind_use(st);
        created_by.bind_use(st);
        st.exchange(soci::use(created_at));
        st.exchange(soci::into(id));
        st.exchange(soci::into(stored_workspace));
        stored_by.bind_into(st);
        st.exchange(soci::into(stored_at));
    });
    run_single(statement);
    SummarySubscription stored = subscription;
    stored.id = id;
    stored.workspace_id = stored_workspace;
    stored.created_by = user_from_db(stored_by);
    stored.created_at = timestamp_from_db(stored_at);
    return stored;
}

int SqlScheduleRepository::unsubscribe(Id workspace_id, std::string_view platform,
                                       std::string_view platform_chat_id, std::string_view kind) {
    const Int workspace = workspace_id;
    const std::string platform_text{platform};
    const std::string chat{platform_chat_id};
    const int any_kind = kind.empty() ? 1 : 0;
    const std::string kind_text{kind};
    auto statement = prepare(session_, kUnsubscribe, [&](soci::statement& st) {
        st.exchange(soci::use(workspace));
        st.exchange(soci::use(platform_text));
        st.exchange(soci::use(chat));
        st.exchange(soci::use(any_kind));
        st.exchange(soci::use(kind_text));
    });
    run(statement);
    return static_cast<int>(statement.get_affected_rows());
}

std::vector<SummarySubscription> SqlScheduleRepository::subscriptions(
    std::optional<Id> workspace_id) {
    const int all_workspaces = workspace_id ? 0 : 1;
    const Int wanted = workspace_id.value_or(0);
    SummarySubscription row;
    Int id = 0;
    Int workspace = 0;
    Nullable<int> weekday;
    Nullable<std::string> time_zone;
    Nullable<Int> created_by;
    Int created_at = 0;
    auto statement = prepare(session_, kSubscriptions, [&](soci::statement& st) {
        st.exchange(soci::use(all_workspaces));
        st.exchange(soci::use(wanted));
        st.exchange(soci::into(id));
        st.exchange(soci::into(workspace));
        st.exchange(soci::into(row.platform));
        st.exchange(soci::into(row.platform_chat_id));
        st.exchange(soci::into(row.kind));
        weekday.bind_into(st);
        st.exchange(soci::into(row.local_time));
        time_zone.bind_into(st);
        created_by.bind_into(st);
        st.exchange(soci::into(created_at));
    });
    std::vector<SummarySubscription> subscriptions;
    for_each_row(statement, [&] {
        row.id = id;
        row.workspace_id = workspace;
        row.weekday = weekday.get();
        row.time_zone = time_zone.get().value_or("");
        row.created_by = user_from_db(created_by);
        row.created_at = timestamp_from_db(created_at);
        subscriptions.push_back(row);
    });
    return subscriptions;
}

bool SqlScheduleRepository::claim_run(const SummaryRun& run) {
    const Int subscription = run.subscription_id;
    const std::string local_date = day_to_db(run.local_date);
    const Int created_at = to_db(run.created_at);
    auto statement = prepare(session_, kClaimRun, [&](soci::statement& st) {
        st.exchange(soci::use(subscription));
        st.exchange(soci::use(local_date));
        st.exchange(soci::use(run.status));
        st.exchange(soci::use(run.note));
        st.exchange(soci::use(created_at));
    });
    sql::run(statement);
    return statement.get_affected_rows() == 1;
}

std::vector<SummaryRun> SqlScheduleRepository::runs(Id subscription_id, int limit) {
    const Int subscription = subscription_id;
    const int rows = sql_limit(limit);
    std::string local_date;
    SummaryRun row;
    Int created_at = 0;
    auto statement = prepare(session_, kRuns, [&](soci::statement& st) {
        st.exchange(soci::use(subscription));
        st.exchange(soci::use(rows));
        st.exchange(soci::into(local_date));
        st.exchange(soci::into(row.status));
        st.exchange(soci::into(row.note));
        st.exchange(soci::into(created_at));
    });
    std::vector<SummaryRun> runs;
    for_each_row(statement, [&] {
        row.subscription_id = subscription_id;
        row.local_date = day_from_db(local_date).value_or(Day{});
        row.created_at = timestamp_from_db(created_at);
        runs.push_back(row);
    });
    return runs;
}

}  // namespace inmaek::storage::sql
