#pragma once

// The SQL of SqlSummaryRepository, apart so that tests/bench/summary_bench.cpp can show the plans
// of the very queries it times. Each section is a count over an index range and its first rows,
// with names joined in; lists stop after `limit` rows of an index walk, and nothing reads a whole
// workspace row by row except the pipeline, which reads one covering index (schemas/0006).
// Every value is bound.

#include <cstddef>
#include <string>

namespace inmaek::storage::sql::summary_sql {

inline constexpr auto kCountMeetings = R"sql(
    SELECT COUNT(*) FROM meetings
    WHERE workspace_id = :workspace_id AND starts_at >= :from AND starts_at < :to)sql";

inline constexpr auto kListMeetings = R"sql(
    SELECT id, starts_at, has_time, notes FROM meetings
    WHERE workspace_id = :workspace_id AND starts_at >= :from AND starts_at < :to
    ORDER BY starts_at, id LIMIT :limit)sql";

// The names linked to the meetings kListMeetings lists, by meeting and position: the companies
// (link table meeting_companies, names from companies by company_id) or the people.
inline std::string meeting_names_sql(const std::string& link_table, const std::string& names_table,
                                     const std::string& key) {
    return "SELECT link.meeting_id, x.name FROM " + link_table + " link JOIN " + names_table +
           " x ON x.workspace_id = link.workspace_id AND x.id = link." + key + R"sql(
    WHERE link.workspace_id = :workspace_id AND link.meeting_id IN (
        SELECT id FROM meetings
        WHERE workspace_id = :workspace_id2 AND starts_at >= :from AND starts_at < :to
        ORDER BY starts_at, id LIMIT :limit)
    ORDER BY link.meeting_id, link.position)sql";
}
inline const std::string kMeetingCompanies =
    meeting_names_sql("meeting_companies", "companies", "company_id");
inline const std::string kMeetingContacts =
    meeting_names_sql("meeting_contacts", "contacts", "contact_id");

// History rows of the period by kind (0 created, 1 moved, 2 signed, 3 dropped), numbered and
// counted per kind, so one range read of lead_stage_history_changed gives every section; the
// leads and users are joined to the kept rows only.
inline constexpr auto kLeadMoves = R"sql(
    SELECT r.kind, r.total, r.lead_id, l.title, r.from_stage, r.to_stage, r.changed_at,
           COALESCE(NULLIF(u.display_name, ''), u.handle, ''), l.value_amount, l.value_currency
    FROM (SELECT k.*, ROW_NUMBER() OVER (PARTITION BY k.kind ORDER BY k.changed_at, k.id) AS n,
                 COUNT(*) OVER (PARTITION BY k.kind) AS total
          FROM (SELECT h.id, h.workspace_id, h.lead_id, h.from_stage, h.to_stage, h.changed_by,
                       h.changed_at,
                       CASE WHEN h.from_stage = '' THEN 0
                            WHEN h.to_stage = 'signed' THEN 2
                            WHEN h.to_stage = 'dropped' THEN 3
                            ELSE 1 END AS kind
                FROM lead_stage_history h
                WHERE h.workspace_id = :workspace_id AND h.changed_at >= :from
                  AND h.changed_at < :to) AS k) AS r
    JOIN leads l ON l.workspace_id = r.workspace_id AND l.id = r.lead_id
    LEFT JOIN users u ON u.workspace_id = r.workspace_id AND u.id = r.changed_by
    WHERE r.n <= :limit
    ORDER BY r.kind, r.n)sql";

inline constexpr auto kFollowUpColumns = R"sql(
    SELECT f.id, f.text, f.due, COALESCE(NULLIF(u.display_name, ''), u.handle, ''), f.lead_id
    FROM follow_ups f
    LEFT JOIN users u ON u.workspace_id = f.workspace_id AND u.id = f.assignee_id
    WHERE f.workspace_id = :workspace_id AND f.done = 0)sql";

inline constexpr auto kCountNewFollowUps = R"sql(
    SELECT COUNT(*) FROM follow_ups
    WHERE workspace_id = :workspace_id AND created_at >= :from AND created_at < :to
      AND done = 0)sql";
