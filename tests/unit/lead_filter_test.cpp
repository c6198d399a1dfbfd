// The /leads filter language (handlers/lead_filter.hpp) as a table: what a person types and
// the filter it must give, rendered as a short string so that a failure shows both side by side.
#include <gtest/gtest.h>

#include <chrono>
#include <ostream>
#include <string>

#include "handlers/lead_filter.hpp"

namespace {

namespace chr = std::chrono;
using inmaek::handlers::FilterError;
using inmaek::handlers::LeadFilterSpec;
using inmaek::handlers::OwnerFilter;
using inmaek::handlers::parse_lead_filter;
using inmaek::storage::LeadSort;
using inmaek::storage::ValueBound;

// A Tuesday; the real clock is never consulted.
constexpr chr::year_month_day kToday{chr::year{2025}, chr::February, chr::day{4}};

std::string day_text(const chr::year_month_day& day) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(day.year()),
                  static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()));
    return buffer;
}

std::string bound_text(const char* op, const ValueBound& bound) {
    return std::string{op} + (bound.inclusive ? "=" : "") + bound.value.currency + " " +
           std::to_string(bound.value.amount);
}

const char* sort_name(LeadSort sort) {
    switch (sort) {
        case LeadSort::updated: return "updated";
        case LeadSort::created: return "created";
        case LeadSort::value: return "value";
        case LeadSort::due: return "due";
        case LeadSort::stage: return "stage";
        case LeadSort::title: return "title";
    }
    return "?";
}

const char* error_name(FilterError::Kind kind) {
    switch (kind) {
        case FilterError::Kind::not_understood: return "not_understood";
        case FilterError::Kind::bad_stage: return "bad_stage";
        case FilterError::Kind::bad_money: return "bad_money";
        case FilterError::Kind::bad_date: return "bad_date";
        case FilterError::Kind::bad_sort: return "bad_sort";
        case FilterError::Kind::bad_limit: return "bad_limit";
        case FilterError::Kind::repeated: return "repeated";
    }
    return "?";
}

/// The parts of a filter that differ from "every lead, recently updated first, 20".
std::string render(const LeadFilterSpec& f) {
    std::string out;
    const auto add = [&out](const std::string& part) { out += (out.empty() ? "" : " ") + part; };
    if (!f.stages.empty()) {
        std::string list;
        for (const auto& stage : f.stages) list += (list.empty() ? "" : ",") + stage;
        add("stage=" + list);
    }
    if (!f.company.empty()) add("company=" + f.company);
    if (f.owner) {
        add(f.owner->kind == OwnerFilter::Kind::me       ? "owner=me"
            : f.owner->kind == OwnerFilter::Kind::nobody ? "owner=none"
                                                         : "owner=" + f.owner->name);
    }
    if (!f.industry.empty()) add("industry=" + f.industry);
    if (f.value_above) add(bound_text("value>", *f.value_above));
    if (f.value_below) add(bound_text("value<", *f.value_below));
    if (f.since) add("since=" + day_text(*f.since));
    if (f.until) add("until=" + day_text(*f.until));
    if (f.due) add("due=" + day_text(*f.due));
    if (f.sort != LeadSort::updated || !f.descending) {
        add(std::string{"sort="} + (f.descending ? "-" : "") + sort_name(f.sort));
    }
    if (f.limit != 20) add("limit=" + std::to_string(f.limit));
    return out.empty() ? "all" : out;
}

std::string parse(const std::string& input) {
    const auto parsed = parse_lead_filter(input, kToday);
    if (parsed.ok()) return render(parsed.filter);
    std::string out = "error";
    for (const auto& error : parsed.errors) {
        out += std::string{" "} + error_name(error.kind) + ":" + error.text;
    }
    return out;
}

struct FilterCase {
    const char* input;
    const char* expected;
};

void PrintTo(const FilterCase& c, std::ostream* os) {
    *os << '"' << c.input << "\" → \"" << c.expected << '"';
}

class LeadFilterTable : public ::testing::TestWithParam<FilterCase> {};

