#include "storage/sql_repositories.hpp"

#include <algorithm>
#include <deque>
#include <stdexcept>
#include <unordered_map>

#include "storage/search_text.hpp"

namespace inmaek::storage::sql {
namespace {

constexpr auto kInsertLead = R"sql(
    INSERT INTO leads (workspace_id, title, stage, value_amount, value_currency, owner_id, due,
                       note, created_by, created_at, updated_at)
    VALUES (:workspace_id, :title, :stage, :value_amount, :value_currency, :owner_id, :due,
            :note, :created_by, :created_at, :updated_at)
    RETURNING id)sql";

constexpr auto kInsertLeadCompany = R"sql(
    INSERT INTO lead_companies (workspace_id, lead_id, company_id, position)
    VALUES (:workspace_id, :lead_id, :company_id, :position))sql";

constexpr auto kDeleteLeadCompanies = R"sql(
    DELETE FROM lead_companies WHERE workspace_id = :workspace_id AND lead_id = :lead_id)sql";

constexpr auto kSelectLeadCompanies = R"sql(
    SELECT company_id FROM lead_companies
    WHERE workspace_id = :workspace_id AND lead_id = :lead_id
    ORDER BY position)sql";

constexpr auto kInsertStageChange = R"sql(
    INSERT INTO lead_stage_history (workspace_id, lead_id, from_stage, to_stage, changed_by,
                                    changed_at)
    VALUES (:workspace_id, :lead_id, :from_stage, :to_stage, :changed_by, :changed_at))sql";

// The entry a stage move wrote, taken back by an undo: the lead's newest one between the stages.
constexpr auto kDeleteStageChange = R"sql(
    DELETE FROM lead_stage_history
    WHERE workspace_id = :workspace_id
      AND id = (SELECT MAX(id) FROM lead_stage_history
                WHERE workspace_id = :workspace_id2 AND lead_id = :lead_id
                  AND from_stage = :from_stage AND to_stage = :to_stage))sql";

constexpr auto kSelectLead = R"sql(
    SELECT id, workspace_id, title, stage, value_amount, value_currency, owner_id, due, note,
           created_by, created_at, updated_at
    FROM leads WHERE workspace_id = :workspace_id AND id = :id)sql";

// version is bumped on every write so optimistic locking can be layered on later.
constexpr auto kUpdateLead = R"sql(
    UPDATE leads
    SET title = :title, stage = :stage, value_amount = :value_amount,
        value_currency = :value_currency, owner_id = :owner_id, due = :due, note = :note,
        updated_at = :updated_at, version = version + 1
    WHERE workspace_id = :workspace_id AND id = :id)sql";

constexpr auto kSelectHistory = R"sql(
    SELECT id, lead_id, from_stage, to_stage, changed_by, changed_at
    FROM lead_stage_history
    WHERE workspace_id = :workspace_id AND lead_id = :lead_id
    ORDER BY changed_at, id)sql";

constexpr auto kOpenLeadsForCompany = R"sql(
    SELECT id, workspace_id, title, stage, value_amount, value_currency, owner_id, due, note,
           created_by, created_at, updated_at
    FROM leads
    WHERE (workspace_id, id) IN (SELECT workspace_id, lead_id FROM lead_companies
                                 WHERE workspace_id = :workspace_id AND company_id = :company_id)
      AND stage NOT IN ('signed', 'dropped')
    ORDER BY created_at DESC, id DESC
    LIMIT :limit)sql";

// /leads: the columns of a lead with its owner's name; LeadQuery adds the filters' conditions.
#define INMAEK_LEAD_COLUMNS                                                             \
    "SELECT l.id, l.workspace_id, l.title, l.stage, l.value_amount, l.value_currency, " \
    "l.owner_id, l.due, l.note, l.created_by, l.created_at, l.updated_at, u.display_name"
#define INMAEK_LEADS_FROM                                                                  \
    " FROM leads AS l LEFT JOIN users AS u ON u.workspace_id = l.workspace_id AND u.id = " \
    "l.owner_id WHERE l.workspace_id = :workspace_id"
