#include "bot/multipart.hpp"

#include <fmt/format.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <stdexcept>

namespace inmaek::bot {

namespace {

constexpr std::string_view kCrlf = "\r\n";
constexpr int kBoundaryDraws = 8;

/// A name or file name inside a quoted header parameter: RFC 7578 §4.2 leaves escaping to
/// percent-encoding of the quote and line breaks, as browsers do.
std::string parameter_value(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '"': out += "%22"; break;
            case '\r': out += "%0D"; break;
            case '\n': out += "%0A"; break;
            default: out += c;
        }
    }
    return out;
}

}  // namespace

MultipartForm& MultipartForm::field(std::string name, std::string value, std::string content_type) {
    parts_.push_back(Part{.name = std::move(name),
                          .value = std::move(value),
                          .content_type = std::move(content_type)});
    return *this;
}

MultipartForm& MultipartForm::file(std::string name, std::string filename,
                                   std::filesystem::path path, std::uint64_t size,
                                   std::string content_type) {
    parts_.push_back(Part{.name = std::move(name),
                          .content_type = std::move(content_type),
                          .filename = std::move(filename),
                          .path = std::move(path),
                          .size = size,
                          .is_file = true});
    return *this;
}

std::string MultipartForm::random_boundary() {
    std::array<unsigned char, 24> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
        throw std::runtime_error("OpenSSL RAND_bytes failed");
    }
    std::string boundary = "inmaek-";
    for (const auto byte : bytes) boundary += fmt::format("{:02x}", byte);
    return boundary;
}

MultipartForm::Built MultipartForm::build(const std::function<std::string()>& next_boundary) const {
    const std::function<std::string()> draw =
        next_boundary ? next_boundary : std::function<std::string()>{&random_boundary};
    std::string boundary;
    for (int i = 0;; ++i) {
        if (i == kBoundaryDraws) throw std::runtime_error("no multipart boundary fits the body");
        boundary = draw();
        const auto in_part = [&](const Part& part) {
            const auto has = [&](std::string_view text) {
                return text.find(boundary) != std::string_view::npos;
            };
            return has(part.name) || has(part.value) || has(part.filename) ||
                   (part.is_file && file_contains(part.path, boundary));
        };
        if (!boundary.empty() && std::none_of(parts_.begin(), parts_.end(), in_part)) break;
    }

    Built built;
    built.content_type = "multipart/form-data; boundary=" + boundary;
    // Text before the file part goes into the head, the rest into the tail.
    std::string* out = &built.body.head;
    for (const auto& part : parts_) {
        *out += fmt::format("--{}{}Content-Disposition: form-data; name=\"{}\"", boundary, kCrlf,
                            parameter_value(part.name));
        if (part.is_file) *out += fmt::format("; filename=\"{}\"", parameter_value(part.filename));
        *out += kCrlf;
        if (!part.content_type.empty()) {
            *out += fmt::format("Content-Type: {}{}", part.content_type, kCrlf);
        }
        *out += kCrlf;
        if (part.is_file) {
            built.body.file = part.path;
            built.body.file_size = part.size;
            out = &built.body.tail;
        } else {
            *out += part.value;
        }
        *out += kCrlf;
    }
    *out += fmt::format("--{}--{}", boundary, kCrlf);
    return built;
}

bool file_contains(const std::filesystem::path& path, std::string_view needle) {
    std::ifstream in{path, std::ios::binary};
    if (!in) throw std::runtime_error("cannot read " + path.filename().string());
    if (needle.empty()) return true;
    // Each read keeps the last needle.size() - 1 bytes of the one before: a match across two
    // chunks is found too.
    constexpr std::size_t kChunk = std::size_t{64} * 1024;
    std::string window;
    std::array<char, kChunk> chunk{};
    while (in) {
        in.read(chunk.data(), chunk.size());
        const auto got = static_cast<std::size_t>(in.gcount());
        if (got == 0) break;
        window.append(chunk.data(), got);
        if (window.find(needle) != std::string::npos) return true;
        window.erase(0, window.size() - std::min(window.size(), needle.size() - 1));
    }
    if (in.bad()) throw std::runtime_error("cannot read " + path.filename().string());
    return false;
}

}  // namespace inmaek::bot
