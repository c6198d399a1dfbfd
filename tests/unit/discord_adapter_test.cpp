// The Discord interactions adapter: Ed25519 verification (platforms.md §5.2, §9 D1 and every
// negative case), interactions → chat-language lines, replies → interaction responses within
// Discord's limits, and the application-command list made from the router.
#include "bot/platforms/discord_adapter.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stdexcept>

#include "bot/platforms/signature.hpp"
#include "handlers/conversation.hpp"
#include "handlers/router.hpp"
#include "handlers/text.hpp"
#include "storage/database.hpp"
#include "tests/support/ed25519.hpp"
#include "tests/support/postgres.hpp"

namespace {

using inmaek::bot::platforms::DiscordAdapter;
using inmaek::bot::platforms::DiscordInteraction;
using inmaek::bot::platforms::DiscordOptions;
using inmaek::bot::platforms::Parsed;
using inmaek::bot::platforms::Request;
using inmaek::bot::platforms::to_hex;
using inmaek::handlers::Reply;
using inmaek::handlers::text::is_valid_utf8;
using inmaek::handlers::text::length;
namespace http = boost::beast::http;
using nlohmann::json;

// platforms.md §5.2 / §9 D1.
constexpr std::string_view kSeed =
    "2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a";
constexpr std::string_view kPublicKey =
    "197f6b23e16c8532c6abc838facd5ea789be0c76b2920334039bfa8b3d368d61";
constexpr std::string_view kTimestamp = "1700000000";
constexpr std::string_view kPingBody =
    R"({"type":1,"id":"1","application_id":"2","token":"t","version":1})";
constexpr std::string_view kPingSignature =
    "149f1a4ebbc7e615cfe7427247f444e2a9b6b3b0237a4126e9c58b59b9dd6bbcfca765b8287dd31605e640b8c1d7"
    "4c7b83e714a75fdfb2ae9d5a799cab53d305";
constexpr std::int64_t kNow = 1700000000;

using Signer = inmaek::test::Ed25519Signer;
using inmaek::test::unhex;

DiscordOptions options(std::string public_key = std::string{kPublicKey}) {
    DiscordOptions out;
    out.public_key = std::move(public_key);
    out.clock = [] { return std::chrono::sys_seconds{std::chrono::seconds{kNow}}; };
    return out;
}

Request discord_request(std::string_view body, std::optional<std::string_view> timestamp,
                        std::optional<std::string_view> signature) {
    Request request{http::verb::post, "/hooks/discord", 11};
    request.set(http::field::content_type, "application/json");
    if (timestamp) request.set("X-Signature-Timestamp", *timestamp);
    if (signature) request.set("X-Signature-Ed25519", *signature);
    request.body() = std::string{body};
    request.prepare_payload();
    return request;
}

/// A request signed with the seed of D1 (key kPublicKey).
Request signed_request(std::string_view body, std::string_view timestamp = kTimestamp) {
    static const Signer kSigner{kSeed};
    const auto signature = kSigner.sign(std::string{timestamp} + std::string{body});
    return discord_request(body, timestamp, signature);
}

std::string fixture(const std::string& name) {
    std::ifstream in(std::string{INMAEK_FIXTURES_DIR} + "/discord/" + name, std::ios::binary);
    if (!in) throw std::runtime_error("missing fixture " + name);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

Parsed parse(const std::string& body) {
    const DiscordAdapter adapter{options()};
    return adapter.parse(discord_request(body, std::nullopt, std::nullopt));
}

/// The text of an application command built from options (a JSON array).
std::string command_text(const std::string& name, const std::string& options_json,
                         const std::string& resolved = "{}") {
    const auto body = R"({"id":"1180000000000000001","application_id":"2","type":2,"token":"t",)"
                      R"("channel_id":"3","user":{"id":"4","username":"u"},"data":{"name":")" +
                      name + R"(","type":1,"options":)" + options_json + R"(,"resolved":)" +
                      resolved + "}}";
    const auto parsed = parse(body);
    EXPECT_EQ(parsed.kind, Parsed::Kind::message) << parsed.error;
    return parsed.message.text;
}

json rendered(const Reply& reply, DiscordOptions opts = options()) {
    const DiscordAdapter adapter{std::move(opts)};
    const auto parsed =
        adapter.parse(discord_request(fixture("summary_command.json"), std::nullopt, std::nullopt));
    const auto response = adapter.render(parsed, reply, 11, true);
    EXPECT_EQ(response.result(), http::status::ok);
    EXPECT_EQ(response[http::field::content_type], "application/json");
    return json::parse(response.body());
}

/// Characters Discord counts toward an embed's 6000.
std::size_t embed_total(const json& embed) {
    std::size_t total = length(embed.value("title", "")) + length(embed.value("description", ""));
    if (embed.contains("footer")) total += length(embed["footer"].value("text", ""));
    for (const auto& field : embed.value("fields", json::array())) {
        total +=
            length(field["name"].get<std::string>()) + length(field["value"].get<std::string>());
    }
    return total;
}

// --- verification ----------------------------------------------------------------------------

