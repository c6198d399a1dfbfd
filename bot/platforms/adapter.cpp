#include "bot/platforms/adapter.hpp"

namespace inmaek::bot::platforms {

Response Adapter::acknowledge(unsigned version, bool keep_alive) const {
    Response response{http::status::ok, version};
    response.keep_alive(keep_alive);
    response.prepare_payload();
    return response;
}

Response Adapter::acknowledge(const Parsed& /*parsed*/, unsigned version, bool keep_alive) const {
    return acknowledge(version, keep_alive);
}

std::optional<Push> Adapter::push(const Parsed& /*parsed*/,
                                  const handlers::Reply& /*reply*/) const {
    return std::nullopt;
}

std::optional<Push> Adapter::push_file(const Parsed& /*parsed*/,
                                       const handlers::Reply& /*reply*/) const {
    return std::nullopt;
}

std::optional<Push> Adapter::push_instead_of_file(std::string_view destination,
                                                  std::string_view /*file_payload*/,
                                                  const handlers::Reply& reply) const {
    return push_to(destination, reply);
}

boost::json::object file_fields(const handlers::Reply& reply) {
    boost::json::object fields;
    if (reply.attachment) {
        fields["export"] = reply.attachment->export_kind;
        fields["caption"] = reply.attachment->caption;
    }
    fields["lang"] = reply.lang == handlers::Lang::ko ? "ko" : "en";
    return fields;
}

std::optional<Push> Adapter::push_to(std::string_view /*destination*/,
                                     const handlers::Reply& /*reply*/) const {
    return std::nullopt;
}

Response json_response(http::status status, std::string body, unsigned version, bool keep_alive,
                       std::string_view content_type) {
    Response response{status, version};
    response.set(http::field::content_type, content_type);
    response.keep_alive(keep_alive);
    response.body() = std::move(body);
    response.prepare_payload();
    return response;
}

std::vector<Push> push_parts(const Adapter& adapter, std::string_view destination,
                             const handlers::Reply& reply) {
    std::vector<Push> pushes;
    for (const auto& part : handlers::split_reply(reply, adapter.push_chars())) {
        auto push = adapter.push_to(destination, part);
        if (!push) return {};
        pushes.push_back(std::move(*push));
    }
    return pushes;
}

}  // namespace inmaek::bot::platforms
