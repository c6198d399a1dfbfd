-- 0013_search_grams, PostgreSQL dialect. SQLite's sibling rebuilds its two-character index
-- with fewer tokens; PostgreSQL's (0008, search_docs.grams) stays as it is.
--
-- /find reads the newest documents of a kind first and looks older ones up through the GIN
-- indexes (storage/sql_search_repository.cpp). 0008's indexes hold every kind together, a
-- million meetings among them, so looking up a word among companies, contacts, leads or
-- follow-ups read every meeting that has it too. These hold the kinds other than meetings
-- (kind 5) apart: a search of those kinds names its kind, and their posting lists are short.
CREATE INDEX search_docs_trigrams_small ON search_docs USING gin (doc gin_trgm_ops)
    WHERE kind <> 5;
CREATE INDEX search_docs_grams_small ON search_docs USING gin (grams) WHERE kind <> 5;
