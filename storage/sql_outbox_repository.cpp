#include <algorithm>
#include <map>
#include <tuple>

#include "storage/sql_repositories.hpp"

namespace inmaek::storage::sql {
namespace {

#define INMAEK_OUTBOX_COLUMNS                                                                \
    "id, workspace_id, platform, destination, kind, dedupe_key, payload, status, attempts, " \
    "next_attempt_at, last_error, created_at, sent_at"

constexpr auto kEnqueue = R"sql(
    INSERT INTO outbox (workspace_id, platform, destination, kind, dedupe_key, payload,
                        next_attempt_at, created_at)
    VALUES (:workspace_id, :platform, :destination, :kind, :dedupe_key, :payload,
            :next_attempt_at, :created_at)
    ON CONFLICT (dedupe_key) DO NOTHING)sql";

// The lease is taken in the claiming transaction, which commits at once: the row stays the
// claimer's while it delivers, without a transaction held open over the network. Without
// SKIP LOCKED, a second claimer on PostgreSQL would pick the same ids in its subquery, wait for
// the first one's commit and then take the rows again (READ COMMITTED re-checks only the outer
// WHERE). SQLite runs one writer at a time, so the plain subquery is exact there.
// A chat's messages go out in the order they were queued (the parts of a summary): a row waits
// while an earlier pending row of its chat is not due (a retry, a rate limit) or is held by
// another claimer (index outbox_pending_chat). Rows are taken oldest first, so a chat's earlier
// rows are claimed with or before its later ones.
constexpr auto kClaimSelect = R"sql(
    UPDATE outbox SET claimed_until = :lease_until, claimed_by = :sender
    WHERE id IN (
        SELECT id FROM outbox
        WHERE status = 'pending' AND next_attempt_at <= :now
          AND (claimed_until IS NULL OR claimed_until <= :now_again)
          AND NOT EXISTS (
              SELECT 1 FROM outbox earlier
              WHERE earlier.status = 'pending' AND earlier.platform = outbox.platform
                AND earlier.destination = outbox.destination AND earlier.id < outbox.id
                AND (earlier.next_attempt_at > :now3 OR earlier.claimed_until > :now4))
        ORDER BY id
        LIMIT :limit)sql";
// Claims take turns on PostgreSQL, so that one sees the leases another just took: otherwise two
// replicas could split one chat's rows between them and send them out of order. A claim is one
// short statement; SQLite runs one writer at a time anyway.
constexpr auto kClaimTurn = "SELECT pg_advisory_xact_lock(hashtext('inmaek outbox claim'))";
constexpr auto kClaimReturning = ") RETURNING " INMAEK_OUTBOX_COLUMNS;

constexpr auto kMarkSent = R"sql(
    UPDATE outbox SET status = 'sent', sent_at = :at, attempts = attempts + 1,
                      claimed_until = NULL, last_error = NULL
    WHERE id = :id)sql";

constexpr auto kRetryLater = R"sql(
    UPDATE outbox SET attempts = attempts + 1, next_attempt_at = :next_attempt_at,
                      claimed_until = NULL, last_error = :error
    WHERE id = :id)sql";

constexpr auto kRelease = R"sql(
    UPDATE outbox SET next_attempt_at = :next_attempt_at, claimed_until = NULL
    WHERE id = :id)sql";

constexpr auto kMarkDead = R"sql(
    UPDATE outbox SET status = 'dead', attempts = attempts + 1, next_attempt_at = :at,
                      claimed_until = NULL, last_error = :error
    WHERE id = :id)sql";

constexpr auto kList = "SELECT " INMAEK_OUTBOX_COLUMNS R"sql(
    FROM outbox WHERE (:any_status = 1 OR status = :status)
    ORDER BY id DESC LIMIT :limit)sql";

constexpr auto kRequeue = R"sql(
    UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = :now,
                      claimed_until = NULL
    WHERE id = :id AND status <> 'sent')sql";

constexpr auto kCounts = "SELECT status, COUNT(*) FROM outbox GROUP BY status ORDER BY status";

#undef INMAEK_OUTBOX_COLUMNS

/// RETURNING gives no order: the oldest due first, and each chat's rows in the order they were
/// queued, in the places its rows take in that order.
std::vector<OutboxMessage> in_delivery_order(std::vector<OutboxMessage> claimed) {
    std::sort(claimed.begin(), claimed.end(), [](const auto& a, const auto& b) {
        return std::tie(a.next_attempt_at, a.id) < std::tie(b.next_attempt_at, b.id);
    });
    std::map<std::pair<std::string, std::string>, std::vector<std::size_t>> places;
    for (std::size_t i = 0; i < claimed.size(); ++i) {
        places[{claimed[i].platform, claimed[i].destination}].push_back(i);
    }
    std::vector<OutboxMessage> ordered(claimed.size());
    for (const auto& [chat, at] : places) {
        auto by_id = at;
        std::sort(by_id.begin(), by_id.end(),
                  [&](std::size_t a, std::size_t b) { return claimed[a].id < claimed[b].id; });
        for (std::size_t k = 0; k < at.size(); ++k) ordered[at[k]] = std::move(claimed[by_id[k]]);
    }
    return ordered;
}

}  // namespace

void OutboxRow::bind(soci::statement& statement) {
    statement.exchange(soci::into(id));
    workspace_id.bind_into(statement);
    statement.exchange(soci::into(platform));
    statement.exchange(soci::into(destination));
    statement.exchange(soci::into(kind));
    statement.exchange(soci::into(dedupe_key));
    statement.exchange(soci::into(payload));
    statement.exchange(soci::into(status));
    statement.exchange(soci::into(attempts));
    statement.exchange(soci::into(next_attempt_at));
    last_error.bind_into(statement);
    statement.exchange(soci::into(created_at));
    sent_at.bind_into(statement);
}

