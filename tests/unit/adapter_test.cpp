#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "bot/platforms/generic_adapter.hpp"
#include "bot/platforms/signature.hpp"
#include "bot/platforms/telegram_adapter.hpp"
#include "handlers/text.hpp"

namespace {

using inmaek::bot::platforms::GenericAdapter;
using inmaek::bot::platforms::GenericOptions;
using inmaek::bot::platforms::Parsed;
using inmaek::bot::platforms::Request;
using inmaek::bot::platforms::TelegramAdapter;
using inmaek::bot::platforms::TelegramOptions;
namespace http = boost::beast::http;

constexpr auto kKoreanMeeting = R"({"update_id":734512901,
 "message":{"message_id":4211,
  "from":{"id":5012345678,"is_bot":false,"first_name":"Minji","last_name":"Kim","username":"minji_kim","language_code":"ko"},
  "chat":{"id":-1001234567890,"title":"Partners Team","type":"supergroup"},
  "date":1738627200,
  "text":"/회의@crm_partner_bot 오늘 11시 @카카오 @OpenAI 참석: 샘 알트먼, 케빈 와일 : 카카오톡×ChatGPT 연동 논의",
  "entities":[{"offset":0,"length":20,"type":"bot_command"}],
  "some_future_field":{"nested":[1,2,3]}}})";

Request telegram_request(std::string body, std::optional<std::string> secret = std::nullopt) {
    Request request{http::verb::post, "/hooks/telegram", 11};
    request.set(http::field::content_type, "application/json");
    if (secret) request.set("X-Telegram-Bot-Api-Secret-Token", *secret);
    request.body() = std::move(body);
    request.prepare_payload();
    return request;
}

TEST(TelegramAdapter, AcceptsTheConfiguredSecretToken) {
    const TelegramAdapter adapter{TelegramOptions{"s3cr3t_tok", false}};
    EXPECT_TRUE(adapter.verify(telegram_request(kKoreanMeeting, "s3cr3t_tok")));
}

TEST(TelegramAdapter, RejectsAWrongSecretToken) {
    const TelegramAdapter adapter{TelegramOptions{"s3cr3t_tok", false}};
    EXPECT_FALSE(adapter.verify(telegram_request(kKoreanMeeting, "s3cr3t_toK")));
    EXPECT_FALSE(adapter.verify(telegram_request(kKoreanMeeting, "")));
}

TEST(TelegramAdapter, RejectsAMissingSecretTokenWhileOneIsConfigured) {
    const TelegramAdapter adapter{TelegramOptions{"s3cr3t_tok", false}};
    EXPECT_FALSE(adapter.verify(telegram_request(kKoreanMeeting)));
}

TEST(TelegramAdapter, AllowsAMissingSecretOnlyWhenToldTo) {
    const TelegramAdapter adapter{TelegramOptions{"s3cr3t_tok", true}};
    EXPECT_TRUE(adapter.verify(telegram_request(kKoreanMeeting)));
    EXPECT_FALSE(adapter.verify(telegram_request(kKoreanMeeting, "wrong")));
}

TEST(TelegramAdapter, ParsesAKoreanCommandIgnoringUnknownFields) {
    const TelegramAdapter adapter{TelegramOptions{}};
    const auto parsed = adapter.parse(telegram_request(kKoreanMeeting));
    ASSERT_EQ(parsed.kind, Parsed::Kind::message);
    EXPECT_EQ(parsed.message.event_key, "734512901");
    EXPECT_EQ(parsed.message.chat_id, "-1001234567890");
    EXPECT_EQ(parsed.message.chat_title, "Partners Team");
    EXPECT_EQ(parsed.message.sender.id, "5012345678");
    EXPECT_EQ(parsed.message.sender.display_name, "Minji Kim");
    EXPECT_EQ(parsed.message.sender.handle, "minji_kim");
    EXPECT_EQ(parsed.message.sender.locale, "ko");
    EXPECT_EQ(parsed.message.source_message_id, "4211");
    EXPECT_EQ(parsed.message.received_at.time_since_epoch().count(), 1738627200);
    EXPECT_TRUE(parsed.message.text.starts_with("/회의@crm_partner_bot 오늘"));
}

TEST(TelegramAdapter, ComposesDecomposedHangul) {
    const TelegramAdapter adapter{TelegramOptions{}};
    // "/회의" typed on iOS as conjoining jamo: ᄒ ᅬ ᄋ ᅴ
    const std::string decomposed = "/\xE1\x84\x92\xE1\x85\xAC\xE1\x84\x8B\xE1\x85\xB4";
    const auto body = nlohmann::json{{"update_id", 1},
                                     {"message",
                                      {{"message_id", 1},
                                       {"from", {{"id", 7}, {"first_name", "Kim"}}},
                                       {"chat", {{"id", 7}, {"type", "private"}}},
                                       {"date", 1738627200},
                                       {"text", decomposed}}}};
    const auto parsed = adapter.parse(telegram_request(body.dump()));
    ASSERT_EQ(parsed.kind, Parsed::Kind::message);
    EXPECT_EQ(parsed.message.text, "/회의");
}