inline constexpr auto kNewFollowUpsFilter = R"sql(
      AND f.created_at >= :from AND f.created_at < :to
    ORDER BY f.created_at, f.id LIMIT :limit)sql";

// 'YYYY-MM-DD' text orders as dates; counts over ranges of follow_ups_open.
inline constexpr auto kCountDueToday = R"sql(
    SELECT COUNT(*) FROM follow_ups
    WHERE workspace_id = :workspace_id AND done = 0 AND due = :today)sql";
inline constexpr auto kCountOverdue = R"sql(
    SELECT COUNT(*) FROM follow_ups
    WHERE workspace_id = :workspace_id AND done = 0 AND due < :today)sql";
inline constexpr auto kDueTodayFilter = R"sql(
      AND f.due = :today
    ORDER BY f.id LIMIT :limit)sql";
// The most recently missed first: what slipped yesterday matters more than what slipped a year
// ago, which the count still shows.
inline constexpr auto kOverdueFilter = R"sql(
      AND f.due < :today
    ORDER BY f.due DESC, f.id DESC LIMIT :limit)sql";

// Idle leads of a stage: neither changed nor met since the cutoff (leads.last_met_at, kept by a
// trigger of schemas/0006), counted over a range of leads_stage_updated alone.
inline constexpr auto kCountIdle = R"sql(
    SELECT COUNT(*) FROM leads
    WHERE workspace_id = :workspace_id AND stage = :stage AND updated_at < :since
      AND (last_met_at IS NULL OR last_met_at < :met_since))sql";
// One walk per stage back along leads_stage_updated from its cutoff, stopping after `limit` idle
// leads; the walks are merged by last change. The leads that went quiet last come first: they
// can still be saved, and the list changes from day to day, where the longest idle would be the
// same forgotten leads every morning (the count has them all). '#' becomes the stage's number:
// SQLite gives every use of one parameter name the same slot, and SOCI binds by position.
inline constexpr auto kIdleOfStage = R"sql(
    SELECT * FROM (
        SELECT l.workspace_id, l.id, l.title, l.stage, l.updated_at, l.last_met_at, l.owner_id
        FROM leads l
        WHERE l.workspace_id = :workspace_id# AND l.stage = :stage# AND l.updated_at < :since#
          AND (l.last_met_at IS NULL OR l.last_met_at < :met_since#)
        ORDER BY l.updated_at DESC, l.id DESC LIMIT :limit#) AS s)sql";
inline constexpr auto kIdleHead = R"sql(
    SELECT i.id, i.title, i.stage, i.updated_at, i.last_met_at,
           COALESCE(NULLIF(u.display_name, ''), u.handle, '')
    FROM ()sql";
inline constexpr auto kIdleTail = R"sql() AS i
    LEFT JOIN users u ON u.workspace_id = i.workspace_id AND u.id = i.owner_id
    ORDER BY i.updated_at DESC, i.id DESC LIMIT :limit)sql";

// An index-only read of leads_pipeline on both backends.
inline constexpr auto kPipeline = R"sql(
    SELECT stage, COALESCE(value_currency, ''), COUNT(*),
           CAST(COALESCE(SUM(value_amount), 0) AS BIGINT)
    FROM leads WHERE workspace_id = :workspace_id
    GROUP BY stage, value_currency
    ORDER BY stage, value_currency)sql";

/// The idle leads of `stages` stages: kIdleOfStage once per stage, merged. Binds per stage
/// (workspace, stage, since, since, limit), then the limit of the whole.
inline std::string idle_leads_sql(std::size_t stages) {
    std::string sql = kIdleHead;
    for (std::size_t i = 0; i < stages; ++i) {
        if (i > 0) sql += " UNION ALL ";
        std::string part = kIdleOfStage;
        for (auto at = part.find('#'); at != std::string::npos; at = part.find('#', at)) {
            part.replace(at, 1, std::to_string(i));
        }
        sql += part;
    }
    return sql + kIdleTail;
}

}  // namespace inmaek::storage::sql::summary_sql
