// End-to-end: the real `inmaek` binary on 127.0.0.1:0, talked to over HTTP (and over stdin for
// `chat` and `demo`), each test on both backends: a fresh SQLite file or a fresh PostgreSQL
// database, handed to the server as INMAEK_DATABASE_URL.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <ctime>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/e2e/harness.hpp"
#include "tests/e2e/server_process.hpp"
#include "tests/support/postgres.hpp"

namespace inmaek::e2e {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t kChatId = -1001234567890;
constexpr std::int64_t kMessageId = 4211;
constexpr std::string_view kGenericHook = "/hooks/generic";
constexpr std::string_view kSecretHeader = "X-Telegram-Bot-Api-Secret-Token";
constexpr std::size_t kTwoMebibytes = std::size_t{2} * 1024 * 1024;

/// Replies printed by `inmaek chat`: plain text blocks separated by a blank line.
std::vector<std::string> split_replies(const std::string& output) {
    std::vector<std::string> replies;
    std::size_t start = 0;
    while (start < output.size()) {
        const auto end = output.find("\n\n", start);
        auto block =
            output.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (!block.empty()) replies.push_back(std::move(block));
        if (end == std::string::npos) break;
        start = end + 2;
    }
    return replies;
}

/// A test on a fresh database of the backend it is instantiated with.
class BackendTest : public ::testing::TestWithParam<std::string> {
protected:
    /// Row count of `table`, read through a connection of the test's own.
    std::int64_t rows(const std::string& table) const {
        try {
            return count_rows(database_.url(), table);
        } catch (const std::exception& error) {
            ADD_FAILURE() << "counting " << table << ": " << error.what();
            return -1;
        }
    }

    test::TempDir dir_;  // the servers' working folder
    test::FreshDatabase database_{GetParam()};
};

/// One server process per test.
class ServerTest : public BackendTest {
protected:
    void TearDown() override {
        if (HasFailure() && server_) {
            std::cerr << "---- inmaek log ----\n" << server_->log() << "--------------------\n";
        }
        server_.reset();  // before the database goes
    }

    /// Starts `inmaek serve --listen 127.0.0.1:0` on the test's database and waits for its port.
    bool start(Environment env = {}) {
        server_ = launch_server(database_.url(), std::move(env), dir_.path());
        return wait_listening(*server_);
    }

    [[nodiscard]] unsigned short port() const { return server_->port(); }

