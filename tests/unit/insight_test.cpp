// /history, /pipeline and /path over real repositories on SQLite and on PostgreSQL: the company
// timeline, the pipeline with this month's moves, and the chains of meetings between companies
// over company_links (migration 0011: kept by every meeting, rebuilt and backfilled alike).
#include <gtest/gtest.h>

#include "tests/support/chat_test.hpp"

namespace {

using inmaek::handlers::Reply;
using inmaek::storage::CompanyChain;
using inmaek::storage::Database;
using inmaek::storage::DatabaseOptions;
using inmaek::storage::Id;
using inmaek::storage::TimelineKind;
using inmaek::storage::UnitOfWork;
using inmaek::test::backend_name;
using inmaek::test::backends;
using inmaek::test::contains;
using inmaek::test::execute;
using inmaek::test::FreshDatabase;
using inmaek::test::kTeamChat;
using inmaek::test::query_text;
using inmaek::test::take_back_lead_filter_copies;
using inmaek::test::take_back_search_grams;

constexpr auto kOtherTeamChat = "-1009999999999";

/// "OpenAI → Kakao (#1) | …": the companies and meetings of each chain.
std::string chains_of(const std::vector<CompanyChain>& chains) {
    std::string out;
    for (const auto& chain : chains) {
        if (!out.empty()) out += " | ";
        out += chain.hops.front().from_name;
        for (const auto& hop : chain.hops) {
            out += " → " + hop.to_name + " (#" + std::to_string(hop.meeting_id) + ")";
        }
    }
    return out;
}

class Insight : public inmaek::test::ChatTest {
protected:
    Insight() { sequence_ = 9000; }

