// /find over the documents of migration 0008: SQLite's FTS5 tables (trigrams for words of three
// or more characters, two-character tokens for the rest) or PostgreSQL's search_docs with
// pg_trgm and a GIN index of two-character substrings. On SQLite the documents written since
// the last look are indexed here too, in batches (schemas/0010_search_pending.sqlite3.sql).
#include <algorithm>
#include <array>
#include <deque>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <tuple>

#include "storage/search_text.hpp"
#include "storage/sql_repositories.hpp"

namespace inmaek::storage::sql {
namespace {

/// A document's id is kind * 2^56 + the entity's id (schemas/0008_search.sqlite3.sql).
constexpr Int kKindStride = Int{1} << 56;
constexpr std::array kKinds{SearchKind::company, SearchKind::contact, SearchKind::lead,
                            SearchKind::follow_up, SearchKind::meeting};

// The newest matches of one kind: `low` and `high` bound the kind's range of document ids. Words
// of three or more characters go through the trigram index, words of two through the
// two-character tokens (schemas/0013). A query with both reads the two indexes' ids newest
// first side by side and keeps those in both (RowidIntersection): SQL would read every id of
// one of them first (an IN over the other table), or check the text of every trigram match.
constexpr auto kSqliteTrigrams = R"sql(
    SELECT rowid, title FROM search_docs
    WHERE search_docs MATCH :trigrams AND rowid BETWEEN :low AND :high
      AND workspace_id = :workspace_id
    ORDER BY rowid DESC LIMIT :limit)sql";
constexpr auto kSqliteGrams = R"sql(
    SELECT d.rowid, d.title FROM search_grams AS g CROSS JOIN search_docs AS d ON d.rowid = g.rowid
    WHERE search_grams MATCH :grams AND g.rowid BETWEEN :low AND :high
      AND d.workspace_id = :workspace_id
    ORDER BY g.rowid DESC LIMIT :limit)sql";
constexpr auto kSqliteTrigramIds = R"sql(
    SELECT rowid FROM search_docs WHERE search_docs MATCH ?1 AND rowid BETWEEN ?2 AND ?3
    ORDER BY rowid DESC)sql";
constexpr auto kSqliteGramIds = R"sql(
    SELECT rowid FROM search_grams WHERE search_grams MATCH ?1 AND rowid BETWEEN ?2 AND ?3
    ORDER BY rowid DESC)sql";
constexpr auto kSqliteCandidate =
    "SELECT title FROM search_docs WHERE rowid = :id AND workspace_id = :workspace_id";
constexpr auto kSqliteDocument = "SELECT title, body, at FROM search_docs WHERE rowid = :id";

// PostgreSQL: the newest kPostgresqlWindows[0] documents of the kind are read newest first and
// checked (a word in many documents has its matches there, and stops the scan early); only when
// they hold fewer than kSearchCountCap matches are the older ones looked up through the GIN
// indexes (a word that rare has short posting lists; each kind has indexes of its own,
// schemas/0015, so a word common in one kind costs nothing in another). The planner cannot tell the
// two cases apart: it estimates how common a word is poorly, not at all per kind, and either plan
// alone is slow in the other. Older ones are of kind :kind (which the indexes of 0015 need to be
// named), below an id that no index is to narrow (id + 0): ANDing the range of a whole kind would
// cost more than it saves. In the scan, a word of two characters is a LIKE too (cheaper than
// unpacking grams: the same). Words common only together (1% of meetings) get a second, wider
// window when the first one's matches say it holds the rest: the indexes would read all of both
// words' documents.
constexpr std::array kPostgresqlWindows{1000, 50000};
constexpr auto kPostgresqlRecentHead = R"sql(
    SELECT id, title FROM (
        SELECT id, title, doc FROM search_docs
        WHERE workspace_id = :workspace_id AND id BETWEEN :low AND :high
        ORDER BY id DESC LIMIT :recent) AS recent
    WHERE TRUE)sql";
constexpr auto kPostgresqlRecentTail = " ORDER BY id DESC LIMIT :limit";
// The id below the window of the kind's newest documents, if it has more.
constexpr auto kPostgresqlOlderThan = R"sql(
    SELECT id - 1 FROM search_docs WHERE workspace_id = :workspace_id AND id BETWEEN :low AND :high
    ORDER BY id DESC OFFSET :recent - 1 LIMIT 1)sql";
