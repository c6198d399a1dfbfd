#include "storage/sql_repositories.hpp"

#include <algorithm>
#include <string>

namespace inmaek::storage::sql {
namespace {

// No RETURNING on SQLite: it runs RETURNING like a trigger, which makes even a one-row INSERT
// open a statement journal (a copy of every page it touches); the new id is the connection's
// last insert rowid instead (meetings.id is the INTEGER PRIMARY KEY). PostgreSQL has no such
// cost and no rowid, so it returns the id.
constexpr auto kInsertMeeting = R"sql(
    INSERT INTO meetings (workspace_id, starts_at, has_time, place, notes, lead_id, created_by,
                          created_at)
    VALUES (:workspace_id, :starts_at, :has_time, :place, :notes, :lead_id, :created_by,
            :created_at))sql";

// One row per execution: SQLite gives a statement that writes several rows under foreign keys
// a statement journal (a copy of every page it touches, to undo the statement alone), which
// cost more than executing a cached single-row insert once per link.
constexpr auto kInsertMeetingCompany = R"sql(
    INSERT INTO meeting_companies (workspace_id, meeting_id, company_id, position)
    VALUES (:workspace_id, :meeting_id, :company_id, :position))sql";

constexpr auto kInsertMeetingContact = R"sql(
    INSERT INTO meeting_contacts (workspace_id, meeting_id, contact_id, position)
    VALUES (:workspace_id, :meeting_id, :contact_id, :position))sql";

constexpr auto kContactCompany = R"sql(
    SELECT company_id FROM contacts WHERE workspace_id = :workspace_id AND id = :id)sql";

// company_links (schemas/0011): one more meeting of the pair, the latest by date kept.
constexpr auto kLinkCompanies = R"sql(
    INSERT INTO company_links (workspace_id, company_id, other_id, meetings, last_meeting_id,
                               last_at)
    VALUES (:workspace_id, :company_id, :other_id, 1, :meeting_id, :starts_at)
    ON CONFLICT (workspace_id, company_id, other_id) DO UPDATE SET
        meetings = company_links.meetings + 1,
        last_meeting_id = CASE WHEN excluded.last_at >= company_links.last_at
                               THEN excluded.last_meeting_id
                               ELSE company_links.last_meeting_id END,
        last_at = CASE WHEN excluded.last_at >= company_links.last_at
                       THEN excluded.last_at ELSE company_links.last_at END)sql";

constexpr auto kSelectMeeting = R"sql(
    SELECT id, workspace_id, starts_at, has_time, place, notes, lead_id, created_by, created_at
    FROM meetings WHERE workspace_id = :workspace_id AND id = :id)sql";

constexpr auto kSelectCompanyLinks = R"sql(
    SELECT company_id FROM meeting_companies
    WHERE workspace_id = :workspace_id AND meeting_id = :meeting_id
    ORDER BY position)sql";

constexpr auto kSelectContactLinks = R"sql(
    SELECT contact_id FROM meeting_contacts
    WHERE workspace_id = :workspace_id AND meeting_id = :meeting_id
    ORDER BY position)sql";

// The row-value IN makes SQLite start from the link index and look meetings up by
// (workspace_id, id); with "workspace_id = ? AND id IN (...)" it scans the whole workspace in
// date order instead. It also collapses a company named twice in one meeting.
// Latest meetings among the 50 most recently logged ones: a card stays a few index reads
// however many meetings a company has had (schemas/0002).
constexpr auto kMeetingsForCompany = R"sql(
    SELECT id, workspace_id, starts_at, has_time, place, notes, lead_id, created_by, created_at
    FROM meetings
    WHERE (workspace_id, id) IN (SELECT workspace_id, meeting_id FROM meeting_companies
                                 WHERE workspace_id = :workspace_id AND company_id = :company_id
                                 ORDER BY meeting_id DESC LIMIT 50)
    ORDER BY starts_at DESC, id DESC
    LIMIT :limit)sql";

constexpr auto kMeetingsForContact = R"sql(
    SELECT id, workspace_id, starts_at, has_time, place, notes, lead_id, created_by, created_at
    FROM meetings
    WHERE (workspace_id, id) IN (SELECT workspace_id, meeting_id FROM meeting_contacts
                                 WHERE workspace_id = :workspace_id AND contact_id = :contact_id
                                 ORDER BY meeting_id DESC LIMIT 50)
    ORDER BY starts_at DESC, id DESC
    LIMIT :limit)sql";

constexpr auto kMeetingsForLead = R"sql(
    SELECT id, workspace_id, starts_at, has_time, place, notes, lead_id, created_by, created_at
    FROM meetings
    WHERE workspace_id = :workspace_id AND lead_id = :lead_id
    ORDER BY starts_at DESC, id DESC
    LIMIT :limit)sql";

constexpr auto kCountMeetings = R"sql(
    SELECT count(*) FROM meetings WHERE workspace_id = :workspace_id)sql";

}  // namespace

