#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bot/platforms/adapter.hpp"
#include "handlers/reply.hpp"
#include "storage/database.hpp"

namespace date {
class time_zone;
}

namespace inmaek::bot {

/// What a summary says: handlers::summarize in the server.
using SummaryWriter = std::function<handlers::Reply(
    storage::UnitOfWork& db, const storage::Workspace& workspace, handlers::Lang lang,
    const date::time_zone* zone, storage::Day first, storage::Day last, storage::Day today)>;

struct SchedulerOptions {
    std::chrono::milliseconds tick{15000};  ///< how often the schedule is looked at
    /// A summary queued within this of its time is on time; later it says it is late.
    std::chrono::minutes on_time{10};
    /// A summary missed by more than this (the server was down) is skipped and recorded.
    std::chrono::minutes late_window{360};
    int lookback_days = 7;       ///< missed runs older than this are not even recorded
    int reminder_time = 9 * 60;  ///< local minutes: when the day's follow-ups are reminded
    /// The scheduler's clock; empty: the system clock. Tests and demos give one that starts
    /// at a chosen instant.
    std::function<std::chrono::sys_seconds()> clock;
};

/// Summaries at their subscribers' local time and follow-up reminders on their due morning,
/// each queued in the outbox exactly once: a summary_runs row (a summary) or follow_ups'
/// reminded_on (a reminder) is claimed in the transaction that queues the message, so a
/// restart, a second replica or a clock jump never queues twice. Times are computed in the IANA
/// zone of the subscription or workspace, so 09:00 stays 09:00 across DST changes. A summary
/// longer than the platform's message goes out as several rows, in order (push_parts); a reminder
/// goes to its assignee directly where the platform allows (reminder_target).
class Scheduler {
public:
    /// `adapters` render pushes by platform name; `deliverable` says which platforms have an
    /// outbound client (a push to another would only be dead-lettered); `queued` is called after
    /// a commit that queued messages (to wake the outbox sender).
    Scheduler(storage::Database& database, std::vector<const platforms::Adapter*> adapters,
              std::vector<std::string> deliverable, SummaryWriter writer, SchedulerOptions options,
              std::function<void()> queued = {});
    ~Scheduler();
    Scheduler(const Scheduler&) = delete;
    Scheduler& operator=(const Scheduler&) = delete;

    void start();
    void stop();
    /// One look at the schedule at `now`; returns the messages queued.
    int run_once(std::chrono::sys_seconds now);
    /// The scheduler's clock.
    [[nodiscard]] std::chrono::sys_seconds now() const;

private:
    int run_summaries(std::chrono::sys_seconds now,
                      const std::vector<storage::SummarySubscription>& subscriptions,
                      const std::vector<storage::Workspace>& workspaces);
    int run_reminders(std::chrono::sys_seconds now,
                      const std::vector<storage::Workspace>& workspaces);
    /// Where a follow-up's reminder goes: its assignee's direct messages where the platform
    /// allows (bot/platforms/adapter.hpp, direct_chat), else the chat it came from; nullopt when
    /// neither can be pushed to.
    struct ReminderTarget {
        const platforms::Adapter* adapter;
        std::string platform;
        std::string destination;
    };
    [[nodiscard]] std::optional<ReminderTarget> reminder_target(
        storage::UnitOfWork& work, const storage::Workspace& workspace,
        const storage::FollowUp& follow_up, const std::optional<storage::User>& assignee) const;
    /// The adapter of `platform` when its pushes can be delivered, else nullptr.
    [[nodiscard]] const platforms::Adapter* pusher(std::string_view platform) const;

    storage::Database& database_;
    std::vector<const platforms::Adapter*> adapters_;
    std::vector<std::string> deliverable_;
    SummaryWriter writer_;
    SchedulerOptions options_;
    std::function<void()> queued_;
    /// Per subscription, the last local date whose run is settled here (saves a query a tick).
    std::map<storage::Id, storage::Day> settled_;
    /// Per workspace, the last local date whose reminders were claimed here.
    std::map<storage::Id, storage::Day> reminded_;

    std::mutex mutex_;
    std::condition_variable wake_;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

}  // namespace inmaek::bot