constexpr auto kPostgresqlOlderHead = R"sql(
    WITH older AS MATERIALIZED (
        SELECT id, title FROM search_docs
        WHERE workspace_id = :workspace_id AND kind = :kind AND id + 0 <= :older_high)sql";
constexpr auto kPostgresqlOlderTail = ") SELECT id, title FROM older ORDER BY id DESC LIMIT :limit";
constexpr auto kPostgresqlDocument = "SELECT title, body, at FROM search_docs WHERE id = :id";

// Re-indexing a queued document (0010): its old tokens and text out, the entity's current row
// (if it still exists) in, the queue entry gone.
constexpr auto kSqlitePending = "SELECT id FROM search_pending ORDER BY id LIMIT :limit";
constexpr auto kSqliteIndexed = "SELECT title, body FROM search_docs WHERE rowid = :id";
constexpr auto kSqliteUnindexGrams = R"sql(
    INSERT INTO search_grams (search_grams, rowid, title, body)
    VALUES ('delete', :id, :title, :body))sql";
constexpr auto kSqliteUnindexDocument = "DELETE FROM search_docs WHERE rowid = :id";
constexpr std::array<const char*, kKinds.size()> kSqliteSources{
    "SELECT workspace_id, at, title, body FROM search_company_source WHERE entity_id = :entity",
    "SELECT workspace_id, at, title, body FROM search_contact_source WHERE entity_id = :entity",
    "SELECT workspace_id, at, title, body FROM search_lead_source WHERE entity_id = :entity",
    "SELECT workspace_id, at, title, body FROM search_follow_up_source WHERE entity_id = :entity",
    "SELECT workspace_id, at, title, body FROM search_meeting_source WHERE entity_id = :entity"};
constexpr auto kSqliteIndexDocument = R"sql(
    INSERT INTO search_docs (rowid, workspace_id, kind, entity_id, at, title, body)
    VALUES (:id, :workspace_id, :kind, :entity, :at, :title, :body))sql";
constexpr auto kSqliteIndexGrams =
    "INSERT INTO search_grams (rowid, title, body) VALUES (:id, :title, :body)";
constexpr auto kSqliteIndexedDone = "DELETE FROM search_pending WHERE id = :id";

/// Re-indexes queued documents with statements prepared once per batch; they bind the members.
class PendingIndexer {
public:
    explicit PendingIndexer(soci::session& session) : session_(session) {}

    /// The ids of up to `limit` queued documents, lowest first.
    std::vector<Int> queued(int limit) {
        std::vector<Int> ids;
        Int id = 0;
        auto statement = prepare(session_, kSqlitePending, [&](soci::statement& s) {
            s.exchange(soci::into(id));
            s.exchange(soci::use(limit, "limit"));
        });
        for_each_row(statement, [&] { ids.push_back(id); });
        return ids;
    }

    void reindex(Int id) {
        id_ = id;
        if (run_single(indexed_)) {
            set_grams();
            unindex_grams_.execute(true);
            unindex_document_.execute(true);
        }
        kind_ = static_cast<int>(id / kKindStride);
        entity_ = id % kKindStride;
        if (kind_ >= 1 && kind_ <= static_cast<int>(kKinds.size()) &&
            run_single(source(static_cast<std::size_t>(kind_ - 1)))) {
            index_document_.execute(true);
            set_grams();
            index_grams_.execute(true);
        }
        done_.execute(true);
    }

private:
    void set_grams() {
        title_grams_ = search_text::two_character_tokens(title_);
        body_grams_ = search_text::two_character_tokens(body_);
    }
    void bind_id(soci::statement& s) { s.exchange(soci::use(id_, "id")); }
    void bind_text(soci::statement& s) {
        s.exchange(soci::into(title_));
        s.exchange(soci::into(body_));
        bind_id(s);
    }
    void bind_grams(soci::statement& s) {
        bind_id(s);
        s.exchange(soci::use(title_grams_, "title"));
        s.exchange(soci::use(body_grams_, "body"));
    }
    soci::statement& source(std::size_t index) {
        return sources_[index].get(session_, kSqliteSources[index], [this](soci::statement& s) {
            s.exchange(soci::into(workspace_id_));
            s.exchange(soci::into(at_));
            s.exchange(soci::into(title_));
            s.exchange(soci::into(body_));
            s.exchange(soci::use(entity_, "entity"));
        });
    }

