// The scheduler with a clock the test sets, on SQLite and PostgreSQL: summaries at the
// subscriber's local time (not a second earlier), exactly once across restarts, two
// schedulers and clock jumps, late and skipped runs after downtime, DST, weekly runs, and
// follow-up reminders on their due morning. Subscriptions and follow-ups are made through the
// chat language, as people make them.

#include <gtest/gtest.h>

#include <date/tz.h>

#include <nlohmann/json.hpp>

#include <future>
#include <sstream>
#include <string>
#include <vector>

#include "bot/platforms/slack_adapter.hpp"
#include "bot/platforms/telegram_adapter.hpp"
#include "bot/scheduler.hpp"
#include "handlers/conversation.hpp"
#include "storage/database.hpp"
#include "tests/support/postgres.hpp"

namespace {

using inmaek::bot::Scheduler;
using inmaek::bot::SchedulerOptions;
using inmaek::bot::platforms::SlackAdapter;
using inmaek::bot::platforms::SlackOptions;
using inmaek::bot::platforms::TelegramAdapter;
using inmaek::bot::platforms::TelegramOptions;
using inmaek::handlers::Conversation;
using inmaek::handlers::ConversationPolicy;
using inmaek::handlers::Lang;
using inmaek::handlers::Message;
using inmaek::handlers::Platform;
using inmaek::handlers::Reply;
using inmaek::storage::Database;
using inmaek::storage::DatabaseOptions;
using inmaek::storage::Day;
using inmaek::storage::OutboxMessage;
using inmaek::storage::UnitOfWork;
using inmaek::storage::Workspace;
using inmaek::test::backend_name;
using inmaek::test::backends;
using inmaek::test::FreshDatabase;
using namespace std::chrono_literals;
using std::chrono::sys_seconds;

constexpr auto kChat = "-1001234567890";
constexpr auto kMinji = "5012345678";  // her Telegram user id, also her private chat's

/// A local time in a zone, as the instant the scheduler is given.
sys_seconds at(const std::string& local, const std::string& zone = "Asia/Seoul") {
    std::istringstream in{local};
    date::local_seconds time;
    in >> date::parse("%F %T", time);
    EXPECT_FALSE(in.fail()) << local;
    return date::locate_zone(zone)->to_sys(time);
}

class Scheduling : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        db_ = open();
        conversation_ = std::make_unique<Conversation>(ConversationPolicy{});
    }

    std::unique_ptr<Database> open() {
        DatabaseOptions options;
        options.url = fresh_.url();
        options.pool_size = 2;
        auto db = std::make_unique<Database>(options);
        db->migrate();
        return db;
    }

    /// A message in the team's Telegram group, written at `when`.
    Reply say(const std::string& text, sys_seconds when) {
        Message message;
        message.platform = Platform::telegram;
        message.chat_id = kChat;
        message.chat_title = "Partners Team";
        message.sender = {kMinji, "Minji Kim", "minji_kim", "ko"};
        message.text = text;
        message.received_at = when;
        return handle(message);
    }
    /// Minji's message in her private chat with the bot.
    Reply say_privately(const std::string& text, sys_seconds when) {
        Message message;
        message.platform = Platform::telegram;
        message.chat_id = kMinji;
        message.direct = true;
        message.sender = {kMinji, "Minji Kim", "minji_kim", "ko"};
        message.text = text;
        message.received_at = when;
        return handle(message);
    }
    /// A message in Slack: in the team's channel, or in Minji's direct messages with the app.
    Reply say_in_slack(const std::string& text, sys_seconds when, bool direct = false) {
        Message message;
        message.platform = Platform::slack;
        message.team_id = "T0CRM0001";
        message.chat_id = direct ? "D0MINJIDM1" : "C0PARTNER1";
        message.direct = direct;
        message.sender = {"U0KIMMINJ", "Minji Kim", "minji.kim", "ko"};
        message.text = text;
        message.received_at = when;
        return handle(message);
    }
    Reply handle(Message message) {
        if (message.event_key.empty()) message.event_key = std::to_string(++sequence_);
        return db_->transact([&](UnitOfWork& work) { return conversation_->handle(work, message); })
            .reply;
    }
    [[nodiscard]] bool done(int follow_up) const {
        return inmaek::test::query_text(fresh_.url(), "SELECT done FROM follow_ups WHERE id = " +
                                                          std::to_string(follow_up)) == "1";
    }

    /// A scheduler as a server makes one; its summaries name the period they cover.
    std::unique_ptr<Scheduler> scheduler(Database& db) {
        SchedulerOptions options;
        options.tick = 1h;
        return std::make_unique<Scheduler>(
            db, std::vector<const inmaek::bot::platforms::Adapter*>{&telegram_, &slack_},
            std::vector<std::string>{"telegram", "slack"},
            [this](UnitOfWork&, const Workspace& workspace, Lang, const date::time_zone*, Day first,
                   Day last, Day today) {
                ++summaries_written_;
                Reply reply;
                reply.title = "summary of " + workspace.name + " " + date::format("%F", first) +
                              ".." + date::format("%F", last) + " as of " +
                              date::format("%F", today);
                for (int i = 0; i < summary_lines_; ++i) {
                    reply.lines.push_back((i % 10 == 0 ? "section " : "  item ") +
                                          std::to_string(i) + std::string(40, '.'));
                }
                return reply;
            },
            options);
    }

    std::vector<OutboxMessage> outbox(const std::string& kind) {
        auto rows = db_->transact([](UnitOfWork& work) { return work.outbox().list("", 0); });
        std::erase_if(rows, [&](const auto& row) { return row.kind != kind; });
        return rows;
    }

    static std::string text_of(const OutboxMessage& row) {
        return nlohmann::json::parse(row.payload).value("text", "");
    }

    std::int64_t runs(const std::string& status) {
        return std::stoll(inmaek::test::query_text(
            fresh_.url(), "SELECT COUNT(*) FROM summary_runs WHERE status = '" + status + "'"));
    }

    FreshDatabase fresh_{GetParam()};
    std::unique_ptr<Database> db_;
    std::unique_ptr<Conversation> conversation_;
    TelegramAdapter telegram_{TelegramOptions{}};
    SlackAdapter slack_{SlackOptions{.signing_secret = "secret"}};
    int summary_lines_ = 0;  ///< lines the summary has below its title
    std::int64_t sequence_ = 5000;
    int summaries_written_ = 0;
};

