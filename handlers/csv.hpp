#pragma once

// CSV as RFC 4180 writes it: comma-separated fields, CRLF between records, a field quoted when it
// holds a comma, a quote, CR or LF (quotes doubled). Reading goes through libcsv (Debian's
// libcsv-dev), which handles quoted fields spanning lines.

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace inmaek::handlers::csv {

/// The UTF-8 byte order mark: without it Excel reads a CSV file in the system's code page and
/// shows Korean as mojibake.
inline constexpr std::string_view kBom = "\xEF\xBB\xBF";

/// One field as RFC 4180 writes it: quoted (quotes doubled) when it holds a comma, a quote, CR,
/// LF, or white space at either end; as it is otherwise.
std::string quote(std::string_view field);

/// Writes one record: the quoted fields joined by commas, then CRLF.
void write_row(std::ostream& out, std::span<const std::string> fields);

/// One record read from a file, with the row it is in (the first record, the header, is row 1).
struct Record {
    std::vector<std::string> fields;
    std::int64_t row = 0;
    std::int64_t bytes_read = 0;  ///< how much of the input was read when it was found
};

/// Input that is not CSV (a quote left open, a stray quote inside a field).
class ParseError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Reads every record of `in` in order (a UTF-8 byte order mark at the start is skipped, empty
/// lines are skipped), calling `on_record` for each without holding the file in memory. Throws
/// ParseError naming the row of malformed input.
void read(std::istream& in, const std::function<void(Record&)>& on_record);

/// The records of a text, for tests and small inputs.
std::vector<std::vector<std::string>> read_all(std::string_view text);

}  // namespace inmaek::handlers::csv
