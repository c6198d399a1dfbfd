#include "bot/platforms/generic_adapter.hpp"

#include <charconv>
#include <nlohmann/json.hpp>

#include "bot/platforms/signature.hpp"
#include "handlers/text.hpp"

namespace inmaek::bot::platforms {

namespace {
constexpr std::string_view kTimestampHeader = "X-Inmaek-Timestamp";
constexpr std::string_view kSignatureHeader = "X-Inmaek-Signature";
constexpr std::string_view kVersion = "v1";

std::string string_field(const nlohmann::json& object, const char* key) {
    const auto it = object.find(key);
    if (it == object.end()) return {};
    if (it->is_string()) return it->get<std::string>();
    if (it->is_number_integer()) return std::to_string(it->get<std::int64_t>());
    return {};
}
}  // namespace

GenericAdapter::GenericAdapter(GenericOptions options) : options_(std::move(options)) {
    if (!options_.clock) {
        options_.clock = [] {
            return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
        };
    }
}

std::string GenericAdapter::sign(std::string_view secret, std::string_view timestamp,
                                 std::string_view body) {
    return timestamped_signature(secret, kVersion, timestamp, body);
}

bool GenericAdapter::verify(const Request& request) const {
    const auto timestamp = request.find(kTimestampHeader);
    const auto signature = request.find(kSignatureHeader);
    if (timestamp == request.end() || signature == request.end()) return false;
    return verify_timestamped_signature(options_.secret, kVersion, timestamp->value(),
                                        signature->value(), request.body(), options_.clock(),
                                        options_.tolerance);
}

Parsed GenericAdapter::parse(const Request& request) const {
    Parsed parsed;
    const auto body = nlohmann::json::parse(request.body(), nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
        parsed.error = "body is not a JSON object";
        return parsed;
    }
    auto& message = parsed.message;
    message.platform = handlers::Platform::generic;
    message.event_key = string_field(body, "event_id");
    message.chat_id = string_field(body, "chat_id");
    message.team_id = string_field(body, "team_id");
    message.chat_title = handlers::text::nfc(string_field(body, "chat_title"));
    const auto user = body.value("user", nlohmann::json::object());
    if (user.is_object()) {
        message.sender.id = string_field(user, "id");
        message.sender.display_name = handlers::text::nfc(string_field(user, "name"));
        message.sender.handle = string_field(user, "handle");
        message.sender.locale = string_field(user, "locale");
    }
    const auto text = body.find("text");
    if (message.event_key.empty() || message.chat_id.empty() || message.sender.id.empty() ||
        text == body.end() || !text->is_string()) {
        parsed.error = "event_id, chat_id, user.id and text are required";
        return parsed;
    }
    message.text = handlers::text::nfc(text->get<std::string>());
    message.received_at = options_.clock();
    parsed.kind = Parsed::Kind::message;
    parsed.reply_target = message.chat_id;
    return parsed;
}

Response GenericAdapter::render(const Parsed& /*parsed*/, const handlers::Reply& reply,
                                unsigned version, bool keep_alive) const {
    nlohmann::json out{{"ok", true}, {"text", reply.plain_text()}};
    if (!reply.empty()) out["reply"] = reply;
    return json_response(http::status::ok, out.dump(), version, keep_alive);
}

}  // namespace inmaek::bot::platforms