INSTANTIATE_TEST_SUITE_P(Backends, Scheduling, ::testing::ValuesIn(backends()), backend_name);

TEST_P(Scheduling, SubscribeAnswersWhenAndWhere) {
    const auto daily = say("/구독 매일 09:00", at("2025-02-03 10:00:00"));
    EXPECT_EQ(daily.kind, Reply::Kind::ok) << daily.plain_text();
    EXPECT_NE(daily.title.find("매일 09:00(Asia/Seoul)"), std::string::npos) << daily.title;
    const auto weekly = say("/subscribe weekly mon 오전 8시 30분", at("2025-02-03 10:00:00"));
    EXPECT_EQ(weekly.kind, Reply::Kind::ok) << weekly.plain_text();
    EXPECT_NE(weekly.title.find("월요일 08:30"), std::string::npos) << weekly.title;
    const auto bad = say("/구독 매주 09:00", at("2025-02-03 10:00:00"));
    EXPECT_EQ(bad.kind, Reply::Kind::error) << "weekly needs a day";
    const auto zone = say("/구독 매일 09:00 Mars/Olympus", at("2025-02-03 10:00:00"));
    EXPECT_EQ(zone.kind, Reply::Kind::error);
    const auto subscriptions = db_->transact(
        [](UnitOfWork& work) { return work.schedules().subscriptions(std::nullopt); });
    ASSERT_EQ(subscriptions.size(), 2U) << "mistakes store nothing";
    EXPECT_EQ(subscriptions[0].platform_chat_id, kChat);
    EXPECT_EQ(subscriptions[1].weekday, 1);
    EXPECT_EQ(subscriptions[1].local_time, 8 * 60 + 30);
    const auto off = say("/구독취소", at("2025-02-03 10:00:00"));
    EXPECT_EQ(off.kind, Reply::Kind::ok) << off.plain_text();
    EXPECT_TRUE(
        db_->transact([](UnitOfWork& work) { return work.schedules().subscriptions(std::nullopt); })
            .empty());
}