    soci::session& session_;
    Int id_ = 0;
    int kind_ = 0;
    Int entity_ = 0;
    Int workspace_id_ = 0;
    Int at_ = 0;
    std::string title_;
    std::string body_;
    std::string title_grams_;
    std::string body_grams_;
    soci::statement indexed_ =
        prepare(session_, kSqliteIndexed, [this](soci::statement& s) { bind_text(s); });
    soci::statement unindex_grams_ =
        prepare(session_, kSqliteUnindexGrams, [this](soci::statement& s) { bind_grams(s); });
    soci::statement unindex_document_ =
        prepare(session_, kSqliteUnindexDocument, [this](soci::statement& s) { bind_id(s); });
    std::array<CachedStatement, kKinds.size()> sources_;
    soci::statement index_document_ =
        prepare(session_, kSqliteIndexDocument, [this](soci::statement& s) {
            bind_id(s);
            s.exchange(soci::use(workspace_id_, "workspace_id"));
            s.exchange(soci::use(kind_, "kind"));
            s.exchange(soci::use(entity_, "entity"));
            s.exchange(soci::use(at_, "at"));
            s.exchange(soci::use(title_, "title"));
            s.exchange(soci::use(body_, "body"));
        });
    soci::statement index_grams_ =
        prepare(session_, kSqliteIndexGrams, [this](soci::statement& s) { bind_grams(s); });
    soci::statement done_ =
        prepare(session_, kSqliteIndexedDone, [this](soci::statement& s) { bind_id(s); });
};

/// A word as an FTS5 string: in double quotes, its own double quotes doubled.
std::string fts_string(std::string_view word) {
    std::string out = "\"";
    for (const char c : word) {
        out += c;
        if (c == '"') out += '"';
    }
    return out + "\"";
}

/// A word as the inside of a LIKE pattern ('\' escapes).
std::string like_escaped(std::string_view word) {
    std::string out;
    for (const char c : word) {
        if (c == '\\' || c == '%' || c == '_') out += '\\';
        out += c;
    }
    return out;
}

/// A candidate: its document id, title and how well it matches (lower is better).
struct Candidate {
    Int id = 0;
    std::string title;
    int tier = 0;
};

/// The words of a query by the index that can find them.
struct Words {
    std::vector<std::string> all;     ///< every word of two or more characters
    std::vector<std::string> two;     ///< exactly two characters
    std::vector<std::string> longer;  ///< three or more
};

Words split_words(std::string_view query) {
    Words words;
    for (auto& word : search_text::words(query)) {
        const auto length = search_text::length(word);
        if (length < 2) continue;
        (length == 2 ? words.two : words.longer).push_back(word);
        words.all.push_back(std::move(word));
    }
    return words;
}

/// A document title's lines: the name, then its aliases (companies and contacts).
std::vector<std::string_view> lines_of(std::string_view title) {
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    for (;;) {
        const auto end = title.find('\n', start);
        lines.push_back(title.substr(start, end - start));
        if (end == std::string_view::npos) return lines;
        start = end + 1;
    }
}

/// Binds the parameters every per-kind statement has.
struct KindParameters {
    Int workspace_id = 0;
    Int low = 0;
    Int high = 0;
    int limit = kSearchCountCap;
};

/// A query's words as an FTS5 query: each word a string, all of them required.
std::string fts_query(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& word : words) out += (out.empty() ? "" : " AND ") + fts_string(word);
    return out;
}

/// The candidates of one kind, newest first: statements prepared once per search and run once
/// per kind with the kind's range of ids.
class KindSearch {
public:
    virtual ~KindSearch() = default;
    /// Up to kSearchCountCap candidates with ids in [low, high].
    virtual std::vector<Candidate> candidates(Int low, Int high) = 0;
};

/// SQLite with words of one length: one of the two indexes answers, in one statement.
class SqliteOneIndexSearch final : public KindSearch {
public:
    SqliteOneIndexSearch(soci::session& session, Int workspace_id, const Words& words)
        : query_(fts_query(words.longer.empty() ? words.two : words.longer)),
          statement_(prepare(session, words.longer.empty() ? kSqliteGrams : kSqliteTrigrams,
                             [&](soci::statement& s) {
                                 s.exchange(soci::into(id_));
                                 s.exchange(soci::into(title_));
                                 s.exchange(soci::use(query_,
                                                      words.longer.empty() ? "grams" : "trigrams"));
                                 s.exchange(soci::use(parameters_.workspace_id, "workspace_id"));
                                 s.exchange(soci::use(parameters_.low, "low"));
                                 s.exchange(soci::use(parameters_.high, "high"));
                                 s.exchange(soci::use(parameters_.limit, "limit"));
                             })) {
        parameters_.workspace_id = workspace_id;
    }