TEST_P(LeadFilterTable, ReadsTheFilter) {
    EXPECT_EQ(parse(GetParam().input), GetParam().expected) << GetParam().input;
}

constexpr FilterCase kValid[] = {
    {"", "all"},
    {"stage:negotiation", "stage=negotiation"},
    {"단계:협상", "stage=negotiation"},
    {"stage:Negotiation,poc", "stage=negotiation,poc"},
    {"단계:제안,PoC,계약", "stage=proposal,poc,signed"},
    {"stage:open", "stage=new,contacted,meeting,proposal,poc,mou,negotiation"},
    {"company:Kakao", "company=Kakao"},
    {"회사:카카오", "company=카카오"},
    {"@카카오", "company=카카오"},
    {"company:\"SK Group\"", "company=SK Group"},
    {"owner:me", "owner=me"},
    {"담당:나", "owner=me"},
    {"owner:@minji", "owner=minji"},
    {"담당자:@지우", "owner=지우"},
    {"owner:none", "owner=none"},
    {"industry:반도체", "industry=반도체"},
    {"업종:\"AI 반도체\"", "industry=AI 반도체"},
    {"value>10억", "value>KRW 1000000000"},
    {"금액>10억", "value>KRW 1000000000"},
    {"value>=50억", "value>=KRW 5000000000"},
    {"value<$1M", "value<USD 100000000"},
    {"value<=5천만원", "value<=KRW 50000000"},
    {"value:10억", "value>=KRW 1000000000"},
    {"value:>10억", "value>KRW 1000000000"},
    {"value>10억 value<100억", "value>KRW 1000000000 value<KRW 10000000000"},
    {"since:2025-01-01", "since=2025-01-01"},
    {"부터:1/15 까지:\"2월 4일\"", "since=2025-01-15 until=2025-02-04"},
    {"until:yesterday", "until=2025-02-03"},
    {"due:2/11", "due=2025-02-11"},
    {"마감:내일", "due=2025-02-05"},
    {"due:overdue", "due=2025-02-03"},
    {"sort:-value", "sort=-value"},
    {"정렬:-금액", "sort=-value"},
    {"sort:due", "sort=due"},
    {"sort:+created", "sort=created"},
    {"limit:5", "limit=5"},
    {"개수:100", "limit=100"},
    {"stage:협상 company:카카오 value>10억 owner:me sort:-value limit:10",
     "stage=negotiation company=카카오 owner=me value>KRW 1000000000 sort=-value limit=10"},
    {"단계:협상 업종:반도체 금액>10억 정렬:-금액",
     "stage=negotiation industry=반도체 value>KRW 1000000000 sort=-value"},
};
INSTANTIATE_TEST_SUITE_P(Valid, LeadFilterTable, ::testing::ValuesIn(kValid));

constexpr FilterCase kInvalid[] = {
    {"stage:maybe", "error bad_stage:maybe"},
    {"단계:보류", "error bad_stage:보류"},
    {"stage:poc,later", "error bad_stage:later"},
    {"value>lots", "error bad_money:lots"},
    {"value>-5", "error bad_money:-5"},
    {"since:someday", "error bad_date:someday"},
    {"due:later", "error bad_date:later"},
    {"sort:color", "error bad_sort:color"},
    {"sort:-", "error bad_sort:-"},
    {"limit:0", "error bad_limit:0"},
    {"limit:101", "error bad_limit:101"},
    {"limit:ten", "error bad_limit:ten"},
    {"stage:poc stage:mou", "error repeated:stage"},
    {"value>1억 value>2억", "error repeated:value>"},
    {"kakao", "error not_understood:kakao"},
    {"color:red", "error not_understood:color:red"},
    {"price>10억", "error not_understood:price>10억"},
    // A date of several words is quoted, or its words are read as filters of their own.
    {"부터:1/15 까지:2월 4일", "error bad_date:2월 not_understood:4일"},
    {"stage:협상 negotiation sort:size", "error not_understood:negotiation bad_sort:size"},
};
INSTANTIATE_TEST_SUITE_P(Invalid, LeadFilterTable, ::testing::ValuesIn(kInvalid));

}  // namespace
