// Roles and workspace isolation in the chat, over real repositories on SQLite and PostgreSQL:
// every command declares the role commands.md gives it and Conversation enforces it (a refusal
// names the role needed and changes nothing); /role (/역할) names people as each platform does,
// never demotes the last admin and is audited; and every registered command, run by a member and
// by an admin of workspace A, neither shows nor changes anything of workspace B.
#include <gtest/gtest.h>

#include <soci/soci.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "handlers/router.hpp"
#include "tests/support/chat_test.hpp"

namespace {

using inmaek::handlers::ConversationPolicy;
using inmaek::handlers::make_router;
using inmaek::handlers::Reply;
using inmaek::storage::Id;
using inmaek::storage::Role;
using inmaek::storage::UnitOfWork;
using inmaek::test::backend_name;
using inmaek::test::backends;
using inmaek::test::contains;
using inmaek::test::kMinji;  // A's first: admin
using inmaek::test::Person;
using inmaek::test::query_text;

constexpr auto kChatA = inmaek::test::kTeamChat;
constexpr auto kChatB = "-1007777777777";

constexpr Person kJiwoo{"6012345678", "Jiwoo Park", "jiwoo"};      // A's second: member
constexpr Person kBora{"7000000001", "Bora Choi", "bora_b"};       // B's admin
constexpr Person kDohyun{"7000000002", "Dohyun Lim", "dohyun_b"};  // B's member

/// Everything a reply shows, buttons included.
std::string shown(const Reply& reply) {
    return nlohmann::json(reply).dump();
}

// ---- what each command needs --------------------------------------------------------------------

/// The least role of every command of commands.md (and of those being built alongside), by
/// English name. A registered command missing here fails the test: its role must be decided.
const std::map<std::string, Role>& expected_roles() {
    static const std::map<std::string, Role> kRoles{
        {"companies", Role::member}, {"company", Role::member},      {"contact", Role::member},
        {"done", Role::member},      {"export", Role::admin},        {"find", Role::member},
        {"help", Role::member},      {"history", Role::member},      {"lead", Role::member},
        {"leads", Role::member},     {"meet", Role::member},         {"path", Role::member},
        {"pipeline", Role::member},  {"role", Role::admin},          {"subscribe", Role::manager},
        {"summary", Role::member},   {"todo", Role::member},         {"todos", Role::member},
        {"undo", Role::member},      {"unsubscribe", Role::manager},
    };
    return kRoles;
}

TEST(Roles, EveryCommandDeclaresTheRoleCommandsMdGivesIt) {
    const auto router = make_router();
    for (const auto& command : router->commands()) {
        SCOPED_TRACE("/" + command.name);
        const auto expected = expected_roles().find(command.name);
        if (expected == expected_roles().end()) {
            ADD_FAILURE() << "/" << command.name
                          << " has no role in expected_roles(): decide it with commands.md";
            continue;
        }
        EXPECT_EQ(command.role_for("").role, expected->second);
    }
    const auto* company = router->find("company");
    ASSERT_NE(company, nullptr);
    EXPECT_EQ(company->role_for("merge Kakao 카카오").role, Role::manager);
    EXPECT_EQ(company->role_for("병합 (주)카카오 카카오").verb, "병합");
    EXPECT_EQ(company->role_for("add Merge Labs").role, Role::member) << "only the verb counts";
    EXPECT_EQ(company->role_for("Kakao").role, Role::member);
}

// ---- a workspace in chat
// --------------------------------------------------------------------------

class ChatRoles : public inmaek::test::ChatTest {
protected:
    ChatRoles() { now_ += std::chrono::hours{1}; }  // 10:00 in Seoul

    Reply say(const std::string& text, const Person& who, const std::string& locale = "ko",
              const std::string& chat = kChatA) {
        return handle(message(text, who, locale, chat,
                              chat == kChatA ? "Partners Team" : "Quantum Team"))
            .reply;
    }
    /// Says `text`, which must be answered as a success.
    void ok(const std::string& text, const Person& who, const std::string& chat = kChatA) {
        const auto reply = say(text, who, "ko", chat);
        ASSERT_EQ(reply.kind, Reply::Kind::ok) << text << "\n" << reply.plain_text();
    }

