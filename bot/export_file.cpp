#include "bot/export_file.hpp"

#include <date/tz.h>
#include <fmt/format.h>
#include <stdlib.h>  // mkstemp
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <stdexcept>
#include <utility>

#include "handlers/format.hpp"

namespace inmaek::bot {

namespace {

/// A new empty file in the temporary directory, readable by this user only (mkstemp's 0600).
std::filesystem::path temporary_file() {
    auto pattern = (std::filesystem::temp_directory_path() / "inmaek-export-XXXXXX").string();
    const int fd = mkstemp(pattern.data());
    if (fd < 0) throw std::runtime_error("cannot create a temporary file for the export");
    close(fd);
    return pattern;
}

}  // namespace

const date::time_zone* workspace_zone(const storage::Workspace& workspace) {
    try {
        return date::locate_zone(workspace.time_zone);
    } catch (const std::exception&) {
        return date::locate_zone("Asia/Seoul");
    }
}

std::optional<ExportFile> ExportFile::write(storage::Database& database, storage::Id workspace_id,
                                            handlers::ExportKind kind) {
    ExportFile file;
    file.path_ = temporary_file();
    bool found = true;
    {
        std::ofstream out{file.path_, std::ios::binary};
        database.read([&](storage::UnitOfWork& work) {
            const auto workspace = work.workspaces().get(workspace_id);
            if (!workspace) {
                found = false;
                return;
            }
            const auto zone = workspace_zone(*workspace);
            const auto today =
                std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
            file.name_ = fmt::format("inmaek-{}-{}.csv", handlers::to_string(kind),
                                     handlers::format_time(zone, today, false));
            file.rows_ = handlers::write_export(work, workspace->id, kind, zone, out);
        });
        out.flush();
        if (!out) throw std::runtime_error("cannot write the export's temporary file");
    }
    if (!found) return std::nullopt;
    file.size_ = std::filesystem::file_size(file.path_);
    return file;
}

ExportFile::ExportFile(ExportFile&& other) noexcept
    : path_(std::exchange(other.path_, {})),
      name_(std::move(other.name_)),
      rows_(other.rows_),
      size_(other.size_) {}

ExportFile& ExportFile::operator=(ExportFile&& other) noexcept {
    if (this != &other) {
        std::error_code ignored;
        if (!path_.empty()) std::filesystem::remove(path_, ignored);
        path_ = std::exchange(other.path_, {});
        name_ = std::move(other.name_);
        rows_ = other.rows_;
        size_ = other.size_;
    }
    return *this;
}

ExportFile::~ExportFile() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove(path_, ignored);
}

std::filesystem::path ExportFile::release() {
    return std::exchange(path_, {});
}

}  // namespace inmaek::bot
