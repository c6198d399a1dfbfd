// /find and /leads over real repositories on SQLite and on PostgreSQL: the search index of
// migration 0008 (Korean words of two syllables, Hangul typed decomposed, English in any case,
// ranking, snippets, the index kept by every write and built for rows written before it) and
// the lead filters turned into one query.
#include <gtest/gtest.h>

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <set>
#include <thread>

#include "bot/executor.hpp"
#include "bot/search_indexer.hpp"
#include "storage/search_text.hpp"
#include "tests/support/chat_test.hpp"

namespace {

using inmaek::handlers::Reply;
using inmaek::storage::Database;
using inmaek::storage::DatabaseOptions;
using inmaek::storage::Id;
using inmaek::storage::LeadFilter;
using inmaek::storage::SearchKind;
using inmaek::storage::SearchResults;
using inmaek::storage::UnitOfWork;
using inmaek::test::backend_name;
using inmaek::test::backends;
using inmaek::test::contains;
using inmaek::test::execute;
using inmaek::test::kTeamChat;
using inmaek::test::Person;
using inmaek::test::query_text;
using inmaek::test::take_back_lead_filter_copies;
using namespace std::chrono_literals;

constexpr auto kOtherTeamChat = "-1009999999999";

/// Hangul as macOS and iOS keyboards may send it: decomposed into jamo (NFD).
std::string decomposed(const std::string& text) {
    UErrorCode status = U_ZERO_ERROR;
    std::string out;
    icu::Normalizer2::getNFDInstance(status)
        ->normalize(icu::UnicodeString::fromUTF8(text), status)
        .toUTF8String(out);
    return out;
}

/// "company 1, meeting 3": the kinds and ids of the hits, in order.
std::string hits_of(const SearchResults& results) {
    std::string out;
    for (const auto& hit : results.hits) {
        static constexpr const char* kNames[] = {"",     "company",   "contact",
                                                 "lead", "follow-up", "meeting"};
        out += (out.empty() ? "" : ", ") + std::string{kNames[static_cast<int>(hit.kind)]} + " " +
               std::to_string(hit.entity_id);
    }
    return out;
}

class Query : public inmaek::test::ChatTest {
protected:
    Query() { sequence_ = 7000; }

    /// Says `text` in `chat` as Minji Kim (@minji_kim) or as Jiwoo Park (@jiwoo).
    Reply say(const std::string& text, const std::string& locale = "ko",
              const std::string& chat = kTeamChat, bool jiwoo = false) {
        static constexpr Person kJiwoo{"6012345678", "Jiwoo Park", "jiwoo"};
        return handle(message(text, jiwoo ? kJiwoo : inmaek::test::kMinji, locale, chat)).reply;
    }
    /// Says `text`, which must be stored.
    void log(const std::string& text, const std::string& chat = kTeamChat, bool jiwoo = false) {
        const auto reply = say(text, "ko", chat, jiwoo);
        ASSERT_EQ(reply.kind, Reply::Kind::ok) << text << "\n" << reply.plain_text();
    }
    /// The search repository's answer in the team chat's workspace.
    SearchResults search(const std::string& query, int limit = 10) {
        return database_->transact([&](UnitOfWork& work) {
            const auto workspace = work.workspaces().workspace_of_chat("telegram", kTeamChat);
            EXPECT_TRUE(workspace.has_value());
            return work.search().search(workspace->id, query, limit, 40);
        });
    }

