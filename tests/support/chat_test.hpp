#pragma once
// The chat language over real repositories on both backends: a fresh, migrated database of the
// test's parameter ("sqlite3" or "postgresql"), a Conversation over it, and messages built as a
// Telegram group delivers them.
//
//   class Undo : public inmaek::test::ChatTest { ... say() built on handle(message(...)) ... };
//   INSTANTIATE_TEST_SUITE_P(Backends, Undo, ::testing::ValuesIn(inmaek::test::backends()),
//                            inmaek::test::backend_name);

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "handlers/conversation.hpp"
#include "storage/database.hpp"
#include "tests/support/postgres.hpp"

namespace inmaek::test {

/// The partners' group chat the stories happen in.
inline constexpr auto kTeamChat = "-1001234567890";

/// Someone who writes in a chat: platform user id, display name, @handle.
struct Person {
    const char* id;
    const char* name;
    const char* handle;
};
/// The first to speak in the team chat, and so its workspace's admin.
inline constexpr Person kMinji{"5012345678", "Minji Kim", "minji_kim"};

/// True when `part` occurs in `text`.
inline bool contains(std::string_view text, std::string_view part) {
    return text.find(part) != std::string_view::npos;
}

class ChatTest : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override;
    void TearDown() override;
    /// The conversation's policy (configured admins and the like); the default one unless a
    /// fixture says otherwise.
    virtual handlers::ConversationPolicy policy();

    /// A text message of `who` in `chat` (titled `chat_title`) at now_, with the next event key,
    /// which is also its source message id.
    handlers::Message message(const std::string& text, const Person& who = kMinji,
                              const std::string& locale = "ko", const std::string& chat = kTeamChat,
                              const std::string& chat_title = "Partners Team");
    /// The conversation's answer to `message`, in a transaction of its own.
    handlers::Outcome handle(const handlers::Message& message);

    /// The id of the workspace a Telegram chat is bound to (the team chat's by default).
    storage::Id workspace_id(const std::string& chat = kTeamChat);

    /// company_links (schemas/0011) as "company-other:meetings@latest meeting …", by company.
    std::string links() const;
    /// The links kept so far are those a rebuild from the meetings computes.
    void expect_links_as_rebuilt();

    FreshDatabase fresh_{GetParam()};
    std::unique_ptr<storage::Database> database_;
    std::unique_ptr<handlers::Conversation> conversation_;
    /// The last event key given; fixtures may start it elsewhere.
    std::int64_t sequence_ = 0;
    /// 2025-02-04 00:00 UTC, 09:00 in Seoul: the media day of design.md.
    std::chrono::sys_seconds now_{
        std::chrono::sys_days{std::chrono::year{2025} / std::chrono::February / 4}};
};

}  // namespace inmaek::test