    Role role_of(const Person& who, const std::string& chat = kChatA) {
        return database_->transact([&](UnitOfWork& work) {
            const auto workspace = work.workspaces().workspace_of_chat("telegram", chat);
            EXPECT_TRUE(workspace);
            const auto user = work.workspaces().find_user(workspace->id, "telegram", who.id);
            EXPECT_TRUE(user) << who.name;
            return user ? user->role : Role::member;
        });
    }

    std::string number(const std::string& sql) const { return query_text(fresh_.url(), sql); }

    /// Minji (admin) and Jiwoo (member) have both talked in chat A.
    void meet_the_team() {
        say("/help", kMinji);
        say("/help", kJiwoo);
        ASSERT_EQ(role_of(kMinji), Role::admin);
        ASSERT_EQ(role_of(kJiwoo), Role::member);
    }
};

INSTANTIATE_TEST_SUITE_P(Backends, ChatRoles, ::testing::ValuesIn(backends()), backend_name);

TEST_P(ChatRoles, AMemberIsToldWhichRoleACommandNeedsAndNothingChanges) {
    meet_the_team();
    ok("/company add 카카오", kMinji);
    ok("/company add \"Kakao Corp\"", kMinji);
    const auto audit_rows = number("SELECT COUNT(*) FROM audit_log");

    const auto subscribe = say("/subscribe daily 09:00", kJiwoo, "en");
    EXPECT_EQ(subscribe.kind, Reply::Kind::error);
    EXPECT_TRUE(contains(subscribe.title, "Only a manager or an admin can use /subscribe"))
        << subscribe.title;
    EXPECT_TRUE(contains(subscribe.title, "your role is member")) << subscribe.title;
    EXPECT_TRUE(contains(subscribe.usage, "/subscribe daily 09:00")) << "the usage line";

    const auto korean = say("/구독 매일 09:00", kJiwoo);
    EXPECT_EQ(korean.kind, Reply::Kind::error);
    EXPECT_TRUE(
        contains(korean.title, "/구독은(는) 매니저나 관리자만 쓸 수 있습니다 (내 역할: 멤버)"))
        << korean.title;

    const auto merge = say("/company merge \"Kakao Corp\" 카카오", kJiwoo, "en");
    EXPECT_TRUE(contains(merge.title, "/company merge")) << merge.title;
    EXPECT_TRUE(contains(merge.title, "manager")) << merge.title;

    const auto role = say("/role @jiwoo admin", kJiwoo, "en");
    EXPECT_TRUE(contains(role.title, "Only an admin can use /role")) << role.title;
    const auto role_ko = say("/역할 @jiwoo 관리자", kJiwoo);
    EXPECT_TRUE(contains(role_ko.title, "/역할은(는) 관리자만 쓸 수 있습니다")) << role_ko.title;

    EXPECT_EQ(role_of(kJiwoo), Role::member);
    EXPECT_EQ(number("SELECT COUNT(*) FROM summary_subscriptions"), "0");
    EXPECT_EQ(number("SELECT COUNT(*) FROM companies"), "2");
    EXPECT_EQ(number("SELECT COUNT(*) FROM audit_log"), audit_rows) << "refusals write nothing";
    // Capture and queries stay open to members (commands.md).
    ok("/meet today @카카오 : 연동 논의", kJiwoo);
    EXPECT_EQ(say("/leads", kJiwoo).kind, Reply::Kind::info);
}

TEST_P(ChatRoles, AnAdminGivesRolesByHandleNameMentionOrPlatformId) {
    meet_the_team();
    const auto promoted = say("/role @jiwoo manager", kMinji, "en");
    ASSERT_EQ(promoted.kind, Reply::Kind::ok) << promoted.plain_text();
    EXPECT_EQ(promoted.title, "✅ Jiwoo Park (@jiwoo) is now manager (was member).");
    EXPECT_EQ(role_of(kJiwoo), Role::manager);
    // A manager may now subscribe the chat.
    ok("/구독 매일 09:00", kJiwoo);

    const auto by_name = say("/역할 \"Jiwoo Park\" 멤버", kMinji);
    ASSERT_EQ(by_name.kind, Reply::Kind::ok) << by_name.plain_text();
    EXPECT_EQ(by_name.title, "✅ Jiwoo Park (@jiwoo)님의 역할: 멤버 (이전: 매니저)");
    EXPECT_EQ(role_of(kJiwoo), Role::member);
    // A LINE-style mention of a name with spaces, no quotes.
    ok("/role @Jiwoo Park 매니저", kMinji);
    EXPECT_EQ(role_of(kJiwoo), Role::manager);
    // Slack and Discord mentions carry the platform's user id.
    ok("/role <@6012345678> member", kMinji);
    EXPECT_EQ(role_of(kJiwoo), Role::member);
    ok("/role <@!6012345678|jiwoo> manager", kMinji);
    EXPECT_EQ(role_of(kJiwoo), Role::manager);
    // platform:id as workspace.admins writes it, and a bare id of the sender's platform.
    ok("/role telegram:6012345678 admin", kMinji);
    EXPECT_EQ(role_of(kJiwoo), Role::admin);
    const auto same = say("/role 6012345678 ADMIN", kMinji, "en");
    EXPECT_EQ(same.kind, Reply::Kind::info) << "already: answered, nothing written";
    EXPECT_EQ(same.title, "Jiwoo Park (@jiwoo) is already admin.");

    const auto audits = number(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'role' AND entity = 'user' AND user_id IS "
        "NOT NULL");
    EXPECT_EQ(audits, "6") << "one audit row per change, none for 'already'";
    const auto last = number(
        "SELECT before_json || ' ' || after_json FROM audit_log WHERE action = 'role' ORDER BY id "
        "DESC LIMIT 1");
    EXPECT_TRUE(contains(last, R"("role":"manager")") && contains(last, R"("role":"admin")"))
        << last;

    // The team and its roles.
    const auto team = say("/role", kMinji, "en");
    EXPECT_TRUE(contains(team.title, "(2)")) << team.title;
    EXPECT_TRUE(contains(team.plain_text(), "admin · Minji Kim (@minji_kim)")) << team.plain_text();
}

TEST_P(ChatRoles, MistakesNameWhatWasWrongAndChangeNothing) {
    meet_the_team();
    const auto nobody = say("/role @nobody manager", kMinji, "en");
    EXPECT_EQ(nobody.kind, Reply::Kind::error);
    EXPECT_TRUE(contains(nobody.title, "Nobody on the team is called '@nobody'")) << nobody.title;
    const auto bad = say("/역할 @jiwoo 사장", kMinji);
    EXPECT_EQ(bad.kind, Reply::Kind::error);
    EXPECT_TRUE(contains(bad.title, "'사장'은(는) 역할이 아닙니다")) << bad.title;
    EXPECT_TRUE(contains(bad.usage, "/역할 @사용자 멤버|매니저|관리자")) << bad.usage;
    EXPECT_EQ(say("/role manager", kMinji).kind, Reply::Kind::error);
    EXPECT_EQ(say("/role <@> admin", kMinji).kind, Reply::Kind::error);
    EXPECT_EQ(role_of(kJiwoo), Role::member);
    EXPECT_EQ(number("SELECT COUNT(*) FROM audit_log WHERE action = 'role'"), "0");
}

TEST_P(ChatRoles, TheLastAdminIsNeverDemoted) {
    meet_the_team();
    const auto alone = say("/role @minji_kim member", kMinji, "en");
    EXPECT_EQ(alone.kind, Reply::Kind::error);
    EXPECT_TRUE(contains(alone.title, "only admin")) << alone.title;
    EXPECT_TRUE(contains(say("/역할 @minji_kim 매니저", kMinji).title, "유일한 관리자"));
    EXPECT_EQ(role_of(kMinji), Role::admin);
    // With a second admin, the first may step down, and then the second is the last one.
    ok("/role @jiwoo admin", kMinji);
    ok("/role @minji_kim manager", kMinji);
    EXPECT_EQ(role_of(kMinji), Role::manager);
    EXPECT_EQ(say("/role @minji_kim admin", kMinji).kind, Reply::Kind::error) << "no longer admin";
    EXPECT_EQ(say("/role @jiwoo member", kJiwoo).kind, Reply::Kind::error);
    EXPECT_EQ(role_of(kJiwoo), Role::admin);
}

class ConfiguredAdmins : public ChatRoles {
protected:
    ConversationPolicy policy() override {
        ConversationPolicy p;
        p.admins = {std::string{"telegram:"} + kJiwoo.id};
        return p;
    }
};

INSTANTIATE_TEST_SUITE_P(Backends, ConfiguredAdmins, ::testing::ValuesIn(backends()), backend_name);

TEST_P(ConfiguredAdmins, TheConfiguredAdminsAreAdminsAndTheFirstPersonIsNot) {
    say("/help", kMinji);
    say("/help", kJiwoo);
    EXPECT_EQ(role_of(kMinji), Role::member) << "configuration names the admins";
    EXPECT_EQ(role_of(kJiwoo), Role::admin);
    EXPECT_EQ(say("/role @minji_kim manager", kMinji).kind, Reply::Kind::error);
    ok("/role @minji_kim manager", kJiwoo);
}

// ---- isolation ---------------------------------------------------------------------------------

/// Sample invocations of every command, by English name. {company}, {alias}, {contact} and
/// {user} are names in workspace B; {company_id}, {contact_id}, {lead}, {meeting} and {todo} are
/// ids of B's rows. A registered command without samples fails WorkspaceIsolation: add some when
/// adding a command, so that its isolation is tested too.
const std::map<std::string, std::vector<std::string>>& samples() {
    static const std::map<std::string, std::vector<std::string>> kSamples{
        {"companies", {"/companies", "/회사목록 업종:Zephyr-quantum"}},
        {"company",
         {"/company {company}", "/회사 {alias}", "/company add {company} alias:{alias}",
          "/company merge {company} 카카오", "/company {company_id}"}},
        {"contact",
         {"/contact {contact}", "/연락처 add {contact} @카카오 email:yoon@a.example",
          "/contact {contact_id}"}},
        {"done", {"/done {todo}", "/완료 {todo}"}},
        {"export", {"/export leads", "/export companies", "/export contacts", "/export meetings"}},
        {"find", {"/find {company}", "/검색 Zephyrine", "/find {contact}", "/검색 퀀텀"}},
        {"help", {"/help", "/도움말 role"}},
        {"history", {"/history {company}", "/이력 {alias}", "/history {company_id}"}},
        {"lead",
         {"/lead {lead}", "/리드 {lead} 단계:체결", "/lead {lead} value:1억 owner:{user}",
          "/lead add \"Joint bid\" @{company} owner:{user}"}},
        {"leads",
         {"/leads", "/리드목록 company:{company}", "/leads owner:{user}",
          "/leads stage:negotiation value>10억", "/leads industry:Zephyr-quantum"}},
        {"meet",
         {"/meet today @{company} with {contact} lead:{lead} : 연동 논의",
          "/회의 오늘 @{alias} 참석: {contact} 리드:{lead} : 후속 논의"}},
        {"path", {"/path @{company} @카카오", "/경로 @{alias} @카카오"}},
        {"pipeline", {"/pipeline", "/파이프라인"}},
        {"role",
         {"/role", "/role {user} admin", "/역할 telegram:7000000002 관리자",
          "/role <@7000000001> member"}},
        {"subscribe", {"/subscribe daily 08:00"}},
        {"summary", {"/summary", "/요약 week", "/summary 2025-02-04"}},
        {"todo", {"/todo 내일 NDA lead:{lead}", "/할일 자료 송부 {user}"}},
        {"todos", {"/todos all", "/할일목록 지연"}},
        {"undo", {"/undo", "/취소"}},
        {"unsubscribe", {"/unsubscribe"}},
    };
    return kSamples;
}

/// The rows of one workspace, through a session of its own on the test's database: in every table
/// that has a workspace_id column (and its workspaces row), each row as text, sorted, so that a
/// before/after comparison sees any change.
class RowDump {
public:
    explicit RowDump(const std::string& url) : session_(inmaek::test::open_session(url)) {
        const bool postgres = inmaek::test::backend_of(url) == "postgresql";
        const std::string find_tables =
            postgres ? "SELECT c.table_name FROM information_schema.columns c "
                       "JOIN information_schema.tables t ON t.table_schema = c.table_schema "
                       "AND t.table_name = c.table_name "
                       "WHERE c.table_schema = current_schema() AND c.column_name = 'workspace_id' "
                       "AND t.table_type = 'BASE TABLE' ORDER BY 1"
                     : "SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) p "
                       "WHERE m.type = 'table' AND p.name = 'workspace_id' ORDER BY 1";
        std::string table;
        soci::statement find = (session_->prepare << find_tables, soci::into(table));
        find.execute();
        while (find.fetch()) tables_.push_back(table);
        EXPECT_GE(tables_.size(), 10U) << "the tables of workspace data";
    }

