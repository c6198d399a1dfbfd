#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bot/http_client.hpp"
#include "bot/outbound/platform_client.hpp"
#include "bot/outbound/rate_limiter.hpp"
#include "storage/database.hpp"

namespace inmaek::bot::outbound {

struct OutboxSenderOptions {
    std::string sender_id = "inmaek";  ///< claimed_by: which replica holds a row
    int batch = 32;                    ///< rows claimed at once
    /// How often rows of other replicas and retries coming due are looked for; an idle sender
    /// looks less often, down to one look every 10 intervals.
    std::chrono::milliseconds poll_interval{1000};
    std::chrono::seconds lease{60};           ///< a claim's life; another replica resends after it
    int max_attempts = 8;                     ///< then the row is dead-lettered with its last error
    std::chrono::seconds backoff_initial{2};  ///< doubles per attempt, with jitter
    std::chrono::seconds backoff_max{3600};
    /// A message held back by a rate limit longer than this goes back to the table until then.
    std::chrono::milliseconds max_rate_wait{2000};
};

/// The outbox rows of kind "file": what they carry is made when they are sent.
inline constexpr std::string_view kFileKind = "file";

/// How the sender makes the file of a "file" row, and what it queues when one is given up.
struct FileRows {
    /// Sends `row` with its file: makes the file, calls `send` with it and removes it after,
    /// returning send's delivery, or why no file could be made (refuse: it never will be;
    /// retry: not now). Exceptions count as retry.
    std::function<Delivery(const storage::OutboxMessage& row,
                           const std::function<Delivery(const FileToSend&)>& send)>
        make;
    /// A row to queue in the place of a "file" row that died (refused, or out of attempts), so
    /// the reader still gets something (the download link); nullopt for nothing.
    std::function<std::optional<storage::OutboxMessage>(const storage::OutboxMessage& row)>
        fallback;
};

/// Delivers the outbox: claims due rows (FOR UPDATE SKIP LOCKED on PostgreSQL, so replicas never
/// share one), sends them through the platform's client within its rate limits, and records
/// each outcome: sent, retry later with exponential backoff and jitter (or when a 429 said), or
/// dead after max_attempts or a refusal. Rows of kind "file" are uploaded on a thread of their
/// own with a file made just then (FileRows), in the same order and limits as the rest.
///
/// Delivery is at least once: a message is sent again only if this process dies between the
/// platform's answer and the commit that records it (its lease then runs out). stop() finishes
/// the sends in flight and records them, and gives unsent claims back at once, so a restart
/// loses and duplicates nothing.
class OutboxSender {
public:
    OutboxSender(storage::Database& database, HttpClient& http,
                 std::vector<std::unique_ptr<PlatformClient>> clients, OutboxSenderOptions options);
    ~OutboxSender();
    OutboxSender(const OutboxSender&) = delete;
    OutboxSender& operator=(const OutboxSender&) = delete;

    /// How "file" rows are made and replaced when they die; before start(). Without it they
    /// are refused.
    void handle_files(FileRows files) { files_ = std::move(files); }
    /// Starts the sending thread.
    void start();
    /// Finishes the round in progress and stops; idempotent.
    void stop();
    /// New rows were committed: look now instead of at the next poll.
    void notify();
    /// One round on the calling thread: claim, send, record. Returns the rows claimed.
    std::size_t run_once();
    /// The platforms this sender can deliver to (those it has a client for).
    [[nodiscard]] std::vector<std::string> platforms() const;

private:
    struct Attempt;
    void loop();
    void record(std::vector<Attempt>& attempts);
    /// Sends a "file" row: makes its file and uploads it (blocking).
    Delivery upload(const Attempt& attempt);
    [[nodiscard]] std::chrono::seconds backoff(int attempt);
    [[nodiscard]] bool stopping() const { return stopping_.load(); }
    /// Sleeps until `deadline`, a notify() or stop(); false when stopping.
    bool wait_until(std::chrono::steady_clock::time_point deadline);

    storage::Database& database_;
    HttpClient& http_;
    std::vector<std::unique_ptr<PlatformClient>> clients_;
    OutboxSenderOptions options_;
    FileRows files_;
    RateLimiter limiter_;
    std::mt19937 random_;

    std::mutex mutex_;
    std::condition_variable wake_;
    bool notified_ = false;  // guarded by mutex_
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

}  // namespace inmaek::bot::outbound