constexpr auto kListLeads = INMAEK_LEAD_COLUMNS INMAEK_LEADS_FROM;
// The same with the number of the matches (a CTE named matches) as a last column.
constexpr auto kListCountedLeads =
    INMAEK_LEAD_COLUMNS ", (SELECT COUNT(*) FROM matches)" INMAEK_LEADS_FROM;
#undef INMAEK_LEAD_COLUMNS
#undef INMAEK_LEADS_FROM
// The columns of lead_companies' copy of a lead that LeadQuery's matches from the links carry:
// those of every order but the title's.
constexpr auto kLinkSortColumns =
    "lc.updated_at, lc.created_at, lc.value_currency, lc.value_amount, lc.due, lc.stage";
// Up to this many matches, a page is sorted from all of them (LeadQuery::list_sql): a few
// milliseconds at most, whatever the filter.
constexpr long long kFewLeads = 5000;
constexpr auto kCountLeads = "SELECT COUNT(*) FROM leads AS l WHERE l.workspace_id = :workspace_id";
// The companies of a page's leads, in one statement (a round trip a lead was a third of a fast
// list's time); LeadRepository::list appends the ids, numbers it read, and the order.
constexpr auto kLeadCompanyNames = R"sql(
    SELECT lc.lead_id, c.name FROM lead_companies AS lc
    JOIN companies AS c ON c.workspace_id = lc.workspace_id AND c.id = lc.company_id
    WHERE lc.workspace_id = :workspace_id AND lc.lead_id IN ()sql";
constexpr auto kLeadCompanyNamesOrder = ") ORDER BY lc.lead_id, lc.position";

/// The value, owner, due and text columns of a lead, bound as uses.
struct LeadFields {
    std::string title;
    std::string stage;
    Nullable<Int> value_amount;
    Nullable<std::string> value_currency;
    Nullable<Int> owner_id;
    Nullable<std::string> due;
    std::string note;

    explicit LeadFields(const Lead& lead) : title(lead.title), stage(lead.stage), note(lead.note) {
        if (lead.value) {
            value_amount.set(lead.value->amount);
            value_currency.set(lead.value->currency);
        }
        set_id(owner_id, lead.owner_id);
        set_day(due, lead.due);
    }
    void bind(soci::statement& statement) {
        statement.exchange(soci::use(title));
        statement.exchange(soci::use(stage));
        value_amount.bind_use(statement);
        value_currency.bind_use(statement);
        owner_id.bind_use(statement);
        due.bind_use(statement);
        statement.exchange(soci::use(note));
    }
};