    Reply say(const std::string& text, const std::string& locale = "ko",
              const std::string& chat = kTeamChat) {
        return handle(message(text, inmaek::test::kMinji, locale, chat)).reply;
    }
    void log(const std::string& text, const std::string& chat = kTeamChat) {
        const auto reply = say(text, "ko", chat);
        ASSERT_EQ(reply.kind, Reply::Kind::ok) << text << "\n" << reply.plain_text();
    }
    Id company(const std::string& key) {
        const auto ws = workspace_id();
        return database_->transact(
            [&](UnitOfWork& work) { return work.companies().find_by_key(ws, key)->id; });
    }
    std::vector<CompanyChain> paths(const std::string& from, const std::string& to) {
        const auto ws = workspace_id();
        const auto a = company(from);
        const auto b = company(to);
        return database_->transact(
            [&](UnitOfWork& work) { return work.insights().paths(ws, a, b, 3, 3); });
    }
    /// A chain OpenAI –(Sam Altman at Kakao's meeting)– Kakao – Naver – LG – Samsung, and SK
    /// alone; Naver and Kakao met twice, the later-dated meeting logged first.
    void seed() {
        log("/회사 add 카카오 alias:Kakao");
        log("/회사 add OpenAI");
        log("/연락처 add 샘 알트먼 @OpenAI alias:\"Sam Altman\"");
        log("/회의 2025-02-04 11시 @카카오 참석: 샘 알트먼 : 카카오톡×ChatGPT 연동 논의");  // #1
        log("/회의 2025-02-03 @카카오 @Naver : 검색 제휴");                                 // #2
        log("/회의 2025-01-10 @Naver @카카오 : 첫 만남");                                   // #3
        log("/회의 2025-01-20 @Naver @\"LG AI Research\" : 모델 협력");                     // #4
        log("/회의 2025-01-21 @\"LG AI Research\" @\"Samsung Electronics\" : HBM");         // #5
        log("/회의 2025-01-22 @\"SK Group\" : 단독 미팅");                                  // #6
    }
};

INSTANTIATE_TEST_SUITE_P(Backends, Insight, ::testing::ValuesIn(backends()), backend_name);

TEST_P(Insight, PathsFollowSharedMeetingsAndContactsUpToThreeHops) {
    seed();
    const auto direct = paths("openai", "카카오");
    ASSERT_EQ(direct.size(), 1U);
    ASSERT_EQ(direct[0].hops.size(), 1U);
    const auto& hop = direct[0].hops[0];
    EXPECT_EQ(hop.meeting_id, 1);
    EXPECT_EQ(hop.contacts, std::vector<std::string>{"샘 알트먼"});
    EXPECT_EQ(hop.logged_by, "Minji Kim");
    EXPECT_EQ(chains_of(paths("openai", "naver")), "OpenAI → 카카오 (#1) → Naver (#2)");
    EXPECT_EQ(chains_of(paths("lgairesearch", "openai")),
              "LG AI Research → Naver (#4) → 카카오 (#2) → OpenAI (#1)");
    EXPECT_TRUE(paths("openai", "samsungelectronics").empty());
    EXPECT_TRUE(paths("skgroup", "카카오").empty());
}

TEST_P(Insight, LinksCountMeetingsKeepTheLatestAndMatchARebuildAndTheBackfill) {
    seed();
    const auto naver = paths("카카오", "naver");
    ASSERT_EQ(naver.size(), 1U);
    EXPECT_EQ(naver[0].hops[0].meetings, 2);
    EXPECT_EQ(naver[0].hops[0].meeting_id, 2);  // dated 2/3, logged before #3 of 1/10
    const auto kept = links();
    EXPECT_TRUE(contains(kept, ":2@2")) << kept;

    const auto ws = workspace_id();
    database_->transact([&](UnitOfWork& work) { work.insights().rebuild_company_links(ws); });
    EXPECT_EQ(links(), kept);

    // The schema before 0011 with the rows kept, then migrated again: the backfill.
    database_.reset();
    // The runner applies the migrations above the latest, so every one after 0011 goes too.
    execute(fresh_.url(), "DROP TABLE company_links");
    execute(fresh_.url(), "DROP TABLE server_secrets");
    take_back_search_grams(fresh_.url());
    take_back_lead_filter_copies(fresh_.url());
    execute(fresh_.url(), "DELETE FROM schema_migrations WHERE version >= 11");
    database_ = std::make_unique<Database>(DatabaseOptions{.url = fresh_.url()});
    database_->migrate();
    EXPECT_EQ(links(), kept);
}

TEST_P(Insight, LinksFollowAContactWhoMovesToAnotherCompany) {
    seed();
    log("/연락처 add 케빈 와일");
    ASSERT_EQ(chains_of(paths("openai", "카카오")), "OpenAI → 카카오 (#1)");
    const auto ws = workspace_id();
    // What the API's PATCH /contacts/{id} and an import do: write the contact with its company.
    const auto move = [&](Id contact, std::optional<Id> company) {
        database_->transact([&](UnitOfWork& work) {
            auto person = work.contacts().get(ws, contact).value();
            person.company_id = company;
            EXPECT_TRUE(work.contacts().update(person));
        });
    };

    // 샘 알트먼 (OpenAI) was met at 카카오's meeting #1; now he is at SK Group.
    move(1, company("skgroup"));
    EXPECT_TRUE(paths("openai", "카카오").empty());
    EXPECT_EQ(chains_of(paths("skgroup", "카카오")), "SK Group → 카카오 (#1)");
    expect_links_as_rebuilt();
    // Without a company he links nobody; given one again (as an import does), he links it.
    move(1, std::nullopt);
    EXPECT_TRUE(paths("skgroup", "카카오").empty());
    expect_links_as_rebuilt();
    move(1, company("openai"));
    EXPECT_EQ(chains_of(paths("openai", "카카오")), "OpenAI → 카카오 (#1)");
    expect_links_as_rebuilt();
    // A contact never met moves without touching the links.
    const auto before = links();
    move(2, company("naver"));
    EXPECT_EQ(links(), before);
}

TEST_P(Insight, HistoryListsMeetingsMovesAndFollowUpsNewestFirst) {
    seed();
    log("/리드 add \"KakaoTalk × ChatGPT\" @카카오 @OpenAI 단계:미팅 금액:50억");
    log("/리드 1 단계:협상");
    log("/할일 MOU 초안 송부 2/11까지 리드:1");
    const auto ws = workspace_id();
    const auto kakao = company("카카오");
    const auto page = database_->transact(
        [&](UnitOfWork& work) { return work.insights().company_history(ws, kakao, 4); });
    EXPECT_EQ(page.total, 3 + 2 + 1);
    ASSERT_EQ(page.items.size(), 4U);
    // Created, moved and the follow-up at "now" (2025-02-04 00:00 UTC), then meeting #1 at 11:00
    // KST (02:00 UTC) is the newest of all.
    EXPECT_EQ(page.items[0].kind, TimelineKind::meeting);
    EXPECT_EQ(page.items[0].id, 1);
    EXPECT_EQ(page.items[1].kind, TimelineKind::follow_up);
    EXPECT_EQ(page.items[2].kind, TimelineKind::stage_move);
    EXPECT_EQ(page.items[2].to_stage, "negotiation");
    EXPECT_EQ(page.items[3].kind, TimelineKind::lead_created);

    const auto reply = say("/이력 @Kakao");
    const auto text = reply.plain_text();
    EXPECT_EQ(reply.title, "🕘 카카오 이력 (6건)") << text;
    EXPECT_EQ(reply.lines.at(0),
              "📅 회의 #1 · 2025-02-04 11:00 KST · 카카오톡×ChatGPT 연동 논의 (Minji Kim 기록)")
        << text;
    EXPECT_TRUE(contains(text, "2025-02-04 📈 리드 #1 KakaoTalk × ChatGPT: 미팅 → 협상")) << text;
    EXPECT_TRUE(contains(text, "📝 후속 #1: MOU 초안 송부 (2025-02-11까지)")) << text;
    const auto english = say("/history kakao", "en");
    EXPECT_EQ(english.title, "🕘 카카오 · history (6)") << english.plain_text();
    EXPECT_TRUE(contains(english.plain_text(), "created · meeting")) << english.plain_text();
    for (int i = 0; i < 20; ++i) log("/회의 2025-01-0" + std::to_string(1 + i % 9) + " @카카오");
    EXPECT_EQ(say("/history kakao", "en").lines.back(), "  … and 6 more");
}

TEST_P(Insight, HistoryMistakesAnswerWithUsage) {
    seed();
    const auto unknown = say("/history @Nowhere", "en");
    EXPECT_EQ(unknown.kind, Reply::Kind::error);
    EXPECT_EQ(unknown.title, "⚠️ No company called 'Nowhere'.");
    EXPECT_TRUE(contains(unknown.usage, "/history @Company")) << unknown.usage;
    EXPECT_EQ(say("/이력").kind, Reply::Kind::error);
    EXPECT_EQ(say("/이력 @\"SK Group\"").title, "🕘 SK Group 이력 (1건)");
    log("/회사 add Quiet");
    EXPECT_EQ(say("/history Quiet", "en").title, "Nothing logged for Quiet yet.");
}

TEST_P(Insight, PathAnswersChainsInBothLanguages) {
    seed();
    const auto direct = say("/path @OpenAI @Kakao", "en");
    EXPECT_EQ(direct.title, "🔗 OpenAI → 카카오 · 1 hop(s)") << direct.plain_text();
    ASSERT_EQ(direct.lines.size(), 1U);
    EXPECT_EQ(direct.lines[0],
              "OpenAI → 카카오: Meeting #1 2025-02-04 (샘 알트먼, logged by Minji Kim)");
    const auto korean = say("/경로 @OpenAI @\"LG AI Research\"");
    const auto text = korean.plain_text();
    EXPECT_EQ(korean.title, "🔗 OpenAI → LG AI Research · 3단계") << text;
    EXPECT_EQ(korean.lines.at(0), "1. OpenAI → 카카오 → Naver → LG AI Research") << text;
    EXPECT_EQ(korean.lines.at(2), "  카카오 → Naver: 회의 #2 2025-02-03 (Minji Kim 기록, 회의 2회)")
        << text;
    EXPECT_EQ(say("/path @OpenAI @\"Samsung Electronics\"", "en").title,
              "Nothing connects OpenAI and Samsung Electronics within 3 meetings.");
}

TEST_P(Insight, PathMistakesAndOtherWorkspacesFindNothing) {
    seed();
    EXPECT_EQ(say("/path @OpenAI", "en").title,
              "⚠️ Which two companies? Name them: /path @A @B.");
    EXPECT_EQ(say("/path @OpenAI @Nowhere", "en").title, "⚠️ No company called 'Nowhere'.");
    EXPECT_EQ(
        say("/경로 @카카오 @Kakao").title,
        "⚠️ 양쪽 모두 카카오입니다: 서로 다른 두 회사를 적어 주세요.");
    // Another team's workspace knows none of these companies.
    log("/회사 add OpenAI", kOtherTeamChat);
    const auto other = say("/path @OpenAI @Kakao", "en", kOtherTeamChat);
    EXPECT_EQ(other.title, "⚠️ No company called 'Kakao'.");
    EXPECT_EQ(say("/history @Kakao", "en", kOtherTeamChat).kind, Reply::Kind::error);
}

TEST_P(Insight, PipelineCountsStagesAndThisMonthsMoves) {
    log("/lead add \"KakaoTalk × ChatGPT\" @Kakao stage:meeting value:50억");
    log("/lead add \"Chip co-design\" @Samsung stage:poc value:$2M");
    log("/lead 1 stage:negotiation");
    log("/lead add \"Search\" @Naver");
    const auto reply = say("/pipeline", "en");
    const auto text = reply.plain_text();
    EXPECT_EQ(reply.title, "📈 Pipeline") << text;
    // Every stage in pipeline order, empty ones too, values per currency as the summary says.
    EXPECT_EQ(reply.lines.at(0), "  new 1") << text;
    EXPECT_TRUE(contains(text, "  contacted 0\n")) << text;
    EXPECT_TRUE(contains(text, "  poc 1 · $2,000,000")) << text;
    EXPECT_TRUE(contains(text, "  negotiation 1 · ₩5,000,000,000")) << text;
    EXPECT_TRUE(contains(text, "This month (2025-02):")) << text;
    EXPECT_TRUE(contains(text, "🆕 New leads (3)")) << text;
    EXPECT_TRUE(contains(text, "#1 KakaoTalk × ChatGPT: meeting → negotiation · Minji Kim"))
        << text;
    const auto korean = say("/파이프라인");
    EXPECT_EQ(korean.title, "📈 파이프라인") << korean.plain_text();
    EXPECT_TRUE(contains(korean.plain_text(), "이번 달 (2025-02):")) << korean.plain_text();
}

TEST_P(Insight, HelpListsTheThreeCommandsWithTheirUsage) {
    const auto help = say("/도움말").plain_text();
    for (const auto* name :
         {"/history /이력 /히스토리", "/pipeline /파이프라인", "/path /경로 /연결"}) {
        EXPECT_TRUE(contains(help, name)) << name << "\n" << help;
    }
    EXPECT_TRUE(contains(say("/help path", "en").plain_text(), "Usage: /path @Company @Company"));
}

TEST_P(Insight, PipelineOfAnEmptyWorkspaceSaysSo) {
    const auto reply = say("/pipeline", "en");
    EXPECT_TRUE(contains(reply.plain_text(), "No lead was created or moved this month."))
        << reply.plain_text();
}

}  // namespace
