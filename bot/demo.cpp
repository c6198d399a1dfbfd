#include "bot/demo.hpp"

#include <array>
#include <ostream>

#include "bot/console.hpp"

namespace inmaek::bot {

namespace {

struct Line {
    int speaker;  ///< index into the speakers below
    std::string_view text;
};

// The morning of 2025-02-04 in Seoul, as the business-development team typed it.
constexpr std::array kScript{
    Line{0, "/회사 add 카카오 alias:Kakao,\"Kakao Corp\" industry:플랫폼 tier:A"},
    Line{0, "/회사 add OpenAI alias:오픈AI industry:AI tier:S site:openai.com"},
    Line{0, "/연락처 add 샘 알트먼 @OpenAI title:CEO alias:\"Sam Altman\""},
    Line{0, "/연락처 add 케빈 와일 @OpenAI title:CPO alias:\"Kevin Weil\""},
    Line{0,
         "/회의 오늘 11시 @카카오 @OpenAI 참석: 샘 알트먼, 케빈 와일 : 카카오톡×ChatGPT 연동 논의"},
    Line{0,
         "/리드 add \"KakaoTalk × ChatGPT integration\" @카카오 @OpenAI 단계:미팅 금액:50억 "
         "마감:3/31"},
    Line{0, "/할일 MOU 초안 송부 2/11까지 리드:1"},
    Line{1,
         "/meet today 2pm @Naver @\"LG AI Research\" @\"Wrtn Technologies\" @42Maru with Sam "
         "Altman at \"The Plaza Hotel, 22F\" : OpenAI Builder Lab — reasoning models for Korean "
         "startups"},
    Line{1,
         "/lead add \"AI chip co-design\" @\"Samsung Electronics\" @OpenAI stage:contacted "
         "value:$2M owner:me"},
    Line{0,
         "/회의 2025-02-04 16:00\n회사: SK Group\n참석: 최태원\n장소: SK 서린빌딩\n"
         "내용: AI 반도체 협력 논의\n후속: 실무 미팅 일정 잡기 2/7까지"},
    Line{1, "/company kakao"},
    Line{0, "/리드 1 단계:협상"},
    Line{0, "/리드 1"},
    Line{1, "/todos all"},
    Line{1, "/meet tomorrow with Kevin Weil : follow-up call"},
    Line{0, "/도움말 회의"},
};

}  // namespace

int run_demo(storage::Database& database, const handlers::Conversation& conversation,
             std::ostream& out) {
    // 2025-02-04 09:00 KST: "오늘" and "today" mean the day of the visit.
    const auto morning =
        std::chrono::sys_days{std::chrono::year{2025} / 2 / 4} + std::chrono::hours{0};
    ConsoleOptions options;
    options.workspace = "OpenAI Korea week";
    options.now = std::chrono::sys_seconds{morning};
    const std::array speakers{ConsoleSpeaker{"Minji Kim", "ko"},
                              ConsoleSpeaker{"Jiwoo Park", "en"}};
    Console console{database, conversation, options};
    out << "inmaek demo — workspace \"" << options.workspace
        << "\", 2025-02-04 09:00 KST, the day OpenAI's CEO visited Seoul\n\n";
    for (const auto& line : kScript) {
        const auto& who = speakers.at(static_cast<std::size_t>(line.speaker));
        out << who.name << " › " << line.text << "\n";
        const auto reply = console.say(line.text, who);
        std::string rendered = Console::render(reply);
        std::string indented = "  ";
        for (const char c : rendered) {
            indented += c;
            if (c == '\n') indented += "  ";
        }
        out << "inmaek › " << indented.substr(2) << "\n\n";
    }
    out << "Try it yourself: inmaek chat --workspace \"" << options.workspace << "\"\n";
    return 0;
}

}  // namespace inmaek::bot
