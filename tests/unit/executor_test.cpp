// bot::Executor with several workers: every job runs and completes exactly once.
#include "bot/executor.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "storage/database.hpp"

namespace {

using inmaek::bot::Executor;
using inmaek::storage::Database;
using inmaek::storage::DatabaseOptions;
using inmaek::storage::UnitOfWork;

TEST(Executor, SeveralWorkersRunEveryJobOnceUnderConcurrentSubmitters) {
    const auto dir =
        std::filesystem::path(::testing::TempDir()) / ("executor-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    DatabaseOptions options;
    options.url = "sqlite3://db=" + (dir / "inmaek.db").string();
    options.pool_size = 4;
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

}  // namespace