    /// The seed story of 2025-02-04: two companies, two people, a meeting, a lead, a follow-up.
    void seed() {
        log("/회사 add 카카오 alias:Kakao,\"Kakao Corp\" industry:플랫폼");
        log("/회사 add OpenAI alias:오픈AI industry:AI");
        log("/회사 add 삼성전자 alias:\"Samsung Electronics\" industry:반도체");
        log("/연락처 add 샘 알트먼 @OpenAI title:CEO alias:\"Sam Altman\"");
        log("/회의 오늘 11시 @카카오 @OpenAI 참석: 샘 알트먼 : 카카오톡×ChatGPT 연동 논의");
        log("/회의 어제 @삼성전자 : HBM 반도체 공급 협력 논의");
        log("/리드 add \"KakaoTalk × ChatGPT integration\" @카카오 @OpenAI 단계:미팅 금액:50억");
        log("/할일 MOU 초안 송부 2/11까지 리드:1");
    }
};

INSTANTIATE_TEST_SUITE_P(Backends, Query, ::testing::ValuesIn(backends()), backend_name);

TEST_P(Query, FindsKoreanWordsOfTwoAndThreeSyllables) {
    seed();
    EXPECT_EQ(hits_of(search("연동")), "meeting 1");
    EXPECT_EQ(hits_of(search("반도체")), "company 3, meeting 2");
    EXPECT_EQ(hits_of(search("초안")), "follow-up 1");
    // Two words: both must be there, whichever index finds each.
    EXPECT_EQ(hits_of(search("카카오톡 연동")), "meeting 1");
    EXPECT_EQ(hits_of(search("반도체 연동")), "");
    EXPECT_EQ(hits_of(search("\"공급 협력\"")), "meeting 2");
}

TEST_P(Query, DecomposedHangulFindsComposedText) {
    seed();
    const auto query = decomposed("연동");
    ASSERT_NE(query, "연동");  // six jamo, not two syllables
    EXPECT_EQ(hits_of(search(query)), "meeting 1");
    EXPECT_EQ(hits_of(search(decomposed("반도체"))), "company 3, meeting 2");
    EXPECT_EQ(hits_of(search(decomposed("샘 알트먼"))), "contact 1");
}

TEST_P(Query, EnglishIsCaseInsensitive) {
    seed();
    EXPECT_EQ(hits_of(search("chatgpt")), "lead 1, meeting 1");
    EXPECT_EQ(hits_of(search("CHATGPT")), "lead 1, meeting 1");
    EXPECT_EQ(hits_of(search("kakao corp")), "company 1");
    EXPECT_EQ(hits_of(search("sam altman")), "contact 1");
    EXPECT_EQ(hits_of(search("ai")), "company 2");  // two letters, any case
    EXPECT_EQ(hits_of(search("HBM")), "meeting 2");
}

TEST_P(Query, NamesRankBeforeTitlesAndTitlesBeforeText) {
    seed();
    log("/회의 오늘 15시 @OpenAI : 카카오 후속 미팅, 카카오 API 가격");
    log("/리드 add \"카카오 챗봇\" @카카오");
    const auto results = search("카카오");
    // The company called 카카오, then the lead titled with it, then the text that mentions it,
    // newest first.
    EXPECT_EQ(hits_of(results), "company 1, lead 2, meeting 3, meeting 1");
    EXPECT_EQ(results.total, 4);
    EXPECT_FALSE(results.total_capped);
}

TEST_P(Query, SnippetsShowTheTextAroundTheWord) {
    seed();
    log("/회의 오늘 16시 @카카오 : 오전에는 일정 조율과 참석자 확인, 점심 이후 보안 검토와 "
        "개인정보 처리 방침 설명, 마지막으로 결제 연동 일정 합의");
    const auto results = search("결제");
    ASSERT_EQ(results.hits.size(), 1U);
    const auto& snippet = results.hits[0].snippet;
    EXPECT_TRUE(contains(snippet, "결제 연동")) << snippet;
    EXPECT_TRUE(snippet.starts_with("…")) << snippet;
    EXPECT_LE(inmaek::storage::search_text::length(snippet), 42U) << snippet;
    // A short text is shown whole.
    EXPECT_EQ(search("HBM").hits.at(0).snippet, "HBM 반도체 공급 협력 논의");
}

TEST_P(Query, IndexFollowsChangesAndStaysInItsWorkspace) {
    seed();
    log("/리드 1 메모:\"SoC 양산 일정\"");
    EXPECT_EQ(hits_of(search("양산")), "lead 1");
    log("/리드 1 메모:\"NPU 설계\"");
    EXPECT_EQ(hits_of(search("양산")), "");
    EXPECT_EQ(hits_of(search("npu")), "lead 1");
    // An alias added later is found; another workspace's text never is.
    log("/회의 오늘 @Kakao : 비밀 연동 계획", kOtherTeamChat);
    EXPECT_EQ(hits_of(search("비밀")), "");
    EXPECT_EQ(hits_of(search("연동")), "meeting 1");
}

TEST_P(Query, TooShortWordsFindNothing) {
    seed();
    EXPECT_EQ(search("연").total, 0);
    EXPECT_EQ(search("  ").total, 0);
    EXPECT_EQ(search("연 동").total, 0);
}

TEST_P(Query, BackfillIndexesRowsWrittenBeforeTheMigration) {
    seed();
    // Back to the schema before 0008, with the rows kept; then migrate again.
    const auto& url = fresh_.url();
    if (fresh_.backend() == "sqlite3") {
        for (const char* kind : {"trigger", "view"}) {
            for (;;) {
                const auto name =
                    query_text(url, std::string{"SELECT coalesce(min(name), '') FROM sqlite_schema "
                                                "WHERE type = '"} +
                                        kind + "' AND name LIKE '%search%'");
                if (name.empty()) break;
                execute(url, std::string{"DROP "} + kind + " " + name);
            }
        }
        execute(url, "DROP TABLE search_docs");
        execute(url, "DROP TABLE search_grams");
        execute(url, "DROP TABLE search_pending");
    } else {
        execute(url, "DROP FUNCTION search_docs_sync() CASCADE");
        execute(url, "DROP FUNCTION search_refresh(INTEGER, BIGINT, BIGINT)");
        execute(url, "DROP TABLE search_docs");
        execute(url, "DROP FUNCTION inmaek_bigrams(text)");
        for (const char* view : {"company", "contact", "lead", "follow_up", "meeting"}) {
            execute(url, std::string{"DROP VIEW search_"} + view + "_source");
        }
    }
    execute(url, "DROP INDEX leads_created");
    execute(url, "DROP INDEX leads_due");
    execute(url, "DROP INDEX leads_stage_due");
    execute(url, "DROP INDEX leads_owner_value");
    // Migrations run in order above the latest applied one, so every later one goes too.
    execute(url, "DROP TABLE api_keys");
    execute(url, "DROP TABLE server_secrets");
    execute(url, "DROP TABLE company_links");
    take_back_lead_filter_copies(url);  // 0013's indexes went with search_docs
    execute(url, "DELETE FROM schema_migrations WHERE version >= 8");
    database_ = std::make_unique<Database>(DatabaseOptions{.url = url});
    // 0008 and every later one (numbers may skip: branches are given theirs ahead of merging).
    EXPECT_GE(database_->migrate(), 4);
    EXPECT_EQ(database_->schema_version(), Database::latest_schema_version());
    EXPECT_EQ(hits_of(search("연동")), "meeting 1");
    EXPECT_EQ(hits_of(search("kakao corp")), "company 1");
    EXPECT_EQ(hits_of(search("초안")), "follow-up 1");
    // Documents indexed by 0008's SQL are re-indexed through 0010's queue.
    log("/리드 1 메모:\"SoC 양산 일정\"");
    EXPECT_EQ(hits_of(search("양산")), "lead 1");
    log("/리드 1 메모:\"NPU 설계\"");
    EXPECT_EQ(hits_of(search("양산")), "");
    EXPECT_EQ(hits_of(search("설계")), "lead 1");
}

TEST_P(Query, FindRightAfterAWriteFindsItAndTheIndexerEmptiesTheQueue) {
    seed();
    const auto pending = [&] {
        return fresh_.backend() == "sqlite3"
                   ? query_text(fresh_.url(), "SELECT COUNT(*) FROM search_pending")
                   : std::string{"0"};
    };
    // No indexer runs here: the search indexes what the writes queued before it reads.
    EXPECT_EQ(pending(), fresh_.backend() == "sqlite3" ? "8" : "0");
    log("/회의 오늘 @삼성전자 : 파운드리 견적");
    EXPECT_EQ(hits_of(search("견적")), "meeting 3");
    EXPECT_EQ(pending(), "0");
    // The server's indexer takes the queue a batch to a transaction.
    for (int i = 0; i < 5; ++i) log("/회의 오늘 @카카오 : 정산 점검 " + std::to_string(i));
    inmaek::bot::SearchIndexer indexer{*database_, {.interval = 10ms, .batch = 2}};
    EXPECT_EQ(indexer.run_once(), fresh_.backend() == "sqlite3" ? 5U : 0U);
    EXPECT_EQ(pending(), "0");
    EXPECT_EQ(search("정산").total, 5);
    // As the executor's idle task, it indexes what is written while no job waits.
    {
        inmaek::bot::Executor executor{*database_, 1, 8};
        indexer.schedule_on(executor);
        log("/회의 오늘 @OpenAI : 추론 서버 증설");
        for (int i = 0; i < 200 && pending() != "0"; ++i) std::this_thread::sleep_for(10ms);
        EXPECT_EQ(pending(), "0");
    }
    EXPECT_EQ(hits_of(search("증설")), "meeting 9");
}

TEST_P(Query, FindAnswersWithRankedHitsAndHowManyMore) {
    seed();
    for (int i = 0; i < 12; ++i) log("/회의 오늘 @카카오 : 연동 점검 " + std::to_string(i));
    const auto reply = say("/검색 연동");
    const auto text = reply.plain_text();
    EXPECT_EQ(reply.title, "🔎 연동 · 13건") << text;
    EXPECT_EQ(reply.lines.size(), 11U) << text;
    EXPECT_EQ(reply.lines.front(), "📅 회의 #14 · 2025-02-04 — 연동 점검 11") << text;
    EXPECT_EQ(reply.lines.back(), "  … 외 3건") << text;

    const auto english = say("/find kakao", "en");
    EXPECT_EQ(english.lines.at(0), "🏢 카카오 — Kakao, Kakao Corp") << english.plain_text();
    EXPECT_TRUE(contains(say("/find ChatGPT", "en").plain_text(),
                         "📈 Lead #1 KakaoTalk × ChatGPT integration"));
    EXPECT_EQ(say("/find 없는말", "en").title, "Nothing found for '없는말'.");
    const auto mistake = say("/find 연", "en");
    EXPECT_EQ(mistake.kind, Reply::Kind::error);
    EXPECT_TRUE(contains(mistake.title, "two or more characters")) << mistake.plain_text();
}

TEST_P(Query, LeadsFilterCombinations) {
    seed();
    say("/help", "en", kTeamChat, true);  // Jiwoo joins
    log("/리드 add \"HBM 공급\" @삼성전자 단계:협상 금액:120억 담당:@jiwoo 마감:3/15");
    log("/리드 add \"AI 반도체 PoC\" @삼성전자 단계:PoC 금액:8억 마감:2/28");
    log("/리드 add \"Enterprise API\" @OpenAI 단계:협상 금액:$2M");
    log("/리드 add \"오픈AI 교육\" @OpenAI 단계:무산 금액:3억");

    const auto titles = [&](const std::string& filters) {
        const auto reply = say("/leads " + filters, "en");
        std::string out = reply.title;
        for (const auto& line : reply.lines) out += "\n" + line;
        return out;
    };
    EXPECT_EQ(titles("stage:negotiation"),
              "📈 Leads (2)\n#4 Enterprise API · negotiation · $2,000,000 · OpenAI · owner "
              "Minji Kim\n#2 HBM 공급 · negotiation · ₩12,000,000,000 · 삼성전자 · owner Jiwoo "
              "Park · due 2025-03-15");
    EXPECT_EQ(titles("industry:반도체 value>10억 sort:-value"),
              "📈 Leads (1)\n#2 HBM 공급 · negotiation · ₩12,000,000,000 · 삼성전자 · owner Jiwoo "
              "Park · due 2025-03-15");
    EXPECT_TRUE(contains(titles("company:\"Samsung Electronics\" sort:value"), "Leads (2)\n#3"));
    EXPECT_TRUE(contains(titles("@삼성전자 sort:-value"), "Leads (2)\n#2"));
    EXPECT_TRUE(contains(titles("owner:@jiwoo"), "Leads (1)\n#2 "));
    EXPECT_TRUE(contains(titles("value<$3M"), "Leads (1)\n#4 "));
    EXPECT_TRUE(contains(titles("due:2/28"), "Leads (1)\n#3 "));
    EXPECT_TRUE(contains(titles("stage:open company:OpenAI value>=50억"), "Leads (1)\n#1 "));
    EXPECT_TRUE(
        contains(titles("since:2025-02-04 until:2025-02-04 limit:2"), "Leads (5)\n#5 오픈AI 교육"));
    EXPECT_TRUE(contains(titles("since:2025-02-04 until:2025-02-04 limit:2"), "… and 3 more"));
    EXPECT_EQ(titles("since:2025-02-05"), "No lead matches.");
    // Korean keys and stage names, and the Korean answer.
    const auto korean = say("/리드목록 단계:협상 금액>100억 담당:@jiwoo");
    EXPECT_EQ(korean.title, "📈 리드 (1건)") << korean.plain_text();
}

TEST_P(Query, LeadsMistakeSaysWhatWasNotUnderstoodAndChangesNothing) {
    seed();
    const auto before = query_text(fresh_.url(), "SELECT COUNT(*) FROM audit_log");
    const auto reply = say("/leads stage:maybe price>3 sort:size", "en");
    EXPECT_EQ(reply.kind, Reply::Kind::error);
    EXPECT_TRUE(contains(reply.title, "'maybe' is not a stage")) << reply.plain_text();
    EXPECT_TRUE(contains(reply.title, "I did not understand 'price>3'")) << reply.plain_text();
    EXPECT_TRUE(contains(reply.title, "I cannot sort by 'size'")) << reply.plain_text();
    EXPECT_TRUE(contains(reply.usage, "/leads [stage:…]")) << reply.plain_text();
    EXPECT_EQ(say("/leads company:Nokia", "en").title, "⚠️ No company called 'Nokia'.");
    EXPECT_EQ(say("/leads owner:@nobodyhere", "en").title,
              "⚠️ Nobody on the team is called 'nobodyhere'.");
    EXPECT_EQ(query_text(fresh_.url(), "SELECT COUNT(*) FROM audit_log"), before);
}

TEST_P(Query, LeadsByCompanyAndIndustryFollowChangesOfTheirLeads) {
    // company: and industry: check the lead's conditions in lead_companies' copy of its columns
    // (schemas/0014): the copy follows every change of a lead and of its links.
    seed();
    say("/help", "en", kTeamChat, true);  // Jiwoo joins
    log("/회사 add 삼성");
    log("/lead add \"Foundry\" @삼성 @삼성전자 stage:proposal value:30억");  // lead #2
    const auto titles = [&](const std::string& filters) {
        const auto reply = say("/leads " + filters, "en");
        return reply.lines.empty() ? reply.title : reply.title + "\n" + reply.lines.front();
    };
    const auto stale_copies = [&] {
        return query_text(fresh_.url(),
                          "SELECT COUNT(*) FROM lead_companies lc JOIN leads l ON l.id = lc.lead_id"
                          " WHERE lc.stage IS DISTINCT FROM l.stage"
                          " OR lc.owner_id IS DISTINCT FROM l.owner_id"
                          " OR lc.value_currency IS DISTINCT FROM l.value_currency"
                          " OR lc.value_amount IS DISTINCT FROM l.value_amount"
                          " OR lc.created_at IS DISTINCT FROM l.created_at"
                          " OR lc.due IS DISTINCT FROM l.due"
                          " OR lc.updated_at IS DISTINCT FROM l.updated_at");
    };
    EXPECT_TRUE(contains(titles("industry:반도체 stage:proposal value>10억"), "Leads (1)\n#2 "));
    EXPECT_EQ(titles("company:삼성 stage:negotiation"), "No lead matches.");

    log("/lead 2 stage:negotiation value:$5M due:3/31 owner:@jiwoo");
    EXPECT_TRUE(contains(titles("company:삼성 stage:negotiation value>$1M due:3/31 owner:@jiwoo"),
                         "Leads (1)\n#2 "));
    EXPECT_EQ(titles("industry:반도체 value>10억"), "No lead matches.");
    EXPECT_EQ(stale_copies(), "0");
    ASSERT_EQ(say("/undo", "en").kind, Reply::Kind::ok);
    EXPECT_TRUE(contains(titles("industry:반도체 stage:proposal value>=30억"), "Leads (1)\n#2 "));
    EXPECT_EQ(stale_copies(), "0");

    // The merge drops lead #2's link to 삼성 (it has 삼성전자 already); the undo writes it anew.
    ASSERT_EQ(say("/company merge 삼성 삼성전자", "en").kind, Reply::Kind::ok);
    ASSERT_EQ(say("/undo", "en").kind, Reply::Kind::ok);
    EXPECT_TRUE(contains(titles("company:삼성 stage:proposal value>10억"), "Leads (1)\n#2 "));
    EXPECT_EQ(stale_copies(), "0");

    // One statement counts and pages; a page past the end (the API's) still has the count.
    const auto past_the_end = database_->transact([&](UnitOfWork& work) {
        const auto workspace = work.workspaces().workspace_of_chat("telegram", kTeamChat);
        LeadFilter filter;
        filter.company_id = 3;  // 삼성전자, the third company of seed()
        filter.offset = 5;
        return work.leads().list(workspace->id, filter);
    });
    EXPECT_TRUE(past_the_end.items.empty());
    EXPECT_EQ(past_the_end.total, 1);
}

TEST_P(Query, LeadsByCompanyAreOrderedAsTheLeadsThemselvesWouldBe) {
    // company: and industry: count and order their matches in lead_companies' copies
    // (schemas/0015): in every order, the same leads in the same order as the leads' own rows
    // give, a lead with two matching links once, and both filters together their intersection.
    seed();
    log("/회사 add 삼성 industry:반도체");
    log("/lead add \"Foundry\" @삼성전자 @삼성 stage:proposal value:30억 due:3/31");  // #2
    log("/lead add \"HBM\" @삼성전자 stage:poc value:$2M");                           // #3
    log("/lead add \"Display\" @삼성 stage:new due:2/28");                            // #4
    log("/lead add \"Ads\" @카카오 stage:negotiation value:5억");                     // #5
    std::this_thread::sleep_for(1100ms);  // a later change time than the others'
    log("/lead 3 value:$3M");
    log("/lead 4 stage:contacted");
    const auto workspace = database_->transact([&](UnitOfWork& work) {
        return work.workspaces().workspace_of_chat("telegram", kTeamChat)->id;
    });
    const auto ids = [&](LeadFilter filter) {
        return database_->transact([&](UnitOfWork& work) {
            const auto page = work.leads().list(workspace, filter);
            std::vector<Id> out;
            for (const auto& item : page.items) out.push_back(item.lead.id);
            EXPECT_EQ(page.total, static_cast<std::int64_t>(out.size()));
            return out;
        });
    };
    const auto only = [](std::vector<Id> all, const std::set<Id>& kept) {
        std::erase_if(all, [&](Id id) { return !kept.contains(id); });
        return all;
    };
    using inmaek::storage::LeadSort;
    for (const auto sort : {LeadSort::updated, LeadSort::created, LeadSort::value, LeadSort::due,
                            LeadSort::stage, LeadSort::title}) {
        for (const bool descending : {false, true}) {
            SCOPED_TRACE(std::to_string(static_cast<int>(sort)) + (descending ? " desc" : ""));
            LeadFilter all;
            all.sort = sort;
            all.descending = descending;
            const auto ordered = ids(all);
            LeadFilter at_samsung_electronics = all;
            at_samsung_electronics.company_id = 3;
            EXPECT_EQ(ids(at_samsung_electronics), only(ordered, {2, 3}));
            LeadFilter semiconductors = all;
            semiconductors.industry = "반도체";
            EXPECT_EQ(ids(semiconductors), only(ordered, {2, 3, 4}));
            LeadFilter both = semiconductors;
            both.company_id = 4;  // 삼성
            EXPECT_EQ(ids(both), only(ordered, {2, 4}));
        }
    }
    const auto first = [&](const std::string& filters) {
        const auto reply = say("/leads " + filters, "en");
        return reply.lines.empty() ? std::string{} : reply.lines.front();
    };
    // The latest change first unless told otherwise: #4's move, after #3's new value.
    EXPECT_TRUE(first("industry:반도체").starts_with("#4 ")) << first("industry:반도체");
    // English in any case (OpenAI's industry is "AI"); Korean has none to mind.
    EXPECT_TRUE(first("industry:ai").starts_with("#1 ")) << first("industry:ai");
    EXPECT_TRUE(first("industry:Ai").starts_with("#1 ")) << first("industry:Ai");
}

}  // namespace

