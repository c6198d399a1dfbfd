#pragma once

// Database URLs: SOCI's "backend://connect-string" and the key=value pairs of the connect
// string. A connect string may hold a password: nothing here echoes one.

#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace inmaek::storage {

/// A database URL split at "://": backend "sqlite3" or "postgresql", and SOCI's connect string.
struct Url {
    std::string backend;
    std::string connect;
};

/// The key=value pairs of a connect string.
using ConnectParameters = std::map<std::string, std::string, std::less<>>;

/// Splits a database URL; throws std::invalid_argument (without the URL) when it has no "://".
Url parse_url(const std::string& url);

/// The key=value pairs of a SOCI connect string; values may be "double quoted". A string with
/// no '=' is a bare SQLite file name and comes back as db=<text>.
ConnectParameters parse_connect_string(std::string_view text);

/// The database file of a sqlite3 connect string (db=, or dbname=); throws
/// std::invalid_argument when it names none.
std::string sqlite_file(const ConnectParameters& parameters);

/// The URL with any password (keyword `password=` or URI userinfo) shown as "***", for logs
/// and messages.
std::string redact_database_url(std::string_view url);

}  // namespace inmaek::storage
