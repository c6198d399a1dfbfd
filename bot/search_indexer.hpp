#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <thread>

#include "storage/database.hpp"

namespace inmaek::bot {

struct SearchIndexerOptions {
    /// How often the queue of written documents is looked at.
    std::chrono::milliseconds interval{200};
    /// Documents indexed per transaction: FTS5's cost is mostly per transaction, so the more the
    /// cheaper each, while one transaction holds SQLite's write lock for a few milliseconds.
    int batch = 512;
};

/// Keeps /find's SQLite index current off the write path: every interval, indexes the documents
/// the writes since the last round queued (SearchRepository::index_pending), a batch to a
/// transaction until none is left. A search indexes whatever is still queued itself, so this
/// only keeps that work small. On PostgreSQL there is nothing to do and start() does nothing.
class SearchIndexer {
public:
    SearchIndexer(storage::Database& database, SearchIndexerOptions options);
    ~SearchIndexer();
    SearchIndexer(const SearchIndexer&) = delete;
    SearchIndexer& operator=(const SearchIndexer&) = delete;

    /// Starts the indexing thread (SQLite only).
    void start();
    /// Finishes the batch in progress and stops; idempotent.
    void stop();
    /// Indexes everything queued on the calling thread; returns the documents indexed.
    std::size_t run_once();

private:
    void loop();

    storage::Database& database_;
    SearchIndexerOptions options_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;  // guarded by mutex_
    std::thread thread_;
};

}  // namespace inmaek::bot