    /// The workspace's rows in every table but `skipped`.
    std::vector<std::string> rows(Id workspace_id, const std::set<std::string>& skipped = {}) {
        std::vector<std::string> rows;
        dump("workspaces", "id = :id", workspace_id, rows);
        for (const auto& name : tables_) {
            if (!skipped.contains(name)) dump(name, "workspace_id = :id", workspace_id, rows);
        }
        std::sort(rows.begin(), rows.end());
        return rows;
    }

private:
    void dump(const std::string& table, const std::string& where, Id workspace_id,
              std::vector<std::string>& rows) {
        const long long id = workspace_id;
        soci::rowset<soci::row> result =
            (session_->prepare << "SELECT * FROM " + table + " WHERE " + where, soci::use(id));
        for (const auto& row : result) {
            std::string text = table + ":";
            for (std::size_t i = 0; i < row.size(); ++i) {
                text += " " + row.get_properties(i).get_name() + "=" + column_text(row, i);
            }
            rows.push_back(std::move(text));
        }
    }

    static std::string column_text(const soci::row& row, std::size_t i) {
        if (row.get_indicator(i) == soci::i_null) return "NULL";
        switch (row.get_properties(i).get_data_type()) {
            case soci::dt_string: return row.get<std::string>(i);
            case soci::dt_integer: return std::to_string(row.get<int>(i));
            case soci::dt_long_long: return std::to_string(row.get<long long>(i));
            case soci::dt_unsigned_long_long: return std::to_string(row.get<unsigned long long>(i));
            case soci::dt_double: return std::to_string(row.get<double>(i));
            default: return "?";
        }
    }