TEST(DiscordAdapter, AcceptsTheDocumentedVectorD1) {
    const DiscordAdapter adapter{options()};
    EXPECT_TRUE(adapter.verify(discord_request(kPingBody, kTimestamp, kPingSignature)));
}

TEST(DiscordAdapter, TestSignerReproducesD1AndRfc8032Test1) {
    const Signer signer{kSeed};
    EXPECT_EQ(signer.public_key_hex(), kPublicKey);
    // Ed25519 is deterministic: the same seed and bytes give the documented signature.
    EXPECT_EQ(signer.sign(std::string{kTimestamp} + std::string{kPingBody}), kPingSignature);
    const Signer rfc{"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"};
    EXPECT_EQ(rfc.public_key_hex(),
              "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    EXPECT_EQ(rfc.sign(""),
              "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc6"
              "1e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
}

TEST(DiscordAdapter, AcceptsSignaturesMadeFromTheSeed) {
    const DiscordAdapter adapter{options()};
    EXPECT_TRUE(adapter.verify(signed_request(fixture("summary_command.json"))));
    EXPECT_TRUE(adapter.verify(signed_request(fixture("button_press.json"))));
    EXPECT_TRUE(adapter.verify(signed_request("")));  // the signature covers the timestamp too
}

TEST(DiscordAdapter, RejectsTheBodyWithOneExtraByte) {
    const DiscordAdapter adapter{options()};
    EXPECT_FALSE(
        adapter.verify(discord_request(std::string{kPingBody} + " ", kTimestamp, kPingSignature)));
}

TEST(DiscordAdapter, RejectsOneFlippedCharacterInTheSignature) {
    const DiscordAdapter adapter{options()};
    for (std::size_t i = 0; i < kPingSignature.size(); ++i) {
        auto flipped = std::string{kPingSignature};
        flipped[i] = flipped[i] == '0' ? '1' : '0';
        EXPECT_FALSE(adapter.verify(discord_request(kPingBody, kTimestamp, flipped))) << i;
    }
}

TEST(DiscordAdapter, RejectsAnyModifiedByteOfTimestampOrBody) {
    const DiscordAdapter adapter{options()};
    const std::string body{kPingBody};
    for (std::size_t i = 0; i < body.size(); ++i) {
        auto changed = body;
        changed[i] = static_cast<char>(changed[i] ^ 0x01);
        EXPECT_FALSE(adapter.verify(discord_request(changed, kTimestamp, kPingSignature))) << i;
    }
    // Within the window but not the signed timestamp.
    EXPECT_FALSE(adapter.verify(discord_request(kPingBody, "1700000001", kPingSignature)));
    // Same instant, other bytes: the signature covers the header text, not its number.
    EXPECT_FALSE(adapter.verify(discord_request(kPingBody, "01700000000", kPingSignature)));
    for (std::size_t i = 0; i < kTimestamp.size(); ++i) {
        auto changed = std::string{kTimestamp};
        changed[i] = changed[i] == '9' ? '8' : static_cast<char>(changed[i] + 1);
        EXPECT_FALSE(adapter.verify(discord_request(kPingBody, changed, kPingSignature))) << i;
    }
}

TEST(DiscordAdapter, RejectsAWrongKey) {
    // Signed by another key…
    const Signer other{"0101010101010101010101010101010101010101010101010101010101010101"};
    const DiscordAdapter adapter{options()};
    EXPECT_FALSE(adapter.verify(discord_request(
        kPingBody, kTimestamp, other.sign(std::string{kTimestamp} + std::string{kPingBody}))));
    // …or checked against another application's key.
    const DiscordAdapter someone_else{options(other.public_key_hex())};
    EXPECT_FALSE(someone_else.verify(discord_request(kPingBody, kTimestamp, kPingSignature)));
}

TEST(DiscordAdapter, RejectsMissingHeaders) {
    const DiscordAdapter adapter{options()};
    EXPECT_FALSE(adapter.verify(discord_request(kPingBody, std::nullopt, kPingSignature)));
    EXPECT_FALSE(adapter.verify(discord_request(kPingBody, kTimestamp, std::nullopt)));
    EXPECT_FALSE(adapter.verify(discord_request(kPingBody, std::nullopt, std::nullopt)));
    EXPECT_FALSE(adapter.verify(discord_request(kPingBody, "", kPingSignature)));
}

TEST(DiscordAdapter, RejectsSignaturesOfTheWrongLengthOrNotHex) {
    const DiscordAdapter adapter{options()};
    const std::string good{kPingSignature};
    auto non_hex = good;
    non_hex[10] = 'g';
    auto spaced = good;
    spaced[10] = ' ';
    for (const auto& bad :
         {good.substr(0, 126), good + "00", good.substr(0, 127), std::string{},
          good.substr(2) + "  ", "0x" + good.substr(2), non_hex, spaced, good.substr(0, 64)}) {
        EXPECT_FALSE(adapter.verify(discord_request(kPingBody, kTimestamp, bad))) << bad;
    }
}

TEST(DiscordAdapter, AcceptsUpperCaseHex) {
    auto upper = std::string{kPingSignature};
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    auto key = std::string{kPublicKey};
    for (auto& c : key) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const DiscordAdapter adapter{options(key)};
    EXPECT_TRUE(adapter.verify(discord_request(kPingBody, kTimestamp, upper)));
}

TEST(DiscordAdapter, RejectsTimestampsOutsideTheWindowInBothDirections) {
    const DiscordAdapter adapter{options()};
    for (const auto offset : {-301, 301, -100000, 100000}) {
        const auto ts = std::to_string(kNow + offset);
        EXPECT_FALSE(adapter.verify(signed_request(kPingBody, ts))) << offset;
    }
    for (const auto offset : {-300, 0, 300}) {
        const auto ts = std::to_string(kNow + offset);
        EXPECT_TRUE(adapter.verify(signed_request(kPingBody, ts))) << offset;
    }
    for (const auto* ts : {"17e8", "-1700000000", "+1700000000", "99999999999999999999999"}) {
        EXPECT_FALSE(adapter.verify(signed_request(kPingBody, ts))) << ts;
    }
}

TEST(DiscordAdapter, SkipsTheTimestampWindowWhenItIsTurnedOff) {
    auto opts = options();
    opts.max_timestamp_age.reset();
    const DiscordAdapter adapter{std::move(opts)};
    EXPECT_TRUE(adapter.verify(signed_request(kPingBody, "1500000000")));
    EXPECT_FALSE(adapter.verify(discord_request(kPingBody, "1500000000", kPingSignature)));
}

TEST(DiscordAdapter, RefusesABadPublicKeyAtConstruction) {
    for (const std::string& key :
         {std::string{}, std::string{"197f6b23"}, std::string{kPublicKey} + "00",
          std::string{kPublicKey.substr(1)} + "z", std::string{kPublicKey.substr(0, 62)} + " 1"}) {
        try {
            const DiscordAdapter adapter{options(key)};
            ADD_FAILURE() << "accepted " << key;
        } catch (const std::invalid_argument& error) {
            EXPECT_NE(std::string{error.what()}.find("public key"), std::string::npos);
        }
    }
}

// --- parsing ---------------------------------------------------------------------------------

TEST(DiscordAdapter, AnswersPingWithPong) {
    const DiscordAdapter adapter{options()};
    const auto request = discord_request(kPingBody, kTimestamp, kPingSignature);
    ASSERT_TRUE(adapter.verify(request));
    const auto parsed = adapter.parse(request);
    ASSERT_EQ(parsed.kind, Parsed::Kind::acknowledge);
    EXPECT_EQ(DiscordInteraction::decode(parsed.reply_target).type, DiscordInteraction::ping);
    EXPECT_EQ(adapter.acknowledge(parsed, 11, true).body(), R"({"type":1})");
    EXPECT_EQ(adapter.render(parsed, Reply{}, 11, true).body(), R"({"type":1})");
    // What today's webhook service calls (it does not pass the Parsed): PING must still work.
    const inmaek::bot::platforms::Adapter& base = adapter;
    const auto response = base.acknowledge(11, false);
    EXPECT_EQ(response.result(), http::status::ok);
    EXPECT_EQ(response.body(), R"({"type":1})");
    EXPECT_EQ(response[http::field::content_type], "application/json");
}

TEST(DiscordAdapter, ReadsTheDocumentedSlashCommand) {
    const auto parsed = parse(fixture("summary_command.json"));
    ASSERT_EQ(parsed.kind, Parsed::Kind::message) << parsed.error;
    const auto& message = parsed.message;
    EXPECT_EQ(message.platform, inmaek::handlers::Platform::discord);
    EXPECT_EQ(message.text, "/summary today");
    EXPECT_EQ(message.event_key, "1180000000000000001");
    EXPECT_EQ(message.chat_id, "1150000000000000004");
    EXPECT_EQ(message.chat_title, "partners");
    EXPECT_EQ(message.team_id, "1160000000000000003");
    EXPECT_FALSE(message.direct);
    EXPECT_EQ(message.sender.id, "1140000000000000005");
    EXPECT_EQ(message.sender.display_name, "Minji Kim");
    EXPECT_EQ(message.sender.handle, "minji.kim");
    EXPECT_EQ(message.sender.locale, "ko");
    // Interactions carry no date: the snowflake id holds the creation time.
    EXPECT_EQ(message.received_at.time_since_epoch().count(), 1701404323);
    const auto target = DiscordInteraction::decode(parsed.reply_target);
    EXPECT_EQ(target.type, DiscordInteraction::application_command);
    EXPECT_EQ(target.application_id, "1170000000000000002");
    EXPECT_EQ(target.token, "aW50ZXJhY3Rpb246MTE4MDAwMDAwMDAwMDAwMDAwMQ");
}

TEST(DiscordAdapter, BuildsTheMeetLineFromItsOptions) {
    EXPECT_EQ(command_text("meet",
                           R"([{"name":"date","type":3,"value":"2025-02-04"},
                               {"name":"companies","type":3,"value":"Kakao"},
                               {"name":"notes","type":3,"value":"notes"}])"),
              "/meet 2025-02-04 @Kakao : notes");
    // Options arrive in any order; each lands where the chat language expects it.
    const auto parsed = parse(fixture("meet_command.json"));
    ASSERT_EQ(parsed.kind, Parsed::Kind::message) << parsed.error;
    EXPECT_EQ(
        parsed.message.text,
        "/meet 2025-02-04 @Kakao @\"SK Group\" with 샘 알트먼, 케빈 와일 at 카카오 미디어데이 "
        "lead:12 : 카카오톡 × ChatGPT 연동 논의");
    EXPECT_EQ(parsed.message.sender.display_name, "minji.kim");  // global_name null
    EXPECT_EQ(parsed.message.sender.locale, "en-US");
}