    std::unique_ptr<ServerProcess> server_;
};

class TelegramWebhook : public ServerTest {};
class GenericWebhook : public ServerTest {};
class HttpServer : public ServerTest {};

TEST_P(TelegramWebhook, KoreanMeetingUpdateIsStoredAndAnswered) {
    ASSERT_TRUE(start());
    const auto response = post(port(), kTelegramHook, telegram_fixture("korean_meeting.json"));
    ASSERT_EQ(response.status, 200U) << response.error << response.body;
    EXPECT_NE(response.header("content-type").find("application/json"), std::string::npos);
    const auto call = nlohmann::json::parse(response.body, nullptr, false);
    ASSERT_TRUE(call.is_object()) << response.body;
    EXPECT_EQ(call.value("method", ""), "sendMessage");
    EXPECT_EQ(call.value("parse_mode", ""), "HTML");
    ASSERT_TRUE(call.contains("chat_id") && call["chat_id"].is_number_integer()) << response.body;
    EXPECT_EQ(call["chat_id"].get<std::int64_t>(), kChatId);
    ASSERT_TRUE(call.contains("reply_parameters")) << response.body;
    EXPECT_EQ(call["reply_parameters"].value("message_id", std::int64_t{0}), kMessageId);
    const auto text = call.value("text", "");
    EXPECT_NE(text.find("회의 #1"), std::string::npos) << text;
    EXPECT_NE(text.find("2025-02-04 11:00 KST"), std::string::npos) << text;
    EXPECT_NE(text.find("카카오"), std::string::npos) << text;
    EXPECT_NE(text.find("OpenAI"), std::string::npos) << text;
    EXPECT_NE(text.find("샘 알트먼"), std::string::npos) << text;
    EXPECT_NE(text.find("케빈 와일"), std::string::npos) << text;

    EXPECT_EQ(rows("meetings"), 1);
    EXPECT_EQ(rows("companies"), 2);
    EXPECT_EQ(rows("contacts"), 2);
    EXPECT_EQ(rows("inbound_events"), 1);
    EXPECT_GE(rows("audit_log"), 1);
}

TEST_P(TelegramWebhook, RedeliveredUpdateIsStoredOnceAndAnsweredTheSame) {
    ASSERT_TRUE(start());
    const auto update = telegram_fixture("korean_meeting.json");
    HttpClient client{port()};
    const auto first = client.post(kTelegramHook, update);
    ASSERT_EQ(first.status, 200U) << first.error << first.body;
    ASSERT_FALSE(first.body.empty());
    for (int delivery = 2; delivery <= 20; ++delivery) {
        const auto again = client.post(kTelegramHook, update);
        ASSERT_EQ(again.status, 200U) << "delivery " << delivery << ": " << again.error;
        EXPECT_EQ(again.body, first.body) << "delivery " << delivery;
    }
    EXPECT_EQ(client.connections(), 1) << "keep-alive: all 20 deliveries should share a connection";
    EXPECT_EQ(rows("meetings"), 1);
    EXPECT_EQ(rows("companies"), 2);
    EXPECT_EQ(rows("inbound_events"), 1);
}

TEST_P(TelegramWebhook, WrongSecretIsRejectedAndNothingStored) {
    constexpr std::string_view kSecret = "s3cr3t_tok-E2E";
    ASSERT_TRUE(start({{"INMAEK_TELEGRAM_SECRET_TOKEN", std::string{kSecret}}}));
    const auto update = telegram_fixture("korean_meeting.json");

    const auto wrong =
        post(port(), kTelegramHook, update, {{std::string{kSecretHeader}, "s3cr3t_tok-E2F"}});
    EXPECT_EQ(wrong.status, 401U) << wrong.error << wrong.body;
    const auto prefix =
        post(port(), kTelegramHook, update, {{std::string{kSecretHeader}, "s3cr3t"}});
    EXPECT_EQ(prefix.status, 401U) << prefix.error << prefix.body;
    const auto missing = post(port(), kTelegramHook, update);
    EXPECT_EQ(missing.status, 401U) << missing.error << missing.body;
    EXPECT_EQ(rows("meetings"), 0);
    EXPECT_EQ(rows("inbound_events"), 0);

    const auto right =
        post(port(), kTelegramHook, update, {{std::string{kSecretHeader}, std::string{kSecret}}});
    EXPECT_EQ(right.status, 200U) << right.error << right.body;
    EXPECT_EQ(rows("meetings"), 1);
}

TEST_P(TelegramWebhook, MalformedJsonIs400) {
    ASSERT_TRUE(start());
    const auto truncated =
        post(port(), kTelegramHook, R"({"update_id":734512901,"message":{"text":"/회의)");
    EXPECT_EQ(truncated.status, 400U) << truncated.error << truncated.body;
    const auto not_object = post(port(), kTelegramHook, "[1,2,3]");
    EXPECT_EQ(not_object.status, 400U) << not_object.error << not_object.body;
    EXPECT_EQ(rows("inbound_events"), 0);
}

TEST_P(TelegramWebhook, NonMessageUpdateIsAcknowledgedAndNothingStored) {
    ASSERT_TRUE(start());
    for (const auto* name : {"edited_message.json", "channel_post.json", "sticker.json"}) {
        const auto response = post(port(), kTelegramHook, telegram_fixture(name));
        EXPECT_EQ(response.status, 200U) << name << ": " << response.error << response.body;
        EXPECT_EQ(response.body, "") << name;
    }
    EXPECT_EQ(rows("inbound_events"), 0);
    EXPECT_EQ(rows("meetings"), 0);
}

TEST_P(TelegramWebhook, OversizedBodyIs413) {
    ASSERT_TRUE(start());
    auto update = nlohmann::json::parse(telegram_fixture("korean_meeting.json"));
    update["message"]["text"] =
        "/회의 2025-02-04 11:00 @카카오 : " + std::string(kTwoMebibytes, 'x');
    const auto response = post(port(), kTelegramHook, update.dump());
    EXPECT_EQ(response.status, 413U) << response.error << response.body;
    EXPECT_EQ(rows("meetings"), 0);
    // The server stays up for the next caller.
    EXPECT_EQ(get(port(), "/healthz").status, 200U);
}

TEST_P(TelegramWebhook, NonUtf8TextIs400) {
    ASSERT_TRUE(start());
    auto update = telegram_fixture("korean_meeting.json");
    const auto at = update.find("카카오톡");
    ASSERT_NE(at, std::string::npos);
    update.insert(at, 1, '\xFF');
    const auto response = post(port(), kTelegramHook, update);
    EXPECT_EQ(response.status, 400U) << response.error << response.body;
    EXPECT_EQ(rows("meetings"), 0);
    EXPECT_EQ(rows("inbound_events"), 0);
}

TEST_P(HttpServer, HealthAndReadiness) {
    ASSERT_TRUE(start());
    const auto health = get(port(), "/healthz");
    EXPECT_EQ(health.status, 200U) << health.error << health.body;
    const auto ready = get(port(), "/readyz");
    EXPECT_EQ(ready.status, 200U) << ready.error << ready.body;
}

TEST_P(HttpServer, UnknownPathIs404) {
    ASSERT_TRUE(start());
    const auto unknown = get(port(), "/no/such/path");
    EXPECT_EQ(unknown.status, 404U) << unknown.error << unknown.body;
    const auto unknown_hook = post(port(), "/hooks/no-such-platform", "{}");
    EXPECT_EQ(unknown_hook.status, 404U) << unknown_hook.error << unknown_hook.body;
}

TEST_P(GenericWebhook, RequiresValidSignature) {
    constexpr std::string_view kSecret = "generic-e2e-secret";
    ASSERT_TRUE(start({{"INMAEK_GENERIC_SECRET", std::string{kSecret}}}));
    const std::string body =
        R"({"event_id":"evt-0001","chat_id":"partners","user":{"id":"u-1","name":"Minji Kim","locale":"en"},)"
        R"("text":"/meet 2025-02-04 11:00 @Kakao with Sam Altman : KakaoTalk x ChatGPT"})";
    auto signed_headers = [&](std::int64_t timestamp, std::string_view payload) {
        const auto ts = std::to_string(timestamp);
        return std::map<std::string, std::string>{
            {"X-Inmaek-Timestamp", ts},
            {"X-Inmaek-Signature",
             "v1=" + hmac_sha256_hex(kSecret, "v1:" + ts + ":" + std::string{payload})}};
    };
    const auto now = static_cast<std::int64_t>(std::time(nullptr));

    auto flipped = signed_headers(now, body);
    auto& signature = flipped["X-Inmaek-Signature"];
    signature.back() = signature.back() == '0' ? '1' : '0';
    const auto bad_signature = post(port(), kGenericHook, body, flipped);
    EXPECT_EQ(bad_signature.status, 401U) << bad_signature.error << bad_signature.body;

    const auto stale = post(port(), kGenericHook, body, signed_headers(now - 301, body));
    EXPECT_EQ(stale.status, 401U) << stale.error << stale.body;

    auto no_signature = signed_headers(now, body);
    no_signature.erase("X-Inmaek-Signature");
    const auto missing = post(port(), kGenericHook, body, no_signature);
    EXPECT_EQ(missing.status, 401U) << missing.error << missing.body;
    EXPECT_EQ(rows("meetings"), 0);

    const auto good = post(port(), kGenericHook, body, signed_headers(now, body));
    ASSERT_EQ(good.status, 200U) << good.error << good.body;
    const auto answer = nlohmann::json::parse(good.body, nullptr, false);
    ASSERT_TRUE(answer.is_object()) << good.body;
    EXPECT_EQ(answer.value("ok", false), true) << good.body;
    EXPECT_NE(answer.value("text", "").find("Meeting #1"), std::string::npos) << good.body;
    EXPECT_EQ(rows("meetings"), 1);
}

TEST_P(HttpServer, GracefulShutdownAnswersInFlightRequests) {
    ASSERT_TRUE(start());
    HttpClient client{port()};  // its kept-alive connection stays open across SIGTERM
    const auto response = client.post(kTelegramHook, telegram_fixture("korean_meeting.json"));
    ASSERT_EQ(response.status, 200U) << response.error << response.body;
    EXPECT_EQ(server_->stop(30s), 0);
    EXPECT_NE(server_->log().find("stopped"), std::string::npos);
    EXPECT_EQ(rows("meetings"), 1);
}

TEST_P(TelegramWebhook, FindAndLeadsAnswerFromTheWholeDatabase) {
    ASSERT_TRUE(start());
    std::int64_t update = 900;
    const auto say = [&](std::string_view text) {
        const auto response = post(port(), kTelegramHook, telegram_update(++update, text));
        EXPECT_EQ(response.status, 200U) << response.error << response.body;
        return reply_text(response);
    };
    say("/회의 오늘 11시 @카카오 @OpenAI : 카카오톡×ChatGPT 연동 논의");
    say("/회의 오늘 15시 @삼성전자 : HBM 반도체 공급 논의");
    say("/리드 add \"HBM 공급\" @삼성전자 단계:협상 금액:120억");
    say("/리드 add \"KakaoTalk × ChatGPT\" @카카오 단계:미팅 금액:50억");

    // A two-syllable word, and the same typed decomposed (as macOS keyboards send it).
    auto found = say("/검색 연동");
    EXPECT_NE(found.find("🔎 연동 · 1건"), std::string::npos) << found;
    EXPECT_NE(found.find("카카오톡×ChatGPT 연동 논의"), std::string::npos) << found;
    found = say("/검색 \u110B\u1167\u11AB\u1103\u1169\u11BC");
    EXPECT_NE(found.find("🔎 연동 · 1건"), std::string::npos) << found;
    found = say("/find chatgpt");
    EXPECT_NE(found.find("KakaoTalk × ChatGPT"), std::string::npos) << found;
    EXPECT_NE(found.find("카카오톡×ChatGPT 연동 논의"), std::string::npos) << found;

    const auto leads = say("/리드목록 단계:협상 금액>100억 정렬:-금액");
    EXPECT_NE(leads.find("리드 (1건)"), std::string::npos) << leads;
    EXPECT_NE(leads.find("#1 HBM 공급 · 협상"), std::string::npos) << leads;
    const auto mistake = say("/leads stage:someday");
    EXPECT_NE(mistake.find("someday"), std::string::npos) << mistake;
    EXPECT_EQ(rows("leads"), 2);
}

TEST_P(TelegramWebhook, HistoryPipelineAndPathAnswerThroughTheBinary) {
    ASSERT_TRUE(start());
    std::int64_t update = 950;
    const auto say = [&](std::string_view text) {
        const auto response = post(port(), kTelegramHook, telegram_update(++update, text));
        EXPECT_EQ(response.status, 200U) << response.error << response.body;
        return reply_text(response);
    };
    say("/연락처 add 샘 알트먼 @OpenAI");
    say("/회의 2025-02-04 11시 @카카오 참석: 샘 알트먼 : 카카오톡×ChatGPT 연동 논의");
    say("/회의 2025-02-03 @카카오 @Naver : 검색 제휴");
    say("/리드 add \"KakaoTalk × ChatGPT\" @카카오 단계:미팅 금액:50억");

    const auto path = say("/경로 @OpenAI @Naver");
    EXPECT_NE(path.find("1. OpenAI → 카카오 → Naver"), std::string::npos) << path;
    EXPECT_NE(path.find("OpenAI → 카카오: 회의 #1 2025-02-04 (샘 알트먼"), std::string::npos)
        << path;
    const auto history = say("/이력 카카오");
    EXPECT_NE(history.find("카카오 이력 (3건)"), std::string::npos) << history;
    EXPECT_NE(history.find("📅 회의 #1 · 2025-02-04 11:00 KST"), std::string::npos) << history;
    const auto pipeline = say("/파이프라인");
    EXPECT_NE(pipeline.find("미팅 1건 · 50억원"), std::string::npos) << pipeline;
    const auto unknown = say("/path @OpenAI @Nowhere");
    EXPECT_NE(unknown.find("Nowhere"), std::string::npos) << unknown;
    EXPECT_EQ(rows("company_links"), 4);  // OpenAI–카카오 and 카카오–Naver, both directions
}

TEST_P(TelegramWebhook, ACompanyMergeIsSuggestedDoneAndUndone) {
    ASSERT_TRUE(start());
    std::int64_t update = 950;
    const auto say = [&](std::string_view text) {
        const auto response = post(port(), kTelegramHook, telegram_update(++update, text));
        EXPECT_EQ(response.status, 200U) << response.error << response.body;
        return reply_text(response);
    };
    say("/회사 add Kakao 별칭:카카오");
    const auto created =
        say("/회의 오늘 11시 @\"(주)카카오\" @OpenAI 참석: 샘 알트먼 : 미디어데이");
    EXPECT_NE(created.find("Kakao(#1)와(과) 같은 회사인가요? 같다면: /회사 병합 (주)카카오 Kakao"),
              std::string::npos)
        << created;
    say("/회의 오늘 15시 @Kakao @\"(주)카카오\" : 후속 회의");
    ASSERT_EQ(rows("companies"), 3);
    ASSERT_EQ(query_number(database_.url(), "SELECT COUNT(*) FROM meeting_companies"), 4);

    const auto merged = say("/회사 병합 (주)카카오 Kakao");
    EXPECT_NE(merged.find("(주)카카오(#2)을(를) Kakao(#1)에 병합했습니다"), std::string::npos)
        << merged;
    EXPECT_EQ(rows("companies"), 2);
    EXPECT_EQ(query_number(database_.url(), "SELECT COUNT(*) FROM meeting_companies"), 3);
    EXPECT_EQ(query_number(database_.url(),
                           "SELECT COUNT(*) FROM meeting_companies WHERE company_id = 1"),
              2);
    EXPECT_NE(say("/검색 미디어데이").find("미디어데이"), std::string::npos);

    const auto undone = say("/취소");
    EXPECT_NE(undone.find("↩️ 취소했습니다: (주)카카오 → Kakao 병합"),
              std::string::npos)
        << undone;
    EXPECT_EQ(rows("companies"), 3);
    EXPECT_EQ(query_number(database_.url(), "SELECT COUNT(*) FROM meeting_companies"), 4);
    EXPECT_EQ(query_number(database_.url(),
                           "SELECT COUNT(*) FROM meeting_companies WHERE company_id = 2"),
              2);
    EXPECT_EQ(query_number(database_.url(), "SELECT COUNT(*) FROM contacts WHERE company_id = 2"),
              0)
        << "샘 알트먼 met two companies and belongs to neither";
    EXPECT_EQ(query_number(database_.url(),
                           "SELECT COUNT(*) FROM audit_log WHERE action IN ('merge', 'undo')"),
              2);
    const auto twice = say("/취소");
    EXPECT_NE(twice.find("이미 취소"), std::string::npos) << twice;
    EXPECT_EQ(rows("companies"), 3);
}

TEST_P(TelegramWebhook, RolesAreGivenInChatAndFromTheCommandLine) {
    ASSERT_TRUE(start());
    constexpr std::int64_t kColleague = 6012345678;
    std::int64_t update = 700;
    const auto say = [&](std::string_view text, std::int64_t sender = 0) {
        const auto response = post(port(), kTelegramHook, telegram_update(++update, text, sender));
        EXPECT_EQ(response.status, 200U) << response.error << response.body;
        return reply_text(response);
    };
    say("/help");  // the first person: admin
    const auto refused = say("/구독 매일 09:00", kColleague);
    EXPECT_NE(refused.find("/구독은(는) 매니저나 관리자만 쓸 수 있습니다 (내 역할: 멤버)"),
              std::string::npos)
        << refused;
    EXPECT_EQ(rows("summary_subscriptions"), 0);
    const auto promoted = say("/역할 telegram:6012345678 매니저");
    EXPECT_NE(promoted.find("매니저 (이전: 멤버)"), std::string::npos) << promoted;
    say("/구독 매일 09:00", kColleague);
    EXPECT_EQ(rows("summary_subscriptions"), 1);

    const Environment env{{"INMAEK_DATABASE_URL", database_.url()}, {"INMAEK_LOG_LEVEL", "warn"}};
    const auto inmaek = [&](std::vector<std::string> args) {
        return run_command(INMAEK_BINARY, args, env, dir_.path(), "");
    };
    const auto listed = inmaek({"role", "list"});
    ASSERT_EQ(listed.exit_status, 0) << listed.err;
    EXPECT_NE(listed.out.find("admin    telegram:5012345678"), std::string::npos) << listed.out;
    EXPECT_NE(listed.out.find("manager  telegram:6012345678"), std::string::npos) << listed.out;
    const auto set = inmaek({"role", "set", "--user", "telegram:6012345678", "--role", "관리자"});
    ASSERT_EQ(set.exit_status, 0) << set.out << set.err;
    EXPECT_NE(set.out.find("is now admin (was manager)"), std::string::npos) << set.out;
    EXPECT_EQ(inmaek({"role", "set", "--user", "@minji_kim", "--role", "member"}).exit_status, 0);
    // Now the colleague is the last admin; mistakes change nothing.
    const auto last = inmaek({"role", "set", "--user", "telegram:6012345678", "--role", "member"});
    EXPECT_EQ(last.exit_status, 1);
    EXPECT_NE(last.err.find("only admin"), std::string::npos) << last.err;
    EXPECT_EQ(inmaek({"role", "set", "--user", "@nobody", "--role", "admin"}).exit_status, 1);
    EXPECT_EQ(inmaek({"role", "set", "--user", "@minji_kim", "--role", "boss"}).exit_status, 2);
    EXPECT_EQ(inmaek({"role", "set", "--workspace", "nope", "--user", "1", "--role", "admin"})
                  .exit_status,
              2);
    EXPECT_EQ(query_number(database_.url(), "SELECT COUNT(*) FROM audit_log WHERE action = 'role'"),
              3);
    EXPECT_EQ(query_number(database_.url(),
                           "SELECT COUNT(*) FROM audit_log WHERE action = 'role' AND user_id IS "
                           "NULL AND source = 'console:inmaek role set'"),
              2)
        << "the command line's changes are audited as its own";
    EXPECT_NE(say("/role telegram:6012345678 member").find("관리자만"), std::string::npos)
        << "the first person is a member now";
}

class Commands : public BackendTest {};

TEST_P(Commands, ChatReadsPipedStdin) {
    const std::string input =
        "/company add Kakao alias:카카오 industry:platform\n"
        "/meet today 11:00 @kakao with Sam Altman : KakaoTalk x ChatGPT\n"
        "/company 카카오\n";
    const auto result =
        run_command(INMAEK_BINARY, {"chat", "--lang", "en", "--now", "2025-02-04T09:00:00+0900"},
                    {{"INMAEK_DATABASE_URL", database_.url()}, {"INMAEK_LOG_LEVEL", "warn"}},
                    dir_.path(), input);
    ASSERT_EQ(result.exit_status, 0) << result.out << result.err;
    EXPECT_NE(result.out.find("Company #1"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("Meeting #1"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("2025-02-04 11:00 KST"), std::string::npos) << result.out;
    const auto replies = split_replies(result.out);
    ASSERT_EQ(replies.size(), 3U) << result.out;
    const auto& card = replies.back();
    EXPECT_NE(card.find("Kakao"), std::string::npos) << card;
    EXPECT_NE(card.find("#1 2025-02-04"), std::string::npos) << "the card lists the meeting:\n"
                                                             << card;
    // @kakao found the company through its folded name: no second company was created.
    EXPECT_EQ(rows("companies"), 1);
    EXPECT_EQ(rows("meetings"), 1);
}

TEST_P(Commands, DemoTellsTheSeedStory) {
    const auto result = run_command(INMAEK_BINARY, {"--database", database_.url(), "demo"},
                                    {{"INMAEK_LOG_LEVEL", "warn"}}, dir_.path(), "");
    ASSERT_EQ(result.exit_status, 0) << result.out << result.err;
    EXPECT_NE(result.out.find("카카오"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("OpenAI"), std::string::npos) << result.out;
    EXPECT_GE(rows("meetings"), 1);
}

TEST_P(Commands, SubscriptionsAreListedAndChangedFromTheCommandLine) {
    const Environment env{{"INMAEK_DATABASE_URL", database_.url()}, {"INMAEK_LOG_LEVEL", "warn"}};
    auto inmaek = [&](std::vector<std::string> args) {
        return run_command(INMAEK_BINARY, args, env, dir_.path(), "");
    };
    ASSERT_EQ(inmaek({"workspace", "link", "--chat", "-100777", "--workspace", "BD"}).exit_status,
              0);
    const auto set = inmaek({"subscriptions", "set", "--chat", "-100777", "--kind", "weekly",
                             "--day", "mon", "--time", "08:30"});
    ASSERT_EQ(set.exit_status, 0) << set.out << set.err;
    const auto listed = inmaek({"subscriptions", "list"});
    ASSERT_EQ(listed.exit_status, 0) << listed.err;
    EXPECT_NE(listed.out.find("-100777"), std::string::npos) << listed.out;
    EXPECT_NE(listed.out.find("weekly  mon  08:30"), std::string::npos) << listed.out;
    EXPECT_EQ(rows("summary_subscriptions"), 1);
    // Setting again changes the one subscription; a bad day or an unbound chat changes nothing.
    EXPECT_EQ(inmaek({"subscriptions", "set", "--chat", "-100777", "--kind", "weekly", "--day",
                      "fri", "--time", "17:00"})
                  .exit_status,
              0);
    EXPECT_EQ(inmaek({"subscriptions", "set", "--chat", "-100777", "--kind", "weekly", "--day",
                      "someday"})
                  .exit_status,
              2);
    EXPECT_EQ(inmaek({"subscriptions", "set", "--chat", "-999"}).exit_status, 1);
    EXPECT_EQ(rows("summary_subscriptions"), 1);
    EXPECT_NE(inmaek({"subscriptions", "list"}).out.find("weekly  fri  17:00"), std::string::npos);
    EXPECT_EQ(inmaek({"subscriptions", "remove", "--chat", "-100777", "--kind", "all"}).exit_status,
              0);
    EXPECT_EQ(rows("summary_subscriptions"), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, TelegramWebhook, ::testing::ValuesIn(test::backends()),
                         test::backend_name);
INSTANTIATE_TEST_SUITE_P(Backends, GenericWebhook, ::testing::ValuesIn(test::backends()),
                         test::backend_name);
INSTANTIATE_TEST_SUITE_P(Backends, HttpServer, ::testing::ValuesIn(test::backends()),
                         test::backend_name);
INSTANTIATE_TEST_SUITE_P(Backends, Commands, ::testing::ValuesIn(test::backends()),
                         test::backend_name);

}  // namespace
}  // namespace inmaek::e2e
