#include "storage/sql_repositories.hpp"

namespace inmaek::storage::sql {
namespace {

// ON CONFLICT DO NOTHING: a concurrent first use by another replica keeps its value, which the
// SELECT then reads (PostgreSQL waits for that transaction; SQLite has one writer at a time).
constexpr auto kInsertSecret = R"sql(
    INSERT INTO server_secrets (name, value, created_at) VALUES (:name, :value, :created_at)
    ON CONFLICT (name) DO NOTHING)sql";

constexpr auto kSelectSecret = "SELECT value FROM server_secrets WHERE name = :name";

}  // namespace

std::string SqlSecretRepository::get_or_store(std::string_view name, std::string_view candidate,
                                              Timestamp at) {
    const std::string key{name};
    const std::string fresh{candidate};
    const Int created_at = to_db(at);
    session_ << kInsertSecret, soci::use(key), soci::use(fresh), soci::use(created_at);
    std::string value;
    session_ << kSelectSecret, soci::use(key), soci::into(value);
    return value;
}

}  // namespace inmaek::storage::sql
