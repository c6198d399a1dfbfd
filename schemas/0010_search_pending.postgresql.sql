-- 0010_search_pending, PostgreSQL dialect. SQLite's sibling moves FTS5 indexing out of the
-- write (its per-transaction cost made /meet slow); PostgreSQL's GIN indexes cost a few index
-- entries per write and keep 0008's triggers, so its search_docs is current at every commit and
-- SearchRepository::index_pending has nothing to do here.
COMMENT ON TABLE search_docs IS
    '/find documents (0008), kept by triggers in the writing transaction; see 0010';

-- /leads filters that combine (issue 6, item 8: three filters over 100,000 leads within 20 ms):
-- stages with a due day (stage:poc,mou due:6/30), and an owner with a value bound
-- (owner:@user3 value<$1M, owner:@user7 stage:negotiation value>10억), each a range of one
-- index instead of thousands of rows looked up from a single-column one.
CREATE INDEX leads_stage_due ON leads (workspace_id, stage, due) WHERE due IS NOT NULL;
CREATE INDEX leads_owner_value ON leads (workspace_id, owner_id, value_currency, value_amount);
