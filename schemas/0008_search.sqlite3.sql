-- 0008_search: the index of /find (storage/sql_search_repository.cpp) and the indexes of the
-- /leads filters.
--
-- Every searchable thing is one document of a title and a body: a company (its name and aliases,
-- one a line; industry and note), a contact (name and aliases; job title, e-mail), a lead (title;
-- note), a follow-up (its text) and a meeting (place; notes). A document's id is kind * 2^56 + the entity's id, so each kind is one
-- range of ids (companies 1, contacts 2, leads 3, follow-ups 4, meetings 5) that a search walks
-- newest first, and the triggers below find a document without a lookup table.
--
-- Two FTS5 tables, kept by triggers in the transaction of every write:
--   * search_docs: the documents themselves with a trigram index, for words of 3 or more
--     characters in any script (Hangul included), case-insensitive;
--   * search_grams: the same text as overlapping two-character tokens, contentless, for words
--     of exactly two characters (연동, 계약, AI), which trigrams cannot find.
-- Stored text is NFC (every writer normalises it on input), and so is every query.
-- FTS5 tables are virtual: migrate-data does not copy them, the PostgreSQL sibling's triggers
-- build its own index from the copied rows.

CREATE VIRTUAL TABLE search_docs USING fts5 (
    title, body,
    workspace_id UNINDEXED, kind UNINDEXED, entity_id UNINDEXED, at UNINDEXED,
    tokenize = 'trigram');
CREATE VIRTUAL TABLE search_grams USING fts5 (
    title, body, content = '', tokenize = 'unicode61 remove_diacritics 0');

-- The two-character tokens of a document: substr(text, i, 2) for every position i, numbered by
-- json_each over an array of length(text) - 1 elements (triggers cannot use WITH RECURSIVE).
-- A pair holding a space or punctuation becomes the one-character token around it, or nothing.
-- A contentless table deletes a row given exactly the values it indexed, which this view gives
-- again from the stored document.
CREATE VIEW search_doc_grams AS
SELECT d.rowid AS id,
       (SELECT group_concat(substr(d.title, j.key + 1, 2), ' ')
        FROM json_each('[' || substr(replace(hex(zeroblob(length(d.title))), '00', '0,'), 1,
                                     2 * length(d.title) - 3) || ']') AS j) AS title,
       (SELECT group_concat(substr(d.body, j.key + 1, 2), ' ')
        FROM json_each('[' || substr(replace(hex(zeroblob(length(d.body))), '00', '0,'), 1,
                                     2 * length(d.body) - 3) || ']') AS j) AS body
FROM search_docs AS d;

-- The document of each kind of entity. A body is indexed up to its first 2,000 characters: a
-- pasted report of 100 KiB would otherwise cost seconds of indexing in the write that logs it.
CREATE VIEW search_company_source AS
SELECT 72057594037927936 + c.id AS id, c.workspace_id, 1 AS kind, c.id AS entity_id,
       c.created_at AS at,
       c.name || coalesce(char(10) || (SELECT group_concat(a.alias, char(10))
                                       FROM company_aliases AS a
                                       WHERE a.workspace_id = c.workspace_id
                                         AND a.company_id = c.id), '') AS title,
       substr(trim(c.industry || ' ' || c.note), 1, 2000) AS body
FROM companies AS c;
CREATE VIEW search_contact_source AS
SELECT 2 * 72057594037927936 + p.id AS id, p.workspace_id, 2 AS kind, p.id AS entity_id,
       p.created_at AS at,
       p.name || coalesce(char(10) || (SELECT group_concat(a.alias, char(10))
                                       FROM contact_aliases AS a
                                       WHERE a.workspace_id = p.workspace_id
                                         AND a.contact_id = p.id), '') AS title,
       substr(trim(p.title || ' ' || p.email), 1, 2000) AS body
FROM contacts AS p;
CREATE VIEW search_lead_source AS
SELECT 3 * 72057594037927936 + l.id AS id, l.workspace_id, 3 AS kind, l.id AS entity_id,
       l.created_at AS at, l.title, substr(l.note, 1, 2000) AS body
FROM leads AS l;
CREATE VIEW search_follow_up_source AS
SELECT 4 * 72057594037927936 + f.id AS id, f.workspace_id, 4 AS kind, f.id AS entity_id,
       f.created_at AS at, f.text AS title, '' AS body
FROM follow_ups AS f;
CREATE VIEW search_meeting_source AS
SELECT 5 * 72057594037927936 + m.id AS id, m.workspace_id, 5 AS kind, m.id AS entity_id,
       m.starts_at AS at, m.place AS title,
       substr(m.notes, 1, 2000) AS body