    std::unique_ptr<soci::session> session_;
    std::vector<std::string> tables_;
};

std::string joined(const std::vector<std::string>& rows) {
    std::string text;
    for (const auto& row : rows) text += row + "\n";
    return text;
}

/// True when `text` holds `number` as a whole number (not inside a longer one).
bool holds_number(const std::string& text, const std::string& number) {
    for (auto at = text.find(number); at != std::string::npos; at = text.find(number, at + 1)) {
        const auto end = at + number.size();
        const bool digit_before = at > 0 && std::isdigit(static_cast<unsigned char>(text[at - 1]));
        const bool digit_after =
            end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]));
        if (!digit_before && !digit_after) return true;
    }
    return false;
}

class WorkspaceIsolation : public ChatRoles {
protected:
    /// Makes the next rows of the five record tables take ids from `base` + 1 on: B's ids are
    /// then numbers that A's rows and replies never hold by chance.
    void start_ids_at(std::int64_t base) {
        const std::vector<std::string> tables{"companies", "contacts", "leads", "meetings",
                                              "follow_ups"};
        if (fresh_.backend() == "postgresql") {
            for (const auto& table : tables) {
                inmaek::test::execute(fresh_.url(), "SELECT setval(pg_get_serial_sequence('" +
                                                        table + "', 'id'), " +
                                                        std::to_string(base) + ")");
            }
            return;
        }
        // SQLite takes max(rowid) + 1: a row at `base` in a workspace of its own moves it on.
        const auto id = std::to_string(base);
        const auto ids = "ids " + id;
        inmaek::test::execute(
            fresh_.url(),
            "INSERT INTO workspaces (id, name, created_at) VALUES (" + id + ", '" + ids + "', 0)");
        const std::vector<std::string> inserts{
            "companies (id, workspace_id, name, name_key, created_at) VALUES ({0}, {0}, 'x', "
            "'x', 0)",
            "contacts (id, workspace_id, name, name_key, created_at) VALUES ({0}, {0}, 'x', 'x', "
            "0)",
            "leads (id, workspace_id, title, stage, created_at, updated_at) VALUES ({0}, {0}, "
            "'x', 'new', 0, 0)",
            "meetings (id, workspace_id, starts_at, created_at) VALUES ({0}, {0}, 0, 0)",
            "follow_ups (id, workspace_id, text, created_at) VALUES ({0}, {0}, 'x', 0)"};
        for (auto sql : inserts) {
            for (auto at = sql.find("{0}"); at != std::string::npos; at = sql.find("{0}")) {
                sql.replace(at, 3, id);
            }
            inmaek::test::execute(fresh_.url(), "INSERT INTO " + sql);
        }
    }

