-- 0001_initial: workspaces and their people, companies, contacts, meetings, leads,
-- follow-ups, inbound event dedupe, audit log and outbox.
--
-- Conventions (see docs/design.md, Storage):
--   * ids are 64-bit; `INTEGER PRIMARY KEY` makes them SQLite's rowid. A PostgreSQL
--     sibling (0001_initial.postgresql.sql) spells them BIGINT GENERATED ... AS IDENTITY.
--   * times are UTC epoch seconds (BIGINT), calendar dates 'YYYY-MM-DD' text,
--     flags SMALLINT 0/1.
--   * every workspace-owned row carries workspace_id; references between workspace-owned
--     rows are composite (workspace_id, x_id) foreign keys, so the schema itself refuses a
--     link from one workspace into another. Parents therefore carry UNIQUE (workspace_id, id).
--   * "no user" (created_by 0 in the records) is stored as NULL.

CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    applied_at BIGINT  NOT NULL
);

CREATE TABLE workspaces (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    time_zone  TEXT    NOT NULL DEFAULT 'Asia/Seoul',
    language   TEXT    NOT NULL DEFAULT 'ko',
    created_at BIGINT  NOT NULL
);
CREATE INDEX workspaces_name ON workspaces (name);

CREATE TABLE chats (
    id               INTEGER PRIMARY KEY,
    workspace_id     BIGINT  NOT NULL REFERENCES workspaces (id),
    platform         TEXT    NOT NULL,
    platform_chat_id TEXT    NOT NULL,
    title            TEXT    NOT NULL DEFAULT '',
    UNIQUE (platform, platform_chat_id)
);
CREATE INDEX chats_workspace ON chats (workspace_id);

CREATE TABLE users (
    id               INTEGER PRIMARY KEY,
    workspace_id     BIGINT  NOT NULL REFERENCES workspaces (id),
    platform         TEXT    NOT NULL,
    platform_user_id TEXT    NOT NULL,
    display_name     TEXT    NOT NULL DEFAULT '',
    handle           TEXT    NOT NULL DEFAULT '',
    role             TEXT    NOT NULL DEFAULT 'member'
                             CHECK (role IN ('member', 'manager', 'admin')),
    created_at       BIGINT  NOT NULL,
    UNIQUE (workspace_id, platform, platform_user_id),
    UNIQUE (workspace_id, id)
);

CREATE TABLE companies (
    id           INTEGER PRIMARY KEY,
    workspace_id BIGINT  NOT NULL REFERENCES workspaces (id),
    name         TEXT    NOT NULL,
    name_key     TEXT    NOT NULL,
    industry     TEXT    NOT NULL DEFAULT '',
    site         TEXT    NOT NULL DEFAULT '',
    tier         TEXT    NOT NULL DEFAULT '',
    note         TEXT    NOT NULL DEFAULT '',
    created_by   BIGINT,
    created_at   BIGINT  NOT NULL,
    UNIQUE (workspace_id, id),
    -- One company per folded name and workspace, also between concurrent writers.
    UNIQUE (workspace_id, name_key),
    FOREIGN KEY (workspace_id, created_by) REFERENCES users (workspace_id, id)
);
CREATE INDEX companies_workspace_name ON companies (workspace_id, name);

CREATE TABLE company_aliases (
    id           INTEGER PRIMARY KEY,
    workspace_id BIGINT  NOT NULL REFERENCES workspaces (id),
    company_id   BIGINT  NOT NULL,
    alias        TEXT    NOT NULL,
    alias_key    TEXT    NOT NULL,
    UNIQUE (workspace_id, alias_key),
    FOREIGN KEY (workspace_id, company_id) REFERENCES companies (workspace_id, id)
        ON DELETE CASCADE
);
CREATE INDEX company_aliases_company ON company_aliases (workspace_id, company_id);

CREATE TABLE contacts (
    id           INTEGER PRIMARY KEY,
    workspace_id BIGINT  NOT NULL REFERENCES workspaces (id),
    name         TEXT    NOT NULL,
    name_key     TEXT    NOT NULL,
    company_id   BIGINT,
    title        TEXT    NOT NULL DEFAULT '',
    email        TEXT    NOT NULL DEFAULT '',
    phone        TEXT    NOT NULL DEFAULT '',
    created_by   BIGINT,
    created_at   BIGINT  NOT NULL,
    UNIQUE (workspace_id, id),
    FOREIGN KEY (workspace_id, company_id) REFERENCES companies (workspace_id, id),
    FOREIGN KEY (workspace_id, created_by) REFERENCES users (workspace_id, id)
);
-- People share names (two 김민지), so the contact key is not unique.
CREATE INDEX contacts_workspace_key ON contacts (workspace_id, name_key);
CREATE INDEX contacts_company ON contacts (workspace_id, company_id);