OutboxMessage OutboxRow::to_record() const {
    const auto sent = sent_at.get();
    return OutboxMessage{
        .id = id,
        .workspace_id = id_from_db(workspace_id),
        .platform = platform,
        .destination = destination,
        .kind = kind,
        .dedupe_key = dedupe_key,
        .payload = payload,
        .status = status,
        .attempts = attempts,
        .next_attempt_at = timestamp_from_db(next_attempt_at),
        .last_error = last_error.get().value_or(""),
        .created_at = timestamp_from_db(created_at),
        .sent_at = sent ? std::optional<Timestamp>{timestamp_from_db(*sent)} : std::nullopt};
}

bool SqlOutboxRepository::enqueue(const OutboxMessage& message) {
    Nullable<Int> workspace_id;
    set_id(workspace_id, message.workspace_id);
    const Int next_attempt_at = to_db(message.next_attempt_at);
    const Int created_at = to_db(message.created_at);
    auto statement = prepare(session_, kEnqueue, [&](soci::statement& st) {
        workspace_id.bind_use(st);
        st.exchange(soci::use(message.platform));
        st.exchange(soci::use(message.destination));
        st.exchange(soci::use(message.kind));
        st.exchange(soci::use(message.dedupe_key));
        st.exchange(soci::use(message.payload));
        st.exchange(soci::use(next_attempt_at));
        st.exchange(soci::use(created_at));
    });
    run(statement);
    return statement.get_affected_rows() == 1;
}

std::vector<OutboxMessage> SqlOutboxRepository::claim(Timestamp now, Timestamp lease_until,
                                                      std::string_view sender, int limit) {
    static const std::string kSqlite = std::string{kClaimSelect} + kClaimReturning;
    static const std::string kPostgresql =
        std::string{kClaimSelect} + " FOR UPDATE SKIP LOCKED" + kClaimReturning;
    const Int lease = to_db(lease_until);
    const Int at = to_db(now);
    const std::string claimer{sender};
    const int rows = sql_limit(limit);
    if (postgresql_) session_ << kClaimTurn;
    OutboxRow row;
    auto statement =
        prepare(session_, postgresql_ ? kPostgresql : kSqlite, [&](soci::statement& st) {
            st.exchange(soci::use(lease));
            st.exchange(soci::use(claimer));
            for (int use = 0; use < 4; ++use) st.exchange(soci::use(at));
            st.exchange(soci::use(rows));
            row.bind(st);
        });
    std::vector<OutboxMessage> claimed;
    for_each_row(statement, [&] { claimed.push_back(row.to_record()); });
    return in_delivery_order(std::move(claimed));
}

// soci::use() keeps a reference that the statement reads when the full expression ends, so
// every bound value is a named local here, never a temporary.
void SqlOutboxRepository::mark_sent(Id id, Timestamp at) {
    const Int sent_at = to_db(at);
    const Int row = id;
    session_ << kMarkSent, soci::use(sent_at), soci::use(row);
}

void SqlOutboxRepository::retry_later(Id id, Timestamp next_attempt_at, std::string_view error) {
    const Int next = to_db(next_attempt_at);
    const std::string text{error};
    const Int row = id;
    session_ << kRetryLater, soci::use(next), soci::use(text), soci::use(row);
}

void SqlOutboxRepository::release(Id id, Timestamp next_attempt_at) {
    const Int next = to_db(next_attempt_at);
    const Int row = id;
    session_ << kRelease, soci::use(next), soci::use(row);
}

void SqlOutboxRepository::mark_dead(Id id, Timestamp at, std::string_view error) {
    const Int dead_at = to_db(at);
    const std::string text{error};
    const Int row = id;
    session_ << kMarkDead, soci::use(dead_at), soci::use(text), soci::use(row);
}

std::vector<OutboxMessage> SqlOutboxRepository::list(std::string_view status, int limit) {
    const int any_status = status.empty() ? 1 : 0;
    const std::string wanted{status};
    const int rows = sql_limit(limit);
    OutboxRow row;
    auto statement = prepare(session_, kList, [&](soci::statement& st) {
        st.exchange(soci::use(any_status));
        st.exchange(soci::use(wanted));
        st.exchange(soci::use(rows));
        row.bind(st);
    });
    std::vector<OutboxMessage> messages;
    for_each_row(statement, [&] { messages.push_back(row.to_record()); });
    return messages;
}

bool SqlOutboxRepository::requeue(Id id, Timestamp now) {
    const Int at = to_db(now);
    const Int row = id;
    auto statement = prepare(session_, kRequeue, [&](soci::statement& st) {
        st.exchange(soci::use(at));
        st.exchange(soci::use(row));
    });
    run(statement);
    return statement.get_affected_rows() == 1;
}

std::vector<std::pair<std::string, std::int64_t>> SqlOutboxRepository::counts() {
    std::string status;
    Int count = 0;
    auto statement = prepare(session_, kCounts, [&](soci::statement& st) {
        st.exchange(soci::into(status));
        st.exchange(soci::into(count));
    });
    std::vector<std::pair<std::string, std::int64_t>> counts;
    for_each_row(statement, [&] { counts.emplace_back(status, count); });
    return counts;
}

}  // namespace inmaek::storage::sql
