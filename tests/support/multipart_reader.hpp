#pragma once
// A strict reader of multipart/form-data bodies (RFC 7578, RFC 2046 §5.1) for tests: what a
// recorded upload carried, or why it is not well formed.

#include <string>
#include <string_view>
#include <vector>

namespace inmaek::test {

struct FormPart {
    std::string name;
    std::string filename;      ///< empty for a text field
    std::string content_type;  ///< empty when the part names none
    std::string data;
};

struct FormData {
    std::vector<FormPart> parts;
    std::string error;  ///< why the body is not well formed; empty when it is

    /// The part called `name`; a test failure when there is none.
    [[nodiscard]] const FormPart* part(std::string_view name) const;
};

/// The parts of `body` sent with Content-Type `content_type` ("multipart/form-data;
/// boundary=…"). Well formed: the body starts with the first delimiter, every part has a
/// Content-Disposition form-data with a name, the closing delimiter ends the body (CRLF after
/// it allowed).
FormData read_multipart(std::string_view content_type, std::string_view body);

}  // namespace inmaek::test