TEST(DiscordAdapter, TurnsSubCommandsGroupsAndTypedOptionsIntoWords) {
    EXPECT_EQ(command_text("company", R"([{"name":"add","type":1,"options":[
                  {"name":"name","type":3,"value":"Kakao"},
                  {"name":"industry","type":3,"value":"IT"},
                  {"name":"tier","type":3,"value":"Tier 1"}]}])"),
              "/company add Kakao industry:IT tier:\"Tier 1\"");
    EXPECT_EQ(command_text("lead", R"([{"name":"stage","type":2,"options":[
                  {"name":"move","type":1,"options":[
                      {"name":"id","type":4,"value":12},
                      {"name":"value","type":10,"value":2.5},
                      {"name":"owner","type":6,"value":"1140000000000000005"}]}]}])",
                           R"({"users":{"1140000000000000005":{"id":"1140000000000000005",
                                "username":"minji.kim"}}})"),
              "/lead stage move 12 value:2.5 owner:@minji.kim");
    EXPECT_EQ(command_text("todos", R"([{"name":"mine","type":5,"value":true},
                                       {"name":"all","type":5,"value":false}])"),
              "/todos mine");
    EXPECT_EQ(command_text("help", "[]"), "/help");
    EXPECT_EQ(command_text("todo", R"([{"name":"text","type":3,"value":"  send MOU  "},
                                      {"name":"when","type":3,"value":"tomorrow"},
                                      {"name":"company","type":3,"value":"@SK Group, 카카오"}])"),
              "/todo send MOU tomorrow @\"SK Group\" @카카오");
}

