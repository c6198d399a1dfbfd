#include "bot/outbound/slack_client.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <initializer_list>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace inmaek::bot::outbound {

namespace {

/// chat.postMessage errors that waiting will not fix: the channel or the message is wrong.
constexpr std::array<std::string_view, 16> kRefusedErrors = {"channel_not_found",
                                                             "not_in_channel",
                                                             "is_archived",
                                                             "invalid_blocks",
                                                             "invalid_blocks_format",
                                                             "msg_too_long",
                                                             "no_text",
                                                             "too_many_attachments",
                                                             "restricted_action",
                                                             "cannot_reply_to_message",
                                                             "invalid_arguments",
                                                             "invalid_arg_name",
                                                             "invalid_json",
                                                             "json_not_object",
                                                             "duplicate_channel_not_found",
                                                             "message_limit_exceeded"};

/// One name or value of an application/x-www-form-urlencoded body.
std::string form_encoded(std::string_view text) {
    std::string out;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (std::isalnum(byte) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
            out += c;
        } else {
            out += fmt::format("%{:02X}", byte);
        }
    }
    return out;
}

std::string form(std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
    std::string body;
    for (const auto& [name, value] : fields) {
        if (value.empty()) continue;
        if (!body.empty()) body += '&';
        body += form_encoded(name) + "=" + form_encoded(value);
    }
    return body;
}

/// Whether the bot token may go along to an upload URL: Slack's own hosts (files.slack.com) or
/// the configured API's, never a host an answer merely named.
bool trusted_upload_host(const Url& upload, const Url& base) {
    return upload.origin() == base.origin() ||
           (upload.tls() && (upload.host == "slack.com" || upload.host.ends_with(".slack.com")));
}

}  // namespace

SlackClient::SlackClient(SlackClientOptions options) : token_(std::move(options.bot_token)) {
    base_ = api_base_url(options.api_base_url, "slack.api_base_url");
    auto endpoint = base_.join("/api/chat.postMessage");
    if (!endpoint) throw std::invalid_argument("slack.api_base_url: " + endpoint.error().message);
    endpoint_ = std::move(*endpoint);
}

ClientRequest SlackClient::method_call(std::string_view method, std::string body) const {
    ClientRequest request;
    request.method = http::verb::post;
    // A method name is one of ours; joining it to a base that parsed cannot fail.
    request.url = *base_.join("/api/" + std::string{method});
    request.headers.set(http::field::authorization, "Bearer " + token_);
    request.headers.set(http::field::content_type, "application/x-www-form-urlencoded");
    request.body = std::move(body);
    return request;
}

Delivery SlackClient::call_result(const HttpResult& result, nlohmann::json& answer) const {
    auto delivery = interpret(result);
    if (delivery.outcome != Delivery::Outcome::sent) {
        // Without files:write no retry helps; the link goes instead.
        if (delivery.error.ends_with(": missing_scope")) {
            delivery.outcome = Delivery::Outcome::refuse;
        }
        return delivery;
    }
    answer = nlohmann::json::parse(result->body(), nullptr, false);
    return delivery;
}

Delivery SlackClient::send_file(const storage::OutboxMessage& message, const FileToSend& file,
                                HttpClient& http) const {
    const auto payload = nlohmann::json::parse(message.payload, nullptr, false);
    if (!payload.is_object() || !payload.value("channel_id", nlohmann::json{}).is_string()) {
        return Delivery{Delivery::Outcome::refuse, std::nullopt,
                        "payload is not a Slack file for a channel"};
    }
    nlohmann::json answer;
    auto delivery =
        call_result(http.send(method_call(
                        "files.getUploadURLExternal",
                        form({{"filename", file.name}, {"length", std::to_string(file.size)}}))),
                    answer);
    if (delivery.outcome != Delivery::Outcome::sent) return delivery;
    const auto upload_url = answer.value("upload_url", std::string{});
    const auto file_id = answer.value("file_id", std::string{});
    auto upload = parse_url(upload_url);
    if (!upload || file_id.empty()) {
        return Delivery{Delivery::Outcome::retry, std::nullopt,
                        "slack: files.getUploadURLExternal gave no usable upload_url and file_id"};
    }

    auto built = MultipartForm{}
                     .file("filename", file.name, file.path, file.size, file.content_type)
                     .build();
    ClientRequest bytes;
    bytes.method = http::verb::post;
    bytes.url = std::move(*upload);
    if (trusted_upload_host(bytes.url, base_)) {
        bytes.headers.set(http::field::authorization, "Bearer " + token_);
    }
    bytes.headers.set(http::field::content_type, built.content_type);
    bytes.timeout = upload_timeout(built.body.size());
    bytes.file_body = std::move(built.body);
    const auto uploaded = http.send(std::move(bytes));
    if (!uploaded) return no_answer(platform(), uploaded.error());
    if (uploaded->result_int() != 200) {
        const auto status = uploaded->result_int();
        Delivery failed{Delivery::Outcome::retry, std::nullopt,
                        "slack upload " + std::to_string(status)};
        if (status == 429) failed.retry_after = retry_after_header(*uploaded);
        return failed;
    }

    const auto files =
        nlohmann::json::array({{{"id", file_id}, {"title", payload.value("caption", file.name)}}})
            .dump();
    const auto channel = payload["channel_id"].get<std::string>();
    const auto thread = payload.value("thread_ts", std::string{});
    return call_result(
        http.send(
            method_call("files.completeUploadExternal",
                        form({{"files", files}, {"channel_id", channel}, {"thread_ts", thread}}))),
        answer);
}

boost::system::result<ClientRequest, std::string> SlackClient::request(
    const storage::OutboxMessage& message) const {
    const auto call = nlohmann::json::parse(message.payload, nullptr, false);
    if (!call.is_object() || !call.contains("channel") || !call["channel"].is_string()) {
        return std::string{"payload is not a chat.postMessage call"};
    }
    ClientRequest request;
    request.method = http::verb::post;
    request.url = endpoint_;
    request.headers.set(http::field::authorization, "Bearer " + token_);
    request.headers.set(http::field::content_type, "application/json; charset=utf-8");
    // The row holds exactly the arguments the adapter rendered; sent as they are.
    request.body = message.payload;
    return request;
}

Delivery SlackClient::interpret(const HttpResult& result) const {
    if (!result) return no_answer(platform(), result.error());
    Delivery delivery;
    const auto& response = *result;
    const auto status = response.result_int();
    if (status == 429) {
        delivery.retry_after = retry_after_header(response);
        delivery.error = "slack 429: rate limited";
        return delivery;
    }
    const auto body = nlohmann::json::parse(response.body(), nullptr, false);
    if (status == 200 && body.is_object() && body.value("ok", false)) {
        delivery.outcome = Delivery::Outcome::sent;
        return delivery;
    }
    const std::string error =
        body.is_object() && body.contains("error") && body["error"].is_string()
            ? body["error"].get<std::string>().substr(0, 200)
            : std::string{};
    delivery.error = "slack " + std::to_string(status) + (error.empty() ? "" : ": " + error);
    if (status == 200 &&
        std::find(kRefusedErrors.begin(), kRefusedErrors.end(), error) != kRefusedErrors.end()) {
        delivery.outcome = Delivery::Outcome::refuse;
    }
    // ratelimited, auth errors an operator can fix, 5xx, unknown errors: retried.
    return delivery;
}

RateLimits SlackClient::limits() const {
    return RateLimits{std::chrono::milliseconds{1000}, 0};
}

}  // namespace inmaek::bot::outbound
