// CSV end to end, on SQLite and PostgreSQL: `inmaek import --dry-run`, then the import, then
// `inmaek export` (a round trip through the real binary); and /export in a chat, whose signed
// link is downloaded over HTTP from the real server: only the admin's own workspace, nothing for
// a tampered or expired token, and neither the token nor the secret in the log.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "tests/e2e/harness.hpp"
#include "tests/e2e/server_process.hpp"
#include "tests/support/postgres.hpp"

namespace inmaek::e2e {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::int64_t kTeamChat = -1001234567890;  // korean_meeting.json's chat
constexpr std::int64_t kMinji = 5012345678;         // … and its sender
constexpr std::int64_t kOtherChat = -200;
constexpr auto kSecret = "e2e-export-secret-0123456789";

constexpr auto kHubspotCompanies =
    "\xEF\xBB\xBFRecord ID,Company name,Company Domain Name,Industry\r\n"
    "1,카카오,kakaocorp.com,Internet\r\n"
    "2,\"Samsung Electronics, Ltd.\",samsung.com,Semiconductors\r\n"
    "3,,nameless.com,\r\n";

constexpr auto kHubspotDeals =
    "Deal Name,Deal Stage,Amount,Close Date,Associated Company,Deal owner\n"
    "\"KakaoTalk × ChatGPT 연동\",Contract Sent,5000000000,2025-03-31,카카오,\n"
    "\"AI chips, phase 1\",closedwon,2000000000,2025-06-30,\"Samsung Electronics, Ltd.\",\n"
    "Broken,Haggling,,,카카오,\n";

class Csv : public ::testing::TestWithParam<std::string> {
protected:
    void TearDown() override {
        if (HasFailure() && server_) {
            std::cerr << "---- inmaek log ----\n" << server_->log() << "--------------------\n";
        }
        server_.reset();
    }

    CommandResult cli(const std::vector<std::string>& args) const {
        return run_command(INMAEK_BINARY, args,
                           {{"INMAEK_DATABASE_URL", database_.url()}, {"INMAEK_LOG_LEVEL", "warn"}},
                           dir_.path(), "");
    }

    void link(std::int64_t chat, const std::string& workspace) const {
        const auto result =
            cli({"workspace", "link", "--chat", std::to_string(chat), "--workspace", workspace});
        ASSERT_EQ(result.exit_status, 0) << result.err;
    }

    std::string file(const std::string& name, std::string_view text) const {
        const auto path = dir_.path() / name;
        std::ofstream{path, std::ios::binary} << text;
        return path.string();
    }

    static std::string read(const std::string& path) {
        std::ifstream in{path, std::ios::binary};
        return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
    }

    std::int64_t workspace_id(const std::string& name) const {
        return query_number(database_.url(),
                            "SELECT id FROM workspaces WHERE name = '" + name + "'");
    }

    /// What the bot answers in a Telegram chat.
    std::string say(std::int64_t update, std::string_view text, std::int64_t sender,
                    std::int64_t chat) {
        HttpClient client{server_->port()};
        const auto response =
            client.post(kTelegramHook, telegram_update(update, text, sender, chat));
        EXPECT_EQ(response.status, 200U) << response.body;
        return reply_text(response);
    }

    /// The /exports/<token> path in a reply, "" when there is none.
    static std::string export_path(const std::string& reply) {
        static const std::regex kLink{"/exports/[0-9]+\\.[a-z]+\\.[0-9]+\\.[0-9a-f]{64}"};
        std::smatch match;
        return std::regex_search(reply, match, kLink) ? match.str() : std::string{};
    }

    /// A token signed with the server's secret, as bot/export_links.cpp signs them.
    static std::string signed_token(std::int64_t workspace, std::string_view kind,
                                    std::int64_t expires) {
        const auto payload =
            std::to_string(workspace) + "." + std::string{kind} + "." + std::to_string(expires);
        return payload + "." + hmac_sha256_hex(kSecret, "inmaek-export\n" + payload);
    }