TEST(DiscordAdapter, RunsTheCommandAButtonCarries) {
    const auto parsed = parse(fixture("button_press.json"));
    ASSERT_EQ(parsed.kind, Parsed::Kind::message) << parsed.error;
    EXPECT_EQ(parsed.message.text, "/done 7");
    EXPECT_EQ(parsed.message.event_key, "1180000000000000021");
    EXPECT_EQ(parsed.message.source_message_id, "1190000000000000008");
    EXPECT_EQ(parsed.message.chat_id, "1150000000000000004");
    EXPECT_EQ(DiscordInteraction::decode(parsed.reply_target).type,
              DiscordInteraction::message_component);
    // Nothing to say after a press: the press is acknowledged without a new message.
    const DiscordAdapter adapter{options()};
    EXPECT_EQ(adapter.render(parsed, Reply{}, 11, true).body(), R"({"type":6})");
}

TEST(DiscordAdapter, AcknowledgesComponentsThatAreNotCommands) {
    auto body = json::parse(fixture("button_press.json"));
    body["data"] = {{"custom_id", "select_stage"}, {"component_type", 3}, {"values", {"poc"}}};
    const auto parsed = parse(body.dump());
    EXPECT_EQ(parsed.kind, Parsed::Kind::acknowledge);
    const DiscordAdapter adapter{options()};
    EXPECT_EQ(adapter.acknowledge(parsed, 11, true).body(), R"({"type":6})");
}

TEST(DiscordAdapter, ReadsADirectMessageWithoutAGuild) {
    const auto parsed = parse(fixture("dm_command.json"));
    ASSERT_EQ(parsed.kind, Parsed::Kind::message) << parsed.error;
    EXPECT_EQ(parsed.message.text, "/todos mine");
    EXPECT_TRUE(parsed.message.team_id.empty());
    EXPECT_TRUE(parsed.message.direct);
    EXPECT_EQ(parsed.message.chat_id, "1150000000000000009");
    EXPECT_EQ(parsed.message.sender.id, "1140000000000000005");
    EXPECT_EQ(parsed.message.sender.display_name, "Minji Kim");
    EXPECT_EQ(parsed.message.sender.locale, "en-US");
}

TEST(DiscordAdapter, KeepsIdsAbove2To53Exact) {
    // 2^53 + 1 cannot be a double: a double-based parser would give ...992.
    const auto* const body =
        R"({"id":"9007199254740993","application_id":"18446744073709551615","type":2,"token":"t",)"
        R"("guild_id":"9223372036854775807","channel_id":"9007199254740995",)"
        R"("member":{"user":{"id":"9007199254740997","username":"u"}},)"
        R"("data":{"name":"done","type":1,"options":[{"name":"id","type":4,"value":9007199254740993}]}})";
    const auto parsed = parse(body);
    ASSERT_EQ(parsed.kind, Parsed::Kind::message) << parsed.error;
    EXPECT_EQ(parsed.message.event_key, "9007199254740993");
    EXPECT_EQ(parsed.message.team_id, "9223372036854775807");
    EXPECT_EQ(parsed.message.chat_id, "9007199254740995");
    EXPECT_EQ(parsed.message.sender.id, "9007199254740997");
    EXPECT_EQ(parsed.message.text, "/done 9007199254740993");
    EXPECT_EQ(DiscordInteraction::decode(parsed.reply_target).application_id,
              "18446744073709551615");
    // An id sent as a JSON integer is still read exactly (never through double).
    auto numeric = json::parse(fixture("summary_command.json"));
    numeric["id"] = 1180000000000000001ULL;
    const auto from_number = parse(numeric.dump());
    ASSERT_EQ(from_number.kind, Parsed::Kind::message) << from_number.error;
    EXPECT_EQ(from_number.message.event_key, "1180000000000000001");
}