/// The conditions and order of a lead filter as SQL with named parameters; user input only
/// ever reaches the statement as bound values.
///
/// company: and industry: start from the companies. Their links carry a copy of the lead's
/// filtered and sorted columns (schemas/0014, 0015), kept by triggers in the lead's own
/// transaction, so the lead's conditions are checked there, in the index of the links by
/// company, and the matches are counted and ordered there too: only the page's leads are read.
/// sort:title (not copied) checks the conditions again on the leads and orders them there.
class LeadQuery {
public:
    LeadQuery(Id workspace_id, const LeadFilter& filter, bool postgresql)
        : workspace_id_(workspace_id) {
        stages_.assign(filter.stages.begin(), filter.stages.end());
        owner_id_ = filter.owner_id;
        unowned_ = !filter.owner_id && filter.unowned;
        set_value(filter.value_above, above_, above_currency_);
        set_value(filter.value_below, below_, below_currency_);
        above_inclusive_ = filter.value_above && filter.value_above->inclusive;
        below_inclusive_ = filter.value_below && filter.value_below->inclusive;
        if (filter.created_from) created_from_ = filter.created_from->time_since_epoch().count();
        if (filter.created_before) {
            created_before_ = filter.created_before->time_since_epoch().count();
        }
        if (filter.due_by) due_by_ = day_to_db(*filter.due_by);

        where_ = lead_conditions("l", "");
        // The links that match, as (lead_id, the sorted columns) in links_.
        std::vector<std::string> links;
        if (filter.company_id) {
            company_id_ = *filter.company_id;
            links.push_back(std::string{"SELECT lc.lead_id AS id, "} + kLinkSortColumns +
                            " FROM lead_companies AS lc"
                            " WHERE lc.workspace_id = :company_workspace"
                            " AND lc.company_id = :company_id" +
                            lead_conditions("lc", kCompanyPrefix));
        }
        if (!filter.industry.empty()) {
            // Few companies name an industry: their leads are found from them, not each lead's
            // companies looked at in turn.
            // SQLite's LIKE ignores the case of ASCII letters (and lower() folds no other);
            // PostgreSQL's LIKE minds case, but lower() on every company is a third of the
            // query, and a word without case (반도체) needs none.
            industry_ = "%" + escape_like(lower_ascii(filter.industry)) + "%";
            const bool lowered = postgresql && search_text::has_case(filter.industry);
            links.push_back(std::string{"SELECT lc.lead_id AS id, "} + kLinkSortColumns +
                            " FROM companies AS c JOIN lead_companies AS lc"
                            " ON lc.workspace_id = c.workspace_id AND lc.company_id = c.id"
                            " WHERE c.workspace_id = :industry_workspace AND " +
                            std::string{lowered ? "lower(c.industry)" : "c.industry"} +
                            " LIKE :industry ESCAPE '\\'" + lead_conditions("lc", kIndustryPrefix));
        }
        // A lead with two matching links is one match; with both filters, a match of each.
        for (std::size_t i = 0; i < links.size(); ++i) {
            links_ += (i == 0 ? "" : " INTERSECT ") + links[i];
        }
        if (links.size() == 1) links_.insert(std::string_view{"SELECT"}.size(), " DISTINCT");
        by_title_ = filter.sort == LeadSort::title;
        if (by_title_ && !links_.empty())
            where_ += " AND l.id IN (SELECT id FROM (" + links_ + ") AS k)";
        order_ = order_by(filter, "l");
        links_order_ = order_by(filter, "m");
        limit_ = sql_limit(filter.limit);
        offset_ = std::max(filter.offset, 0);
    }

    /// The page's rows. With `few` matches (the count knows), every match is found by the
    /// filter's own best plan and then sorted: otherwise a planner may walk an index in the
    /// sort's order expecting a page of matches soon, and read every row of a stage to find
    /// none (PostgreSQL did, for `stage:negotiation value>10억 owner:@user7`).
    [[nodiscard]] std::string list_sql(bool few) const {
        const std::string page = order_ + " LIMIT :limit" + (offset_ > 0 ? " OFFSET :offset" : "");
        if (few) {
            return "WITH matches AS MATERIALIZED (" + std::string{kListLeads} + where_ +
                   ") SELECT * FROM matches AS l" + page;
        }
        return std::string{kListLeads} + where_ + page;
    }
    /// Whether the leads are found from companies (company:, industry:): then they are at most
    /// those companies' leads, usually few, and one statement counts and pages them.
    [[nodiscard]] bool from_companies() const { return company_id_ || industry_; }
    /// The page with the number of all matches as a last column: the matches counted and
    /// ordered in the links' copies, the page's leads read (sort:title: list_sql(true)).
    [[nodiscard]] std::string counted_list_sql() const {
        const std::string page =
            " LIMIT :limit" + std::string{offset_ > 0 ? " OFFSET :offset" : ""};
        if (by_title_) {
            return "WITH matches AS MATERIALIZED (" + std::string{kListLeads} + where_ +
                   ") SELECT l.*, COUNT(*) OVER () FROM matches AS l" + order_ + page;
        }
        // The page's leads pass the conditions on themselves too: they are read anyway.
        return "WITH matches AS MATERIALIZED (" + links_ +
               "), page AS MATERIALIZED (SELECT m.id FROM matches AS m" + links_order_ + page +
               ") " + kListCountedLeads + where_ + " AND l.id IN (SELECT id FROM page)" + order_;
    }
    [[nodiscard]] bool first_page() const { return offset_ == 0; }
    /// Whether the page lies past the last of `total` matches.
    [[nodiscard]] bool past_the_end(long long total) const { return offset_ >= total; }
    [[nodiscard]] std::string count_sql() const {
        if (links_.empty() || by_title_) return std::string{kCountLeads} + where_;
        return "WITH matches AS MATERIALIZED (" + links_ + ") " + kCountLeads + where_ +
               " AND l.id IN (SELECT id FROM matches)";
    }

