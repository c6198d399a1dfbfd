#pragma once

// The writes that the chat commands and the REST API (bot/api) both make: each checks what
// would conflict, stores the record with its links and aliases, and appends its audit row, so a
// company created over HTTP is the same as one typed in a chat. Parsing stays with the callers.

#include <boost/system/result.hpp>
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "handlers/catalog.hpp"
#include "handlers/context.hpp"
#include "handlers/resolve.hpp"
#include "storage/records.hpp"

namespace inmaek::handlers {

/// Why a change was refused; nothing was written.
struct ChangeError {
    enum class Kind {
        name_taken,      ///< another record has the name (other_name, other_id)
        alias_taken,     ///< `subject`, an alias, names another record (other_name, other_id)
        lead_not_found,  ///< the lead `subject` does not exist in the workspace
    };
    Kind kind = Kind::name_taken;
    std::string subject;
    std::string other_name;
    storage::Id other_id = 0;
};

template <typename T>
using Change = boost::system::result<T, ChangeError>;

/// A refusal in the sender's language; `name_taken` is the message for a name in use.
std::string refusal_text(const Context& ctx, const ChangeError& error, Msg name_taken);

/// The JSON image of a record, as the audit log keeps it and the REST API returns it.
nlohmann::json company_json(const storage::Company& company);
nlohmann::json contact_json(const storage::Contact& contact);
nlohmann::json meeting_json(const storage::Meeting& meeting);
nlohmann::json lead_json(const storage::Lead& lead);
nlohmann::json follow_up_json(const storage::FollowUp& follow_up);

/// Loose checks that catch a mistyped field, not an RFC validator.
bool plausible_email(std::string_view email);
bool plausible_phone(std::string_view phone);

/// Stores a new company named `company.name` (its key folded here) with its aliases. Refused
/// when the name or an alias already names a company.
Change<storage::Company> add_company(Context& ctx, storage::Company company,
                                     const std::vector<std::string>& aliases);

/// A stored contact and the company it was placed at when that was named.
struct AddedContact {
    storage::Contact contact;
    std::optional<Resolved<storage::Company>> company;
};
/// Stores a new contact (its key folded here) with its aliases, at `company_name` (found or
/// created) when that is not empty. Refused when the name or an alias already names a contact.
Change<AddedContact> add_contact(Context& ctx, storage::Contact contact,
                                 const std::vector<std::string>& aliases,
                                 std::string_view company_name);

/// Stores a new meeting with its company and contact links.
storage::Meeting add_meeting(Context& ctx, storage::Meeting meeting);

/// Stores a new lead at the named companies (found or created, the first is the main one).
std::pair<storage::Lead, std::vector<Resolved<storage::Company>>> add_lead(
    Context& ctx, storage::Lead lead, const std::vector<std::string>& company_names);

/// Writes a lead's change (`before` from get_for_update) with its stage history and audit row.
void update_lead(Context& ctx, const storage::Lead& before, storage::Lead after);

/// Stores a new follow-up; refused when it names a lead the workspace does not have.
Change<storage::FollowUp> add_follow_up(Context& ctx, storage::FollowUp follow_up);

/// Marks an open follow-up done now.
void complete_follow_up(Context& ctx, const storage::FollowUp& follow_up);

/// The audit image of a merge (its before_json), and the merge read back from it.
nlohmann::json merge_json(const storage::CompanyMerge& merge);
storage::CompanyMerge merge_from_json(const nlohmann::json& json);

/// Merges `from` into `into` (CompanyRepository::merge) and audits it with what moved, so
/// that /undo can take it back.
storage::CompanyMerge merge_companies(Context& ctx, const storage::Company& from,
                                      const storage::Company& into);

/// An existing company other than `company` whose name or alias is `company`'s name written
/// differently (company_names::similar_keys); the oldest when several are.
std::optional<storage::Company> similar_company(const Context& ctx,
                                                const storage::Company& company);

}  // namespace inmaek::handlers
