#pragma once

#include <chrono>
#include <cstddef>

#include "bot/executor.hpp"
#include "storage/database.hpp"

namespace inmaek::bot {

struct SearchIndexerOptions {
    /// How often the queue of written documents is looked at when it was found empty.
    std::chrono::milliseconds interval{200};
    /// How long indexing waits for a moment without requests before it takes one batch anyway.
    std::chrono::milliseconds max_delay{2000};
    /// Documents indexed per transaction: FTS5's cost is mostly per transaction, so the more the
    /// cheaper each, while one transaction holds SQLite's write lock for a few milliseconds.
    int batch = 512;
};

/// Keeps /find's SQLite index current off the write path: indexes the documents the writes
/// queued (SearchRepository::index_pending), a batch to a transaction. Scheduled on the
/// executor as its idle task, it runs only when no request is waiting for the database (or
/// when it has waited max_delay), so it neither contends with requests for SQLite's one write
/// connection nor takes their CPU. A search indexes whatever is still queued itself, so this
/// only keeps that work small. On PostgreSQL there is nothing to do.
class SearchIndexer {
public:
    SearchIndexer(storage::Database& database, SearchIndexerOptions options);

    /// Makes indexing the executor's idle task (SQLite only).
    void schedule_on(Executor& executor);
    /// Indexes everything queued on the calling thread; returns the documents indexed.
    std::size_t run_once();

private:
    storage::Database& database_;
    SearchIndexerOptions options_;
};

}  // namespace inmaek::bot
