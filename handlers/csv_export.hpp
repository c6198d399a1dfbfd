#pragma once

// /export and `inmaek export`: a workspace's companies, contacts, meetings or leads as CSV
// (handlers/csv.hpp), read page by page so a million rows never sit in memory at once.

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <span>
#include <string_view>

#include "handlers/reply.hpp"
#include "storage/repositories.hpp"

namespace date {
class time_zone;
}

namespace inmaek::handlers {

enum class ExportKind { companies, contacts, meetings, leads };

/// "leads"/"리드", "companies"/"회사", "contacts"/"연락처", "meetings"/"회의" (singular too).
std::optional<ExportKind> export_kind_from_text(std::string_view text);
/// "companies", "contacts", "meetings" or "leads".
std::string_view to_string(ExportKind kind);

/// "Leads" / "리드": what a kind's export is called in a reply.
std::string_view export_label(Lang lang, ExportKind kind);

/// The reply that hands out a download link of a kind's export, valid `minutes`.
Reply export_link_reply(Lang lang, ExportKind kind, std::string_view link, int minutes);

/// The header row of a kind's CSV: stable English column names.
std::span<const std::string_view> export_columns(ExportKind kind);

/// Writes the UTF-8 byte order mark, the header row and one row per record of the workspace,
/// reading `page_size` records at a time; times are ISO 8601 in `zone` (the workspace's).
/// Returns the number of data rows written.
std::int64_t write_export(storage::UnitOfWork& db, storage::Id workspace_id, ExportKind kind,
                          const date::time_zone* zone, std::ostream& out, int page_size = 500);

}  // namespace inmaek::handlers
