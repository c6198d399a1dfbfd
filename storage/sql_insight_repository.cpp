#include <algorithm>
#include <array>
#include <string>

#include "storage/sql_repositories.hpp"

namespace inmaek::storage::sql {
namespace {

// Who logged or made something: the display name, else the handle.
#define INMAEK_USER_NAME "COALESCE(NULLIF(u.display_name, ''), u.handle, '')"

// Each timeline query selects (kind, id, at, has_time, text, from_stage, to_stage, due, done,
// by) newest first, bound as (workspace, company, ..., limit); kinds as in TimelineKind.
// Meetings among the 200 most recently logged links of the company, as its card reads them
// (schemas/0002): a timeline stays a few index reads however many meetings a customer has had.
constexpr auto kTimelineMeetings = R"sql(
    SELECT 0, m.id, m.starts_at, m.has_time, m.notes, '', '', CAST(NULL AS TEXT), 0,
           )sql" INMAEK_USER_NAME R"sql(
    FROM meetings m
    LEFT JOIN users u ON u.workspace_id = m.workspace_id AND u.id = m.created_by
    WHERE (m.workspace_id, m.id) IN (SELECT workspace_id, meeting_id FROM meeting_companies
                                     WHERE workspace_id = :workspace_id AND company_id = :company_id
                                     ORDER BY meeting_id DESC LIMIT 200)
    ORDER BY m.starts_at DESC, m.id DESC LIMIT :limit)sql";

// The stage history of every lead the company is part of, as the lead card reads it.
constexpr auto kTimelineMoves = R"sql(
    SELECT CASE WHEN h.from_stage = '' THEN 1 ELSE 2 END, h.lead_id, h.changed_at, 0, l.title,
           h.from_stage, h.to_stage, CAST(NULL AS TEXT), 0, )sql" INMAEK_USER_NAME R"sql(
    FROM lead_stage_history h
    JOIN leads l ON l.workspace_id = h.workspace_id AND l.id = h.lead_id
    LEFT JOIN users u ON u.workspace_id = h.workspace_id AND u.id = h.changed_by
    WHERE h.workspace_id = :workspace_id
      AND h.lead_id IN (SELECT lead_id FROM lead_companies
                        WHERE workspace_id = :workspace_id2 AND company_id = :company_id)
    ORDER BY h.changed_at DESC, h.id DESC LIMIT :limit)sql";

// Follow-ups of the company's leads and of its meetings, each found through its own index. Every
// placeholder of a statement has its own name: SQLite binds a repeated name once.
#define INMAEK_COMPANY_FOLLOW_UPS                                                            \
    "SELECT id FROM follow_ups WHERE workspace_id = :workspace_id2 AND lead_id IN "          \
    "(SELECT lead_id FROM lead_companies WHERE workspace_id = :workspace_id3 "               \
    "AND company_id = :company_id) "                                                         \
    "UNION SELECT id FROM follow_ups WHERE workspace_id = :workspace_id4 AND meeting_id IN " \
    "(SELECT meeting_id FROM meeting_companies WHERE workspace_id = :workspace_id5 "         \
    "AND company_id = :company_id2)"

constexpr auto kTimelineFollowUps = R"sql(
    SELECT 3, f.id, f.created_at, 0, f.text, '', '', f.due, f.done, )sql" INMAEK_USER_NAME R"sql(
    FROM follow_ups f
    LEFT JOIN users u ON u.workspace_id = f.workspace_id AND u.id = f.created_by
    WHERE f.workspace_id = :workspace_id AND f.id IN ()sql" INMAEK_COMPANY_FOLLOW_UPS R"sql()
    ORDER BY f.created_at DESC, f.id DESC LIMIT :limit)sql";

constexpr auto kTimelineTotal = R"sql(
    SELECT (SELECT COUNT(DISTINCT meeting_id) FROM meeting_companies
            WHERE workspace_id = :meetings_workspace_id AND company_id = :meetings_company_id)
         + (SELECT COUNT(*) FROM lead_stage_history
            WHERE workspace_id = :moves_workspace_id
              AND lead_id IN (SELECT lead_id FROM lead_companies
                              WHERE workspace_id = :leads_workspace_id
                                AND company_id = :leads_company_id))
         + (SELECT COUNT(*) FROM follow_ups
            WHERE workspace_id = :workspace_id AND id IN ()sql" INMAEK_COMPANY_FOLLOW_UPS
                                R"sql()))sql";

#undef INMAEK_COMPANY_FOLLOW_UPS

constexpr auto kDegree = R"sql(
    SELECT COUNT(*) FROM company_links WHERE workspace_id = :workspace_id AND company_id = :id)sql";

