#include "handlers/lead_query.hpp"

#include "handlers/catalog.hpp"
#include "handlers/format.hpp"
#include "handlers/lead_filter.hpp"
#include "handlers/resolve.hpp"
#include "handlers/text.hpp"

namespace inmaek::handlers {

namespace {

/// The text of one filter mistake.
std::string error_text(Lang lang, const FilterError& error) {
    switch (error.kind) {
        case FilterError::Kind::bad_stage: return tr(lang, Msg::unknown_stage, error.text);
        case FilterError::Kind::bad_money: return tr(lang, Msg::bad_money, error.text);
        case FilterError::Kind::bad_date: return tr(lang, Msg::bad_date, error.text);
        case FilterError::Kind::bad_sort: return tr(lang, Msg::bad_sort, error.text);
        case FilterError::Kind::bad_limit: return tr(lang, Msg::bad_limit, error.text);
        case FilterError::Kind::repeated: return tr(lang, Msg::filter_repeated, error.text);
        case FilterError::Kind::not_understood: break;
    }
    return tr(lang, Msg::not_understood, error.text);
}

/// The storage filter of a written one: names resolved, local days turned into UTC bounds.
/// Returns the mistake instead when a name is unknown.
std::optional<std::string> resolve_filter(Context& ctx, const LeadFilterSpec& spec,
                                          storage::LeadFilter& filter) {
    filter.stages = spec.stages;
    if (!spec.company.empty()) {
        const auto company =
            ctx.db.companies().find_by_key(ctx.workspace.id, text::fold_key(spec.company));
        if (!company) return tr(ctx.lang, Msg::company_not_found, spec.company);
        filter.company_id = company->id;
    }
    if (spec.owner) {
        switch (spec.owner->kind) {
            case OwnerFilter::Kind::me:
                // An API key acts for nobody (user id 0): "me" means no one there.
                if (ctx.user.id == 0) return tr(ctx.lang, Msg::not_understood, "owner:me");
                filter.owner_id = ctx.user.id;
                break;
            case OwnerFilter::Kind::nobody: filter.unowned = true; break;
            case OwnerFilter::Kind::named:
                const auto member = find_member(ctx, spec.owner->name);
                if (!member) return tr(ctx.lang, Msg::member_not_found, spec.owner->name);
                filter.owner_id = member->id;
        }
    }
    filter.industry = spec.industry;
    filter.value_above = spec.value_above;
    filter.value_below = spec.value_below;
    if (spec.since) filter.created_from = to_utc(ctx, *spec.since, std::nullopt);
    if (spec.until) {
        const auto next =
            std::chrono::year_month_day{std::chrono::sys_days{*spec.until} + std::chrono::days{1}};
        filter.created_before = to_utc(ctx, next, std::nullopt);
    }
    if (spec.due) filter.due_by = std::chrono::sys_days{*spec.due};
    filter.sort = spec.sort;
    filter.descending = spec.descending;
    filter.limit = spec.limit;
    return std::nullopt;
}

}  // namespace

boost::system::result<storage::Page<storage::LeadListItem>, std::string> query_leads(
    Context& ctx, std::string_view filter_text, LeadWindow window) {
    const auto parsed = parse_lead_filter(filter_text, ctx.today());
    if (!parsed.ok()) {
        std::vector<std::string> problems;
        for (const auto& error : parsed.errors) problems.push_back(error_text(ctx.lang, error));
        return join(problems, " ");
    }
    storage::LeadFilter filter;
    if (auto problem = resolve_filter(ctx, parsed.filter, filter)) return std::move(*problem);
    if (window.limit) filter.limit = *window.limit;
    filter.offset = window.offset;
    return ctx.db.leads().list(ctx.workspace.id, filter);
}

}  // namespace inmaek::handlers