TEST(DiscordAdapter, AcknowledgesInteractionsThatAreNotForTheChatLanguage) {
    const DiscordAdapter adapter{options()};
    auto body = json::parse(fixture("summary_command.json"));
    body["type"] = 4;  // autocomplete: no suggestions
    auto parsed = parse(body.dump());
    EXPECT_EQ(parsed.kind, Parsed::Kind::acknowledge);
    EXPECT_EQ(json::parse(adapter.acknowledge(parsed, 11, true).body()),
              json::parse(R"({"type":8,"data":{"choices":[]}})"));
    for (const int type : {5, 99}) {  // modal submit, a type from the future
        body["type"] = type;
        parsed = parse(body.dump());
        EXPECT_EQ(parsed.kind, Parsed::Kind::acknowledge) << type;
        EXPECT_EQ(adapter.acknowledge(parsed, 11, true).body(), R"({"type":6})");
    }
    body["type"] = 2;
    body["data"]["type"] = 3;  // a message context-menu command: we register none
    EXPECT_EQ(parse(body.dump()).kind, Parsed::Kind::acknowledge);
}

TEST(DiscordAdapter, RejectsMalformedInteractionsWithAClearError) {
    const std::string user = R"("channel_id":"3","user":{"id":"4","username":"u"})";
    const std::vector<std::pair<std::string, std::string>> cases{
        {"not json", "JSON"},
        {"[]", "JSON"},
        {"", "JSON"},
        {R"({"id":"1"})", "type"},
        {R"({"id":"1","type":"2"})", "type"},
        {R"({"id":"1","type":2.0})", "type"},
        {R"({"type":2,"data":{"name":"help"},)" + user + "}", "id"},
        {R"({"id":1.5e18,"type":2,"data":{"name":"help"},)" + user + "}", "id"},
        {R"({"id":"1","type":2,)" + user + "}", "data"},
        {R"({"id":"1","type":2,"data":{"name":""},)" + user + "}", "data.name"},
        {R"({"id":"1","type":2,"data":{"name":"x","options":{}},)" + user + "}", "options"},
        {R"({"id":"1","type":2,"data":{"name":"x","options":[{"name":"a","type":3}]},)" + user +
             "}",
         "value"},
        {R"({"id":"1","type":2,"data":{"name":"x","options":[{"name":"a","type":3,"value":5}]},)" +
             user + "}",
         "string"},
        {R"({"id":"1","type":2,"data":{"name":"x","options":[{"name":"a","type":4,"value":"5"}]},)" +
             user + "}",
         "number"},
        {R"({"id":"1","type":2,"data":{"name":"x","options":[{"type":3,"value":"v"}]},)" + user +
             "}",
         "name"},
        {R"({"id":"1","type":2,"data":{"name":"help"},"user":{"id":"4"}})", "channel_id"},
        {R"({"id":"1","type":2,"data":{"name":"help"},"channel_id":"3"})", "user"},
        {R"({"id":"1","type":3,"channel_id":"3","user":{"id":"4"}})", "data"},
        {"{\"id\":\"1\",\"type\":2,\"data\":{\"name\":\"help\xFF\"}," + user + "}", "JSON"},
    };
    for (const auto& [body, says] : cases) {
        SCOPED_TRACE(body);
        const auto parsed = parse(body);
        EXPECT_EQ(parsed.kind, Parsed::Kind::bad_request);
        EXPECT_NE(parsed.error.find(says), std::string::npos) << parsed.error;
    }
}

TEST(DiscordAdapter, ComposesDecomposedHangul) {
    // "/회의" typed as conjoining jamo ends up composed, like every adapter's text.
    const auto text = command_text(
        "meet", "[{\"name\":\"text\",\"type\":3,\"value\":\"\xE1\x84\x92\xE1\x85\xAC\"}]");
    EXPECT_EQ(text, "/meet 회");
}

TEST(DiscordAdapter, ReplyTargetRoundTrips) {
    const DiscordInteraction interaction{2, "1170000000000000002", "tok/en:with/slashes"};
    const auto back = DiscordInteraction::decode(interaction.encode());
    EXPECT_EQ(back.type, 2);
    EXPECT_EQ(back.application_id, "1170000000000000002");
    EXPECT_EQ(back.token, "tok/en:with/slashes");
    EXPECT_EQ(DiscordInteraction::decode("-1001234567890").type, 0);
    EXPECT_EQ(DiscordInteraction::decode("x/1/t").type, 0);
}