TEST(TelegramAdapter, AcknowledgesUpdatesThatAreNotMessages) {
    const TelegramAdapter adapter{TelegramOptions{}};
    for (
        const auto* body :
        {R"({"update_id":5,"edited_message":{"message_id":1,"chat":{"id":1},"text":"x"}})",
         R"({"update_id":6,"channel_post":{"message_id":1,"chat":{"id":-100},"text":"/meet x"}})",
         R"({"update_id":7,"my_chat_member":{"chat":{"id":1}}})",
         R"({"update_id":8,"message":{"message_id":2,"from":{"id":1},"chat":{"id":1},"sticker":{}}})"}) {
        SCOPED_TRACE(body);
        EXPECT_EQ(adapter.parse(telegram_request(body)).kind, Parsed::Kind::acknowledge);
    }
}

TEST(TelegramAdapter, RejectsMalformedBodies) {
    const TelegramAdapter adapter{TelegramOptions{}};
    for (const std::string& body :
         {std::string{"{"}, std::string{"[]"}, std::string{"null"},
          std::string{R"({"message":{}})"}, std::string{R"({"update_id":"12"})"}, std::string{}}) {
        SCOPED_TRACE(body);
        EXPECT_EQ(adapter.parse(telegram_request(body)).kind, Parsed::Kind::bad_request);
    }
}

TEST(TelegramAdapter, RejectsTextThatIsNotUtf8) {
    const TelegramAdapter adapter{TelegramOptions{}};
    const std::string body =
        R"({"update_id":9,"message":{"message_id":1,"from":{"id":1},"chat":{"id":1},"date":1,"text":"/meet )"
        "\xFF\xFE"
        R"("}})";
    EXPECT_EQ(adapter.parse(telegram_request(body)).kind, Parsed::Kind::bad_request);
}

TEST(TelegramAdapter, ReadsAButtonPressAsTheCommandItCarries) {
    const TelegramAdapter adapter{TelegramOptions{}};
    const auto parsed = adapter.parse(telegram_request(
        R"({"update_id":10,"callback_query":{"id":"4382bfdwdsb323b2d9","from":{"id":5012345678,"first_name":"Minji"},
            "message":{"message_id":77,"chat":{"id":-1001234567890,"type":"supergroup"},"date":1738627200},
            "data":"/done 7"}})"));
    ASSERT_EQ(parsed.kind, Parsed::Kind::message);
    EXPECT_EQ(parsed.message.text, "/done 7");
    EXPECT_EQ(parsed.message.chat_id, "-1001234567890");
}

TEST(TelegramAdapter, RendersTheReplyAsASendMessageCallInHtml) {
    const TelegramAdapter adapter{TelegramOptions{}};
    const auto parsed = adapter.parse(telegram_request(kKoreanMeeting));
    inmaek::handlers::Reply reply;
    reply.title = "✅ 회의 #1 · <카카오>";
    reply.lines = {"내용: a & b"};
    reply.buttons = {{"완료", "/done 1"}};
    const auto response = adapter.render(parsed, reply, 11, true);
    EXPECT_EQ(response.result(), http::status::ok);
    const auto call = nlohmann::json::parse(response.body());
    EXPECT_EQ(call["method"], "sendMessage");
    EXPECT_EQ(call["chat_id"].get<std::int64_t>(), -1001234567890);
    EXPECT_EQ(call["parse_mode"], "HTML");
    EXPECT_EQ(call["reply_parameters"]["message_id"], 4211);
    EXPECT_EQ(call["text"], "<b>✅ 회의 #1 · &lt;카카오&gt;</b>\n내용: a &amp; b");
    EXPECT_EQ(call["reply_markup"]["inline_keyboard"][0][0]["callback_data"], "/done 1");
}

TEST(TelegramAdapter, KeepsLongRepliesWithinTheMessageLimit) {
    inmaek::handlers::Reply reply;
    reply.title = "list";
    for (int i = 0; i < 600; ++i) {
        std::string line = "#";
        line += std::to_string(i);
        line += " 카카오 회의 기록";
        reply.lines.push_back(std::move(line));
    }
    const auto html = TelegramAdapter::to_html(reply);
    EXPECT_LE(inmaek::handlers::text::length(html), 4096U);
}

TEST(TelegramAdapter, AnswersAnEmptyReplyWithAnEmptyAcknowledgement) {
    const TelegramAdapter adapter{TelegramOptions{}};
    const auto parsed = adapter.parse(telegram_request(kKoreanMeeting));
    const auto response = adapter.render(parsed, inmaek::handlers::Reply{}, 11, true);
    EXPECT_EQ(response.result(), http::status::ok);
    EXPECT_TRUE(response.body().empty());
}

// --- generic JSON webhook -------------------------------------------------------------------

constexpr auto kGenericBody =
    R"({"event_id":"ev-1","chat_id":"ops","user":{"id":"u1","name":"Minji","locale":"ko"},"text":"/help"})";
constexpr std::int64_t kNow = 1738627200;

