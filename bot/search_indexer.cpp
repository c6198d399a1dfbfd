#include "bot/search_indexer.hpp"

#include <spdlog/spdlog.h>

#include <exception>

#include "storage/repositories.hpp"

namespace inmaek::bot {

SearchIndexer::SearchIndexer(storage::Database& database, SearchIndexerOptions options)
    : database_(database), options_(options) {}

SearchIndexer::~SearchIndexer() {
    stop();
}

void SearchIndexer::start() {
    if (thread_.joinable() || database_.backend() != "sqlite3") return;
    {
        const std::lock_guard lock{mutex_};
        stopping_ = false;
    }
    thread_ = std::thread([this] { loop(); });
}

void SearchIndexer::stop() {
    {
        const std::lock_guard lock{mutex_};
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

std::size_t SearchIndexer::run_once() {
    const auto batch = static_cast<std::size_t>(options_.batch);
    std::size_t total = 0;
    for (;;) {
        const auto indexed = database_.transact(
            [&](storage::UnitOfWork& work) { return work.search().index_pending(options_.batch); });
        total += indexed;
        if (indexed < batch) return total;
    }
}

void SearchIndexer::loop() {
    for (;;) {
        {
            std::unique_lock lock{mutex_};
            if (wake_.wait_for(lock, options_.interval, [this] { return stopping_; })) return;
        }
        try {
            run_once();
        } catch (const std::exception& error) {
            // The queue keeps what was not indexed; the next round (or a search) takes it.
            spdlog::warn("search indexer: {}", error.what());
        }
    }
}

}  // namespace inmaek::bot
