#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "handlers/csv_export.hpp"
#include "storage/database.hpp"

namespace inmaek::bot {

/// A workspace's CSV export (handlers::write_export) in a temporary file that only this user can
/// read, written from a read-only snapshot (storage::Snapshot), so a long export holds no write
/// lock and sees one consistent state. The file is removed when this object dies.
class ExportFile {
public:
    /// The export of `kind` of workspace `workspace_id`; nullopt when there is no such workspace.
    /// Throws storage::Unavailable when the database cannot be read, std::runtime_error when the
    /// file cannot be written.
    static std::optional<ExportFile> write(storage::Database& database, storage::Id workspace_id,
                                           handlers::ExportKind kind);

    ExportFile(ExportFile&& other) noexcept;
    ExportFile& operator=(ExportFile&& other) noexcept;
    ExportFile(const ExportFile&) = delete;
    ExportFile& operator=(const ExportFile&) = delete;
    ~ExportFile();

    [[nodiscard]] const std::filesystem::path& path() const { return path_; }
    /// What the file is called for its reader: "inmaek-leads-2025-02-04.csv" (the workspace's
    /// date).
    [[nodiscard]] const std::string& name() const { return name_; }
    [[nodiscard]] std::int64_t rows() const { return rows_; }
    [[nodiscard]] std::uint64_t size() const { return size_; }
    /// Hands the file over: the caller removes it (the HTTP server, after streaming it).
    std::filesystem::path release();

private:
    ExportFile() = default;

    std::filesystem::path path_;
    std::string name_;
    std::int64_t rows_ = 0;
    std::uint64_t size_ = 0;
};

/// The workspace's time zone, Asia/Seoul when it names none that is known.
const date::time_zone* workspace_zone(const storage::Workspace& workspace);

}  // namespace inmaek::bot
