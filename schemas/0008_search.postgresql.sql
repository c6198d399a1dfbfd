-- 0008_search, PostgreSQL dialect: the documents of 0008_search.sqlite3.sql (whose comments
-- explain them, and the document ids kind * 2^56 + entity id) in a plain table kept by triggers,
-- searched with pg_trgm and an index of two-character tokens:
--   * words of 3 or more characters: doc LIKE '%word%' through a GIN gin_trgm_ops index;
--   * words of two characters (연동, AI): grams @> ARRAY['연동'] through a GIN index of the
--     document's two-character substrings, which pg_trgm cannot look up (its trigrams need
--     three characters).
-- doc is lower-cased, and so is the query (both by PostgreSQL's lower()). pg_trgm reads Hangul
-- as word characters under a UTF-8 ctype (C.UTF-8, ko_KR.UTF-8, en_US.UTF-8); under the plain
-- C ctype its index cannot narrow Korean words down and the search reads every document.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Every two-character substring of a text, once each.
CREATE FUNCTION inmaek_bigrams(text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT substr($1, i, 2)), '{}')
    FROM generate_series(1, length($1) - 1) AS i
$$;

CREATE TABLE search_docs (
    id           BIGINT PRIMARY KEY,
    workspace_id BIGINT   NOT NULL,
    kind         SMALLINT NOT NULL,
    entity_id    BIGINT   NOT NULL,
    at           BIGINT   NOT NULL,
    title        TEXT     NOT NULL,
    body         TEXT     NOT NULL,
    doc          TEXT GENERATED ALWAYS AS (lower(title || ' ' || body)) STORED,
    grams        TEXT[] GENERATED ALWAYS AS (inmaek_bigrams(lower(title || ' ' || body))) STORED
);
CREATE INDEX search_docs_trigrams ON search_docs USING gin (doc gin_trgm_ops);
CREATE INDEX search_docs_grams ON search_docs USING gin (grams);
CREATE INDEX search_docs_workspace ON search_docs (workspace_id, id);

CREATE VIEW search_company_source AS
SELECT 72057594037927936 + c.id AS id, c.workspace_id, 1 AS kind, c.id AS entity_id,
       c.created_at AS at,
       c.name || coalesce(chr(10) || (SELECT string_agg(a.alias, chr(10) ORDER BY a.id)
                                      FROM company_aliases AS a
                                      WHERE a.workspace_id = c.workspace_id
                                        AND a.company_id = c.id), '') AS title,
       substr(trim(c.industry || ' ' || c.note), 1, 2000) AS body
FROM companies AS c;
CREATE VIEW search_contact_source AS
SELECT 2 * 72057594037927936 + p.id AS id, p.workspace_id, 2 AS kind, p.id AS entity_id,
       p.created_at AS at,
       p.name || coalesce(chr(10) || (SELECT string_agg(a.alias, chr(10) ORDER BY a.id)
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
INSERT INTO search_docs (id, workspace_id, kind, entity_id, at, title, body)
    SELECT * FROM search_company_source
    UNION ALL SELECT * FROM search_contact_source
    UNION ALL SELECT * FROM search_lead_source
    UNION ALL SELECT * FROM search_follow_up_source
    UNION ALL SELECT * FROM search_meeting_source;

-- Replaces the document of one entity (none when the entity is gone).
CREATE FUNCTION search_refresh(doc_kind INTEGER, space BIGINT, entity BIGINT) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM search_docs WHERE id = doc_kind * 72057594037927936 + entity;
    IF doc_kind = 1 THEN
        INSERT INTO search_docs (id, workspace_id, kind, entity_id, at, title, body)
        SELECT * FROM search_company_source WHERE workspace_id = space AND entity_id = entity;
    ELSIF doc_kind = 2 THEN
        INSERT INTO search_docs (id, workspace_id, kind, entity_id, at, title, body)
        SELECT * FROM search_contact_source WHERE workspace_id = space AND entity_id = entity;
    ELSIF doc_kind = 3 THEN
        INSERT INTO search_docs (id, workspace_id, kind, entity_id, at, title, body)
        SELECT * FROM search_lead_source WHERE workspace_id = space AND entity_id = entity;
    ELSIF doc_kind = 4 THEN
        INSERT INTO search_docs (id, workspace_id, kind, entity_id, at, title, body)
        SELECT * FROM search_follow_up_source WHERE workspace_id = space AND entity_id = entity;
    ELSE
        INSERT INTO search_docs (id, workspace_id, kind, entity_id, at, title, body)
        SELECT * FROM search_meeting_source WHERE workspace_id = space AND entity_id = entity;
    END IF;
END
$$;

-- The trigger of every table: TG_ARGV[0] is the document kind, TG_ARGV[1] the column holding
-- the entity's id (id, or company_id / contact_id for aliases).
CREATE FUNCTION search_docs_sync() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed RECORD;
BEGIN
    IF TG_OP = 'DELETE' THEN changed := OLD; ELSE changed := NEW; END IF;
    PERFORM search_refresh(TG_ARGV[0]::INTEGER, (to_jsonb(changed) ->> 'workspace_id')::BIGINT,
                           (to_jsonb(changed) ->> TG_ARGV[1])::BIGINT);
    RETURN NULL;
END
$$;

CREATE TRIGGER companies_search AFTER INSERT OR DELETE OR UPDATE OF name, industry, note
    ON companies FOR EACH ROW EXECUTE FUNCTION search_docs_sync('1', 'id');
CREATE TRIGGER company_aliases_search AFTER INSERT OR DELETE ON company_aliases
    FOR EACH ROW EXECUTE FUNCTION search_docs_sync('1', 'company_id');
CREATE TRIGGER contacts_search AFTER INSERT OR DELETE OR UPDATE OF name, title, email
    ON contacts FOR EACH ROW EXECUTE FUNCTION search_docs_sync('2', 'id');
CREATE TRIGGER contact_aliases_search AFTER INSERT OR DELETE ON contact_aliases
    FOR EACH ROW EXECUTE FUNCTION search_docs_sync('2', 'contact_id');
CREATE TRIGGER leads_search_insert AFTER INSERT OR DELETE ON leads
    FOR EACH ROW EXECUTE FUNCTION search_docs_sync('3', 'id');
CREATE TRIGGER leads_search_update AFTER UPDATE OF title, note ON leads FOR EACH ROW
    WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.note IS DISTINCT FROM NEW.note)
    EXECUTE FUNCTION search_docs_sync('3', 'id');
CREATE TRIGGER follow_ups_search AFTER INSERT OR DELETE OR UPDATE OF text ON follow_ups
    FOR EACH ROW EXECUTE FUNCTION search_docs_sync('4', 'id');
CREATE TRIGGER meetings_search AFTER INSERT OR DELETE OR UPDATE OF place, notes, starts_at
    ON meetings FOR EACH ROW EXECUTE FUNCTION search_docs_sync('5', 'id');

-- /leads filters: by creation day (since:, until:) and due day (due:).
CREATE INDEX leads_created ON leads (workspace_id, created_at);
CREATE INDEX leads_due ON leads (workspace_id, due) WHERE due IS NOT NULL;