// --- rendering -------------------------------------------------------------------------------

TEST(DiscordAdapter, RendersAShortReplyAsContentThatPingsNobody) {
    Reply reply;
    reply.kind = Reply::Kind::ok;
    reply.title = "✅ Meeting #42 · @everyone <@1140000000000000005> *bold* _x_";
    const auto answer = rendered(reply);
    EXPECT_EQ(answer["type"], 4);
    EXPECT_EQ(answer["data"]["content"],
              "✅ Meeting #42 · @everyone <@1140000000000000005> \\*bold\\* \\_x\\_");
    EXPECT_EQ(answer["data"]["allowed_mentions"], json::parse(R"({"parse":[]})"));
    EXPECT_FALSE(answer["data"].contains("flags"));
    EXPECT_FALSE(answer["data"].contains("embeds"));
}

TEST(DiscordAdapter, ShowsErrorsOnlyToWhoeverAsked) {
    Reply reply;
    reply.kind = Reply::Kind::error;
    reply.title = "⚠️ Which company did you meet?";
    reply.usage = "Usage: /meet [when] @Company : notes";
    auto answer = rendered(reply);
    EXPECT_EQ(answer["data"]["flags"], 64);
    EXPECT_EQ(answer["data"]["content"],
              "⚠️ Which company did you meet?\n`Usage: /meet [when] @Company : notes`");
    auto opts = options();
    opts.ephemeral_errors = false;
    answer = rendered(reply, std::move(opts));
    EXPECT_FALSE(answer["data"].contains("flags"));
}

TEST(DiscordAdapter, RendersTitleFieldsAndRowsAsAnEmbed) {
    Reply reply;
    reply.kind = Reply::Kind::info;
    reply.title = "🏢 Kakao";
    reply.lines = {"IT platform company",
                   "Industry: IT",
                   "Tier: A",
                   "Open leads:",
                   "#3 Kakao × OpenAI · negotiation",
                   "#4 Kakao Mobility · poc",
                   "Notes: 11:00 call"};
    reply.buttons = {{"Done", "/done 7"}};
    const auto answer = rendered(reply);
    ASSERT_EQ(answer["data"]["embeds"].size(), 1U);
    const auto& embed = answer["data"]["embeds"][0];
    EXPECT_EQ(embed["title"], "🏢 Kakao");
    EXPECT_EQ(embed["description"], "IT platform company");
    ASSERT_EQ(embed["fields"].size(), 4U);
    EXPECT_EQ(embed["fields"][0]["name"], "Industry");
    EXPECT_EQ(embed["fields"][0]["value"], "IT");
    EXPECT_EQ(embed["fields"][2]["name"], "Open leads");
    EXPECT_EQ(embed["fields"][2]["value"],
              "#3 Kakao × OpenAI · negotiation\n#4 Kakao Mobility · poc");
    EXPECT_EQ(embed["fields"][3]["value"], "11:00 call");
    EXPECT_EQ(answer["data"]["allowed_mentions"], json::parse(R"({"parse":[]})"));
    const auto& button = answer["data"]["components"][0]["components"][0];
    EXPECT_EQ(button["type"], 2);
    EXPECT_EQ(button["style"], 1);
    EXPECT_EQ(button["label"], "Done");
    EXPECT_EQ(button["custom_id"], "/done 7");
}

TEST(DiscordAdapter, TruncatesLongTextOnACharacterBoundary) {
    Reply reply;
    for (int i = 0; i < 3000; ++i) reply.title += "회";
    auto answer = rendered(reply);
    const auto content = answer["data"]["content"].get<std::string>();
    EXPECT_EQ(length(content), 2000U);
    EXPECT_TRUE(is_valid_utf8(content));
    EXPECT_TRUE(content.ends_with("…"));

    reply.lines.assign(1, std::string(5000, 'x'));
    answer = rendered(reply);
    const auto& embed = answer["data"]["embeds"][0];
    EXPECT_EQ(length(embed["title"].get<std::string>()), 256U);
    EXPECT_TRUE(embed["title"].get<std::string>().ends_with("…"));
    EXPECT_LE(length(embed["description"].get<std::string>()), 4096U);
    EXPECT_TRUE(embed["description"].get<std::string>().ends_with("…"));
    EXPECT_LE(embed_total(embed), 6000U);
}

TEST(DiscordAdapter, CapsFieldsAt25AndTheEmbedAt6000Characters) {
    Reply reply;
    reply.title = "📋 Many";
    for (int i = 0; i < 30; ++i) reply.lines.push_back("Field " + std::to_string(i) + ": short");
    auto answer = rendered(reply);
    auto embed = answer["data"]["embeds"][0];
    EXPECT_EQ(embed["fields"].size(), 25U);
    EXPECT_EQ(embed["fields"][24]["name"], "Field 24");
    EXPECT_EQ(embed["description"], "…");  // says that some were left out

    reply.lines.clear();
    for (int i = 0; i < 30; ++i) {
        reply.lines.push_back("Field " + std::to_string(i) + ": " + std::string(2000, 'v'));
    }
    answer = rendered(reply);
    embed = answer["data"]["embeds"][0];
    EXPECT_LE(embed["fields"].size(), 25U);
    EXPECT_LE(embed_total(embed), 6000U);
    EXPECT_GE(embed_total(embed), 5900U);  // the budget is used, not thrown away
    for (const auto& field : embed["fields"]) {
        EXPECT_LE(length(field["value"].get<std::string>()), 1024U);
        EXPECT_GE(length(field["value"].get<std::string>()), 1U);
    }
}