/// SQLite's own index: the two-character tokens (search_grams) and its migrations.
class SqliteQuery : public Query {};

INSTANTIATE_TEST_SUITE_P(Sqlite, SqliteQuery, ::testing::Values(std::string{"sqlite3"}),
                         backend_name);

TEST_P(SqliteQuery, TwoCharacterTokensAreThoseTrigramsCannotFind) {
    using inmaek::storage::search_text::two_character_tokens;
    EXPECT_EQ(two_character_tokens(""), "");
    EXPECT_EQ(two_character_tokens("a"), "");
    // Hangul: every pair of a run, particles included, once each, none across a space.
    EXPECT_EQ(two_character_tokens("반도체 공급을 공급"), "공급 급을 도체 반도");
    // Other scripts: only whole words of two characters; the edge of Hangul ends a word.
    EXPECT_EQ(two_character_tokens("AI integration, 5G!"), "5G AI");
    EXPECT_EQ(two_character_tokens("오픈AI OpenAI"), "AI 오픈 픈A");
    EXPECT_EQ(two_character_tokens("5월 🚀 발사!"), "5월 발사");
}

TEST_P(SqliteQuery, DocumentsIndexedBefore0013AreFoundAndDeleteCleanly) {
    seed();
    const auto& url = fresh_.url();
    // Back to 0012: search_grams as 0008 and 0010 left it, every pair of every text (0008's SQL).
    const auto pairs = [](const char* column) {
        return std::string{"(SELECT group_concat(substr("} + column + ", j.key + 1, 2), ' ') " +
               "FROM json_each('[' || substr(replace(hex(zeroblob(length(" + column +
               "))), '00', '0,'), 1, 2 * length(" + column + ") - 3) || ']') AS j)";
    };
    execute(url, "DROP TABLE search_grams");
    execute(url,
            "CREATE VIRTUAL TABLE search_grams USING fts5 (title, body, content = '', "
            "tokenize = 'unicode61 remove_diacritics 0')");
    execute(url, "INSERT INTO search_grams (rowid, title, body) SELECT rowid, " + pairs("title") +
                     ", " + pairs("body") + " FROM search_docs");
    take_back_lead_filter_copies(url);
    execute(url, "DELETE FROM schema_migrations WHERE version >= 13");
    database_ = std::make_unique<Database>(DatabaseOptions{.url = url});
    EXPECT_GE(database_->migrate(), 1);
    EXPECT_EQ(database_->schema_version(), Database::latest_schema_version());
    const auto indexed = [&](const std::string& token) {
        return query_text(
            url, "SELECT COUNT(*) FROM search_grams WHERE search_grams MATCH '" + token + "'");
    };
    // Found through the new tokens; the pairs no search needs are gone.
    EXPECT_EQ(hits_of(search("연동")), "meeting 1");
    EXPECT_EQ(hits_of(search("ai")), "company 2");
    EXPECT_EQ(indexed("ch"), "0");  // of ChatGPT
    // Changed and deleted, the documents leave no token behind.
    log("/리드 1 메모:\"SoC 양산 일정\"");
    EXPECT_EQ(hits_of(search("양산")), "lead 1");
    log("/리드 1 메모:\"NPU 설계\"");
    EXPECT_EQ(hits_of(search("양산")), "");
    EXPECT_EQ(indexed("양산"), "0");
    execute(url, "DELETE FROM meetings WHERE id = 1");
    EXPECT_EQ(hits_of(search("연동")), "");
    EXPECT_EQ(indexed("연동"), "0");
    EXPECT_EQ(indexed("논의"), "1");  // meeting 2's
}
