// The chat language over real repositories, on SQLite and on PostgreSQL, with a fixed clock
// (2025-02-04 09:00 KST).
#include <gtest/gtest.h>

#include "handlers/conversation.hpp"
#include "handlers/router.hpp"
#include "storage/database.hpp"
#include "tests/support/postgres.hpp"

namespace {

using inmaek::handlers::Conversation;
using inmaek::handlers::ConversationPolicy;
using inmaek::handlers::Message;
using inmaek::handlers::Outcome;
using inmaek::handlers::Platform;
using inmaek::handlers::Reply;
using inmaek::storage::Database;
using inmaek::storage::DatabaseOptions;
using inmaek::storage::UnitOfWork;
using inmaek::test::backend_name;
using inmaek::test::backends;
using inmaek::test::FreshDatabase;

// 2025-02-04 00:00 UTC = 09:00 in Seoul.
const std::chrono::sys_seconds kMorning{std::chrono::sys_days{std::chrono::year{2025} / 2 / 4}};

/// A fresh database on the backend of the test's parameter.
class ChatLanguage : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        DatabaseOptions options;
        options.url = fresh_.url();
        database_ = std::make_unique<Database>(options);
        database_->migrate();
        conversation_ = std::make_unique<Conversation>(policy());
    }
    void TearDown() override {
        conversation_.reset();
        database_.reset();
    }
    virtual ConversationPolicy policy() { return ConversationPolicy{}; }

    Outcome send(const std::string& text, const std::string& user = "5012345678",
                 const std::string& locale = "ko", const std::string& event_key = "") {
        Message message;
        message.platform = Platform::telegram;
        message.event_key = event_key.empty() ? std::to_string(++sequence_) : event_key;
        message.chat_id = "-1001234567890";
        message.chat_title = "Partners Team";
        message.sender.id = user;
        message.sender.display_name = user == "5012345678" ? "Minji Kim" : "User " + user;
        message.sender.handle = user == "5012345678" ? "minji_kim" : "user" + user;
        message.sender.locale = locale;
        message.text = text;
        message.received_at = kMorning;
        message.source_message_id = std::to_string(sequence_);
        return database_->transact(
            [&](UnitOfWork& work) { return conversation_->handle(work, message); });
    }
    Reply say(const std::string& text, const std::string& locale = "ko") {
        return send(text, "5012345678", locale).reply;
    }
    static std::string all(const Reply& reply) { return reply.plain_text(); }

    std::int64_t meetings() {
        return database_->transact([](UnitOfWork& work) {
            std::int64_t total = 0;
            for (const auto& w : work.workspaces().list()) total += work.meetings().count(w.id);
            return total;
        });
    }
    std::size_t companies() {
        return database_->transact([](UnitOfWork& work) {
            std::size_t total = 0;
            for (const auto& w : work.workspaces().list()) {
                total += work.companies().list(w.id, "", "", 1000).size();
            }
            return total;
        });
    }

    // Declared first: the database is dropped after its sessions have closed.
    FreshDatabase fresh_{GetParam()};
    std::unique_ptr<Database> database_;
    std::unique_ptr<Conversation> conversation_;
    std::int64_t sequence_ = 1000;
};

INSTANTIATE_TEST_SUITE_P(Backends, ChatLanguage, ::testing::ValuesIn(backends()), backend_name);

TEST_P(ChatLanguage, KoreanOneLineMeetingIsStoredWithNewCompaniesAndPeople) {
    const auto reply = say(
        "/회의 오늘 11시 @카카오 @OpenAI 참석: 샘 알트먼, 케빈 와일 : 카카오톡×ChatGPT 연동 논의");
    EXPECT_EQ(reply.kind, Reply::Kind::ok) << all(reply);
    EXPECT_EQ(reply.title,
              "✅ 회의 #1 · 2025-02-04 11:00 KST · 카카오, OpenAI · 샘 알트먼, 케빈 와일");
    const auto text = all(reply);
    EXPECT_NE(text.find("내용: 카카오톡×ChatGPT 연동 논의"), std::string::npos) << text;
    EXPECT_NE(text.find("새 회사: 카카오, OpenAI"), std::string::npos) << text;
    EXPECT_NE(text.find("새 연락처: 샘 알트먼, 케빈 와일"), std::string::npos) << text;
    EXPECT_EQ(meetings(), 1);
    EXPECT_EQ(companies(), 2U);
}

