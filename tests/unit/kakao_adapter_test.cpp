// KakaoAdapter: the secret path segment, skill requests and Bot API webhooks from the fixtures
// in tests/fixtures/kakao (no Kakao peer exists, platforms.md §10.5), the derived dedupe key,
// ids above 2^53, and SkillResponses within Kakao's limits.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "bot/platforms/kakao_adapter.hpp"
#include "handlers/text.hpp"

namespace {

using inmaek::bot::platforms::KakaoAdapter;
using inmaek::bot::platforms::KakaoOptions;
using inmaek::bot::platforms::KakaoTarget;
using inmaek::bot::platforms::Parsed;
using inmaek::bot::platforms::Request;
using inmaek::handlers::Button;
using inmaek::handlers::Lang;
using inmaek::handlers::Reply;
namespace http = boost::beast::http;
namespace json = boost::json;
namespace text = inmaek::handlers::text;

constexpr auto kSecret = "kakao_skill_secret_0123456789abcdef";
constexpr auto kBotId = "5f1a2b3c4d5e6f7a8b9c0d1e";
constexpr auto kUserKey = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1";

std::string fixture(const std::string& name) {
    std::ifstream in(std::string{INMAEK_FIXTURES_DIR} + "/kakao/" + name, std::ios::binary);
    if (!in) throw std::runtime_error("missing fixture " + name);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

std::chrono::sys_seconds at(std::int64_t seconds) {
    return std::chrono::sys_seconds{std::chrono::seconds{seconds}};
}

/// An adapter whose clock reads *now; "회의", "meet", "리드", "리드목록" and "help" are commands.
KakaoAdapter adapter(const std::int64_t* now = nullptr) {
    KakaoOptions options;
    options.skill_secret = kSecret;
    options.callback_origins = {"http://127.0.0.1:8123"};
    options.is_command = [](std::string_view word) {
        return word == "회의" || word == "meet" || word == "리드" || word == "리드목록" ||
               word == "help";
    };
    if (now != nullptr) options.clock = [now] { return at(*now); };
    return KakaoAdapter{std::move(options)};
}

/// A POST of `body` to `target` (by default the skill URL with the right secret).
Request skill(std::string body,
              const std::string& target = std::string{"/hooks/kakao/"} + kSecret) {
    Request request{http::verb::post, target, 11};
    request.set(http::field::content_type, "application/json;charset=UTF-8");
    request.body() = std::move(body);
    request.prepare_payload();
    return request;
}

Request bot(std::string body) {
    return skill(std::move(body), std::string{"/hooks/kakao/bot/"} + kSecret);
}

/// The fixture with userRequest.callbackUrl replaced (or removed when empty).
std::string with_callback(const std::string& name, std::string_view url) {
    auto body = json::parse(fixture(name));
    auto& request = body.at("userRequest").as_object();
    if (url.empty()) {
        request.erase("callbackUrl");
    } else {
        request["callbackUrl"] = url;
    }
    return json::serialize(body);
}

std::size_t output_length(const json::value& output) {
    const auto& simple = output.at("simpleText").at("text").as_string();
    return text::length(std::string_view{simple.data(), simple.size()});
}

TEST(KakaoAdapter, VerifiesTheSecretPathSegmentOnly) {
    const auto kakao = adapter();
    EXPECT_TRUE(kakao.verify(skill(fixture("skill_meet.json"))));
    EXPECT_TRUE(kakao.verify(bot(fixture("bot_message_create.json"))));
    std::string wrong = kSecret;
    wrong.back() = 'X';
    EXPECT_FALSE(kakao.verify(skill("{}", "/hooks/kakao/" + wrong)));
    EXPECT_FALSE(kakao.verify(skill("{}", "/hooks/kakao/bot/" + wrong)));
    EXPECT_FALSE(kakao.verify(skill("{}", std::string{"/hooks/kakao/"} + kSecret + "x")));
    EXPECT_FALSE(kakao.verify(skill("{}", "/hooks/kakao/bot")));
    EXPECT_FALSE(kakao.verify(skill("{}", "/hooks/kakao")));
    // Without a configured secret nothing passes, not even an empty segment.
    KakaoAdapter unconfigured{KakaoOptions{}};
    EXPECT_FALSE(unconfigured.verify(skill("{}", "/hooks/kakao/")));
    EXPECT_FALSE(unconfigured.verify(skill(fixture("skill_meet.json"))));
}

TEST(KakaoAdapter, ServesTheSecretAsAPlaceholderSoItNeverShowsInPaths) {
    const auto paths = adapter().sub_paths();
    ASSERT_EQ(paths.size(), 2U);
    EXPECT_EQ(paths[0], "{skill_secret}");
    EXPECT_EQ(paths[1], "bot/{skill_secret}");
}

TEST(KakaoAdapter, ParsesASkillRequestIntoACommand) {
    const std::int64_t now = 1738634400;
    const auto parsed = adapter(&now).parse(skill(fixture("skill_meet.json")));
    ASSERT_EQ(parsed.kind, Parsed::Kind::message) << parsed.error;
    const auto& message = parsed.message;
    EXPECT_EQ(message.platform, inmaek::handlers::Platform::kakao);
    EXPECT_EQ(message.team_id, kBotId);
    EXPECT_EQ(message.chat_id, kUserKey);
    EXPECT_TRUE(message.direct);
    EXPECT_EQ(message.sender.id, kUserKey);
    EXPECT_EQ(message.sender.handle, "Xy12AbCdEfGh") << "the channel-scoped plusfriendUserKey";
    EXPECT_EQ(message.sender.locale, "ko") << "Kakao's lang \"kr\"";
    // Kakao utterances have no slash: a first word that is a command gets one.
    EXPECT_EQ(message.text,
              "/회의 2025-02-04 11:00 @카카오 @OpenAI : 카카오톡 × ChatGPT 연동 논의");
    EXPECT_EQ(message.received_at, at(now));
    EXPECT_TRUE(message.event_key.starts_with("skill:")) << message.event_key;
    const auto target = KakaoTarget::decode(parsed.reply_target);
    EXPECT_EQ(target.kind, KakaoTarget::Kind::skill);
    EXPECT_TRUE(target.callback_url.empty());
    EXPECT_FALSE(adapter().replies_through_api(parsed)) << "no callbackUrl: answered inline";
}

TEST(KakaoAdapter, LeavesOrdinaryTextAloneAndAnEmptyUtteranceAsksForHelp) {
    auto body = json::parse(fixture("skill_meet.json"));
    body.at("userRequest").as_object()["utterance"] = "안녕하세요";
    EXPECT_EQ(adapter().parse(skill(json::serialize(body))).message.text, "안녕하세요");
    body.at("userRequest").as_object()["utterance"] = "  ";
    EXPECT_EQ(adapter().parse(skill(json::serialize(body))).message.text, "/help");
    // A quick reply or block button may carry the command in clientExtra.
    body.at("action").as_object()["clientExtra"] = json::object{{"command", "/lead 7"}};
    EXPECT_EQ(adapter().parse(skill(json::serialize(body))).message.text, "/lead 7");
}

TEST(KakaoAdapter, UsesACallbackUrlOnlyFromKakaoOrAConfiguredOrigin) {
    const auto kakao = adapter();
    const auto from_kakao = kakao.parse(skill(fixture("skill_callback.json")));
    ASSERT_EQ(from_kakao.kind, Parsed::Kind::message) << from_kakao.error;
    EXPECT_EQ(KakaoTarget::decode(from_kakao.reply_target).callback_url,
              "https://bot-api.kakao.com/v1/callback/skill/8a7f3c1e-5b2d-4e6f-9a0b-1c2d3e4f5a6b"
              "?token=AbCdEf0123456789");
    EXPECT_TRUE(kakao.replies_through_api(from_kakao));
    EXPECT_TRUE(kakao.answers_replays_inline(from_kakao));

    const auto local = kakao.parse(
        skill(with_callback("skill_callback.json", "http://127.0.0.1:8123/callback/1")));
    EXPECT_TRUE(kakao.replies_through_api(local));
    // Anywhere else would make us POST where a request tells us to: answered inline instead.
    for (const auto* url :
         {"http://bot-api.kakao.com/v1/callback/1", "https://evil.example/cb",
          "https://kakao.com.evil.example/cb", "http://127.0.0.1:9999/cb", "not a url"}) {
        const auto parsed = kakao.parse(skill(with_callback("skill_callback.json", url)));
        ASSERT_EQ(parsed.kind, Parsed::Kind::message) << url;
        EXPECT_FALSE(kakao.replies_through_api(parsed)) << url;
    }
}

TEST(KakaoAdapter, KeysAGroupChatByItsRoom) {
    const auto kakao = adapter();
    const auto parsed = kakao.parse(skill(fixture("skill_group.json")));
    ASSERT_EQ(parsed.kind, Parsed::Kind::message) << parsed.error;
    EXPECT_EQ(parsed.message.chat_id, "group:gk_7f3e2d1c0b9a8f7e6d5c4b3a");
    EXPECT_EQ(parsed.message.text, "/리드목록");
    EXPECT_TRUE(KakaoTarget::decode(parsed.reply_target).group);
    Reply reply;
    reply.title = "리드 2건";
    reply.buttons = {{"단계 이동", "/lead 1 stage:협상"}};
    const auto response = kakao.render(parsed, reply, 11, true);
    const auto body = json::parse(response.body());
    EXPECT_FALSE(body.at("template").as_object().contains("quickReplies"))
        << "group chats have no quick replies: " << response.body();
}

TEST(KakaoAdapter, ARepeatedRequestWithinTheWindowGetsTheFirstKey) {
    std::int64_t now = 1738634400;
    const auto kakao = adapter(&now);
    const auto first = kakao.parse(skill(fixture("skill_meet.json"))).message.event_key;
    now += 9;
    EXPECT_EQ(kakao.parse(skill(fixture("skill_meet.json"))).message.event_key, first)
        << "a redelivery 9 s later is the same request";
    // Another utterance, user or block is another request.
    auto other = json::parse(fixture("skill_meet.json"));
    other.at("userRequest").as_object()["utterance"] = "회의 2025-02-05 @카카오";
    EXPECT_NE(kakao.parse(skill(json::serialize(other))).message.event_key, first);
    now += 10;
    EXPECT_NE(kakao.parse(skill(fixture("skill_meet.json"))).message.event_key, first)
        << "the same words 19 s later are said again";
}

TEST(KakaoAdapter, RefusesMalformedSkillRequests) {
    const auto kakao = adapter();
    EXPECT_EQ(kakao.parse(skill("not json")).kind, Parsed::Kind::bad_request);
    EXPECT_EQ(kakao.parse(skill("[1,2]")).kind, Parsed::Kind::bad_request);
    EXPECT_EQ(kakao.parse(skill(R"({"userRequest":{"utterance":"회의"}})")).kind,
              Parsed::Kind::bad_request)
        << "no user id";
    EXPECT_EQ(kakao.parse(skill(R"({"userRequest":{"user":{"id":"u"},"utterance":7}})")).kind,
              Parsed::Kind::bad_request);
}

TEST(KakaoAdapter, KeepsBotApiIdsAbove2To53Exact) {
    const auto kakao = adapter();
    const auto parsed = kakao.parse(bot(fixture("bot_message_create.json")));
    ASSERT_EQ(parsed.kind, Parsed::Kind::message) << parsed.error;
    // 558185822630215770 > 2^53; through a double it would read 558185822630215744.
    EXPECT_EQ(parsed.message.event_key, "bot:558185822630215770");
    EXPECT_EQ(parsed.message.source_message_id, "558185822630215770");
    EXPECT_EQ(parsed.message.chat_id, "room:bgk_partners_room");
    EXPECT_EQ(parsed.message.team_id, "bot");
    EXPECT_FALSE(parsed.message.direct) << "a group room";
    EXPECT_EQ(parsed.message.sender.id, "buk_minji");
    EXPECT_EQ(parsed.message.text, "/회의 오늘 15시 @카카오 : 그룹 챗봇 연동");
    EXPECT_EQ(parsed.message.received_at, at(1785214800)) << "2026-07-28T05:00:00Z";
    EXPECT_TRUE(kakao.replies_through_api(parsed));
    EXPECT_FALSE(kakao.answers_replays_inline(parsed));
    const auto ack = kakao.acknowledge(parsed, 11, true);
    EXPECT_EQ(ack.result(), http::status::ok);
    EXPECT_TRUE(ack.body().empty()) << "2xx with no body";

    Reply reply;
    reply.kind = Reply::Kind::ok;
    reply.title = "✅ Meeting #1";
    const auto push = kakao.push(parsed, reply);
    ASSERT_TRUE(push);
    const auto call = json::parse(push->payload);
    EXPECT_EQ(call.at("kind"), "bot_callback");
    EXPECT_EQ(call.at("callback_token"), "cb-token-7f3e2d1c0b9a");
    EXPECT_EQ(call.at("body").at("skillResponse").at("version"), "2.0");
}

TEST(KakaoAdapter, ReadsBotApiIdsSentAsTextAndRefusesInexactOnes) {
    const auto kakao = adapter();
    auto body = json::parse(fixture("bot_message_create.json"));
    body.at("d").as_object()["id"] = "558185822630215771";
    EXPECT_EQ(kakao.parse(bot(json::serialize(body))).message.event_key, "bot:558185822630215771");
    // A fraction or more than 64 bits has lost digits on the way: no key can be trusted.
    for (const auto* id : {"5.58185822630215770e17", "185582263021577012345"}) {
        auto text = fixture("bot_message_create.json");
        text.replace(text.find("558185822630215770"), 18, id);
        EXPECT_EQ(kakao.parse(bot(text)).kind, Parsed::Kind::bad_request) << id;
    }
    EXPECT_EQ(kakao.parse(bot(fixture("bot_entrance.json"))).kind, Parsed::Kind::acknowledge);
}

TEST(KakaoAdapter, AnswersACallbackRequestWithUseCallbackAndPushesTheSkillResponse) {
    const auto kakao = adapter();
    const auto parsed = kakao.parse(skill(fixture("skill_callback.json")));
    const auto ack = kakao.acknowledge(parsed, 11, true);
    const auto answer = json::parse(ack.body());
    EXPECT_EQ(answer.at("version"), "2.0");
    EXPECT_EQ(answer.at("useCallback"), true);
    EXPECT_EQ(answer.at("data").at("text"), "처리 중입니다…");

    Reply reply;
    reply.kind = Reply::Kind::ok;
    reply.title = "✅ Lead #1";
    const auto push = kakao.push(parsed, reply);
    ASSERT_TRUE(push);
    const auto call = json::parse(push->payload);
    EXPECT_EQ(call.at("kind"), "callback");
    EXPECT_TRUE(call.at("url").as_string().starts_with("https://bot-api.kakao.com/v1/callback/"));
    EXPECT_EQ(call.at("body").at("version"), "2.0");
    // Inline requests push nothing.
    EXPECT_FALSE(kakao.push(kakao.parse(skill(fixture("skill_meet.json"))), reply));
}

TEST(KakaoSkillResponse, IsVersion2WithOneSimpleTextForAShortAnswer) {
    Reply reply;
    reply.title = "도움말";
    reply.lines = {"/회의 …", "/리드 …", "/할일 …", "/검색 …", "/요약 …", "/내보내기 …"};
    const auto response = KakaoAdapter::skill_response(reply, false);
    EXPECT_EQ(response.at("version"), "2.0");
    const auto& outputs = response.at("template").at("outputs").as_array();
    ASSERT_EQ(outputs.size(), 1U);
    EXPECT_EQ(outputs[0].at("simpleText").at("text"),
              "도움말\n/회의 …\n/리드 …\n/할일 …\n/검색 …\n/요약 …\n/내보내기 …");
    EXPECT_FALSE(response.at("template").as_object().contains("quickReplies"));
}

TEST(KakaoSkillResponse, CountsKoreanInCharactersNotBytes) {
    Reply reply;
    reply.title = std::string{};
    std::string line;
    for (int i = 0; i < 950; ++i) line += "가";  // 950 characters, 2850 bytes
    reply.lines = {line};
    const auto response = KakaoAdapter::skill_response(reply, false);
    const auto& outputs = response.at("template").at("outputs").as_array();
    ASSERT_EQ(outputs.size(), 1U) << "950 Hangul syllables fit one simpleText of 1000 characters";
    EXPECT_EQ(outputs[0].at("simpleText").at("text").as_string(), line);
}

TEST(KakaoSkillResponse, SplitsALongAnswerOverThreeTextsAndCountsTheRest) {
    Reply reply;
    reply.lang = Lang::ko;
    reply.title = "📋 리드 300건";
    for (int i = 1; i <= 300; ++i) {
        reply.lines.push_back("#" + std::to_string(i) + " 카카오톡 × ChatGPT 연동 · 협상 · 50억");
    }
    const auto response = KakaoAdapter::skill_response(reply, false);
    const auto& outputs = response.at("template").at("outputs").as_array();
    ASSERT_EQ(outputs.size(), 3U);
    std::size_t shown = 0;
    for (const auto& output : outputs) {
        EXPECT_LE(output_length(output), 1000U);
        const auto& simple = output.at("simpleText").at("text").as_string();
        const std::string_view view{simple.data(), simple.size()};
        for (std::size_t at = view.find(" 카카오톡"); at != std::string_view::npos;
             at = view.find(" 카카오톡", at + 1)) {
            ++shown;
        }
    }
    const auto& last = outputs[2].at("simpleText").at("text").as_string();
    const std::string note = "… 외 " + std::to_string(300 - shown) + "줄 더";
    EXPECT_TRUE(std::string_view(last.data(), last.size()).ends_with(note)) << last;
    EXPECT_GT(shown, 50U);
}

TEST(KakaoSkillResponse, ShortensAnOverlongLineAndSaysHowManyMoreInEnglish) {
    Reply reply;
    reply.lang = Lang::en;
    reply.lines = {std::string(5000, 'x'), std::string(5000, 'y'), std::string(5000, 'z'), "w",
                   "v"};
    const auto response = KakaoAdapter::skill_response(reply, false);
    const auto& outputs = response.at("template").at("outputs").as_array();
    ASSERT_EQ(outputs.size(), 3U);
    for (const auto& output : outputs) EXPECT_LE(output_length(output), 1000U);
    const auto& last = outputs[2].at("simpleText").at("text").as_string();
    EXPECT_TRUE(std::string_view(last.data(), last.size()).ends_with("… and 2 more lines")) << last;
}

TEST(KakaoSkillResponse, KeepsAtMostTenQuickRepliesWithShortLabels) {
    Reply reply;
    reply.title = "단계를 고르세요";
    for (int i = 0; i < 14; ++i) {
        reply.buttons.push_back(Button{"단계 " + std::to_string(i) + " 협상으로 이동하기 (긴 이름)",
                                       "/lead 1 stage:" + std::to_string(i)});
    }
    reply.buttons.push_back(reply.buttons.front());  // a duplicate is shown once
    const auto response = KakaoAdapter::skill_response(reply, false);
    const auto& replies = response.at("template").at("quickReplies").as_array();
    ASSERT_EQ(replies.size(), 10U);
    for (const auto& quick : replies) {
        const auto& label = quick.at("label").as_string();
        EXPECT_LE(text::length(std::string_view{label.data(), label.size()}), 14U);
        EXPECT_EQ(quick.at("action"), "message");
        EXPECT_TRUE(quick.at("messageText").as_string().starts_with("/lead 1 stage:"));
    }
}

TEST(KakaoSkillResponse, ShowsAConfirmationAsABasicCardAndAShortListAsAListCard) {
    Reply ok;
    ok.kind = Reply::Kind::ok;
    ok.title = "✅ 회의 #42 · 2025-02-04 11:00 KST";
    ok.lines = {"카카오, OpenAI", "샘 알트먼, 케빈 와일"};
    const auto card = KakaoAdapter::skill_response(ok, false);
    const auto& card_output = card.at("template").at("outputs").at(0);
    EXPECT_EQ(card_output.at("basicCard").at("title"), json::value(ok.title));
    EXPECT_EQ(card_output.at("basicCard").at("description"),
              "카카오, OpenAI\n샘 알트먼, 케빈 와일");

    Reply list;
    list.title = "리드 3건";
    list.lines = {"#1 카카오톡 × ChatGPT", "#2 AI 반도체", "#3 LG 엑사원"};
    const auto listed = KakaoAdapter::skill_response(list, false);
    const auto& list_card = listed.at("template").at("outputs").at(0).at("listCard");
    EXPECT_EQ(list_card.at("header").at("title"), "리드 3건");
    EXPECT_EQ(list_card.at("items").as_array().size(), 3U);

    // Too many rows for a listCard (5 at most): text instead, nothing lost.
    list.lines = {"a", "b", "c", "d", "e", "f"};
    const auto texted = KakaoAdapter::skill_response(list, false);
    EXPECT_TRUE(texted.at("template").at("outputs").at(0).as_object().contains("simpleText"));

    const auto empty = KakaoAdapter::skill_response(Reply{}, false);
    EXPECT_EQ(empty.at("template").at("outputs").as_array().size(), 1U) << "never zero outputs";
}

TEST(KakaoAdapter, PushesThroughTheEventApiOrTheBotApiByChatKey) {
    const auto kakao = adapter();
    Reply reply;
    reply.title = "☀️ 오늘의 요약";
    reply.lines = {"회의 2건"};

    const auto one = kakao.push_to(std::string{kBotId} + "/" + kUserKey, reply);
    ASSERT_TRUE(one);
    auto call = json::parse(one->payload);
    EXPECT_EQ(call.at("kind"), "event");
    EXPECT_EQ(call.at("bot_id"), kBotId);
    EXPECT_EQ(call.at("body").at("event").at("name"), "inmaek_push");
    EXPECT_EQ(call.at("body").at("event").at("data").at("text"),
              "☀️ 오늘의 요약\n회의 2건");
    EXPECT_EQ(call.at("body").at("user").at(0).at("type"), "botUserKey");
    EXPECT_EQ(call.at("body").at("user").at(0).at("id"), kUserKey);

    const auto group = kakao.push_to(std::string{kBotId} + "/group:gk_1", reply);
    ASSERT_TRUE(group);
    call = json::parse(group->payload);
    EXPECT_EQ(call.at("kind"), "group_event");
    EXPECT_EQ(call.at("body").at("chat").at(0).at("id"), "gk_1");
    EXPECT_EQ(call.at("body").at("chat").at(0).at("type"), "botGroupKey");

    const auto room = kakao.push_to("bot/room:bgk_partners_room", reply);
    ASSERT_TRUE(room);
    call = json::parse(room->payload);
    EXPECT_EQ(call.at("kind"), "bot_send");
    EXPECT_EQ(call.at("body").at("botGroupKey"), "bgk_partners_room");
    EXPECT_EQ(call.at("body").at("skillResponse").at("version"), "2.0");

    EXPECT_FALSE(kakao.push_to("bot/elsewhere", reply));
    EXPECT_FALSE(kakao.push_to("no-slash", reply));
    EXPECT_FALSE(kakao.push_to("bot id with spaces/u", reply));
}

}  // namespace