GenericAdapter generic_adapter() {
    return GenericAdapter{
        GenericOptions{"generic-secret", std::chrono::seconds{300},
                       [] { return std::chrono::sys_seconds{std::chrono::seconds{kNow}}; }}};
}

Request generic_request(std::string body, std::optional<std::string> timestamp,
                        std::optional<std::string> signature) {
    Request request{http::verb::post, "/hooks/generic", 11};
    if (timestamp) request.set("X-Inmaek-Timestamp", *timestamp);
    if (signature) request.set("X-Inmaek-Signature", *signature);
    request.body() = std::move(body);
    request.prepare_payload();
    return request;
}

TEST(GenericAdapter, SignsWithHmacSha256OverVersionTimestampAndBody) {
    // Independent computation of the documented scheme.
    const auto expected =
        "v1=" + inmaek::bot::platforms::to_hex(inmaek::bot::platforms::hmac_sha256(
                    "generic-secret", std::string{"v1:1738627200:"} + kGenericBody));
    EXPECT_EQ(GenericAdapter::sign("generic-secret", "1738627200", kGenericBody), expected);
}

TEST(GenericAdapter, AcceptsAValidSignature) {
    const auto adapter = generic_adapter();
    const auto ts = std::to_string(kNow - 10);
    EXPECT_TRUE(adapter.verify(generic_request(
        kGenericBody, ts, GenericAdapter::sign("generic-secret", ts, kGenericBody))));
}

TEST(GenericAdapter, RejectsEveryTamperedOrMissingPart) {
    const auto adapter = generic_adapter();
    const auto ts = std::to_string(kNow);
    const auto good = GenericAdapter::sign("generic-secret", ts, kGenericBody);
    auto flipped = good;
    flipped.back() = flipped.back() == '0' ? '1' : '0';
    EXPECT_FALSE(adapter.verify(generic_request(kGenericBody, ts, flipped)));
    EXPECT_FALSE(adapter.verify(generic_request(std::string{kGenericBody} + " ", ts, good)));
    EXPECT_FALSE(adapter.verify(
        generic_request(kGenericBody, ts, GenericAdapter::sign("other-key", ts, kGenericBody))));
    EXPECT_FALSE(adapter.verify(generic_request(kGenericBody, std::nullopt, good)));
    EXPECT_FALSE(adapter.verify(generic_request(kGenericBody, ts, std::nullopt)));
    EXPECT_FALSE(adapter.verify(generic_request(kGenericBody, "12abc", good)));
    auto v0 = good;
    v0.replace(0, 2, "v0");
    EXPECT_FALSE(adapter.verify(generic_request(kGenericBody, ts, v0)));
}

TEST(GenericAdapter, RejectsTimestampsOutsideTheWindowInBothDirections) {
    const auto adapter = generic_adapter();
    for (const auto offset : {-301, 301}) {
        const auto ts = std::to_string(kNow + offset);
        EXPECT_FALSE(adapter.verify(generic_request(
            kGenericBody, ts, GenericAdapter::sign("generic-secret", ts, kGenericBody))))
            << offset;
    }
}

TEST(GenericAdapter, RefusesEverythingWhenNoSecretIsConfigured) {
    const GenericAdapter adapter{GenericOptions{}};
    const auto ts = std::to_string(kNow);
    EXPECT_FALSE(adapter.verify(
        generic_request(kGenericBody, ts, GenericAdapter::sign("", ts, kGenericBody))));
}

TEST(GenericAdapter, RequiresEventChatUserAndText) {
    const auto adapter = generic_adapter();
    EXPECT_EQ(adapter.parse(generic_request(kGenericBody, {}, {})).kind, Parsed::Kind::message);
    EXPECT_EQ(
        adapter
            .parse(generic_request(R"({"chat_id":"c","user":{"id":"u"},"text":"/help"})", {}, {}))
            .kind,
        Parsed::Kind::bad_request);
    EXPECT_EQ(adapter.parse(generic_request("not json", {}, {})).kind, Parsed::Kind::bad_request);
}

TEST(Signature, ComparesInConstantTimeButChecksLengthFirst) {
    using inmaek::bot::platforms::secure_equals;
    EXPECT_TRUE(secure_equals("abc", "abc"));
    EXPECT_FALSE(secure_equals("abc", "abd"));
    EXPECT_FALSE(secure_equals("abc", "abcd"));
    EXPECT_TRUE(secure_equals("", ""));
}

TEST(Signature, MatchesTheSlackDocumentationVector) {
    // platforms.md §9 S1: HMAC-SHA256 must agree with Slack's published example.
    const std::string body =
        "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id="
        "G8PSS9T3V&"
        "channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&"
        "text=&"
        "response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%"
        "2F96rGlfmibIGlgcZRskXaIFfN&"
        "trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    EXPECT_EQ(inmaek::bot::platforms::to_hex(inmaek::bot::platforms::hmac_sha256(
                  "8f742231b10e8888abcd99yyyzzz85a5", "v0:1531420618:" + body)),
              "a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503");
}

}  // namespace
