#pragma once

// Reading platform payloads with Boost.JSON without exceptions: a missing member, or one of the
// wrong type, reads as absent.

#include <boost/json/value.hpp>

#include <string>
#include <string_view>

namespace inmaek::bot::platforms {

/// A member of an object, or nullptr when absent (or when `object` is not an object).
inline const boost::json::value* member(const boost::json::value* object, std::string_view key) {
    if (object == nullptr) return nullptr;
    const auto* fields = object->if_object();
    return fields == nullptr ? nullptr : fields->if_contains(key);
}

/// A string member's text, "" when absent or not a string.
inline std::string string_member(const boost::json::value* object, std::string_view key) {
    const auto* value = member(object, key);
    const auto* text = value == nullptr ? nullptr : value->if_string();
    return text == nullptr ? std::string{} : std::string(text->data(), text->size());
}

}  // namespace inmaek::bot::platforms
