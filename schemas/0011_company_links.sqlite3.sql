-- company_links: which companies met which, for /path (handlers/insight_commands.cpp,
-- storage/sql_insight_repository.cpp). Two companies are linked by a meeting when both took part
-- in it: named in it (meeting_companies) or present through one of their contacts
-- (meeting_contacts → contacts.company_id). One row per ordered pair (both directions, so a
-- company's neighbours are one range of the primary key), with the number of meetings and the
-- latest one (by its date, then id). A shortest chain between two companies is then a few
-- primary-key reads instead of a walk over every meeting of a large customer.
--
-- Derived data, kept by SqlMeetingRepository::create in the transaction that stores the meeting
-- and its links; InsightRepository::rebuild_company_links rebuilds a workspace's rows with the
-- same SELECT as the backfill below (after a bulk load or a change of a contact's company). No
-- foreign keys: each would be an index lookup per row on the /meet path, and the meetings'
-- own foreign keys already prove the ids. The primary key columns come first (see 0003).
CREATE TABLE company_links (
    workspace_id    BIGINT NOT NULL,
    company_id      BIGINT NOT NULL,
    other_id        BIGINT NOT NULL,
    meetings        BIGINT NOT NULL,
    last_meeting_id BIGINT NOT NULL,
    last_at         BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, company_id, other_id)
) WITHOUT ROWID;

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
