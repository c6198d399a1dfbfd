#pragma once

// The operations of /api/v1 over the chat language's writes (handlers/changes.hpp): each reads a
// parsed request (path id, query, JSON body) within one transaction and one workspace, and
// answers JSON or throws ApiError. Nothing here knows HTTP beyond the status of its answer.

#include <boost/beast/http/status.hpp>
#include <nlohmann/json.hpp>

#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "handlers/context.hpp"

namespace inmaek::bot::api {

/// A request refused: answered as application/problem+json; the transaction is rolled back.
class ApiError : public std::runtime_error {
public:
    ApiError(boost::beast::http::status status, const std::string& detail)
        : std::runtime_error(detail), status_(status) {}
    [[nodiscard]] boost::beast::http::status status() const { return status_; }

private:
    boost::beast::http::status status_;
};

/// One parsed request, handed to an operation.
struct Call {
    handlers::Context& ctx;
    std::optional<storage::Id> id;  ///< the path's {id}
    const std::vector<std::pair<std::string, std::string>>& query;
    const nlohmann::json& body;  ///< a JSON object for POST and PATCH, else null
};

/// What an operation answers: 200 with a body, 201 with the created record, 204 without one.
// NOLINTNEXTLINE(bugprone-exception-escape): json's noexcept moves only assert its invariants
struct Answer {
    boost::beast::http::status status = boost::beast::http::status::ok;
    nlohmann::json body;
};

using Operation = Answer (*)(const Call& call);

// One function per route; see ApiService::routes() for the table.
Answer list_companies(const Call& call);
Answer get_company(const Call& call);
Answer create_company(const Call& call);
Answer update_company(const Call& call);
Answer list_contacts(const Call& call);
Answer get_contact(const Call& call);
Answer create_contact(const Call& call);
Answer update_contact(const Call& call);
Answer list_meetings(const Call& call);
Answer get_meeting(const Call& call);
Answer create_meeting(const Call& call);
Answer list_leads(const Call& call);
Answer get_lead(const Call& call);
Answer create_lead(const Call& call);
Answer update_lead(const Call& call);
Answer list_follow_ups(const Call& call);
Answer get_follow_up(const Call& call);
Answer create_follow_up(const Call& call);
Answer update_follow_up(const Call& call);
Answer delete_follow_up(const Call& call);
Answer search(const Call& call);
Answer company_history(const Call& call);
Answer get_pipeline(const Call& call);
Answer find_path(const Call& call);

/// The opaque cursor that continues a list after `id`, and back; nullopt for a cursor that is
/// not one.
std::string encode_cursor(storage::Id after_id);
std::optional<storage::Id> decode_cursor(std::string_view cursor);

}  // namespace inmaek::bot::api