    /// Adds the uses of every parameter the SQL names.
    void bind(soci::statement& statement, bool with_limit) {
        statement.exchange(soci::use(workspace_id_, "workspace_id"));
        bind_lead_conditions(statement, "");
        // PostgreSQL binds each placeholder once: the subqueries name their parameters anew.
        if (company_id_) {
            statement.exchange(soci::use(workspace_id_, "company_workspace"));
            statement.exchange(soci::use(*company_id_, "company_id"));
            bind_lead_conditions(statement, kCompanyPrefix);
        }
        if (industry_) {
            statement.exchange(soci::use(workspace_id_, "industry_workspace"));
            statement.exchange(soci::use(*industry_, "industry"));
            bind_lead_conditions(statement, kIndustryPrefix);
        }
        if (with_limit) statement.exchange(soci::use(limit_, "limit"));
        if (with_limit && offset_ > 0) statement.exchange(soci::use(offset_, "offset"));
    }

private:
    static constexpr auto kCompanyPrefix = "c_";
    static constexpr auto kIndustryPrefix = "i_";

    static std::string lower_ascii(std::string text) {
        for (auto& c : text) {
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        }
        return text;
    }
    static std::string escape_like(std::string_view text) {
        std::string out;
        for (const char c : text) {
            if (c == '\\' || c == '%' || c == '_') out += '\\';
            out += c;
        }
        return out;
    }
    static void set_value(const std::optional<ValueBound>& bound, std::optional<Int>& amount,
                          std::string& currency) {
        if (!bound) return;
        amount = bound->value.amount;
        currency = bound->value.currency;
    }

    /// The filter's conditions on the lead's own columns, as named by `alias` (leads, or a
    /// link's copy of them), with parameters named `prefix`…
    [[nodiscard]] std::string lead_conditions(const std::string& alias,
                                              const std::string& prefix) const {
        const auto column = [&](std::string_view name) {
            return " AND " + alias + "." + std::string{name};
        };
        std::string sql;
        if (!stages_.empty()) {
            std::string list;
            for (std::size_t i = 0; i < stages_.size(); ++i) {
                list += (i == 0 ? ":" : ", :") + prefix + "stage" + std::to_string(i);
            }
            sql += column("stage") + " IN (" + list + ")";
        }
        if (owner_id_) sql += column("owner_id") + " = :" + prefix + "owner_id";
        if (unowned_) sql += column("owner_id") + " IS NULL";
        const auto value = [&](bool inclusive, std::string_view comparison,
                               const std::string& name) {
            sql += column("value_currency") + " = :" + prefix + name + "_currency" +
                   column("value_amount") + " " + std::string{comparison} +
                   (inclusive ? "= :" : " :") + prefix + name;
        };
        if (above_) value(above_inclusive_, ">", "above");
        if (below_) value(below_inclusive_, "<", "below");
        if (created_from_) sql += column("created_at") + " >= :" + prefix + "created_from";
        if (created_before_) sql += column("created_at") + " < :" + prefix + "created_before";
        if (due_by_) {
            sql += column("due") + " IS NOT NULL" + column("due") + " <= :" + prefix + "due_by";
        }
        return sql;
    }

    /// The uses of lead_conditions(…, prefix).
    void bind_lead_conditions(soci::statement& statement, const std::string& prefix) {
        for (std::size_t i = 0; i < stages_.size(); ++i) {
            statement.exchange(soci::use(stages_[i], prefix + "stage" + std::to_string(i)));
        }
        if (owner_id_) statement.exchange(soci::use(*owner_id_, prefix + "owner_id"));
        if (above_) {
            statement.exchange(soci::use(*above_, prefix + "above"));
            statement.exchange(soci::use(above_currency_, prefix + "above_currency"));
        }
        if (below_) {
            statement.exchange(soci::use(*below_, prefix + "below"));
            statement.exchange(soci::use(below_currency_, prefix + "below_currency"));
        }
        if (created_from_) {
            statement.exchange(soci::use(*created_from_, prefix + "created_from"));
        }
        if (created_before_) {
            statement.exchange(soci::use(*created_before_, prefix + "created_before"));
        }
        if (due_by_) statement.exchange(soci::use(*due_by_, prefix + "due_by"));
    }

