-- 0013_search_grams, PostgreSQL dialect: SQLite's sibling rebuilds its two-character index
-- with fewer tokens. PostgreSQL's index of two-character substrings (0008, search_docs.grams)
-- stays as it is.
COMMENT ON COLUMN search_docs.grams IS
    'two-character substrings of doc, for /find words of two characters (0008; see 0013)';
