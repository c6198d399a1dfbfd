#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "handlers/message.hpp"
#include "handlers/reply.hpp"
#include "storage/repositories.hpp"

namespace inmaek::handlers {

class Router;

/// How new chats and users join workspaces.
struct ConversationPolicy {
    bool auto_bind = true;            ///< a new chat creates and binds a workspace
    std::vector<std::string> admins;  ///< "telegram:5012345678": admins from configuration
    std::string default_time_zone = "Asia/Seoul";
    std::string default_language = "ko";
    std::string bot_username;  ///< commands addressed to another bot are ignored
    /// The signed download link of a workspace's export of a kind ("leads"); unset where
    /// inmaek serves no downloads (the console), so /export says to use `inmaek export`.
    std::function<std::string(storage::Id workspace_id, std::string_view kind)> export_link;
    int export_link_minutes = 15;  ///< how long such a link works
    /// True for a platform whose chats get /export's file itself (an attachment the outbox
    /// uploads); unset or false: the link.
    std::function<bool(std::string_view platform)> sends_files;
};

/// The outcome of one message.
struct Outcome {
    Reply reply;
    bool replayed = false;  ///< a redelivered event: the stored reply, nothing changed
    bool ignored = false;   ///< not for us (ordinary chatter): answer nothing
    std::string command;    ///< the command's English name, for the request log
    std::optional<storage::Id> workspace_id;  ///< the chat's workspace, once bound
};

/// The chat language's entry point: binds the chat to a workspace, knows the sender,
/// deduplicates the event, runs the command and records the reply — all inside the caller's
/// transaction, so the change, the audit rows and the event key commit together.
class Conversation {
public:
    explicit Conversation(ConversationPolicy policy);
    ~Conversation();
    Conversation(const Conversation&) = delete;
    Conversation& operator=(const Conversation&) = delete;

    Outcome handle(storage::UnitOfWork& db, const Message& message) const;

    [[nodiscard]] const Router& router() const { return *router_; }
    [[nodiscard]] const ConversationPolicy& policy() const { return policy_; }

private:
    ConversationPolicy policy_;
    std::unique_ptr<Router> router_;
};

}  // namespace inmaek::handlers