constexpr auto kLinked = R"sql(
    SELECT COUNT(*) FROM company_links
    WHERE workspace_id = :workspace_id AND company_id = :from_id AND other_id = :to_id)sql";

// One primary-key probe per neighbour of `from` (the end with fewer neighbours).
constexpr auto kTwoHops = R"sql(
    SELECT l1.other_id, 0 FROM company_links l1
    JOIN company_links l2 ON l2.workspace_id = l1.workspace_id AND l2.company_id = l1.other_id
                         AND l2.other_id = :to_id
    WHERE l1.workspace_id = :workspace_id AND l1.company_id = :from_id
    ORDER BY l1.meetings + l2.meetings DESC, l1.other_id LIMIT :limit)sql";

// Every neighbour's neighbours probed for a link to `to`: run only when no shorter chain exists,
// unordered so that it stops at the first chains found.
constexpr auto kThreeHops = R"sql(
    SELECT l1.other_id, l2.other_id FROM company_links l1
    JOIN company_links l2 ON l2.workspace_id = l1.workspace_id AND l2.company_id = l1.other_id
    JOIN company_links l3 ON l3.workspace_id = l2.workspace_id AND l3.company_id = l2.other_id
                         AND l3.other_id = :to_id
    WHERE l1.workspace_id = :workspace_id AND l1.company_id = :from_id
      AND l2.other_id <> :from_id2
    LIMIT :limit)sql";

// The same chains found the other way round: every pair of a neighbour of `from` and one of `to`
// probed for a link, which is cheaper when both ends have few neighbours however large the
// companies between them are (a startup met at one big customer's event, another at another's).
// CROSS JOIN keeps SQLite to this order.
constexpr auto kThreeHopsByPairs = R"sql(
    SELECT l1.other_id, l3.other_id FROM company_links l1
    CROSS JOIN company_links l3
    CROSS JOIN company_links l2
    WHERE l1.workspace_id = :workspace_id AND l1.company_id = :from_id
      AND l3.workspace_id = :workspace_id2 AND l3.company_id = :to_id
      AND l2.workspace_id = :workspace_id3 AND l2.company_id = l1.other_id
      AND l2.other_id = l3.other_id AND l1.other_id <> :to_id2 AND l3.other_id <> :from_id2
    LIMIT :limit)sql";

/// Below this many pairs of neighbours, three-hop chains are found by probing the pairs.
constexpr Int kPairProbes = 4096;

constexpr auto kHop = R"sql(
    SELECT l.meetings, l.last_meeting_id, l.last_at, m.has_time, )sql" INMAEK_USER_NAME R"sql(,
           a.name, b.name
    FROM company_links l
    JOIN meetings m ON m.workspace_id = l.workspace_id AND m.id = l.last_meeting_id
    JOIN companies a ON a.workspace_id = l.workspace_id AND a.id = l.company_id
    JOIN companies b ON b.workspace_id = l.workspace_id AND b.id = l.other_id
    LEFT JOIN users u ON u.workspace_id = m.workspace_id AND u.id = m.created_by
    WHERE l.workspace_id = :workspace_id AND l.company_id = :from_id AND l.other_id = :to_id)sql";

#undef INMAEK_USER_NAME

constexpr auto kMeetingContactNames = R"sql(
    SELECT c.name FROM meeting_contacts mc
    JOIN contacts c ON c.workspace_id = mc.workspace_id AND c.id = mc.contact_id
    WHERE mc.workspace_id = :workspace_id AND mc.meeting_id = :meeting_id
    ORDER BY mc.position)sql";

constexpr auto kDeleteLinks = R"sql(
    DELETE FROM company_links WHERE workspace_id = :workspace_id)sql";

