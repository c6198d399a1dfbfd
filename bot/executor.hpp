#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "storage/database.hpp"

namespace inmaek::bot {

/// The worker pool that owns all database work, so io threads never wait on SOCI.
///
/// Jobs queued while a worker is busy are committed together in one transaction (group
/// commit), each under its own savepoint; every job's completion runs only after that commit,
/// so nothing is acknowledged before it is durable.
class Executor {
public:
    /// Called on a worker thread once the job's transaction committed (nullptr) or failed.
    using Completion = std::function<void(std::exception_ptr)>;

    Executor(storage::Database& database, std::size_t workers, std::size_t batch_max,
             std::size_t queue_limit = 10000);
    ~Executor();
    Executor(const Executor&) = delete;
    Executor& operator=(const Executor&) = delete;

    /// Queues a transactional job; false (and no call of done) when the queue is full.
    bool submit(storage::Job job, Completion done);
    /// Queues work that runs on a worker outside any transaction (health checks).
    bool post(std::function<void()> task);
    /// Finishes everything queued, then joins the workers.
    void stop();

private:
    struct Item {
        storage::Job job;  ///< empty for a plain task
        Completion done;
        std::function<void()> task;
    };
    void work();

    storage::Database& database_;
    std::size_t batch_max_;
    std::size_t queue_limit_;
    std::mutex mutex_;  // guards queue_ and stopping_
    std::condition_variable wake_;
    std::deque<Item> queue_;
    bool stopping_ = false;
    std::atomic<std::uint64_t> jobs_done_{0};  // for the group-commit statistics at stop
    std::atomic<std::uint64_t> batches_done_{0};
    std::vector<std::thread> workers_;
};

}  // namespace inmaek::bot