TEST_P(Scheduling, ASummaryGoesAtNineSeoulTimeNotAtEightFiftyNine) {
    say("/구독 매일 09:00", at("2025-02-03 10:00:00"));
    auto s = scheduler(*db_);
    EXPECT_EQ(s->run_once(at("2025-02-04 08:59:59")), 0);
    EXPECT_TRUE(outbox("summary").empty());
    EXPECT_EQ(s->run_once(at("2025-02-04 09:00:00")), 1);
    EXPECT_EQ(s->run_once(at("2025-02-04 09:00:15")), 0) << "once a day";
    const auto rows = outbox("summary");
    ASSERT_EQ(rows.size(), 1U);
    EXPECT_EQ(rows[0].destination, kChat);
    EXPECT_EQ(text_of(rows[0]),
              "<b>summary of Partners Team 2025-02-03..2025-02-03 as of 2025-02-04</b>")
        << "the daily summary covers yesterday, as of this morning";
    EXPECT_EQ(runs("sent"), 1);
}

TEST_P(Scheduling, ARestartAcrossNineProducesOneSummary) {
    say("/구독 매일 09:00", at("2025-02-03 10:00:00"));
    scheduler(*db_)->run_once(at("2025-02-04 08:59:00"));
    // The process stops; another starts (nothing in memory is shared) and looks twice.
    EXPECT_EQ(scheduler(*db_)->run_once(at("2025-02-04 09:02:00")), 1);
    EXPECT_EQ(scheduler(*db_)->run_once(at("2025-02-04 09:03:00")), 0);
    // The clock jumps back an hour and forward again: still one.
    auto s = scheduler(*db_);
    EXPECT_EQ(s->run_once(at("2025-02-04 08:03:00")), 0);
    EXPECT_EQ(s->run_once(at("2025-02-04 09:30:00")), 0);
    EXPECT_EQ(outbox("summary").size(), 1U);
}

TEST_P(Scheduling, TwoSchedulersAtOnceProduceOneSummary) {
    say("/구독 매일 09:00", at("2025-02-03 10:00:00"));
    auto other_db = open();
    auto first = scheduler(*db_);
    auto second = scheduler(*other_db);
    for (int day = 4; day <= 8; ++day) {
        const auto nine = at("2025-02-0" + std::to_string(day) + " 09:00:00");
        auto a = std::async(std::launch::async, [&] { return first->run_once(nine); });
        auto b = std::async(std::launch::async, [&] { return second->run_once(nine); });
        EXPECT_EQ(a.get() + b.get(), 1) << "day " << day;
    }
    EXPECT_EQ(outbox("summary").size(), 5U);
}

TEST_P(Scheduling, AfterDowntimeARecentSummaryIsLateAndOlderOnesAreSkipped) {
    say("/구독 매일 09:00", at("2025-02-01 10:00:00"));
    auto s = scheduler(*db_);
    // Down from before 2/2 09:00 until 2/4 16:00: three runs missed by over six hours.
    EXPECT_EQ(s->run_once(at("2025-02-04 16:00:00")), 0);
    EXPECT_EQ(runs("skipped"), 3);
    // Up again the next morning an hour after nine: sent, and it says it is late.
    EXPECT_EQ(s->run_once(at("2025-02-05 10:00:00")), 1);
    EXPECT_EQ(runs("late"), 1);
    const auto rows = outbox("summary");
    ASSERT_EQ(rows.size(), 1U);
    EXPECT_NE(text_of(rows[0]).find("늦게 보냄: 예정 시각 09:00"), std::string::npos)
        << text_of(rows[0]);
}

TEST_P(Scheduling, NineStaysNineAcrossDaylightSavingTime) {
    say("/subscribe daily 09:00 America/New_York", at("2025-03-01 10:00:00"));
    auto s = scheduler(*db_);
    // 2025-03-09: New York moves from EST (UTC-5) to EDT (UTC-4).
    EXPECT_EQ(s->run_once(at("2025-03-08 13:59:59", "UTC")), 0);
    EXPECT_EQ(s->run_once(at("2025-03-08 14:00:00", "UTC")), 1) << "09:00 EST";
    EXPECT_EQ(s->run_once(at("2025-03-09 12:59:59", "UTC")), 0);
    EXPECT_EQ(s->run_once(at("2025-03-09 13:00:00", "UTC")), 1) << "09:00 EDT";
}