    std::vector<Candidate> candidates(Int low, Int high) override {
        parameters_.low = low;
        parameters_.high = high;
        std::vector<Candidate> out;
        for_each_row(statement_, [&] { out.push_back({id_, title_, 0}); });
        return out;
    }

private:
    KindParameters parameters_;
    Int id_ = 0;
    std::string title_;
    std::string query_;
    soci::statement statement_;
};

/// The ids one FTS5 query yields, stepped with SQLite's C API: a mixed search steps through
/// thousands of them, where SOCI's work per row would cost as much as FTS5's.
class RowidStream {
public:
    RowidStream(soci::session& session, const char* sql, const std::string& query)
        : connection_(static_cast<soci::sqlite3_session_backend*>(session.get_backend())->conn_) {
        check(sqlite_api::sqlite3_prepare_v2(connection_, sql, -1, &statement_, nullptr));
        check(sqlite_api::sqlite3_bind_text(statement_, 1, query.data(),
                                            static_cast<int>(query.size()), nullptr));
    }
    ~RowidStream() { sqlite_api::sqlite3_finalize(statement_); }
    RowidStream(const RowidStream&) = delete;
    RowidStream& operator=(const RowidStream&) = delete;

    /// Starts over with ids in [low, high]; false when there is none.
    bool start(Int low, Int high) {
        sqlite_api::sqlite3_reset(statement_);
        check(sqlite_api::sqlite3_bind_int64(statement_, 2, low));
        check(sqlite_api::sqlite3_bind_int64(statement_, 3, high));
        return next();
    }
    /// The next id, newest first; false at the end.
    bool next() {
        const int code = sqlite_api::sqlite3_step(statement_);
        if (code == SQLITE_ROW) {
            id_ = sqlite_api::sqlite3_column_int64(statement_, 0);
            return true;
        }
        check(code == SQLITE_DONE ? SQLITE_OK : code);
        return false;
    }
    [[nodiscard]] Int id() const { return id_; }

private:
    void check(int code) const {
        if (code != SQLITE_OK) {
            throw std::runtime_error(std::string{"search: "} +
                                     sqlite_api::sqlite3_errmsg(connection_));
        }
    }

    sqlite_api::sqlite3* connection_;
    sqlite_api::sqlite3_stmt* statement_ = nullptr;
    Int id_ = 0;
};

/// SQLite with words of two characters and longer ones: the ids both indexes give, merged
/// newest first, each looked up in the workspace until kSearchCountCap are found.
class SqliteIntersectionSearch final : public KindSearch {
public:
    SqliteIntersectionSearch(soci::session& session, Int workspace_id, const Words& words)
        : workspace_id_(workspace_id),
          trigrams_(fts_query(words.longer)),
          grams_(fts_query(words.two)),
          trigram_ids_(session, kSqliteTrigramIds, trigrams_),
          gram_ids_(session, kSqliteGramIds, grams_),
          candidate_(prepare(session, kSqliteCandidate, [this](soci::statement& s) {
              s.exchange(soci::into(title_));
              s.exchange(soci::use(id_, "id"));
              s.exchange(soci::use(workspace_id_, "workspace_id"));
          })) {}

    std::vector<Candidate> candidates(Int low, Int high) override {
        std::vector<Candidate> out;
        bool trigram = trigram_ids_.start(low, high);
        bool gram = gram_ids_.start(low, high);
        while (trigram && gram && out.size() < static_cast<std::size_t>(kSearchCountCap)) {
            if (trigram_ids_.id() > gram_ids_.id()) {
                trigram = trigram_ids_.next();
            } else if (gram_ids_.id() > trigram_ids_.id()) {
                gram = gram_ids_.next();
            } else {
                id_ = trigram_ids_.id();
                if (run_single(candidate_)) out.push_back({id_, title_, 0});
                trigram = trigram_ids_.next();
                gram = gram_ids_.next();
            }
        }
        // Either may be left on a row: the next kind's start resets it, and this search's end
        // finalizes it, before its transaction ends (reading the rest would undo the saving).
        return out;
    }

private:
    Int workspace_id_;
    Int id_ = 0;
    std::string title_;
    std::string trigrams_;
    std::string grams_;
    RowidStream trigram_ids_;
    RowidStream gram_ids_;
    soci::statement candidate_;
};

