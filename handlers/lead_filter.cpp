#include "handlers/lead_filter.hpp"

#include <array>
#include <charconv>
#include <set>

#include "handlers/lexer.hpp"
#include "handlers/money.hpp"
#include "handlers/stages.hpp"
#include "handlers/text.hpp"
#include "handlers/when.hpp"

namespace inmaek::handlers {

namespace {

using Kind = FilterError::Kind;

/// A key as written (English or Korean) and the filter it names.
struct Key {
    std::string_view written;
    std::string_view name;
};
constexpr std::array kKeys{
    Key{"stage", "stage"},  Key{"단계", "stage"},        Key{"company", "company"},
    Key{"회사", "company"}, Key{"owner", "owner"},       Key{"담당", "owner"},
    Key{"담당자", "owner"}, Key{"industry", "industry"}, Key{"업종", "industry"},
    Key{"value", "value"},  Key{"금액", "value"},        Key{"규모", "value"},
    Key{"since", "since"},  Key{"부터", "since"},        Key{"이후", "since"},
    Key{"until", "until"},  Key{"까지", "until"},        Key{"이전", "until"},
    Key{"due", "due"},      Key{"마감", "due"},          Key{"기한", "due"},
    Key{"sort", "sort"},    Key{"정렬", "sort"},         Key{"limit", "limit"},
    Key{"개수", "limit"},
};

struct SortKey {
    std::string_view written;
    storage::LeadSort sort;
};
constexpr std::array kSortKeys{
    SortKey{"value", storage::LeadSort::value},     SortKey{"금액", storage::LeadSort::value},
    SortKey{"due", storage::LeadSort::due},         SortKey{"마감", storage::LeadSort::due},
    SortKey{"created", storage::LeadSort::created}, SortKey{"생성", storage::LeadSort::created},
    SortKey{"등록", storage::LeadSort::created},    SortKey{"updated", storage::LeadSort::updated},
    SortKey{"수정", storage::LeadSort::updated},    SortKey{"최근", storage::LeadSort::updated},
    SortKey{"stage", storage::LeadSort::stage},     SortKey{"단계", storage::LeadSort::stage},
    SortKey{"title", storage::LeadSort::title},     SortKey{"제목", storage::LeadSort::title},
};

std::string_view key_name(std::string_view written) {
    const auto key = text::lower(written);
    for (const auto& entry : kKeys) {
        if (entry.written == key) return entry.name;
    }
    return {};
}

std::vector<std::string_view> known_keys() {
    std::vector<std::string_view> keys;
    keys.reserve(kKeys.size());
    for (const auto& entry : kKeys) keys.push_back(entry.written);
    return keys;
}

/// A comparison written into one word: `value>10억`, `금액<=$1M`.
struct Comparison {
    std::string key;
    std::string op;  ///< ">", ">=", "<", "<=", "="
    std::string value;
};

std::optional<Comparison> split_comparison(std::string_view word) {
    const auto at = word.find_first_of("<>=");
    if (at == std::string_view::npos || at == 0) return std::nullopt;
    std::size_t end = at + 1;
    if (end < word.size() && word[end] == '=' && word[at] != '=') ++end;
    return Comparison{std::string{word.substr(0, at)}, std::string{word.substr(at, end - at)},
                      std::string{word.substr(end)}};
}

class Parser {
public:
    explicit Parser(std::chrono::year_month_day today) : today_(today) {}

    ParsedLeadFilter run(std::string_view input) {
        const auto lexed = lex(input, known_keys());
        for (const auto& token : lexed.tokens) read(token);
        if (lexed.has_rest) fail(Kind::not_understood, ":" + lexed.rest);
        return std::move(parsed_);
    }

private:
    void read(const Token& token) {
        switch (token.kind) {
            case Token::Kind::option: return option(key_name(token.key), token.key, token.text);
            case Token::Kind::mention: return option("company", token.text, token.text);
            case Token::Kind::word:
                if (auto comparison = split_comparison(token.text)) {
                    if (key_name(comparison->key) == "value") return value(*comparison);
                }
                [[fallthrough]];
            default: fail(Kind::not_understood, token.text);
        }
    }