    test::TempDir dir_;
    test::FreshDatabase database_{GetParam()};
    std::unique_ptr<ServerProcess> server_;
};

INSTANTIATE_TEST_SUITE_P(Backends, Csv, ::testing::ValuesIn(test::backends()), test::backend_name);

TEST_P(Csv, ImportDryRunThenImportThenExportRoundTrip) {
    link(kTeamChat, "BD team");
    const auto companies = file("companies.csv", kHubspotCompanies);

    auto result = cli({"import", "companies", companies, "--dry-run"});
    ASSERT_EQ(result.exit_status, 0) << result.out << result.err;
    EXPECT_NE(result.out.find("row      2  create  company 카카오"), std::string::npos)
        << result.out;
    EXPECT_NE(result.out.find("row      4  reject  no company name"), std::string::npos)
        << result.out;
    EXPECT_NE(result.out.find("would be 2 created, 0 merged into existing, 1 rejected"),
              std::string::npos)
        << result.out;
    EXPECT_EQ(count_rows(database_.url(), "companies"), 0);

    result = cli({"import", "companies", companies});
    ASSERT_EQ(result.exit_status, 0) << result.err;
    EXPECT_NE(result.out.find("2 created, 0 merged into existing, 1 rejected"), std::string::npos)
        << result.out;
    EXPECT_NE(result.err.find("100%"), std::string::npos) << "progress: " << result.err;
    result = cli({"import", "companies", companies, "--workspace", "BD team"});
    EXPECT_NE(result.out.find("0 created, 2 merged into existing, 1 rejected"), std::string::npos)
        << result.out;
    EXPECT_EQ(count_rows(database_.url(), "companies"), 2);

    result = cli({"import", "deals", file("deals.csv", kHubspotDeals)});
    ASSERT_EQ(result.exit_status, 0) << result.err;
    EXPECT_NE(result.out.find("row      4  reject  unknown deal stage 'Haggling'"),
              std::string::npos)
        << result.out;
    EXPECT_EQ(count_rows(database_.url(), "companies"), 2) << "deals found their companies";
    EXPECT_EQ(count_rows(database_.url(), "leads"), 2);

    const auto out = (dir_.path() / "leads.csv").string();
    result = cli({"export", "leads", "--output", out});
    ASSERT_EQ(result.exit_status, 0) << result.err;
    const auto text = read(out);
    EXPECT_TRUE(text.starts_with(std::string{kBom} +
                                 "id,title,stage,value_amount,value_currency,companies,owner,due,"
                                 "note,created_at,updated_at\r\n"))
        << text;
    EXPECT_NE(text.find(",KakaoTalk × ChatGPT 연동,negotiation,5000000000,KRW,카카오,,2025-03-31,"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find(",\"AI chips, phase 1\",signed,2000000000,KRW,\"Samsung Electronics, "
                        "Ltd.\",,2025-06-30,"),
              std::string::npos)
        << text;

    // The exported companies import back as merges: nothing is duplicated.
    const auto exported = (dir_.path() / "companies-out.csv").string();
    ASSERT_EQ(cli({"export", "companies", "-o", exported}).exit_status, 0);
    result = cli({"import", "companies", exported});
    EXPECT_NE(result.out.find("0 created, 2 merged into existing, 0 rejected"), std::string::npos)
        << result.out;
}

TEST_P(Csv, ImportNeedsAWorkspaceWhenThereAreSeveral) {
    link(kTeamChat, "BD team");
    link(kOtherChat, "Other team");
    const auto result = cli({"import", "companies", file("c.csv", kHubspotCompanies)});
    EXPECT_EQ(result.exit_status, 2);
    EXPECT_NE(result.err.find("--workspace"), std::string::npos) << result.err;
    EXPECT_EQ(count_rows(database_.url(), "companies"), 0);
}

// `inmaek export` reads through a read-only snapshot: a write transaction left open by another
// connection (a server in the middle of a webhook) neither blocks it nor shows up in the file.
// Before, the export took SQLite's write lock and failed after the busy timeout.
TEST_P(Csv, ExportReadsBesideAnOpenWriteTransaction) {
    link(kTeamChat, "BD team");
    ASSERT_EQ(cli({"import", "companies", file("a.csv", kHubspotCompanies)}).exit_status, 0);
    const auto writer = test::open_session(database_.url());
    soci::transaction open_write{*writer};
    *writer << "UPDATE companies SET industry = 'Uncommitted' WHERE industry = 'Internet'";
    *writer << "INSERT INTO companies (workspace_id, name, name_key, created_at) SELECT "
               "workspace_id, 'Not yet', 'not yet', created_at FROM companies LIMIT 1";

    const auto started = std::chrono::steady_clock::now();
    const auto out = (dir_.path() / "companies.csv").string();
    const auto result = cli({"export", "companies", "--output", out});
    const auto took = std::chrono::steady_clock::now() - started;
    open_write.rollback();
    ASSERT_EQ(result.exit_status, 0) << result.err;
    EXPECT_LT(took, std::chrono::seconds{4}) << "the export waited for the writer";
    const auto text = read(out);
    EXPECT_NE(text.find(",카카오,,Internet,"), std::string::npos) << text;
    EXPECT_EQ(text.find("Uncommitted"), std::string::npos) << text;
    EXPECT_EQ(text.find("Not yet"), std::string::npos) << text;
}

TEST_P(Csv, ExportLinkServesOnlyTheAdminsWorkspaceWhileValid) {
    link(kTeamChat, "BD team");
    link(kOtherChat, "Other team");
    ASSERT_EQ(
        cli({"import", "companies", file("a.csv", kHubspotCompanies), "--workspace", "BD team"})
            .exit_status,
        0);
    ASSERT_EQ(cli({"import", "companies", file("b.csv", "Company name\nOther Corp\n"),
                   "--workspace", "Other team"})
                  .exit_status,
              0);
    server_ =
        launch_server(database_.url(), {{"INMAEK_SERVER_EXPORT_SECRET", kSecret}}, dir_.path());
    ASSERT_TRUE(wait_listening(*server_));

    // The first to speak in a workspace is its admin; the second is a member.
    const auto a_path = export_path(say(1, "/export companies", kMinji, kTeamChat));
    ASSERT_FALSE(a_path.empty());
    EXPECT_EQ(export_path(say(2, "/내보내기 회사", 42, kTeamChat)), "") << "a member gets no link";
    const auto b_path = export_path(say(3, "/export companies", 4242, kOtherChat));
    ASSERT_FALSE(b_path.empty());

    HttpClient client{server_->port()};
    const auto a = client.get(a_path);
    ASSERT_EQ(a.status, 200U) << a.body;
    EXPECT_EQ(a.header("content-type"), "text/csv; charset=utf-8");
    EXPECT_NE(a.header("content-disposition").find("attachment; filename=\"inmaek-companies-"),
              std::string::npos);
    EXPECT_TRUE(a.body.starts_with(std::string{kBom} + "id,name,aliases,industry,site,tier,note,"
                                                       "created_at\r\n"))
        << a.body;
    EXPECT_NE(a.body.find(",\"Samsung Electronics, Ltd.\",,Semiconductors,samsung.com,"),
              std::string::npos);
    EXPECT_EQ(a.body.find("Other Corp"), std::string::npos);
    const auto b = client.get(b_path);
    ASSERT_EQ(b.status, 200U);
    EXPECT_NE(b.body.find("Other Corp"), std::string::npos);
    EXPECT_EQ(b.body.find("카카오"), std::string::npos) << "B's admin reads none of A's data";

    // B's token pointed at A's workspace: the signature no longer fits.
    const auto a_id = workspace_id("BD team");
    auto forged = b_path;
    forged.replace(forged.find('/', 1) + 1, forged.find('.') - forged.find('/', 1) - 1,
                   std::to_string(a_id));
    const auto refused = client.get(forged);
    EXPECT_EQ(refused.status, 403U);
    EXPECT_EQ(refused.body.find("BD team"), std::string::npos);
    auto tampered = a_path;
    tampered.back() = tampered.back() == '0' ? '1' : '0';
    EXPECT_EQ(client.get(tampered).status, 403U);
    EXPECT_EQ(client.get("/exports/not-a-token").status, 403U);

    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    const auto expired = client.get("/exports/" + signed_token(a_id, "companies", now - 1));
    EXPECT_EQ(expired.status, 410U) << expired.body;
    EXPECT_EQ(expired.body.find("companies"), std::string::npos);
    EXPECT_EQ(client.get("/exports/" + signed_token(a_id, "companies", now + 600)).status, 200U)
        << "a token signed with the configured secret works";

    const auto log = server_->log();
    EXPECT_EQ(log.find(kSecret), std::string::npos) << "the secret is never logged";
    EXPECT_EQ(log.find(a_path.substr(a_path.rfind('.') + 1)), std::string::npos) << "nor a token";
    EXPECT_NE(log.find("target=/exports/…"), std::string::npos) << log;
}

}  // namespace
}  // namespace inmaek::e2e