/// PostgreSQL: the newest documents of the kind first, then (if needed) the older ones through
/// the GIN indexes (kPostgresqlWindows).
class PostgresqlSearch final : public KindSearch {
public:
    PostgresqlSearch(soci::session& session, Int workspace_id, const Words& words)
        : workspace_id_(workspace_id) {
        std::string scanned;  // the conditions on a document read
        std::string indexed;  // the same, the longest word through a GIN index
        // One index only, the longest word's (usually the rarest): the planner, which cannot
        // tell how common a word is, would AND the index of a word in a quarter of the kind
        // with the other's, or read every document of the kind that has the shorter one.
        const auto longest =
            std::max_element(words.all.begin(), words.all.end(), [](const auto& a, const auto& b) {
                return search_text::length(a) < search_text::length(b);
            });
        for (auto word = words.all.begin(); word != words.all.end(); ++word) {
            const auto name = ":w" + std::to_string(values_.size());
            scanned_.push_back(values_.size());
            values_.push_back(like_escaped(*word));
            scanned += " AND doc LIKE '%' || lower(" + name + ") || '%'";
            if (word != longest) {
                indexed_.push_back(scanned_.back());
                indexed += " AND (doc || '') LIKE '%' || lower(" + name + ") || '%'";
            } else if (search_text::length(*word) == 2) {
                indexed_.push_back(values_.size());
                values_.push_back(*word);
                indexed += " AND inmaek_bigrams(doc) @> ARRAY[lower(:w" +
                           std::to_string(indexed_.back()) + ")]";
            } else {
                indexed_.push_back(scanned_.back());
                indexed += " AND doc LIKE '%' || lower(" + name + ") || '%'";
            }
        }
        recent_ = prepare(session, kPostgresqlRecentHead + scanned + kPostgresqlRecentTail,
                          [this](soci::statement& s) {
                              bind_candidate(s, scanned_);
                              s.exchange(soci::use(low_, "low"));
                              s.exchange(soci::use(high_, "high"));
                              s.exchange(soci::use(recent_count_, "recent"));
                          });
        older_than_ = prepare(session, kPostgresqlOlderThan, [this](soci::statement& s) {
            s.exchange(soci::into(older_high_));
            s.exchange(soci::use(workspace_id_, "workspace_id"));
            s.exchange(soci::use(low_, "low"));
            s.exchange(soci::use(high_, "high"));
            s.exchange(soci::use(recent_count_, "recent"));
        });
        older_ = prepare(session, kPostgresqlOlderHead + indexed + kPostgresqlOlderTail,
                         [this](soci::statement& s) {
                             bind_candidate(s, indexed_);
                             s.exchange(soci::use(kind_, "kind"));
                             s.exchange(soci::use(older_high_, "older_high"));
                         });
    }

    std::vector<Candidate> candidates(Int low, Int high) override {
        low_ = low;
        high_ = high;
        kind_ = static_cast<int>(low / kKindStride);
        const auto cap = static_cast<std::size_t>(kSearchCountCap);
        std::vector<Candidate> out;
        std::size_t scanned = 0;
        for (const int window : kPostgresqlWindows) {
            // A wider window only when the matches so far say it holds the rest.
            if (scanned > 0 && (out.empty() || (cap - out.size()) * scanned / out.size() >
                                                   static_cast<std::size_t>(window))) {
                break;
            }
            recent_count_ = window;
            limit_ = static_cast<int>(cap - out.size());
            for_each_row(*recent_, [&] { out.push_back({id_, title_, 0}); });
            if (out.size() >= cap || !run_single(*older_than_)) return out;
            scanned += static_cast<std::size_t>(window);
            high_ = older_high_;
        }
        limit_ = static_cast<int>(cap - out.size());
        for_each_row(*older_, [&] { out.push_back({id_, title_, 0}); });
        return out;
    }

private:
    /// The exchanges of a statement yielding candidates: their id and title, the words
    /// (`words`: which of values_).
    void bind_candidate(soci::statement& s, const std::vector<std::size_t>& words) {
        s.exchange(soci::into(id_));
        s.exchange(soci::into(title_));
        s.exchange(soci::use(workspace_id_, "workspace_id"));
        s.exchange(soci::use(limit_, "limit"));
        for (const auto i : words) s.exchange(soci::use(values_[i], "w" + std::to_string(i)));
    }

