-- 0010_search_pending: /find's index is brought up to date after the write, not in it.
--
-- 0008's triggers indexed every document in the transaction of the write that changed it, and
-- FTS5 pays a fixed cost per transaction that indexes anything (it flushes a segment): a
-- /meet spent most of its time there. Now a write only queues the document's id in
-- search_pending (one B-tree insert), and SearchRepository::index_pending re-indexes the queued
-- documents many to a transaction: the server's search indexer every 200 ms, and every search
-- before it reads, so a /find right after a write finds it.
--
-- One queue for inserts, updates and deletes alike: re-indexing a document deletes its old
-- tokens (the contentless search_grams needs the indexed text, which stays in search_docs
-- until then) and indexes the entity's current row from the search_*_source views, if it still
-- exists. The two-character tokens are computed in C++ (search_text::two_character_tokens), so
-- 0008's search_doc_grams view goes.
--
-- search_pending is the index's own bookkeeping: migrate-data does not copy it (the
-- PostgreSQL sibling keeps its index by triggers, as before).

CREATE TABLE search_pending (id INTEGER PRIMARY KEY);

DROP TRIGGER companies_search_insert;
DROP TRIGGER companies_search_update;
DROP TRIGGER companies_search_delete;
DROP TRIGGER contacts_search_insert;
DROP TRIGGER contacts_search_update;
DROP TRIGGER contacts_search_delete;
DROP TRIGGER leads_search_insert;
DROP TRIGGER leads_search_update;
DROP TRIGGER leads_search_delete;
DROP TRIGGER follow_ups_search_insert;
DROP TRIGGER follow_ups_search_update;
DROP TRIGGER follow_ups_search_delete;
DROP TRIGGER meetings_search_insert;
DROP TRIGGER meetings_search_update;
DROP TRIGGER meetings_search_delete;
DROP TRIGGER company_aliases_search_insert;
DROP TRIGGER company_aliases_search_delete;
DROP TRIGGER contact_aliases_search_insert;
DROP TRIGGER contact_aliases_search_delete;
DROP VIEW search_doc_grams;

-- The document id of each written row, as in 0008 (kind * 2^56 + entity id).
CREATE TRIGGER companies_search_insert AFTER INSERT ON companies
BEGIN
    INSERT OR IGNORE INTO search_pending (id) VALUES (72057594037927936 + NEW.id);
END;
CREATE TRIGGER companies_search_update AFTER UPDATE OF name, industry, note ON companies
    WHEN OLD.name IS NOT NEW.name OR OLD.industry IS NOT NEW.industry OR OLD.note IS NOT NEW.note
BEGIN
    INSERT OR IGNORE INTO search_pending (id) VALUES (72057594037927936 + NEW.id);
END;
CREATE TRIGGER companies_search_delete AFTER DELETE ON companies
BEGIN
    INSERT OR IGNORE INTO search_pending (id) VALUES (72057594037927936 + OLD.id);
END;
CREATE TRIGGER contacts_search_insert AFTER INSERT ON contacts
BEGIN
    INSERT OR IGNORE INTO search_pending (id) VALUES (144115188075855872 + NEW.id);
END;
CREATE TRIGGER contacts_search_update AFTER UPDATE OF name, title, email ON contacts
    WHEN OLD.name IS NOT NEW.name OR OLD.title IS NOT NEW.title OR OLD.email IS NOT NEW.email
BEGIN
    INSERT OR IGNORE INTO search_pending (id) VALUES (144115188075855872 + NEW.id);
END;
CREATE TRIGGER contacts_search_delete AFTER DELETE ON contacts
BEGIN
    INSERT OR IGNORE INTO search_pending (id) VALUES (144115188075855872 + OLD.id);
END;
CREATE TRIGGER leads_search_insert AFTER INSERT ON leads
BEGIN
    INSERT OR IGNORE INTO search_pending (id) VALUES (216172782113783808 + NEW.id);
END;
CREATE TRIGGER leads_search_update AFTER UPDATE OF title, note ON leads
    WHEN OLD.title IS NOT NEW.title OR OLD.note IS NOT NEW.note
BEGIN
    INSERT OR IGNORE INTO search_pending (id) VALUES (216172782113783808 + NEW.id);
END;
CREATE TRIGGER leads_search_delete AFTER DELETE ON leads
BEGIN
    INSERT OR IGNORE INTO search_pending (id) VALUES (216172782113783808 + OLD.id);
END;
CREATE TRIGGER follow_ups_search_insert AFTER INSERT ON follow_ups
BEGIN
    INSERT OR IGNORE INTO search_pending (id) VALUES (288230376151711744 + NEW.id);
END;
CREATE TRIGGER follow_ups_search_update AFTER UPDATE OF text ON follow_ups
    WHEN OLD.text IS NOT NEW.text
BEGIN
    INSERT OR IGNORE INTO search_pending (id) VALUES (288230376151711744 + NEW.id);
END;
CREATE TRIGGER follow_ups_search_delete AFTER DELETE ON follow_ups
BEGIN
    INSERT OR IGNORE INTO search_pending (id) VALUES (288230376151711744 + OLD.id);
END;
CREATE TRIGGER meetings_search_insert AFTER INSERT ON meetings
BEGIN
    INSERT OR IGNORE INTO search_pending (id) VALUES (360287970189639680 + NEW.id);
END;
CREATE TRIGGER meetings_search_update AFTER UPDATE OF place, notes, starts_at ON meetings
    WHEN OLD.place IS NOT NEW.place OR OLD.notes IS NOT NEW.notes OR OLD.starts_at IS NOT NEW.starts_at
BEGIN
    INSERT OR IGNORE INTO search_pending (id) VALUES (360287970189639680 + NEW.id);
END;
CREATE TRIGGER meetings_search_delete AFTER DELETE ON meetings
BEGIN
    INSERT OR IGNORE INTO search_pending (id) VALUES (360287970189639680 + OLD.id);
END;
CREATE TRIGGER company_aliases_search_insert AFTER INSERT ON company_aliases
BEGIN
    INSERT OR IGNORE INTO search_pending (id) VALUES (72057594037927936 + NEW.company_id);
END;
CREATE TRIGGER company_aliases_search_delete AFTER DELETE ON company_aliases
BEGIN
    INSERT OR IGNORE INTO search_pending (id) VALUES (72057594037927936 + OLD.company_id);
END;
CREATE TRIGGER contact_aliases_search_insert AFTER INSERT ON contact_aliases
BEGIN
    INSERT OR IGNORE INTO search_pending (id) VALUES (144115188075855872 + NEW.contact_id);
END;
CREATE TRIGGER contact_aliases_search_delete AFTER DELETE ON contact_aliases
BEGIN
    INSERT OR IGNORE INTO search_pending (id) VALUES (144115188075855872 + OLD.contact_id);
END;

-- /leads filters that combine (issue 6, item 8: three filters over 100,000 leads within 20 ms):
-- stages with a due day (stage:poc,mou due:6/30), and an owner with a value bound
-- (owner:@user3 value<$1M, owner:@user7 stage:negotiation value>10억), each a range of one
-- index instead of thousands of rows looked up from a single-column one.
CREATE INDEX leads_stage_due ON leads (workspace_id, stage, due) WHERE due IS NOT NULL;
CREATE INDEX leads_owner_value ON leads (workspace_id, owner_id, value_currency, value_amount);
