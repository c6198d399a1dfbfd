#include "storage/sql_repositories.hpp"

namespace inmaek::storage::sql {
namespace {

constexpr auto kInsertContact = R"sql(
    INSERT INTO contacts (workspace_id, name, name_key, company_id, title, email, phone,
                          created_by, created_at)
    VALUES (:workspace_id, :name, :name_key, :company_id, :title, :email, :phone, :created_by,
            :created_at)
    RETURNING id)sql";

constexpr auto kSelectContact = R"sql(
    SELECT id, workspace_id, name, name_key, company_id, title, email, phone, created_by,
           created_at
    FROM contacts WHERE workspace_id = :workspace_id AND id = :id)sql";

// find_by_key runs two point queries instead of one UNION ALL ... ORDER BY rank, id (see
// sql_company_repository.cpp): own name before alias, and among namesakes the oldest contact.
// The own-key query reads contacts_workspace_key (workspace_id, name_key), whose entries are
// in rowid order per key, so ORDER BY id LIMIT 1 needs no sorter. Alias keys are unique per
// contact only, so the alias query still sorts its (rare, few) matches by contact id; its
// CROSS JOIN (written with WHERE, as PostgreSQL wants) pins the loop order, else SQLite walks every
// contact of the workspace in id order to skip that sort.
constexpr auto kFindContactByKey = R"sql(
    SELECT id, workspace_id, name, name_key, company_id, title, email, phone, created_by,
           created_at
    FROM contacts WHERE workspace_id = :workspace_id AND name_key = :name_key
    ORDER BY id
    LIMIT 1)sql";

constexpr auto kFindContactByAlias = R"sql(
    SELECT c.id, c.workspace_id, c.name, c.name_key, c.company_id, c.title, c.email, c.phone,
           c.created_by, c.created_at
    FROM contact_aliases a
    CROSS JOIN contacts c
    WHERE a.workspace_id = :workspace_id AND a.alias_key = :alias_key
      AND c.workspace_id = a.workspace_id AND c.id = a.contact_id
    ORDER BY c.id
    LIMIT 1)sql";

constexpr auto kInsertAlias = R"sql(
    INSERT INTO contact_aliases (workspace_id, contact_id, alias, alias_key)
    VALUES (:workspace_id, :contact_id, :alias, :alias_key)
    ON CONFLICT (contact_id, alias_key) DO NOTHING)sql";

constexpr auto kSelectAliases = R"sql(
    SELECT alias FROM contact_aliases
    WHERE workspace_id = :workspace_id AND contact_id = :contact_id
    ORDER BY id)sql";

constexpr auto kListByCompany = R"sql(
    SELECT id, workspace_id, name, name_key, company_id, title, email, phone, created_by,
           created_at
    FROM contacts WHERE workspace_id = :workspace_id AND company_id = :company_id
    ORDER BY name, id)sql";

constexpr auto kSelectCompanyOfContact = R"sql(
    SELECT company_id FROM contacts WHERE workspace_id = :workspace_id AND id = :id)sql";

constexpr auto kUpdateContact = R"sql(
    UPDATE contacts SET name = :name, name_key = :name_key, company_id = :company_id,
                        title = :title, email = :email, phone = :phone
    WHERE workspace_id = :workspace_id AND id = :id)sql";

}  // namespace

void ContactRow::bind(soci::statement& statement) {
    statement.exchange(soci::into(id));
    statement.exchange(soci::into(workspace_id));
    statement.exchange(soci::into(name));
    statement.exchange(soci::into(name_key));
    company_id.bind_into(statement);
    statement.exchange(soci::into(title));
    statement.exchange(soci::into(email));
    statement.exchange(soci::into(phone));
    created_by.bind_into(statement);
    statement.exchange(soci::into(created_at));
}

