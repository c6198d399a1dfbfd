// CSV export and import: the RFC 4180 writer and reader (libcsv), the HubSpot mapping, the
// signed download links of /export, and import/export over real repositories on SQLite and
// PostgreSQL.
#include <date/tz.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "bot/export_file.hpp"
#include "bot/export_links.hpp"
#include "handlers/csv.hpp"
#include "handlers/csv_export.hpp"
#include "handlers/csv_import.hpp"
#include "storage/database.hpp"
#include "tests/support/postgres.hpp"

namespace {

using inmaek::bot::ExportGrant;
using inmaek::bot::ExportLinks;
using inmaek::bot::ExportTokenError;
using inmaek::handlers::CompanyDraft;
using inmaek::handlers::ContactDraft;
using inmaek::handlers::DealDraft;
using inmaek::handlers::ExportKind;
using inmaek::handlers::HubspotMapping;
using inmaek::handlers::ImportError;
using inmaek::handlers::ImportKind;
using inmaek::handlers::ImportLine;
using inmaek::handlers::ImportOptions;
using inmaek::handlers::ImportReport;
using inmaek::storage::Database;
using inmaek::storage::Id;
using inmaek::storage::Timestamp;
using inmaek::storage::UnitOfWork;
using inmaek::storage::Workspace;
using inmaek::test::FreshDatabase;
namespace csv = inmaek::handlers::csv;
using namespace std::chrono_literals;

constexpr Timestamp kMediaDay{std::chrono::sys_days{2025y / 2 / 4} + 2h};

using Rows = std::vector<std::vector<std::string>>;

std::string written(const std::vector<std::string>& fields) {
    std::ostringstream out;
    csv::write_row(out, fields);
    return out.str();
}

// --- writing ---------------------------------------------------------------------------------

TEST(CsvWriter, LeavesPlainFieldsAsTheyAreAndEndsRecordsWithCrLf) {
    EXPECT_EQ(written({"42", "카카오", "KakaoTalk × ChatGPT 연동", ""}),
              "42,카카오,KakaoTalk × ChatGPT 연동,\r\n");
}

TEST(CsvWriter, QuotesCommasQuotesNewlinesAndEdgeSpaces) {
    EXPECT_EQ(csv::quote("Samsung Electronics, Ltd."), "\"Samsung Electronics, Ltd.\"");
    EXPECT_EQ(csv::quote(R"(the "Builder Lab")"), R"("the ""Builder Lab""")");
    EXPECT_EQ(csv::quote("line one\nline two"), "\"line one\nline two\"");
    EXPECT_EQ(csv::quote("a\r\nb"), "\"a\r\nb\"");
    EXPECT_EQ(csv::quote(" padded "), "\" padded \"");
    EXPECT_EQ(csv::quote("플라자 호텔 22층"), "플라자 호텔 22층");
}

TEST(CsvWriter, WhatItWritesReadsBackUnchanged) {
    const std::vector<std::string> fields{"회의, 카카오", "\"quoted\"", "줄\n바꿈",
                                          " x ",          "",           "OpenAI"};
    const auto rows = csv::read_all(written(fields) + written({"2", "둘"}));
    ASSERT_EQ(rows.size(), 2U);
    EXPECT_EQ(rows[0], fields);
    EXPECT_EQ(rows[1], (std::vector<std::string>{"2", "둘"}));
}

// --- reading ---------------------------------------------------------------------------------

TEST(CsvReader, SkipsTheByteOrderMarkAndReadsKorean) {
    const auto rows = csv::read_all("\xEF\xBB\xBFname,industry\r\n카카오,플랫폼\r\n");
    ASSERT_EQ(rows.size(), 2U);
    EXPECT_EQ(rows[0][0], "name");  // not "\xEF\xBB\xBFname"
    EXPECT_EQ(rows[1], (std::vector<std::string>{"카카오", "플랫폼"}));
}

TEST(CsvReader, ReadsQuotedCommasDoubledQuotesAndNewlinesAcrossLines) {
    const auto rows =
        csv::read_all("a,b\n\"Samsung Electronics, Ltd.\",\"say \"\"hi\"\"\"\n\"multi\nline\",x\n");
    ASSERT_EQ(rows.size(), 3U);
    EXPECT_EQ(rows[1][0], "Samsung Electronics, Ltd.");
    EXPECT_EQ(rows[1][1], "say \"hi\"");
    EXPECT_EQ(rows[2][0], "multi\nline");
}

TEST(CsvReader, ReadsALastRecordWithoutNewlineAndSkipsEmptyLines) {
    const auto rows = csv::read_all("a,b\n\n1,2");
    ASSERT_EQ(rows.size(), 2U);
    EXPECT_EQ(rows[1], (std::vector<std::string>{"1", "2"}));
}

TEST(CsvReader, NumbersRowsAndReadsLargeInputInChunks) {
    std::string text = "name\n";
    for (int i = 0; i < 20000; ++i) text += "회사" + std::to_string(i) + "\n";
    std::istringstream in{text};
    std::int64_t last_row = 0;
    std::string last;
    csv::read(in, [&](csv::Record& record) {
        last_row = record.row;
        last = record.fields.at(0);
    });
    EXPECT_EQ(last_row, 20001);
    EXPECT_EQ(last, "회사19999");
}

TEST(CsvReader, RefusesAnOpenQuoteNamingTheRow) {
    try {
        csv::read_all("a,b\n1,2\n\"open,3\n");
        FAIL() << "no ParseError";
    } catch (const csv::ParseError& e) {
        EXPECT_NE(std::string{e.what()}.find("row 3"), std::string::npos) << e.what();
    }
    EXPECT_THROW(csv::read_all("a,b\nx\"y\"z,1\n"), csv::ParseError);
}

// --- HubSpot mapping -------------------------------------------------------------------------

TEST(HubspotMapping, MapsHubspotDealStagesByLabelAndIdAndKeepsInmaekStages) {
    using inmaek::handlers::stage_from_hubspot;
    EXPECT_EQ(stage_from_hubspot("Appointment Scheduled"), "meeting");
    EXPECT_EQ(stage_from_hubspot("qualifiedtobuy"), "contacted");
    EXPECT_EQ(stage_from_hubspot("Presentation Scheduled"), "proposal");
    EXPECT_EQ(stage_from_hubspot("Decision Maker Bought-In"), "negotiation");
    EXPECT_EQ(stage_from_hubspot("Contract Sent"), "negotiation");
    EXPECT_EQ(stage_from_hubspot("Closed Won"), "signed");
    EXPECT_EQ(stage_from_hubspot("closedlost"), "dropped");
    EXPECT_EQ(stage_from_hubspot("협상"), "negotiation");
    EXPECT_EQ(stage_from_hubspot("Negotiating with aliens"), std::nullopt);
}

TEST(HubspotMapping, ReadsACompanyRowByHubspotHeaders) {
    const HubspotMapping mapping{
        ImportKind::companies,
        {"Record ID", "Company name", "Company Domain Name", "Industry", "Description"}};
    const auto mapped = mapping.map({"1", " 카카오 ", "kakaocorp.com", "Internet", "메신저"});
    ASSERT_TRUE(mapped.draft) << mapped.reason;
    const auto& d = std::get<CompanyDraft>(*mapped.draft);
    EXPECT_EQ(d.name, "카카오");
    EXPECT_EQ(d.site, "kakaocorp.com");
    EXPECT_EQ(d.industry, "Internet");
    EXPECT_EQ(d.note, "메신저");
    EXPECT_EQ(mapping.map({"2", "", "x.com", "", ""}).reason, "no company name");
}

TEST(HubspotMapping, JoinsNamesKoreanFamilyNameFirstAndChecksEmail) {
    const HubspotMapping mapping{
        ImportKind::contacts,
        {"First Name", "Last Name", "Email", "Job Title", "Associated Company"}};
    auto mapped = mapping.map({"Sam", "Altman", "sam@openai.com", "CEO", "OpenAI"});
    ASSERT_TRUE(mapped.draft) << mapped.reason;
    EXPECT_EQ(std::get<ContactDraft>(*mapped.draft).name, "Sam Altman");
    EXPECT_EQ(std::get<ContactDraft>(*mapped.draft).company, "OpenAI");
    mapped = mapping.map({"민지", "김", "", "", "카카오"});
    ASSERT_TRUE(mapped.draft);
    EXPECT_EQ(std::get<ContactDraft>(*mapped.draft).name, "김민지");
    EXPECT_EQ(mapping.map({"Kevin", "Weil", "kevin at openai", "", ""}).reason,
              "'kevin at openai' is not an e-mail address");
    EXPECT_EQ(mapping.map({"", "", "x@y.com", "", ""}).reason, "no name");
}

TEST(HubspotMapping, ReadsDealsWithStageAmountCurrencyAndCloseDate) {
    const HubspotMapping mapping{ImportKind::deals,
                                 {"Deal Name", "Deal Stage", "Amount", "Currency", "Close Date",
                                  "Associated Company", "Deal owner"}};
    auto mapped = mapping.map({"KakaoTalk × ChatGPT", "Contract Sent", "5000000000.00", "",
                               "2025-03-31 00:00", "카카오", "Minji Kim"});
    ASSERT_TRUE(mapped.draft) << mapped.reason;
    const auto d = std::get<DealDraft>(*mapped.draft);
    EXPECT_EQ(d.stage, "negotiation");
    EXPECT_EQ(d.value, (inmaek::storage::Money{5'000'000'000, "KRW"}));
    EXPECT_EQ(d.due, inmaek::storage::Day{2025y / 3 / 31});
    EXPECT_EQ(d.owner, "Minji Kim");
    mapped = mapping.map({"Chips", "closedwon", "2000000", "USD", "3/31/2025", "SK", ""});
    ASSERT_TRUE(mapped.draft) << mapped.reason;
    EXPECT_EQ(std::get<DealDraft>(*mapped.draft).value,
              (inmaek::storage::Money{200'000'000, "USD"}));
    EXPECT_EQ(mapping.map({"X", "Haggling", "", "", "", "SK", ""}).reason,
              "unknown deal stage 'Haggling'");
    EXPECT_EQ(mapping.map({"X", "", "lots", "", "", "SK", ""}).reason,
              "cannot read the amount 'lots'");
    EXPECT_EQ(mapping.map({"X", "", "", "", "someday", "SK", ""}).reason,
              "cannot read the close date 'someday'");
    EXPECT_EQ(mapping.map({"X", "", "", "", "", "", ""}).reason, "no associated company");
}

TEST(HubspotMapping, RefusesAHeaderWithoutTheNeededColumns) {
    EXPECT_THROW((HubspotMapping{ImportKind::companies, {"Industry"}}), ImportError);
    EXPECT_THROW((HubspotMapping{ImportKind::deals, {"Deal Name", "Amount"}}), ImportError);
}

TEST(HubspotMapping, RejectsTextThatIsNotUtf8) {
    const HubspotMapping mapping{ImportKind::companies, {"Company name"}};
    EXPECT_EQ(mapping.map({"\xC4\xAB\xC4"}).reason, "not UTF-8 text (save the file as CSV UTF-8)");
}

// --- signed links ----------------------------------------------------------------------------

TEST(ExportLinks, LinkCarriesAVerifiableGrantUntilItExpires) {
    const ExportLinks links{"s3cret", "https://crm.example.com/", 15min};
    const auto link = links.link(7, "leads", kMediaDay);
    ASSERT_TRUE(link.starts_with("https://crm.example.com/exports/7.leads.")) << link;
    const auto token = link.substr(link.find("/exports/") + 9);
    const auto grant = links.check(token, kMediaDay + 14min);
    ASSERT_TRUE(std::holds_alternative<ExportGrant>(grant));
    EXPECT_EQ(std::get<ExportGrant>(grant).workspace_id, 7);
    EXPECT_EQ(std::get<ExportGrant>(grant).kind, "leads");
    EXPECT_EQ(std::get<ExportTokenError>(links.check(token, kMediaDay + 15min)),
              ExportTokenError::expired);
}

TEST(ExportLinks, TamperedTruncatedOrForeignTokensAreInvalid) {
    const ExportLinks links{"s3cret", "http://127.0.0.1:8080", 15min};
    const auto token = links.token(ExportGrant{7, "leads", kMediaDay + 15min});
    const auto invalid = [&](const std::string& t) {
        const auto checked = links.check(t, kMediaDay);
        return std::holds_alternative<ExportTokenError>(checked) &&
               std::get<ExportTokenError>(checked) == ExportTokenError::invalid;
    };
    auto other_workspace = token;
    other_workspace[0] = '8';
    EXPECT_TRUE(invalid(other_workspace));
    auto later = links.token(ExportGrant{7, "leads", kMediaDay + 1000min});
    EXPECT_TRUE(invalid(token.substr(0, token.rfind('.')) + later.substr(later.rfind('.'))));
    EXPECT_TRUE(invalid(token.substr(0, token.size() - 1)));
    EXPECT_TRUE(invalid(""));
    EXPECT_TRUE(invalid("7.leads.1.2.3"));
    const ExportLinks other{"another secret", "http://x", 15min};
    EXPECT_TRUE(invalid(other.token(ExportGrant{7, "leads", kMediaDay + 15min})));
}

TEST(ExportLinks, GeneratedSecretsAreLongAndDiffer) {
    const auto a = ExportLinks::generate_secret();
    EXPECT_EQ(a.size(), 64U);
    EXPECT_NE(a, ExportLinks::generate_secret());
}

// --- over real repositories on both backends -------------------------------------------------

class CsvStorage : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        inmaek::storage::DatabaseOptions options;
        options.url = fresh_.url();
        options.pool_size = 2;
        db_ = std::make_unique<Database>(options);
        db_->migrate();
        workspace_ = create_workspace("BD team");
    }

    Id create_workspace(const std::string& name) {
        return db_->transact([&](UnitOfWork& work) {
            return work.workspaces().create(Workspace{.name = name, .created_at = kMediaDay}).id;
        });
    }

    ImportReport import(ImportKind kind, const std::string& text, bool dry_run = false,
                        Id workspace = 0) {
        std::istringstream in{text};
        ImportOptions options;
        options.kind = kind;
        options.workspace_id = workspace != 0 ? workspace : workspace_;
        options.now = kMediaDay;
        options.dry_run = dry_run;
        options.batch = 2;  // several transactions even for small files
        return inmaek::handlers::run_import(in, options,
                                            [&](const auto& fn) { db_->transact(fn); });
    }

    Rows exported(ExportKind kind, Id workspace = 0) {
        std::ostringstream out;
        db_->transact([&](UnitOfWork& work) {
            inmaek::handlers::write_export(work, workspace != 0 ? workspace : workspace_, kind,
                                           date::locate_zone("Asia/Seoul"), out, 2);
        });
        EXPECT_TRUE(out.str().starts_with(csv::kBom));
        return csv::read_all(out.str());
    }

    FreshDatabase fresh_{GetParam()};
    std::unique_ptr<Database> db_;
    Id workspace_ = 0;
};

INSTANTIATE_TEST_SUITE_P(Backends, CsvStorage, ::testing::ValuesIn(inmaek::test::backends()),
                         inmaek::test::backend_name);

constexpr auto kCompanies =
    "Record ID,Company name,Company Domain Name,Industry\n"
    "1,카카오,kakaocorp.com,Internet\n"
    "2,\"Samsung Electronics, Ltd.\",samsung.com,Semiconductors\n"
    "3,,nameless.com,\n"
    "4,kakao,,\n";

TEST_P(CsvStorage, DryRunReportsAndChangesNothing) {
    const auto report = import(ImportKind::companies, kCompanies, true);
    EXPECT_EQ(report.created, 3);  // "kakao" is not 카카오 without an alias
    EXPECT_EQ(report.merged, 0);
    EXPECT_EQ(report.rejected, 1);
    ASSERT_EQ(report.lines.size(), 4U);
    EXPECT_EQ(report.lines[2].row, 4);
    EXPECT_EQ(report.lines[2].action, ImportLine::Action::reject);
    EXPECT_EQ(report.lines[2].detail, "no company name");
    EXPECT_EQ(exported(ExportKind::companies).size(), 1U);  // the header only
}

TEST_P(CsvStorage, ImportMergesIntoExistingCompaniesByAliasAndRunsTwiceWithoutDuplicates) {
    db_->transact([&](UnitOfWork& work) {
        inmaek::storage::Company kakao;
        kakao.workspace_id = workspace_;
        kakao.name = "카카오";
        kakao.name_key = "카카오";
        kakao.created_at = kMediaDay;
        const auto stored = work.companies().create(kakao);
        work.companies().add_alias(workspace_, stored.id, "Kakao", "kakao");
    });
    auto report = import(ImportKind::companies, kCompanies);
    EXPECT_EQ(report.created, 1);  // Samsung
    EXPECT_EQ(report.merged, 2);   // 카카오 by name, kakao by alias
    EXPECT_EQ(report.rejected, 1);
    report = import(ImportKind::companies, kCompanies);
    EXPECT_EQ(report.created, 0);
    EXPECT_EQ(report.merged, 3);

    const auto rows = exported(ExportKind::companies);
    ASSERT_EQ(rows.size(), 3U);
    EXPECT_EQ(rows[0], (std::vector<std::string>{"id", "name", "aliases", "industry", "site",
                                                 "tier", "note", "created_at"}));
    EXPECT_EQ(rows[1][1], "카카오");
    EXPECT_EQ(rows[1][2], "Kakao");
    EXPECT_EQ(rows[1][3], "Internet");  // filled in: it was empty
    EXPECT_EQ(rows[1][4], "kakaocorp.com");
    EXPECT_EQ(rows[2][1], "Samsung Electronics, Ltd.");
    EXPECT_EQ(rows[2][7], "2025-02-04T11:00:00+09:00");
}

TEST_P(CsvStorage, ContactsAndDealsImportWithTheirCompaniesAndExport) {
    const auto contacts = import(ImportKind::contacts,
                                 "First Name,Last Name,Email,Job Title,Company Name\n"
                                 "Sam,Altman,sam@openai.com,CEO,OpenAI\n"
                                 "Kevin,Weil,kevin@openai.com,CPO,openai\n"
                                 "민지,김,,,\"카카오\"\n");
    EXPECT_EQ(contacts.created, 3);
    EXPECT_EQ(contacts.rejected, 0);
    const auto deals =
        import(ImportKind::deals,
               "Deal Name,Deal Stage,Amount,Close Date,Associated Company,Deal owner\n"
               "\"KakaoTalk × ChatGPT, 연동\",Contract Sent,5000000000,2025-03-31,카카오,Nobody\n"
               "Builder Lab,Closed Won,,,OpenAI,\n"
               "Broken,Haggling,,,OpenAI,\n");
    EXPECT_EQ(deals.created, 2);
    EXPECT_EQ(deals.rejected, 1);
    EXPECT_EQ(deals.lines[2].row, 4);
    EXPECT_NE(deals.lines[0].detail.find("owner 'Nobody' is not on the team"), std::string::npos);
    EXPECT_EQ(import(ImportKind::deals,
                     "Deal Name,Associated Company\n\"KakaoTalk × ChatGPT, 연동\",Kakao\n"
                     "\"KakaoTalk × ChatGPT, 연동\",카카오\n")
                  .merged,
              1);  // "Kakao" is not known as 카카오 here: a new company and lead for it

    const auto contact_rows = exported(ExportKind::contacts);
    ASSERT_EQ(contact_rows.size(), 4U);
    EXPECT_EQ(contact_rows[1][1], "Sam Altman");
    EXPECT_EQ(contact_rows[1][3], "OpenAI");
    EXPECT_EQ(contact_rows[2][3], "OpenAI");  // "openai" found the same company
    EXPECT_EQ(contact_rows[3][1], "김민지");
    const auto lead_rows = exported(ExportKind::leads);
    ASSERT_EQ(lead_rows.size(), 4U);
    EXPECT_EQ(lead_rows[1][1], "KakaoTalk × ChatGPT, 연동");
    EXPECT_EQ(lead_rows[1][2], "negotiation");
    EXPECT_EQ(lead_rows[1][3], "5000000000");
    EXPECT_EQ(lead_rows[1][4], "KRW");
    EXPECT_EQ(lead_rows[1][5], "카카오");
    EXPECT_EQ(lead_rows[1][7], "2025-03-31");
    EXPECT_EQ(lead_rows[2][2], "signed");
}

TEST_P(CsvStorage, ExportReadsOnlyItsWorkspace) {
    const auto other = create_workspace("Other team");
    import(ImportKind::companies, "Company name\nOther Corp\n", false, other);
    import(ImportKind::companies, "Company name\n카카오\n");
    const auto mine = exported(ExportKind::companies);
    ASSERT_EQ(mine.size(), 2U);
    EXPECT_EQ(mine[1][1], "카카오");
    const auto theirs = exported(ExportKind::companies, other);
    ASSERT_EQ(theirs.size(), 2U);
    EXPECT_EQ(theirs[1][1], "Other Corp");
}

TEST_P(CsvStorage, ExportFileComesFromASnapshotAndIsRemovedWithItsObject) {
    import(ImportKind::companies, "Company name\n카카오\n");
    std::filesystem::path path;
    {
        auto file = inmaek::bot::ExportFile::write(*db_, workspace_, ExportKind::companies);
        ASSERT_TRUE(file);
        path = file->path();
        EXPECT_EQ(file->rows(), 1);
        EXPECT_EQ(file->size(), std::filesystem::file_size(path));
        EXPECT_TRUE(file->name().starts_with("inmaek-companies-")) << file->name();
        EXPECT_TRUE(file->name().ends_with(".csv")) << file->name();
        EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::others_read,
                  std::filesystem::perms::none);
        std::ifstream in{path, std::ios::binary};
        const std::string text{std::istreambuf_iterator<char>{in}, {}};
        const auto rows = csv::read_all(text);
        ASSERT_EQ(rows.size(), 2U);
        EXPECT_EQ(rows[1][1], "카카오");
    }
    EXPECT_FALSE(std::filesystem::exists(path)) << "the temporary file outlived its object";
    EXPECT_FALSE(inmaek::bot::ExportFile::write(*db_, workspace_ + 1000, ExportKind::leads))
        << "no file for a workspace that does not exist";
}

TEST_P(CsvStorage, MeetingsExportWithCompanyAndContactNames) {
    import(ImportKind::contacts, "Name,Company\n샘 알트먼,OpenAI\n");
    db_->transact([&](UnitOfWork& work) {
        const auto openai = *work.companies().find_by_key(workspace_, "openai");
        const auto sam = work.contacts().page(workspace_, 0, 10).at(0);
        inmaek::storage::Meeting meeting;
        meeting.workspace_id = workspace_;
        meeting.starts_at = kMediaDay;
        meeting.has_time = true;
        meeting.place = "The Plaza, 22F";
        meeting.notes = "카카오톡×ChatGPT 연동 논의\n\"MOU\" 초안";
        meeting.company_ids = {openai.id};
        meeting.contact_ids = {sam.id};
        meeting.created_at = kMediaDay;
        work.meetings().create(meeting);
    });
    const auto rows = exported(ExportKind::meetings);
    ASSERT_EQ(rows.size(), 2U);
    EXPECT_EQ(rows[1][1], "2025-02-04T11:00:00+09:00");
    EXPECT_EQ(rows[1][2], "OpenAI");
    EXPECT_EQ(rows[1][3], "샘 알트먼");
    EXPECT_EQ(rows[1][4], "The Plaza, 22F");
    EXPECT_EQ(rows[1][5], "카카오톡×ChatGPT 연동 논의\n\"MOU\" 초안");
}

TEST_P(CsvStorage, ServerSecretIsStoredOnceAndSharedByEveryone) {
    const auto first = db_->transact([](UnitOfWork& work) {
        return work.secrets().get_or_store("export_links", "a", kMediaDay);
    });
    const auto second = db_->transact([](UnitOfWork& work) {
        return work.secrets().get_or_store("export_links", "b", kMediaDay);
    });
    EXPECT_EQ(first, "a");
    EXPECT_EQ(second, "a");
}

}  // namespace
