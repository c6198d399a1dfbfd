-- 0010_search_pending, PostgreSQL dialect. SQLite's sibling moves FTS5 indexing out of the
-- write (its per-transaction cost made /meet slow); PostgreSQL's GIN indexes cost a few index
-- entries per write and keep 0008's triggers, so its search_docs is current at every commit and
-- SearchRepository::index_pending has nothing to do here.
COMMENT ON TABLE search_docs IS
    '/find documents (0008), kept by triggers in the writing transaction; see 0010';