TEST_P(Scheduling, AWeeklySummaryGoesOnItsDayAndCoversTheWeek) {
    say("/구독 매주 월 09:00", at("2025-02-01 10:00:00"));  // a Saturday
    auto s = scheduler(*db_);
    EXPECT_EQ(s->run_once(at("2025-02-02 09:00:00")), 0) << "Sunday";
    EXPECT_EQ(s->run_once(at("2025-02-03 09:00:00")), 1) << "Monday";
    EXPECT_EQ(s->run_once(at("2025-02-04 09:00:00")), 0) << "Tuesday";
    const auto rows = outbox("summary");
    ASSERT_EQ(rows.size(), 1U);
    EXPECT_EQ(text_of(rows[0]),
              "<b>summary of Partners Team 2025-01-27..2025-02-02 as of 2025-02-03</b>");
}

TEST_P(Scheduling, AFollowUpIsRemindedOnItsMorningOnceInTheChatItCameFrom) {
    say("/할일 2025-02-04 MOU 초안 송부", at("2025-02-03 15:00:00"));
    say("/할일 2025-02-05 계약서 검토", at("2025-02-03 15:00:00"));
    say("/할일 2025-02-04 이미 끝낸 일", at("2025-02-03 15:00:00"));
    say("/완료 3", at("2025-02-03 16:00:00"));
    auto s = scheduler(*db_);
    EXPECT_EQ(s->run_once(at("2025-02-04 08:59:59")), 0);
    EXPECT_EQ(s->run_once(at("2025-02-04 09:00:00")), 1);
    EXPECT_EQ(scheduler(*db_)->run_once(at("2025-02-04 09:01:00")), 0)
        << "another scheduler finds it claimed";
    const auto rows = outbox("reminder");
    ASSERT_EQ(rows.size(), 1U);
    EXPECT_EQ(rows[0].destination, kChat);
    const auto call = nlohmann::json::parse(rows[0].payload);
    EXPECT_NE(call.value("text", "").find("오늘 마감 · 후속 #1: MOU 초안 송부"), std::string::npos)
        << rows[0].payload;
    EXPECT_NE(call.value("text", "").find("Minji Kim"), std::string::npos) << rows[0].payload;
    EXPECT_EQ(call["reply_markup"]["inline_keyboard"][0][0]["callback_data"], "/done 1");
    EXPECT_EQ(s->run_once(at("2025-02-05 09:00:00")), 1) << "the next one on its own morning";
}

TEST_P(Scheduling, ALongSummaryGoesInPartsThatKeepTheirOrder) {
    say("/구독 매일 09:00", at("2025-02-03 10:00:00"));
    summary_lines_ = 150;  // about 7,600 characters: three Telegram messages
    auto s = scheduler(*db_);
    EXPECT_EQ(s->run_once(at("2025-02-04 09:00:00")), 1);
    EXPECT_EQ(scheduler(*db_)->run_once(at("2025-02-04 09:01:00")), 0) << "still once";
    auto rows = outbox("summary");
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    ASSERT_EQ(rows.size(), 3U);
    std::string lines;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        EXPECT_EQ(rows[i].destination, kChat);
        EXPECT_EQ(rows[i].dedupe_key, i == 0 ? std::string{"summary:1:2025-02-04"}
                                             : "summary:1:2025-02-04:" + std::to_string(i + 1));
        const auto text = text_of(rows[i]);
        EXPECT_LE(text.size(), 4096U);
        const auto title = text.substr(0, text.find('\n'));
        EXPECT_NE(title.find("(" + std::to_string(i + 1) + "/3)</b>"), std::string::npos) << title;
        const auto body = text.substr(text.find('\n') + 1) + "\n";
        const auto last_line = body.substr(body.rfind('\n', body.size() - 2) + 1);
        EXPECT_TRUE(last_line.starts_with("  item")) << "no part ends with a section's header";
        lines += body;
    }
    for (int i = 0; i < 150; ++i) {
        EXPECT_NE(lines.find(std::to_string(i) + std::string(40, '.') + "\n"), std::string::npos)
            << "line " << i << " is in a part";
    }
}

