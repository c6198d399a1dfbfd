// SlackAdapter: v0 signatures (the official vector, §9's negative cases, the ±300 s window),
// form decoding, each payload kind from recorded fixtures, and Block Kit within Slack's limits.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "bot/platforms/slack_adapter.hpp"
#include "bot/platforms/wire_format.hpp"
#include "handlers/text.hpp"

namespace {

using inmaek::bot::platforms::form_decode;
using inmaek::bot::platforms::parse_form;
using inmaek::bot::platforms::Parsed;
using inmaek::bot::platforms::Request;
using inmaek::bot::platforms::SlackAdapter;
using inmaek::bot::platforms::SlackOptions;
using inmaek::bot::platforms::SlackTarget;
namespace http = boost::beast::http;
namespace json = boost::json;

constexpr auto kOfficialSecret = "8f742231b10e8888abcd99yyyzzz85a5";
constexpr auto kOfficialTimestamp = "1531420618";
constexpr auto kOfficialSignature =
    "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
constexpr auto kB1Secret = "test_signing_secret_0123456789ab";
constexpr auto kB1Signature = "v0=e3646cff3ed8ea49be16eb37cb3d611a0099410a019334a9da3daf371c4ef7da";

std::string fixture(const std::string& name) {
    std::ifstream in(std::string{INMAEK_FIXTURES_DIR} + "/slack/" + name, std::ios::binary);
    if (!in) throw std::runtime_error("missing fixture " + name);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

std::chrono::sys_seconds at(std::int64_t seconds) {
    return std::chrono::sys_seconds{std::chrono::seconds{seconds}};
}

SlackAdapter adapter_at(std::string secret, std::int64_t now) {
    SlackOptions options;
    options.signing_secret = std::move(secret);
    options.clock = [now] { return at(now); };
    return SlackAdapter{std::move(options)};
}

Request slack_request(std::string_view path, std::string body, std::optional<std::string> timestamp,
                      std::optional<std::string> signature) {
    Request request{http::verb::post, path, 11};
    request.set(http::field::content_type, path.ends_with("events")
                                               ? "application/json"
                                               : "application/x-www-form-urlencoded");
    if (timestamp) request.set("X-Slack-Request-Timestamp", *timestamp);
    if (signature) request.set("X-Slack-Signature", *signature);
    request.body() = std::move(body);
    request.prepare_payload();
    return request;
}

Request official_request() {
    return slack_request("/hooks/slack/commands", fixture("command_official.txt"),
                         kOfficialTimestamp, kOfficialSignature);
}

Parsed parse(std::string_view path, const std::string& body) {
    const auto adapter = adapter_at("secret", 1700000000);
    return adapter.parse(slack_request(path, body, std::nullopt, std::nullopt));
}

Parsed parse_event(const std::string& name) {
    return parse("/hooks/slack/events", fixture(name));
}

// --- verify -----------------------------------------------------------------------------------

TEST(SlackAdapter, AcceptsTheOfficialTestVector) {
    EXPECT_TRUE(adapter_at(kOfficialSecret, 1531420618 + 10).verify(official_request()));
    EXPECT_EQ(
        SlackAdapter::sign(kOfficialSecret, kOfficialTimestamp, fixture("command_official.txt")),
        kOfficialSignature);
}

TEST(SlackAdapter, AcceptsTheSignedJsonEventVector) {
    const auto adapter = adapter_at(kB1Secret, 1700000000);
    EXPECT_TRUE(adapter.verify(slack_request(
        "/hooks/slack/events", fixture("event_message_b1.json"), "1700000000", kB1Signature)));
}

TEST(SlackAdapter, RejectsAFlippedCharacterInTheSignature) {
    std::string flipped = kOfficialSignature;
    flipped.back() = flipped.back() == '3' ? '4' : '3';
    EXPECT_FALSE(adapter_at(kOfficialSecret, 1531420618)
                     .verify(slack_request("/hooks/slack/commands", fixture("command_official.txt"),
                                           kOfficialTimestamp, flipped)));
}

TEST(SlackAdapter, RejectsABodyWithOneExtraByte) {
    EXPECT_FALSE(
        adapter_at(kOfficialSecret, 1531420618)
            .verify(slack_request("/hooks/slack/commands", fixture("command_official.txt") + "&",
                                  kOfficialTimestamp, kOfficialSignature)));
}

TEST(SlackAdapter, RejectsTheWrongKey) {
    EXPECT_FALSE(
        adapter_at("8f742231b10e8888abcd99yyyzzz85a6", 1531420618).verify(official_request()));
    EXPECT_FALSE(adapter_at("", 1531420618).verify(official_request()));
}

TEST(SlackAdapter, RejectsMissingHeaders) {
    const auto adapter = adapter_at(kOfficialSecret, 1531420618);
    const auto body = fixture("command_official.txt");
    EXPECT_FALSE(adapter.verify(
        slack_request("/hooks/slack/commands", body, std::nullopt, kOfficialSignature)));
    EXPECT_FALSE(adapter.verify(
        slack_request("/hooks/slack/commands", body, kOfficialTimestamp, std::nullopt)));
    EXPECT_FALSE(adapter.verify(slack_request("/hooks/slack/commands", body, "", "")));
}

TEST(SlackAdapter, RejectsTimestampFromThePastBeyondFiveMinutes) {
    EXPECT_TRUE(adapter_at(kOfficialSecret, 1531420618 + 300).verify(official_request()));
    EXPECT_FALSE(adapter_at(kOfficialSecret, 1531420618 + 301).verify(official_request()));
}

TEST(SlackAdapter, RejectsTimestampFromTheFuture) {
    EXPECT_TRUE(adapter_at(kOfficialSecret, 1531420618 - 300).verify(official_request()));
    EXPECT_FALSE(adapter_at(kOfficialSecret, 1531420618 - 301).verify(official_request()));
}

TEST(SlackAdapter, RejectsAV1Prefix) {
    std::string v1 = kOfficialSignature;
    v1[1] = '1';
    EXPECT_FALSE(adapter_at(kOfficialSecret, 1531420618)
                     .verify(slack_request("/hooks/slack/commands", fixture("command_official.txt"),
                                           kOfficialTimestamp, v1)));
}

TEST(SlackAdapter, RejectsATimestampThatIsNotDigits) {
    const auto body = fixture("command_official.txt");
    for (const std::string timestamp : {"1531420618.0", "+1531420618", " 1531420618", "abc"}) {
        const auto signature = SlackAdapter::sign(kOfficialSecret, timestamp, body);
        EXPECT_FALSE(
            adapter_at(kOfficialSecret, 1531420618)
                .verify(slack_request("/hooks/slack/commands", body, timestamp, signature)))
            << timestamp;
    }
}

// --- form decoding ----------------------------------------------------------------------------

TEST(SlackForm, DecodesPlusAndPercentEscapes) {
    EXPECT_EQ(form_decode("a+b%20c%2Fd%25"), "a b c/d%");
    EXPECT_EQ(form_decode("%EC%B9%B4%EC%B9%B4%EC%98%A4"), "카카오");
    EXPECT_EQ(form_decode("%2b"), "+");
    EXPECT_EQ(form_decode(""), "");
}

TEST(SlackForm, RefusesMalformedEscapes) {
    EXPECT_FALSE(form_decode("%"));
    EXPECT_FALSE(form_decode("%4"));
    EXPECT_FALSE(form_decode("%G1"));
    EXPECT_FALSE(form_decode("abc%2"));
}

TEST(SlackForm, SplitsFieldsInOrder) {
    const auto fields = parse_form("a=1&b=&c&&d=x%3Dy&a=2");
    ASSERT_TRUE(fields);
    const std::vector<std::pair<std::string, std::string>> expected = {
        {"a", "1"}, {"b", ""}, {"c", ""}, {"d", "x=y"}, {"a", "2"}};
    EXPECT_EQ(*fields, expected);
    EXPECT_FALSE(parse_form("a=%zz"));
}

// --- events -----------------------------------------------------------------------------------

TEST(SlackAdapter, EchoesTheUrlVerificationChallenge) {
    const auto adapter = adapter_at("secret", 1700000000);
    const auto parsed = parse_event("url_verification.json");
    ASSERT_EQ(parsed.kind, Parsed::Kind::acknowledge);
    const auto response = adapter.acknowledge(parsed, 11, true);
    EXPECT_EQ(response.result(), http::status::ok);
    EXPECT_EQ(response.body(), "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
}

TEST(SlackAdapter, ReadsAChannelMessage) {
    const auto parsed = parse_event("event_message_b1.json");
    ASSERT_EQ(parsed.kind, Parsed::Kind::message);
    const auto& message = parsed.message;
    EXPECT_EQ(message.platform, inmaek::handlers::Platform::slack);
    EXPECT_EQ(message.event_key, "Ev0CRM00001");
    EXPECT_EQ(message.team_id, "T0CRM0001");
    EXPECT_EQ(message.chat_id, "C0PARTNER1");
    EXPECT_EQ(message.sender.id, "U0KIMMINJ");
    EXPECT_EQ(message.text, "hello bot");
    EXPECT_FALSE(message.direct);
    EXPECT_EQ(message.source_message_id, "1700000000.000100");
    EXPECT_EQ(message.received_at, at(1700000000));
    const auto adapter = adapter_at("secret", 1700000000);
    EXPECT_TRUE(adapter.replies_through_api(parsed));
}

TEST(SlackAdapter, NamesTheSenderOfAnEventThroughTheDirectory) {
    SlackOptions options;
    options.signing_secret = "secret";
    options.user_name = [](std::string_view user) {
        return user == "U0KIMMINJ" ? std::string{"김민지"} : std::string{};
    };
    bool cached = false;
    options.known_user_name = [&cached](std::string_view user) -> std::optional<std::string> {
        if (cached && user == "U0KIMMINJ") return "김민지";
        return std::nullopt;
    };
    const SlackAdapter adapter{std::move(options)};
    const auto request = slack_request("/hooks/slack/events", fixture("event_message_b1.json"),
                                       std::nullopt, std::nullopt);
    // Not cached: parse() names the id and leaves the look-up (which may wait on the network)
    // to complete(), which the server calls on a worker.
    auto parsed = adapter.parse(request);
    ASSERT_EQ(parsed.kind, Parsed::Kind::message);
    EXPECT_EQ(parsed.message.sender.display_name, "U0KIMMINJ");
    EXPECT_TRUE(parsed.incomplete);
    adapter.complete(parsed);
    EXPECT_EQ(parsed.message.sender.display_name, "김민지");
    EXPECT_FALSE(parsed.incomplete);
    // Cached: named at once, nothing left to complete.
    cached = true;
    const auto known = adapter.parse(request);
    EXPECT_EQ(known.message.sender.display_name, "김민지");
    EXPECT_FALSE(known.incomplete);
    // Without a directory: the id, complete.
    const auto plain = parse_event("event_message_b1.json");
    EXPECT_EQ(plain.message.sender.display_name, "U0KIMMINJ");
    EXPECT_FALSE(plain.incomplete);
}

TEST(SlackAdapter, StripsTheMentionOfAnAppMentionAndUnescapesItsText) {
    const auto parsed = parse_event("app_mention.json");
    ASSERT_EQ(parsed.kind, Parsed::Kind::message);
    EXPECT_EQ(
        parsed.message.text,
        "/meet today 11:00 @Kakao @OpenAI with Sam Altman : KakaoTalk & ChatGPT <integration>");
    EXPECT_EQ(SlackTarget::decode(parsed.reply_target).thread_ts, "1738630000.000100");
}

TEST(SlackAdapter, ReadsADirectMessageInNfc) {
    auto body = fixture("dm_message.json");
    // Decomposed Hangul, as macOS keyboards may send it.
    const std::string decomposed = "\u1112\u116C\u110B\u1174";
    body.replace(body.find("회의"), std::string{"회의"}.size(), decomposed);
    const auto parsed = parse("/hooks/slack/events", body);
    ASSERT_EQ(parsed.kind, Parsed::Kind::message);
    EXPECT_TRUE(parsed.message.direct);
    EXPECT_EQ(parsed.message.text, "/회의 오늘 11시 @카카오 : 연동 논의");
}

TEST(SlackAdapter, IgnoresEditsBotsAndItself) {
    EXPECT_EQ(parse_event("message_changed.json").kind, Parsed::Kind::acknowledge);
    EXPECT_EQ(parse_event("bot_message.json").kind, Parsed::Kind::acknowledge);
    // Our own user without a bot_id still is us.
    auto own = json::parse(fixture("event_message_b1.json")).as_object();
    own["event"].as_object()["user"] = "U0BOT0001";
    own["authorizations"] = json::array{
        json::object{{"team_id", "T0CRM0001"}, {"user_id", "U0BOT0001"}, {"is_bot", true}}};
    EXPECT_EQ(parse("/hooks/slack/events", json::serialize(own)).kind, Parsed::Kind::acknowledge);
    // A channel message that mentions the bot is answered through its app_mention twin.
    auto mention = json::parse(fixture("app_mention.json")).as_object();
    mention["event"].as_object()["type"] = "message";
    EXPECT_EQ(parse("/hooks/slack/events", json::serialize(mention)).kind,
              Parsed::Kind::acknowledge);
}

TEST(SlackAdapter, RefusesMalformedEvents) {
    EXPECT_EQ(parse("/hooks/slack/events", "{not json").kind, Parsed::Kind::bad_request);
    EXPECT_EQ(parse("/hooks/slack/events", R"({"type":"event_callback","event":{}})").kind,
              Parsed::Kind::bad_request);
    EXPECT_EQ(parse("/hooks/slack/elsewhere", "{}").kind, Parsed::Kind::bad_request);
    EXPECT_EQ(parse("/hooks/slack/events", R"({"type":"app_rate_limited"})").kind,
              Parsed::Kind::acknowledge);
}

// --- slash commands ---------------------------------------------------------------------------

TEST(SlackAdapter, MapsTheUmbrellaCommandOntoTheChatLanguage) {
    const auto parsed = parse("/hooks/slack/commands", fixture("command_inmaek_meet.txt"));
    ASSERT_EQ(parsed.kind, Parsed::Kind::message);
    const auto& message = parsed.message;
    EXPECT_EQ(message.text,
              "/meet 2025-02-04 11:00 @카카오 @OpenAI with Sam Altman : KakaoTalk & ChatGPT");
    EXPECT_EQ(message.event_key, "command:1111.2222.aaaa");
    EXPECT_EQ(message.team_id, "T0CRM0001");
    EXPECT_EQ(message.chat_id, "C0PARTNER1");
    EXPECT_EQ(message.chat_title, "partners");
    EXPECT_EQ(message.sender.id, "U0KIMMINJ");
    EXPECT_EQ(message.sender.display_name, "minji.kim");
    EXPECT_EQ(message.received_at, at(1700000000));
    EXPECT_FALSE(adapter_at("secret", 0).replies_through_api(parsed));
}

TEST(SlackAdapter, KeepsAPerCommandSlashName) {
    const auto parsed = parse("/hooks/slack/commands", fixture("command_meet.txt"));
    ASSERT_EQ(parsed.kind, Parsed::Kind::message);
    EXPECT_EQ(parsed.message.text, "/meet today @Kakao : follow-up");
}

TEST(SlackAdapter, TheUmbrellaCommandAloneAsksForHelp) {
    const auto parsed =
        parse("/hooks/slack/commands",
              "command=%2Finmaek&text=&channel_id=C1&user_id=U1&team_id=T1&trigger_id=9.9.9");
    ASSERT_EQ(parsed.kind, Parsed::Kind::message);
    EXPECT_EQ(parsed.message.text, "/help");
}

TEST(SlackAdapter, RefusesACommandWithoutItsFields) {
    EXPECT_EQ(parse("/hooks/slack/commands", "command=%2Finmaek&text=x").kind,
              Parsed::Kind::bad_request);
    EXPECT_EQ(parse("/hooks/slack/commands", "command=%ZZ").kind, Parsed::Kind::bad_request);
}

TEST(SlackAdapter, AnswersASuccessfulChangeInTheChannelAndAnErrorToTheAsker) {
    const auto adapter = adapter_at("secret", 0);
    const auto parsed = parse("/hooks/slack/commands", fixture("command_meet.txt"));
    inmaek::handlers::Reply ok;
    ok.kind = inmaek::handlers::Reply::Kind::ok;
    ok.title = "✅ Meeting #42";
    const auto stored = json::parse(adapter.render(parsed, ok, 11, true).body());
    EXPECT_EQ(stored.at("response_type"), "in_channel");
    EXPECT_EQ(stored.at("text"), "✅ Meeting #42");
    inmaek::handlers::Reply error;
    error.kind = inmaek::handlers::Reply::Kind::error;
    error.title = "Which company?";
    error.usage = "/meet [when] @Company : notes";
    const auto refused = json::parse(adapter.render(parsed, error, 11, true).body());
    EXPECT_EQ(refused.at("response_type"), "ephemeral");
    EXPECT_FALSE(adapter.push(parsed, ok).has_value());
}

// --- interactivity ----------------------------------------------------------------------------

TEST(SlackAdapter, TurnsAButtonPressIntoItsCommand) {
    const auto parsed = parse("/hooks/slack/interactivity", fixture("block_actions.txt"));
    ASSERT_EQ(parsed.kind, Parsed::Kind::message);
    EXPECT_EQ(parsed.message.text, "/done 7");
    EXPECT_EQ(parsed.message.event_key, "action:5555.6666.cccc");
    EXPECT_EQ(parsed.message.chat_id, "C0PARTNER1");
    EXPECT_EQ(parsed.message.team_id, "T0CRM0001");
    EXPECT_EQ(parsed.message.sender.id, "U0KIMMINJ");
    EXPECT_FALSE(parsed.message.direct);
    const auto adapter = adapter_at("secret", 0);
    EXPECT_TRUE(adapter.replies_through_api(parsed));
    inmaek::handlers::Reply reply;
    reply.title = "✅ Done #7";
    const auto push = adapter.push(parsed, reply);
    ASSERT_TRUE(push);
    EXPECT_EQ(push->destination, "C0PARTNER1");
    EXPECT_EQ(json::parse(push->payload).at("channel"), "C0PARTNER1");
}

TEST(SlackAdapter, AButtonPressInTheAppsDirectMessagesIsDirect) {
    // A reminder's /done, pressed where chat.postMessage to her user id put it.
    auto body = fixture("block_actions.txt");
    for (auto at = body.find("C0PARTNER1"); at != std::string::npos; at = body.find("C0PARTNER1")) {
        body.replace(at, 10, "D0MINJIDM1");
    }
    const auto parsed = parse("/hooks/slack/interactivity", body);
    ASSERT_EQ(parsed.kind, Parsed::Kind::message);
    EXPECT_EQ(parsed.message.chat_id, "D0MINJIDM1");
    EXPECT_TRUE(parsed.message.direct);
    EXPECT_EQ(parsed.message.text, "/done 7");
}

TEST(SlackAdapter, AcknowledgesOtherInteractions) {
    EXPECT_EQ(parse("/hooks/slack/interactivity",
                    "payload=" + std::string{"%7B%22type%22%3A%22view_submission%22%7D"})
                  .kind,
              Parsed::Kind::acknowledge);
    EXPECT_EQ(parse("/hooks/slack/interactivity", "payload=not-json").kind,
              Parsed::Kind::bad_request);
}

// --- rendering --------------------------------------------------------------------------------

TEST(SlackAdapter, PushesAChatPostMessageIntoTheThread) {
    const auto adapter = adapter_at("secret", 0);
    const auto parsed = parse_event("app_mention.json");
    inmaek::handlers::Reply reply;
    reply.kind = inmaek::handlers::Reply::Kind::ok;
    reply.title = "✅ Meeting #42 · 2025-02-04 11:00 KST";
    reply.lines = {"Kakao & OpenAI <new>"};
    reply.buttons = {{"Undo", "/undo"}};
    const auto push = adapter.push(parsed, reply);
    ASSERT_TRUE(push);
    EXPECT_EQ(push->destination, "C0PARTNER1");
    const auto call = json::parse(push->payload);
    EXPECT_EQ(call.at("channel"), "C0PARTNER1");
    EXPECT_EQ(call.at("thread_ts"), "1738630000.000100");
    const auto& blocks = call.at("blocks").as_array();
    ASSERT_EQ(blocks.size(), 3U);
    EXPECT_EQ(blocks[0].at("type"), "header");
    EXPECT_EQ(blocks[0].at("text").at("text"), "✅ Meeting #42 · 2025-02-04 11:00 KST");
    EXPECT_EQ(blocks[1].at("text").at("text"), "Kakao &amp; OpenAI &lt;new&gt;");
    EXPECT_EQ(blocks[2].at("type"), "actions");
    EXPECT_EQ(blocks[2].at("elements").at(0).at("value"), "/undo");
    EXPECT_EQ(call.at("text"), "✅ Meeting #42 · 2025-02-04 11:00 KST\nKakao & OpenAI <new>");
}

TEST(SlackAdapter, PushesToTheChannelOfAStoredChatKey) {
    const auto adapter = adapter_at("secret", 0);
    inmaek::handlers::Reply reply;
    reply.title = "Daily summary";
    const auto push = adapter.push_to("T0CRM0001/C0PARTNER1", reply);
    ASSERT_TRUE(push);
    EXPECT_EQ(push->destination, "C0PARTNER1");
    EXPECT_EQ(json::parse(push->payload).at("channel"), "C0PARTNER1");
    EXPECT_FALSE(adapter.push_to("T0CRM0001/C0PARTNER1", inmaek::handlers::Reply{}));
}

TEST(SlackAdapter, StaysWithinBlockKitLimits) {
    inmaek::handlers::Reply reply;
    reply.title = std::string(200, 'T');  // over the header's 150
    for (int i = 0; i < 400; ++i) reply.lines.push_back(std::string(500, 'x') + "&<>");
    reply.lines.push_back(std::string(10000, 'y'));  // one line over a section's 3000
    for (int i = 0; i < 60; ++i) {
        reply.buttons.push_back({std::string(100, 'b'), "/done " + std::to_string(i)});
    }
    reply.buttons.push_back({"too long", "/find " + std::string(2001, 'z')});
    reply.usage = "/meet [when] @Company : notes";
    const auto message = SlackAdapter::message_object(reply);
    const auto& blocks = message.at("blocks").as_array();
    EXPECT_LE(blocks.size(), 50U);
    EXPECT_EQ(blocks.front().at("type"), "section");  // a long title is a bold section
    std::size_t buttons = 0;
    bool saw_usage = false;
    for (const auto& block : blocks) {
        if (block.at("type") == "section") {
            const auto& text = block.at("text").at("text").as_string();
            EXPECT_LE(inmaek::handlers::text::length(text), 3000U);
            saw_usage = saw_usage || text == "`/meet [when] @Company : notes`";
        }
        if (block.at("type") == "actions") {
            const auto& elements = block.at("elements").as_array();
            EXPECT_LE(elements.size(), 25U);
            for (const auto& element : elements) {
                ++buttons;
                EXPECT_LE(element.at("value").as_string().size(), 2000U);
                EXPECT_LE(inmaek::handlers::text::length(element.at("text").at("text").as_string()),
                          75U);
            }
        }
    }
    EXPECT_TRUE(saw_usage);
    EXPECT_EQ(buttons, 60U);  // the one whose command is over 2000 bytes is left out
    EXPECT_LE(inmaek::handlers::text::length(message.at("text").as_string()), 4000U);
}

TEST(SlackAdapter, ServesThreeSubPaths) {
    const auto adapter = adapter_at("secret", 0);
    const std::vector<std::string_view> expected = {"events", "commands", "interactivity"};
    EXPECT_EQ(adapter.sub_paths(), expected);
}

}  // namespace