Contact ContactRow::to_record() const {
    return Contact{.id = id,
                   .workspace_id = workspace_id,
                   .name = name,
                   .name_key = name_key,
                   .company_id = id_from_db(company_id),
                   .title = title,
                   .email = email,
                   .phone = phone,
                   .created_by = user_from_db(created_by),
                   .created_at = timestamp_from_db(created_at)};
}

Contact SqlContactRepository::create(const Contact& contact) {
    const Int workspace_id = contact.workspace_id;
    Nullable<Int> company_id;
    set_id(company_id, contact.company_id);
    Nullable<Int> created_by;
    set_user(created_by, contact.created_by);
    const Int created_at = to_db(contact.created_at);
    Int id = 0;
    auto statement = prepare(session_, kInsertContact, [&](soci::statement& st) {
        st.exchange(soci::use(workspace_id));
        st.exchange(soci::use(contact.name));
        st.exchange(soci::use(contact.name_key));
        company_id.bind_use(st);
        st.exchange(soci::use(contact.title));
        st.exchange(soci::use(contact.email));
        st.exchange(soci::use(contact.phone));
        created_by.bind_use(st);
        st.exchange(soci::use(created_at));
        st.exchange(soci::into(id));
    });
    run_single(statement);
    Contact created = contact;
    created.id = id;
    return created;
}

std::optional<Contact> SqlContactRepository::get(Id workspace_id, Id contact_id) {
    auto& statement = get_.get(session_, kSelectContact, [&](soci::statement& st) {
        st.exchange(soci::use(workspace_id_));
        st.exchange(soci::use(contact_id_));
        row_.bind(st);
    });
    workspace_id_ = workspace_id;
    contact_id_ = contact_id;
    if (!guarded(get_, [&] { return run_single(statement); })) {
        return std::nullopt;
    }
    return row_.to_record();
}

std::optional<Contact> SqlContactRepository::find_by_key(Id workspace_id, std::string_view key) {
    const auto bind = [&](soci::statement& st) {
        st.exchange(soci::use(workspace_id_));
        st.exchange(soci::use(key_));
        row_.bind(st);
    };
    auto& own = find_by_key_.get(session_, kFindContactByKey, bind);
    workspace_id_ = workspace_id;
    key_.assign(key);
    if (guarded(find_by_key_, [&] { return run_single(own); })) {
        return row_.to_record();
    }
    auto& alias = find_by_alias_.get(session_, kFindContactByAlias, bind);
    if (guarded(find_by_alias_, [&] { return run_single(alias); })) {
        return row_.to_record();
    }
    return std::nullopt;
}

void SqlContactRepository::add_alias(Id workspace_id, Id contact_id, std::string_view alias,
                                     std::string_view key) {
    const Int workspace = workspace_id;
    const Int contact = contact_id;
    const std::string alias_text(alias);
    const std::string alias_key(key);
    auto statement = prepare(session_, kInsertAlias, [&](soci::statement& st) {
        st.exchange(soci::use(workspace));
        st.exchange(soci::use(contact));
        st.exchange(soci::use(alias_text));
        st.exchange(soci::use(alias_key));
    });
    run(statement);
}

std::vector<std::string> SqlContactRepository::aliases(Id workspace_id, Id contact_id) {
    const Int workspace = workspace_id;
    const Int contact = contact_id;
    std::string alias;
    auto statement = prepare(session_, kSelectAliases, [&](soci::statement& st) {
        st.exchange(soci::use(workspace));
        st.exchange(soci::use(contact));
        st.exchange(soci::into(alias));
    });
    std::vector<std::string> aliases;
    for_each_row(statement, [&] { aliases.push_back(alias); });
    return aliases;
}

std::vector<Contact> SqlContactRepository::list_by_company(Id workspace_id, Id company_id) {
    const Int workspace = workspace_id;
    const Int company = company_id;
    ContactRow row;
    auto statement = prepare(session_, kListByCompany, [&](soci::statement& st) {
        st.exchange(soci::use(workspace));
        st.exchange(soci::use(company));
        row.bind(st);
    });
    std::vector<Contact> contacts;
    for_each_row(statement, [&] { contacts.push_back(row.to_record()); });
    return contacts;
}