// One company's rows of company_links, both directions, taken back before they are computed
// again from the meetings (refresh_company_links).
constexpr auto kDeleteLinksTo = R"sql(
    DELETE FROM company_links
    WHERE workspace_id = :workspace_id AND other_id = :company_id
      AND company_id IN (SELECT other_id FROM company_links
                         WHERE workspace_id = :workspace_id2 AND company_id = :company_id2))sql";
constexpr auto kDeleteLinksFrom = R"sql(
    DELETE FROM company_links WHERE workspace_id = :workspace_id AND company_id = :company_id)sql";

// The statement that computes rows of company_links (schemas/0011, whose backfill this is) from
// a CTE `present`: the companies at each meeting of the workspace, named or through a contact of
// theirs, as (meeting_id, company_id). Each ordered pair of companies at a meeting counts it and
// keeps its latest by date; `pairs_where` limits the pairs. Its uses: those of `present`, the
// workspace, then those of `pairs_where`.
#define INMAEK_INSERT_LINKS(present, pairs_where)                                                \
    "INSERT INTO company_links (workspace_id, company_id, other_id, meetings, last_meeting_id, " \
    "                           last_at) "                                                       \
    "WITH " present                                                                              \
    ", pairs AS ("                                                                               \
    "    SELECT m.workspace_id, a.company_id, b.company_id AS other_id, m.id AS meeting_id, "    \
    "           m.starts_at, "                                                                   \
    "           COUNT(*) OVER (PARTITION BY a.company_id, b.company_id) AS meetings, "           \
    "           ROW_NUMBER() OVER (PARTITION BY a.company_id, b.company_id "                     \
    "                              ORDER BY m.starts_at DESC, m.id DESC) AS n "                  \
    "    FROM present a "                                                                        \
    "    JOIN present b ON b.meeting_id = a.meeting_id AND b.company_id <> a.company_id "        \
    "    JOIN meetings m ON m.workspace_id = :meetings_workspace_id AND m.id = a.meeting_id "    \
    "    " pairs_where                                                                           \
    ") "                                                                                         \
    "SELECT workspace_id, company_id, other_id, meetings, meeting_id, starts_at "                \
    "FROM pairs WHERE n = 1"

// Every meeting of the workspace: the full rebuild.
constexpr auto kRebuildLinks = INMAEK_INSERT_LINKS(R"sql(present AS (
        SELECT meeting_id, company_id FROM meeting_companies
        WHERE workspace_id = :workspace_id
        UNION
        SELECT mc.meeting_id, c.company_id
        FROM meeting_contacts mc
        JOIN contacts c ON c.workspace_id = mc.workspace_id AND c.id = mc.contact_id
        WHERE mc.workspace_id = :workspace_id2 AND c.company_id IS NOT NULL
    ))sql",
                                                   "");

// Only the meetings one company took part in, and only the pairs it is one of: what
// refresh_company_links puts back after deleting that company's rows.
constexpr auto kRefreshLinks = INMAEK_INSERT_LINKS(
    R"sql(touched AS (
        SELECT meeting_id FROM meeting_companies
        WHERE workspace_id = :workspace_id AND company_id = :company_id
        UNION
        SELECT mc.meeting_id
        FROM contacts c
        JOIN meeting_contacts mc ON mc.workspace_id = c.workspace_id AND mc.contact_id = c.id
        WHERE c.workspace_id = :workspace_id2 AND c.company_id = :company_id2
    ), present AS (
        SELECT mc.meeting_id, mc.company_id
        FROM touched t JOIN meeting_companies mc ON mc.meeting_id = t.meeting_id
        UNION
        SELECT mt.meeting_id, c.company_id
        FROM touched t
        JOIN meeting_contacts mt ON mt.meeting_id = t.meeting_id
        JOIN contacts c ON c.workspace_id = mt.workspace_id AND c.id = mt.contact_id
        WHERE c.company_id IS NOT NULL
    ))sql",
    "WHERE a.company_id = :company_id3 OR b.company_id = :company_id4");

#undef INMAEK_INSERT_LINKS

