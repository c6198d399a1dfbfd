-- 0007_pipeline_totals, PostgreSQL dialect: the same schema as 0007_pipeline_totals.sqlite3.sql,
-- whose comments explain it; the triggers are a PL/pgSQL function per table. A lead that changes stage
-- or value updates two rows of pipeline_totals: they are updated in key order, so that two
-- transactions moving leads in opposite directions wait for each other instead of deadlocking.
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

CREATE FUNCTION pipeline_totals_add(ws BIGINT, st TEXT, cur TEXT, n BIGINT, value BIGINT)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO pipeline_totals AS t (workspace_id, stage, currency, leads, amount)
    VALUES (ws, st, COALESCE(cur, ''), n, n * COALESCE(value, 0))
    ON CONFLICT (workspace_id, stage, currency)
    DO UPDATE SET leads = t.leads + EXCLUDED.leads, amount = t.amount + EXCLUDED.amount;
$$;

CREATE FUNCTION leads_keep_totals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM pipeline_totals_add(NEW.workspace_id, NEW.stage, NEW.value_currency, 1,
                                    NEW.value_amount);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM pipeline_totals_add(OLD.workspace_id, OLD.stage, OLD.value_currency, -1,
                                    OLD.value_amount);
    ELSIF (OLD.workspace_id, OLD.stage, COALESCE(OLD.value_currency, ''))
          < (NEW.workspace_id, NEW.stage, COALESCE(NEW.value_currency, '')) THEN
        PERFORM pipeline_totals_add(OLD.workspace_id, OLD.stage, OLD.value_currency, -1,
                                    OLD.value_amount);
        PERFORM pipeline_totals_add(NEW.workspace_id, NEW.stage, NEW.value_currency, 1,
                                    NEW.value_amount);
    ELSE
        PERFORM pipeline_totals_add(NEW.workspace_id, NEW.stage, NEW.value_currency, 1,
                                    NEW.value_amount);
        PERFORM pipeline_totals_add(OLD.workspace_id, OLD.stage, OLD.value_currency, -1,
                                    OLD.value_amount);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER leads_keep_totals AFTER INSERT OR DELETE ON leads
    FOR EACH ROW EXECUTE FUNCTION leads_keep_totals();
CREATE TRIGGER leads_keep_totals_update
    AFTER UPDATE OF workspace_id, stage, value_amount, value_currency ON leads FOR EACH ROW
    WHEN (OLD.workspace_id IS DISTINCT FROM NEW.workspace_id OR OLD.stage IS DISTINCT FROM NEW.stage
          OR OLD.value_amount IS DISTINCT FROM NEW.value_amount
          OR OLD.value_currency IS DISTINCT FROM NEW.value_currency)
    EXECUTE FUNCTION leads_keep_totals();

CREATE TABLE follow_up_totals (
    workspace_id BIGINT NOT NULL PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    open_dated   BIGINT NOT NULL
);
INSERT INTO follow_up_totals (workspace_id, open_dated)
SELECT workspace_id, COUNT(*) FROM follow_ups
WHERE done = 0 AND due IS NOT NULL GROUP BY workspace_id;

CREATE FUNCTION follow_ups_keep_totals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.done = 0 AND OLD.due IS NOT NULL THEN
        UPDATE follow_up_totals SET open_dated = open_dated - 1
        WHERE workspace_id = OLD.workspace_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.done = 0 AND NEW.due IS NOT NULL THEN
        INSERT INTO follow_up_totals AS t (workspace_id, open_dated)
        VALUES (NEW.workspace_id, 1)
        ON CONFLICT (workspace_id) DO UPDATE SET open_dated = t.open_dated + 1;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER follow_ups_keep_totals AFTER INSERT OR DELETE ON follow_ups
    FOR EACH ROW EXECUTE FUNCTION follow_ups_keep_totals();
CREATE TRIGGER follow_ups_keep_totals_update
    AFTER UPDATE OF workspace_id, done, due ON follow_ups FOR EACH ROW
    WHEN (OLD.workspace_id IS DISTINCT FROM NEW.workspace_id OR OLD.done IS DISTINCT FROM NEW.done
          OR OLD.due IS DISTINCT FROM NEW.due)
    EXECUTE FUNCTION follow_ups_keep_totals();

CREATE INDEX leads_stage_met ON leads (workspace_id, stage, last_met_at, updated_at);

-- The outbox sends one chat's messages in order (a summary in several parts): a pending row is
-- claimed only when no earlier row of its chat is pending. This finds that earlier row.
CREATE INDEX outbox_pending_chat ON outbox (platform, destination, id) WHERE status = 'pending';

-- The workspaces a platform user belongs to: a private chat with the bot joins the only one
-- (handlers/conversation.cpp), and reminders go there by direct message (bot/scheduler.cpp).
CREATE INDEX users_platform_user ON users (platform, platform_user_id);
