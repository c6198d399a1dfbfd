-- 0013_search_grams: fewer two-character tokens, so indexing a /meet costs less.
--
-- 0008 indexed every pair of adjacent characters of every document in search_grams, for words
-- of two characters that trigrams cannot find. Most of those pairs served no search: a pair
-- inside a longer English word, a pair around a space or punctuation (a one-character token).
-- Now search_text::two_character_tokens gives only the pairs a search needs: every pair in and
-- at the edge of a run of Hangul, Han or kana (words run together there: 연동 in 연동을), and a
-- whole word of two characters in other scripts (AI, 5G). The table keeps no positions
-- (detail=none): its queries are single tokens ANDed together.
--
-- A contentless table deletes a document given exactly the tokens it indexed, and the
-- documents indexed by 0008 and 0010 hold the old ones: the table is made again, empty, and
-- every document in search_docs is indexed with the new tokens by inmaek_two_character_tokens,
-- the same C++ function the indexer calls, which every SQLite connection of inmaek registers.
-- Documents still queued in search_pending are re-indexed later from this state as usual.

DROP TABLE search_grams;
CREATE VIRTUAL TABLE search_grams USING fts5 (
    title, body, content = '', detail = none, tokenize = 'unicode61 remove_diacritics 0');
INSERT INTO search_grams (rowid, title, body)
    SELECT rowid, inmaek_two_character_tokens(title), inmaek_two_character_tokens(body)
    FROM search_docs;