std::vector<Contact> SqlContactRepository::get_many(Id workspace_id, const std::vector<Id>& ids) {
    // One cached lookup per id keeps the caller's order and beats preparing an IN list.
    std::vector<Contact> contacts;
    contacts.reserve(ids.size());
    for (const Id id : ids) {
        if (auto contact = get(workspace_id, id)) {
            contacts.push_back(std::move(*contact));
        }
    }
    return contacts;
}

std::vector<Contact> SqlContactRepository::page(Id workspace_id, Id after_id, int limit) {
    return load_page(page_ids(session_, "contacts", workspace_id, after_id, limit),
                     [&](Id id) { return get(workspace_id, id); });
}

bool SqlContactRepository::update(const Contact& contact) {
    // The company the contact leaves, read under the row's lock on PostgreSQL: a concurrent move
    // of the same contact waits, so each move refreshes the company the other one left it at.
    static const std::string kLockedCompany = std::string{kSelectCompanyOfContact} + " FOR UPDATE";
    const Int workspace = contact.workspace_id;
    const Int id = contact.id;
    Nullable<Int> left;
    {
        auto statement = prepare(
            session_, is_postgresql(session_) ? kLockedCompany.c_str() : kSelectCompanyOfContact,
            [&](soci::statement& st) {
                st.exchange(soci::use(workspace));
                st.exchange(soci::use(id));
                left.bind_into(st);
            });
        if (!run_single(statement)) return false;
    }
    write(contact);
    // "One company's contact was met at the other's meeting" links follow the contact: the
    // companies it leaves and joins are computed again, in this transaction, if it was met.
    const auto from = id_from_db(left);
    if (from != contact.company_id && !references(contact.workspace_id, contact.id, 1).empty()) {
        for (const auto& company : {from, contact.company_id}) {
            if (company) refresh_company_links(session_, contact.workspace_id, *company);
        }
    }
    return true;
}

void SqlContactRepository::write(const Contact& contact) {
    const Int workspace = contact.workspace_id;
    const Int id = contact.id;
    Nullable<Int> company_id;
    set_id(company_id, contact.company_id);
    auto statement = prepare(session_, kUpdateContact, [&](soci::statement& st) {
        st.exchange(soci::use(contact.name));
        st.exchange(soci::use(contact.name_key));
        company_id.bind_use(st);
        st.exchange(soci::use(contact.title));
        st.exchange(soci::use(contact.email));
        st.exchange(soci::use(contact.phone));
        st.exchange(soci::use(workspace));
        st.exchange(soci::use(id));
    });
    run(statement);
}

}  // namespace inmaek::storage::sql

namespace inmaek::storage::sql {
namespace {

constexpr auto kContactReferences = R"sql(
    SELECT 'meeting', meeting_id FROM meeting_contacts
    WHERE workspace_id = :workspace_id AND contact_id = :contact_id
    LIMIT :limit)sql";
constexpr auto kDeleteContactAliases = R"sql(
    DELETE FROM contact_aliases WHERE workspace_id = :workspace_id AND contact_id = :contact_id)sql";
constexpr auto kDeleteContact = R"sql(
    DELETE FROM contacts WHERE workspace_id = :workspace_id AND id = :id)sql";

}  // namespace

std::vector<EntityRef> SqlContactRepository::references(Id workspace_id, Id contact_id, int limit) {
    return select_references(session_, kContactReferences, workspace_id, contact_id, 1, limit);
}

bool SqlContactRepository::remove(Id workspace_id, Id contact_id) {
    execute_with(session_, kDeleteContactAliases, {workspace_id, contact_id});
    return execute_with(session_, kDeleteContact, {workspace_id, contact_id}) == 1;
}

}  // namespace inmaek::storage::sql