FROM meetings AS m;

-- Rows written before this migration.
INSERT INTO search_docs (rowid, workspace_id, kind, entity_id, at, title, body)
    SELECT id, workspace_id, kind, entity_id, at, title, body FROM search_company_source
    UNION ALL SELECT id, workspace_id, kind, entity_id, at, title, body FROM search_contact_source
    UNION ALL SELECT id, workspace_id, kind, entity_id, at, title, body FROM search_lead_source
    UNION ALL
    SELECT id, workspace_id, kind, entity_id, at, title, body FROM search_follow_up_source
    UNION ALL SELECT id, workspace_id, kind, entity_id, at, title, body FROM search_meeting_source;
INSERT INTO search_grams (rowid, title, body) SELECT id, title, body FROM search_doc_grams;

-- Each write keeps its document: an update replaces it (a contentless table takes the old
-- tokens to delete them, so the grams go first, while the old document is still there).
CREATE TRIGGER companies_search_insert AFTER INSERT ON companies
BEGIN
    INSERT INTO search_docs (rowid, workspace_id, kind, entity_id, at, title, body)
        SELECT id, workspace_id, kind, entity_id, at, title, body FROM search_company_source
        WHERE workspace_id = NEW.workspace_id AND entity_id = NEW.id;
    INSERT INTO search_grams (rowid, title, body)
        SELECT id, title, body FROM search_doc_grams WHERE id = 72057594037927936 + NEW.id;
END;

CREATE TRIGGER companies_search_update AFTER UPDATE OF name, industry, note ON companies
    WHEN OLD.name IS NOT NEW.name OR OLD.industry IS NOT NEW.industry OR OLD.note IS NOT NEW.note
BEGIN
    INSERT INTO search_grams (search_grams, rowid, title, body)
        SELECT 'delete', id, title, body FROM search_doc_grams WHERE id = 72057594037927936 + OLD.id;
    DELETE FROM search_docs WHERE rowid = 72057594037927936 + OLD.id;
    INSERT INTO search_docs (rowid, workspace_id, kind, entity_id, at, title, body)
        SELECT id, workspace_id, kind, entity_id, at, title, body FROM search_company_source
        WHERE workspace_id = NEW.workspace_id AND entity_id = NEW.id;
    INSERT INTO search_grams (rowid, title, body)
        SELECT id, title, body FROM search_doc_grams WHERE id = 72057594037927936 + NEW.id;
END;

CREATE TRIGGER companies_search_delete AFTER DELETE ON companies
BEGIN
    INSERT INTO search_grams (search_grams, rowid, title, body)
        SELECT 'delete', id, title, body FROM search_doc_grams WHERE id = 72057594037927936 + OLD.id;
    DELETE FROM search_docs WHERE rowid = 72057594037927936 + OLD.id;
END;

CREATE TRIGGER contacts_search_insert AFTER INSERT ON contacts
BEGIN
    INSERT INTO search_docs (rowid, workspace_id, kind, entity_id, at, title, body)
        SELECT id, workspace_id, kind, entity_id, at, title, body FROM search_contact_source
        WHERE workspace_id = NEW.workspace_id AND entity_id = NEW.id;
    INSERT INTO search_grams (rowid, title, body)
        SELECT id, title, body FROM search_doc_grams WHERE id = 144115188075855872 + NEW.id;
END;

CREATE TRIGGER contacts_search_update AFTER UPDATE OF name, title, email ON contacts
    WHEN OLD.name IS NOT NEW.name OR OLD.title IS NOT NEW.title OR OLD.email IS NOT NEW.email
BEGIN
    INSERT INTO search_grams (search_grams, rowid, title, body)
        SELECT 'delete', id, title, body FROM search_doc_grams WHERE id = 144115188075855872 + OLD.id;
    DELETE FROM search_docs WHERE rowid = 144115188075855872 + OLD.id;
    INSERT INTO search_docs (rowid, workspace_id, kind, entity_id, at, title, body)
        SELECT id, workspace_id, kind, entity_id, at, title, body FROM search_contact_source
        WHERE workspace_id = NEW.workspace_id AND entity_id = NEW.id;
    INSERT INTO search_grams (rowid, title, body)
        SELECT id, title, body FROM search_doc_grams WHERE id = 144115188075855872 + NEW.id;
END;

CREATE TRIGGER contacts_search_delete AFTER DELETE ON contacts
BEGIN
    INSERT INTO search_grams (search_grams, rowid, title, body)
        SELECT 'delete', id, title, body FROM search_doc_grams WHERE id = 144115188075855872 + OLD.id;
    DELETE FROM search_docs WHERE rowid = 144115188075855872 + OLD.id;