    Id workspace_of(const char* chat) {
        return database_->transact([&](UnitOfWork& work) {
            return work.workspaces().workspace_of_chat("telegram", chat)->id;
        });
    }

    Id only_id(const std::string& table, Id workspace) {
        return std::stoll(number("SELECT MAX(id) FROM " + table +
                                 " WHERE workspace_id = " + std::to_string(workspace)));
    }

    /// A's own data, then B's (from distinctive ids on), then ids far above B's for A's writes.
    void seed() {
        meet_the_team();
        ok("/company add 카카오 alias:Kakao industry:플랫폼", kMinji);
        ok("/meet today 11:00 @카카오 with 샘 알트먼 : 카카오톡 연동 논의", kMinji);
        ok("/lead add \"KakaoTalk × ChatGPT\" @카카오 stage:meeting value:50억", kMinji);
        ok("/todo 내일 MOU 초안 송부", kJiwoo);

        start_ids_at(71000);
        say("/help", kBora, "ko", kChatB);
        say("/help", kDohyun, "ko", kChatB);
        ok("/company add \"Hanwha Quantum\" alias:한화퀀텀 industry:Zephyr-quantum "
           "note:\"Kobalt-9 reactor\"",
           kBora, kChatB);
        ok("/contact add \"Yoon Seoyeon\" @\"Hanwha Quantum\" title:CTO "
           "email:yoon@hanwha-q.example phone:010-9876-5432",
           kBora, kChatB);
        ok("/lead add \"Orion qubit fab\" @한화퀀텀 stage:negotiation value:70억 owner:@dohyun_b",
           kBora, kChatB);
        b_ = workspace_of(kChatB);
        const auto lead = std::to_string(only_id("leads", b_));
        ok("/meet today 15:00 @한화퀀텀 with Yoon Seoyeon at \"Yeouido Tower\" lead:" + lead +
               " : Zephyrine qubit supply with Kobalt-9 engineers",
           kBora, kChatB);
        ok("/todo 내일 Vanta NDA 송부 lead:" + lead + " @dohyun_b", kDohyun, kChatB);
        ok("/subscribe daily 08:00", kBora, kChatB);
        // A search indexes what is queued (SQLite indexes after the write): B's documents are
        // indexed now, not by A's first /find, which would look like a change of B's rows.
        say("/find Zephyrine", kBora, "en", kChatB);
        start_ids_at(79000);

        a_ = workspace_of(kChatA);
        values_ = {{"{company}", "\"Hanwha Quantum\""},
                   {"{alias}", "한화퀀텀"},
                   {"{contact}", "\"Yoon Seoyeon\""},
                   {"{user}", "@bora_b"},
                   {"{company_id}", std::to_string(only_id("companies", b_))},
                   {"{contact_id}", std::to_string(only_id("contacts", b_))},
                   {"{lead}", lead},
                   {"{meeting}", std::to_string(only_id("meetings", b_))},
                   {"{todo}", std::to_string(only_id("follow_ups", b_))}};
        // What B holds that A might show: every name, note, place, address, person and chat.
        secrets_ = {"Hanwha Quantum",
                    "한화퀀텀",
                    "Yoon Seoyeon",
                    "Zephyr-quantum",
                    "Kobalt-9",
                    "Zephyrine",
                    "yoon@hanwha-q.example",
                    "010-9876-5432",
                    "Yeouido Tower",
                    "Orion qubit",
                    "Vanta NDA",
                    "Bora Choi",
                    "bora_b",
                    "Dohyun Lim",
                    "dohyun_b",
                    "7000000001",
                    "7000000002",
                    "7777777777",
                    "Quantum Team"};
        for (const auto* key : {"{company_id}", "{contact_id}", "{lead}", "{meeting}", "{todo}"}) {
            ASSERT_GT(std::stoll(values_[key]), 71000) << key;
            ASSERT_LT(std::stoll(values_[key]), 79000) << key;
            b_ids_.push_back(values_[key]);
        }
    }

