#pragma once

#include <boost/beast/http.hpp>
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "handlers/message.hpp"
#include "handlers/reply.hpp"

namespace inmaek::bot::platforms {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

/// What an adapter made of a verified request.
struct Parsed {
    enum class Kind {
        message,      ///< a message for the chat language
        acknowledge,  ///< a valid event that is not for us (edits, joins, stickers): 200, nothing
                      ///< stored
        bad_request,  ///< malformed: 400 with `error`
    };
    Kind kind = Kind::bad_request;
    handlers::Message message;
    std::string error;
    /// Platform details the renderer needs (Telegram: chat id and message id), kept opaque.
    std::string reply_target;
    /// Further messages of the same request, handled after this one in the same transaction and
    /// each replied to through push() (LINE delivers events in batches). Empty elsewhere.
    std::vector<Parsed> more;
    /// parse() left work to Adapter::complete() (something only the network can tell). False
    /// for most messages, which reach the conversation without that extra step.
    bool incomplete = false;
};

/// A reply to deliver through the platform's API (an outbox row) instead of the webhook
/// response.
struct Push {
    std::string destination;  ///< the chat, channel or user it goes to
    std::string payload;      ///< the API call, for the platform's outbound client
};

/// One messenger: verify authenticity → parse → render the reply into the webhook response, or
/// into a push for the outbox.
class Adapter {
public:
    virtual ~Adapter() = default;
    /// "telegram"; also the path segment under /hooks/.
    [[nodiscard]] virtual std::string_view name() const = 0;
    /// The paths under /hooks/<name>/ this adapter serves ("events", "commands"): the request's
    /// target tells the adapter which kind it got. Empty (the default): /hooks/<name> itself.
    /// A segment written "{name}" stands for any one segment (a secret that verify() checks);
    /// logs show the placeholder instead of what was sent.
    [[nodiscard]] virtual std::vector<std::string_view> sub_paths() const { return {}; }
    /// True when the request proves it comes from the platform (secret, signature).
    [[nodiscard]] virtual bool verify(const Request& request) const = 0;
    /// Reads the raw body into a message; never throws. Runs on an I/O thread: it must not
    /// wait on the network (what needs to goes into complete()).
    [[nodiscard]] virtual Parsed parse(const Request& request) const = 0;
    /// Fills in what parse() could not without waiting on the network (Slack: a sender's name
    /// from users.info). Runs on a worker, outside any transaction, so a slow platform API
    /// holds neither an I/O thread nor the database; never throws.
    virtual void complete(Parsed& /*parsed*/) const {}
    /// The HTTP answer that carries the reply (or an empty acknowledgement).
    [[nodiscard]] virtual Response render(const Parsed& parsed, const handlers::Reply& reply,
                                          unsigned version, bool keep_alive) const = 0;
    /// When this adapter replies through the platform's API: the reply as a push, which the
    /// webhook service queues in the transaction of the change and acknowledges the webhook
    /// empty. nullopt (the default): the reply rides the webhook response (render()).
    [[nodiscard]] virtual std::optional<Push> push(const Parsed& parsed,
                                                   const handlers::Reply& reply) const;
    /// A message to a chat outside any conversation (a summary, a reminder) as a push to
    /// `destination` (the chat as `chats.platform_chat_id` names it); nullopt (the default) when
    /// the platform cannot be pushed to.
    [[nodiscard]] virtual std::optional<Push> push_to(std::string_view destination,
                                                      const handlers::Reply& reply) const;
    /// The attachment of `reply` (handlers::Attachment) as an outbox row of kind "file": the
    /// chat it goes to, and a payload of file_fields() plus what the platform's client needs to
    /// upload it there (the chat, the message or thread it answers). nullopt (the default): the
    /// platform takes no file from a bot.
    [[nodiscard]] virtual std::optional<Push> push_file(const Parsed& parsed,
                                                        const handlers::Reply& reply) const;
    /// What goes instead of a file that could not be delivered (the link to it): `reply` the way
    /// the file row of `destination` and `file_payload` (push_file()) was to go. The default
    /// pushes it to the file's chat (push_to()).
    [[nodiscard]] virtual std::optional<Push> push_instead_of_file(
        std::string_view destination, std::string_view file_payload,
        const handlers::Reply& reply) const;
    /// The most a push_to() message holds, in characters of the reply's plain text before the
    /// platform's markup: a longer reply goes out in parts (push_parts). The default fits every
    /// messenger's limit but Kakao's.
    [[nodiscard]] virtual std::size_t push_chars() const { return 2000; }
    /// The destination of a direct message to this platform user (a reminder to its assignee),
    /// for push_to(); nullopt (the default) when the platform cannot message a person directly,
    /// and the reminder goes to the chat it came from. `known_chat`: the person's private chat
    /// with the bot is bound to the reminding workspace (they have talked to the bot there).
    [[nodiscard]] virtual std::optional<std::string> direct_chat(
        std::string_view /*platform_user_id*/, bool /*known_chat*/) const {
        return std::nullopt;
    }
    /// True when the reply to this request goes through push() and the webhook is acknowledged;
    /// false: the reply rides the webhook response (render()). Decided per request, since one
    /// platform may do both (Slack: events through chat.postMessage, slash commands in the
    /// response).
    [[nodiscard]] virtual bool replies_through_api(const Parsed& /*parsed*/) const { return false; }
    /// True when a redelivered request that replies_through_api() is still answered with the
    /// first reply in its response (render()): Kakao's skill, whose repeated request brings a
    /// callback of its own that nothing is pushed to. False (the default): acknowledged.
    [[nodiscard]] virtual bool answers_replays_inline(const Parsed& /*parsed*/) const {
        return false;
    }
    /// The answer for an event that needs no reply.
    [[nodiscard]] virtual Response acknowledge(unsigned version, bool keep_alive) const;
    /// The answer for this request when it needs no reply (a handshake may still need a body:
    /// Discord's PING, Slack's url_verification). The default: acknowledge(version, keep_alive).
    [[nodiscard]] virtual Response acknowledge(const Parsed& parsed, unsigned version,
                                               bool keep_alive) const;
};

/// `reply` to `destination` as pushes of at most adapter.push_chars() characters each, in
/// order (handlers::split_reply); empty when the platform cannot be pushed to.
std::vector<Push> push_parts(const Adapter& adapter, std::string_view destination,
                             const handlers::Reply& reply);

/// The fields of every "file" row's payload: {"export": kind, "caption": …, "lang": "ko"|"en"},
/// for the platform's fields to be added to.
boost::json::object file_fields(const handlers::Reply& reply);

/// A JSON response with the given status.
Response json_response(http::status status, std::string body, unsigned version, bool keep_alive,
                       std::string_view content_type = "application/json");

}  // namespace inmaek::bot::platforms
