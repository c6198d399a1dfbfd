#pragma once

// `inmaek import`: companies, contacts and deals from HubSpot-style CSV exports (and from
// inmaek's own /export files). Mapping a row is pure (HubspotMapping); applying it resolves
// companies and people by the folded name and aliases the chat uses, so what exists is merged
// into, not duplicated, and a second run of the same file creates nothing.

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "storage/repositories.hpp"

namespace inmaek::handlers {

enum class ImportKind { companies, contacts, deals };

/// "companies", "contacts", "deals" (also "leads").
std::optional<ImportKind> import_kind_from_text(std::string_view text);

/// The inmaek stage of a HubSpot deal stage, by label or internal id ("Closed Won",
/// "closedwon" → signed; "Appointment Scheduled" → meeting), or of an inmaek stage name.
std::optional<std::string> stage_from_hubspot(std::string_view stage);

struct CompanyDraft {
    std::string name;
    std::string site;
    std::string industry;
    std::string tier;
    std::string note;
};

struct ContactDraft {
    std::string name;
    std::string company;
    std::string title;
    std::string email;
    std::string phone;
};

struct DealDraft {
    std::string title;
    std::string stage = "new";
    std::string company;  ///< the main company
    std::string owner;    ///< a team member's name or handle, may be empty
    std::optional<storage::Money> value;
    std::optional<storage::Day> due;
};

using ImportDraft = std::variant<CompanyDraft, ContactDraft, DealDraft>;

/// A row read into a draft, or the reason it cannot be imported.
struct Mapped {
    std::optional<ImportDraft> draft;
    std::string reason;
};

/// A header that lacks what the kind needs.
class ImportError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Which column of a file holds what, found from its header row (names compared
/// case-insensitively: HubSpot's "Company name", inmaek's "name", …).
class HubspotMapping {
public:
    /// Throws ImportError naming the missing column(s).
    HubspotMapping(ImportKind kind, const std::vector<std::string>& header);
    /// The row as a draft, or why not.
    [[nodiscard]] Mapped map(const std::vector<std::string>& fields) const;
    [[nodiscard]] ImportKind kind() const { return kind_; }

private:
    struct Column {
        std::string_view field;
        int index = -1;
    };
    [[nodiscard]] std::string cell(const std::vector<std::string>& fields,
                                   std::string_view field) const;
    [[nodiscard]] bool has(std::string_view field) const;
    [[nodiscard]] Mapped map_company(const std::vector<std::string>& fields) const;
    [[nodiscard]] Mapped map_contact(const std::vector<std::string>& fields) const;
    [[nodiscard]] Mapped map_deal(const std::vector<std::string>& fields) const;

    ImportKind kind_;
    std::vector<Column> columns_;
};

/// What became of one row.
struct ImportLine {
    enum class Action { create, merge, reject };
    std::int64_t row = 0;
    Action action = Action::reject;
    std::string detail;  ///< "company Kakao", or the reason of a rejection
};
std::string_view to_string(ImportLine::Action action);

/// Every row's outcome, in order.
struct ImportReport {
    std::vector<ImportLine> lines;
    std::int64_t created = 0;
    std::int64_t merged = 0;
    std::int64_t rejected = 0;
    void add(ImportLine line);
};

/// Applies drafts to a workspace: finds or creates companies, contacts and leads, fills fields
/// that are empty in what exists, and audits each change as `source`.
class Importer {
public:
    Importer(storage::Id workspace_id, storage::Timestamp now, std::string source);
    [[nodiscard]] ImportLine apply(storage::UnitOfWork& db, const ImportDraft& draft) const;

private:
    [[nodiscard]] ImportLine apply_company(storage::UnitOfWork& db, const CompanyDraft& d) const;
    [[nodiscard]] ImportLine apply_contact(storage::UnitOfWork& db, const ContactDraft& d) const;
    [[nodiscard]] ImportLine apply_deal(storage::UnitOfWork& db, const DealDraft& d) const;
    /// The company by folded name or alias, created when unknown (second: created).
    std::pair<storage::Company, bool> company(storage::UnitOfWork& db, std::string_view name) const;
    void audit(storage::UnitOfWork& db, std::string_view action, std::string_view entity,
               storage::Id id, std::string after_json) const;

    storage::Id workspace_id_;
    storage::Timestamp now_;
    std::string source_;
};

/// Runs `fn` in one transaction (storage::Database::transact).
using Transact = std::function<void(const std::function<void(storage::UnitOfWork&)>& fn)>;

struct ImportOptions {
    ImportKind kind = ImportKind::companies;
    storage::Id workspace_id = 0;
    storage::Timestamp now{};
    std::string source = "import";
    bool dry_run = false;  ///< everything in one transaction, rolled back at the end
    int batch = 500;       ///< rows per transaction
    /// Called after each batch with the bytes read so far.
    std::function<void(std::int64_t bytes_read)> progress;
};

/// Reads a CSV file (header first) and imports it, one transaction per batch of rows. Throws
/// ImportError for a header that does not fit the kind, csv::ParseError for a file that is not
/// CSV.
ImportReport run_import(std::istream& in, const ImportOptions& options, const Transact& transact);

}  // namespace inmaek::handlers
