#include "storage/url.hpp"

#include <algorithm>
#include <regex>
#include <stdexcept>

namespace inmaek::storage {

Url parse_url(const std::string& url) {
    const auto separator = url.find("://");
    if (separator == std::string::npos || separator == 0) {
        // The connect string may hold a password: never echo it.
        throw std::invalid_argument(
            "database url must look like backend://connect-string, e.g. "
            "sqlite3://db=var/inmaek.db");
    }
    return Url{url.substr(0, separator), url.substr(separator + 3)};
}

ConnectParameters parse_connect_string(std::string_view text) {
    ConnectParameters pairs;
    if (text.find('=') == std::string_view::npos) {
        // SOCI's sqlite3 backend takes a bare connect string as the file name.
        pairs.emplace("db", std::string(text));
        return pairs;
    }
    std::size_t position = 0;
    while (position < text.size()) {
        while (position < text.size() && text[position] == ' ') {
            ++position;
        }
        const auto equals = text.find('=', position);
        if (equals == std::string_view::npos) {
            break;
        }
        std::string key(text.substr(position, equals - position));
        position = equals + 1;
        std::string value;
        if (position < text.size() && text[position] == '"') {
            const auto close = text.find('"', position + 1);
            const auto end = close == std::string_view::npos ? text.size() : close;
            value = text.substr(position + 1, end - position - 1);
            position = end + 1;
        } else {
            const auto end = std::min(text.find(' ', position), text.size());
            value = text.substr(position, end - position);
            position = end;
        }
        pairs.insert_or_assign(std::move(key), std::move(value));
    }
    return pairs;
}

std::string sqlite_file(const ConnectParameters& parameters) {
    auto db = parameters.find("db");
    if (db == parameters.end()) db = parameters.find("dbname");
    if (db == parameters.end() || db->second.empty()) {
        throw std::invalid_argument("sqlite3 database url names no file (db=...)");
    }
    return db->second;
}

std::string redact_database_url(std::string_view url) {
    static const std::regex kKeyword(R"((password\s*=\s*)('[^']*'|"[^"]*"|\S+))",
                                     std::regex::icase);
    static const std::regex kUserinfo(R"((://[^:/@\s]*:)[^@\s/]+@)");
    std::string out = std::regex_replace(std::string(url), kKeyword, "$1***");
    return std::regex_replace(out, kUserinfo, "$1***@");
}

}  // namespace inmaek::storage