END;

CREATE TRIGGER leads_search_insert AFTER INSERT ON leads
BEGIN
    INSERT INTO search_docs (rowid, workspace_id, kind, entity_id, at, title, body)
        SELECT id, workspace_id, kind, entity_id, at, title, body FROM search_lead_source
        WHERE workspace_id = NEW.workspace_id AND entity_id = NEW.id;
    INSERT INTO search_grams (rowid, title, body)
        SELECT id, title, body FROM search_doc_grams WHERE id = 216172782113783808 + NEW.id;
END;

CREATE TRIGGER leads_search_update AFTER UPDATE OF title, note ON leads
    WHEN OLD.title IS NOT NEW.title OR OLD.note IS NOT NEW.note
BEGIN
    INSERT INTO search_grams (search_grams, rowid, title, body)
        SELECT 'delete', id, title, body FROM search_doc_grams WHERE id = 216172782113783808 + OLD.id;
    DELETE FROM search_docs WHERE rowid = 216172782113783808 + OLD.id;
    INSERT INTO search_docs (rowid, workspace_id, kind, entity_id, at, title, body)
        SELECT id, workspace_id, kind, entity_id, at, title, body FROM search_lead_source
        WHERE workspace_id = NEW.workspace_id AND entity_id = NEW.id;
    INSERT INTO search_grams (rowid, title, body)
        SELECT id, title, body FROM search_doc_grams WHERE id = 216172782113783808 + NEW.id;
END;

CREATE TRIGGER leads_search_delete AFTER DELETE ON leads
BEGIN
    INSERT INTO search_grams (search_grams, rowid, title, body)
        SELECT 'delete', id, title, body FROM search_doc_grams WHERE id = 216172782113783808 + OLD.id;
    DELETE FROM search_docs WHERE rowid = 216172782113783808 + OLD.id;
END;

CREATE TRIGGER follow_ups_search_insert AFTER INSERT ON follow_ups
BEGIN
    INSERT INTO search_docs (rowid, workspace_id, kind, entity_id, at, title, body)
        SELECT id, workspace_id, kind, entity_id, at, title, body FROM search_follow_up_source
        WHERE workspace_id = NEW.workspace_id AND entity_id = NEW.id;
    INSERT INTO search_grams (rowid, title, body)
        SELECT id, title, body FROM search_doc_grams WHERE id = 288230376151711744 + NEW.id;
END;

CREATE TRIGGER follow_ups_search_update AFTER UPDATE OF text ON follow_ups
    WHEN OLD.text IS NOT NEW.text
BEGIN
    INSERT INTO search_grams (search_grams, rowid, title, body)
        SELECT 'delete', id, title, body FROM search_doc_grams WHERE id = 288230376151711744 + OLD.id;
    DELETE FROM search_docs WHERE rowid = 288230376151711744 + OLD.id;
    INSERT INTO search_docs (rowid, workspace_id, kind, entity_id, at, title, body)
        SELECT id, workspace_id, kind, entity_id, at, title, body FROM search_follow_up_source
        WHERE workspace_id = NEW.workspace_id AND entity_id = NEW.id;
    INSERT INTO search_grams (rowid, title, body)
        SELECT id, title, body FROM search_doc_grams WHERE id = 288230376151711744 + NEW.id;
END;

CREATE TRIGGER follow_ups_search_delete AFTER DELETE ON follow_ups
BEGIN
    INSERT INTO search_grams (search_grams, rowid, title, body)
        SELECT 'delete', id, title, body FROM search_doc_grams WHERE id = 288230376151711744 + OLD.id;
    DELETE FROM search_docs WHERE rowid = 288230376151711744 + OLD.id;
END;

CREATE TRIGGER meetings_search_insert AFTER INSERT ON meetings
BEGIN
    INSERT INTO search_docs (rowid, workspace_id, kind, entity_id, at, title, body)
        SELECT id, workspace_id, kind, entity_id, at, title, body FROM search_meeting_source
        WHERE workspace_id = NEW.workspace_id AND entity_id = NEW.id;
    INSERT INTO search_grams (rowid, title, body)
        SELECT id, title, body FROM search_doc_grams WHERE id = 360287970189639680 + NEW.id;
END;

CREATE TRIGGER meetings_search_update AFTER UPDATE OF place, notes, starts_at ON meetings
    WHEN OLD.place IS NOT NEW.place OR OLD.notes IS NOT NEW.notes OR OLD.starts_at IS NOT NEW.starts_at