    /// The filter's order of the rows named `alias`.
    static std::string order_by(const LeadFilter& filter, const std::string& alias) {
        const std::string direction = filter.descending ? " DESC" : "";
        const auto a = alias + ".";
        const auto id = ", " + a + "id" + direction;
        // Leads without the sorted value come last either way; the id breaks ties.
        switch (filter.sort) {
            case LeadSort::value:
                return " ORDER BY (" + a + "value_amount IS NULL), " + a + "value_currency, " + a +
                       "value_amount" + direction + id;
            case LeadSort::due:
                return " ORDER BY (" + a + "due IS NULL), " + a + "due" + direction + id;
            case LeadSort::created: return " ORDER BY " + a + "created_at" + direction + id;
            case LeadSort::stage: return " ORDER BY " + a + "stage" + direction + id;
            case LeadSort::title: return " ORDER BY " + a + "title" + direction + id;
            case LeadSort::updated: break;
        }
        return " ORDER BY " + a + "updated_at" + direction + id;
    }

    Int workspace_id_;
    std::deque<std::string> stages_;
    std::optional<Int> company_id_;
    std::optional<Int> owner_id_;
    bool unowned_ = false;
    std::optional<std::string> industry_;
    std::optional<Int> above_;
    std::string above_currency_;
    bool above_inclusive_ = false;
    std::optional<Int> below_;
    std::string below_currency_;
    bool below_inclusive_ = false;
    std::optional<Int> created_from_;
    std::optional<Int> created_before_;
    std::optional<std::string> due_by_;
    int limit_ = 0;
    int offset_ = 0;
    std::string where_;
    std::string links_;  ///< company: and industry:'s matching links, or empty
    bool by_title_ = false;
    std::string order_;
    std::string links_order_;
};

}  // namespace

void LeadRow::bind(soci::statement& statement) {
    statement.exchange(soci::into(id));
    statement.exchange(soci::into(workspace_id));
    statement.exchange(soci::into(title));
    statement.exchange(soci::into(stage));
    value_amount.bind_into(statement);
    value_currency.bind_into(statement);
    owner_id.bind_into(statement);
    due.bind_into(statement);
    statement.exchange(soci::into(note));
    created_by.bind_into(statement);
    statement.exchange(soci::into(created_at));
    statement.exchange(soci::into(updated_at));
}

Lead LeadRow::to_record() const {
    Lead lead{.id = id,
              .workspace_id = workspace_id,
              .title = title,
              .stage = stage,
              .owner_id = id_from_db(owner_id),
              .due = day_from_db(due),
              .note = note,
              .created_by = user_from_db(created_by),
              .created_at = timestamp_from_db(created_at),
              .updated_at = timestamp_from_db(updated_at)};
    if (const auto amount = value_amount.get()) {
        lead.value = Money{.amount = *amount, .currency = value_currency.get().value_or("KRW")};
    }
    return lead;
}

void SqlLeadRepository::insert_companies(Id workspace_id, Id lead_id,
                                         const std::vector<Id>& company_ids) {
    if (company_ids.empty()) {
        return;  // SOCI refuses empty bulk vectors
    }
    std::vector<Int> workspace_ids(company_ids.size(), workspace_id);
    std::vector<Int> lead_ids(company_ids.size(), lead_id);
    std::vector<Int> companies(company_ids.begin(), company_ids.end());
    std::vector<int> positions(company_ids.size());
    for (std::size_t i = 0; i < positions.size(); ++i) {
        positions[i] = static_cast<int>(i);
    }
    auto statement = prepare(session_, kInsertLeadCompany, [&](soci::statement& st) {
        st.exchange(soci::use(workspace_ids));
        st.exchange(soci::use(lead_ids));
        st.exchange(soci::use(companies));
        st.exchange(soci::use(positions));
    });
    run(statement);
}

