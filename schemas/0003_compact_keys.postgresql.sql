-- SQLite-only storage layout change (WITHOUT ROWID tables, see 0003_compact_keys.sqlite3.sql);
-- PostgreSQL tables have no rowid, so its schema stays as it is.
SELECT 1;
