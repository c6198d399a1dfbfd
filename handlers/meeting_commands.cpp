// /meet (/회의 /미팅): one line or a block of `key: value` lines.
#include <nlohmann/json.hpp>

#include "handlers/changes.hpp"
#include "handlers/format.hpp"
#include "handlers/lexer.hpp"
#include "handlers/resolve.hpp"
#include "handlers/router.hpp"
#include "handlers/text.hpp"
#include "handlers/when.hpp"

namespace inmaek::handlers {

namespace {

/// What a /meet says, before anything is stored.
struct MeetingDraft {
    std::optional<std::chrono::year_month_day> date;
    std::optional<std::chrono::minutes> time;
    std::vector<std::string> companies;
    std::vector<std::string> people;
    std::string place;
    std::string notes;
    std::string next;  ///< follow-up text, may end with a due date
    std::optional<storage::Id> lead_id;
};

enum class Field { when, companies, people, place, notes, next, lead, unknown };

Field field_of(std::string_view key) {
    const auto k = text::lower(key);
    if (k == "when" || k == "date" || k == "일시" || k == "날짜" || k == "시간") return Field::when;
    if (k == "companies" || k == "company" || k == "회사") return Field::companies;
    if (k == "with" || k == "people" || k == "참석" || k == "참석자") return Field::people;
    if (k == "at" || k == "place" || k == "장소") return Field::place;
    if (k == "notes" || k == "note" || k == "내용" || k == "메모") return Field::notes;
    if (k == "next" || k == "후속" || k == "follow-up" || k == "followup") return Field::next;
    if (k == "lead" || k == "리드") return Field::lead;
    return Field::unknown;
}

const std::vector<std::string_view> kKeys{"when",  "date", "일시",   "날짜", "companies", "company",
                                          "회사",  "with", "people", "참석", "참석자",    "at",
                                          "place", "장소", "notes",  "note", "내용",      "메모",
                                          "next",  "후속", "lead",   "리드"};

std::vector<std::string> words_of(std::string_view value) {
    std::vector<std::string> words;
    std::string current;
    for (const char c : value) {
        if (c == ' ' || c == '\t') {
            if (!current.empty()) words.push_back(std::move(current));
            current.clear();
        } else {
            current += c;
        }
    }
    if (!current.empty()) words.push_back(std::move(current));
    return words;
}

std::string strip_at(std::string name) {
    if (name.starts_with('@')) name.erase(0, 1);
    return text::trim(name);
}

/// Applies one `key: value` (block line or option token); returns an error text or "".
std::string apply_field(const Context& ctx, MeetingDraft& draft, Field field,
                        const std::string& value) {
    switch (field) {
        case Field::when: {
            const auto when = parse_when_text(value, ctx.today());
            if (!when) return tr(ctx.lang, Msg::bad_date, value);
            draft.date = when->date ? when->date : draft.date;
            draft.time = when->time_of_day ? when->time_of_day : draft.time;
            return {};
        }
        case Field::companies:
            for (auto& name : text::split_list(value)) draft.companies.push_back(strip_at(name));
            return {};
        case Field::people:
            for (auto& name : text::split_list(value)) draft.people.push_back(name);
            return {};
        case Field::place: draft.place = text::trim(value); return {};
        case Field::notes:
            draft.notes += draft.notes.empty() ? text::trim(value) : "\n" + text::trim(value);
            return {};
        case Field::next: draft.next = text::trim(value); return {};
        case Field::lead: {
            auto digits = text::trim(value);
            if (digits.starts_with('#')) digits.erase(0, 1);
            try {
                std::size_t used = 0;
                draft.lead_id = std::stoll(digits, &used);
                if (used != digits.size()) throw std::invalid_argument{digits};
            } catch (const std::exception&) {
                return tr(ctx.lang, Msg::bad_lead_id, value);
            }
            return {};
        }
        case Field::unknown: break;
    }
    return tr(ctx.lang, Msg::unknown_field, value);
}

/// The `key: value` block form, which people paste from their notes.
std::string parse_block(const Context& ctx, std::string_view args, MeetingDraft& draft) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start <= args.size()) {
        const auto end = args.find('\n', start);
        lines.emplace_back(args.substr(start, end == std::string_view::npos ? end : end - start));
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
    // The first line may hold the date and companies, like the one-line form.
    Field last = Field::notes;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const auto line = text::trim(lines[i]);
        if (line.empty()) continue;
        auto colon = line.find(':');
        // A full-width colon from a Korean keyboard.
        std::size_t colon_size = 1;
        if (const auto wide = line.find("\xEF\xBC\x9A");
            wide != std::string::npos && (colon == std::string::npos || wide < colon)) {
            colon = wide;
            colon_size = 3;
        }
        const auto key =
            colon == std::string::npos ? std::string{} : text::trim(line.substr(0, colon));
        const auto field = key.empty() ? Field::unknown : field_of(key);
        if (field != Field::unknown) {
            if (auto error = apply_field(ctx, draft, field, line.substr(colon + colon_size));
                !error.empty()) {
                return error;
            }
            last = field;
            continue;
        }
        if (i == 0) {
            // First line: when and @companies.
            auto words = words_of(line);
            const auto when = parse_when(words, ctx.today());
            if (when.words_used > 0) {
                draft.date = when.date;
                draft.time = when.time_of_day;
            }
            for (std::size_t w = when.words_used; w < words.size(); ++w) {
                if (words[w].starts_with('@')) {
                    draft.companies.push_back(strip_at(words[w]));
                } else {
                    return tr(ctx.lang, Msg::not_understood, words[w]);
                }
            }
            continue;
        }
        if (!key.empty() && key.find(' ') == std::string::npos && key.size() <= 20) {
            return tr(ctx.lang, Msg::unknown_field, key);
        }
        // A line without a key continues the previous field (multi-line notes).
        if (auto error = apply_field(ctx, draft, last, line); !error.empty()) return error;
    }
    return {};
}

