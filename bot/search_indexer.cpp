#include "bot/search_indexer.hpp"

#include "storage/repositories.hpp"

namespace inmaek::bot {
namespace {

/// Indexes up to `batch` queued documents in one transaction; returns how many.
std::size_t index_batch(storage::Database& database, int batch) {
    return database.transact(
        [&](storage::UnitOfWork& work) { return work.search().index_pending(batch); });
}

}  // namespace

SearchIndexer::SearchIndexer(storage::Database& database, SearchIndexerOptions options)
    : database_(database), options_(options) {}

void SearchIndexer::schedule_on(Executor& executor) {
    if (database_.backend() != "sqlite3") return;
    // A failed batch leaves its documents queued: the next round (or a search) takes them.
    // Holds no pointer to this indexer: the executor may outlive it.
    executor.set_idle_task(
        [&database = database_, batch = options_.batch] {
            return index_batch(database, batch) >= static_cast<std::size_t>(batch);
        },
        options_.interval, options_.max_delay);
}

std::size_t SearchIndexer::run_once() {
    std::size_t total = 0;
    for (;;) {
        const auto indexed = index_batch(database_, options_.batch);
        total += indexed;
        if (indexed < static_cast<std::size_t>(options_.batch)) return total;
    }
}

}  // namespace inmaek::bot
