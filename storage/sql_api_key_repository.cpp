#include "storage/sql_repositories.hpp"

namespace inmaek::storage::sql {
namespace {

constexpr auto kInsertKey = R"sql(
    INSERT INTO api_keys (workspace_id, prefix, secret_hash, role, label, created_at)
    VALUES (:workspace_id, :prefix, :secret_hash, :role, :label, :created_at)
    RETURNING id)sql";

constexpr auto kKeyColumns = R"sql(
    SELECT id, workspace_id, prefix, secret_hash, role, label, created_at, last_used_at,
           revoked_at
    FROM api_keys)sql";

constexpr auto kByPrefix = " WHERE prefix = :prefix";
constexpr auto kById = " WHERE id = :id";
constexpr auto kOrderById = " ORDER BY id";

constexpr auto kRevoke = R"sql(
    UPDATE api_keys SET revoked_at = :at WHERE id = :id AND revoked_at IS NULL)sql";

// One write a minute at most per key: a busy key would otherwise make every read a write.
constexpr auto kTouch = R"sql(
    UPDATE api_keys SET last_used_at = :at
    WHERE id = :id AND (last_used_at IS NULL OR last_used_at <= :stale))sql";

std::optional<Timestamp> optional_timestamp(const Nullable<Int>& column) {
    const auto value = column.get();
    return value ? std::optional<Timestamp>{timestamp_from_db(*value)} : std::nullopt;
}

}  // namespace

ApiKey SqlApiKeyRepository::fetched() const {
    return ApiKey{.id = id_,
                  .workspace_id = workspace_id_,
                  .prefix = stored_prefix_,
                  .secret_hash = secret_hash_,
                  .role = role_from_string(role_).value_or(Role::member),
                  .label = label_,
                  .created_at = timestamp_from_db(created_at_),
                  .last_used_at = optional_timestamp(last_used_at_),
                  .revoked_at = optional_timestamp(revoked_at_)};
}

void SqlApiKeyRepository::bind_columns(soci::statement& st) {
    st.exchange(soci::into(id_));
    st.exchange(soci::into(workspace_id_));
    st.exchange(soci::into(stored_prefix_));
    st.exchange(soci::into(secret_hash_));
    st.exchange(soci::into(role_));
    st.exchange(soci::into(label_));
    st.exchange(soci::into(created_at_));
    last_used_at_.bind_into(st);
    revoked_at_.bind_into(st);
}

ApiKey SqlApiKeyRepository::create(const ApiKey& key) {
    const Int workspace_id = key.workspace_id;
    const std::string role{to_string(key.role)};
    const Int created_at = to_db(key.created_at);
    Int id = 0;
    auto statement = prepare(session_, kInsertKey, [&](soci::statement& st) {
        st.exchange(soci::use(workspace_id));
        st.exchange(soci::use(key.prefix));
        st.exchange(soci::use(key.secret_hash));
        st.exchange(soci::use(role));
        st.exchange(soci::use(key.label));
        st.exchange(soci::use(created_at));
        st.exchange(soci::into(id));
    });
    run_single(statement);
    ApiKey created = key;
    created.id = id;
    return created;
}

std::optional<ApiKey> SqlApiKeyRepository::find_by_prefix(std::string_view prefix) {
    static const std::string kSql = std::string{kKeyColumns} + kByPrefix;
    auto& statement = find_by_prefix_.get(session_, kSql.c_str(), [&](soci::statement& st) {
        st.exchange(soci::use(prefix_));
        bind_columns(st);
    });
    prefix_.assign(prefix);
    if (!guarded(find_by_prefix_, [&] { return run_single(statement); })) return std::nullopt;
    return fetched();
}

std::optional<ApiKey> SqlApiKeyRepository::get(Id key_id) {
    const Int id = key_id;
    std::optional<ApiKey> found;
    auto statement = prepare(session_, std::string{kKeyColumns} + kById, [&](soci::statement& st) {
        st.exchange(soci::use(id));
        bind_columns(st);
    });
    if (run_single(statement)) found = fetched();
    return found;
}

std::vector<ApiKey> SqlApiKeyRepository::list() {
    auto statement = prepare(session_, std::string{kKeyColumns} + kOrderById,
                             [&](soci::statement& st) { bind_columns(st); });
    std::vector<ApiKey> keys;
    for_each_row(statement, [&] { keys.push_back(fetched()); });
    return keys;
}

bool SqlApiKeyRepository::revoke(Id key_id, Timestamp at) {
    const Int id = key_id;
    const Int when = to_db(at);
    auto statement = prepare(session_, kRevoke, [&](soci::statement& st) {
        st.exchange(soci::use(when));
        st.exchange(soci::use(id));
    });
    run(statement);
    return statement.get_affected_rows() == 1;
}

bool SqlApiKeyRepository::touch(Id key_id, Timestamp at, std::chrono::seconds resolution) {
    const Int id = key_id;
    const Int when = to_db(at);
    const Int stale = when - resolution.count();
    auto statement = prepare(session_, kTouch, [&](soci::statement& st) {
        st.exchange(soci::use(when));
        st.exchange(soci::use(id));
        st.exchange(soci::use(stale));
    });
    run(statement);
    return statement.get_affected_rows() == 1;
}

}  // namespace inmaek::storage::sql
