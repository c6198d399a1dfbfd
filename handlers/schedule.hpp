#pragma once

// What the scheduler says in a chat (bot/scheduler.cpp decides when): the reminder of a
// follow-up due today and the note on a summary sent late.

#include <optional>
#include <string>

#include "handlers/reply.hpp"
#include "storage/records.hpp"

namespace inmaek::handlers {

/// "⏰ Due today · Follow-up #7: MOU 초안 송부", its owner, and a Done button.
Reply reminder(const storage::FollowUp& follow_up, const std::optional<storage::User>& assignee,
               Lang lang);

/// Marks a summary that goes out after its time: "(sent late: it was due at 09:00)".
void mark_late(Reply& summary, std::string_view due_local_time, Lang lang);

/// The language of a workspace's scheduled messages.
Lang workspace_lang(const storage::Workspace& workspace);

/// "09:00" for minutes after midnight.
std::string format_local_time(int minutes);

}  // namespace inmaek::handlers
