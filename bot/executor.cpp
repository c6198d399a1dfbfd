#include "bot/executor.hpp"

#include <spdlog/spdlog.h>

namespace inmaek::bot {

Executor::Executor(storage::Database& database, std::size_t workers, std::size_t batch_max,
                   std::size_t queue_limit)
    : database_(database),
      batch_max_(std::max<std::size_t>(1, batch_max)),
      queue_limit_(queue_limit) {
    workers_.reserve(workers);
    for (std::size_t i = 0; i < std::max<std::size_t>(1, workers); ++i) {
        workers_.emplace_back([this] { work(); });
    }
}

Executor::~Executor() {
    stop();
}

bool Executor::submit(storage::Job job, Completion done) {
    {
        std::lock_guard lock{mutex_};
        if (stopping_ || queue_.size() >= queue_limit_) return false;
        queue_.push_back({std::move(job), std::move(done), {}});
    }
    wake_.notify_one();
    return true;
}

bool Executor::post(std::function<void()> task) {
    {
        std::lock_guard lock{mutex_};
        if (stopping_ || queue_.size() >= queue_limit_) return false;
        queue_.push_back({{}, {}, std::move(task)});
    }
    wake_.notify_one();
    return true;
}

void Executor::set_idle_task(std::function<bool()> task, std::chrono::milliseconds interval,
                             std::chrono::milliseconds max_delay) {
    {
        std::lock_guard lock{mutex_};
        idle_task_ = std::move(task);
        idle_interval_ = interval;
        idle_max_delay_ = max_delay;
        idle_due_ = std::chrono::steady_clock::now() + interval;
    }
    wake_.notify_all();
}

bool Executor::idle_task_due(std::chrono::steady_clock::time_point now) const {
    if (!idle_task_ || idle_running_ || stopping_ || now < idle_due_) return false;
    return queue_.empty() || now >= idle_due_ + idle_max_delay_;
}

void Executor::run_idle_task(std::unique_lock<std::mutex>& lock) {
    idle_running_ = true;
    auto task = idle_task_;
    lock.unlock();
    bool more = false;
    try {
        more = task();
    } catch (const std::exception& e) {
        spdlog::warn("idle task failed: {}", e.what());
    }
    lock.lock();
    idle_running_ = false;
    idle_due_ =
        std::chrono::steady_clock::now() + (more ? std::chrono::milliseconds{0} : idle_interval_);
}

void Executor::stop() {
    {
        std::lock_guard lock{mutex_};
        if (stopping_ && workers_.empty()) return;
        stopping_ = true;
    }
    wake_.notify_all();
    for (auto& worker : workers_) {
        if (worker.joinable()) worker.join();
    }
    workers_.clear();
    if (const auto batches = batches_done_.load(); batches > 0) {
        spdlog::info("executor: {} commands in {} commits ({:.1f} per commit)", jobs_done_.load(),
                     batches,
                     static_cast<double>(jobs_done_.load()) / static_cast<double>(batches));
    }
}

void Executor::work() {
    std::vector<storage::Job> jobs;
    std::vector<Completion> completions;
    std::vector<std::exception_ptr> failures;
    for (;;) {
        std::function<void()> task;
        jobs.clear();
        completions.clear();
        {
            std::unique_lock lock{mutex_};
            for (;;) {
                const auto now = std::chrono::steady_clock::now();
                if (idle_task_due(now)) {
                    run_idle_task(lock);
                } else if (stopping_ || !queue_.empty()) {
                    break;
                } else if (idle_task_ && !idle_running_) {
                    wake_.wait_until(lock, idle_due_);
                } else {
                    wake_.wait(lock);
                }
            }
            if (queue_.empty()) return;  // stopping and drained
            if (queue_.size() < batch_max_ && !stopping_) {
                // Give the io threads one turn to queue the requests already waiting on their
                // sockets, so they share this commit instead of each paying for their own.
                lock.unlock();
                std::this_thread::yield();
                lock.lock();
                // Another worker may have taken everything meanwhile.
                if (queue_.empty()) continue;
            }
            if (queue_.front().task) {
                task = std::move(queue_.front().task);
                queue_.pop_front();
            } else {
                // Take every transactional job waiting right now, up to batch_max_.
                while (!queue_.empty() && !queue_.front().task && jobs.size() < batch_max_) {
                    jobs.push_back(std::move(queue_.front().job));
                    completions.push_back(std::move(queue_.front().done));
                    queue_.pop_front();
                }
            }
        }
        if (task) {
            try {
                task();
            } catch (const std::exception& e) {
                spdlog::error("worker task failed: {}", e.what());
            }
            continue;
        }
        failures.assign(jobs.size(), nullptr);
        jobs_done_ += jobs.size();
        ++batches_done_;
        try {
            database_.transact_batch(jobs, failures);
        } catch (...) {
            // The transaction as a whole failed: nothing of this batch was stored.
            const auto error = std::current_exception();
            for (auto& failure : failures) failure = error;
        }
        for (std::size_t i = 0; i < completions.size(); ++i) {
            try {
                completions[i](failures[i]);
            } catch (const std::exception& e) {
                spdlog::error("job completion failed: {}", e.what());
            }
        }
    }
}

}  // namespace inmaek::bot