    void option(std::string_view name, const std::string& written, const std::string& value) {
        if (!seen_.insert(std::string{name}).second) return fail(Kind::repeated, written);
        auto& filter = parsed_.filter;
        if (name == "stage") {
            stages(value);
        } else if (name == "company") {
            filter.company = strip_at(value);
            if (filter.company.empty()) fail(Kind::not_understood, written + ":");
        } else if (name == "owner") {
            owner(value);
        } else if (name == "industry") {
            filter.industry = text::trim(value);
            if (filter.industry.empty()) fail(Kind::not_understood, written + ":");
        } else if (name == "value") {
            // value:>10억 reads as value>10억; value:10억 as at least 10억.
            seen_.erase("value");
            const auto comparison = split_comparison("value" + value);
            value_bound(comparison ? *comparison : Comparison{"value", ">=", value});
        } else if (name == "since" || name == "until" || name == "due") {
            date(name, value);
        } else if (name == "sort") {
            sort(value);
        } else if (name == "limit") {
            limit(value);
        } else {
            fail(Kind::not_understood, written + ":" + value);
        }
    }

    void value(const Comparison& comparison) { value_bound(comparison); }

    void value_bound(const Comparison& comparison) {
        const auto amount = parse_money(comparison.value);
        if (!amount) return fail(Kind::bad_money, comparison.value);
        const storage::ValueBound bound{{amount->minor, amount->currency},
                                        comparison.op.size() == 2 || comparison.op == "="};
        auto& filter = parsed_.filter;
        const bool above = comparison.op[0] == '>' || comparison.op == "=";
        const bool below = comparison.op[0] == '<' || comparison.op == "=";
        if ((above && filter.value_above) || (below && filter.value_below)) {
            return fail(Kind::repeated, comparison.key + comparison.op);
        }
        if (above) filter.value_above = bound;
        if (below) filter.value_below = bound;
    }

    void stages(const std::string& value) {
        for (const auto& item : text::split_list(value)) {
            const auto folded = text::lower(item);
            if (folded == "open" || folded == "진행") {
                for (const auto& stage : handlers::stages()) {
                    if (!stage.closed) parsed_.filter.stages.emplace_back(stage.name);
                }
            } else if (auto stage = stage_from_text(item)) {
                parsed_.filter.stages.push_back(*stage);
            } else {
                fail(Kind::bad_stage, item);
            }
        }
        if (parsed_.filter.stages.empty() && parsed_.errors.empty()) {
            fail(Kind::bad_stage, value);
        }
    }

    void owner(const std::string& value) {
        const auto who = text::lower(strip_at(value));
        OwnerFilter owner;
        if (who == "me" || who == "나" || who == "내") {
            owner.kind = OwnerFilter::Kind::me;
        } else if (who == "none" || who == "nobody" || who == "없음") {
            owner.kind = OwnerFilter::Kind::nobody;
        } else if (!who.empty()) {
            owner = {OwnerFilter::Kind::named, strip_at(value)};
        } else {
            return fail(Kind::not_understood, "owner:");
        }
        parsed_.filter.owner = owner;
    }

    void date(std::string_view name, const std::string& value) {
        auto& filter = parsed_.filter;
        const auto folded = text::lower(value);
        if (name == "due" && (folded == "overdue" || folded == "지연")) {
            filter.due =
                std::chrono::year_month_day{std::chrono::sys_days{today_} - std::chrono::days{1}};
            return;
        }
        const auto when = parse_when_text(value, today_);
        if (!when || !when->date) return fail(Kind::bad_date, value);
        (name == "since" ? filter.since : name == "until" ? filter.until : filter.due) = when->date;
    }

    void sort(const std::string& value) {
        std::string_view key{value};
        bool descending = false;
        if (key.starts_with('-')) {
            descending = true;
            key.remove_prefix(1);
        } else if (key.starts_with('+')) {
            key.remove_prefix(1);
        }
        const auto folded = text::lower(key);
        for (const auto& entry : kSortKeys) {
            if (entry.written == folded) {
                parsed_.filter.sort = entry.sort;
                parsed_.filter.descending = descending;
                return;
            }
        }
        fail(Kind::bad_sort, value);
    }

    void limit(const std::string& value) {
        int number = 0;
        const auto* end = value.data() + value.size();
        const auto [used, error] = std::from_chars(value.data(), end, number);
        if (error != std::errc{} || used != end || number < 1 || number > kMaxLeadLimit) {
            return fail(Kind::bad_limit, value);
        }
        parsed_.filter.limit = number;
    }

    static std::string strip_at(std::string_view value) {
        auto trimmed = text::trim(value);
        if (trimmed.starts_with('@')) trimmed.erase(0, 1);
        return trimmed;
    }

    void fail(Kind kind, std::string text) { parsed_.errors.push_back({kind, std::move(text)}); }

    std::chrono::year_month_day today_;
    ParsedLeadFilter parsed_;
    std::set<std::string> seen_;
};

}  // namespace

ParsedLeadFilter parse_lead_filter(std::string_view text, std::chrono::year_month_day today) {
    return Parser(today).run(text);
}

}  // namespace inmaek::handlers
