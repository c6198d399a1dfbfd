// CompanyRepository::merge and unmerge (/company merge and its /undo), find_by_keys (the merge
// suggestion), and the helpers that the repositories' references() and remove() share.

#include "storage/sql_repositories.hpp"

namespace inmaek::storage::sql {
namespace {

constexpr auto kSelectAliasPairs = R"sql(
    SELECT alias, alias_key FROM company_aliases
    WHERE workspace_id = :workspace_id AND company_id = :company_id ORDER BY id)sql";
constexpr auto kDeleteAliases = R"sql(
    DELETE FROM company_aliases WHERE workspace_id = :workspace_id AND company_id = :company_id)sql";
constexpr auto kDeleteAliasKey = R"sql(
    DELETE FROM company_aliases
    WHERE workspace_id = :workspace_id AND company_id = :company_id AND alias_key = :alias_key)sql";
constexpr auto kInsertAliasIfFree = R"sql(
    INSERT INTO company_aliases (workspace_id, company_id, alias, alias_key)
    VALUES (:workspace_id, :company_id, :alias, :alias_key)
    ON CONFLICT (workspace_id, alias_key) DO NOTHING)sql";

constexpr auto kSelectContactsOf = R"sql(
    SELECT id FROM contacts WHERE workspace_id = :workspace_id AND company_id = :company_id)sql";
constexpr auto kMoveContacts = R"sql(
    UPDATE contacts SET company_id = :into
    WHERE workspace_id = :workspace_id AND company_id = :from_id)sql";
constexpr auto kMoveContactBack = R"sql(
    UPDATE contacts SET company_id = :duplicate
    WHERE workspace_id = :workspace_id AND id = :id AND company_id = :into)sql";

// The links of a company in meetings or leads, each with whether its meeting or lead already
// names the target (the link is then dropped instead of moved, so nothing is listed twice).
constexpr auto kMeetingLinksOf = R"sql(
    SELECT l.meeting_id, l.position,
           CASE WHEN EXISTS (SELECT 1 FROM meeting_companies o
                             WHERE o.meeting_id = l.meeting_id AND o.company_id = :into)
                THEN 1 ELSE 0 END
    FROM meeting_companies l WHERE l.workspace_id = :workspace_id AND l.company_id = :from_id)sql";
constexpr auto kLeadLinksOf = R"sql(
    SELECT l.lead_id, l.position,
           CASE WHEN EXISTS (SELECT 1 FROM lead_companies o
                             WHERE o.lead_id = l.lead_id AND o.company_id = :into)
                THEN 1 ELSE 0 END
    FROM lead_companies l WHERE l.workspace_id = :workspace_id AND l.company_id = :from_id)sql";

struct LinkTable {
    const char* links_of;
    const char* drop;
    const char* move;
    const char* move_back;
    const char* restore;
};

constexpr LinkTable kMeetingLinks{
    kMeetingLinksOf,
    "DELETE FROM meeting_companies WHERE workspace_id = :w AND meeting_id = :m AND position = :p",
    "UPDATE meeting_companies SET company_id = :into "
    "WHERE workspace_id = :w AND meeting_id = :m AND position = :p",
    "UPDATE meeting_companies SET company_id = :duplicate "
    "WHERE workspace_id = :w AND meeting_id = :m AND position = :p AND company_id = :into",
    // A dropped link comes back where its meeting still exists and its position is free.
    "INSERT INTO meeting_companies (workspace_id, meeting_id, company_id, position) "
    "SELECT CAST(:w AS BIGINT), CAST(:m AS BIGINT), CAST(:c AS BIGINT), CAST(:p AS INTEGER) "
    "WHERE EXISTS (SELECT 1 FROM meetings WHERE workspace_id = :w2 "
    "AND id = :m2) ON CONFLICT (meeting_id, position) DO NOTHING"};

