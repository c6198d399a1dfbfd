-- The daily summary and /summary (storage/sql_summary_repository.cpp) read a workspace's leads
-- and follow-ups by index ranges.
--
-- Idle leads are those with neither a change nor a linked meeting for their stage's number of
-- days. leads.last_met_at, the start of the lead's latest meeting, lets that be a range of one
-- index instead of a join with the meetings of every stale lead. A trigger keeps it as meetings
-- are logged (meetings are neither moved to another lead nor deleted; code that starts doing so
-- must keep it too). The PostgreSQL sibling has the same schema.
ALTER TABLE leads ADD COLUMN last_met_at BIGINT;
UPDATE leads SET last_met_at = (SELECT MAX(m.starts_at) FROM meetings m
                                WHERE m.workspace_id = leads.workspace_id AND m.lead_id = leads.id);
CREATE TRIGGER meetings_touch_lead AFTER INSERT ON meetings WHEN NEW.lead_id IS NOT NULL
BEGIN
    UPDATE leads SET last_met_at = NEW.starts_at
    WHERE workspace_id = NEW.workspace_id AND id = NEW.lead_id
      AND (last_met_at IS NULL OR last_met_at < NEW.starts_at);
END;

-- Idle leads per stage, counted and walked from the index alone. It starts with the columns of
-- leads_workspace_stage, which it replaces.
CREATE INDEX leads_stage_updated ON leads (workspace_id, stage, updated_at, last_met_at);
DROP INDEX leads_workspace_stage;
-- The pipeline: count and value per stage and currency from the index alone.
CREATE INDEX leads_pipeline ON leads (workspace_id, stage, value_currency, value_amount);
-- Follow-ups logged in the period.
CREATE INDEX follow_ups_created ON follow_ups (workspace_id, created_at);
