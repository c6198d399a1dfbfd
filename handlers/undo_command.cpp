// /undo (/취소): takes back the sender's own last change (everything one message of theirs
// changed) within 10 minutes, from the audit log. Everything is checked before anything is
// written: a change that others built on since (a meeting at a company the change created, a
// later edit of the same lead) is refused whole, so an undo never leaves half a change behind.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <sstream>

#include "handlers/changes.hpp"
#include "handlers/format.hpp"
#include "handlers/router.hpp"
#include "handlers/text.hpp"

namespace inmaek::handlers {

namespace {

constexpr auto kUndoWindow = std::chrono::minutes{10};
// How far back the audit log is read to tell "too old" from "nothing": one day of the
// workspace's entries at most.
constexpr auto kLookBack = std::chrono::hours{24};
constexpr int kReferenceLimit = 20;

using Entries = std::vector<storage::AuditEntry>;

Msg thing_msg(std::string_view entity) {
    if (entity == "company") return Msg::thing_company;
    if (entity == "contact") return Msg::thing_contact;
    if (entity == "meeting") return Msg::thing_meeting;
    if (entity == "lead") return Msg::thing_lead;
    return Msg::thing_follow_up;
}

/// "Meeting #42 · 2025-02-04 11:00 KST · Kakao", or "Meeting #42" once it is gone.
std::string describe(Context& ctx, std::string_view entity, storage::Id id) {
    const auto ws = ctx.workspace.id;
    std::string detail;
    if (entity == "company") {
        if (auto c = ctx.db.companies().get(ws, id)) detail = " · " + c->name;
    } else if (entity == "contact") {
        if (auto c = ctx.db.contacts().get(ws, id)) detail = " · " + c->name;
    } else if (entity == "lead") {
        if (auto l = ctx.db.leads().get(ws, id)) detail = " · " + l->title;
    } else if (entity == "follow_up") {
        if (auto f = ctx.db.follow_ups().get(ws, id)) detail = " · " + f->text;
    } else if (entity == "meeting") {
        if (auto m = ctx.db.meetings().get(ws, id)) {
            detail = " · " + format_time(ctx, m->starts_at, m->has_time);
            std::vector<std::string> names;
            for (const auto& c : ctx.db.companies().get_many(ws, m->company_ids))
                names.push_back(c.name);
            if (!names.empty()) detail += " · " + join(names);
        }
    }
    return tr(ctx.lang, thing_msg(entity), id, detail);
}

bool is_creation(const storage::AuditEntry& e) {
    return e.action == "create";
}

bool undoable(const storage::AuditEntry& e) {
    if (is_creation(e)) {
        return e.entity == "company" || e.entity == "contact" || e.entity == "meeting" ||
               e.entity == "lead" || e.entity == "follow_up";
    }
    return (e.action == "update" && e.entity == "lead") ||
           (e.action == "done" && e.entity == "follow_up") ||
           (e.action == "merge" && e.entity == "company");
}

bool created_in(const Entries& entries, const storage::EntityRef& ref) {
    return std::any_of(entries.begin(), entries.end(), [&](const auto& e) {
        return is_creation(e) && e.entity == ref.entity && e.entity_id == ref.id;
    });
}

std::vector<storage::EntityRef> references(Context& ctx, const storage::AuditEntry& e) {
    const auto ws = ctx.workspace.id;
    if (e.entity == "company")
        return ctx.db.companies().references(ws, e.entity_id, kReferenceLimit);
    if (e.entity == "contact")
        return ctx.db.contacts().references(ws, e.entity_id, kReferenceLimit);
    if (e.entity == "meeting")
        return ctx.db.meetings().references(ws, e.entity_id, kReferenceLimit);
    if (e.entity == "lead") return ctx.db.leads().references(ws, e.entity_id, kReferenceLimit);
    return {};
}

bool exists(Context& ctx, std::string_view entity, storage::Id id) {
    const auto ws = ctx.workspace.id;
    if (entity == "company") return ctx.db.companies().get(ws, id).has_value();
    if (entity == "contact") return ctx.db.contacts().get(ws, id).has_value();
    if (entity == "meeting") return ctx.db.meetings().get(ws, id).has_value();
    if (entity == "lead") return ctx.db.leads().get(ws, id).has_value();
    return ctx.db.follow_ups().get(ws, id).has_value();
}

/// Why the merge cannot be taken back: a name of the duplicate now names another company.
std::optional<std::string> merge_blocker(Context& ctx, const storage::CompanyMerge& merge) {
    std::vector<std::string> keys{merge.duplicate.name_key};
    for (const auto& alias : merge.aliases) keys.push_back(alias.second);
    for (const auto& key : keys) {
        auto owner = ctx.db.companies().find_by_key(ctx.workspace.id, key);
        if (owner && owner->id != merge.into_id) {
            return tr(ctx.lang, Msg::undo_blocked, merge.duplicate.name,
                      describe(ctx, "company", owner->id));
        }
    }
    return std::nullopt;
}

/// Why the change cannot be undone, or nullopt when every part of it can.
std::optional<std::string> blocker(Context& ctx, const Entries& entries) {
    const auto last_id = entries.back().id;
    for (const auto& e : entries) {
        if (ctx.db.audit().changed_after(ctx.workspace.id, e.entity, e.entity_id, last_id)) {
            return tr(ctx.lang, Msg::undo_changed, describe(ctx, e.entity, e.entity_id));
        }
        if (e.action == "merge") {
            if (auto why =
                    merge_blocker(ctx, merge_from_json(nlohmann::json::parse(e.before_json))))
                return why;
            continue;
        }
        if (!exists(ctx, e.entity, e.entity_id)) {
            return tr(ctx.lang, Msg::undo_gone, describe(ctx, e.entity, e.entity_id));
        }
        if (e.action == "done" && !ctx.db.follow_ups().get(ctx.workspace.id, e.entity_id)->done) {
            return tr(ctx.lang, Msg::undo_changed, describe(ctx, e.entity, e.entity_id));
        }
        if (!is_creation(e)) continue;
        for (const auto& ref : references(ctx, e)) {
            if (!created_in(entries, ref)) {
                return tr(ctx.lang, Msg::undo_blocked, describe(ctx, e.entity, e.entity_id),
                          describe(ctx, ref.entity, ref.id));
            }
        }
    }
    return std::nullopt;
}

std::optional<storage::Day> day_from(const nlohmann::json& value) {
    if (!value.is_string()) return std::nullopt;
    int y = 0;
    unsigned m = 0;
    unsigned d = 0;
    char dash = 0;
    std::istringstream in(value.get<std::string>());
    in >> y >> dash >> m >> dash >> d;
    return storage::Day{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
}

/// The lead as its audit before-image says it was.
storage::Lead lead_before(storage::Lead lead, const nlohmann::json& image) {
    lead.title = image.at("title").get<std::string>();
    lead.stage = image.at("stage").get<std::string>();
    lead.note = image.at("note").get<std::string>();
    lead.company_ids = image.at("companies").get<std::vector<storage::Id>>();
    const auto& value = image.at("value");
    lead.value = value.is_null()
                     ? std::nullopt
                     : std::optional{storage::Money{value.at("amount").get<std::int64_t>(),
                                                    value.at("currency").get<std::string>()}};
    const auto& owner = image.at("owner");
    lead.owner_id = owner.is_null() ? std::nullopt : std::optional{owner.get<storage::Id>()};
    lead.due = day_from(image.at("due"));
    return lead;
}

/// Takes back one part of the change; returns what the reply says about it.
std::string undo_one(Context& ctx, const storage::AuditEntry& e) {
    const auto ws = ctx.workspace.id;
    auto what = describe(ctx, e.entity, e.entity_id);
    if (e.action == "update") {
        const auto current = ctx.db.leads().get_for_update(ws, e.entity_id).value();
        auto restored = lead_before(current, nlohmann::json::parse(e.before_json));
        restored.updated_at = ctx.now;
        // The move is taken out of the stage history, not answered by a move back: /history and
        // the pipeline's moves then read as though it had never been made.
        ctx.db.leads().restore(current, restored, ctx.now);
        return tr(ctx.lang, Msg::undo_lead, what, stage_label(ctx, restored.stage));
    }
    if (e.action == "done") {
        auto follow_up = ctx.db.follow_ups().get(ws, e.entity_id).value();
        follow_up.done = false;
        follow_up.done_at.reset();
        ctx.db.follow_ups().update(follow_up);
        return tr(ctx.lang, Msg::undo_done, what);
    }
    if (e.action == "merge") {
        const auto merge = merge_from_json(nlohmann::json::parse(e.before_json));
        ctx.db.companies().unmerge(ws, merge);
        const auto into = ctx.db.companies().get(ws, merge.into_id);
        return tr(ctx.lang, Msg::undo_merge, merge.duplicate.name, into ? into->name : "?",
                  merge.duplicate.name, merge.duplicate.id);
    }
    if (e.entity == "follow_up") ctx.db.follow_ups().remove(ws, e.entity_id);
    if (e.entity == "meeting") ctx.db.meetings().remove(ws, e.entity_id);
    if (e.entity == "lead") ctx.db.leads().remove(ws, e.entity_id);
    if (e.entity == "contact") ctx.db.contacts().remove(ws, e.entity_id);
    if (e.entity == "company") ctx.db.companies().remove(ws, e.entity_id);
    return what;
}

/// The part a reply leads with: the merge, meeting or lead rather than what came with it.
int rank(const storage::AuditEntry& e) {
    static constexpr std::array kOrder{"company", "contact", "follow_up", "lead", "meeting"};
    if (!is_creation(e)) return 10;
    const auto* at = std::find(kOrder.begin(), kOrder.end(), e.entity);
    return static_cast<int>(at - kOrder.begin());
}

Reply undo(Context& ctx, std::string_view args) {
    if (!text::trim(args).empty()) {
        return mistake(ctx, tr(ctx.lang, Msg::not_understood, text::trim(args)), Msg::usage_undo);
    }
    Reply reply;
    reply.lang = ctx.lang;
    const auto ws = ctx.workspace.id;
    const auto last = ctx.db.audit().last_of_user(ws, ctx.user.id, ctx.now - kLookBack);
    if (!last || ctx.user.id == 0) {
        reply.title = tr(ctx.lang, Msg::undo_nothing);
        return reply;
    }
    if (last->action == "undo") {
        reply.title = tr(ctx.lang, Msg::undo_already);
        return reply;
    }
    if (last->at < ctx.now - kUndoWindow) {
        reply.title = tr(ctx.lang, Msg::undo_too_old, describe(ctx, last->entity, last->entity_id),
                         format_time(ctx, last->at));
        return reply;
    }
    auto entries = ctx.db.audit().of_source(ws, ctx.user.id, last->source, last->at);
    for (const auto& e : entries) {
        if (!undoable(e)) {
            reply.title = tr(ctx.lang, Msg::undo_unsupported, e.action, e.entity);
            return reply;
        }
    }
    if (auto why = blocker(ctx, entries)) return mistake(ctx, *why, Msg::usage_undo);

    // Newest first: a follow-up goes before its meeting, a meeting before its new company.
    std::vector<std::pair<int, std::string>> undone;
    for (auto e = entries.rbegin(); e != entries.rend(); ++e) {
        undone.emplace_back(rank(*e), undo_one(ctx, *e));
        ctx.audit("undo", e->entity, e->entity_id, e->after_json,
                  nlohmann::json{{"undid", e->id}, {"action", e->action}}.dump());
    }
    std::stable_sort(undone.begin(), undone.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    const auto& lead = undone.front();
    auto ok = confirmation(
        ctx, lead.first == 10 ? lead.second : tr(ctx.lang, Msg::undo_created, lead.second));
    std::vector<std::string> also;
    for (std::size_t i = 1; i < undone.size(); ++i) also.push_back(undone[i].second);
    if (!also.empty()) ok.lines.push_back(tr(ctx.lang, Msg::undo_also, join(also)));
    return ok;
}

}  // namespace

void register_undo_command(Router& router) {
    router.add({"undo", {"취소", "되돌리기"}, Msg::summary_undo, Msg::usage_undo, undo});
}

}  // namespace inmaek::handlers
