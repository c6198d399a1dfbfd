#include "storage/records.hpp"

namespace inmaek::storage {

std::string_view to_string(Role role) {
    switch (role) {
        case Role::member: return "member";
        case Role::manager: return "manager";
        case Role::admin: return "admin";
    }
    return "member";
}

std::optional<Role> role_from_string(std::string_view text) {
    if (text == "member") {
        return Role::member;
    }
    if (text == "manager") {
        return Role::manager;
    }
    if (text == "admin") {
        return Role::admin;
    }
    return std::nullopt;
}

}  // namespace inmaek::storage
