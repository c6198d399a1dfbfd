#pragma once

// The SQL of SqlSummaryRepository, apart so that tests/bench/summary_bench.cpp can show the plans
// of the very queries it times. Each section is a count over an index range and its first rows,
// with names joined in; lists stop after `limit` rows of an index walk, and nothing reads a whole
// workspace row by row: the pipeline and the stages' sizes are kept in pipeline_totals.
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
// The open follow-ups with a due date (follow_up_totals, schemas/0007) less those due today or
// later: a short range, where the overdue ones are every follow-up ever missed.
inline constexpr auto kCountOverdue = R"sql(
    SELECT (SELECT COALESCE(SUM(open_dated), 0) FROM follow_up_totals
            WHERE workspace_id = :workspace_id)
         - (SELECT COUNT(*) FROM follow_ups
            WHERE workspace_id = :workspace_id2 AND done = 0 AND due >= :today))sql";
inline constexpr auto kDueTodayFilter = R"sql(
      AND f.due = :today
    ORDER BY f.id LIMIT :limit)sql";
// The most recently missed first: what slipped yesterday matters more than what slipped a year
// ago, which the count still shows.
inline constexpr auto kOverdueFilter = R"sql(
      AND f.due < :today
    ORDER BY f.due DESC, f.id DESC LIMIT :limit)sql";

// Idle leads of a stage: neither changed nor met since the cutoff (leads.last_met_at, kept by a
// trigger of schemas/0006). Counted as the stage's total (pipeline_totals, schemas/0007) less
// the leads changed since the cutoff (a range of leads_stage_updated) and those met since it but
// not changed (a range of leads_stage_met): both ranges hold recent leads only, where counting
// the idle ones read almost every open lead.
// All stages are counted in one statement (idle_count_sql): PostgreSQL may switch a statement run
// over and over to a generic plan, which cannot tell a short range of these from a long one.
inline constexpr auto kCountIdle = R"sql(
    SELECT (SELECT COALESCE(SUM(leads), 0) FROM pipeline_totals
            WHERE workspace_id = :workspace_id# AND stage = :stage#)
         - (SELECT COUNT(*) FROM leads
            WHERE workspace_id = :workspace_id#b AND stage = :stage#b AND updated_at >= :since#)
         - (SELECT COUNT(*) FROM leads
            WHERE workspace_id = :workspace_id#c AND stage = :stage#c AND last_met_at >= :met_since#
              AND updated_at < :since#b) AS idle)sql";
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

// The rows of pipeline_totals (schemas/0007), kept by triggers on leads: a few rows per stage
// whatever the number of leads.
inline constexpr auto kPipeline = R"sql(
    SELECT stage, currency, leads, amount FROM pipeline_totals
    WHERE workspace_id = :workspace_id AND leads <> 0
    ORDER BY stage, currency)sql";

/// `part` once per stage, '#' replaced by the stage's number, joined by UNION ALL.
inline std::string per_stage_sql(const char* part, std::size_t stages) {
    std::string sql;
    for (std::size_t i = 0; i < stages; ++i) {
        if (i > 0) sql += " UNION ALL ";
        std::string stage_part = part;
        for (auto at = stage_part.find('#'); at != std::string::npos;
             at = stage_part.find('#', at)) {
            stage_part.replace(at, 1, std::to_string(i));
        }
        sql += stage_part;
    }
    return sql;
}

/// The idle leads of `stages` stages: kIdleOfStage once per stage, merged. Binds per stage
/// (workspace, stage, since, since, limit), then the limit of the whole.
inline std::string idle_leads_sql(std::size_t stages) {
    return kIdleHead + per_stage_sql(kIdleOfStage, stages) + kIdleTail;
}

/// The idle leads of `stages` stages, counted: kCountIdle once per stage, summed. Binds per stage
/// (workspace, stage, workspace, stage, since, workspace, stage, since, since).
inline std::string idle_count_sql(std::size_t stages) {
    return "SELECT CAST(SUM(idle) AS BIGINT) FROM (" + per_stage_sql(kCountIdle, stages) +
           ") AS stages";
}

}  // namespace inmaek::storage::sql::summary_sql
