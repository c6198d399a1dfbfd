#pragma once

// The filter language of /leads (/리드목록), read into a typed filter. A pure function of the
// text and today's date: chat and the REST API read filters through it, and each says what
// went wrong in its own words.
//
//   stage:negotiation,poc  company:Kakao (or @Kakao)  owner:me|none|@minji  industry:반도체
//   value>10억  value<=$1M  since:2025-01-01  until:2/28  due:2/11|overdue
//   sort:-value (value, due, created, updated, stage, title; '-' for descending)  limit:20
//
// Korean keys: 단계 회사 담당(자) 업종 금액/규모 부터/이후 까지/이전 마감/기한 정렬 개수.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/records.hpp"

namespace inmaek::handlers {

/// Whose leads: the sender's, nobody's, or a team member's by @handle or name.
struct OwnerFilter {
    enum class Kind { me, nobody, named };
    Kind kind = Kind::me;
    std::string name;  ///< for named, without '@'
    friend bool operator==(const OwnerFilter&, const OwnerFilter&) = default;
};

/// A lead filter as written: names not yet resolved, dates local to the workspace.
struct LeadFilterSpec {
    std::vector<std::string> stages;  ///< stored stage names
    std::string company;              ///< "" for any
    std::optional<OwnerFilter> owner;
    std::string industry;
    std::optional<storage::ValueBound> value_above;
    std::optional<storage::ValueBound> value_below;
    std::optional<std::chrono::year_month_day> since;  ///< created on or after
    std::optional<std::chrono::year_month_day> until;  ///< created on or before
    std::optional<std::chrono::year_month_day> due;    ///< due on or before
    storage::LeadSort sort = storage::LeadSort::updated;
    bool descending = true;
    int limit = 20;
};

/// What one piece of a filter got wrong.
struct FilterError {
    enum class Kind {
        not_understood,  ///< neither a filter nor a comparison: `text` is the piece
        bad_stage,       ///< `text` is the stage written
        bad_money,       ///< `text` is the amount written
        bad_date,        ///< `text` is the date written
        bad_sort,        ///< `text` is the sort key written
        bad_limit,       ///< `text` is the limit written
        repeated,        ///< `text` is the key given twice
    };
    Kind kind = Kind::not_understood;
    std::string text;
    friend bool operator==(const FilterError&, const FilterError&) = default;
};

/// A filter, or every mistake in it (then `filter` is not to be used).
struct ParsedLeadFilter {
    LeadFilterSpec filter;
    std::vector<FilterError> errors;
    [[nodiscard]] bool ok() const { return errors.empty(); }
};

/// The largest `limit:`.
inline constexpr int kMaxLeadLimit = 100;

/// Reads /leads filters; `today` is the local date that relative dates count from.
ParsedLeadFilter parse_lead_filter(std::string_view text, std::chrono::year_month_day today);

}  // namespace inmaek::handlers
