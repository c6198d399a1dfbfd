#include "bot/outbound/outbox_sender.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <optional>
#include <system_error>
#include <thread>

namespace inmaek::bot::outbound {

namespace {

using std::chrono::seconds;
using SteadyClock = std::chrono::steady_clock;

storage::Timestamp now_utc() {
    return std::chrono::floor<seconds>(std::chrono::system_clock::now());
}

}  // namespace

/// One claimed row on its way.
struct OutboxSender::Attempt {
    storage::OutboxMessage message;
    const PlatformClient* client = nullptr;
    std::optional<ClientRequest> request;  // emplaced: ClientRequest's assignment may throw
    SteadyClock::time_point at;
    /// The platform's answer (or a refusal made here); empty while unsent.
    std::optional<Delivery> delivery;
    /// Given back unsent (a rate limit, or stopping), due again then.
    std::optional<storage::Timestamp> release_until;
    /// A "file" row: uploaded by upload() instead of sending `request`.
    bool file = false;
};

OutboxSender::OutboxSender(storage::Database& database, HttpClient& http,
                           std::vector<std::unique_ptr<PlatformClient>> clients,
                           OutboxSenderOptions options)
    : database_(database),
      http_(http),
      clients_(std::move(clients)),
      options_(std::move(options)),
      random_(std::random_device{}()) {}

OutboxSender::~OutboxSender() {
    stop();
}

std::vector<std::string> OutboxSender::platforms() const {
    std::vector<std::string> names;
    for (const auto& client : clients_) names.emplace_back(client->platform());
    return names;
}

void OutboxSender::start() {
    if (thread_.joinable()) return;
    stopping_ = false;
    thread_ = std::thread([this] { loop(); });
}

void OutboxSender::stop() {
    {
        const std::lock_guard lock{mutex_};
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void OutboxSender::notify() {
    {
        const std::lock_guard lock{mutex_};
        notified_ = true;
    }
    wake_.notify_all();
}

bool OutboxSender::wait_until(SteadyClock::time_point deadline) {
    std::unique_lock lock{mutex_};
    wake_.wait_until(lock, deadline, [this] { return stopping(); });
    return !stopping();
}

void OutboxSender::loop() {
    bool database_down = false;
    // An idle sender looks less and less often (up to 10 poll intervals): each look is a write
    // transaction, and on SQLite it takes the pool's one session from the webhooks. A notify()
    // or a round that found work brings it back to the poll interval.
    int idle_rounds = 0;
    while (!stopping()) {
        std::size_t claimed = 0;
        try {
            claimed = run_once();
            if (database_down) spdlog::info("outbox: the database is back");
            database_down = false;
        } catch (const std::exception& error) {
            // Said once per outage, not once per poll.
            if (!database_down) spdlog::warn("outbox: cannot claim messages: {}", error.what());
            database_down = true;
        }
        if (claimed >= static_cast<std::size_t>(options_.batch)) continue;  // more may be due
        idle_rounds = claimed > 0 ? 0 : std::min(idle_rounds + 1, 4);
        const auto wait =
            std::min(options_.poll_interval * (1 << idle_rounds), options_.poll_interval * 10);
        std::unique_lock lock{mutex_};
        if (wake_.wait_for(lock, wait, [this] { return notified_ || stopping(); })) idle_rounds = 0;
        notified_ = false;
    }
}

std::size_t OutboxSender::run_once() {
    const auto now = now_utc();
    auto claimed = database_.transact([&](storage::UnitOfWork& work) {
        return work.outbox().claim(now, now + options_.lease, options_.sender_id, options_.batch);
    });
    if (claimed.empty()) return 0;

    const auto steady_now = SteadyClock::now();
    std::vector<Attempt> attempts(claimed.size());
    std::vector<Attempt*> to_send;
    for (std::size_t i = 0; i < claimed.size(); ++i) {
        auto& attempt = attempts[i];
        attempt.message = std::move(claimed[i]);
        const auto& message = attempt.message;
        const auto client = std::find_if(clients_.begin(), clients_.end(), [&](const auto& c) {
            return c->platform() == message.platform;
        });
        if (client == clients_.end()) {
            attempt.delivery =
                Delivery{Delivery::Outcome::retry, std::nullopt,
                         "no client for platform " + message.platform + " is configured"};
            continue;
        }
        attempt.client = client->get();
        attempt.file = message.kind == kFileKind;
        if (!attempt.file) {
            auto request = attempt.client->request(message);
            if (!request) {
                attempt.delivery =
                    Delivery{Delivery::Outcome::refuse, std::nullopt, request.error()};
                continue;
            }
            attempt.request.emplace(std::move(*request));
        }
        attempt.at = limiter_.reserve(message.platform, message.destination,
                                      attempt.client->limits(), steady_now, options_.max_rate_wait);
        if (attempt.at > steady_now + options_.max_rate_wait) {
            attempt.release_until = now + std::chrono::ceil<seconds>(attempt.at - steady_now);
            continue;
        }
        to_send.push_back(&attempt);
    }
    std::stable_sort(to_send.begin(), to_send.end(),
                     [](const Attempt* a, const Attempt* b) { return a->at < b->at; });

    // Sends overlap (each destination is spaced by the limiter anyway); the round ends when
    // every answer is in. The HTTP client's request timeout bounds the wait.
    std::mutex answers_mutex;
    std::condition_variable answered;
    std::size_t in_flight = 0;
    // A chat's messages arrive in order: each waits for the answer to the one before it in this
    // round, and goes back to the table when that one was not delivered (the claim then holds
    // it until the earlier one is).
    std::map<std::pair<std::string, std::string>, const Attempt*> previous;
    std::vector<std::thread> uploads;
    const auto delivered = [&](const Attempt* earlier) {
        std::unique_lock lock{answers_mutex};
        answered.wait(lock, [&] { return earlier->delivery || earlier->release_until; });
        return earlier->delivery && earlier->delivery->outcome != Delivery::Outcome::retry;
    };
    for (auto* attempt : to_send) {
        if (!wait_until(attempt->at)) {
            attempt->release_until = now;  // stopping: give it back for the next process
            continue;
        }
        auto& before = previous[{attempt->message.platform, attempt->message.destination}];
        if (before != nullptr && !delivered(before)) {
            attempt->release_until = now;
            continue;
        }
        before = attempt;
        {
            const std::lock_guard lock{answers_mutex};
            ++in_flight;
        }
        const auto answer = [&, attempt](Delivery delivery) {
            const std::lock_guard lock{answers_mutex};
            attempt->delivery = std::move(delivery);
            --in_flight;
            answered.notify_all();
        };
        if (attempt->file) {
            // An upload takes several blocking requests and a database read: a thread of its
            // own, so the round's other sends go on meanwhile.
            try {
                uploads.emplace_back([this, attempt, answer] { answer(upload(*attempt)); });
            } catch (const std::system_error& error) {
                answer(Delivery{Delivery::Outcome::retry, std::nullopt,
                                std::string{"cannot start an upload: "} + error.what()});
            }
            continue;
        }
        http_.async_send(std::move(*attempt->request), [answer, attempt](const HttpResult& result) {
            answer(attempt->client->interpret(attempt->message, result));
        });
    }
    {
        std::unique_lock lock{answers_mutex};
        answered.wait(lock, [&] { return in_flight == 0; });
    }
    for (auto& thread : uploads) thread.join();
    record(attempts);
    return attempts.size();
}

Delivery OutboxSender::upload(const Attempt& attempt) {
    if (!files_.make) {
        return Delivery{Delivery::Outcome::refuse, std::nullopt, "this sender makes no files"};
    }
    try {
        return files_.make(attempt.message, [&](const FileToSend& file) {
            return attempt.client->send_file(attempt.message, file, http_);
        });
    } catch (const std::exception& error) {
        return Delivery{Delivery::Outcome::retry, std::nullopt,
                        std::string{"cannot make the file: "} + error.what()};
    }
}

std::chrono::seconds OutboxSender::backoff(int attempt) {
    auto delay = options_.backoff_initial;
    for (int i = 1; i < attempt && delay < options_.backoff_max; ++i) delay *= 2;
    delay = std::min(delay, options_.backoff_max);
    // Equal jitter: half fixed, half random, so retries of many rows spread out.
    const auto half = delay.count() / 2;
    std::uniform_int_distribution<seconds::rep> spread(0, std::max<seconds::rep>(half, 0));
    return std::max(seconds{1}, seconds{delay.count() - half + spread(random_)});
}

void OutboxSender::record(std::vector<Attempt>& attempts) {
    const auto now = now_utc();
    struct Action {
        enum class Kind { sent, retry, release, dead } kind;
        storage::Id id;
        storage::Timestamp at;
        std::string error;
        std::optional<storage::OutboxMessage> instead;  // queued in place of a dead file row
    };
    std::vector<Action> actions;
    const auto dead = [&](const storage::OutboxMessage& message, std::string error) {
        Action action{Action::Kind::dead, message.id, now, std::move(error), std::nullopt};
        if (message.kind == kFileKind && files_.fallback) {
            try {
                action.instead = files_.fallback(message);
            } catch (const std::exception& e) {
                spdlog::error("outbox #{}: no fallback for the file: {}", message.id, e.what());
            }
            if (action.instead) {
                spdlog::info("outbox #{}: the file was not delivered; its fallback is queued",
                             message.id);
            }
        }
        actions.push_back(std::move(action));
    };
    for (auto& attempt : attempts) {
        const auto& message = attempt.message;
        if (attempt.release_until) {
            actions.push_back(
                {Action::Kind::release, message.id, *attempt.release_until, {}, std::nullopt});
            continue;
        }
        if (!attempt.delivery) continue;  // cannot happen: every attempt is answered or given back
        const auto& delivery = *attempt.delivery;
        const int attempt_number = message.attempts + 1;
        switch (delivery.outcome) {
            case Delivery::Outcome::sent:
                spdlog::debug("outbox #{} sent to {} {}", message.id, message.platform,
                              message.destination);
                actions.push_back({Action::Kind::sent, message.id, now, {}, std::nullopt});
                break;
            case Delivery::Outcome::refuse:
                spdlog::error("outbox #{} to {} {} refused, dead-lettered: {}", message.id,
                              message.platform, message.destination, delivery.error);
                dead(message, delivery.error);
                break;
            case Delivery::Outcome::retry:
                if (attempt_number >= options_.max_attempts) {
                    spdlog::error("outbox #{} to {} {} dead-lettered after {} attempts: {}",
                                  message.id, message.platform, message.destination, attempt_number,
                                  delivery.error);
                    dead(message, delivery.error);
                    break;
                }
                const auto wait = delivery.retry_after ? std::max(*delivery.retry_after, seconds{1})
                                                       : backoff(attempt_number);
                spdlog::warn("outbox #{} to {} {}: {}; attempt {} of {}, next in {} s", message.id,
                             message.platform, message.destination, delivery.error, attempt_number,
                             options_.max_attempts, wait.count());
                actions.push_back(
                    {Action::Kind::retry, message.id, now + wait, delivery.error, std::nullopt});
                break;
        }
    }
    // The sends happened: keep trying to record them (a lost record means a resend after the
    // lease), but not forever once the process is asked to stop.
    for (int tries = 1;; ++tries) {
        try {
            database_.transact([&](storage::UnitOfWork& work) {
                auto& outbox = work.outbox();
                for (const auto& action : actions) {
                    switch (action.kind) {
                        case Action::Kind::sent: outbox.mark_sent(action.id, action.at); break;
                        case Action::Kind::retry:
                            outbox.retry_later(action.id, action.at, action.error);
                            break;
                        case Action::Kind::release: outbox.release(action.id, action.at); break;
                        case Action::Kind::dead:
                            outbox.mark_dead(action.id, action.at, action.error);
                            if (action.instead) outbox.enqueue(*action.instead);
                            break;
                    }
                }
            });
            return;
        } catch (const std::exception& error) {
            if (stopping() && tries >= 3) {
                spdlog::error(
                    "outbox: could not record {} outcome(s): {}; those sent will be sent again "
                    "when their lease ends",
                    actions.size(), error.what());
                return;
            }
            if (tries == 1) spdlog::warn("outbox: cannot record outcomes yet: {}", error.what());
            std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(
                options_.poll_interval * tries, std::chrono::seconds{5}));
        }
    }
}

}  // namespace inmaek::bot::outbound