    /// A's records: what A's replies may show. The replies kept for redeliveries and the pushes
    /// are left out (they are what is being checked).
    std::string a_data() const { return joined(dump_->rows(a_, {"inbound_events", "outbox"})); }

    std::string invocation(std::string sample) const {
        for (const auto& [key, value] : values_) {
            for (auto at = sample.find(key); at != std::string::npos; at = sample.find(key)) {
                sample.replace(at, key.size(), value);
            }
        }
        return sample;
    }

    /// What of B the reply shows that neither the invocation said nor A had: its strings as they
    /// are, its ids as "id 71001".
    std::vector<std::string> shown_of_b(const std::string& said, const std::string& reply,
                                        const std::string& known_to_a) const {
        std::vector<std::string> leaks;
        for (const auto& secret : secrets_) {
            if (contains(reply, secret) && !contains(said, secret) &&
                !contains(known_to_a, secret)) {
                leaks.push_back(secret);
            }
        }
        for (const auto& id : b_ids_) {
            if (holds_number(reply, id) && !holds_number(said, id)) leaks.push_back("id " + id);
        }
        return leaks;
    }

    Id a_ = 0;
    Id b_ = 0;
    std::map<std::string, std::string> values_;
    std::vector<std::string> secrets_;
    std::vector<std::string> b_ids_;
    std::unique_ptr<RowDump> dump_;
};

