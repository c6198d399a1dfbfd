-- 0011_company_links, PostgreSQL dialect: the same table and backfill as
-- 0011_company_links.sqlite3.sql, whose comments explain them (PostgreSQL has no WITHOUT ROWID).
CREATE TABLE company_links (
    workspace_id    BIGINT NOT NULL,
    company_id      BIGINT NOT NULL,
    other_id        BIGINT NOT NULL,
    meetings        BIGINT NOT NULL,
    last_meeting_id BIGINT NOT NULL,
    last_at         BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, company_id, other_id)
);

INSERT INTO company_links (workspace_id, company_id, other_id, meetings, last_meeting_id, last_at)
WITH present AS (
    SELECT workspace_id, meeting_id, company_id FROM meeting_companies
    UNION
    SELECT mc.workspace_id, mc.meeting_id, c.company_id
    FROM meeting_contacts mc
    JOIN contacts c ON c.workspace_id = mc.workspace_id AND c.id = mc.contact_id
    WHERE c.company_id IS NOT NULL
), pairs AS (
    SELECT a.workspace_id, a.company_id, b.company_id AS other_id, m.id AS meeting_id,
           m.starts_at,
           COUNT(*) OVER (PARTITION BY a.workspace_id, a.company_id, b.company_id) AS meetings,
           ROW_NUMBER() OVER (PARTITION BY a.workspace_id, a.company_id, b.company_id
                              ORDER BY m.starts_at DESC, m.id DESC) AS n
    FROM present a
    JOIN present b ON b.workspace_id = a.workspace_id AND b.meeting_id = a.meeting_id
                  AND b.company_id <> a.company_id
    JOIN meetings m ON m.workspace_id = a.workspace_id AND m.id = a.meeting_id
)
SELECT workspace_id, company_id, other_id, meetings, meeting_id, starts_at FROM pairs WHERE n = 1;
