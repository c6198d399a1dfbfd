#include "tests/support/chat_test.hpp"

namespace inmaek::test {

void ChatTest::SetUp() {
    database_ = std::make_unique<storage::Database>(storage::DatabaseOptions{.url = fresh_.url()});
    database_->migrate();
    conversation_ = std::make_unique<handlers::Conversation>(policy());
}

void ChatTest::TearDown() {
    // Before fresh_, which drops the database they are connected to.
    conversation_.reset();
    database_.reset();
}

handlers::ConversationPolicy ChatTest::policy() {
    return handlers::ConversationPolicy{};
}

handlers::Message ChatTest::message(const std::string& text, const Person& who,
                                    const std::string& locale, const std::string& chat,
                                    const std::string& chat_title) {
    handlers::Message message;
    message.platform = handlers::Platform::telegram;
    message.event_key = std::to_string(++sequence_);
    message.source_message_id = message.event_key;
    message.chat_id = chat;
    message.chat_title = chat_title;
    message.sender.id = who.id;
    message.sender.display_name = who.name;
    message.sender.handle = who.handle;
    message.sender.locale = locale;
    message.text = text;
    message.received_at = now_;
    return message;
}

handlers::Outcome ChatTest::handle(const handlers::Message& message) {
    return database_->transact(
        [&](storage::UnitOfWork& work) { return conversation_->handle(work, message); });
}

storage::Id ChatTest::workspace_id(const std::string& chat) {
    return database_->transact([&](storage::UnitOfWork& work) {
        const auto workspace = work.workspaces().workspace_of_chat("telegram", chat);
        EXPECT_TRUE(workspace) << "no workspace for chat " << chat;
        return workspace ? workspace->id : storage::Id{0};
    });
}

std::string ChatTest::links() const {
    const std::string aggregate =
        fresh_.backend() == "sqlite3" ? "group_concat(x, ' ')" : "string_agg(x, ' ')";
    return query_text(fresh_.url(), "SELECT COALESCE(" + aggregate +
                                        ", '') FROM (SELECT company_id || '-' || other_id || ':' "
                                        "|| meetings || '@' || last_meeting_id AS x FROM "
                                        "company_links ORDER BY company_id, other_id) AS l");
}

void ChatTest::expect_links_as_rebuilt() {
    const auto kept = links();
    const auto workspace = workspace_id();
    database_->transact(
        [&](storage::UnitOfWork& work) { work.insights().rebuild_company_links(workspace); });
    EXPECT_EQ(links(), kept);
}

}  // namespace inmaek::test