/// The one-line form: [when] @Company… [with Name, Name] [at Place] : notes
std::string parse_line(const Context& ctx, std::string_view args, MeetingDraft& draft) {
    const auto lexed = lex(args, kKeys);
    enum class State { free, people, place } state = State::free;
    std::string people;
    std::string place;
    bool when_seen = false;
    const auto& tokens = lexed.tokens;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const auto& token = tokens[i];
        if (token.kind == Token::Kind::mention) {
            draft.companies.push_back(token.text);
            state = State::free;
            continue;
        }
        if (token.kind == Token::Kind::option) {
            const auto field = field_of(token.key);
            if (field == Field::people) {
                state = State::people;
                if (!token.text.empty()) people += (people.empty() ? "" : " ") + token.text;
                continue;
            }
            if (field == Field::place) {
                state = State::place;
                if (!token.text.empty()) place += (place.empty() ? "" : " ") + token.text;
                continue;
            }
            if (auto error = apply_field(ctx, draft, field, token.text); !error.empty()) {
                return error;
            }
            state = State::free;
            continue;
        }
        if (token.kind == Token::Kind::colon) break;
        const auto lowered = text::lower(token.text);
        if (token.kind == Token::Kind::word &&
            (lowered == "with" || lowered == "참석" || lowered == "참석자")) {
            state = State::people;
            continue;
        }
        if (token.kind == Token::Kind::word && (lowered == "at" || lowered == "장소")) {
            state = State::place;
            continue;
        }
        if (state == State::people) {
            people += (people.empty() ? "" : " ") + token.text;
            continue;
        }
        if (state == State::place) {
            place += (place.empty() ? "" : " ") + token.text;
            continue;
        }
        if (!when_seen && token.kind == Token::Kind::word) {
            // A date and time may be written before or after the companies.
            std::vector<std::string> words;
            for (std::size_t j = i; j < tokens.size() && tokens[j].kind == Token::Kind::word; ++j) {
                words.push_back(tokens[j].text);
            }
            const auto when = parse_when(words, ctx.today());
            if (when.words_used > 0) {
                draft.date = when.date;
                draft.time = when.time_of_day;
                when_seen = true;
                i += when.words_used - 1;
                continue;
            }
        }
        return tr(ctx.lang, Msg::not_understood, token.text);
    }
    for (auto& name : text::split_list(people)) draft.people.push_back(std::move(name));
    if (!place.empty()) draft.place = text::trim(place);
    if (lexed.has_rest) draft.notes = lexed.rest;
    return {};
}

