#include "tests/support/multipart_reader.hpp"

#include <algorithm>
#include <cctype>

namespace inmaek::test {

namespace {

std::string lower(std::string_view text) {
    std::string out{text};
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

/// The value of `parameter="…"` in a header value, "" when absent.
std::string quoted_parameter(std::string_view value, std::string_view parameter) {
    const std::string key = "; " + std::string{parameter} + "=\"";
    const auto start = value.find(key);
    if (start == std::string_view::npos) return {};
    const auto from = start + key.size();
    const auto end = value.find('"', from);
    if (end == std::string_view::npos) return {};
    return std::string{value.substr(from, end - from)};
}

FormData failed(std::string why) {
    FormData data;
    data.error = std::move(why);
    return data;
}

}  // namespace

const FormPart* FormData::part(std::string_view name) const {
    for (const auto& p : parts) {
        if (p.name == name) return &p;
    }
    return nullptr;
}

FormData read_multipart(std::string_view content_type, std::string_view body) {
    constexpr std::string_view kType = "multipart/form-data; boundary=";
    if (!lower(content_type).starts_with(kType)) return failed("not multipart/form-data");
    const auto boundary = content_type.substr(kType.size());
    if (boundary.empty() || boundary.size() > 70) return failed("boundary of a wrong length");
    const std::string first = "--" + std::string{boundary} + "\r\n";
    const std::string delimiter = "\r\n--" + std::string{boundary};
    if (!body.starts_with(first)) return failed("the body does not start with the boundary");
    body.remove_prefix(first.size());
    FormData data;
    for (;;) {
        const auto end = body.find(delimiter);
        if (end == std::string_view::npos) return failed("a part is not closed by the boundary");
        auto part_text = body.substr(0, end);
        const auto blank = part_text.find("\r\n\r\n");
        if (blank == std::string_view::npos) return failed("a part without a blank line");
        FormPart part;
        auto headers = part_text.substr(0, blank);
        part.data = std::string{part_text.substr(blank + 4)};
        bool disposition = false;
        while (!headers.empty()) {
            const auto line_end = std::min(headers.find("\r\n"), headers.size());
            const auto line = headers.substr(0, line_end);
            headers.remove_prefix(std::min(line_end + 2, headers.size()));
            const auto colon = line.find(':');
            if (colon == std::string_view::npos) return failed("a part header without a colon");
            const auto name = lower(line.substr(0, colon));
            auto value = line.substr(colon + 1);
            while (value.starts_with(' ')) value.remove_prefix(1);
            if (name == "content-disposition") {
                if (!value.starts_with("form-data")) return failed("disposition is not form-data");
                part.name = quoted_parameter(value, "name");
                part.filename = quoted_parameter(value, "filename");
                disposition = true;
            } else if (name == "content-type") {
                part.content_type = std::string{value};
            }
        }
        if (!disposition || part.name.empty()) return failed("a part without a form-data name");
        data.parts.push_back(std::move(part));
        body.remove_prefix(end + delimiter.size());
        if (body.starts_with("--")) {
            body.remove_prefix(2);
            if (!body.empty() && body != "\r\n") return failed("bytes after the closing boundary");
            return data;
        }
        if (!body.starts_with("\r\n")) return failed("a boundary not followed by a line break");
        body.remove_prefix(2);
    }
}

}  // namespace inmaek::test
