#include "bot/scheduler.hpp"

#include <date/tz.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "handlers/schedule.hpp"

namespace inmaek::bot {

namespace {

using std::chrono::days;
using std::chrono::minutes;
using std::chrono::sys_seconds;

sys_seconds system_now() {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

const date::time_zone* zone_named(const std::string& name) {
    try {
        return date::locate_zone(name);
    } catch (const std::exception&) {
        spdlog::warn("scheduler: unknown time zone '{}', using Asia/Seoul", name);
        return date::locate_zone("Asia/Seoul");
    }
}

/// The instant of a local date and time in a zone. A time the clocks skip (a spring-forward
/// gap) is the moment the gap ends; a time they pass twice is its first occurrence.
sys_seconds instant(const date::time_zone* zone, date::local_days day, int local_minutes) {
    const date::local_seconds local = day + minutes{local_minutes};
    return zone->to_sys(local, date::choose::earliest);
}

storage::Day as_day(date::local_days day) {
    return storage::Day{day.time_since_epoch()};
}

/// ISO weekday, 1 = Monday … 7 = Sunday.
int iso_weekday(date::local_days day) {
    return static_cast<int>(date::weekday{day}.iso_encoding());
}

storage::OutboxMessage outbox_row(const storage::Workspace& workspace, const platforms::Push& push,
                                  std::string platform, std::string kind, std::string dedupe_key) {
    storage::OutboxMessage row;
    row.workspace_id = workspace.id;
    row.platform = std::move(platform);
    row.destination = push.destination;
    row.kind = std::move(kind);
    row.dedupe_key = std::move(dedupe_key);
    row.payload = push.payload;
    // The outbox runs on the real clock, whatever clock the scheduler is given.
    row.created_at = system_now();
    row.next_attempt_at = row.created_at;
    return row;
}

/// Queues the parts of one message in order, exactly once each: the first under `key`, the
/// next ones under "<key>:2", "<key>:3" … (the outbox sends a chat's rows in order).
void enqueue_parts(storage::UnitOfWork& work, const storage::Workspace& workspace,
                   const std::vector<platforms::Push>& parts, const std::string& platform,
                   const std::string& kind, const std::string& key) {
    for (std::size_t i = 0; i < parts.size(); ++i) {
        work.outbox().enqueue(outbox_row(workspace, parts[i], platform, kind,
                                         i == 0 ? key : key + ":" + std::to_string(i + 1)));
    }
}

}  // namespace

Scheduler::Scheduler(storage::Database& database, std::vector<const platforms::Adapter*> adapters,
                     std::vector<std::string> deliverable, SummaryWriter writer,
                     SchedulerOptions options, std::function<void()> queued)
    : database_(database),
      adapters_(std::move(adapters)),
      deliverable_(std::move(deliverable)),
      writer_(std::move(writer)),
      options_(std::move(options)),
      queued_(std::move(queued)) {}

Scheduler::~Scheduler() {
    stop();
}

sys_seconds Scheduler::now() const {
    return options_.clock ? options_.clock() : system_now();
}

void Scheduler::start() {
    if (thread_.joinable()) return;
    stopping_ = false;
    thread_ = std::thread([this] {
        while (!stopping_) {
            try {
                if (run_once(now()) > 0 && queued_) queued_();
            } catch (const std::exception& error) {
                spdlog::warn("scheduler: {}", error.what());
            }
            std::unique_lock lock{mutex_};
            wake_.wait_for(lock, options_.tick, [this] { return stopping_.load(); });
        }
    });
}

void Scheduler::stop() {
    {
        const std::lock_guard lock{mutex_};
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

const platforms::Adapter* Scheduler::pusher(std::string_view platform) const {
    if (std::find(deliverable_.begin(), deliverable_.end(), platform) == deliverable_.end()) {
        return nullptr;
    }
    const auto adapter = std::find_if(adapters_.begin(), adapters_.end(),
                                      [&](const auto* a) { return a->name() == platform; });
    return adapter == adapters_.end() ? nullptr : *adapter;
}

int Scheduler::run_once(sys_seconds now) {
    const auto [subscriptions, workspaces] = database_.transact([](storage::UnitOfWork& work) {
        return std::pair{work.schedules().subscriptions(std::nullopt), work.workspaces().list()};
    });
    return run_summaries(now, subscriptions, workspaces) + run_reminders(now, workspaces);
}

int Scheduler::run_summaries(sys_seconds now,
                             const std::vector<storage::SummarySubscription>& subscriptions,
                             const std::vector<storage::Workspace>& workspaces) {
    int queued = 0;
    for (const auto& subscription : subscriptions) {
        const auto workspace =
            std::find_if(workspaces.begin(), workspaces.end(),
                         [&](const auto& w) { return w.id == subscription.workspace_id; });
        if (workspace == workspaces.end()) continue;
        const auto* zone = zone_named(subscription.time_zone.empty() ? workspace->time_zone
                                                                     : subscription.time_zone);
        const auto today = date::floor<days>(zone->to_local(now));
        const auto settled = settled_.find(subscription.id);
        for (auto day = today - days{options_.lookback_days}; day <= today; day += days{1}) {
            if (settled != settled_.end() && as_day(day) <= settled->second) continue;
            if (subscription.kind == "weekly" && iso_weekday(day) != subscription.weekday) {
                continue;
            }
            const auto due = instant(zone, day, subscription.local_time);
            if (due > now) break;  // later days are later still
            const auto local_date = as_day(day);
            if (due < subscription.created_at) {  // before the chat subscribed
                settled_[subscription.id] = local_date;
                continue;
            }
            const auto late_by = now - due;
            storage::SummaryRun run{subscription.id, local_date, "sent", "", system_now()};
            const auto* adapter = pusher(subscription.platform);
            if (late_by > options_.late_window) {
                run.status = "skipped";
                run.note = "missed by " +
                           std::to_string(std::chrono::duration_cast<minutes>(late_by).count()) +
                           " minutes";
            } else if (adapter == nullptr) {
                run.status = "skipped";
                run.note = "no way to push to " + subscription.platform + " is configured";
            } else if (late_by > options_.on_time) {
                run.status = "late";
            }
            try {
                const bool sent = database_.transact([&](storage::UnitOfWork& work) {
                    if (!work.schedules().claim_run(run)) return false;  // settled elsewhere
                    if (run.status == "skipped") return false;
                    const auto lang = handlers::workspace_lang(*workspace);
                    const auto last = local_date - days{1};
                    const auto first = subscription.kind == "weekly" ? local_date - days{7} : last;
                    auto summary = writer_(work, *workspace, lang, zone, first, last, local_date);
                    if (run.status == "late") {
                        handlers::mark_late(
                            summary, handlers::format_local_time(subscription.local_time), lang);
                    }
                    const auto parts =
                        platforms::push_parts(*adapter, subscription.platform_chat_id, summary);
                    if (parts.empty()) return false;
                    enqueue_parts(work, *workspace, parts, subscription.platform, "summary",
                                  "summary:" + std::to_string(subscription.id) + ":" +
                                      date::format("%F", local_date));
                    return true;
                });
                settled_[subscription.id] = local_date;
                if (sent) {
                    ++queued;
                    spdlog::info("scheduler: {} summary #{} for {} {} queued{}", subscription.kind,
                                 subscription.id, subscription.platform,
                                 subscription.platform_chat_id,
                                 run.status == "late" ? " (late)" : "");
                } else if (run.status == "skipped") {
                    spdlog::warn("scheduler: summary #{} of {} skipped: {}", subscription.id,
                                 date::format("%F", local_date), run.note);
                }
            } catch (const std::exception& error) {
                spdlog::warn("scheduler: summary #{} of {}: {}", subscription.id,
                             date::format("%F", local_date), error.what());
                break;  // the next tick tries again
            }
        }
    }
    return queued;
}

std::optional<Scheduler::ReminderTarget> Scheduler::reminder_target(
    storage::UnitOfWork& work, const storage::Workspace& workspace,
    const storage::FollowUp& follow_up, const std::optional<storage::User>& assignee) const {
    if (assignee) {
        if (const auto* adapter = pusher(assignee->platform)) {
            // Telegram's private chat has the user's id; bound here, they have talked to the bot.
            const auto own_chat =
                work.workspaces().workspace_of_chat(assignee->platform, assignee->platform_user_id);
            const bool known = own_chat && own_chat->id == workspace.id;
            if (auto direct = adapter->direct_chat(assignee->platform_user_id, known)) {
                return ReminderTarget{adapter, assignee->platform, std::move(*direct)};
            }
        }
    }
    const auto* adapter = pusher(follow_up.origin_platform);
    if (adapter == nullptr || follow_up.origin_chat.empty()) return std::nullopt;
    return ReminderTarget{adapter, follow_up.origin_platform, follow_up.origin_chat};
}

int Scheduler::run_reminders(sys_seconds now, const std::vector<storage::Workspace>& workspaces) {
    constexpr int kBatch = 50;
    int queued = 0;
    for (const auto& workspace : workspaces) {
        const auto* zone = zone_named(workspace.time_zone);
        const auto today = date::floor<days>(zone->to_local(now));
        const auto local_date = as_day(today);
        const auto due = instant(zone, today, options_.reminder_time);
        if (now < due || now - due > options_.late_window) continue;
        if (const auto done = reminded_.find(workspace.id);
            done != reminded_.end() && done->second >= local_date) {
            continue;
        }
        try {
            for (;;) {
                const auto [claimed, pushed] = database_.transact([&](storage::UnitOfWork& work) {
                    const auto lang = handlers::workspace_lang(workspace);
                    auto follow_ups =
                        work.follow_ups().claim_reminders(workspace.id, local_date, kBatch);
                    int count = 0;
                    for (const auto& follow_up : follow_ups) {
                        std::optional<storage::User> assignee;
                        if (follow_up.assignee_id) {
                            assignee =
                                work.workspaces().get_user(workspace.id, *follow_up.assignee_id);
                        }
                        const auto target = reminder_target(work, workspace, follow_up, assignee);
                        if (!target) {
                            spdlog::info("scheduler: follow-up #{} has no chat to be reminded in",
                                         follow_up.id);
                            continue;
                        }
                        const auto parts =
                            platforms::push_parts(*target->adapter, target->destination,
                                                  handlers::reminder(follow_up, assignee, lang));
                        if (parts.empty()) continue;
                        enqueue_parts(work, workspace, parts, target->platform, "reminder",
                                      "reminder:" + std::to_string(follow_up.id) + ":" +
                                          date::format("%F", local_date));
                        ++count;
                    }
                    return std::pair{follow_ups.size(), count};
                });
                queued += pushed;
                if (claimed < static_cast<std::size_t>(kBatch)) break;
            }
            reminded_[workspace.id] = local_date;
        } catch (const std::exception& error) {
            spdlog::warn("scheduler: reminders of workspace #{}: {}", workspace.id, error.what());
        }
    }
    return queued;
}

}  // namespace inmaek::bot