Reply meet(Context& ctx, std::string_view args) {
    MeetingDraft draft;
    const bool block = args.find('\n') != std::string_view::npos;
    if (auto error = block ? parse_block(ctx, args, draft) : parse_line(ctx, args, draft);
        !error.empty()) {
        return mistake(ctx, std::move(error), Msg::usage_meet);
    }
    if (draft.companies.empty())
        return mistake(ctx, tr(ctx.lang, Msg::meet_needs_company), Msg::usage_meet);
    if (draft.lead_id && !ctx.db.leads().get(ctx.workspace.id, *draft.lead_id)) {
        return mistake(ctx, tr(ctx.lang, Msg::lead_not_found, *draft.lead_id), Msg::usage_meet);
    }
    std::optional<TrailingDue> next;
    if (!draft.next.empty()) {
        next = split_trailing_due(draft.next, ctx.today());
        if (next->text.empty())
            return mistake(ctx, tr(ctx.lang, Msg::todo_needs_text), Msg::usage_meet);
    }

    // Everything is understood: from here on we write.
    const auto companies = resolve_companies(ctx, draft.companies);
    // A new person met with a single company is taken to work there.
    const std::optional<storage::Id> home =
        companies.size() == 1 ? std::optional{companies.front().record.id} : std::nullopt;
    const auto contacts = resolve_contacts(ctx, draft.people, home);

    storage::Meeting meeting;
    meeting.workspace_id = ctx.workspace.id;
    meeting.has_time = draft.time.has_value();
    meeting.starts_at = draft.date || draft.time
                            ? to_utc(ctx, draft.date.value_or(ctx.today()), draft.time)
                            : ctx.now;
    if (!draft.date && !draft.time) meeting.has_time = true;
    meeting.place = draft.place;
    meeting.notes = draft.notes;
    meeting.lead_id = draft.lead_id;
    for (const auto& c : companies) meeting.company_ids.push_back(c.record.id);
    for (const auto& c : contacts) meeting.contact_ids.push_back(c.record.id);
    meeting = add_meeting(ctx, std::move(meeting));

    std::vector<std::string> company_names;
    for (const auto& c : companies) company_names.push_back(c.record.name);
    std::vector<std::string> people_names;
    for (const auto& c : contacts) people_names.push_back(c.record.name);
    auto reply = confirmation(
        ctx, tr(ctx.lang, Msg::meeting_saved, meeting.id,
                format_time(ctx, meeting.starts_at, meeting.has_time), join(company_names)));
    if (!people_names.empty()) reply.title += " · " + join(people_names);
    if (!meeting.place.empty()) reply.lines.push_back(tr(ctx.lang, Msg::place_line, meeting.place));
    if (!meeting.notes.empty()) {
        reply.lines.push_back(tr(ctx.lang, Msg::notes_line, text::ellipsize(meeting.notes, 200)));
    }
    if (meeting.lead_id) reply.lines.push_back(tr(ctx.lang, Msg::lead_link_line, *meeting.lead_id));

    if (next) {
        auto follow_up = ctx.follow_up_draft();
        follow_up.text = next->text;
        if (next->due) follow_up.due = std::chrono::sys_days{*next->due};
        follow_up.lead_id = draft.lead_id;
        follow_up.meeting_id = meeting.id;
        follow_up = ctx.db.follow_ups().create(follow_up);
        ctx.audit("create", "follow_up", follow_up.id, {},
                  nlohmann::json{{"id", follow_up.id}, {"text", follow_up.text}}.dump());
        auto line = tr(ctx.lang, Msg::follow_up_line, follow_up.id, follow_up.text);
        if (follow_up.due) line += tr(ctx.lang, Msg::due_suffix, format_day(*follow_up.due));
        reply.lines.push_back(std::move(line));
    }
    for (auto& line : created_lines(ctx, companies, contacts))
        reply.lines.push_back(std::move(line));
    return reply;
}

}  // namespace

void register_meeting_commands(Router& router) {
    router.add({"meet", {"회의", "미팅", "meeting"}, Msg::summary_meet, Msg::usage_meet, meet});
}

}  // namespace inmaek::handlers