/// Appends the entries a timeline query yields; `binds` are its uses before the limit.
void read_timeline(soci::session& session, const char* sql, const std::vector<Int>& binds,
                   int limit, std::vector<TimelineEntry>& entries) {
    int kind = 0;
    Int id = 0;
    Int at = 0;
    int has_time = 0;
    int done = 0;
    Nullable<std::string> due;
    TimelineEntry entry;
    auto statement = prepare(session, sql, [&](soci::statement& st) {
        for (const Int& value : binds) st.exchange(soci::use(value));
        st.exchange(soci::use(limit));
        st.exchange(soci::into(kind));
        st.exchange(soci::into(id));
        st.exchange(soci::into(at));
        st.exchange(soci::into(has_time));
        st.exchange(soci::into(entry.text));
        st.exchange(soci::into(entry.from_stage));
        st.exchange(soci::into(entry.to_stage));
        due.bind_into(st);
        st.exchange(soci::into(done));
        st.exchange(soci::into(entry.by));
    });
    for_each_row(statement, [&] {
        entry.kind = static_cast<TimelineKind>(kind);
        entry.id = id;
        entry.at = timestamp_from_db(at);
        entry.has_time = has_time != 0;
        entry.due = day_from_db(due);
        entry.done = done != 0;
        entries.push_back(entry);
    });
}

/// The single number `sql` yields for `binds`.
Int single_count(soci::session& session, const char* sql, const std::vector<Int>& binds) {
    Int total = 0;
    auto statement = prepare(session, sql, [&](soci::statement& st) {
        for (const Int& value : binds) st.exchange(soci::use(value));
        st.exchange(soci::into(total));
    });
    run_single(statement);
    return total;
}

}  // namespace

Page<TimelineEntry> SqlInsightRepository::company_history(Id workspace_id, Id company_id,
                                                          int limit) {
    const Int ws = workspace_id;
    const Int company = company_id;
    const int rows = sql_limit(limit);
    Page<TimelineEntry> page;
    read_timeline(session_, kTimelineMeetings, {ws, company}, rows, page.items);
    read_timeline(session_, kTimelineMoves, {ws, ws, company}, rows, page.items);
    read_timeline(session_, kTimelineFollowUps, {ws, ws, ws, company, ws, ws, company}, rows,
                  page.items);
    // Newest first. Within one second (a lead created, moved and given a follow-up by one
    // message) in the order things follow each other: follow-ups, moves, creations, meetings.
    std::sort(page.items.begin(), page.items.end(),
              [](const TimelineEntry& a, const TimelineEntry& b) {
                  if (a.at != b.at) return a.at > b.at;
                  if (a.kind != b.kind) return a.kind > b.kind;
                  return a.id > b.id;
              });
    if (page.items.size() > static_cast<std::size_t>(rows)) {
        page.items.resize(static_cast<std::size_t>(rows));
    }
    page.total = single_count(session_, kTimelineTotal,
                              {ws, company, ws, ws, company, ws, ws, ws, company, ws, ws, company});
    return page;
}

std::vector<std::vector<Id>> SqlInsightRepository::chains(Id workspace_id, Id from_id, Id to_id,
                                                          int hops, int limit) {
    const Int ws = workspace_id;
    const Int from = from_id;
    const Int to = to_id;
    std::vector<std::vector<Id>> found;
    if (hops == 1) {
        if (single_count(session_, kLinked, {ws, from, to}) > 0) found.push_back({from, to});
        return found;
    }
    Int first = 0;
    Int second = 0;
    // Both ends' neighbours counted again: cheap next to a search of three hops.
    if (hops == 3 &&
        single_count(session_, kDegree, {ws, from}) * single_count(session_, kDegree, {ws, to}) <=
            kPairProbes) {
        // PostgreSQL would otherwise reorder the joins into the expansion of kThreeHops; the
        // setting lasts until the end of the transaction.
        if (is_postgresql(session_)) session_ << "SET LOCAL join_collapse_limit = 1";
        auto statement = prepare(session_, kThreeHopsByPairs, [&](soci::statement& st) {
            for (const Int* value : {&ws, &from, &ws, &to, &ws, &to, &from}) {
                st.exchange(soci::use(*value));
            }
            st.exchange(soci::use(limit));
            st.exchange(soci::into(first));
            st.exchange(soci::into(second));
        });
        for_each_row(statement, [&] { found.push_back({from, first, second, to}); });
        if (is_postgresql(session_)) session_ << "RESET join_collapse_limit";
        return found;
    }
    auto statement = prepare(session_, hops == 2 ? kTwoHops : kThreeHops, [&](soci::statement& st) {
        st.exchange(soci::use(to));
        st.exchange(soci::use(ws));
        st.exchange(soci::use(from));
        if (hops == 3) st.exchange(soci::use(from));
        st.exchange(soci::use(limit));
        st.exchange(soci::into(first));
        st.exchange(soci::into(second));
    });
    for_each_row(statement, [&] {
        if (hops == 2) {
            found.push_back({from, first, to});
        } else {
            found.push_back({from, first, second, to});
        }
    });
    return found;
}

