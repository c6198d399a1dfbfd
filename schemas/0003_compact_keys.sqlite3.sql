-- The tables written by every command become WITHOUT ROWID tables clustered on their primary
-- key: a row is then one b-tree insert instead of two (the hidden rowid table and the primary
-- key index). The link tables also drop their own reference to workspaces: the composite
-- foreign key to the meeting or lead already proves the workspace, and each reference is an
-- index lookup per inserted row.
-- The primary key columns come first: SQLite 3.40's integrity_check wrongly reports NULLs in a
-- WITHOUT ROWID table whose NOT NULL columns precede its primary key columns.
-- PostgreSQL has no rowid; its sibling of this migration changes nothing.

CREATE TABLE meeting_companies_new (
    meeting_id   BIGINT  NOT NULL,
    position     INTEGER NOT NULL,
    workspace_id BIGINT  NOT NULL,
    company_id   BIGINT  NOT NULL,
    PRIMARY KEY (meeting_id, position),
    FOREIGN KEY (workspace_id, meeting_id) REFERENCES meetings (workspace_id, id)
        ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, company_id) REFERENCES companies (workspace_id, id)
) WITHOUT ROWID;
INSERT INTO meeting_companies_new (workspace_id, meeting_id, company_id, position)
    SELECT workspace_id, meeting_id, company_id, position FROM meeting_companies;
DROP TABLE meeting_companies;
ALTER TABLE meeting_companies_new RENAME TO meeting_companies;
CREATE INDEX meeting_companies_recent ON meeting_companies (workspace_id, company_id, meeting_id);

CREATE TABLE meeting_contacts_new (
    meeting_id   BIGINT  NOT NULL,
    position     INTEGER NOT NULL,
    workspace_id BIGINT  NOT NULL,
    contact_id   BIGINT  NOT NULL,
    PRIMARY KEY (meeting_id, position),
    FOREIGN KEY (workspace_id, meeting_id) REFERENCES meetings (workspace_id, id)
        ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id)
) WITHOUT ROWID;
INSERT INTO meeting_contacts_new (workspace_id, meeting_id, contact_id, position)
    SELECT workspace_id, meeting_id, contact_id, position FROM meeting_contacts;
DROP TABLE meeting_contacts;
ALTER TABLE meeting_contacts_new RENAME TO meeting_contacts;
CREATE INDEX meeting_contacts_recent ON meeting_contacts (workspace_id, contact_id, meeting_id);

CREATE TABLE lead_companies_new (
    lead_id      BIGINT  NOT NULL,
    position     INTEGER NOT NULL,
    workspace_id BIGINT  NOT NULL,
    company_id   BIGINT  NOT NULL,
    PRIMARY KEY (lead_id, position),
    FOREIGN KEY (workspace_id, lead_id) REFERENCES leads (workspace_id, id) ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, company_id) REFERENCES companies (workspace_id, id)
) WITHOUT ROWID;
INSERT INTO lead_companies_new (workspace_id, lead_id, company_id, position)
    SELECT workspace_id, lead_id, company_id, position FROM lead_companies;
DROP TABLE lead_companies;
ALTER TABLE lead_companies_new RENAME TO lead_companies;
CREATE INDEX lead_companies_company ON lead_companies (workspace_id, company_id);

CREATE TABLE inbound_events_new (
    platform     TEXT   NOT NULL,
    event_key    TEXT   NOT NULL,
    workspace_id BIGINT REFERENCES workspaces (id),
    reply        TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (platform, event_key)
) WITHOUT ROWID;
INSERT INTO inbound_events_new (platform, event_key, workspace_id, reply, created_at)
    SELECT platform, event_key, workspace_id, reply, created_at FROM inbound_events;
DROP TABLE inbound_events;
ALTER TABLE inbound_events_new RENAME TO inbound_events;
-- Pruning keys older than any platform's redelivery window.
CREATE INDEX inbound_events_created ON inbound_events (created_at);
