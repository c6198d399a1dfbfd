#pragma once

// multipart/form-data (RFC 7578) request bodies whose file part is streamed from disk: Telegram's
// sendDocument, Slack's upload URL and Discord's message attachments take files this way. Debian
// packages no multipart writer for Beast; this one is small enough to test whole.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace inmaek::bot {

/// A request body of a head, a file's bytes and a tail, in that order: the file is read from
/// disk while the request is written (SpliceBody), never held in memory whole.
struct FileBody {
    std::string head;
    std::filesystem::path file;
    std::uint64_t file_size = 0;
    std::string tail;

    /// Every byte of the body: head + file size + tail.
    [[nodiscard]] std::uint64_t size() const { return head.size() + file_size + tail.size(); }
};

/// A multipart/form-data body: text fields and one file part, in the order added.
class MultipartForm {
public:
    /// A text field; `content_type` ("application/json" for Discord's payload_json) is sent
    /// when not empty.
    MultipartForm& field(std::string name, std::string value, std::string content_type = {});
    /// The file part: field `name`, shown as `filename`, read from `path` (`size` bytes).
    MultipartForm& file(std::string name, std::string filename, std::filesystem::path path,
                        std::uint64_t size, std::string content_type);

    /// The body and its Content-Type ("multipart/form-data; boundary=…") with a random boundary
    /// that occurs in no field and not in the file (the file is scanned); a new one is drawn
    /// while it does. `next_boundary` replaces the random source (tests). Throws
    /// std::runtime_error when the file cannot be read or no boundary fits.
    struct Built {
        std::string content_type;
        FileBody body;
    };
    [[nodiscard]] Built build(const std::function<std::string()>& next_boundary = {}) const;

    /// 24 random bytes (OpenSSL) as 48 hex digits after "inmaek-".
    static std::string random_boundary();

private:
    struct Part {
        std::string name;
        std::string value;  // text fields
        std::string content_type;
        std::string filename;  // the file part
        std::filesystem::path path;
        std::uint64_t size = 0;
        bool is_file = false;
    };
    std::vector<Part> parts_;
};

/// True when `needle` occurs in the file at `path` (read in chunks). Throws std::runtime_error
/// when the file cannot be read.
bool file_contains(const std::filesystem::path& path, std::string_view needle);

}  // namespace inmaek::bot
