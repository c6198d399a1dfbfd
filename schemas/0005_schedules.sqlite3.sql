-- Daily and weekly summaries and follow-up reminders (the scheduler).
--
-- summary_subscriptions: a chat that receives a summary at a local time. The chat is named as
-- the platform knows it (as in chats), so a push needs no join. weekday: ISO 1 (Monday) .. 7
-- for weekly ones. local_time: minutes after local midnight. time_zone: NULL for the
-- workspace's.
CREATE TABLE summary_subscriptions (
    id               INTEGER PRIMARY KEY,
    workspace_id     BIGINT   NOT NULL REFERENCES workspaces (id),
    platform         TEXT     NOT NULL,
    platform_chat_id TEXT     NOT NULL,
    kind             TEXT     NOT NULL CHECK (kind IN ('daily', 'weekly')),
    weekday          SMALLINT CHECK (weekday BETWEEN 1 AND 7),
    local_time       INTEGER  NOT NULL CHECK (local_time BETWEEN 0 AND 1439),
    time_zone        TEXT,
    created_by       BIGINT,
    created_at       BIGINT   NOT NULL,
    UNIQUE (platform, platform_chat_id, kind),
    FOREIGN KEY (workspace_id, created_by) REFERENCES users (workspace_id, id)
);
CREATE INDEX summary_subscriptions_workspace ON summary_subscriptions (workspace_id);

-- One row per subscription and local date: the claim that makes a summary go out once, across
-- restarts, replicas and clock jumps. status: sent (on time), late (sent after downtime), or
-- skipped (missed by more than the configured window, or no way to push to the chat).
CREATE TABLE summary_runs (
    subscription_id BIGINT NOT NULL REFERENCES summary_subscriptions (id) ON DELETE CASCADE,
    local_date      TEXT   NOT NULL,
    status          TEXT   NOT NULL CHECK (status IN ('sent', 'late', 'skipped')),
    note            TEXT   NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (subscription_id, local_date)
);

-- A follow-up remembers the chat it was written in (where its reminder goes) and the local
-- date it was reminded on (the reminder's claim).
ALTER TABLE follow_ups ADD COLUMN origin_platform TEXT;
ALTER TABLE follow_ups ADD COLUMN origin_chat TEXT;
ALTER TABLE follow_ups ADD COLUMN reminded_on TEXT;
CREATE INDEX follow_ups_to_remind ON follow_ups (workspace_id, due)
    WHERE done = 0 AND reminded_on IS NULL;
