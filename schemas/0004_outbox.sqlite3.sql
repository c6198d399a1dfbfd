-- Messages to push through a platform's API (replies that cannot ride the webhook response,
-- summaries, reminders). A row is written in the transaction that decided to send it; a sender
-- claims due rows for a short lease, delivers them and marks them sent, to retry, or dead.
--   status        pending (to send, or being sent while claimed_until is in the future),
--                 sent, or dead (given up: the attempts ran out or the platform refused it)
--   dedupe_key    one row per decision: "<platform>:<event key>" of a reply, a summary run...
--   payload       the platform API call (JSON), rendered when the row was written
--   claimed_until end of the current sender's lease (epoch seconds); another sender may take
--                 the row after it (the sender that held it died)
-- It replaces 0001's sketch of the table, which no release ever wrote to.
DROP TABLE outbox;
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    workspace_id    BIGINT  REFERENCES workspaces (id),
    platform        TEXT    NOT NULL,
    destination     TEXT    NOT NULL,
    kind            TEXT    NOT NULL,
    dedupe_key      TEXT    NOT NULL UNIQUE,
    payload         TEXT    NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'pending'
                            CHECK (status IN ('pending', 'sent', 'dead')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT  NOT NULL,
    claimed_until   BIGINT,
    claimed_by      TEXT,
    last_error      TEXT,
    created_at      BIGINT  NOT NULL,
    sent_at         BIGINT
);
-- The sender's claim reads only the rows still to send, oldest due first.
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX outbox_status ON outbox (status, id);