TEST_P(Scheduling, AReminderGoesByDirectMessageOnceTheAssigneeHasTalkedToTheBot) {
    say("/할일 2025-02-04 MOU 초안 송부", at("2025-02-03 15:00:00"));
    // In private, Minji's chat with the bot joins the only team she is in.
    const auto hello = say_privately("/help", at("2025-02-03 16:00:00"));
    EXPECT_NE(hello.kind, Reply::Kind::error) << hello.plain_text();
    auto s = scheduler(*db_);
    EXPECT_EQ(s->run_once(at("2025-02-04 09:00:00")), 1);
    const auto rows = outbox("reminder");
    ASSERT_EQ(rows.size(), 1U);
    EXPECT_EQ(rows[0].destination, kMinji);
    const auto call = nlohmann::json::parse(rows[0].payload);
    EXPECT_EQ(call["chat_id"], 5012345678);
    EXPECT_EQ(call["reply_markup"]["inline_keyboard"][0][0]["callback_data"], "/done 1");

    // Her press of the button, as Telegram delivers it, closes the follow-up in her team.
    inmaek::bot::platforms::Request press{boost::beast::http::verb::post, "/hooks/telegram", 11};
    press.body() =
        nlohmann::json{
            {"update_id", 900001},
            {"callback_query",
             {{"id", "4382bfdwdsb323b2d9"},
              {"from",
               {{"id", 5012345678},
                {"is_bot", false},
                {"first_name", "Minji"},
                {"last_name", "Kim"},
                {"username", "minji_kim"},
                {"language_code", "ko"}}},
              {"message",
               {{"message_id", 42},
                {"date", at("2025-02-04 09:00:05").time_since_epoch().count()},
                {"chat", {{"id", 5012345678}, {"first_name", "Minji"}, {"type", "private"}}},
                {"text", "오늘 마감 · 후속 #1: MOU 초안 송부"}}},
              {"data", "/done 1"}}}}
            .dump();
    press.prepare_payload();
    const auto parsed = telegram_.parse(press);
    ASSERT_EQ(parsed.kind, inmaek::bot::platforms::Parsed::Kind::message) << parsed.error;
    EXPECT_TRUE(parsed.message.direct);
    const auto reply = handle(parsed.message);
    EXPECT_EQ(reply.kind, Reply::Kind::ok) << reply.plain_text();
    EXPECT_TRUE(done(1));
}

TEST_P(Scheduling, AReminderStaysInTheGroupWhenThePrivateChatIsNotTheTeams) {
    say("/할일 2025-02-04 MOU 초안 송부", at("2025-02-03 15:00:00"));
    // Minji is in a second team too: her private chat cannot pick one, so it joins neither.
    Message other;
    other.platform = Platform::telegram;
    other.chat_id = "-1009999999999";
    other.chat_title = "Another team";
    other.sender = {kMinji, "Minji Kim", "minji_kim", "ko"};
    other.text = "/help";
    other.received_at = at("2025-02-03 15:30:00");
    handle(other);
    say_privately("/help", at("2025-02-03 16:00:00"));
    auto s = scheduler(*db_);
    EXPECT_EQ(s->run_once(at("2025-02-04 09:00:00")), 1);
    const auto rows = outbox("reminder");
    ASSERT_EQ(rows.size(), 1U);
    EXPECT_EQ(rows[0].destination, kChat);
}

TEST_P(Scheduling, ASlackReminderGoesToTheAssigneesDirectMessagesAndItsButtonWorksThere) {
    say_in_slack("/todo 2025-02-04 send the MOU draft", at("2025-02-03 15:00:00"));
    auto s = scheduler(*db_);
    EXPECT_EQ(s->run_once(at("2025-02-04 09:00:00")), 1);
    const auto rows = outbox("reminder");
    ASSERT_EQ(rows.size(), 1U);
    EXPECT_EQ(rows[0].platform, "slack");
    EXPECT_EQ(rows[0].destination, "U0KIMMINJ");
    const auto call = nlohmann::json::parse(rows[0].payload);
    EXPECT_EQ(call["channel"], "U0KIMMINJ") << "chat.postMessage to a user id: the app's DM";
    std::string button;
    for (const auto& block : call["blocks"]) {
        if (block["type"] == "actions") button = block["elements"][0]["value"];
    }
    EXPECT_EQ(button, "/done 1");
    // The press comes from the app's DM channel (D…), which joins her only workspace.
    const auto reply = say_in_slack(button, at("2025-02-04 09:05:00"), true);
    EXPECT_EQ(reply.kind, Reply::Kind::ok) << reply.plain_text();
    EXPECT_TRUE(done(1));
}

}  // namespace