TEST_P(ChatLanguage, EnglishMeetingWithPlaceAndPeople) {
    const auto reply =
        say("/meet 2025-02-04 14:00 @Naver @\"LG AI Research\" with Sam Altman at \"The Plaza "
            "Hotel\" : Builder Lab",
            "en");
    EXPECT_EQ(reply.kind, Reply::Kind::ok) << all(reply);
    EXPECT_EQ(reply.title,
              "✅ Meeting #1 · 2025-02-04 14:00 KST · Naver, LG AI Research · Sam Altman");
    EXPECT_NE(all(reply).find("Place: The Plaza Hotel"), std::string::npos) << all(reply);
    EXPECT_NE(all(reply).find("Notes: Builder Lab"), std::string::npos);
}

TEST_P(ChatLanguage, BlockFormMeetingWithFollowUpDue) {
    const auto reply =
        say("/회의 2025-02-04 11:00\n회사: 카카오, OpenAI\n참석: 샘 알트먼, 케빈 와일\n장소: "
            "카카오 미디어데이\n"
            "내용: 카카오톡 × ChatGPT 연동 논의\n후속: MOU 초안 송부 2/11까지");
    ASSERT_EQ(reply.kind, Reply::Kind::ok) << all(reply);
    EXPECT_EQ(reply.title,
              "✅ 회의 #1 · 2025-02-04 11:00 KST · 카카오, OpenAI · 샘 알트먼, 케빈 와일");
    const auto text = all(reply);
    EXPECT_NE(text.find("장소: 카카오 미디어데이"), std::string::npos) << text;
    EXPECT_NE(text.find("후속 #1: MOU 초안 송부 (2025-02-11까지)"), std::string::npos) << text;
}

TEST_P(ChatLanguage, CompaniesResolveThroughAliasesAndFoldedKeys) {
    ASSERT_EQ(say("/company add Kakao alias:카카오,\"Kakao Corp\" industry:platform", "en").kind,
              Reply::Kind::ok);
    for (const auto* mention : {"@카카오", "@kakao", "@KAKAO", "@\"kakao corp\"", "@ＫＡＫＡＯ"}) {
        SCOPED_TRACE(mention);
        const auto reply = say(std::string{"/meet today 10:00 "} + mention + " : sync", "en");
        ASSERT_EQ(reply.kind, Reply::Kind::ok) << all(reply);
        EXPECT_NE(reply.title.find("· Kakao"), std::string::npos) << reply.title;
        EXPECT_EQ(all(reply).find("New company"), std::string::npos) << all(reply);
    }
    EXPECT_EQ(companies(), 1U);
}

TEST_P(ChatLanguage, CurlyQuotesGroupNames) {
    const auto reply = say("/회의 내일 오후 3시 @“LG AI 연구원” 참석: “구광모 회장” : 엑사원 협력");
    ASSERT_EQ(reply.kind, Reply::Kind::ok) << all(reply);
    EXPECT_EQ(reply.title, "✅ 회의 #1 · 2025-02-05 15:00 KST · LG AI 연구원 · 구광모 회장");
}

TEST_P(ChatLanguage, AMistakeAnswersWhatWasWrongWithUsageAndStoresNothing) {
    const auto reply = say("/회의 오늘 11시 참석: 샘 알트먼 : 회사 없이");
    EXPECT_EQ(reply.kind, Reply::Kind::error);
    EXPECT_NE(reply.title.find("@회사"), std::string::npos) << reply.title;
    EXPECT_TRUE(reply.usage.starts_with("사용법: /회의")) << reply.usage;
    EXPECT_EQ(meetings(), 0);
    EXPECT_EQ(companies(), 0U);

    const auto english = say("/meet someday @Kakao : x", "en");
    EXPECT_EQ(english.kind, Reply::Kind::error);
    EXPECT_TRUE(english.usage.starts_with("Usage: /meet")) << english.usage;
    EXPECT_EQ(companies(), 0U);
}

TEST_P(ChatLanguage, UnknownCommandPointsToHelp) {
    const auto reply = say("/frobnicate", "en");
    EXPECT_EQ(reply.kind, Reply::Kind::error);
    EXPECT_NE(all(reply).find("/help"), std::string::npos);
}

TEST_P(ChatLanguage, RedeliveredEventReturnsTheStoredReplyAndChangesNothing) {
    const auto first = send("/meet today 11:00 @Kakao : sync", "5012345678", "en", "734512901");
    ASSERT_FALSE(first.replayed);
    for (int i = 0; i < 5; ++i) {
        const auto again = send("/meet today 11:00 @Kakao : sync", "5012345678", "en", "734512901");
        EXPECT_TRUE(again.replayed);
        EXPECT_EQ(again.reply.plain_text(), first.reply.plain_text());
    }
    EXPECT_EQ(meetings(), 1);
}