INSTANTIATE_TEST_SUITE_P(Backends, WorkspaceIsolation, ::testing::ValuesIn(backends()),
                         backend_name);

TEST_P(WorkspaceIsolation, EveryCommandOfAMemberOrAdminOfAKeepsOutOfB) {
    seed();
    dump_ = std::make_unique<RowDump>(fresh_.url());
    const auto b_before = dump_->rows(b_);
    ASSERT_TRUE(contains(joined(b_before), "Zephyrine")) << "B's rows are in the dump";
    const auto router = make_router();
    int runs = 0;
    for (const auto& command : router->commands()) {
        const auto found = samples().find(command.name);
        if (found == samples().end()) {
            ADD_FAILURE() << "/" << command.name
                          << " has no sample invocations in samples(): add some so that its "
                             "workspace isolation is tested";
            continue;
        }
        for (const auto& sample : found->second) {
            for (const auto* who : {&kJiwoo, &kMinji}) {
                for (const auto* locale : {"en", "ko"}) {
                    const auto said = invocation(sample);
                    SCOPED_TRACE(std::string{who->name} + " (" + locale + "): " + said);
                    const auto known_to_a = a_data();
                    const auto reply = say(said, *who, locale);
                    for (const auto& leak : shown_of_b(said, shown(reply), known_to_a)) {
                        ADD_FAILURE() << "B's " << leak << " shown:\n" << shown(reply);
                    }
                    ++runs;
                }
            }
            const auto b_after = dump_->rows(b_);
            EXPECT_EQ(joined(b_after), joined(b_before)) << "B changed after " << sample;
        }
    }
    EXPECT_GT(runs, 100);
    // The check itself: B's own answer, were it shown in A, would be reported.
    const auto own = shown_of_b("/find x", shown(say("/find Zephyrine", kBora, "en", kChatB)), "");
    EXPECT_NE(std::find(own.begin(), own.end(), "Kobalt-9"), own.end());
    EXPECT_NE(std::find(own.begin(), own.end(), "id " + values_["{meeting}"]), own.end());
    // Nothing of B that A never typed was copied into A's records either.
    const auto a_rows = a_data();
    for (const auto* secret :
         {"Kobalt-9", "yoon@hanwha-q.example", "010-9876-5432", "Yeouido Tower", "Orion qubit",
          "Vanta NDA", "Bora Choi", "Dohyun Lim"}) {
        EXPECT_FALSE(contains(a_rows, secret)) << secret << " reached A's rows";
    }
    EXPECT_EQ(role_of(kBora, kChatB), Role::admin);
    EXPECT_EQ(role_of(kDohyun, kChatB), Role::member);
}

}  // namespace
