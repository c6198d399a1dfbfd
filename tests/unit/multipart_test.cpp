// The multipart/form-data writer of the platforms' file uploads: its layout byte for byte, a
// boundary that never occurs in what it frames (the file is scanned, across chunk edges), and the
// file streamed through the real HTTP client to a local recorder that reads it back whole.
#include "bot/multipart.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "bot/http_client.hpp"
#include "tests/support/api_recorder.hpp"
#include "tests/support/multipart_reader.hpp"
#include "tests/support/postgres.hpp"

namespace {

using inmaek::bot::file_contains;
using inmaek::bot::MultipartForm;
using inmaek::test::TempDir;
using namespace std::chrono_literals;

constexpr std::string_view kCsv =
    "\xEF\xBB\xBFid,name\r\n1,카카오\r\n2,\"Samsung Electronics, Ltd.\"\r\n";

std::filesystem::path write(const TempDir& dir, const std::string& name, std::string_view text) {
    const auto path = dir.path() / name;
    std::ofstream{path, std::ios::binary} << text;
    return path;
}

std::string whole_body(const inmaek::bot::FileBody& body) {
    std::ifstream in{body.file, std::ios::binary};
    const std::string file{std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
    return body.head + file + body.tail;
}

TEST(MultipartForm, LaysOutFieldsAroundTheStreamedFile) {
    TempDir dir;
    const auto csv = write(dir, "leads.csv", kCsv);
    const auto built =
        MultipartForm{}
            .field("chat_id", "-1001234567890")
            .file("document", "inmaek-leads-2025-02-04.csv", csv, kCsv.size(), "text/csv")
            .field("caption", "Leads (CSV) · inmaek")
            .build([] { return std::string{"BOUNDARY"}; });
    EXPECT_EQ(built.content_type, "multipart/form-data; boundary=BOUNDARY");
    EXPECT_EQ(built.body.head,
              "--BOUNDARY\r\nContent-Disposition: form-data; name=\"chat_id\"\r\n\r\n"
              "-1001234567890\r\n"
              "--BOUNDARY\r\nContent-Disposition: form-data; name=\"document\"; "
              "filename=\"inmaek-leads-2025-02-04.csv\"\r\nContent-Type: text/csv\r\n\r\n");
    EXPECT_EQ(built.body.tail,
              "\r\n--BOUNDARY\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\n"
              "Leads (CSV) · inmaek\r\n--BOUNDARY--\r\n");
    EXPECT_EQ(built.body.file, csv);
    EXPECT_EQ(built.body.size(), built.body.head.size() + kCsv.size() + built.body.tail.size());

    const auto form = inmaek::test::read_multipart(built.content_type, whole_body(built.body));
    ASSERT_TRUE(form.error.empty()) << form.error;
    ASSERT_EQ(form.parts.size(), 3U);
    EXPECT_EQ(form.parts[1].filename, "inmaek-leads-2025-02-04.csv");
    EXPECT_EQ(form.parts[1].content_type, "text/csv");
    EXPECT_EQ(form.parts[1].data, kCsv);
    EXPECT_EQ(form.parts[2].data, "Leads (CSV) · inmaek");
}

TEST(MultipartForm, DrawsAnotherBoundaryWhileTheFileOrAFieldHoldsIt) {
    TempDir dir;
    const auto csv = write(dir, "trap.csv", "id,note\r\n1,see --AAAA inside\r\n");
    std::vector<std::string> draws{"AAAA", "CCCC", "BBBB"};
    std::size_t next = 0;
    const auto built =
        MultipartForm{}
            .field("caption", "CCCC in a field")
            .file("document", "trap.csv", csv, std::filesystem::file_size(csv), "text/csv")
            .build([&] { return draws.at(next++); });
    EXPECT_EQ(next, 3U) << "AAAA is in the file, CCCC in a field";
    EXPECT_EQ(built.content_type, "multipart/form-data; boundary=BBBB");
    const auto form = inmaek::test::read_multipart(built.content_type, whole_body(built.body));
    ASSERT_TRUE(form.error.empty()) << form.error;
    EXPECT_EQ(form.part("document")->data, "id,note\r\n1,see --AAAA inside\r\n");

    EXPECT_THROW((void)MultipartForm{}.field("a", "XX").build([] { return std::string{"XX"}; }),
                 std::runtime_error)
        << "a source that only gives boundaries found in the body is given up on";
}

TEST(MultipartForm, RandomBoundariesAreLongAndNeverRepeat) {
    std::set<std::string> seen;
    for (int i = 0; i < 100; ++i) {
        const auto boundary = MultipartForm::random_boundary();
        EXPECT_EQ(boundary.size(), 55U);  // "inmaek-" + 48 hex digits: within RFC 2046's 70
        EXPECT_EQ(boundary.find_first_not_of("inmaek-0123456789abcdef"), std::string::npos);
        EXPECT_TRUE(seen.insert(boundary).second);
    }
    const auto built = MultipartForm{}.field("a", "b").build();
    EXPECT_TRUE(built.content_type.starts_with("multipart/form-data; boundary=inmaek-"));
}

TEST(MultipartForm, QuotesAndLineBreaksInNamesArePercentEncoded) {
    TempDir dir;
    const auto path = write(dir, "x.csv", "x");
    const auto built =
        MultipartForm{}.file("files[0]", "a\"b\r\nc.csv", path, 1, "text/csv").build([] {
            return std::string{"B"};
        });
    EXPECT_NE(built.body.head.find("name=\"files[0]\"; filename=\"a%22b%0D%0Ac.csv\""),
              std::string::npos)
        << built.body.head;
}

TEST(MultipartForm, FileContainsFindsANeedleAcrossReadChunks) {
    TempDir dir;
    // The reader takes 64 KiB at a time: the needle straddles the first chunk's end.
    std::string text(64 * 1024 - 3, 'x');
    text += "NEEDLE";
    text += std::string(100, 'y');
    const auto path = write(dir, "big.csv", text);
    EXPECT_TRUE(file_contains(path, "NEEDLE"));
    EXPECT_FALSE(file_contains(path, "NEEDLES"));
    EXPECT_THROW((void)file_contains(dir.path() / "missing.csv", "x"), std::runtime_error);
}

TEST(MultipartForm, HttpClientStreamsTheFileWithItsLength) {
    TempDir dir;
    // A file over several write chunks, so the body is read from disk in parts.
    std::string rows{"\xEF\xBB\xBFid,name\r\n"};
    for (int i = 0; i < 20000; ++i)
        rows += std::to_string(i) + ",카카오 " + std::to_string(i) + "\r\n";
    const auto path = write(dir, "rows.csv", rows);
    auto built = MultipartForm{}
                     .field("chat_id", "42")
                     .file("document", "rows.csv", path, rows.size(), "text/csv")
                     .build();
    inmaek::test::ApiRecorder recorder;
    inmaek::bot::HttpClient client;
    inmaek::bot::ClientRequest request;
    request.method = inmaek::bot::http::verb::post;
    request.url = *inmaek::bot::parse_url(recorder.base_url() + "/bot1:x/sendDocument");
    request.headers.set(inmaek::bot::http::field::content_type, built.content_type);
    const auto length = built.body.size();
    request.file_body = std::move(built.body);
    const auto result = client.send(std::move(request));
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_EQ(result->result_int(), 200U);
    ASSERT_EQ(recorder.count(), 1U);
    const auto recorded = recorder.requests().front();
    EXPECT_EQ(recorded.headers.at("content-length"), std::to_string(length));
    const auto form =
        inmaek::test::read_multipart(recorded.headers.at("content-type"), recorded.body);
    ASSERT_TRUE(form.error.empty()) << form.error;
    ASSERT_NE(form.part("document"), nullptr);
    EXPECT_EQ(form.part("document")->data, rows);
    EXPECT_EQ(form.part("chat_id")->data, "42");
}

}  // namespace