TEST_P(ChatLanguage, LeadMovesThroughStagesWithHistory) {
    const auto added =
        say("/리드 add \"KakaoTalk × ChatGPT 연동\" @카카오 @OpenAI 단계:미팅 금액:50억 마감:3/31");
    ASSERT_EQ(added.kind, Reply::Kind::ok) << all(added);
    EXPECT_EQ(added.title, "✅ 리드 #1 · KakaoTalk × ChatGPT 연동");
    EXPECT_NE(all(added).find("미팅 · 50억원"), std::string::npos) << all(added);
    EXPECT_NE(all(added).find("2025-03-31까지"), std::string::npos) << all(added);

    const auto moved = say("/리드 1 단계:협상 금액:$2M");
    ASSERT_EQ(moved.kind, Reply::Kind::ok) << all(moved);
    EXPECT_NE(all(moved).find("미팅 → 협상"), std::string::npos) << all(moved);
    EXPECT_NE(all(moved).find("$2,000,000"), std::string::npos) << all(moved);

    const auto card = say("/lead 1", "en");
    const auto text = all(card);
    EXPECT_NE(text.find("meeting → negotiation"), std::string::npos) << text;
    EXPECT_NE(text.find("Companies: 카카오, OpenAI"), std::string::npos) << text;

    const auto wrong = say("/lead 1 stage:married", "en");
    EXPECT_EQ(wrong.kind, Reply::Kind::error);
    const auto missing = say("/lead 99", "en");
    EXPECT_EQ(missing.kind, Reply::Kind::error);
}

TEST_P(ChatLanguage, FollowUpsAreListedAndDoneOnce) {
    const auto added = say("/할일 MOU 초안 송부 2/11까지");
    ASSERT_EQ(added.kind, Reply::Kind::ok) << all(added);
    EXPECT_EQ(added.title, "✅ 후속 #1: MOU 초안 송부 (2025-02-11까지)");
    ASSERT_FALSE(added.buttons.empty());
    EXPECT_EQ(added.buttons.front().command, "/done 1");
    EXPECT_NE(all(say("/todos", "en")).find("MOU 초안 송부"), std::string::npos);
    EXPECT_EQ(say("/완료 1").kind, Reply::Kind::ok);
    EXPECT_NE(all(say("/done 1", "en")).find("already"), std::string::npos);
    EXPECT_EQ(say("/done 42", "en").kind, Reply::Kind::error);
}

TEST_P(ChatLanguage, ContactsBelongToTheirCompany) {
    const auto reply = say(
        "/contact add \"Sam Altman\" @OpenAI title:CEO email:sam@openai.com alias:\"샘 알트먼\"",
        "en");
    ASSERT_EQ(reply.kind, Reply::Kind::ok) << all(reply);
    EXPECT_EQ(reply.title, "✅ Contact #1 · Sam Altman · OpenAI · CEO");
    EXPECT_NE(all(reply).find("New company: OpenAI"), std::string::npos);
    const auto card = say("/연락처 샘 알트먼");
    EXPECT_NE(card.title.find("Sam Altman"), std::string::npos) << all(card);
    EXPECT_EQ(say("/contact add Kim email:not-an-email", "en").kind, Reply::Kind::error);
}

TEST_P(ChatLanguage, CompanyCardShowsContactsLeadsAndMeetings) {
    say("/회사 add 카카오 alias:Kakao 업종:플랫폼 등급:A");
    say("/회의 오늘 11시 @Kakao 참석: 샘 알트먼 : 연동 논의");
    say("/리드 add 연동 @카카오");
    const auto card = say("/회사 kakao");
    const auto text = all(card);
    EXPECT_NE(card.title.find("카카오"), std::string::npos) << text;
    EXPECT_NE(text.find("별칭: Kakao"), std::string::npos) << text;
    EXPECT_NE(text.find("#1 연동"), std::string::npos) << text;
    EXPECT_NE(text.find("연동 논의"), std::string::npos) << text;
    EXPECT_NE(all(say("/companies", "en")).find("카카오"), std::string::npos);
    EXPECT_EQ(say("/회사 add 카카오").kind, Reply::Kind::error);
}

TEST_P(ChatLanguage, FirstPersonIsAdminAndLaterOnesAreMembers) {
    say("/help");
    send("/help", "777");
    database_->transact([](UnitOfWork& work) {
        const auto workspaces = work.workspaces().list();
        ASSERT_EQ(workspaces.size(), 1U);
        const auto first = work.workspaces().find_user(workspaces[0].id, "telegram", "5012345678");
        const auto second = work.workspaces().find_user(workspaces[0].id, "telegram", "777");
        ASSERT_TRUE(first && second);
        EXPECT_EQ(first->role, inmaek::storage::Role::admin);
        EXPECT_EQ(second->role, inmaek::storage::Role::member);
    });
}

