#pragma once

#include <chrono>
#include <string>

#include "handlers/message.hpp"
#include "handlers/reply.hpp"
#include "storage/repositories.hpp"

namespace date {
class time_zone;
}

namespace inmaek::handlers {

struct ConversationPolicy;

/// Everything a command handler may use: the open transaction's repositories, who is
/// speaking in which workspace, and the clock. Built by Conversation for one message.
struct Context {
    storage::UnitOfWork& db;
    const storage::Workspace& workspace;
    const storage::User& user;
    const Message& message;
    Lang lang;
    std::chrono::sys_seconds now;
    const date::time_zone* zone;
    /// The policy of the conversation (nullptr outside one: the REST API).
    const ConversationPolicy* policy = nullptr;

    /// Today's date in the workspace time zone.
    [[nodiscard]] std::chrono::year_month_day today() const;
    /// "<platform>:<event key or message id>", recorded in the audit log.
    [[nodiscard]] std::string source() const;
    /// Appends an audit row for a change made by this message's sender.
    void audit(std::string_view action, std::string_view entity, storage::Id entity_id,
               std::string before_json, std::string after_json) const;
    [[nodiscard]] bool korean() const { return lang == Lang::ko; }
    /// A follow-up in this workspace, assigned to and created by the sender now, remembering
    /// this chat (where its reminder will go).
    [[nodiscard]] storage::FollowUp follow_up_draft() const;
};

}  // namespace inmaek::handlers
