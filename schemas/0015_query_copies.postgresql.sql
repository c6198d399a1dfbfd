-- 0015_query_copies, PostgreSQL dialect.
--
-- lead_companies' copy of its lead (0014) takes the lead's updated_at too, the order /leads
-- lists in unless told otherwise. With it, every order but the title's is in the copy, so
-- /leads company: and industry: count and order their matches in the index of the links alone
-- and read only the page's leads (storage/sql_lead_repository.cpp, LeadQuery); before, each
-- match's lead was read to be ordered, 1,300 rows for one page of 20 in the benchmark. The
-- SQLite sibling does the same.
ALTER TABLE lead_companies ADD COLUMN updated_at BIGINT;

UPDATE lead_companies lc SET updated_at = l.updated_at
FROM leads l WHERE l.workspace_id = lc.workspace_id AND l.id = lc.lead_id;

CREATE OR REPLACE FUNCTION lead_companies_copy_lead() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.stage IS NULL THEN
        SELECT l.stage, l.owner_id, l.value_currency, l.value_amount, l.created_at, l.due,
               l.updated_at
        INTO NEW.stage, NEW.owner_id, NEW.value_currency, NEW.value_amount, NEW.created_at,
             NEW.due, NEW.updated_at
        FROM leads l WHERE l.workspace_id = NEW.workspace_id AND l.id = NEW.lead_id;
    END IF;
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION leads_copy_to_companies() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE lead_companies
    SET stage = NEW.stage, owner_id = NEW.owner_id, value_currency = NEW.value_currency,
        value_amount = NEW.value_amount, created_at = NEW.created_at, due = NEW.due,
        updated_at = NEW.updated_at
    WHERE lead_id = NEW.id;
    RETURN NULL;
END
$$;
DROP TRIGGER leads_copy_to_companies ON leads;
CREATE TRIGGER leads_copy_to_companies
    AFTER UPDATE OF stage, owner_id, value_currency, value_amount, created_at, due, updated_at
    ON leads
    FOR EACH ROW
    WHEN (OLD.stage IS DISTINCT FROM NEW.stage OR OLD.owner_id IS DISTINCT FROM NEW.owner_id
          OR OLD.value_currency IS DISTINCT FROM NEW.value_currency
          OR OLD.value_amount IS DISTINCT FROM NEW.value_amount
          OR OLD.created_at IS DISTINCT FROM NEW.created_at OR OLD.due IS DISTINCT FROM NEW.due
          OR OLD.updated_at IS DISTINCT FROM NEW.updated_at)
    EXECUTE FUNCTION leads_copy_to_companies();

-- 0014's index with updated_at included: the matches' order is read from the index too.
DROP INDEX lead_companies_filter;
CREATE INDEX lead_companies_filter ON lead_companies
    (workspace_id, company_id, created_at, stage, value_currency, value_amount, owner_id, due)
    INCLUDE (lead_id, updated_at);

-- /find (storage/sql_search_repository.cpp) reads the newest documents of a kind first and
-- looks older ones up through GIN indexes.
--
-- Indexes by kind. 0008's indexes held every kind together, and 0013's the kinds other than
-- meetings: a word common among leads made looking it up among companies read every lead that
-- has it (20 ms for 연동 among 5,000 companies, beside 100,000 leads). Each kind now has indexes
-- of its own, and no index holds two kinds.
--
-- No stored grams. 0008 stored each document's two-character substrings in a column, two thirds
-- of a meeting's row (480 of 716 bytes in the benchmark), which every newest-first read carried
-- along. The GIN indexes of two-character words now index the same expression,
-- inmaek_bigrams(doc), and the table is written anew without the column (CLUSTER, in id order,
-- the order of those reads): reading the newest 15,000 meetings took half the time.
--
-- Upgrading a database of a million meetings takes a few minutes, in one transaction.
DROP INDEX search_docs_trigrams_small;
DROP INDEX search_docs_grams_small;
DROP INDEX search_docs_trigrams;
DROP INDEX search_docs_grams;
ALTER TABLE search_docs DROP COLUMN grams;
CLUSTER search_docs USING search_docs_pkey;

CREATE INDEX search_docs_trigrams_companies ON search_docs USING gin (doc gin_trgm_ops)
    WHERE kind = 1;
CREATE INDEX search_docs_trigrams_contacts ON search_docs USING gin (doc gin_trgm_ops)
    WHERE kind = 2;
CREATE INDEX search_docs_trigrams_leads ON search_docs USING gin (doc gin_trgm_ops)
    WHERE kind = 3;
CREATE INDEX search_docs_trigrams_follow_ups ON search_docs USING gin (doc gin_trgm_ops)
    WHERE kind = 4;
CREATE INDEX search_docs_trigrams_meetings ON search_docs USING gin (doc gin_trgm_ops)
    WHERE kind = 5;
CREATE INDEX search_docs_grams_companies ON search_docs USING gin (inmaek_bigrams(doc))
    WHERE kind = 1;
CREATE INDEX search_docs_grams_contacts ON search_docs USING gin (inmaek_bigrams(doc))
    WHERE kind = 2;
CREATE INDEX search_docs_grams_leads ON search_docs USING gin (inmaek_bigrams(doc))
    WHERE kind = 3;
CREATE INDEX search_docs_grams_follow_ups ON search_docs USING gin (inmaek_bigrams(doc))
    WHERE kind = 4;
CREATE INDEX search_docs_grams_meetings ON search_docs USING gin (inmaek_bigrams(doc))
    WHERE kind = 5;
