#pragma once

// The leads a filter of the /leads language selects in one workspace: the text read by the pure
// parser (lead_filter.hpp), its names (company:, owner:) resolved in the workspace, one query.
// Chat (/leads) and the REST API (GET /api/v1/leads?q=) both ask through here, so they agree on
// every filter and every mistake.

#include <boost/system/result.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "handlers/context.hpp"
#include "storage/records.hpp"

namespace inmaek::handlers {

/// Where a list of leads starts and how long it is; by default the filter's own `limit:`.
struct LeadWindow {
    int offset = 0;
    std::optional<int> limit;
};

/// The matching leads (at most the window's limit, from its offset) and how many match in all;
/// or every mistake of the filter, in the context's language ("I could not read the amount
/// 'lots'. No company called 'Nope'."), with nothing read.
boost::system::result<storage::Page<storage::LeadListItem>, std::string> query_leads(
    Context& ctx, std::string_view filter_text, LeadWindow window = {});

}  // namespace inmaek::handlers