CREATE TABLE contact_aliases (
    id           INTEGER PRIMARY KEY,
    workspace_id BIGINT  NOT NULL REFERENCES workspaces (id),
    contact_id   BIGINT  NOT NULL,
    alias        TEXT    NOT NULL,
    alias_key    TEXT    NOT NULL,
    UNIQUE (contact_id, alias_key),
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id)
        ON DELETE CASCADE
);
CREATE INDEX contact_aliases_key ON contact_aliases (workspace_id, alias_key);

CREATE TABLE leads (
    id             INTEGER PRIMARY KEY,
    workspace_id   BIGINT  NOT NULL REFERENCES workspaces (id),
    title          TEXT    NOT NULL,
    stage          TEXT    NOT NULL,
    value_amount   BIGINT,
    value_currency TEXT,
    owner_id       BIGINT,
    due            TEXT,
    note           TEXT    NOT NULL DEFAULT '',
    created_by     BIGINT,
    created_at     BIGINT  NOT NULL,
    updated_at     BIGINT  NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1,
    UNIQUE (workspace_id, id),
    CHECK ((value_amount IS NULL AND value_currency IS NULL)
           OR (value_amount IS NOT NULL AND value_currency IS NOT NULL)),
    FOREIGN KEY (workspace_id, owner_id) REFERENCES users (workspace_id, id),
    FOREIGN KEY (workspace_id, created_by) REFERENCES users (workspace_id, id)
);
CREATE INDEX leads_workspace_stage ON leads (workspace_id, stage);
CREATE INDEX leads_workspace_owner ON leads (workspace_id, owner_id);

CREATE TABLE lead_companies (
    workspace_id BIGINT  NOT NULL REFERENCES workspaces (id),
    lead_id      BIGINT  NOT NULL,
    company_id   BIGINT  NOT NULL,
    position     INTEGER NOT NULL,
    PRIMARY KEY (lead_id, position),
    FOREIGN KEY (workspace_id, lead_id) REFERENCES leads (workspace_id, id) ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, company_id) REFERENCES companies (workspace_id, id)
);
CREATE INDEX lead_companies_company ON lead_companies (workspace_id, company_id);

CREATE TABLE lead_stage_history (
    id           INTEGER PRIMARY KEY,
    workspace_id BIGINT  NOT NULL REFERENCES workspaces (id),
    lead_id      BIGINT  NOT NULL,
    from_stage   TEXT    NOT NULL DEFAULT '',
    to_stage     TEXT    NOT NULL,
    changed_by   BIGINT,
    changed_at   BIGINT  NOT NULL,
    FOREIGN KEY (workspace_id, lead_id) REFERENCES leads (workspace_id, id) ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, changed_by) REFERENCES users (workspace_id, id)
);
CREATE INDEX lead_stage_history_lead ON lead_stage_history (workspace_id, lead_id);
-- The pipeline's "this month's moves".
CREATE INDEX lead_stage_history_changed ON lead_stage_history (workspace_id, changed_at);

CREATE TABLE meetings (
    id           INTEGER  PRIMARY KEY,
    workspace_id BIGINT   NOT NULL REFERENCES workspaces (id),
    starts_at    BIGINT   NOT NULL,
    has_time     SMALLINT NOT NULL DEFAULT 0 CHECK (has_time IN (0, 1)),
    place        TEXT     NOT NULL DEFAULT '',
    notes        TEXT     NOT NULL DEFAULT '',
    lead_id      BIGINT,
    created_by   BIGINT,
    created_at   BIGINT   NOT NULL,
    UNIQUE (workspace_id, id),
    FOREIGN KEY (workspace_id, lead_id) REFERENCES leads (workspace_id, id),
    FOREIGN KEY (workspace_id, created_by) REFERENCES users (workspace_id, id)
);
CREATE INDEX meetings_workspace_starts ON meetings (workspace_id, starts_at);
CREATE INDEX meetings_lead ON meetings (workspace_id, lead_id, starts_at)
    WHERE lead_id IS NOT NULL;

