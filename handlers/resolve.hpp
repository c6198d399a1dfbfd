#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "handlers/context.hpp"
#include "storage/records.hpp"

namespace inmaek::handlers {

/// A company or person found by name, or created because nobody knew it yet.
template <typename Record>
struct Resolved {
    Record record;
    bool created = false;
};

/// Finds a company by name or alias (folded key), creating it when unknown.
Resolved<storage::Company> resolve_company(Context& ctx, std::string_view name);
/// Finds a contact by name or alias, creating it (at `company_id`) when unknown.
Resolved<storage::Contact> resolve_contact(Context& ctx, std::string_view name,
                                           std::optional<storage::Id> company_id);
/// Each company once, in the order written (a name and its alias count once).
std::vector<Resolved<storage::Company>> resolve_companies(Context& ctx,
                                                          const std::vector<std::string>& names);
/// Each person once; new ones are created at `company_id`.
std::vector<Resolved<storage::Contact>> resolve_contacts(Context& ctx,
                                                         const std::vector<std::string>& names,
                                                         std::optional<storage::Id> company_id);
/// A team member by @handle or name; nullopt when nobody matches.
std::optional<storage::User> find_member(Context& ctx, std::string_view name);

/// "💡 Same company as Kakao (#3)? If so: /company merge …" when a company just created looks
/// like an existing one (changes.hpp similar_company); nullopt otherwise.
std::optional<std::string> merge_suggestion(const Context& ctx, const storage::Company& created);

/// The lines "New company: X" / "New contact: Y" for everything created, and a merge
/// suggestion for each new company that looks like one already known.
std::vector<std::string> created_lines(const Context& ctx,
                                       const std::vector<Resolved<storage::Company>>& companies,
                                       const std::vector<Resolved<storage::Contact>>& contacts);

}  // namespace inmaek::handlers
