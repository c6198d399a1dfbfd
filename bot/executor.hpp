#pragma once

#include <atomic>
#include <chrono>
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
    /// Background work that yields to requests (search indexing): a worker runs `task` when no
    /// job is waiting, at most every `interval` while it returns false (nothing more to do) and
    /// again at once while it returns true; while jobs keep coming, once `max_delay` after it
    /// became due, so it is never starved. One worker at a time; replaces any earlier one.
    void set_idle_task(std::function<bool()> task, std::chrono::milliseconds interval,
                       std::chrono::milliseconds max_delay);
    /// Finishes everything queued, then joins the workers.
    void stop();

private:
    struct Item {
        storage::Job job;  ///< empty for a plain task
        Completion done;
        std::function<void()> task;
    };
    void work();
    /// True when the idle task should run now (mutex_ held): due and no job waiting, or
    /// overdue by max_delay.
    [[nodiscard]] bool idle_task_due(std::chrono::steady_clock::time_point now) const;
    /// Runs the idle task with mutex_ released by `lock`, then schedules its next run.
    void run_idle_task(std::unique_lock<std::mutex>& lock);

    storage::Database& database_;
    std::size_t batch_max_;
    std::size_t queue_limit_;
    std::mutex mutex_;  // guards queue_ and stopping_
    std::condition_variable wake_;
    std::deque<Item> queue_;
    bool stopping_ = false;
    std::function<bool()> idle_task_;  // guarded by mutex_, as are the four below
    std::chrono::milliseconds idle_interval_{0};
    std::chrono::milliseconds idle_max_delay_{0};
    std::chrono::steady_clock::time_point idle_due_;
    bool idle_running_ = false;
    std::atomic<std::uint64_t> jobs_done_{0};  // for the group-commit statistics at stop
    std::atomic<std::uint64_t> batches_done_{0};
    std::vector<std::thread> workers_;
};

}  // namespace inmaek::bot