void MeetingRow::bind(soci::statement& statement) {
    statement.exchange(soci::into(id));
    statement.exchange(soci::into(workspace_id));
    statement.exchange(soci::into(starts_at));
    statement.exchange(soci::into(has_time));
    statement.exchange(soci::into(place));
    statement.exchange(soci::into(notes));
    lead_id.bind_into(statement);
    created_by.bind_into(statement);
    statement.exchange(soci::into(created_at));
}

Meeting MeetingRow::to_record() const {
    return Meeting{.id = id,
                   .workspace_id = workspace_id,
                   .starts_at = timestamp_from_db(starts_at),
                   .has_time = has_time != 0,
                   .place = place,
                   .notes = notes,
                   .lead_id = id_from_db(lead_id),
                   .created_by = user_from_db(created_by),
                   .created_at = timestamp_from_db(created_at)};
}

Meeting SqlMeetingRepository::create(const Meeting& meeting) {
    static const std::string insert_returning_id = std::string(kInsertMeeting) + " RETURNING id";
    auto& insert = insert_.get(session_, postgresql_ ? insert_returning_id.c_str() : kInsertMeeting,
                               [&](soci::statement& st) {
                                   st.exchange(soci::use(workspace_id_));
                                   st.exchange(soci::use(starts_at_));
                                   st.exchange(soci::use(has_time_));
                                   st.exchange(soci::use(place_));
                                   st.exchange(soci::use(notes_));
                                   lead_id_.bind_use(st);
                                   created_by_.bind_use(st);
                                   st.exchange(soci::use(created_at_));
                                   if (postgresql_) st.exchange(soci::into(meeting_id_));
                               });
    workspace_id_ = meeting.workspace_id;
    starts_at_ = to_db(meeting.starts_at);
    has_time_ = meeting.has_time ? 1 : 0;
    place_ = meeting.place;
    notes_ = meeting.notes;
    set_id(lead_id_, meeting.lead_id);
    set_user(created_by_, meeting.created_by);
    created_at_ = to_db(meeting.created_at);
    guarded(insert_, [&] { run(insert); });
    if (!postgresql_) meeting_id_ = last_insert_rowid(session_);

    // The composite foreign keys refuse ids of another workspace.
    const auto insert_links = [&](CachedStatement& cached, const char* sql,
                                  const std::vector<Id>& ids) {
        auto& insert_link = cached.get(session_, sql, [&](soci::statement& st) {
            st.exchange(soci::use(workspace_id_));
            st.exchange(soci::use(meeting_id_));
            st.exchange(soci::use(link_id_));
            st.exchange(soci::use(position_));
        });
        for (std::size_t i = 0; i < ids.size(); ++i) {
            link_id_ = ids[i];
            position_ = static_cast<int>(i);
            guarded(cached, [&] { run(insert_link); });
        }
    };
    insert_links(insert_company_, kInsertMeetingCompany, meeting.company_ids);
    insert_links(insert_contact_, kInsertMeetingContact, meeting.contact_ids);
    link_companies(meeting);

    Meeting created = meeting;
    created.id = meeting_id_;
    return created;
}

void SqlMeetingRepository::link_companies(const Meeting& meeting) {
    // The companies present: those named, then those of the people met (a contact of OpenAI at
    // Kakao's meeting links OpenAI and Kakao), each once.
    present_.assign(meeting.company_ids.begin(), meeting.company_ids.end());
    if (!meeting.contact_ids.empty()) {
        auto& company_of =
            contact_company_.get(session_, kContactCompany, [&](soci::statement& st) {
                st.exchange(soci::use(workspace_id_));
                st.exchange(soci::use(link_id_));
                contact_company_id_.bind_into(st);
            });
        for (const Id contact_id : meeting.contact_ids) {
            link_id_ = contact_id;
            contact_company_id_.set(std::nullopt);
            if (guarded(contact_company_, [&] { return run_single(company_of); })) {
                if (const auto company = contact_company_id_.get()) present_.push_back(*company);
            }
        }
    }
    std::sort(present_.begin(), present_.end());
    present_.erase(std::unique(present_.begin(), present_.end()), present_.end());
    if (present_.size() < 2) return;
    auto& link = link_companies_.get(session_, kLinkCompanies, [&](soci::statement& st) {
        st.exchange(soci::use(workspace_id_));
        st.exchange(soci::use(company_id_));
        st.exchange(soci::use(other_id_));
        st.exchange(soci::use(meeting_id_));
        st.exchange(soci::use(starts_at_));
    });
    // In key order, so that two meetings of the same companies lock the rows in one order.
    for (const Id company : present_) {
        for (const Id other : present_) {
            if (company == other) continue;
            company_id_ = company;
            other_id_ = other;
            guarded(link_companies_, [&] { run(link); });
        }
    }
}

void SqlMeetingRepository::load_links(Meeting& meeting) {
    const auto load = [&](CachedStatement& cached, const char* sql, std::vector<Id>& ids) {
        auto& statement = cached.get(session_, sql, [&](soci::statement& st) {
            st.exchange(soci::use(workspace_id_));
            st.exchange(soci::use(meeting_id_));
            st.exchange(soci::into(link_id_));
        });
        workspace_id_ = meeting.workspace_id;
        meeting_id_ = meeting.id;
        ids.clear();
        guarded(cached, [&] { for_each_row(statement, [&] { ids.push_back(link_id_); }); });
    };
    load(company_links_, kSelectCompanyLinks, meeting.company_ids);
    load(contact_links_, kSelectContactLinks, meeting.contact_ids);
}

