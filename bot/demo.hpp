#pragma once

#include <iosfwd>

#include "handlers/conversation.hpp"
#include "storage/database.hpp"

namespace inmaek::bot {

/// Plays the seed story (OpenAI's visit to Seoul, 2025-02-04) through the console adapter
/// into the workspace "OpenAI Korea week", printing the transcript. Returns the exit status.
int run_demo(storage::Database& database, const handlers::Conversation& conversation,
             std::ostream& out);

}  // namespace inmaek::bot
