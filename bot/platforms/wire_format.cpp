#include "bot/platforms/wire_format.hpp"

#include <boost/json/object.hpp>

namespace inmaek::bot::platforms {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

const boost::json::value* member(const boost::json::value* object, std::string_view key) {
    if (object == nullptr) return nullptr;
    const auto* fields = object->if_object();
    return fields == nullptr ? nullptr : fields->if_contains(key);
}

std::optional<std::int64_t> int_value(const boost::json::value* value) {
    if (value == nullptr) return std::nullopt;
    if (const auto* number = value->if_int64()) return *number;
    if (const auto* number = value->if_uint64()) {
        if (*number <= static_cast<std::uint64_t>(INT64_MAX)) {
            return static_cast<std::int64_t>(*number);
        }
    }
    return std::nullopt;
}

std::string string_member(const boost::json::value* object, std::string_view key) {
    const auto* value = member(object, key);
    const auto* text = value == nullptr ? nullptr : value->if_string();
    return text == nullptr ? std::string{} : std::string(text->data(), text->size());
}

std::string escape_markup(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 16);
    for (const char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string unescape_markup(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    while (!text.empty()) {
        if (text.starts_with("&amp;")) {
            out += '&';
            text.remove_prefix(5);
        } else if (text.starts_with("&lt;")) {
            out += '<';
            text.remove_prefix(4);
        } else if (text.starts_with("&gt;")) {
            out += '>';
            text.remove_prefix(4);
        } else {
            out += text.front();
            text.remove_prefix(1);
        }
    }
    return out;
}

std::optional<std::string> form_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '+') {
            out += ' ';
        } else if (c == '%') {
            if (i + 2 >= text.size()) return std::nullopt;
            const int high = hex_value(text[i + 1]);
            const int low = hex_value(text[i + 2]);
            if (high < 0 || low < 0) return std::nullopt;
            out += static_cast<char>((high << 4) | low);
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

std::optional<std::vector<std::pair<std::string, std::string>>> parse_form(std::string_view body) {
    std::vector<std::pair<std::string, std::string>> fields;
    while (!body.empty()) {
        const auto end = body.find('&');
        const auto field = body.substr(0, end);
        body = end == std::string_view::npos ? std::string_view{} : body.substr(end + 1);
        if (field.empty()) continue;
        const auto equals = field.find('=');
        auto name = form_decode(field.substr(0, equals));
        auto value = form_decode(equals == std::string_view::npos ? std::string_view{}
                                                                  : field.substr(equals + 1));
        if (!name || !value) return std::nullopt;
        fields.emplace_back(std::move(*name), std::move(*value));
    }
    return fields;
}

std::string form_field(const std::vector<std::pair<std::string, std::string>>& fields,
                       std::string_view name) {
    for (const auto& [key, value] : fields) {
        if (key == name) return value;
    }
    return {};
}

}  // namespace inmaek::bot::platforms
