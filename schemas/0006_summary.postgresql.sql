-- 0006_summary, PostgreSQL dialect: the same schema as 0006_summary.sqlite3.sql, whose comments
-- explain it; only the trigger is written differently (a PL/pgSQL function).
ALTER TABLE leads ADD COLUMN last_met_at BIGINT;
UPDATE leads SET last_met_at = met.last
FROM (SELECT workspace_id, lead_id, MAX(starts_at) AS last FROM meetings
      WHERE lead_id IS NOT NULL GROUP BY workspace_id, lead_id) AS met
WHERE leads.workspace_id = met.workspace_id AND leads.id = met.lead_id;
CREATE FUNCTION meetings_touch_lead() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE leads SET last_met_at = NEW.starts_at
    WHERE workspace_id = NEW.workspace_id AND id = NEW.lead_id
      AND (last_met_at IS NULL OR last_met_at < NEW.starts_at);
    RETURN NULL;
END
$$;
CREATE TRIGGER meetings_touch_lead AFTER INSERT ON meetings FOR EACH ROW
    WHEN (NEW.lead_id IS NOT NULL) EXECUTE FUNCTION meetings_touch_lead();

CREATE INDEX leads_stage_updated ON leads (workspace_id, stage, updated_at, last_met_at);
DROP INDEX leads_workspace_stage;
CREATE INDEX leads_pipeline ON leads (workspace_id, stage, value_currency, value_amount);
CREATE INDEX follow_ups_created ON follow_ups (workspace_id, created_at);
