// /subscribe (/구독), /unsubscribe (/구독취소), and the scheduler's chat texts (schedule.hpp).
#include <date/tz.h>
#include <fmt/format.h>

#include <array>
#include <nlohmann/json.hpp>
#include <sstream>

#include "handlers/router.hpp"
#include "handlers/schedule.hpp"
#include "handlers/text.hpp"
#include "handlers/when.hpp"

namespace inmaek::handlers {

namespace {

struct WeekdayName {
    std::string_view word;
    int iso;  // 1 = Monday
};

constexpr std::array kWeekdays{
    WeekdayName{"mon", 1},       WeekdayName{"monday", 1},   WeekdayName{"월", 1},
    WeekdayName{"월요일", 1},    WeekdayName{"tue", 2},      WeekdayName{"tuesday", 2},
    WeekdayName{"화", 2},        WeekdayName{"화요일", 2},   WeekdayName{"wed", 3},
    WeekdayName{"wednesday", 3}, WeekdayName{"수", 3},       WeekdayName{"수요일", 3},
    WeekdayName{"thu", 4},       WeekdayName{"thursday", 4}, WeekdayName{"목", 4},
    WeekdayName{"목요일", 4},    WeekdayName{"fri", 5},      WeekdayName{"friday", 5},
    WeekdayName{"금", 5},        WeekdayName{"금요일", 5},   WeekdayName{"sat", 6},
    WeekdayName{"saturday", 6},  WeekdayName{"토", 6},       WeekdayName{"토요일", 6},
    WeekdayName{"sun", 7},       WeekdayName{"sunday", 7},   WeekdayName{"일", 7},
    WeekdayName{"일요일", 7},
};

constexpr std::array<std::string_view, 7> kWeekdayEn{"Monday", "Tuesday",  "Wednesday", "Thursday",
                                                     "Friday", "Saturday", "Sunday"};
constexpr std::array<std::string_view, 7> kWeekdayKo{"월요일", "화요일", "수요일", "목요일",
                                                     "금요일", "토요일", "일요일"};

std::optional<int> weekday_of(std::string_view word) {
    for (const auto& day : kWeekdays) {
        if (day.word == word) return day.iso;
    }
    return std::nullopt;
}

std::vector<std::string> words_of(std::string_view text) {
    std::istringstream in{std::string{text}};
    std::vector<std::string> words;
    for (std::string word; in >> word;) words.push_back(word);
    return words;
}

/// "daily"/"매일" → daily, "weekly"/"매주" → weekly, "" → any (for /unsubscribe).
std::optional<std::string> kind_of(std::string_view word) {
    if (word == "daily" || word == "매일" || word == "일간") return std::string{"daily"};
    if (word == "weekly" || word == "매주" || word == "주간") return std::string{"weekly"};
    return std::nullopt;
}

Reply subscribe(Context& ctx, std::string_view args) {
    const auto words = words_of(args);
    storage::SummarySubscription subscription;
    subscription.workspace_id = ctx.workspace.id;
    subscription.platform = std::string{to_string(ctx.message.platform)};
    subscription.platform_chat_id = chat_key(ctx.message);
    subscription.created_by = ctx.user.id;
    subscription.created_at = ctx.now;
    std::size_t index = 0;
    const auto bad = [&] {
        return mistake(ctx, tr(ctx.lang, Msg::bad_subscription, text::trim(args)),
                       Msg::usage_subscribe);
    };
    if (index < words.size()) {
        if (auto kind = kind_of(text::lower(words[index]))) {
            subscription.kind = *kind;
            ++index;
        }
    }
    if (subscription.kind == "weekly") {
        if (index >= words.size()) return bad();
        const auto day = weekday_of(text::lower(words[index]));
        if (!day) return bad();
        subscription.weekday = *day;
        ++index;
    }
    // The time: "09:00", "9시", "오전 9시", "9am"; the default is 09:00.
    if (index < words.size() && words[index].find('/') == std::string::npos) {
        std::vector<std::string> rest(words.begin() + static_cast<std::ptrdiff_t>(index),
                                      words.end());
        const auto when = parse_when(rest, ctx.today());
        if (when.words_used == 0 || when.date || !when.time_of_day) return bad();
        subscription.local_time = static_cast<int>(when.time_of_day->count());
        index += when.words_used;
    }
    // An IANA zone for this subscription only; the workspace's otherwise.
    if (index < words.size()) {
        const auto& zone = words[index];
        try {
            date::locate_zone(zone);
        } catch (const std::exception&) {
            return mistake(ctx, tr(ctx.lang, Msg::bad_time_zone, zone), Msg::usage_subscribe);
        }
        subscription.time_zone = zone;
        ++index;
    }
    if (index != words.size()) return bad();

    const auto stored = ctx.db.schedules().subscribe(subscription);
    ctx.audit("subscribe", "summary_subscription", stored.id, {},
              nlohmann::json{
                  {"kind", stored.kind},
                  {"weekday", stored.weekday ? nlohmann::json(*stored.weekday) : nlohmann::json()},
                  {"time", format_local_time(stored.local_time)},
                  {"time_zone", stored.time_zone}}
                  .dump());
    const auto zone = stored.time_zone.empty() ? ctx.workspace.time_zone : stored.time_zone;
    const auto time = format_local_time(stored.local_time);
    if (stored.kind == "weekly") {
        const auto day = static_cast<std::size_t>(*stored.weekday - 1);
        return confirmation(ctx, tr(ctx.lang, Msg::subscribed_weekly,
                                    ctx.korean() ? kWeekdayKo[day] : kWeekdayEn[day], time, zone));
    }
    return confirmation(ctx, tr(ctx.lang, Msg::subscribed_daily, time, zone));
}

Reply unsubscribe(Context& ctx, std::string_view args) {
    const auto word = text::lower(text::trim(args));
    std::string kind;
    if (!word.empty()) {
        const auto parsed = kind_of(word);
        if (!parsed) {
            return mistake(ctx, tr(ctx.lang, Msg::not_understood, word), Msg::usage_unsubscribe);
        }
        kind = *parsed;
    }
    const auto removed = ctx.db.schedules().unsubscribe(
        ctx.workspace.id, to_string(ctx.message.platform), chat_key(ctx.message), kind);
    Reply reply;
    reply.lang = ctx.lang;
    if (removed == 0) {
        reply.title = tr(ctx.lang, Msg::not_subscribed);
        return reply;
    }
    ctx.audit("unsubscribe", "summary_subscription", 0,
              nlohmann::json{{"chat", chat_key(ctx.message)}, {"kind", kind}}.dump(), {});
    reply.kind = Reply::Kind::ok;
    reply.title = tr(ctx.lang, Msg::unsubscribed, removed);
    return reply;
}

}  // namespace

std::string format_local_time(int minutes) {
    return fmt::format("{:02}:{:02}", minutes / 60, minutes % 60);
}

Lang workspace_lang(const storage::Workspace& workspace) {
    return workspace.language == "en" ? Lang::en : Lang::ko;
}

Reply reminder(const storage::FollowUp& follow_up, const std::optional<storage::User>& assignee,
               Lang lang) {
    Reply reply;
    reply.lang = lang;
    reply.title = tr(lang, Msg::reminder_title, follow_up.id, follow_up.text);
    if (assignee) reply.lines.push_back(tr(lang, Msg::owner_part, assignee->display_name));
    if (follow_up.lead_id) reply.lines.push_back(tr(lang, Msg::lead_link_line, *follow_up.lead_id));
    reply.buttons.push_back({tr(lang, Msg::done_button), "/done " + std::to_string(follow_up.id)});
    return reply;
}

void mark_late(Reply& summary, std::string_view due_local_time, Lang lang) {
    summary.lines.insert(summary.lines.begin(), tr(lang, Msg::summary_late, due_local_time));
}

void register_schedule_commands(Router& router) {
    router.add({.name = "subscribe",
                .aliases = {"구독"},
                .summary = Msg::summary_subscribe,
                .usage = Msg::usage_subscribe,
                .run = subscribe,
                .role = storage::Role::manager});
    router.add({.name = "unsubscribe",
                .aliases = {"구독취소"},
                .summary = Msg::summary_unsubscribe,
                .usage = Msg::usage_unsubscribe,
                .run = unsubscribe,
                .role = storage::Role::manager});
}

}  // namespace inmaek::handlers
