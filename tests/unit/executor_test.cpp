// bot::Executor with several workers: every job runs and completes exactly once; its idle task
// (search indexing) runs when no job waits, and is not starved by jobs that keep coming.
#include "bot/executor.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "storage/database.hpp"

namespace {

using inmaek::bot::Executor;
using inmaek::storage::Database;
using inmaek::storage::DatabaseOptions;
using inmaek::storage::UnitOfWork;

using namespace std::chrono_literals;

/// A migrated SQLite database in a directory of its own.
DatabaseOptions fresh_sqlite(const std::string& name, std::size_t pool_size) {
    const auto dir =
        std::filesystem::path(::testing::TempDir()) / (name + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    DatabaseOptions options;
    options.url = "sqlite3://db=" + (dir / "inmaek.db").string();
    options.pool_size = pool_size;
    return options;
}

/// Waits (bounded) until `done` holds.
template <typename Done>
bool eventually(Done done) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!done() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(2ms);
    return done();
}

TEST(Executor, SeveralWorkersRunEveryJobOnceUnderConcurrentSubmitters) {
    const auto options = fresh_sqlite("executor", 4);
    const auto dir = std::filesystem::path(options.url.substr(11)).parent_path();
    Database database(options);
    database.migrate();

    constexpr int kSubmitters = 4;
    constexpr int kJobsEach = 300;
    std::atomic<int> ran{0};
    std::atomic<int> completed{0};
    std::atomic<int> failed{0};
    {
        // Four workers and a batch limit well below the queue: workers race for the same
        // queue, which once let one of them read an empty queue after yielding.
        Executor executor(database, 4, 8);
        std::vector<std::thread> submitters;
        for (int s = 0; s < kSubmitters; ++s) {
            submitters.emplace_back([&] {
                for (int i = 0; i < kJobsEach; ++i) {
                    const bool queued = executor.submit([&](UnitOfWork&) { ++ran; },
                                                        [&](std::exception_ptr error) {
                                                            if (error) ++failed;
                                                            ++completed;
                                                        });
                    ASSERT_TRUE(queued);
                    if (i % 16 == 0) std::this_thread::yield();
                }
            });
        }
        for (auto& submitter : submitters) submitter.join();
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (completed < kSubmitters * kJobsEach && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    }
    EXPECT_EQ(completed, kSubmitters * kJobsEach);
    EXPECT_EQ(failed, 0);
    // A batch is replayed only when a job throws; none does here.
    EXPECT_EQ(ran, kSubmitters * kJobsEach);
    std::filesystem::remove_all(dir);
}

TEST(Executor, IdleTaskRunsWhileNoJobWaitsAndAgainAtOnceWhileItHasMore) {
    Database database(fresh_sqlite("executor-idle", 1));
    database.migrate();
    Executor executor(database, 1, 8);
    std::mutex mutex;
    std::vector<std::chrono::steady_clock::time_point> starts;
    // Three rounds with more to do, then nothing: the next round comes after the interval.
    executor.set_idle_task(
        [&] {
            const std::lock_guard lock{mutex};
            starts.push_back(std::chrono::steady_clock::now());
            return starts.size() <= 3;
        },
        20ms, 1h);
    const auto runs = [&] {
        const std::lock_guard lock{mutex};
        return starts.size();
    };
    ASSERT_TRUE(eventually([&] { return runs() >= 5; }));
    // Jobs queued behind a slow one: no round starts until the last has completed.
    std::atomic<int> waiting{20};
    const auto job = [](std::chrono::milliseconds pause) {
        return [pause](UnitOfWork&) { std::this_thread::sleep_for(pause); };
    };
    std::chrono::steady_clock::time_point last_done;
    const auto completion = [&](const std::exception_ptr&) {
        const std::lock_guard lock{mutex};
        if (--waiting == 0) last_done = std::chrono::steady_clock::now();
    };
    ASSERT_TRUE(executor.submit(job(100ms), completion));
    const auto first_queued = std::chrono::steady_clock::now();
    for (int i = 1; i < 20; ++i) ASSERT_TRUE(executor.submit(job(1ms), completion));
    ASSERT_TRUE(eventually([&] { return waiting == 0; }));
    const auto before = runs();
    ASSERT_TRUE(eventually([&] { return runs() > before; }));
    const std::lock_guard lock{mutex};
    for (const auto start : starts) EXPECT_FALSE(start > first_queued && start < last_done);
}

TEST(Executor, IdleTaskRunsWhenOverdueThoughJobsKeepComing) {
    Database database(fresh_sqlite("executor-overdue", 1));
    database.migrate();
    std::atomic<int> runs{0};
    std::atomic<bool> submitting{true};
    std::function<void()> next;  // outlives the executor, whose completions call it
    Executor executor(database, 1, 8);
    executor.set_idle_task(
        [&] {
            ++runs;
            return false;
        },
        5ms, 50ms);
    // A job always waits: each one's completion queues two more.
    next = [&] {
        if (!submitting) return;
        executor.submit([](UnitOfWork&) { std::this_thread::sleep_for(1ms); },
                        [&](const std::exception_ptr&) { next(); });
        executor.submit([](UnitOfWork&) {}, [](const std::exception_ptr&) {});
    };
    next();
    EXPECT_TRUE(eventually([&] { return runs >= 2; }));
    submitting = false;
    executor.stop();
}

}  // namespace
