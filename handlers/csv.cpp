#include "handlers/csv.hpp"

#include <csv.h>
#include <fmt/format.h>

#include <array>
#include <istream>
#include <memory>
#include <ostream>
#include <sstream>

namespace inmaek::handlers::csv {

namespace {

bool needs_quotes(std::string_view field) {
    if (field.empty()) return false;
    if (field.find_first_of(",\"\r\n") != std::string_view::npos) return true;
    // libcsv and Excel trim unquoted white space at the ends; quotes keep it.
    const auto is_blank = [](char c) { return c == ' ' || c == '\t'; };
    return is_blank(field.front()) || is_blank(field.back());
}

/// libcsv's callbacks collect into this.
struct Collector {
    const std::function<void(Record&)>* on_record = nullptr;
    Record current;
    std::int64_t rows = 0;
    std::int64_t bytes_read = 0;
};

void on_field(void* data, std::size_t size, void* collector) {
    auto& c = *static_cast<Collector*>(collector);
    c.current.fields.emplace_back(static_cast<const char*>(data), size);
}

void on_record_end(int /*terminator*/, void* collector) {
    auto& c = *static_cast<Collector*>(collector);
    c.current.row = ++c.rows;
    c.current.bytes_read = c.bytes_read;
    (*c.on_record)(c.current);
    c.current.fields.clear();
}

struct ParserDeleter {
    void operator()(csv_parser* parser) const {
        csv_free(parser);
        delete parser;  // NOLINT(cppcoreguidelines-owning-memory): paired with the new below
    }
};

}  // namespace

std::string quote(std::string_view field) {
    if (!needs_quotes(field)) return std::string{field};
    std::string quoted;
    quoted.reserve(field.size() + 2);
    quoted += '"';
    for (const char c : field) {
        if (c == '"') quoted += '"';
        quoted += c;
    }
    quoted += '"';
    return quoted;
}

void write_row(std::ostream& out, std::span<const std::string> fields) {
    bool first = true;
    for (const auto& field : fields) {
        if (!first) out << ',';
        first = false;
        if (needs_quotes(field)) {
            out << quote(field);
        } else {
            out << field;
        }
    }
    out << "\r\n";
}

void read(std::istream& in, const std::function<void(Record&)>& on_record) {
    std::unique_ptr<csv_parser, ParserDeleter> parser{new csv_parser};
    // Strict: a quote inside an unquoted field, or text after a closing quote, is an error
    // rather than guessed at.
    if (csv_init(parser.get(), CSV_STRICT | CSV_STRICT_FINI) != 0) {
        throw std::runtime_error("csv: out of memory");
    }
    Collector collector;
    collector.on_record = &on_record;
    constexpr std::size_t kChunk = std::size_t{64} * 1024;
    std::array<char, kChunk> buffer{};
    bool start = true;
    const auto fail = [&] {
        throw ParseError(fmt::format(
            "row {}: not valid CSV ({}): a quote is left open or stands inside an unquoted field",
            collector.rows + 1, csv_strerror(csv_error(parser.get()))));
    };
    while (in) {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        auto size = static_cast<std::size_t>(in.gcount());
        if (size == 0) break;
        const char* data = buffer.data();
        if (start) {
            start = false;
            if (std::string_view{data, size}.starts_with(kBom)) {
                data += kBom.size();
                size -= kBom.size();
            }
        }
        collector.bytes_read += static_cast<std::int64_t>(in.gcount());
        if (csv_parse(parser.get(), data, size, on_field, on_record_end, &collector) != size) {
            fail();
        }
    }
    if (csv_fini(parser.get(), on_field, on_record_end, &collector) != 0) fail();
}

std::vector<std::vector<std::string>> read_all(std::string_view text) {
    std::istringstream in{std::string{text}};
    std::vector<std::vector<std::string>> records;
    read(in, [&](Record& record) { records.push_back(record.fields); });
    return records;
}

}  // namespace inmaek::handlers::csv
