#include "bot/export_delivery.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <utility>

#include "bot/export_file.hpp"
#include "handlers/catalog.hpp"
#include "handlers/csv_export.hpp"

namespace inmaek::bot {

namespace {

/// The export a row's payload names, nullopt for none.
std::optional<handlers::ExportKind> kind_of(const nlohmann::json& payload) {
    if (!payload.is_object()) return std::nullopt;
    const auto it = payload.find("export");
    if (it == payload.end() || !it->is_string()) return std::nullopt;
    return handlers::export_kind_from_text(it->get<std::string>());
}

}  // namespace

ExportDelivery::ExportDelivery(storage::Database& database,
                               std::vector<const platforms::Adapter*> adapters,
                               std::function<std::string(storage::Id, std::string_view)> link,
                               int link_minutes)
    : database_(database),
      adapters_(std::move(adapters)),
      link_(std::move(link)),
      link_minutes_(link_minutes) {}

outbound::FileRows ExportDelivery::rows() const {
    return outbound::FileRows{
        .make =
            [this](const storage::OutboxMessage& row,
                   const std::function<outbound::Delivery(const outbound::FileToSend&)>& send) {
                return make(row, send);
            },
        .fallback = [this](const storage::OutboxMessage& row) { return fallback(row); }};
}

outbound::Delivery ExportDelivery::make(
    const storage::OutboxMessage& row,
    const std::function<outbound::Delivery(const outbound::FileToSend&)>& send) const {
    using Outcome = outbound::Delivery::Outcome;
    const auto kind = kind_of(nlohmann::json::parse(row.payload, nullptr, false));
    if (!kind || !row.workspace_id) {
        return {Outcome::refuse, std::nullopt, "the file row names no export of a workspace"};
    }
    const auto file = ExportFile::write(database_, *row.workspace_id, *kind);
    if (!file) return {Outcome::refuse, std::nullopt, "the workspace no longer exists"};
    spdlog::info("outbox #{}: export of {} rows ({}, {} bytes) to {}", row.id, file->rows(),
                 handlers::to_string(*kind), file->size(), row.platform);
    return send(outbound::FileToSend{file->path(), file->name(), file->size(), "text/csv"});
}

std::optional<storage::OutboxMessage> ExportDelivery::fallback(
    const storage::OutboxMessage& row) const {
    const auto payload = nlohmann::json::parse(row.payload, nullptr, false);
    const auto kind = kind_of(payload);
    const auto adapter =
        std::find_if(adapters_.begin(), adapters_.end(),
                     [&](const platforms::Adapter* a) { return a->name() == row.platform; });
    if (!kind || !row.workspace_id || !link_ || adapter == adapters_.end()) return std::nullopt;
    const auto lang =
        payload.value("lang", std::string{}) == "ko" ? handlers::Lang::ko : handlers::Lang::en;
    auto reply = handlers::export_link_reply(
        lang, *kind, link_(*row.workspace_id, handlers::to_string(*kind)), link_minutes_);
    reply.lines.insert(reply.lines.begin(),
                       handlers::tr(lang, handlers::Msg::export_upload_failed));
    auto push = (*adapter)->push_instead_of_file(row.destination, row.payload, reply);
    if (!push) return std::nullopt;
    storage::OutboxMessage message;
    message.workspace_id = row.workspace_id;
    message.platform = row.platform;
    message.destination = std::move(push->destination);
    message.kind = "reply";
    message.dedupe_key = "file-link:" + std::to_string(row.id);
    message.payload = std::move(push->payload);
    message.created_at = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    message.next_attempt_at = message.created_at;
    return message;
}

}  // namespace inmaek::bot