constexpr LinkTable kLeadLinks{
    kLeadLinksOf,
    "DELETE FROM lead_companies WHERE workspace_id = :w AND lead_id = :m AND position = :p",
    "UPDATE lead_companies SET company_id = :into "
    "WHERE workspace_id = :w AND lead_id = :m AND position = :p",
    "UPDATE lead_companies SET company_id = :duplicate "
    "WHERE workspace_id = :w AND lead_id = :m AND position = :p AND company_id = :into",
    "INSERT INTO lead_companies (workspace_id, lead_id, company_id, position) "
    "SELECT CAST(:w AS BIGINT), CAST(:m AS BIGINT), CAST(:c AS BIGINT), CAST(:p AS INTEGER) "
    "WHERE EXISTS (SELECT 1 FROM leads WHERE workspace_id = :w2 "
    "AND id = :m2) ON CONFLICT (lead_id, position) DO NOTHING"};

constexpr auto kDeleteCompany = R"sql(
    DELETE FROM companies WHERE workspace_id = :workspace_id AND id = :id)sql";

// The duplicate comes back with its own id: links, audit rows and chat replies name it.
constexpr auto kRestoreCompany = R"sql(
    INSERT INTO companies (id, workspace_id, name, name_key, industry, site, tier, note,
                           created_by, created_at)
    VALUES (:id, :workspace_id, :name, :name_key, :industry, :site, :tier, :note, :created_by,
            :created_at))sql";

constexpr auto kCompanyReferences = R"sql(
    SELECT 'contact', id FROM contacts WHERE workspace_id = :w1 AND company_id = :c1
    UNION ALL
    SELECT 'meeting', meeting_id FROM meeting_companies WHERE workspace_id = :w2 AND company_id = :c2
    UNION ALL
    SELECT 'lead', lead_id FROM lead_companies WHERE workspace_id = :w3 AND company_id = :c3
    LIMIT :limit)sql";

std::vector<std::pair<std::string, std::string>> alias_pairs(soci::session& session,
                                                             Id workspace_id, Id company_id) {
    const Int workspace = workspace_id;
    const Int company = company_id;
    std::string alias;
    std::string key;
    auto statement = prepare(session, kSelectAliasPairs, [&](soci::statement& st) {
        st.exchange(soci::use(workspace));
        st.exchange(soci::use(company));
        st.exchange(soci::into(alias));
        st.exchange(soci::into(key));
    });
    std::vector<std::pair<std::string, std::string>> pairs;
    for_each_row(statement, [&] { pairs.emplace_back(alias, key); });
    return pairs;
}

bool insert_alias(soci::session& session, Id workspace_id, Id company_id, const std::string& alias,
                  const std::string& key) {
    const Int workspace = workspace_id;
    const Int company = company_id;
    auto statement = prepare(session, kInsertAliasIfFree, [&](soci::statement& st) {
        st.exchange(soci::use(workspace));
        st.exchange(soci::use(company));
        st.exchange(soci::use(alias));
        st.exchange(soci::use(key));
    });
    run(statement);
    return statement.get_affected_rows() == 1;
}

void delete_alias_key(soci::session& session, Id workspace_id, Id company_id,
                      const std::string& key) {
    const Int workspace = workspace_id;
    const Int company = company_id;
    auto statement = prepare(session, kDeleteAliasKey, [&](soci::statement& st) {
        st.exchange(soci::use(workspace));
        st.exchange(soci::use(company));
        st.exchange(soci::use(key));
    });
    run(statement);
}

std::vector<Id> contacts_of(soci::session& session, Id workspace_id, Id company_id) {
    const Int workspace = workspace_id;
    const Int company = company_id;
    Int id = 0;
    auto statement = prepare(session, kSelectContactsOf, [&](soci::statement& st) {
        st.exchange(soci::use(workspace));
        st.exchange(soci::use(company));
        st.exchange(soci::into(id));
    });
    std::vector<Id> ids;
    for_each_row(statement, [&] { ids.push_back(id); });
    return ids;
}

