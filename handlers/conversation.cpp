#include "handlers/conversation.hpp"

#include <date/tz.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "handlers/catalog.hpp"
#include "handlers/router.hpp"
#include "handlers/text.hpp"

namespace inmaek::handlers {

namespace {

Lang default_lang(std::string_view language) {
    return language == "en" ? Lang::en : Lang::ko;
}

}  // namespace

Conversation::Conversation(ConversationPolicy policy)
    : policy_(std::move(policy)), router_(make_router()) {
    policy_.bot_username = text::lower(policy_.bot_username);
    if (policy_.bot_username.starts_with('@')) policy_.bot_username.erase(0, 1);
}

Conversation::~Conversation() = default;

Outcome Conversation::handle(storage::UnitOfWork& db, const Message& message) const {
    Outcome outcome;
    const auto line = split_command_line(message.text);
    // Ordinary chatter and commands meant for another bot in the same group are not ours.
    if (!line && message.direct && !text::trim(message.text).empty()) {
        // Someone talking to the bot directly without a command: point them to /help.
        const auto lang =
            text::lang_from_locale(message.sender.locale, default_lang(policy_.default_language));
        outcome.reply.lang = lang;
        outcome.reply.title = tr(lang, Msg::try_help);
        return outcome;
    }
    if (!line || (!line->bot.empty() && !policy_.bot_username.empty() &&
                  line->bot != policy_.bot_username)) {
        outcome.ignored = true;
        return outcome;
    }
    const auto platform = to_string(message.platform);
    if (!message.event_key.empty() &&
        !db.events().claim(platform, message.event_key, message.received_at)) {
        // A redelivery: answer what the first delivery answered, change nothing.
        if (auto stored = db.events().find_reply(platform, message.event_key)) {
            outcome.reply = nlohmann::json::parse(*stored).get<Reply>();
        }
        outcome.replayed = true;
        return outcome;
    }
    const auto* command = router_->find(line->name);
    outcome.command = command != nullptr ? command->name : "unknown";

    auto& workspaces = db.workspaces();
    const auto key = chat_key(message);
    std::optional<storage::Workspace> workspace = workspaces.workspace_of_chat(platform, key);
    auto record = [&](std::optional<storage::Id> workspace_id) {
        outcome.workspace_id = workspace_id;
        if (!message.event_key.empty()) {
            db.events().complete(platform, message.event_key, workspace_id,
                                 nlohmann::json(outcome.reply).dump());
        }
    };
    if (!workspace && message.direct) {
        // A private chat with the bot belongs to its person's team, when they are in one: there
        // their reminders arrive and their /done buttons are pressed.
        if (const auto own = workspaces.only_workspace_of_user(platform, message.sender.id)) {
            const auto bound =
                workspaces.bind_chat({0, own->id, std::string{platform}, key, message.chat_title});
            workspace = bound.workspace_id == own->id ? own : workspaces.get(bound.workspace_id);
        }
    }
    if (!workspace) {
        if (!policy_.auto_bind) {
            const auto lang = text::lang_from_locale(message.sender.locale,
                                                     default_lang(policy_.default_language));
            outcome.reply.kind = Reply::Kind::error;
            outcome.reply.lang = lang;
            outcome.reply.title = tr(lang, Msg::chat_not_linked, key);
            outcome.reply.usage = "inmaek workspace link --platform " + std::string{platform} +
                                  " --chat " + key + " --workspace <name>";
            record(std::nullopt);
            return outcome;
        }
        storage::Workspace fresh;
        fresh.name =
            message.chat_title.empty() ? std::string{platform} + " " + key : message.chat_title;
        fresh.time_zone = policy_.default_time_zone;
        fresh.language = policy_.default_language;
        fresh.created_at = message.received_at;
        workspace = workspaces.create(fresh);
        const auto bound = workspaces.bind_chat(
            {0, workspace->id, std::string{platform}, key, message.chat_title});
        if (bound.workspace_id != workspace->id) {
            // Another replica bound this chat first (its transaction committed while ours waited
            // on the chat's key): continue in that workspace and drop the one made here.
            workspaces.remove_unused(workspace->id);
            workspace = workspaces.get(bound.workspace_id);
            if (!workspace) throw std::runtime_error("chat bound to a missing workspace");
        }
    }

    auto user = workspaces.find_user(workspace->id, platform, message.sender.id);
    if (!user) {
        storage::User fresh;
        fresh.workspace_id = workspace->id;
        fresh.platform = platform;
        fresh.platform_user_id = message.sender.id;
        fresh.display_name =
            message.sender.display_name.empty() ? message.sender.id : message.sender.display_name;
        fresh.handle = message.sender.handle;
        fresh.created_at = message.received_at;
        const auto configured = std::string{platform} + ":" + message.sender.id;
        const bool named_admin = std::find(policy_.admins.begin(), policy_.admins.end(),
                                           configured) != policy_.admins.end();
        // The first person in a workspace administers it, unless configuration names admins.
        const bool first = policy_.admins.empty() && workspaces.count_users(workspace->id) == 0;
        fresh.role = named_admin || first ? storage::Role::admin : storage::Role::member;
        user = workspaces.create_user(fresh);
    } else if ((!message.sender.display_name.empty() &&
                user->display_name != message.sender.display_name) ||
               user->handle != message.sender.handle) {
        workspaces.update_user_profile(workspace->id, user->id, message.sender.display_name,
                                       message.sender.handle);
    }

    const auto lang =
        text::lang_from_locale(message.sender.locale, default_lang(workspace->language));
    const date::time_zone* zone = nullptr;
    try {
        zone = date::locate_zone(workspace->time_zone);
    } catch (const std::exception&) {
        zone = date::locate_zone("Asia/Seoul");
    }
    const auto now =
        message.received_at.time_since_epoch().count() != 0
            ? message.received_at
            : std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    Context ctx{db, *workspace, *user, message, lang, now, zone, &policy_};
    if (command == nullptr) {
        outcome.reply = mistake(ctx, tr(lang, Msg::unknown_command, line->name), Msg::usage_help);
        outcome.reply.usage = tr(lang, Msg::try_help);
    } else if (const auto need = command->role_for(line->args);
               !storage::role_allows(ctx.user.role, need.role)) {
        // The one place roles are enforced: every command and verb declares its role.
        outcome.reply = role_refusal(ctx, *command, line->name, need);
    } else {
        outcome.reply = command->run(ctx, line->args);
    }
    record(workspace->id);
    return outcome;
}

}  // namespace inmaek::handlers
