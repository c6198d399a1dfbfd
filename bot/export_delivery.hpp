#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/outbound/outbox_sender.hpp"
#include "bot/platforms/adapter.hpp"
#include "storage/database.hpp"

namespace inmaek::bot {

/// /export's files in the outbox (rows of kind "file", OutboxSender::handle_files): the CSV is
/// made from a read-only snapshot when the sender gets to the row (ExportFile), handed to the
/// platform's client and removed; a row that dies (refused for good, or out of attempts) is
/// replaced by a message with a fresh signed download link, so the admin is never left with
/// silence.
class ExportDelivery {
public:
    /// `link` signs a workspace's link for a kind (ExportLinks::link); `adapters` render the
    /// fallback message for their platform.
    ExportDelivery(storage::Database& database, std::vector<const platforms::Adapter*> adapters,
                   std::function<std::string(storage::Id, std::string_view)> link,
                   int link_minutes);

    /// The sender's handling of file rows, bound to this object (which must outlive the sender's
    /// use of it).
    [[nodiscard]] outbound::FileRows rows() const;

    /// Makes the row's export, hands it to `send` and removes it.
    outbound::Delivery make(
        const storage::OutboxMessage& row,
        const std::function<outbound::Delivery(const outbound::FileToSend&)>& send) const;
    /// The download link, to the row's chat, in the row's language.
    [[nodiscard]] std::optional<storage::OutboxMessage> fallback(
        const storage::OutboxMessage& row) const;

private:
    storage::Database& database_;
    std::vector<const platforms::Adapter*> adapters_;
    std::function<std::string(storage::Id, std::string_view)> link_;
    int link_minutes_;
};

}  // namespace inmaek::bot
