#include "storage/sql_repositories.hpp"

#include <stdexcept>

namespace inmaek::storage::sql {
namespace {

constexpr auto kInsertCompany = R"sql(
    INSERT INTO companies (workspace_id, name, name_key, industry, site, tier, note, created_by,
                           created_at)
    VALUES (:workspace_id, :name, :name_key, :industry, :site, :tier, :note, :created_by,
            :created_at)
    RETURNING id)sql";

constexpr auto kSelectCompany = R"sql(
    SELECT id, workspace_id, name, name_key, industry, site, tier, note, created_by, created_at
    FROM companies WHERE workspace_id = :workspace_id AND id = :id)sql";

// find_by_key runs two point queries instead of one UNION ALL ... ORDER BY rank: the own key
// is one seek in UNIQUE (workspace_id, name_key), and the alias join (needed only when the own
// key misses) one seek in UNIQUE (workspace_id, alias_key) plus a rowid lookup. The compound
// query paid for a temp b-tree sorter and always ran the alias half. Same snapshot, same
// answer: the company's own key wins over an alias of another company with the same key.
constexpr auto kFindCompanyByKey = R"sql(
    SELECT id, workspace_id, name, name_key, industry, site, tier, note, created_by, created_at
    FROM companies WHERE workspace_id = :workspace_id AND name_key = :name_key)sql";

constexpr auto kFindCompanyByAlias = R"sql(
    SELECT c.id, c.workspace_id, c.name, c.name_key, c.industry, c.site, c.tier, c.note,
           c.created_by, c.created_at
    FROM company_aliases a
    JOIN companies c ON c.workspace_id = a.workspace_id AND c.id = a.company_id
    WHERE a.workspace_id = :workspace_id AND a.alias_key = :alias_key)sql";

constexpr auto kInsertAlias = R"sql(
    INSERT INTO company_aliases (workspace_id, company_id, alias, alias_key)
    VALUES (:workspace_id, :company_id, :alias, :alias_key)
    ON CONFLICT (workspace_id, alias_key) DO NOTHING)sql";

constexpr auto kAliasOwner = R"sql(
    SELECT company_id FROM company_aliases
    WHERE workspace_id = :workspace_id AND alias_key = :alias_key)sql";

constexpr auto kSelectAliases = R"sql(
    SELECT alias FROM company_aliases
    WHERE workspace_id = :workspace_id AND company_id = :company_id
    ORDER BY id)sql";

// Filter fragments are fixed SQL; the values are bound.
constexpr auto kListCompanies = R"sql(
    SELECT id, workspace_id, name, name_key, industry, site, tier, note, created_by, created_at
    FROM companies WHERE workspace_id = :workspace_id)sql";
constexpr auto kIndustryFilter = " AND lower(industry) = lower(:industry)";
constexpr auto kTierFilter = " AND lower(tier) = lower(:tier)";
constexpr auto kOrderByName = " ORDER BY name, id";
constexpr auto kLimit = " LIMIT :limit";

constexpr auto kUpdateCompany = R"sql(
    UPDATE companies SET name = :name, name_key = :name_key, industry = :industry, site = :site,
                         tier = :tier, note = :note
    WHERE workspace_id = :workspace_id AND id = :id)sql";

}  // namespace

void CompanyRow::bind(soci::statement& statement) {
    statement.exchange(soci::into(id));
    statement.exchange(soci::into(workspace_id));
    statement.exchange(soci::into(name));
    statement.exchange(soci::into(name_key));
    statement.exchange(soci::into(industry));
    statement.exchange(soci::into(site));
    statement.exchange(soci::into(tier));
    statement.exchange(soci::into(note));
    created_by.bind_into(statement);
    statement.exchange(soci::into(created_at));
}

Company CompanyRow::to_record() const {
    return Company{.id = id,
                   .workspace_id = workspace_id,
                   .name = name,
                   .name_key = name_key,
                   .industry = industry,
                   .site = site,
                   .tier = tier,
                   .note = note,
                   .created_by = user_from_db(created_by),
                   .created_at = timestamp_from_db(created_at)};
}

Company SqlCompanyRepository::create(const Company& company) {
    const Int workspace_id = company.workspace_id;
    Nullable<Int> created_by;
    set_user(created_by, company.created_by);
    const Int created_at = to_db(company.created_at);
    Int id = 0;
    auto statement = prepare(session_, kInsertCompany, [&](soci::statement& st) {
        st.exchange(soci::use(workspace_id));
        st.exchange(soci::use(company.name));
        st.exchange(soci::use(company.name_key));
        st.exchange(soci::use(company.industry));
        st.exchange(soci::use(company.site));
        st.exchange(soci::use(company.tier));
        st.exchange(soci::use(company.note));
        created_by.bind_use(st);
        st.exchange(soci::use(created_at));
        st.exchange(soci::into(id));
    });
    run_single(statement);
    Company created = company;
    created.id = id;
    return created;
}