/// Moves (or drops) every link of `from` in one link table to `into`.
std::vector<LinkMove> move_links(soci::session& session, const LinkTable& table, Id workspace_id,
                                 Id from, Id into) {
    const Int workspace = workspace_id;
    const Int from_id = from;
    const Int into_id = into;
    Int owner = 0;
    int position = 0;
    int dropped = 0;
    auto statement = prepare(session, table.links_of, [&](soci::statement& st) {
        st.exchange(soci::use(into_id));
        st.exchange(soci::use(workspace));
        st.exchange(soci::use(from_id));
        st.exchange(soci::into(owner));
        st.exchange(soci::into(position));
        st.exchange(soci::into(dropped));
    });
    std::vector<LinkMove> moves;
    for_each_row(statement, [&] { moves.push_back(LinkMove{owner, position, dropped != 0}); });
    for (const auto& move : moves) {
        if (move.dropped) {
            execute_with(session, table.drop, {workspace, move.owner_id, move.position});
        } else {
            execute_with(session, table.move, {into_id, workspace, move.owner_id, move.position});
        }
    }
    return moves;
}

void move_links_back(soci::session& session, const LinkTable& table, Id workspace_id,
                     const CompanyMerge& merge, const std::vector<LinkMove>& moves) {
    const Int workspace = workspace_id;
    const Int duplicate = merge.duplicate.id;
    const Int into = merge.into_id;
    for (const auto& move : moves) {
        if (move.dropped) {
            execute_with(
                session, table.restore,
                {workspace, move.owner_id, duplicate, move.position, workspace, move.owner_id});
        } else {
            execute_with(session, table.move_back,
                         {duplicate, workspace, move.owner_id, move.position, into});
        }
    }
}

void restore_company(soci::session& session, Id workspace_id, const Company& company) {
    const Int id = company.id;
    const Int workspace = workspace_id;
    Nullable<Int> created_by;
    set_user(created_by, company.created_by);
    const Int created_at = to_db(company.created_at);
    auto statement = prepare(session, kRestoreCompany, [&](soci::statement& st) {
        st.exchange(soci::use(id));
        st.exchange(soci::use(workspace));
        st.exchange(soci::use(company.name));
        st.exchange(soci::use(company.name_key));
        st.exchange(soci::use(company.industry));
        st.exchange(soci::use(company.site));
        st.exchange(soci::use(company.tier));
        st.exchange(soci::use(company.note));
        created_by.bind_use(st);
        st.exchange(soci::use(created_at));
    });
    run(statement);
}

}  // namespace

std::vector<EntityRef> select_references(soci::session& session, const char* sql, Id workspace_id,
                                         Id id, int pairs, int limit) {
    const Int workspace = workspace_id;
    const Int target = id;
    const int max_rows = sql_limit(limit);
    std::string entity;
    Int ref_id = 0;
    auto statement = prepare(session, sql, [&](soci::statement& st) {
        for (int i = 0; i < pairs; ++i) {
            st.exchange(soci::use(workspace));
            st.exchange(soci::use(target));
        }
        st.exchange(soci::use(max_rows));
        st.exchange(soci::into(entity));
        st.exchange(soci::into(ref_id));
    });
    std::vector<EntityRef> refs;
    for_each_row(statement, [&] { refs.push_back(EntityRef{entity, ref_id}); });
    return refs;
}

long long execute_with(soci::session& session, const char* sql, const std::vector<Int>& values) {
    auto statement = prepare(session, sql, [&](soci::statement& st) {
        for (const auto& value : values) st.exchange(soci::use(value));
    });
    run(statement);
    return statement.get_affected_rows();
}

