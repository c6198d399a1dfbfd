// /undo and /company merge over real repositories, on SQLite and on PostgreSQL, with a clock
// the test moves (from 2025-02-04 09:00 KST).
#include <gtest/gtest.h>

#include "tests/support/chat_test.hpp"

namespace {

using inmaek::handlers::Reply;
using inmaek::storage::Id;
using inmaek::storage::UnitOfWork;
using inmaek::test::backend_name;
using inmaek::test::backends;
using inmaek::test::Person;
using namespace std::chrono_literals;

constexpr auto kMinji = "5012345678";  // the first to speak: admin
constexpr auto kJun = "5087654321";    // a member

class Undo : public inmaek::test::ChatTest {
protected:
    Reply say(const std::string& text, const std::string& user = kMinji) {
        const Person who =
            user == kMinji ? inmaek::test::kMinji : Person{kJun, "Jun Park", "jun_park"};
        const auto reply = handle(message(text, who, "en")).reply;
        now_ += 1min;
        return reply;
    }
    static std::string all(const Reply& reply) { return reply.plain_text(); }
    static bool has(const Reply& reply, std::string_view text) {
        return all(reply).find(text) != std::string::npos;
    }

    template <typename Fn>
    auto read(Fn&& fn) {
        return database_->transact([&](UnitOfWork& work) {
            const auto workspace = work.workspaces().list().front().id;
            return fn(work, workspace);
        });
    }
    std::int64_t meetings() {
        return read([](UnitOfWork& w, Id ws) { return w.meetings().count(ws); });
    }
    std::size_t companies() {
        return read(
            [](UnitOfWork& w, Id ws) { return w.companies().list(ws, "", "", 100).size(); });
    }
    std::vector<Id> meeting_companies(Id meeting) {
        return read(
            [&](UnitOfWork& w, Id ws) { return w.meetings().get(ws, meeting)->company_ids; });
    }
    std::int64_t search_total(const std::string& query) {
        return read(
            [&](UnitOfWork& w, Id ws) { return w.search().search(ws, query, 10, 40).total; });
    }
    /// The lead's stage history as "from>to@minutes after the first change", oldest first.
    std::string moves(Id lead) {
        const auto changes =
            read([&](UnitOfWork& w, Id ws) { return w.leads().history(ws, lead); });
        std::string out;
        for (const auto& change : changes) {
            const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(
                change.changed_at - changes.front().changed_at);
            out += (out.empty() ? "" : " ") + change.from_stage + ">" + change.to_stage + "@" +
                   std::to_string(minutes.count());
        }
        return out;
    }
    /// Leads and summed value of a stage, as the pipeline totals (kept by triggers) say.
    std::pair<std::int64_t, std::int64_t> pipeline(const std::string& stage) {
        return read([&](UnitOfWork& w, Id ws) {
            std::pair<std::int64_t, std::int64_t> total{0, 0};
            for (const auto& row : w.summaries().pipeline(ws)) {
                if (row.stage == stage)
                    total = {total.first + row.leads, total.second + row.amount};
            }
            return total;
        });
    }
};

INSTANTIATE_TEST_SUITE_P(Backends, Undo, ::testing::ValuesIn(backends()), backend_name);

TEST_P(Undo, AMeetingGoesWithTheCompaniesPeopleAndFollowUpItCreated) {
    say("/company add Naver");
    const auto meeting =
        say("/meet 2025-02-04 11:00\ncompanies: Kakao, Naver\nwith: Sam Altman, Kevin Weil\n"
            "notes: ChatGPT integration\nnext: send the MOU draft 2/11");
    ASSERT_EQ(meeting.kind, Reply::Kind::ok) << all(meeting);
    ASSERT_EQ(companies(), 2U);
    ASSERT_EQ(search_total("integration"), 1);

    const auto undone = say("/undo");
    EXPECT_EQ(undone.kind, Reply::Kind::ok) << all(undone);
    EXPECT_EQ(undone.title,
              "↩️ Undid: Meeting #1 · 2025-02-04 11:00 KST · Kakao, Naver (deleted)")
        << all(undone);
    EXPECT_TRUE(has(undone, "Company #2 · Kakao")) << all(undone);
    EXPECT_TRUE(has(undone, "Contact #1 · Sam Altman")) << all(undone);
    EXPECT_TRUE(has(undone, "Follow-up #1 · send the MOU draft")) << all(undone);
    EXPECT_EQ(meetings(), 0);
    EXPECT_EQ(companies(), 1U) << "Naver was there before and stays";
    EXPECT_EQ(links(), "") << "the meeting no longer links Kakao and Naver";
    EXPECT_EQ(search_total("integration"), 0);
    EXPECT_EQ(search_total("Kakao"), 0);
    EXPECT_FALSE(has(say("/todos all"), "MOU"));
}

TEST_P(Undo, IsRefusedWhenSomeoneElsesMeetingUsesTheNewCompany) {
    say("/meet @Kakao : first");
    say("/meet @Kakao : second", kJun);
    const auto refused = say("/undo");
    EXPECT_EQ(refused.kind, Reply::Kind::error) << all(refused);
    EXPECT_TRUE(has(refused, "Company #1 · Kakao is used by Meeting #2")) << all(refused);
    EXPECT_TRUE(has(refused, "Nothing was changed")) << all(refused);
    EXPECT_EQ(meetings(), 2);
    EXPECT_EQ(companies(), 1U);
    // Jun's own meeting is his to undo, and leaves Minji's alone.
    EXPECT_EQ(say("/undo", kJun).kind, Reply::Kind::ok);
    EXPECT_EQ(meetings(), 1);
}

TEST_P(Undo, ALeadIsNotDeletedUnderAMeetingLinkedToIt) {
    say("/lead add \"KakaoTalk x ChatGPT\" @Kakao stage:proposal");
    say("/meet @Kakao lead:1 : kickoff", kJun);
    const auto refused = say("/undo");
    EXPECT_EQ(refused.kind, Reply::Kind::error) << all(refused);
    EXPECT_TRUE(has(refused, "is used by Meeting #1")) << all(refused);
    EXPECT_TRUE(has(say("/lead 1"), "KakaoTalk x ChatGPT"));
}

TEST_P(Undo, ALeadChangeGoesBackToItsBeforeImageAndThePipelineFollows) {
    say("/lead add \"KakaoTalk x ChatGPT\" @Kakao stage:proposal value:5억 due:2025-03-01");
    ASSERT_EQ(pipeline("proposal"), (std::pair<std::int64_t, std::int64_t>{1, 500'000'000}));
    const auto moved =
        say("/lead 1 stage:negotiation value:10억 due:2025-04-01 note:\"board said yes\"");
    ASSERT_EQ(moved.kind, Reply::Kind::ok) << all(moved);
    ASSERT_EQ(pipeline("negotiation").first, 1);

    const auto undone = say("/undo");
    EXPECT_EQ(undone.kind, Reply::Kind::ok) << all(undone);
    EXPECT_EQ(undone.title,
              "↩️ Undid: the change of Lead #1 · KakaoTalk x ChatGPT (stage proposal again)")
        << all(undone);
    EXPECT_EQ(pipeline("proposal"), (std::pair<std::int64_t, std::int64_t>{1, 500'000'000}));
    EXPECT_EQ(pipeline("negotiation"), (std::pair<std::int64_t, std::int64_t>{0, 0}));
    const auto card = all(say("/lead 1"));
    EXPECT_NE(card.find("2025-03-01"), std::string::npos) << card;
    EXPECT_EQ(card.find("board said yes"), std::string::npos) << card;
}

TEST_P(Undo, AnUndoneStageMoveLeavesNoTraceInTheHistoryOrThePipelinesMoves) {
    say("/lead add \"KakaoTalk x ChatGPT\" @Kakao stage:proposal");  // 00:00
    say("/lead 1 stage:negotiation");                                // 00:01
    say("/lead 1 stage:proposal");                                   // 00:02
    say("/lead 1 stage:negotiation");                                // 00:03
    ASSERT_EQ(moves(1),
              ">proposal@0 proposal>negotiation@1 negotiation>proposal@2 "
              "proposal>negotiation@3");

    const auto undone = say("/undo");
    ASSERT_EQ(undone.kind, Reply::Kind::ok) << all(undone);
    EXPECT_EQ(moves(1), ">proposal@0 proposal>negotiation@1 negotiation>proposal@2")
        << "the move of 00:03 is gone, not answered by a move back; the earlier ones stay";
    EXPECT_EQ(pipeline("proposal").first, 1);
    EXPECT_EQ(say("/history @Kakao").title, "🕘 Kakao · history (3)");
    say("/undo");  // already undone: nothing more goes
    EXPECT_EQ(moves(1), ">proposal@0 proposal>negotiation@1 negotiation>proposal@2");

    // A change that moved nothing leaves the history as it is; the undo itself is audited.
    say("/lead 1 value:5억");
    EXPECT_EQ(say("/undo").kind, Reply::Kind::ok);
    EXPECT_EQ(moves(1), ">proposal@0 proposal>negotiation@1 negotiation>proposal@2");
    EXPECT_EQ(inmaek::test::query_text(fresh_.url(),
                                       "SELECT COUNT(*) FROM audit_log WHERE action = 'undo'"),
              "2");
}

TEST_P(Undo, ThePipelineDoesNotCountAnUndoneMoveAmongThisMonthsMoves) {
    say("/lead add \"HBM supply\" @Samsung stage:proposal");
    say("/lead 1 stage:negotiation");
    ASSERT_TRUE(has(say("/pipeline"), "proposal → negotiation")) << all(say("/pipeline"));
    ASSERT_EQ(say("/undo").kind, Reply::Kind::ok);
    const auto pipeline = say("/pipeline");
    EXPECT_FALSE(has(pipeline, "→ negotiation")) << all(pipeline);
    EXPECT_TRUE(has(pipeline, "New leads (1)")) << all(pipeline);
    EXPECT_TRUE(has(pipeline, "  proposal 1")) << all(pipeline);
}

TEST_P(Undo, ALeadChangedAgainByAnotherIsNotRolledBack) {
    say("/lead add \"HBM supply\" @Samsung stage:proposal");
    say("/lead 1 stage:negotiation");
    say("/lead 1 value:120억", kJun);
    const auto refused = say("/undo");
    EXPECT_EQ(refused.kind, Reply::Kind::error) << all(refused);
    EXPECT_TRUE(has(refused, "Lead #1 · HBM supply was changed after your change")) << all(refused);
    EXPECT_EQ(pipeline("negotiation"), (std::pair<std::int64_t, std::int64_t>{1, 12'000'000'000}));
}

TEST_P(Undo, ADoneFollowUpIsOpenAgain) {
    say("/todo tomorrow send the MOU draft");
    ASSERT_EQ(say("/done 1").kind, Reply::Kind::ok);
    const auto undone = say("/undo");
    EXPECT_EQ(undone.title, "↩️ Undid: Follow-up #1 · send the MOU draft is open again")
        << all(undone);
    EXPECT_TRUE(has(say("/todos"), "send the MOU draft"));
}

TEST_P(Undo, OnlyOnceOnlyForTenMinutesAndOnlyOwnChanges) {
    EXPECT_EQ(say("/undo").title, "Nothing to undo: you changed nothing in the last 10 minutes.");
    say("/meet @Kakao : one");
    EXPECT_EQ(say("/undo", kJun).title,
              "Nothing to undo: you changed nothing in the last 10 minutes.");
    EXPECT_EQ(say("/undo").kind, Reply::Kind::ok);
    EXPECT_EQ(say("/undo").title,
              "Your last change was already undone: /undo takes back one change, once.");

    say("/meet @Naver : two");
    now_ += 11min;
    const auto late = say("/undo");
    EXPECT_NE(all(late).find("more than 10 minutes old"), std::string::npos) << all(late);
    EXPECT_EQ(meetings(), 1);
}

TEST_P(Undo, AMergeMovesEverythingAndUndoPutsItBack) {
    say("/company add Kakao alias:카카오");
    const auto duplicate =
        say("/company add \"(주)카카오\" alias:카카오코퍼레이션 industry:platform");
    ASSERT_EQ(duplicate.kind, Reply::Kind::ok) << all(duplicate);
    EXPECT_TRUE(
        has(duplicate, "Same company as Kakao (#1)? If so: /company merge (주)카카오 Kakao"))
        << all(duplicate);
    say("/contact add \"Brian Kim\" @\"(주)카카오\"");
    say("/meet @Kakao @\"(주)카카오\" : both");                 // meeting 1: the link is dropped
    say("/meet @OpenAI @\"(주)카카오\" : only the duplicate");  // meeting 2: moved
    say("/lead add \"KakaoTalk x ChatGPT\" @OpenAI @\"(주)카카오\" stage:proposal");
    ASSERT_EQ(meeting_companies(1), (std::vector<Id>{1, 2}));

    const auto member = say("/company merge \"(주)카카오\" Kakao", kJun);
    EXPECT_EQ(member.kind, Reply::Kind::error);
    EXPECT_TRUE(has(member, "Only a manager or an admin")) << all(member);
    EXPECT_EQ(companies(), 3U);

    const auto merged = say("/company merge \"(주)카카오\" Kakao");
    ASSERT_EQ(merged.kind, Reply::Kind::ok) << all(merged);
    EXPECT_EQ(merged.title, "✅ Merged (주)카카오 (#2) into Kakao (#1)");
    EXPECT_TRUE(has(merged, "Moved: 1 contacts, 2 meeting links, 1 lead links, 1 aliases"))
        << all(merged);
    EXPECT_EQ(companies(), 2U);
    EXPECT_EQ(meeting_companies(1), (std::vector<Id>{1}));
    EXPECT_EQ(meeting_companies(2), (std::vector<Id>{3, 1}));
    const auto card = all(say("/company (주)카카오"));
    EXPECT_NE(card.find("Kakao (#1)"), std::string::npos) << card;
    EXPECT_NE(card.find("Brian Kim"), std::string::npos) << card;
    EXPECT_NE(card.find("카카오코퍼레이션"), std::string::npos) << card;
    EXPECT_NE(card.find("KakaoTalk x ChatGPT"), std::string::npos) << card;
    EXPECT_EQ(search_total("카카오코퍼레이션"), 1);
    EXPECT_EQ(links(), "1-3:1@2 3-1:1@2") << "Kakao met OpenAI; (주)카카오's links are gone";
    expect_links_as_rebuilt();

    const auto undone = say("/undo");
    ASSERT_EQ(undone.kind, Reply::Kind::ok) << all(undone);
    EXPECT_EQ(undone.title,
              "↩️ Undid: the merge of (주)카카오 into Kakao ((주)카카오 is #2 again)");
    EXPECT_EQ(companies(), 3U);
    EXPECT_EQ(meeting_companies(1), (std::vector<Id>{1, 2}));
    EXPECT_EQ(meeting_companies(2), (std::vector<Id>{3, 2}));
    expect_links_as_rebuilt();
    EXPECT_NE(links().find("2-3:1@2"), std::string::npos) << links();
    const auto back = all(say("/company (주)카카오"));
    EXPECT_NE(back.find("(주)카카오 (#2)"), std::string::npos) << back;
    EXPECT_NE(back.find("Brian Kim"), std::string::npos) << back;
    EXPECT_NE(back.find("카카오코퍼레이션"), std::string::npos) << back;
    EXPECT_NE(back.find("platform"), std::string::npos) << back;
    EXPECT_EQ(all(say("/company Kakao")).find("Brian Kim"), std::string::npos);
    EXPECT_EQ(say("/undo").title,
              "Your last change was already undone: /undo takes back one change, once.");
}

TEST_P(Undo, AMergeNeedsTwoKnownDifferentCompanies) {
    say("/company add Kakao");
    EXPECT_TRUE(has(say("/company merge Kakao"), "Name the duplicate"));
    EXPECT_TRUE(has(say("/company merge Kakao Nowhere"), "No company called 'Nowhere'"));
    EXPECT_TRUE(has(say("/company merge Kakao KAKAO"), "the same company (#1)"));
    EXPECT_EQ(companies(), 1U);
}

TEST_P(Undo, NewCompaniesThatLookKnownSuggestAMerge) {
    say("/company add \"Kakao Corp.\" alias:카카오");
    const auto meeting = say("/meet @\"(주)카카오\" @OpenAI : media day");
    EXPECT_TRUE(
        has(meeting,
            "Same company as Kakao Corp. (#1)? If so: /company merge (주)카카오 \"Kakao Corp.\""))
        << all(meeting);
    EXPECT_FALSE(has(meeting, "Same company as OpenAI")) << all(meeting);
    const auto lead = say("/lead add \"Chip supply\" @\"KAKAO Inc.\"");
    EXPECT_TRUE(has(lead, "Same company as Kakao Corp. (#1)")) << all(lead);
    const auto unrelated = say("/meet @\"Kakao Mobility\" : not the same");
    EXPECT_FALSE(has(unrelated, "Same company")) << all(unrelated);
}

}  // namespace