CREATE TABLE meeting_companies (
    workspace_id BIGINT  NOT NULL REFERENCES workspaces (id),
    meeting_id   BIGINT  NOT NULL,
    company_id   BIGINT  NOT NULL,
    position     INTEGER NOT NULL,
    PRIMARY KEY (meeting_id, position),
    FOREIGN KEY (workspace_id, meeting_id) REFERENCES meetings (workspace_id, id)
        ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, company_id) REFERENCES companies (workspace_id, id)
);
CREATE INDEX meeting_companies_company ON meeting_companies (workspace_id, company_id);

CREATE TABLE meeting_contacts (
    workspace_id BIGINT  NOT NULL REFERENCES workspaces (id),
    meeting_id   BIGINT  NOT NULL,
    contact_id   BIGINT  NOT NULL,
    position     INTEGER NOT NULL,
    PRIMARY KEY (meeting_id, position),
    FOREIGN KEY (workspace_id, meeting_id) REFERENCES meetings (workspace_id, id)
        ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id)
);
CREATE INDEX meeting_contacts_contact ON meeting_contacts (workspace_id, contact_id);

CREATE TABLE follow_ups (
    id           INTEGER  PRIMARY KEY,
    workspace_id BIGINT   NOT NULL REFERENCES workspaces (id),
    text         TEXT     NOT NULL,
    due          TEXT,
    assignee_id  BIGINT,
    lead_id      BIGINT,
    meeting_id   BIGINT,
    done         SMALLINT NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
    done_at      BIGINT,
    created_by   BIGINT,
    created_at   BIGINT   NOT NULL,
    FOREIGN KEY (workspace_id, assignee_id) REFERENCES users (workspace_id, id),
    FOREIGN KEY (workspace_id, lead_id) REFERENCES leads (workspace_id, id),
    FOREIGN KEY (workspace_id, meeting_id) REFERENCES meetings (workspace_id, id),
    FOREIGN KEY (workspace_id, created_by) REFERENCES users (workspace_id, id)
);
CREATE INDEX follow_ups_open ON follow_ups (workspace_id, done, due);
CREATE INDEX follow_ups_assignee ON follow_ups (workspace_id, assignee_id, done, due);
CREATE INDEX follow_ups_lead ON follow_ups (workspace_id, lead_id) WHERE lead_id IS NOT NULL;
CREATE INDEX follow_ups_meeting ON follow_ups (workspace_id, meeting_id)
    WHERE meeting_id IS NOT NULL;

-- Dedupe of platform redeliveries: the key is inserted in the transaction of the change.
-- workspace_id is NULL for events acknowledged before any workspace was bound.
CREATE TABLE inbound_events (
    platform     TEXT   NOT NULL,
    event_key    TEXT   NOT NULL,
    workspace_id BIGINT REFERENCES workspaces (id),
    reply        TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (platform, event_key)
);
-- Pruning keys older than any platform's redelivery window.
CREATE INDEX inbound_events_created ON inbound_events (created_at);

CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    workspace_id BIGINT  NOT NULL REFERENCES workspaces (id),
    user_id      BIGINT,
    action       TEXT    NOT NULL,
    entity       TEXT    NOT NULL,
    entity_id    BIGINT  NOT NULL,
    source       TEXT    NOT NULL DEFAULT '',
    before_json  TEXT,
    after_json   TEXT,
    at           BIGINT  NOT NULL,
    FOREIGN KEY (workspace_id, user_id) REFERENCES users (workspace_id, id)
);
CREATE INDEX audit_log_workspace_at ON audit_log (workspace_id, at);
CREATE INDEX audit_log_entity ON audit_log (workspace_id, entity, entity_id);

-- Outbound pushes, written in the transaction that decided to send them.
-- status: 'pending' -> 'sending' (claimed) -> 'sent' | 'failed' (gave up).
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    workspace_id    BIGINT  NOT NULL REFERENCES workspaces (id),
    platform        TEXT    NOT NULL,
    chat_id         TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT  NOT NULL,
    last_error      TEXT    NOT NULL DEFAULT '',
    created_at      BIGINT  NOT NULL
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_workspace ON outbox (workspace_id, created_at);