std::vector<Company> SqlCompanyRepository::find_by_keys(Id workspace_id,
                                                        const std::vector<std::string>& keys) {
    if (keys.empty()) return {};
    // One round trip: an IN list on each unique key index (own names, then aliases).
    const auto in_list = [&](std::string_view prefix) {
        std::string list;
        for (std::size_t i = 0; i < keys.size(); ++i) {
            list += (i == 0 ? ":" : ", :") + std::string{prefix} + std::to_string(i);
        }
        return list;
    };
    const std::string columns =
        "c.id, c.workspace_id, c.name, c.name_key, c.industry, c.site, c.tier, c.note, "
        "c.created_by, c.created_at";
    const std::string sql =
        "SELECT " + columns + " FROM companies c WHERE c.workspace_id = :w1 AND c.name_key IN (" +
        in_list("n") + ") UNION SELECT " + columns +
        " FROM company_aliases a JOIN companies c ON c.workspace_id = a.workspace_id AND c.id = "
        "a.company_id WHERE a.workspace_id = :w2 AND a.alias_key IN (" +
        in_list("a") + ") ORDER BY 1";
    const Int workspace = workspace_id;
    CompanyRow row;
    auto statement = prepare(session_, sql, [&](soci::statement& st) {
        for (int half = 0; half < 2; ++half) {
            st.exchange(soci::use(workspace));
            for (const auto& key : keys) st.exchange(soci::use(key));
        }
        row.bind(st);
    });
    std::vector<Company> found;
    for_each_row(statement, [&] { found.push_back(row.to_record()); });
    return found;
}

std::vector<EntityRef> SqlCompanyRepository::references(Id workspace_id, Id company_id, int limit) {
    return select_references(session_, kCompanyReferences, workspace_id, company_id, 3, limit);
}

bool SqlCompanyRepository::remove(Id workspace_id, Id company_id) {
    // Aliases first, by a plain delete, so their triggers (the search index) run.
    execute_with(session_, kDeleteAliases, {workspace_id, company_id});
    return execute_with(session_, kDeleteCompany, {workspace_id, company_id}) == 1;
}

CompanyMerge SqlCompanyRepository::merge(Id workspace_id, Id from, Id into) {
    CompanyMerge merge;
    merge.duplicate = get(workspace_id, from).value();
    merge.into_id = into;
    merge.contact_ids = contacts_of(session_, workspace_id, from);
    execute_with(session_, kMoveContacts, {into, workspace_id, from});
    merge.meeting_links = move_links(session_, kMeetingLinks, workspace_id, from, into);
    merge.lead_links = move_links(session_, kLeadLinks, workspace_id, from, into);
    merge.aliases = alias_pairs(session_, workspace_id, from);
    execute_with(session_, kDeleteAliases, {workspace_id, from});
    execute_with(session_, kDeleteCompany, {workspace_id, from});
    for (const auto& [alias, key] : merge.aliases) {
        insert_alias(session_, workspace_id, into, alias, key);
    }
    const auto target = get(workspace_id, into).value();
    if (merge.duplicate.name_key != target.name_key) {
        merge.name_alias_added = insert_alias(session_, workspace_id, into, merge.duplicate.name,
                                              merge.duplicate.name_key);
    }
    refresh_company_links(session_, workspace_id, from);
    refresh_company_links(session_, workspace_id, into);
    return merge;
}

void SqlCompanyRepository::unmerge(Id workspace_id, const CompanyMerge& merge) {
    for (const auto& [alias, key] : merge.aliases) {
        delete_alias_key(session_, workspace_id, merge.into_id, key);
    }
    if (merge.name_alias_added) {
        delete_alias_key(session_, workspace_id, merge.into_id, merge.duplicate.name_key);
    }
    restore_company(session_, workspace_id, merge.duplicate);
    for (const auto& [alias, key] : merge.aliases) {
        insert_alias(session_, workspace_id, merge.duplicate.id, alias, key);
    }
    for (const Id contact : merge.contact_ids) {
        execute_with(session_, kMoveContactBack,
                     {merge.duplicate.id, workspace_id, contact, merge.into_id});
    }
    move_links_back(session_, kMeetingLinks, workspace_id, merge, merge.meeting_links);
    move_links_back(session_, kLeadLinks, workspace_id, merge, merge.lead_links);
    refresh_company_links(session_, workspace_id, merge.duplicate.id);
    refresh_company_links(session_, workspace_id, merge.into_id);
}

}  // namespace inmaek::storage::sql
