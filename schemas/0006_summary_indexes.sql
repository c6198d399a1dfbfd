-- The daily summary and /summary read a workspace's leads and follow-ups by index ranges
-- (storage/sql_summary_repository.cpp):
--   * idle leads: per stage, those unchanged since a cutoff, longest idle first. The index starts
--     with the columns of leads_workspace_stage, which it replaces.
--   * the pipeline: count and value per stage and currency from the index alone.
--   * follow-ups logged in the period.
--   * idle leads: the leads met lately, from the meetings' time range alone. The index starts
--     with the columns of meetings_workspace_starts, which it replaces.
CREATE INDEX leads_stage_updated ON leads (workspace_id, stage, updated_at);
DROP INDEX leads_workspace_stage;
CREATE INDEX leads_pipeline ON leads (workspace_id, stage, value_currency, value_amount);
CREATE INDEX follow_ups_created ON follow_ups (workspace_id, created_at);
CREATE INDEX meetings_workspace_starts_lead ON meetings (workspace_id, starts_at, lead_id);
DROP INDEX meetings_workspace_starts;