TEST(DiscordAdapter, LaysButtonsOutInAtMostFiveRowsOfFive) {
    Reply reply;
    reply.title = "📋 Your follow-ups";
    reply.buttons.push_back({"too long", "/done " + std::string(100, '9')});
    reply.buttons.push_back({"Done #1", "/done 1"});
    reply.buttons.push_back({"again", "/done 1"});  // custom_id must be unique
    for (int i = 2; i <= 40; ++i)
        reply.buttons.push_back({"Done #" + std::to_string(i), "/done " + std::to_string(i)});
    const auto answer = rendered(reply);
    const auto& rows = answer["data"]["components"];
    ASSERT_EQ(rows.size(), 5U);
    std::set<std::string> ids;
    for (const auto& row : rows) {
        EXPECT_EQ(row["type"], 1);
        ASSERT_EQ(row["components"].size(), 5U);
        for (const auto& button : row["components"]) {
            const auto id = button["custom_id"].get<std::string>();
            EXPECT_LE(id.size(), 100U);
            EXPECT_TRUE(ids.insert(id).second) << id;
        }
    }
    EXPECT_EQ(rows[0]["components"][0]["custom_id"], "/done 1");
    EXPECT_EQ(rows[0]["components"][0]["style"], 1);
    EXPECT_EQ(rows[0]["components"][1]["style"], 2);
    EXPECT_EQ(rows[4]["components"][4]["custom_id"], "/done 25");
}

TEST(DiscordAdapter, AnswersAnEmptyReplyToACommandQuietly) {
    const auto answer = rendered(Reply{});
    EXPECT_EQ(answer["type"], 4);
    EXPECT_EQ(answer["data"]["flags"], 64);
    EXPECT_FALSE(answer["data"]["content"].get<std::string>().empty());
}

TEST(DiscordAdapter, GivesTheMessageObjectForFollowUps) {
    Reply reply;
    reply.title = "Daily summary";
    const auto message = json::parse(DiscordAdapter::message_json(reply, false));
    EXPECT_EQ(message["content"], "Daily summary");
    EXPECT_EQ(message["allowed_mentions"], json::parse(R"({"parse":[]})"));
    EXPECT_FALSE(message.contains("type"));
}

// --- the chat language understands what the adapter builds -----------------------------------

TEST(DiscordAdapter, SlashCommandsRunInTheChatLanguage) {
    inmaek::test::FreshDatabase fresh{"sqlite3"};
    inmaek::storage::DatabaseOptions database_options;
    database_options.url = fresh.url();
    inmaek::storage::Database database{database_options};
    database.migrate();
    const inmaek::handlers::Conversation conversation{inmaek::handlers::ConversationPolicy{}};
    const DiscordAdapter adapter{options()};
    auto run = [&](const std::string& body) {
        const auto parsed = adapter.parse(signed_request(body));
        EXPECT_EQ(parsed.kind, Parsed::Kind::message) << parsed.error;
        auto outcome = database.transact([&](inmaek::storage::UnitOfWork& work) {
            return conversation.handle(work, parsed.message);
        });
        const auto answer = json::parse(adapter.render(parsed, outcome.reply, 11, true).body());
        EXPECT_EQ(answer["type"], 4);
        return outcome.reply;
    };
    auto meet = json::parse(fixture("meet_command.json"));
    meet["data"]["options"].erase(5);  // no lead #12 in a fresh database
    const auto reply = run(meet.dump());
    EXPECT_EQ(reply.kind, Reply::Kind::ok) << reply.plain_text();
    EXPECT_NE(reply.title.find("2025-02-04"), std::string::npos) << reply.title;
    EXPECT_NE(reply.plain_text().find("SK Group"), std::string::npos) << reply.plain_text();
    EXPECT_NE(reply.plain_text().find("카카오 미디어데이"), std::string::npos)
        << reply.plain_text();
    const auto todos = run(fixture("dm_command.json"));
    EXPECT_NE(todos.kind, Reply::Kind::error) << todos.plain_text();
}

// --- registration ----------------------------------------------------------------------------