std::optional<Meeting> SqlMeetingRepository::get(Id workspace_id, Id meeting_id) {
    auto& statement = get_.get(session_, kSelectMeeting, [&](soci::statement& st) {
        st.exchange(soci::use(workspace_id_));
        st.exchange(soci::use(meeting_id_));
        row_.bind(st);
    });
    workspace_id_ = workspace_id;
    meeting_id_ = meeting_id;
    if (!guarded(get_, [&] { return run_single(statement); })) {
        return std::nullopt;
    }
    Meeting meeting = row_.to_record();
    load_links(meeting);
    return meeting;
}

std::vector<Meeting> SqlMeetingRepository::list(const char* sql, Id workspace_id, Id other_id,
                                                int limit) {
    const Int workspace = workspace_id;
    const Int other = other_id;
    const int max_rows = sql_limit(limit);
    MeetingRow row;
    std::vector<Meeting> meetings;
    {
        auto statement = prepare(session_, sql, [&](soci::statement& st) {
            st.exchange(soci::use(workspace));
            st.exchange(soci::use(other));
            st.exchange(soci::use(max_rows));
            row.bind(st);
        });
        for_each_row(statement, [&] { meetings.push_back(row.to_record()); });
    }
    for (Meeting& meeting : meetings) {
        load_links(meeting);
    }
    return meetings;
}

std::vector<Meeting> SqlMeetingRepository::for_company(Id workspace_id, Id company_id, int limit) {
    return list(kMeetingsForCompany, workspace_id, company_id, limit);
}

std::vector<Meeting> SqlMeetingRepository::for_contact(Id workspace_id, Id contact_id, int limit) {
    return list(kMeetingsForContact, workspace_id, contact_id, limit);
}

std::vector<Meeting> SqlMeetingRepository::for_lead(Id workspace_id, Id lead_id, int limit) {
    return list(kMeetingsForLead, workspace_id, lead_id, limit);
}

std::int64_t SqlMeetingRepository::count(Id workspace_id) {
    const Int workspace = workspace_id;
    Int count = 0;
    auto statement = prepare(session_, kCountMeetings, [&](soci::statement& st) {
        st.exchange(soci::use(workspace));
        st.exchange(soci::into(count));
    });
    run_single(statement);
    return count;
}

std::vector<Meeting> SqlMeetingRepository::page(Id workspace_id, Id after_id, int limit) {
    return load_page(page_ids(session_, "meetings", workspace_id, after_id, limit),
                     [&](Id id) { return get(workspace_id, id); });
}

}  // namespace inmaek::storage::sql

namespace inmaek::storage::sql {
namespace {

constexpr auto kMeetingReferences = R"sql(
    SELECT 'follow_up', id FROM follow_ups
    WHERE workspace_id = :workspace_id AND meeting_id = :meeting_id
    LIMIT :limit)sql";
constexpr auto kDeleteMeeting = R"sql(
    DELETE FROM meetings WHERE workspace_id = :workspace_id AND id = :id)sql";
// leads.last_met_at (migration 0006) is kept by a trigger on insert only; a deleted meeting
// hands it back to the lead's latest remaining meeting.
constexpr auto kRefreshLastMet = R"sql(
    UPDATE leads SET last_met_at = (SELECT MAX(m.starts_at) FROM meetings m
                                    WHERE m.workspace_id = :w1 AND m.lead_id = :l1)
    WHERE workspace_id = :w2 AND id = :l2)sql";

}  // namespace

std::vector<EntityRef> SqlMeetingRepository::references(Id workspace_id, Id meeting_id, int limit) {
    return select_references(session_, kMeetingReferences, workspace_id, meeting_id, 1, limit);
}

bool SqlMeetingRepository::remove(Id workspace_id, Id meeting_id) {
    const auto meeting = get(workspace_id, meeting_id);
    if (!meeting) return false;
    // The companies the meeting counted for in company_links, named or through a contact.
    std::vector<Id> present = meeting->company_ids;
    for (const Id contact_id : meeting->contact_ids) {
        const auto contact = SqlContactRepository{session_}.get(workspace_id, contact_id);
        if (contact && contact->company_id) present.push_back(*contact->company_id);
    }
    std::sort(present.begin(), present.end());
    present.erase(std::unique(present.begin(), present.end()), present.end());
    execute_with(session_, kDeleteMeeting, {workspace_id, meeting_id});
    if (present.size() > 1) {
        for (const Id company_id : present)
            refresh_company_links(session_, workspace_id, company_id);
    }
    if (meeting->lead_id) {
        execute_with(session_, kRefreshLastMet,
                     {workspace_id, *meeting->lead_id, workspace_id, *meeting->lead_id});
    }
    return true;
}

}  // namespace inmaek::storage::sql
