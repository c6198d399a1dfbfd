// LineAdapter: x-line-signature (the official vectors L1 and L2, the group event L3 and §9's
// negative cases), webhook events from recorded fixtures (text, postback, standby, the console's
// empty verification, redelivery, batches), and replies within LINE's message limits.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "bot/platforms/line_adapter.hpp"
#include "handlers/text.hpp"

namespace {

using inmaek::bot::platforms::LineAdapter;
using inmaek::bot::platforms::LineOptions;
using inmaek::bot::platforms::Parsed;
using inmaek::bot::platforms::Request;
using inmaek::handlers::Button;
using inmaek::handlers::Platform;
using inmaek::handlers::Reply;
namespace http = boost::beast::http;
namespace json = boost::json;

constexpr auto kL1Secret = "test_secret";
constexpr auto kL1Body = R"({"hello":"world"})";
constexpr auto kL1Signature = "t7Hn4ZDHqs6e+wdvI5TyQIvzie0DmMUmuXEBqyyE/tM=";
constexpr auto kL1Invalid = "t7Hn4ZDHqs6e+wdvi5TyQivzie0DmMUmuXEBqyyE/tM=";
constexpr auto kL2Secret = "channel_secret";
constexpr auto kL2Body = "bodybodybodybody";
constexpr auto kL2Signature = "/gg9a+LvFevTH1sd7XCQycD7tsWclCsInj7MhBHxN7k=";
constexpr auto kL3Secret = "test_channel_secret_0123456789ab";
constexpr auto kL3Signature = "yhHd5P9Md172mWpcH6dcyB3iLtLK6QGJGAQXqyP/FIU=";

std::string fixture(const std::string& name) {
    std::ifstream in(std::string{INMAEK_FIXTURES_DIR} + "/line/" + name, std::ios::binary);
    if (!in) throw std::runtime_error("missing fixture " + name);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

Request line_request(std::string body, std::optional<std::string> signature) {
    Request request{http::verb::post, "/hooks/line", 11};
    request.set(http::field::content_type, "application/json; charset=utf-8");
    if (signature) request.set("x-line-signature", *signature);
    request.body() = std::move(body);
    request.prepare_payload();
    return request;
}

bool verifies(std::string secret, std::string body, std::optional<std::string> signature) {
    const LineAdapter adapter{LineOptions{std::move(secret)}};
    return adapter.verify(line_request(std::move(body), std::move(signature)));
}

Parsed parse_fixture(const std::string& name) {
    const LineAdapter adapter{LineOptions{"secret"}};
    return adapter.parse(line_request(fixture(name), std::nullopt));
}

// --- verify -----------------------------------------------------------------------------------

TEST(LineAdapter, AcceptsTheNodeSdkVector) {
    EXPECT_EQ(LineAdapter::sign(kL1Secret, kL1Body), kL1Signature);
    EXPECT_TRUE(verifies(kL1Secret, kL1Body, kL1Signature));
    EXPECT_FALSE(verifies(kL1Secret, kL1Body, kL1Invalid)) << "the SDK's own invalid vector";
}

TEST(LineAdapter, AcceptsThePythonSdkVector) {
    EXPECT_EQ(LineAdapter::sign(kL2Secret, kL2Body), kL2Signature);
    EXPECT_TRUE(verifies(kL2Secret, kL2Body, kL2Signature));
}

TEST(LineAdapter, AcceptsTheSignedGroupEventVector) {
    EXPECT_TRUE(verifies(kL3Secret, fixture("group_text_b2.json"), kL3Signature));
}

TEST(LineAdapter, RejectsAFlippedCharacterInTheSignature) {
    std::string flipped = kL3Signature;
    flipped[5] = flipped[5] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(verifies(kL3Secret, fixture("group_text_b2.json"), flipped));
}

TEST(LineAdapter, RejectsABodyWithOneExtraByte) {
    EXPECT_FALSE(verifies(kL3Secret, fixture("group_text_b2.json") + "\n", kL3Signature));
    EXPECT_FALSE(verifies(kL1Secret, std::string{kL1Body} + " ", kL1Signature));
}

TEST(LineAdapter, RejectsTheWrongKey) {
    EXPECT_FALSE(
        verifies("test_channel_secret_0123456789ac", fixture("group_text_b2.json"), kL3Signature));
    EXPECT_FALSE(verifies("", fixture("group_text_b2.json"), kL3Signature))
        << "no secret configured: nothing verifies";
}

TEST(LineAdapter, RejectsAMissingOrEmptyHeader) {
    EXPECT_FALSE(verifies(kL3Secret, fixture("group_text_b2.json"), std::nullopt));
    EXPECT_FALSE(verifies(kL3Secret, fixture("group_text_b2.json"), ""));
}

TEST(LineAdapter, RejectsASignatureThatIsNotBase64) {
    const auto body = fixture("group_text_b2.json");
    EXPECT_FALSE(verifies(kL3Secret, body, "not base64 at all!"));
    EXPECT_FALSE(verifies(kL3Secret, body, "yhHd5P9Md172mWpcH6dcyB3iLtLK6QGJGAQXqyP/FIU"))
        << "padding missing";
    EXPECT_FALSE(verifies(kL3Secret, body, "yhHd5P9Md172mWpcH6dcyB3iLtLK6QGJGAQXqyP_FIU="))
        << "URL-safe alphabet";
    EXPECT_FALSE(verifies(kL3Secret, body, "yhHd5P9Md172mWpcH6dcyB3iLtLK6QGJGAQXqyP/FIU=="));
}

TEST(LineAdapter, RejectsTheHexFormOfTheRightDigest) {
    EXPECT_FALSE(verifies(kL1Secret, kL1Body,
                          "b7b1e7e190c7aace9efb076f2394f2408bf389ed0398c526b97101ab2c84fed3"));
}

// --- parse ------------------------------------------------------------------------------------

TEST(LineAdapter, ParsesATextMessageInAGroup) {
    const auto parsed = parse_fixture("group_text_b2.json");
    ASSERT_EQ(parsed.kind, Parsed::Kind::message) << parsed.error;
    const auto& message = parsed.message;
    EXPECT_EQ(message.platform, Platform::line);
    EXPECT_EQ(message.event_key, "01H810YECXQQZ37VAXPF6H9E6T");
    EXPECT_EQ(message.team_id, "");
    EXPECT_EQ(message.chat_id, "Cabcdef0123456789abcdef0123456789");
    EXPECT_FALSE(message.direct);
    EXPECT_EQ(message.sender.id, "Ufedcba9876543210fedcba9876543210");
    EXPECT_EQ(message.sender.display_name, "Ufedcba9876543210fedcba9876543210");
    EXPECT_EQ(message.text, "hello bot");
    EXPECT_EQ(message.source_message_id, "468789577898262530");
    EXPECT_EQ(message.received_at.time_since_epoch().count(), 1700000000);
    EXPECT_EQ(parsed.reply_target, "38ef843bde154d9b91c21320ffd17a0f");
    EXPECT_TRUE(parsed.more.empty());
}

TEST(LineAdapter, AcknowledgesTheConsolesEmptyVerification) {
    const auto parsed = parse_fixture("verification.json");
    EXPECT_EQ(parsed.kind, Parsed::Kind::acknowledge);
}

TEST(LineAdapter, IgnoresStandbyEvents) {
    EXPECT_EQ(parse_fixture("standby.json").kind, Parsed::Kind::acknowledge);
}

TEST(LineAdapter, MapsAPostbackToItsCommandInTheRoom) {
    const auto parsed = parse_fixture("postback.json");
    ASSERT_EQ(parsed.kind, Parsed::Kind::message) << parsed.error;
    EXPECT_EQ(parsed.message.text, "/lead 3 stage negotiation");
    EXPECT_EQ(parsed.message.chat_id, "Rabcdef0123456789abcdef0123456789");
    EXPECT_EQ(parsed.message.event_key, "01H810YECXQQZ37VAXPF6H9E7A");
    EXPECT_EQ(parsed.reply_target, "b60d432864f44d079f6d8efe86cf404b");
}

TEST(LineAdapter, IgnoresAPostbackThatIsNotACommand) {
    auto body = json::parse(fixture("postback.json"));
    body.at("events").at(0).at("postback").at("data") = "action=buy&itemid=111";
    const LineAdapter adapter{LineOptions{"secret"}};
    EXPECT_EQ(adapter.parse(line_request(json::serialize(body), std::nullopt)).kind,
              Parsed::Kind::acknowledge);
}

TEST(LineAdapter, KeysARedeliveryLikeTheFirstDeliveryAndDropsTheBotsMention) {
    const auto parsed = parse_fixture("redelivery_mention.json");
    ASSERT_EQ(parsed.kind, Parsed::Kind::message) << parsed.error;
    // isRedelivery changes nothing: the same webhookEventId is the same event.
    EXPECT_EQ(parsed.message.event_key, "01H810YECXQQZ37VAXPF6H9E7C");
    EXPECT_EQ(parsed.message.text, "/meet 2025-02-04 11:00 @카카오 : 연동 논의");
}

TEST(LineAdapter, ParsesEveryTextOfABatchAndSkipsTheRest) {
    const auto parsed = parse_fixture("batch_mixed.json");
    ASSERT_EQ(parsed.kind, Parsed::Kind::message) << parsed.error;
    EXPECT_EQ(parsed.message.text, "/help");
    EXPECT_TRUE(parsed.message.direct);
    EXPECT_EQ(parsed.message.chat_id, "Ufedcba9876543210fedcba9876543210");
    EXPECT_EQ(parsed.reply_target, "cccc");
    ASSERT_EQ(parsed.more.size(), 1U) << "the join and the sticker are not for us";
    EXPECT_EQ(parsed.more[0].message.text, "/leads");
    EXPECT_EQ(parsed.more[0].message.event_key, "01H810YECXQQZ37VAXPF6H9E7G");
    EXPECT_EQ(parsed.more[0].reply_target, "dddd");
}

TEST(LineAdapter, RefusesABodyThatIsNotAnEventBatch) {
    const LineAdapter adapter{LineOptions{"secret"}};
    EXPECT_EQ(adapter.parse(line_request("not json", std::nullopt)).kind,
              Parsed::Kind::bad_request);
    EXPECT_EQ(adapter.parse(line_request(R"({"destination":"U1"})", std::nullopt)).kind,
              Parsed::Kind::bad_request);
    EXPECT_EQ(adapter.parse(line_request(R"([])", std::nullopt)).kind, Parsed::Kind::bad_request);
}

// --- render -----------------------------------------------------------------------------------

std::size_t utf16_units(std::string_view utf8) {
    std::size_t units = 0;
    for (const char c : utf8) {
        const auto byte = static_cast<unsigned char>(c);
        if ((byte & 0xC0U) != 0x80U) units += byte >= 0xF0U ? 2 : 1;
    }
    return units;
}

TEST(LineAdapter, RendersACardAsAFlexBubbleWithPostbackButtons) {
    Reply reply;
    reply.kind = Reply::Kind::ok;
    reply.title = "✅ Meeting #1 · 2025-02-04 11:00 KST";
    reply.lines = {"@카카오 @OpenAI", "카카오톡 × ChatGPT 연동 논의"};
    reply.buttons = {{"Follow up", "/todo 1"}, {"A label far longer than twenty", "/lead 1"}};
    const auto messages = LineAdapter::messages(reply);
    ASSERT_EQ(messages.size(), 1U);
    const auto& flex = messages[0].as_object();
    EXPECT_EQ(flex.at("type"), "flex");
    const auto alt = std::string{flex.at("altText").as_string()};
    EXPECT_EQ(alt, reply.plain_text());
    const auto& bubble = flex.at("contents").as_object();
    EXPECT_EQ(bubble.at("type"), "bubble");
    EXPECT_EQ(std::string{bubble.at("header").at("contents").at(0).at("text").as_string()},
              reply.title);
    EXPECT_EQ(bubble.at("body").at("contents").as_array().size(), 2U);
    const auto& buttons = bubble.at("footer").at("contents").as_array();
    ASSERT_EQ(buttons.size(), 2U);
    const auto& action = buttons[0].at("action");
    EXPECT_EQ(action.at("type"), "postback");
    EXPECT_EQ(action.at("data"), "/todo 1");
    EXPECT_EQ(action.at("displayText"), "/todo 1");
    const auto long_label = std::string{buttons[1].at("action").at("label").as_string()};
    EXPECT_LE(inmaek::handlers::text::length(long_label), 20U) << long_label;
}

TEST(LineAdapter, RendersPlainTextWithQuickRepliesWithinThirteen) {
    Reply reply;
    reply.lines = {"Pick a stage"};
    for (int i = 0; i < 20; ++i) {
        reply.buttons.push_back(
            Button{"stage " + std::to_string(i), "/stage " + std::to_string(i)});
    }
    reply.buttons.push_back(Button{"dup", "/stage 0"});
    const auto messages = LineAdapter::messages(reply);
    ASSERT_EQ(messages.size(), 1U);
    EXPECT_EQ(messages[0].at("type"), "text");
    EXPECT_EQ(messages[0].at("text"), "Pick a stage");
    const auto& items = messages[0].at("quickReply").at("items").as_array();
    EXPECT_EQ(items.size(), 13U);
    EXPECT_EQ(items[0].at("action").at("data"), "/stage 0");
}

TEST(LineAdapter, SplitsLongTextAtLineEndsIntoAtMostFiveMessages) {
    Reply reply;
    reply.title = "Leads";
    // 40 lines of 1000 Hangul syllables: 40,000 units, more than five messages hold.
    const std::string syllables = [] {
        std::string s;
        for (int i = 0; i < 1000; ++i) s += "가";
        return s;
    }();
    for (int i = 0; i < 40; ++i) reply.lines.push_back(syllables);
    const auto messages = LineAdapter::messages(reply);
    ASSERT_EQ(messages.size(), 5U);
    for (const auto& message : messages) {
        EXPECT_EQ(message.at("type"), "text");
        const auto text = std::string{message.at("text").as_string()};
        EXPECT_LE(utf16_units(text), 5000U);
    }
    EXPECT_TRUE(std::string{messages[1].at("text").as_string()}.starts_with(syllables))
        << "split at a line end";
    EXPECT_TRUE(std::string{messages[4].at("text").as_string()}.ends_with("…"));
}

TEST(LineAdapter, CutsOneOverlongLineCountingEmojiAsTwoUnits) {
    Reply reply;
    std::string line;
    for (int i = 0; i < 3000; ++i) line += "🍎";  // 6,000 UTF-16 units
    reply.lines = {line};
    const auto messages = LineAdapter::messages(reply);
    ASSERT_EQ(messages.size(), 1U);
    const auto text = std::string{messages[0].at("text").as_string()};
    EXPECT_LE(utf16_units(text), 5000U);
    EXPECT_GE(utf16_units(text), 4990U) << "cut no more than needed";
}

TEST(LineAdapter, RendersALongListAsTextNotAFlexBubble) {
    Reply reply;
    reply.title = "Leads (30)";
    for (int i = 0; i < 30; ++i) reply.lines.push_back("#" + std::to_string(i) + " Kakao");
    const auto messages = LineAdapter::messages(reply);
    ASSERT_EQ(messages.size(), 1U);
    EXPECT_EQ(messages[0].at("type"), "text");
}

TEST(LineAdapter, PushesAReplyWithItsTokenAndChat) {
    const LineAdapter adapter{LineOptions{"secret"}};
    const auto parsed = parse_fixture("group_text_b2.json");
    Reply reply;
    reply.lines = {"pong"};
    const auto push = adapter.push(parsed, reply);
    ASSERT_TRUE(push);
    EXPECT_EQ(push->destination, "Cabcdef0123456789abcdef0123456789");
    const auto call = json::parse(push->payload);
    EXPECT_EQ(call.at("replyToken"), "38ef843bde154d9b91c21320ffd17a0f");
    EXPECT_EQ(call.at("to"), "Cabcdef0123456789abcdef0123456789");
    EXPECT_EQ(call.at("messages").at(0).at("text"), "pong");
    EXPECT_TRUE(adapter.replies_through_api(parsed));
    EXPECT_FALSE(adapter.push(parsed, Reply{})) << "nothing to say, nothing queued";

    const auto summary = adapter.push_to("Cabcdef0123456789abcdef0123456789", reply);
    ASSERT_TRUE(summary);
    const auto pushed = json::parse(summary->payload);
    EXPECT_FALSE(pushed.as_object().contains("replyToken"));
    EXPECT_EQ(pushed.at("to"), "Cabcdef0123456789abcdef0123456789");
}

}  // namespace