TEST(DiscordAdapter, RegistersOneValidSlashCommandPerRouterCommand) {
    const auto router = inmaek::handlers::make_router();
    const auto commands =
        json::parse(inmaek::bot::platforms::discord_application_commands(*router));
    ASSERT_TRUE(commands.is_array());
    ASSERT_EQ(commands.size(), router->commands().size());
    std::set<std::string> names;
    for (const auto& command : commands) {
        const auto name = command["name"].get<std::string>();
        SCOPED_TRACE(name);
        EXPECT_TRUE(inmaek::bot::platforms::is_valid_discord_command_name(name));
        EXPECT_TRUE(names.insert(name).second);
        EXPECT_EQ(command["type"], 1);
        const auto description = command["description"].get<std::string>();
        EXPECT_GE(length(description), 1U);
        EXPECT_LE(length(description), 100U);
        EXPECT_LE(length(command["description_localizations"]["ko"].get<std::string>()), 100U);
        ASSERT_EQ(command["options"].size(), 1U);
        const auto& option = command["options"][0];
        EXPECT_EQ(option["type"], 3);
        EXPECT_EQ(option["name"], "text");
        EXPECT_FALSE(option["required"].get<bool>());
        EXPECT_GE(length(option["description"].get<std::string>()), 1U);
        EXPECT_LE(length(option["description"].get<std::string>()), 100U);
    }
    for (const auto& command : router->commands()) EXPECT_EQ(names.count(command.name), 1U);
    EXPECT_EQ(names.count("meet"), 1U);
    const auto meet = std::find_if(commands.begin(), commands.end(),
                                   [](const json& c) { return c["name"] == "meet"; });
    EXPECT_EQ((*meet)["description"], "log a meeting");
    EXPECT_EQ((*meet)["description_localizations"]["ko"], "회의 기록");
}

TEST(DiscordAdapter, KnowsDiscordsCommandNameRules) {
    using inmaek::bot::platforms::is_valid_discord_command_name;
    for (const auto* good :
         {"meet", "a", "to-do", "to_do", "v2", "abcdefghijklmnopqrstuvwxyz012345"}) {
        EXPECT_TRUE(is_valid_discord_command_name(good)) << good;
    }
    for (const auto* bad :
         {"", "Meet", "회의", "to do", "/meet", "abcdefghijklmnopqrstuvwxyz0123456", "a.b"}) {
        EXPECT_FALSE(is_valid_discord_command_name(bad)) << bad;
    }
}

// --- deferred answers ---------------------------------------------------------------------------

/// Options whose deferred predicate is the real router's: /summary is slow, /meet is not.
DiscordOptions deferring_options() {
    static const auto kRouter = inmaek::handlers::make_router();
    auto out = options();
    out.deferred = [](std::string_view text) { return kRouter->is_slow(text); };
    return out;
}

TEST(DiscordAdapter, DefersASlowCommandAndEditsTheOriginalAnswerLater) {
    const DiscordAdapter adapter{deferring_options()};
    const auto parsed =
        adapter.parse(discord_request(fixture("summary_command.json"), std::nullopt, std::nullopt));
    ASSERT_EQ(parsed.kind, Parsed::Kind::message) << parsed.error;
    ASSERT_TRUE(adapter.replies_through_api(parsed));
    EXPECT_EQ(json::parse(adapter.acknowledge(parsed, 11, true).body()), json({{"type", 5}}));

    Reply reply;
    reply.title = "오늘: 회의 1건";
    const auto push = adapter.push(parsed, reply);
    ASSERT_TRUE(push.has_value());
    // The interaction token is a credential: it stays out of the destination, which is logged.
    EXPECT_EQ(push->destination, "interaction:1180000000000000001");
    EXPECT_EQ(push->destination.find("aW50ZXJh"), std::string::npos);
    const auto payload = json::parse(push->payload);
    EXPECT_EQ(payload["application_id"], "1170000000000000002");
    EXPECT_EQ(payload["token"], "aW50ZXJhY3Rpb246MTE4MDAwMDAwMDAwMDAwMDAwMQ");
    EXPECT_EQ(payload["message"]["content"], "오늘: 회의 1건");
    EXPECT_FALSE(payload["message"].contains("flags"));
}

TEST(DiscordAdapter, AnswersQuickCommandsAndButtonsInTheResponse) {
    const DiscordAdapter adapter{deferring_options()};
    const auto meet = adapter.parse(
        discord_request(R"({"id":"1180000000000000002","application_id":"2","type":2,"token":"t",)"
                        R"("channel_id":"3","user":{"id":"4","username":"u"},)"
                        R"("data":{"name":"meet","type":1,"options":[]}})",
                        std::nullopt, std::nullopt));
    ASSERT_EQ(meet.kind, Parsed::Kind::message) << meet.error;
    EXPECT_FALSE(adapter.replies_through_api(meet));
    Reply reply;
    reply.title = "x";
    EXPECT_FALSE(adapter.push(meet, reply).has_value());
    // A button that runs /summary is a component: Discord allows only an update for it.
    const auto press = adapter.parse(
        discord_request(R"({"id":"1180000000000000003","application_id":"2","type":3,"token":"t",)"
                        R"("channel_id":"3","user":{"id":"4","username":"u"},)"
                        R"("message":{"id":"5"},"data":{"custom_id":"/summary today"}})",
                        std::nullopt, std::nullopt));
    ASSERT_EQ(press.kind, Parsed::Kind::message) << press.error;
    EXPECT_FALSE(adapter.replies_through_api(press));
    // Without the predicate nothing is deferred.
    const DiscordAdapter plain{options()};
    EXPECT_FALSE(plain.replies_through_api(
        plain.parse(discord_request(fixture("summary_command.json"), std::nullopt, std::nullopt))));
}

}  // namespace