void SqlLeadRepository::append_history(Id workspace_id, Id lead_id, const std::string& from_stage,
                                       const std::string& to_stage, Id changed_by, Timestamp at) {
    const Int workspace = workspace_id;
    const Int lead = lead_id;
    Nullable<Int> user;
    set_user(user, changed_by);
    const Int changed_at = to_db(at);
    auto statement = prepare(session_, kInsertStageChange, [&](soci::statement& st) {
        st.exchange(soci::use(workspace));
        st.exchange(soci::use(lead));
        st.exchange(soci::use(from_stage));
        st.exchange(soci::use(to_stage));
        user.bind_use(st);
        st.exchange(soci::use(changed_at));
    });
    run(statement);
}

std::vector<Id> SqlLeadRepository::company_ids(Id workspace_id, Id lead_id) {
    const Int workspace = workspace_id;
    const Int lead = lead_id;
    Int company = 0;
    auto statement = prepare(session_, kSelectLeadCompanies, [&](soci::statement& st) {
        st.exchange(soci::use(workspace));
        st.exchange(soci::use(lead));
        st.exchange(soci::into(company));
    });
    std::vector<Id> ids;
    for_each_row(statement, [&] { ids.push_back(company); });
    return ids;
}

Lead SqlLeadRepository::create(const Lead& lead) {
    const Int workspace_id = lead.workspace_id;
    LeadFields fields(lead);
    Nullable<Int> created_by;
    set_user(created_by, lead.created_by);
    const Int created_at = to_db(lead.created_at);
    const Int updated_at = lead.updated_at == Timestamp{} ? created_at : to_db(lead.updated_at);
    Int id = 0;
    auto statement = prepare(session_, kInsertLead, [&](soci::statement& st) {
        st.exchange(soci::use(workspace_id));
        fields.bind(st);
        created_by.bind_use(st);
        st.exchange(soci::use(created_at));
        st.exchange(soci::use(updated_at));
        st.exchange(soci::into(id));
    });
    run_single(statement);
    insert_companies(lead.workspace_id, id, lead.company_ids);
    append_history(lead.workspace_id, id, std::string{}, lead.stage, lead.created_by,
                   lead.created_at);

    Lead created = lead;
    created.id = id;
    created.updated_at = timestamp_from_db(updated_at);
    return created;
}

std::optional<Lead> SqlLeadRepository::get(Id workspace_id, Id lead_id) {
    return select_one(kSelectLead, workspace_id, lead_id);
}

std::optional<Lead> SqlLeadRepository::get_for_update(Id workspace_id, Id lead_id) {
    // Without the row lock, two replicas changing one lead at once both read the same row and
    // the later UPDATE writes the earlier one's change back (READ COMMITTED re-checks only the
    // WHERE clause). SQLite has one writer at a time from BEGIN IMMEDIATE on.
    if (!postgresql_) {
        return get(workspace_id, lead_id);
    }
    static const std::string kSelectLeadForUpdate = std::string{kSelectLead} + " FOR UPDATE";
    return select_one(kSelectLeadForUpdate, workspace_id, lead_id);
}

std::optional<Lead> SqlLeadRepository::find_by_title(Id workspace_id, Id company_id,
                                                     std::string_view title) {
    static constexpr auto kFindByTitle = R"sql(
        SELECT l.id FROM leads l
        JOIN lead_companies lc
          ON lc.workspace_id = l.workspace_id AND lc.lead_id = l.id AND lc.position = 0
        WHERE l.workspace_id = :workspace_id AND lc.company_id = :company_id
          AND l.title = :title
        ORDER BY l.id LIMIT 1)sql";
    const Int workspace = workspace_id;
    const Int company = company_id;
    const std::string wanted{title};
    Int id = 0;
    {
        auto statement = prepare(session_, kFindByTitle, [&](soci::statement& st) {
            st.exchange(soci::use(workspace));
            st.exchange(soci::use(company));
            st.exchange(soci::use(wanted));
            st.exchange(soci::into(id));
        });
        if (!run_single(statement)) return std::nullopt;
    }
    return get(workspace_id, id);
}

