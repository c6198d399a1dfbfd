-- The pipeline and the idle-lead counts of the summary (storage/sql_summary_repository.cpp)
-- without reading every lead of a workspace.
--
-- pipeline_totals: the number and summed value of a workspace's leads per stage and currency
-- ('' for leads without a value), kept by the triggers below in the transaction that writes the
-- lead, so it is always exactly what a GROUP BY over leads would say. The summary reads a few
-- rows instead of an index of every lead; rows whose count went back to 0 stay and are skipped.
-- It is derived data: storage/transfer.cpp does not copy it (the target's triggers rebuild it as
-- the leads are copied), and a bulk load that bypasses triggers must rebuild it the same way as
-- the INSERT below. A new stage's or currency's row is inserted only where missing (not with
-- INSERT OR IGNORE, which an outer INSERT OR REPLACE would turn into a replace). The PostgreSQL
-- sibling has the same schema.
CREATE TABLE pipeline_totals (
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    stage        TEXT   NOT NULL,
    currency     TEXT   NOT NULL,
    leads        BIGINT NOT NULL,
    amount       BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, stage, currency)
);
INSERT INTO pipeline_totals (workspace_id, stage, currency, leads, amount)
SELECT workspace_id, stage, COALESCE(value_currency, ''), COUNT(*), COALESCE(SUM(value_amount), 0)
FROM leads GROUP BY workspace_id, stage, COALESCE(value_currency, '');

CREATE TRIGGER leads_total_insert AFTER INSERT ON leads
BEGIN
    INSERT INTO pipeline_totals (workspace_id, stage, currency, leads, amount)
    SELECT NEW.workspace_id, NEW.stage, COALESCE(NEW.value_currency, ''), 0, 0
    WHERE NOT EXISTS (SELECT 1 FROM pipeline_totals
                      WHERE workspace_id = NEW.workspace_id AND stage = NEW.stage
                        AND currency = COALESCE(NEW.value_currency, ''));
    UPDATE pipeline_totals SET leads = leads + 1, amount = amount + COALESCE(NEW.value_amount, 0)
    WHERE workspace_id = NEW.workspace_id AND stage = NEW.stage
      AND currency = COALESCE(NEW.value_currency, '');
END;
CREATE TRIGGER leads_total_delete AFTER DELETE ON leads
BEGIN
    UPDATE pipeline_totals SET leads = leads - 1, amount = amount - COALESCE(OLD.value_amount, 0)
    WHERE workspace_id = OLD.workspace_id AND stage = OLD.stage
      AND currency = COALESCE(OLD.value_currency, '');
END;
CREATE TRIGGER leads_total_update
AFTER UPDATE OF workspace_id, stage, value_amount, value_currency ON leads
WHEN OLD.workspace_id IS NOT NEW.workspace_id OR OLD.stage IS NOT NEW.stage
  OR OLD.value_amount IS NOT NEW.value_amount OR OLD.value_currency IS NOT NEW.value_currency
BEGIN
    UPDATE pipeline_totals SET leads = leads - 1, amount = amount - COALESCE(OLD.value_amount, 0)
    WHERE workspace_id = OLD.workspace_id AND stage = OLD.stage
      AND currency = COALESCE(OLD.value_currency, '');
    INSERT INTO pipeline_totals (workspace_id, stage, currency, leads, amount)
    SELECT NEW.workspace_id, NEW.stage, COALESCE(NEW.value_currency, ''), 0, 0
    WHERE NOT EXISTS (SELECT 1 FROM pipeline_totals
                      WHERE workspace_id = NEW.workspace_id AND stage = NEW.stage
                        AND currency = COALESCE(NEW.value_currency, ''));
    UPDATE pipeline_totals SET leads = leads + 1, amount = amount + COALESCE(NEW.value_amount, 0)
    WHERE workspace_id = NEW.workspace_id AND stage = NEW.stage
      AND currency = COALESCE(NEW.value_currency, '');
END;

-- follow_up_totals: a workspace's open follow-ups that have a due date, kept by the triggers
-- below like pipeline_totals. The overdue ones are those less the open ones due today or later,
-- a short range of follow_ups_open, where counting the overdue ones read every open follow-up
-- ever missed. Derived the same way: not copied by a transfer, rebuilt after a bulk load.
CREATE TABLE follow_up_totals (
    workspace_id BIGINT NOT NULL PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    open_dated   BIGINT NOT NULL
);
INSERT INTO follow_up_totals (workspace_id, open_dated)
SELECT workspace_id, COUNT(*) FROM follow_ups
WHERE done = 0 AND due IS NOT NULL GROUP BY workspace_id;

CREATE TRIGGER follow_ups_total_insert AFTER INSERT ON follow_ups
WHEN NEW.done = 0 AND NEW.due IS NOT NULL
BEGIN
    INSERT INTO follow_up_totals (workspace_id, open_dated)
    SELECT NEW.workspace_id, 0
    WHERE NOT EXISTS (SELECT 1 FROM follow_up_totals WHERE workspace_id = NEW.workspace_id);
    UPDATE follow_up_totals SET open_dated = open_dated + 1
    WHERE workspace_id = NEW.workspace_id;
END;
CREATE TRIGGER follow_ups_total_delete AFTER DELETE ON follow_ups
WHEN OLD.done = 0 AND OLD.due IS NOT NULL
BEGIN
    UPDATE follow_up_totals SET open_dated = open_dated - 1
    WHERE workspace_id = OLD.workspace_id;
END;
CREATE TRIGGER follow_ups_total_update AFTER UPDATE OF workspace_id, done, due ON follow_ups
BEGIN
    UPDATE follow_up_totals SET open_dated = open_dated - 1
    WHERE workspace_id = OLD.workspace_id AND OLD.done = 0 AND OLD.due IS NOT NULL;
    INSERT INTO follow_up_totals (workspace_id, open_dated)
    SELECT NEW.workspace_id, 0
    WHERE NEW.done = 0 AND NEW.due IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM follow_up_totals WHERE workspace_id = NEW.workspace_id);
    UPDATE follow_up_totals SET open_dated = open_dated + 1
    WHERE workspace_id = NEW.workspace_id AND NEW.done = 0 AND NEW.due IS NOT NULL;
END;

-- Idle leads are counted as the stage's total less the leads that are not idle: those changed
-- since the cutoff (a short range of leads_stage_updated) and those met since it but not changed
-- (a short range of this index). Both ranges hold the recent leads only, however old the
-- pipeline grows; counting the idle ones directly read nearly every open lead.
CREATE INDEX leads_stage_met ON leads (workspace_id, stage, last_met_at, updated_at);

-- The outbox sends one chat's messages in order (a summary in several parts): a pending row is
-- claimed only when no earlier row of its chat is pending. This finds that earlier row.
CREATE INDEX outbox_pending_chat ON outbox (platform, destination, id) WHERE status = 'pending';

-- The workspaces a platform user belongs to: a private chat with the bot joins the only one
-- (handlers/conversation.cpp), and reminders go there by direct message (bot/scheduler.cpp).
CREATE INDEX users_platform_user ON users (platform, platform_user_id);