TEST_P(ChatLanguage, HelpListsEveryCommandWithItsKoreanAliases) {
    const auto help = all(say("/도움말"));
    for (const auto* name : {"/meet /회의", "/company /회사", "/contact /연락처", "/lead /리드",
                             "/todo /할일", "/todos /할일목록", "/done /완료", "/help /도움말"}) {
        EXPECT_NE(help.find(name), std::string::npos) << name << "\n" << help;
    }
    EXPECT_NE(all(say("/help meet", "en")).find("Usage: /meet"), std::string::npos);
}

TEST_P(ChatLanguage, TextWithoutACommandInADirectChatGetsAHint) {
    Message message;
    message.platform = Platform::telegram;
    message.event_key = "dm-1";
    message.chat_id = "5012345678";
    message.sender.id = "5012345678";
    message.sender.locale = "en";
    message.text = "hello?";
    message.direct = true;
    message.received_at = kMorning;
    const auto outcome =
        database_->transact([&](UnitOfWork& work) { return conversation_->handle(work, message); });
    EXPECT_FALSE(outcome.ignored);
    EXPECT_NE(outcome.reply.plain_text().find("/help"), std::string::npos);
    EXPECT_EQ(companies(), 0U);
}

TEST_P(ChatLanguage, OrdinaryChatterAndOtherBotsCommandsAreIgnored) {
    EXPECT_TRUE(send("점심 뭐 먹지?").ignored);
    EXPECT_EQ(meetings(), 0);
}

class LinkedChatsOnly : public ChatLanguage {
protected:
    ConversationPolicy policy() override {
        ConversationPolicy p;
        p.auto_bind = false;
        p.bot_username = "crm_partner_bot";
        return p;
    }
};

INSTANTIATE_TEST_SUITE_P(Backends, LinkedChatsOnly, ::testing::ValuesIn(backends()), backend_name);

TEST_P(LinkedChatsOnly, AnUnlinkedChatIsToldHowToLinkIt) {
    const auto reply = say("/help", "en");
    EXPECT_EQ(reply.kind, Reply::Kind::error);
    EXPECT_NE(reply.usage.find("inmaek workspace link"), std::string::npos);
    EXPECT_EQ(companies(), 0U);
}

TEST_P(LinkedChatsOnly, CommandsForAnotherBotAreIgnored) {
    EXPECT_TRUE(send("/meet@other_bot today @Kakao").ignored);
    EXPECT_FALSE(send("/help@crm_partner_bot").ignored);
}

/// A server that serves downloads: /export answers with the link its policy makes.
class ExportLinks : public ChatLanguage {
protected:
    ConversationPolicy policy() override {
        ConversationPolicy policy;
        policy.export_link = [](inmaek::storage::Id workspace, std::string_view kind) {
            return "https://crm.example.com/exports/" + std::to_string(workspace) + "." +
                   std::string{kind} + ".signed";
        };
        return policy;
    }
};

INSTANTIATE_TEST_SUITE_P(Backends, ExportLinks, ::testing::ValuesIn(backends()), backend_name);

TEST_P(ExportLinks, AdminGetsALinkForTheKindInEitherLanguage) {
    auto reply = say("/export leads", "en");  // the first speaker administers the workspace
    EXPECT_EQ(reply.kind, Reply::Kind::ok) << all(reply);
    EXPECT_EQ(reply.title, "📤 Leads (CSV): https://crm.example.com/exports/1.leads.signed");
    EXPECT_NE(all(reply).find("works for 15 minutes"), std::string::npos) << all(reply);
    reply = say("/내보내기 회사");
    EXPECT_EQ(reply.title, "📤 회사 (CSV): https://crm.example.com/exports/1.companies.signed");
}

TEST_P(ExportLinks, MembersAndUnknownKindsGetNoLink) {
    say("/help");  // Minji, the first speaker, is the admin
    const auto member = send("/export leads", "42", "en").reply;
    EXPECT_EQ(member.kind, Reply::Kind::error);
    EXPECT_NE(all(member).find("Only an admin can use /export"), std::string::npos) << all(member);
    EXPECT_EQ(all(member).find("exports/"), std::string::npos);
    const auto unknown = say("/export everything", "en");
    EXPECT_EQ(unknown.kind, Reply::Kind::error);
    EXPECT_NE(all(unknown).find("'everything' cannot be exported"), std::string::npos);
    EXPECT_NE(all(unknown).find("/export leads|companies|contacts|meetings"), std::string::npos);
}

TEST_P(ChatLanguage, ExportWithoutDownloadsPointsToTheCommandLine) {
    const auto reply = say("/export leads", "en");
    EXPECT_EQ(reply.kind, Reply::Kind::error);
    EXPECT_NE(all(reply).find("inmaek export"), std::string::npos) << all(reply);
}

}  // namespace