CompanyHop SqlInsightRepository::hop(Id workspace_id, Id from_id, Id to_id) {
    const Int ws = workspace_id;
    const Int from = from_id;
    const Int to = to_id;
    CompanyHop hop{.from_id = from_id, .to_id = to_id};
    Int meetings = 0;
    Int meeting_id = 0;
    Int at = 0;
    int has_time = 0;
    auto statement = prepare(session_, kHop, [&](soci::statement& st) {
        st.exchange(soci::use(ws));
        st.exchange(soci::use(from));
        st.exchange(soci::use(to));
        st.exchange(soci::into(meetings));
        st.exchange(soci::into(meeting_id));
        st.exchange(soci::into(at));
        st.exchange(soci::into(has_time));
        st.exchange(soci::into(hop.logged_by));
        st.exchange(soci::into(hop.from_name));
        st.exchange(soci::into(hop.to_name));
    });
    run_single(statement);
    hop.meetings = meetings;
    hop.meeting_id = meeting_id;
    hop.meeting_at = timestamp_from_db(at);
    hop.has_time = has_time != 0;
    std::string name;
    auto contacts = prepare(session_, kMeetingContactNames, [&](soci::statement& st) {
        st.exchange(soci::use(ws));
        st.exchange(soci::use(meeting_id));
        st.exchange(soci::into(name));
    });
    for_each_row(contacts, [&] { hop.contacts.push_back(name); });
    return hop;
}

std::vector<CompanyChain> SqlInsightRepository::paths(Id workspace_id, Id from_id, Id to_id,
                                                      int max_hops, int limit) {
    if (from_id == to_id || limit <= 0) return {};
    // Chains are searched from the end with fewer neighbours, which bounds the probes by that
    // end's links, and then read in the order asked.
    const Int ws = workspace_id;
    const Int from_degree = single_count(session_, kDegree, {ws, from_id});
    const Int to_degree = single_count(session_, kDegree, {ws, to_id});
    if (from_degree == 0 || to_degree == 0) return {};
    const bool reversed = to_degree < from_degree;
    std::vector<std::vector<Id>> found;
    for (int hops = 1; hops <= max_hops && found.empty(); ++hops) {
        found = reversed ? chains(workspace_id, to_id, from_id, hops, limit)
                         : chains(workspace_id, from_id, to_id, hops, limit);
    }
    std::vector<CompanyChain> result;
    for (auto& companies : found) {
        if (reversed) std::reverse(companies.begin(), companies.end());
        CompanyChain chain;
        for (std::size_t i = 0; i + 1 < companies.size(); ++i) {
            chain.hops.push_back(hop(workspace_id, companies[i], companies[i + 1]));
        }
        result.push_back(std::move(chain));
    }
    return result;
}

void SqlInsightRepository::rebuild_company_links(Id workspace_id) {
    const Int ws = workspace_id;
    session_ << kDeleteLinks, soci::use(ws);
    session_ << kRebuildLinks, soci::use(ws), soci::use(ws), soci::use(ws);
}

void refresh_company_links(soci::session& session, Id workspace_id, Id company_id) {
    execute_with(session, kDeleteLinksTo, {workspace_id, company_id, workspace_id, company_id});
    execute_with(session, kDeleteLinksFrom, {workspace_id, company_id});
    execute_with(
        session, kRefreshLinks,
        {workspace_id, company_id, workspace_id, company_id, workspace_id, company_id, company_id});
}

}  // namespace inmaek::storage::sql