std::optional<Lead> SqlLeadRepository::select_one(const std::string& sql, Id workspace_id,
                                                  Id lead_id) {
    const Int workspace = workspace_id;
    const Int id = lead_id;
    LeadRow row;
    {
        auto statement = prepare(session_, sql, [&](soci::statement& st) {
            st.exchange(soci::use(workspace));
            st.exchange(soci::use(id));
            row.bind(st);
        });
        if (!run_single(statement)) {
            return std::nullopt;
        }
    }
    Lead lead = row.to_record();
    lead.company_ids = company_ids(workspace_id, lead_id);
    return lead;
}

void SqlLeadRepository::update(const Lead& before, const Lead& after, Id changed_by, Timestamp at) {
    write(before, after, at);
    if (before.stage != after.stage) {
        append_history(after.workspace_id, after.id, before.stage, after.stage, changed_by, at);
    }
}

void SqlLeadRepository::restore(const Lead& current, const Lead& restored, Timestamp at) {
    write(current, restored, at);
    if (current.stage == restored.stage) return;
    const Int workspace = restored.workspace_id;
    const Int lead = restored.id;
    auto statement = prepare(session_, kDeleteStageChange, [&](soci::statement& st) {
        st.exchange(soci::use(workspace));
        st.exchange(soci::use(workspace));
        st.exchange(soci::use(lead));
        st.exchange(soci::use(restored.stage));
        st.exchange(soci::use(current.stage));
    });
    run(statement);
}

void SqlLeadRepository::write(const Lead& before, const Lead& after, Timestamp at) {
    const Int workspace = after.workspace_id;
    const Int id = after.id;
    LeadFields fields(after);
    const Int updated_at = to_db(at);
    auto statement = prepare(session_, kUpdateLead, [&](soci::statement& st) {
        fields.bind(st);
        st.exchange(soci::use(updated_at));
        st.exchange(soci::use(workspace));
        st.exchange(soci::use(id));
    });
    run(statement);
    if (statement.get_affected_rows() != 1) {
        throw std::out_of_range("lead " + std::to_string(after.id) + " not found in workspace " +
                                std::to_string(after.workspace_id));
    }

    if (before.company_ids != after.company_ids) {
        auto remove = prepare(session_, kDeleteLeadCompanies, [&](soci::statement& st) {
            st.exchange(soci::use(workspace));
            st.exchange(soci::use(id));
        });
        run(remove);
        insert_companies(after.workspace_id, after.id, after.company_ids);
    }
}

std::vector<StageChange> SqlLeadRepository::history(Id workspace_id, Id lead_id) {
    const Int workspace = workspace_id;
    const Int lead = lead_id;
    Int id = 0;
    Int row_lead_id = 0;
    std::string from_stage;
    std::string to_stage;
    Nullable<Int> changed_by;
    Int changed_at = 0;
    auto statement = prepare(session_, kSelectHistory, [&](soci::statement& st) {
        st.exchange(soci::use(workspace));
        st.exchange(soci::use(lead));
        st.exchange(soci::into(id));
        st.exchange(soci::into(row_lead_id));
        st.exchange(soci::into(from_stage));
        st.exchange(soci::into(to_stage));
        changed_by.bind_into(st);
        st.exchange(soci::into(changed_at));
    });
    std::vector<StageChange> changes;
    for_each_row(statement, [&] {
        changes.push_back(StageChange{.id = id,
                                      .lead_id = row_lead_id,
                                      .from_stage = from_stage,
                                      .to_stage = to_stage,
                                      .changed_by = user_from_db(changed_by),
                                      .changed_at = timestamp_from_db(changed_at)});
    });
    return changes;
}