std::optional<Company> SqlCompanyRepository::get(Id workspace_id, Id company_id) {
    auto& statement = get_.get(session_, kSelectCompany, [&](soci::statement& st) {
        st.exchange(soci::use(workspace_id_));
        st.exchange(soci::use(company_id_));
        row_.bind(st);
    });
    workspace_id_ = workspace_id;
    company_id_ = company_id;
    if (!guarded(get_, [&] { return run_single(statement); })) {
        return std::nullopt;
    }
    return row_.to_record();
}

std::optional<Company> SqlCompanyRepository::find_by_key(Id workspace_id, std::string_view key) {
    const auto bind = [&](soci::statement& st) {
        st.exchange(soci::use(workspace_id_));
        st.exchange(soci::use(key_));
        row_.bind(st);
    };
    auto& own = find_by_key_.get(session_, kFindCompanyByKey, bind);
    workspace_id_ = workspace_id;
    key_.assign(key);
    if (guarded(find_by_key_, [&] { return run_single(own); })) {
        return row_.to_record();
    }
    auto& alias = find_by_alias_.get(session_, kFindCompanyByAlias, bind);
    if (guarded(find_by_alias_, [&] { return run_single(alias); })) {
        return row_.to_record();
    }
    return std::nullopt;
}

void SqlCompanyRepository::add_alias(Id workspace_id, Id company_id, std::string_view alias,
                                     std::string_view key) {
    const Int workspace = workspace_id;
    const Int company = company_id;
    const std::string alias_text(alias);
    const std::string alias_key(key);
    auto insert = prepare(session_, kInsertAlias, [&](soci::statement& st) {
        st.exchange(soci::use(workspace));
        st.exchange(soci::use(company));
        st.exchange(soci::use(alias_text));
        st.exchange(soci::use(alias_key));
    });
    run(insert);
    if (insert.get_affected_rows() == 1) {
        return;
    }
    // The key exists: fine when it already names this company, an error when another.
    Int owner = 0;
    auto lookup = prepare(session_, kAliasOwner, [&](soci::statement& st) {
        st.exchange(soci::use(workspace));
        st.exchange(soci::use(alias_key));
        st.exchange(soci::into(owner));
    });
    run_single(lookup);
    if (owner != company) {
        throw std::invalid_argument("alias key '" + alias_key + "' already names company " +
                                    std::to_string(owner));
    }
}

std::vector<std::string> SqlCompanyRepository::aliases(Id workspace_id, Id company_id) {
    const Int workspace = workspace_id;
    const Int company = company_id;
    std::string alias;
    auto statement = prepare(session_, kSelectAliases, [&](soci::statement& st) {
        st.exchange(soci::use(workspace));
        st.exchange(soci::use(company));
        st.exchange(soci::into(alias));
    });
    std::vector<std::string> aliases;
    for_each_row(statement, [&] { aliases.push_back(alias); });
    return aliases;
}

std::vector<Company> SqlCompanyRepository::list(Id workspace_id, std::string_view industry,
                                                std::string_view tier, int limit) {
    const Int workspace = workspace_id;
    const std::string industry_text(industry);
    const std::string tier_text(tier);
    std::string sql = kListCompanies;
    if (!industry.empty()) {
        sql += kIndustryFilter;
    }
    if (!tier.empty()) {
        sql += kTierFilter;
    }
    sql += kOrderByName;
    if (limit > 0) {
        sql += kLimit;
    }
    CompanyRow row;
    auto statement = prepare(session_, sql, [&](soci::statement& st) {
        st.exchange(soci::use(workspace));
        if (!industry.empty()) {
            st.exchange(soci::use(industry_text));
        }
        if (!tier.empty()) {
            st.exchange(soci::use(tier_text));
        }
        if (limit > 0) {
            st.exchange(soci::use(limit));
        }
        row.bind(st);
    });
    std::vector<Company> companies;
    for_each_row(statement, [&] { companies.push_back(row.to_record()); });
    return companies;
}

std::vector<Company> SqlCompanyRepository::get_many(Id workspace_id, const std::vector<Id>& ids) {
    // One cached lookup per id keeps the caller's order and beats preparing an IN list.
    std::vector<Company> companies;
    companies.reserve(ids.size());
    for (const Id id : ids) {
        if (auto company = get(workspace_id, id)) {
            companies.push_back(std::move(*company));
        }
    }
    return companies;
}

std::vector<Company> SqlCompanyRepository::page(Id workspace_id, Id after_id, int limit) {
    return load_page(page_ids(session_, "companies", workspace_id, after_id, limit),
                     [&](Id id) { return get(workspace_id, id); });
}

bool SqlCompanyRepository::update(const Company& company) {
    const Int workspace = company.workspace_id;
    const Int id = company.id;
    auto statement = prepare(session_, kUpdateCompany, [&](soci::statement& st) {
        st.exchange(soci::use(company.name));
        st.exchange(soci::use(company.name_key));
        st.exchange(soci::use(company.industry));
        st.exchange(soci::use(company.site));
        st.exchange(soci::use(company.tier));
        st.exchange(soci::use(company.note));
        st.exchange(soci::use(workspace));
        st.exchange(soci::use(id));
    });
    run(statement);
    return statement.get_affected_rows() == 1;
}

}  // namespace inmaek::storage::sql
