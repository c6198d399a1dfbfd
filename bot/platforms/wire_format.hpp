#pragma once

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// Small readers and writers of what the platforms send and expect, shared by the adapters.

namespace inmaek::bot::platforms {

/// A member of a JSON object, or nullptr when absent (or when `object` is null or not an object).
const boost::json::value* member(const boost::json::value* object, std::string_view key);

/// A JSON integer that fits in int64, or nullopt (absent, null, not an integer, too big).
std::optional<std::int64_t> int_value(const boost::json::value* value);

/// A string member, or "" when absent or not a string.
std::string string_member(const boost::json::value* object, std::string_view key);

/// `&`, `<` and `>` as `&amp;`, `&lt;`, `&gt;`: Telegram HTML text and Slack mrkdwn.
std::string escape_markup(std::string_view text);

/// The reverse of escape_markup (Slack escapes these three in the text it sends).
std::string unescape_markup(std::string_view text);

/// One name or value of an application/x-www-form-urlencoded body: '+' is a space, %XX a byte.
/// nullopt for a '%' not followed by two hex digits.
std::optional<std::string> form_decode(std::string_view text);

/// The fields of an application/x-www-form-urlencoded body in order (a field without '=' has an
/// empty value; empty fields between '&' are skipped); nullopt when an escape is malformed.
std::optional<std::vector<std::pair<std::string, std::string>>> parse_form(std::string_view body);

/// The value of the first field named `name`, or "" when there is none.
std::string form_field(const std::vector<std::pair<std::string, std::string>>& fields,
                       std::string_view name);

}  // namespace inmaek::bot::platforms