BEGIN
    INSERT INTO search_grams (search_grams, rowid, title, body)
        SELECT 'delete', id, title, body FROM search_doc_grams WHERE id = 360287970189639680 + OLD.id;
    DELETE FROM search_docs WHERE rowid = 360287970189639680 + OLD.id;
    INSERT INTO search_docs (rowid, workspace_id, kind, entity_id, at, title, body)
        SELECT id, workspace_id, kind, entity_id, at, title, body FROM search_meeting_source
        WHERE workspace_id = NEW.workspace_id AND entity_id = NEW.id;
    INSERT INTO search_grams (rowid, title, body)
        SELECT id, title, body FROM search_doc_grams WHERE id = 360287970189639680 + NEW.id;
END;

CREATE TRIGGER meetings_search_delete AFTER DELETE ON meetings
BEGIN
    INSERT INTO search_grams (search_grams, rowid, title, body)
        SELECT 'delete', id, title, body FROM search_doc_grams WHERE id = 360287970189639680 + OLD.id;
    DELETE FROM search_docs WHERE rowid = 360287970189639680 + OLD.id;
END;

CREATE TRIGGER company_aliases_search_insert AFTER INSERT ON company_aliases
BEGIN
    INSERT INTO search_grams (search_grams, rowid, title, body)
        SELECT 'delete', id, title, body FROM search_doc_grams WHERE id = 72057594037927936 + NEW.company_id;
    DELETE FROM search_docs WHERE rowid = 72057594037927936 + NEW.company_id;
    INSERT INTO search_docs (rowid, workspace_id, kind, entity_id, at, title, body)
        SELECT id, workspace_id, kind, entity_id, at, title, body FROM search_company_source
        WHERE workspace_id = NEW.workspace_id AND entity_id = NEW.company_id;
    INSERT INTO search_grams (rowid, title, body)
        SELECT id, title, body FROM search_doc_grams WHERE id = 72057594037927936 + NEW.company_id;
END;

CREATE TRIGGER company_aliases_search_delete AFTER DELETE ON company_aliases
BEGIN
    INSERT INTO search_grams (search_grams, rowid, title, body)
        SELECT 'delete', id, title, body FROM search_doc_grams WHERE id = 72057594037927936 + OLD.company_id;
    DELETE FROM search_docs WHERE rowid = 72057594037927936 + OLD.company_id;
    INSERT INTO search_docs (rowid, workspace_id, kind, entity_id, at, title, body)
        SELECT id, workspace_id, kind, entity_id, at, title, body FROM search_company_source
        WHERE workspace_id = OLD.workspace_id AND entity_id = OLD.company_id;
    INSERT INTO search_grams (rowid, title, body)
        SELECT id, title, body FROM search_doc_grams WHERE id = 72057594037927936 + OLD.company_id;
END;

CREATE TRIGGER contact_aliases_search_insert AFTER INSERT ON contact_aliases
BEGIN
    INSERT INTO search_grams (search_grams, rowid, title, body)
        SELECT 'delete', id, title, body FROM search_doc_grams WHERE id = 144115188075855872 + NEW.contact_id;
    DELETE FROM search_docs WHERE rowid = 144115188075855872 + NEW.contact_id;
    INSERT INTO search_docs (rowid, workspace_id, kind, entity_id, at, title, body)
        SELECT id, workspace_id, kind, entity_id, at, title, body FROM search_contact_source
        WHERE workspace_id = NEW.workspace_id AND entity_id = NEW.contact_id;
    INSERT INTO search_grams (rowid, title, body)
        SELECT id, title, body FROM search_doc_grams WHERE id = 144115188075855872 + NEW.contact_id;
END;

CREATE TRIGGER contact_aliases_search_delete AFTER DELETE ON contact_aliases
BEGIN
    INSERT INTO search_grams (search_grams, rowid, title, body)
        SELECT 'delete', id, title, body FROM search_doc_grams WHERE id = 144115188075855872 + OLD.contact_id;
    DELETE FROM search_docs WHERE rowid = 144115188075855872 + OLD.contact_id;
    INSERT INTO search_docs (rowid, workspace_id, kind, entity_id, at, title, body)
        SELECT id, workspace_id, kind, entity_id, at, title, body FROM search_contact_source
        WHERE workspace_id = OLD.workspace_id AND entity_id = OLD.contact_id;
    INSERT INTO search_grams (rowid, title, body)
        SELECT id, title, body FROM search_doc_grams WHERE id = 144115188075855872 + OLD.contact_id;
END;

-- /leads filters: by creation day (since:, until:) and due day (due:).
CREATE INDEX leads_created ON leads (workspace_id, created_at);
CREATE INDEX leads_due ON leads (workspace_id, due) WHERE due IS NOT NULL;