std::vector<Lead> SqlLeadRepository::open_for_company(Id workspace_id, Id company_id, int limit) {
    const Int workspace = workspace_id;
    const Int company = company_id;
    const int row_limit = sql_limit(limit);
    LeadRow row;
    std::vector<Lead> leads;
    {
        auto statement = prepare(session_, kOpenLeadsForCompany, [&](soci::statement& st) {
            st.exchange(soci::use(workspace));
            st.exchange(soci::use(company));
            st.exchange(soci::use(row_limit));
            row.bind(st);
        });
        for_each_row(statement, [&] { leads.push_back(row.to_record()); });
    }
    for (Lead& lead : leads) {
        lead.company_ids = company_ids(workspace_id, lead.id);
    }
    return leads;
}

std::vector<Lead> SqlLeadRepository::page(Id workspace_id, Id after_id, int limit) {
    return load_page(page_ids(session_, "leads", workspace_id, after_id, limit),
                     [&](Id id) { return get(workspace_id, id); });
}

Page<LeadListItem> SqlLeadRepository::list(Id workspace_id, const LeadFilter& filter) {
    LeadQuery query(workspace_id, filter, postgresql_);
    Page<LeadListItem> page;
    LeadRow row;
    Nullable<std::string> owner;
    const auto add_item = [&] {
        page.items.push_back({row.to_record(), {}, owner.get().value_or("")});
    };
    long long total = -1;  // unknown
    if (query.from_companies()) {
        // One pass over the matches instead of two; a page past the end counts them below.
        long long counted = 0;
        auto statement = prepare(session_, query.counted_list_sql(), [&](soci::statement& st) {
            row.bind(st);
            owner.bind_into(st);
            st.exchange(soci::into(counted));
            query.bind(st, true);
        });
        for_each_row(statement, add_item);
        if (!page.items.empty()) {
            total = counted;
        } else if (query.first_page()) {
            total = 0;
        }
    }
    if (total < 0) {
        auto count = prepare(session_, query.count_sql(), [&](soci::statement& st) {
            st.exchange(soci::into(total));
            query.bind(st, false);
        });
        run_single(count);
    }
    page.total = total;
    if (!query.from_companies() && !query.past_the_end(total)) {
        auto statement =
            prepare(session_, query.list_sql(total <= kFewLeads), [&](soci::statement& st) {
                row.bind(st);
                owner.bind_into(st);
                query.bind(st, true);
            });
        for_each_row(statement, add_item);
    }
    if (page.items.empty()) return page;
    std::string sql = kLeadCompanyNames;
    std::unordered_map<Int, LeadListItem*> by_id;
    for (auto& item : page.items) {
        sql += (by_id.empty() ? "" : ", ") + std::to_string(item.lead.id);
        by_id.emplace(item.lead.id, &item);
    }
    sql += kLeadCompanyNamesOrder;
    const Int workspace = workspace_id;
    Int lead_id = 0;
    std::string name;
    auto names = prepare(session_, sql, [&](soci::statement& st) {
        st.exchange(soci::into(lead_id));
        st.exchange(soci::into(name));
        st.exchange(soci::use(workspace, "workspace_id"));
    });
    for_each_row(names, [&] { by_id.at(lead_id)->companies.push_back(name); });
    return page;
}

}  // namespace inmaek::storage::sql

namespace inmaek::storage::sql {
namespace {

constexpr auto kLeadReferences = R"sql(
    SELECT 'meeting', id FROM meetings WHERE workspace_id = :w1 AND lead_id = :l1
    UNION ALL
    SELECT 'follow_up', id FROM follow_ups WHERE workspace_id = :w2 AND lead_id = :l2
    LIMIT :limit)sql";
constexpr auto kDeleteLead = R"sql(
    DELETE FROM leads WHERE workspace_id = :workspace_id AND id = :id)sql";

}  // namespace

std::vector<EntityRef> SqlLeadRepository::references(Id workspace_id, Id lead_id, int limit) {
    return select_references(session_, kLeadReferences, workspace_id, lead_id, 2, limit);
}

bool SqlLeadRepository::remove(Id workspace_id, Id lead_id) {
    return execute_with(session_, kDeleteLead, {workspace_id, lead_id}) == 1;
}

}  // namespace inmaek::storage::sql
