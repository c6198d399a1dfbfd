#include "storage/sql_repositories.hpp"

namespace inmaek::storage::sql {
namespace {

constexpr auto kFindReply = R"sql(
    SELECT reply FROM inbound_events WHERE platform = :platform AND event_key = :event_key)sql";

// A plain INSERT: a redelivered key violates the primary key, which is the point.
constexpr auto kInsertEvent = R"sql(
    INSERT INTO inbound_events (platform, event_key, workspace_id, reply, created_at)
    VALUES (:platform, :event_key, :workspace_id, :reply, :created_at))sql";

constexpr auto kClaimEvent = R"sql(
    INSERT INTO inbound_events (platform, event_key, workspace_id, reply, created_at)
    VALUES (:platform, :event_key, NULL, '', :created_at)
    ON CONFLICT (platform, event_key) DO NOTHING)sql";

constexpr auto kCompleteEvent = R"sql(
    UPDATE inbound_events SET workspace_id = :workspace_id, reply = :reply
    WHERE platform = :platform AND event_key = :event_key)sql";

}  // namespace

std::optional<std::string> SqlEventRepository::find_reply(std::string_view platform,
                                                          std::string_view event_key) {
    auto& statement = find_.get(session_, kFindReply, [&](soci::statement& st) {
        st.exchange(soci::use(platform_));
        st.exchange(soci::use(event_key_));
        st.exchange(soci::into(reply_));
    });
    platform_.assign(platform);
    event_key_.assign(event_key);
    if (!guarded(find_, [&] { return run_single(statement); })) {
        return std::nullopt;
    }
    return reply_;
}

void SqlEventRepository::record(std::string_view platform, std::string_view event_key,
                                std::optional<Id> workspace_id, std::string_view reply_json,
                                Timestamp at) {
    auto& statement = insert_.get(session_, kInsertEvent, [&](soci::statement& st) {
        st.exchange(soci::use(platform_));
        st.exchange(soci::use(event_key_));
        workspace_id_.bind_use(st);
        st.exchange(soci::use(reply_));
        st.exchange(soci::use(at_));
    });
    platform_.assign(platform);
    event_key_.assign(event_key);
    set_id(workspace_id_, workspace_id);
    reply_.assign(reply_json);
    at_ = to_db(at);
    guarded(insert_, [&] { run(statement); });
}

bool SqlEventRepository::claim(std::string_view platform, std::string_view event_key,
                               Timestamp at) {
    auto& statement = claim_.get(session_, kClaimEvent, [&](soci::statement& st) {
        st.exchange(soci::use(platform_));
        st.exchange(soci::use(event_key_));
        st.exchange(soci::use(at_));
    });
    platform_.assign(platform);
    event_key_.assign(event_key);
    at_ = to_db(at);
    return guarded(claim_, [&] {
        run(statement);
        return statement.get_affected_rows() == 1;
    });
}

void SqlEventRepository::complete(std::string_view platform, std::string_view event_key,
                                  std::optional<Id> workspace_id, std::string_view reply_json) {
    auto& statement = complete_.get(session_, kCompleteEvent, [&](soci::statement& st) {
        workspace_id_.bind_use(st);
        st.exchange(soci::use(reply_));
        st.exchange(soci::use(platform_));
        st.exchange(soci::use(event_key_));
    });
    platform_.assign(platform);
    event_key_.assign(event_key);
    set_id(workspace_id_, workspace_id);
    reply_.assign(reply_json);
    guarded(complete_, [&] { run(statement); });
}

}  // namespace inmaek::storage::sql