    Int workspace_id_;
    Int low_ = 0;
    Int high_ = 0;
    Int older_high_ = 0;
    int kind_ = 0;
    int limit_ = kSearchCountCap;
    int recent_count_ = 0;
    Int id_ = 0;
    std::string title_;
    std::deque<std::string> values_;    // bound by reference: must not move
    std::vector<std::size_t> scanned_;  // the values of the words as the scan reads them
    std::vector<std::size_t> indexed_;  // and as the GIN indexes are asked
    std::optional<soci::statement> recent_;
    std::optional<soci::statement> older_than_;
    std::optional<soci::statement> older_;
};

}  // namespace

std::size_t SqlSearchRepository::index_pending(int limit) {
    // PostgreSQL's triggers keep its index current (0010_search_pending.postgresql.sql).
    if (postgresql_) return 0;
    PendingIndexer indexer(session_);
    const auto ids = indexer.queued(sql_limit(limit));
    for (const Int id : ids) indexer.reindex(id);
    return ids.size();
}

SearchResults SqlSearchRepository::search(Id workspace_id, std::string_view query, int limit,
                                          std::size_t snippet_width) {
    const Words words = split_words(query);
    SearchResults results;
    if (words.all.empty()) return results;
    // What was written before this search is found by it, however far the indexer is behind.
    index_pending(0);

    std::unique_ptr<KindSearch> kind_search;
    if (postgresql_) {
        kind_search = std::make_unique<PostgresqlSearch>(session_, workspace_id, words);
    } else if (words.two.empty() || words.longer.empty()) {
        kind_search = std::make_unique<SqliteOneIndexSearch>(session_, workspace_id, words);
    } else {
        kind_search = std::make_unique<SqliteIntersectionSearch>(session_, workspace_id, words);
    }

    const search_text::TitleMatcher matcher(words.all);
    std::vector<std::pair<SearchKind, Candidate>> ranked;
    for (const auto kind : kKinds) {
        const auto low = static_cast<Int>(kind) * kKindStride;
        auto candidates = kind_search->candidates(low, low + kKindStride - 1);
        results.total += static_cast<std::int64_t>(candidates.size());
        results.total_capped =
            results.total_capped || candidates.size() >= static_cast<std::size_t>(kSearchCountCap);
        for (auto& candidate : candidates) {
            candidate.tier = matcher.tier(candidate.title);
            ranked.emplace_back(kind, std::move(candidate));
        }
    }
    // Tier first, then kind (the candidates of a kind are newest first: a stable sort keeps that).
    std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
        return std::tie(a.second.tier, a.first) < std::tie(b.second.tier, b.first);
    });
    if (ranked.size() > static_cast<std::size_t>(std::max(limit, 0))) {
        ranked.resize(static_cast<std::size_t>(std::max(limit, 0)));
    }

    Int document_id = 0;
    std::string title;
    std::string body;
    Int at = 0;
    soci::statement document(session_);
    document.exchange(soci::into(title));
    document.exchange(soci::into(body));
    document.exchange(soci::into(at));
    document.exchange(soci::use(document_id, "id"));
    document.alloc();
    document.prepare(postgresql_ ? kPostgresqlDocument : kSqliteDocument);
    document.define_and_bind();
    for (const auto& [kind, candidate] : ranked) {
        document_id = candidate.id;
        if (!run_single(document)) continue;
        const auto names = lines_of(title);
        SearchHit hit{.kind = kind,
                      .entity_id = candidate.id - static_cast<Int>(kind) * kKindStride,
                      .title = std::string{names.front()},
                      .at = timestamp_from_db(at)};
        // The snippet shows the text the match is in: the body, or else the other names.
        if (matcher.any_in(body)) {
            hit.snippet = search_text::snippet(body, words.all, snippet_width);
        } else {
            std::string aliases;
            for (std::size_t i = 1; i < names.size(); ++i) {
                aliases += (i == 1 ? "" : ", ") + std::string{names[i]};
            }
            hit.snippet = search_text::snippet(aliases, words.all, snippet_width);
        }
        results.hits.push_back(std::move(hit));
    }
    return results;
}

}  // namespace inmaek::storage::sql
