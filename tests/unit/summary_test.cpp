// The summary of a period (handlers/summary.hpp) and /summary (/요약), over real repositories on
// SQLite and on PostgreSQL. The clock is set per message; "today" is 2025-02-04 in Seoul unless
// a test says otherwise.
#include <date/tz.h>
#include <gtest/gtest.h>
#include <soci/soci.h>

#include "handlers/conversation.hpp"
#include "handlers/summary.hpp"
#include "handlers/text.hpp"
#include "storage/database.hpp"
#include "tests/support/postgres.hpp"

namespace {

using inmaek::handlers::Conversation;
using inmaek::handlers::ConversationPolicy;
using inmaek::handlers::Lang;
using inmaek::handlers::Message;
using inmaek::handlers::Platform;
using inmaek::handlers::Reply;
using inmaek::storage::Database;
using inmaek::storage::DatabaseOptions;
using inmaek::storage::Day;
using inmaek::storage::UnitOfWork;
using inmaek::storage::Workspace;
using inmaek::test::backend_name;
using inmaek::test::backends;
using inmaek::test::FreshDatabase;
using namespace std::chrono_literals;

constexpr auto kTeamChat = "-1001234567890";
constexpr auto kOtherTeamChat = "-1009999999999";

Day day(int y, unsigned m, unsigned d) {
    return Day{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
}

/// 09:00 in Seoul on a day.
std::chrono::sys_seconds seoul_morning(Day d) {
    return std::chrono::sys_seconds{d};
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

class Summary : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        DatabaseOptions options;
        options.url = fresh_.url();
        database_ = std::make_unique<Database>(options);
        database_->migrate();
        conversation_ = std::make_unique<Conversation>(ConversationPolicy{});
    }
    void TearDown() override {
        conversation_.reset();
        database_.reset();
    }

    /// Says `text` in `chat` at `now_`, as Minji Kim (@minji_kim) or as Jiwoo Park (@jiwoo).
    Reply say(const std::string& text, const std::string& locale = "ko",
              const std::string& chat = kTeamChat, bool jiwoo = false) {
        Message message;
        message.platform = Platform::telegram;
        message.event_key = std::to_string(++sequence_);
        message.chat_id = chat;
        message.chat_title = "Partners Team";
        message.sender.id = jiwoo ? "6012345678" : "5012345678";
        message.sender.display_name = jiwoo ? "Jiwoo Park" : "Minji Kim";
        message.sender.handle = jiwoo ? "jiwoo" : "minji_kim";
        message.sender.locale = locale;
        message.text = text;
        message.received_at = now_;
        message.source_message_id = message.event_key;
        return database_->transact(
            [&](UnitOfWork& work) { return conversation_->handle(work, message).reply; });
    }
    /// Says `text`, which must be stored.
    void log(const std::string& text, const std::string& locale = "ko",
             const std::string& chat = kTeamChat, bool jiwoo = false) {
        const auto reply = say(text, locale, chat, jiwoo);
        ASSERT_EQ(reply.kind, Reply::Kind::ok) << text << "\n" << reply.plain_text();
    }
    /// 14 meetings, leads and follow-ups today, with long names: more than one message holds.
    void log_a_busy_day() {
        for (int i = 0; i < 14; ++i) {
            log("/meet today " + std::to_string(8 + i / 2) + ":" + (i % 2 == 0 ? "00" : "30") +
                    " @Naver @\"LG AI Research\" @\"Wrtn Technologies\" with Sam Altman, "
                    "Kevin Weil : a long discussion about reasoning models for Korean startups, "
                    "part " +
                    std::to_string(i),
                "en");
            log("/lead add \"A rather long lead title for opportunity number " + std::to_string(i) +
                    "\" @Naver stage:proposal value:" + std::to_string(i + 1) + "억",
                "en");
            log("/todo today follow up with the Builder Lab attendees about item " +
                    std::to_string(i) + " @minji_kim",
                "en");
        }
    }
    /// Jiwoo Park joins the team chat's workspace, so that @jiwoo names her.
    void jiwoo_joins() { say("/help", "en", kTeamChat, true); }

    /// summarize() as the scheduler calls it, for the workspace of `chat`.
    Reply summarize(Lang lang, Day first, Day last, Day today,
                    const std::string& chat = kTeamChat) {
        return database_->transact([&](UnitOfWork& work) {
            const auto workspace = work.workspaces().workspace_of_chat("telegram", chat);
            EXPECT_TRUE(workspace.has_value());
            return inmaek::handlers::summarize(work, *workspace, lang,
                                               date::locate_zone("Asia/Seoul"), first, last, today);
        });
    }

    FreshDatabase fresh_{GetParam()};
    std::unique_ptr<Database> database_;
    std::unique_ptr<Conversation> conversation_;
    std::int64_t sequence_ = 5000;
    std::chrono::sys_seconds now_ = seoul_morning(day(2025, 2, 4));
};

INSTANTIATE_TEST_SUITE_P(Backends, Summary, ::testing::ValuesIn(backends()), backend_name);

TEST_P(Summary, SeedDayListsTheKakaoOpenAIMeetingItsPeopleAndItsFollowUp) {
    // The demo's first lines (bot/demo.cpp), typed on the morning of 2025-02-04.
    log("/회사 add 카카오 alias:Kakao,\"Kakao Corp\" industry:플랫폼 tier:A");
    log("/회사 add OpenAI alias:오픈AI industry:AI tier:S site:openai.com");
    log("/연락처 add 샘 알트먼 @OpenAI title:CEO alias:\"Sam Altman\"");
    log("/연락처 add 케빈 와일 @OpenAI title:CPO alias:\"Kevin Weil\"");
    log("/회의 오늘 11시 @카카오 @OpenAI 참석: 샘 알트먼, 케빈 와일 : 카카오톡×ChatGPT 연동 논의");
    log("/리드 add \"KakaoTalk × ChatGPT integration\" @카카오 @OpenAI 단계:미팅 금액:50억 "
        "마감:3/31");
    log("/할일 MOU 초안 송부 2/11까지 리드:1");

    const auto reply = say("/요약 2025-02-04");
    const auto text = reply.plain_text();
    EXPECT_EQ(reply.title, "📊 요약 · 2025-02-04") << text;
    EXPECT_TRUE(contains(text,
                         "📅 회의 (1)\n  #1 11:00 카카오, OpenAI · 샘 알트먼, 케빈 와일 · "
                         "카카오톡×ChatGPT 연동 논의"))
        << text;
    EXPECT_TRUE(
        contains(text, "🆕 새 리드 (1)\n  #1 KakaoTalk × ChatGPT integration · 미팅 · 50억원"))
        << text;
    EXPECT_TRUE(
        contains(text, "📝 새 후속 (1)\n  #1 MOU 초안 송부 (2025-02-11까지) · 담당 Minji Kim"))
        << text;
    EXPECT_TRUE(contains(text, "📈 파이프라인\n  미팅 1건 · 50억원\n진행 중 합계: 1건 · 50억원"))
        << text;
    // Nothing is due or idle yet, and the day asked is today: no such sections.
    EXPECT_FALSE(contains(text, "기한 지난")) << text;
    EXPECT_FALSE(contains(text, "정체")) << text;
    EXPECT_FALSE(contains(text, "오늘 예정된 회의")) << text;
    // The scheduler's call the next morning says the same of that day.
    const auto next_morning =
        summarize(Lang::ko, day(2025, 2, 4), day(2025, 2, 4), day(2025, 2, 5));
    EXPECT_EQ(next_morning.lines, reply.lines);
}

TEST_P(Summary, AnEmptyDayIsOneLine) {
    log("/meet 2025-02-03 10:00 @Naver : sync", "en");
    const auto reply = say("/summary 2025-02-01", "en");
    EXPECT_EQ(reply.title, "📊 Summary · 2025-02-01");
    ASSERT_EQ(reply.lines.size(), 1U) << reply.plain_text();
    EXPECT_EQ(reply.lines[0],
              "Nothing logged in this period: no meetings, new leads or stage moves.");
    EXPECT_EQ(say("/요약 2025-02-01").lines,
              std::vector<std::string>{"이 기간에는 기록된 회의, 새 리드, 단계 이동이 없습니다."});
}

TEST_P(Summary, AnEmptyDayStillShowsFollowUpsDueAndOverdue) {
    now_ = seoul_morning(day(2025, 1, 20));
    log("/todo 2025-02-04 book the room", "en");
    jiwoo_joins();
    log("/todo 2025-02-01 send the deck @jiwoo", "en");
    now_ = seoul_morning(day(2025, 2, 4));
    const auto reply = say("/summary", "en");
    EXPECT_EQ(reply.lines,
              (std::vector<std::string>{
                  "Nothing logged in this period: no meetings, new leads or stage "
                  "moves.",
                  "⏰ Due today (1)", "  #1 book the room · owner Minji Kim", "❗ Overdue (1)",
                  "  #2 send the deck (due 2025-02-01) · owner Jiwoo Park"}))
        << reply.plain_text();
}

TEST_P(Summary, StageMovesShowFromAndToAndWho) {
    now_ = seoul_morning(day(2025, 2, 3));
    log("/lead add \"KakaoTalk × ChatGPT integration\" @Kakao @OpenAI stage:meeting value:50억",
        "en");
    now_ = seoul_morning(day(2025, 2, 4)) + 2h;
    log("/lead 1 stage:negotiation", "en");
    log("/lead add \"Chip co-design\" @\"Samsung Electronics\" stage:poc value:$2M", "en");
    log("/lead 2 stage:dropped", "en");

    const auto text = say("/summary", "en").plain_text();
    EXPECT_TRUE(contains(text,
                         "➡️ Stage moves (1)\n  #1 KakaoTalk × ChatGPT integration: "
                         "meeting → negotiation · Minji Kim"))
        << text;
    EXPECT_TRUE(contains(text, "🆕 New leads (1)\n  #2 Chip co-design · poc · $2,000,000")) << text;
    EXPECT_TRUE(contains(text, "🛑 Dropped (1)\n  #2 Chip co-design · $2,000,000 · Minji Kim"))
        << text;
    const auto korean = say("/요약").plain_text();
    EXPECT_TRUE(
        contains(korean,
                 "➡️ 단계 이동 (1)\n  #1 KakaoTalk × ChatGPT integration: 미팅 → "
                 "협상 · Minji Kim"))
        << korean;
    // Yesterday's summary has the creation of #1, not today's move.
    const auto yesterday = say("/summary yesterday", "en").plain_text();
    EXPECT_TRUE(contains(yesterday,
                         "🆕 New leads (1)\n  #1 KakaoTalk × ChatGPT integration · "
                         "meeting · ₩5,000,000,000"))
        << yesterday;
    EXPECT_FALSE(contains(yesterday, "Stage moves")) << yesterday;
}

TEST_P(Summary, SignedLeadsAreCelebratedWithTheirValue) {
    log("/리드 add \"GPT 엔터프라이즈 도입\" @카카오 단계:협상 금액:12억");
    log("/리드 1 단계:체결");
    const auto text = say("/요약").plain_text();
    EXPECT_TRUE(contains(text, "🎉 체결 (1)\n  #1 GPT 엔터프라이즈 도입 · 12억원 · Minji Kim"))
        << text;
}

TEST_P(Summary, OverdueFollowUpsAreListedWithTheirOwnersMostRecentFirst) {
    now_ = seoul_morning(day(2025, 1, 10));
    log("/할일 2025-01-20 제안서 초안");
    jiwoo_joins();
    log("/할일 2025-02-03 실무 미팅 일정 잡기 @jiwoo");
    log("/할일 2025-02-02 NDA 회신");
    log("/할일 2025-01-25 이미 끝낸 일");
    log("/완료 4");
    log("/할일 2025-02-10 아직 기한 전");
    now_ = seoul_morning(day(2025, 2, 4));
    const auto text = say("/요약 어제").plain_text();
    EXPECT_TRUE(contains(text,
                         "❗ 기한 지난 후속 (3)\n"
                         "  #2 실무 미팅 일정 잡기 (2025-02-03까지) · 담당 Jiwoo Park\n"
                         "  #3 NDA 회신 (2025-02-02까지) · 담당 Minji Kim\n"
                         "  #1 제안서 초안 (2025-01-20까지) · 담당 Minji Kim"))
        << text;
    EXPECT_FALSE(contains(text, "이미 끝낸 일")) << text;
    EXPECT_FALSE(contains(text, "아직 기한 전")) << text;
}

TEST_P(Summary, LeadsAreIdleAfterTheirStagesNumberOfDays) {
    // new: 14 days, proposal: 21, negotiation: 30 (handlers/summary.cpp).
    now_ = seoul_morning(day(2025, 1, 10));  // 25 days before 2/4
    log("/lead add \"Old new lead\" @Naver stage:new", "en");
    jiwoo_joins();
    log("/lead add \"Stale proposal\" @Naver stage:proposal owner:@jiwoo", "en");
    log("/lead add \"Slow negotiation\" @Naver stage:negotiation", "en");
    log("/lead add \"Met recently\" @Naver stage:new", "en");
    log("/lead add \"Signed long ago\" @Naver stage:signed", "en");
    now_ = seoul_morning(day(2025, 1, 25));  // 10 days before
    log("/lead add \"Fresh new lead\" @Naver stage:new", "en");
    log("/meet 2025-01-30 15:00 @Naver lead:4 : kept warm", "en");
    now_ = seoul_morning(day(2025, 2, 4));
    log("/meet today 10:00 @Kakao : something happened today", "en");

    const auto text = say("/summary", "en").plain_text();
    EXPECT_TRUE(contains(text,
                         "💤 Idle leads (2)\n"
                         "  #2 Stale proposal · proposal · idle 25 days · owner Jiwoo Park\n"
                         "  #1 Old new lead · new · idle 25 days · owner Minji Kim\n"))
        << text;
    EXPECT_FALSE(contains(text, "Slow negotiation ·")) << text;
    EXPECT_FALSE(contains(text, "Met recently")) << text;
    EXPECT_FALSE(contains(text, "Fresh new lead")) << text;
    EXPECT_FALSE(contains(text, "Signed long ago ·")) << text;
}

TEST_P(Summary, PipelineShowsKrwInEokAndOtherCurrenciesApart) {
    log("/리드 add \"카카오톡 × ChatGPT 연동\" @카카오 단계:협상 금액:50억");
    log("/리드 add \"하이퍼클로바 협력\" @네이버 단계:협상 금액:150000000");
    log("/리드 add \"AI 칩 공동 설계\" @삼성전자 단계:접촉 금액:$2M");
    log("/리드 add \"SK 반도체 협력\" @SK 단계:접촉");
    log("/리드 add \"무산된 건\" @LG 단계:협상 금액:3억");
    log("/리드 5 단계:무산");

    const auto text = say("/요약").plain_text();
    EXPECT_TRUE(contains(text,
                         "📈 파이프라인\n"
                         "  접촉 2건 · $2,000,000\n"
                         "  협상 2건 · 51억 5,000만원\n"
                         "  무산 1건 · 3억원\n"
                         "진행 중 합계: 4건 · 51억 5,000만원 · $2,000,000"))
        << text;
    const auto english = say("/summary", "en").plain_text();
    EXPECT_TRUE(contains(english, "Open total: 4 · ₩5,150,000,000 · $2,000,000")) << english;
}

// The pipeline is read from pipeline_totals (schemas/0007), which triggers keep: after every kind
// of change to a lead it still says what counting the leads says.
TEST_P(Summary, PipelineTotalsFollowEveryChangeOfALead) {
    log("/lead add \"One\" @Naver stage:contacted value:50억", "en");
    log("/lead add \"Two\" @Naver stage:contacted value:$2M", "en");
    log("/lead add \"Three\" @Naver stage:proposal", "en");
    log("/lead 1 stage:negotiation", "en");    // another stage
    log("/lead 2 value:3억", "en");            // another currency
    log("/lead 3 value:1억 stage:poc", "en");  // a value and a stage at once
    log("/lead 1 value:70억", "en");           // another amount
    log("/lead 2 stage:dropped", "en");
    // One text column a row, the same on both backends.
    const auto rows = [&](const std::string& sql) {
        std::vector<std::string> out;
        auto session = inmaek::test::open_session(fresh_.url());
        soci::rowset<std::string> result = session->prepare << sql;
        for (const auto& row : result) out.push_back(row);
        return out;
    };
    const auto kept = rows(
        "SELECT stage || ' ' || currency || ' ' || CAST(leads AS TEXT) || ' ' || "
        "CAST(amount AS TEXT) FROM pipeline_totals WHERE leads <> 0 ORDER BY stage, currency");
    const auto recounted = rows(
        "SELECT stage || ' ' || COALESCE(value_currency, '') || ' ' || CAST(COUNT(*) AS TEXT) "
        "|| ' ' || CAST(COALESCE(SUM(value_amount), 0) AS TEXT) FROM leads "
        "GROUP BY stage, COALESCE(value_currency, '') ORDER BY stage, COALESCE(value_currency, "
        "'')");
    EXPECT_EQ(kept, recounted);
    EXPECT_EQ(kept,
              (std::vector<std::string>{"dropped KRW 1 300000000", "negotiation KRW 1 7000000000",
                                        "poc KRW 1 100000000"}));
}

TEST_P(Summary, WeekIsTheLastSevenDaysEndingTodayAndYesterdayIsOneDay) {
    log("/meet 2025-01-28 10:00 @Naver : too early for the week", "en");
    log("/meet 2025-01-29 10:00 @Naver : first day of the week", "en");
    log("/meet 2025-02-03 16:00 @\"SK Group\" with 최태원 : AI 반도체", "en");
    log("/meet 2025-02-04 14:00 @OpenAI : Builder Lab", "en");

    const auto week = say("/summary week", "en");
    EXPECT_EQ(week.title, "📊 Summary · 2025-01-29 ~ 2025-02-04");
    const auto week_text = week.plain_text();
    EXPECT_TRUE(contains(week_text,
                         "📅 Meetings (3)\n  #2 01-29 10:00 Naver · first day of the "
                         "week\n  #3 02-03 16:00 SK Group · 최태원 · AI 반도체\n"
                         "  #4 02-04 14:00 OpenAI · Builder Lab"))
        << week_text;
    EXPECT_EQ(say("/요약 주간").title, "📊 요약 · 2025-01-29 ~ 2025-02-04");

    const auto yesterday = say("/summary yesterday", "en");
    EXPECT_EQ(yesterday.title, "📊 Summary · 2025-02-03");
    const auto text = yesterday.plain_text();
    EXPECT_TRUE(contains(text, "📅 Meetings (1)\n  #3 16:00 SK Group · 최태원 · AI 반도체")) << text;
    // Today comes after yesterday: today's meetings are listed apart.
    EXPECT_TRUE(contains(text, "🗓 Today's meetings (1)\n  #4 14:00 OpenAI · Builder Lab"))
        << text;
    EXPECT_EQ(say("/요약 어제").title, "📊 요약 · 2025-02-03");
    EXPECT_EQ(say("/요약 2월 3일").title, "📊 요약 · 2025-02-03");
}

TEST_P(Summary, ABadPeriodAnswersWithTheUsage) {
    log("/meet today 10:00 @Naver : sync", "en");
    const auto reply = say("/summary someday", "en");
    EXPECT_EQ(reply.kind, Reply::Kind::error);
    EXPECT_EQ(reply.usage, "Usage: /summary [yesterday|today|week|2025-02-04]");
    EXPECT_TRUE(contains(say("/도움말").plain_text(), "/summary /요약 — 하루·한 주 요약"));
}

TEST_P(Summary, ABusyDayIsCappedPerSectionAndStaysShort) {
    log_a_busy_day();
    const auto reply = say("/summary", "en");
    const auto text = reply.plain_text();
    EXPECT_LE(text.size(), 3500U) << text;
    EXPECT_TRUE(contains(text, "📅 Meetings (14)")) << text;
    EXPECT_TRUE(contains(text, "more")) << text;
    EXPECT_TRUE(contains(text, "Open total: 14 · ₩10,500,000,000")) << text;
}

TEST_P(Summary, ABusyDaysScheduledSummaryKeepsEverySectionAndSplitsForEachPlatform) {
    log_a_busy_day();
    const auto today = day(2025, 2, 4);
    const auto reply = summarize(Lang::en, today, today, today);
    const auto text = reply.plain_text();
    EXPECT_GT(text.size(), 3500U) << "the scheduled summary is not cut to one message";
    EXPECT_TRUE(contains(text, "📅 Meetings (14)")) << text;
    EXPECT_TRUE(contains(text, "  … and 4 more")) << "ten a section, the rest counted";

    // Telegram and Discord (3,500), Slack (12,000), and the smaller messengers' limits.
    for (const std::size_t limit : {1000U, 2000U, 3500U, 12000U}) {
        const auto parts = inmaek::handlers::split_reply(reply, limit);
        std::vector<std::string> lines;
        for (std::size_t i = 0; i < parts.size(); ++i) {
            EXPECT_LE(inmaek::handlers::text::length(parts[i].plain_text()), limit) << limit;
            if (parts.size() > 1) {
                EXPECT_EQ(parts[i].title, reply.title + " (" + std::to_string(i + 1) + "/" +
                                              std::to_string(parts.size()) + ")");
                EXPECT_TRUE(parts[i].lines.back().starts_with(' ') || i + 1 == parts.size())
                    << "part " << i << " of " << limit << " ends with a header";
            }
            lines.insert(lines.end(), parts[i].lines.begin(), parts[i].lines.end());
        }
        EXPECT_EQ(lines, reply.lines) << "nothing cut at " << limit;
        EXPECT_EQ(parts.size() == 1, inmaek::handlers::text::length(text) <= limit) << limit;
    }
}

TEST(SplitReply, ButtonsAndUsageGoWithTheLastPartAndAnOverlongLineIsShortened) {
    Reply reply;
    reply.title = "⏰ Reminder";
    reply.lines = {"short", std::string(300, 'x'), "tail"};
    reply.usage = "Usage: /done <id>";
    reply.buttons = {{"Done", "/done 1"}};
    EXPECT_EQ(inmaek::handlers::split_reply(reply, 1000).size(), 1U);
    const auto parts = inmaek::handlers::split_reply(reply, 100);
    ASSERT_GE(parts.size(), 2U);
    for (const auto& part : parts) {
        EXPECT_LE(inmaek::handlers::text::length(part.plain_text()), 100U) << part.plain_text();
    }
    EXPECT_TRUE(parts.front().buttons.empty());
    EXPECT_EQ(parts.back().buttons.size(), 1U);
    EXPECT_EQ(parts.back().usage, reply.usage);
    EXPECT_EQ(parts.back().lines.back(), "tail");
}

TEST_P(Summary, AWorkspaceNeverSeesAnothersData) {
    log("/회의 오늘 11시 @카카오 참석: 샘 알트먼 : 우리 팀 회의");
    log("/리드 add \"우리 리드\" @카카오 단계:협상 금액:50억");
    log("/할일 어제 우리 할일 @minji_kim");
    log("/meet today 15:00 @Naver : their meeting", "en", kOtherTeamChat);
    log("/lead add \"Their lead\" @Naver stage:poc value:$1M", "en", kOtherTeamChat);

    const auto ours = summarize(Lang::ko, day(2025, 2, 4), day(2025, 2, 4), day(2025, 2, 4));
    const auto theirs =
        summarize(Lang::en, day(2025, 2, 4), day(2025, 2, 4), day(2025, 2, 4), kOtherTeamChat);
    const auto our_text = ours.plain_text();
    const auto their_text = theirs.plain_text();
    for (const auto* mine : {"우리 팀 회의", "우리 리드", "우리 할일", "50억"}) {
        EXPECT_TRUE(contains(our_text, mine)) << our_text;
        EXPECT_FALSE(contains(their_text, mine)) << their_text;
    }
    for (const auto* theirs_only : {"their meeting", "Their lead", "$1,000,000"}) {
        EXPECT_TRUE(contains(their_text, theirs_only)) << their_text;
        EXPECT_FALSE(contains(our_text, theirs_only)) << our_text;
    }
}

}  // namespace
