#include "handlers/catalog.hpp"

#include <array>

namespace inmaek::handlers {

namespace {

struct Entry {
    Msg key;
    std::string_view en;
    std::string_view ko;
};

// One table, in the order of the enum, checked at compile time below.
constexpr std::array kCatalog{
    Entry{Msg::alias_taken, "The alias '{}' already belongs to {}.",
          "별칭 '{}'은(는) 이미 {}에 쓰이고 있습니다."},
    Entry{Msg::aliases_line, "Also known as: {}", "별칭: {}"},
    Entry{Msg::bad_date, "I could not read the date or time '{}'.",
          "날짜/시간 '{}'을(를) 이해하지 못했습니다."},
    Entry{Msg::bad_email, "'{}' does not look like an e-mail address.",
          "'{}'은(는) 이메일 주소가 아닌 것 같습니다."},
    Entry{Msg::bad_lead_id, "'{}' is not a lead number.", "'{}'은(는) 리드 번호가 아닙니다."},
    Entry{Msg::bad_money, "I could not read the amount '{}'.",
          "금액 '{}'을(를) 이해하지 못했습니다."},
    Entry{Msg::bad_phone, "'{}' does not look like a phone number.",
          "'{}'은(는) 전화번호가 아닌 것 같습니다."},
    Entry{Msg::chat_not_linked,
          "This chat ({}) is not linked to a workspace yet. Ask an admin to link it.",
          "이 대화방({})은 아직 워크스페이스에 연결되지 않았습니다. 관리자에게 연결을 요청하세요."},
    Entry{Msg::companies_line, "Companies: {}", "회사: {}"},
    Entry{Msg::companies_title, "🏢 Companies ({})", "🏢 회사 목록 ({})"},
    Entry{Msg::company_exists, "{} is already in the list (#{}).",
          "{}은(는) 이미 등록되어 있습니다 (#{})."},
    Entry{Msg::company_needs_name, "Which company? Give its name.",
          "어느 회사인가요? 회사 이름을 적어 주세요."},
    Entry{Msg::company_not_found, "No company called '{}'.", "'{}' 회사를 찾을 수 없습니다."},
    Entry{Msg::company_saved, "✅ Company #{} · {}", "✅ 회사 #{} · {}"},
    Entry{Msg::contact_exists, "{} is already a contact (#{}).",
          "{}은(는) 이미 연락처에 있습니다 (#{})."},
    Entry{Msg::contact_needs_name, "Whose contact? Give a name.",
          "누구의 연락처인가요? 이름을 적어 주세요."},
    Entry{Msg::contact_not_found, "No contact called '{}'.", "'{}' 연락처를 찾을 수 없습니다."},
    Entry{Msg::contact_one_company, "A contact belongs to one @Company.",
          "연락처는 @회사 하나에 속합니다."},
    Entry{Msg::contact_saved, "✅ Contact #{} · {}", "✅ 연락처 #{} · {}"},
    Entry{Msg::contacts_line, "People: {}", "인물: {}"},
    Entry{Msg::done_button, "Done", "완료"},
    Entry{Msg::due_part, "due {}", "{}까지"},
    Entry{Msg::due_suffix, " (due {})", " ({}까지)"},
    Entry{Msg::follow_up_line, "Follow-up #{}: {}", "후속 #{}: {}"},
    Entry{Msg::help_footer,
          "/help <command> shows how to write one. Dates: 2025-02-04, 2/4, tomorrow, next tue, "
          "3pm. Money: 50억, $2M.",
          "/도움말 <명령> 으로 쓰는 법을 볼 수 있어요. 날짜: 2025-02-04, 2월 4일, 내일, 다음주 "
          "화요일, 오후 3시. 금액: 50억, 5천만원, $2M."},
    Entry{Msg::help_title, "inmaek — log meetings, companies, contacts and leads by chatting",
          "인맥 — 대화로 회의·회사·연락처·리드를 기록합니다"},
    Entry{Msg::history_header, "Stage history:", "단계 이력:"},
    Entry{Msg::industry_line, "Industry: {}", "업종: {}"},
    Entry{Msg::last_meetings_header, "Recent meetings:", "최근 회의:"},
    Entry{Msg::lead_link_line, "Lead #{}", "리드 #{}"},
    Entry{Msg::lead_needs_company, "A lead needs at least one @Company.",
          "리드에는 @회사가 하나 이상 필요합니다."},
    Entry{Msg::lead_needs_title, "What is the lead called? Give it a title.",
          "리드 이름을 적어 주세요."},
    Entry{Msg::lead_not_found, "There is no lead #{}.", "리드 #{}이(가) 없습니다."},
    Entry{Msg::lead_saved, "✅ Lead #{} · {}", "✅ 리드 #{} · {}"},
    Entry{Msg::lead_updated, "✅ Lead #{} updated · {}", "✅ 리드 #{} 변경 · {}"},
    Entry{Msg::meet_needs_company, "Which company did you meet? Add at least one @Company.",
          "어느 회사와 만났나요? @회사를 하나 이상 적어 주세요."},
    Entry{Msg::meeting_saved, "✅ Meeting #{} · {} · {}", "✅ 회의 #{} · {} · {}"},
    Entry{Msg::member_not_found, "Nobody on the team is called '{}'.",
          "팀에 '{}'(이)라는 사람이 없습니다."},
    Entry{Msg::merge_not_available, "Merging companies is not available in this version yet.",
          "회사 병합은 아직 이 버전에서 지원하지 않습니다."},
    Entry{Msg::new_companies, "New company: {}", "새 회사: {}"},
    Entry{Msg::new_contacts, "New contact: {}", "새 연락처: {}"},
    Entry{Msg::none_yet, "Nothing yet.", "아직 없습니다."},
    Entry{Msg::not_understood, "I did not understand '{}'.", "'{}'을(를) 이해하지 못했습니다."},
    Entry{Msg::notes_line, "Notes: {}", "내용: {}"},
    Entry{Msg::nothing_logged_yet, "No contacts, leads or meetings logged yet.",
          "아직 기록된 연락처, 리드, 회의가 없습니다."},
    Entry{Msg::open_follow_ups_header, "Open follow-ups:", "진행 중인 후속:"},
    Entry{Msg::open_leads_header, "Open leads:", "진행 중인 리드:"},
    Entry{Msg::owner_part, "owner {}", "담당 {}"},
    Entry{Msg::place_line, "Place: {}", "장소: {}"},
    Entry{Msg::report_count, "{}", "{}건"},
    Entry{Msg::report_dropped, "🛑 Dropped ({})", "🛑 무산 ({})"},
    Entry{Msg::report_due_today, "⏰ Due today ({})", "⏰ 오늘 마감 후속 ({})"},
    Entry{Msg::report_empty,
          "Nothing logged in this period: no meetings, new leads or stage moves.",
          "이 기간에는 기록된 회의, 새 리드, 단계 이동이 없습니다."},
    Entry{Msg::report_idle, "💤 Idle leads ({})", "💤 정체된 리드 ({})"},
    Entry{Msg::report_idle_days, "idle {} days", "{}일째 정체"},
    Entry{Msg::report_meetings, "📅 Meetings ({})", "📅 회의 ({})"},
    Entry{Msg::report_more, "  … and {} more", "  … 외 {}건"},
    Entry{Msg::report_moves, "➡️ Stage moves ({})", "➡️ 단계 이동 ({})"},
    Entry{Msg::report_new_follow_ups, "📝 New follow-ups ({})", "📝 새 후속 ({})"},
    Entry{Msg::report_new_leads, "🆕 New leads ({})", "🆕 새 리드 ({})"},
    Entry{Msg::report_open_total, "Open total: {}", "진행 중 합계: {}"},
    Entry{Msg::report_overdue, "❗ Overdue ({})", "❗ 기한 지난 후속 ({})"},
    Entry{Msg::report_pipeline, "📈 Pipeline", "📈 파이프라인"},
    Entry{Msg::report_signed, "🎉 Signed ({})", "🎉 체결 ({})"},
    Entry{Msg::report_title, "📊 Summary · {}", "📊 요약 · {}"},
    Entry{Msg::report_today_meetings, "🗓 Today's meetings ({})",
          "🗓 오늘 예정된 회의 ({})"},
    Entry{Msg::report_unassigned, "unassigned", "담당 없음"},
    Entry{Msg::summary_companies, "list companies (industry:, tier:)", "회사 목록 (업종:, 등급:)"},
    Entry{Msg::summary_company, "add a company or show its card", "회사 등록 또는 회사 카드 보기"},
    Entry{Msg::summary_contact, "add a person or show their card", "연락처 등록 또는 카드 보기"},
    Entry{Msg::summary_done, "mark a follow-up done", "후속 조치 완료 처리"},
    Entry{Msg::summary_help, "this help", "도움말"},
    Entry{Msg::summary_lead, "add a lead, show it, or move it along the pipeline",
          "리드 등록, 보기, 단계·금액·담당 변경"},
    Entry{Msg::summary_meet, "log a meeting", "회의 기록"},
    Entry{Msg::summary_summary, "summary of a day or week: meetings, leads, follow-ups, pipeline",
          "하루·한 주 요약: 회의, 리드, 후속, 파이프라인"},
    Entry{Msg::summary_todo, "add a follow-up", "후속 조치(할 일) 추가"},
    Entry{Msg::summary_todos, "list follow-ups: mine, overdue or all",
          "할 일 목록: 내 것, 지연, 전체"},
    Entry{Msg::tier_line, "Tier: {}", "등급: {}"},
    Entry{Msg::todo_already_done, "Follow-up #{} was already done.",
          "후속 #{}은(는) 이미 완료되었습니다."},
    Entry{Msg::todo_done, "✅ Done: #{} {}", "✅ 완료: #{} {}"},
    Entry{Msg::todo_needs_text, "What needs doing? Write the follow-up.",
          "무엇을 해야 하나요? 할 일을 적어 주세요."},
    Entry{Msg::todo_not_found, "There is no follow-up #{}.", "후속 #{}이(가) 없습니다."},
    Entry{Msg::todos_all_title, "📋 Open follow-ups ({})", "📋 전체 할 일 ({})"},
    Entry{Msg::todos_mine_title, "📋 Your follow-ups ({})", "📋 내 할 일 ({})"},
    Entry{Msg::todos_overdue_title, "❗ Overdue follow-ups ({})", "❗ 기한 지난 할 일 ({})"},
    Entry{Msg::try_help, "Type /help for the list of commands.",
          "/도움말 로 명령 목록을 볼 수 있어요."},
    Entry{Msg::unknown_command, "There is no command /{}.", "/{} 명령은 없습니다."},
    Entry{Msg::unknown_field, "Unknown field '{}'.", "알 수 없는 항목 '{}'."},
    Entry{Msg::unknown_stage,
          "'{}' is not a stage. Stages: new, contacted, meeting, proposal, poc, mou, negotiation, "
          "signed, dropped.",
          "'{}'은(는) 단계가 아닙니다. 단계: 신규, 접촉, 미팅, 제안, PoC, MOU, 협상, 체결, 무산."},
    Entry{Msg::usage_companies, "/companies [industry:…] [tier:…]", "/회사목록 [업종:…] [등급:…]"},
    Entry{Msg::usage_company,
          "/company add Name [alias:…] [industry:…] [site:…] [tier:…] [note:…]  ·  /company Name",
          "/회사 add 이름 [별칭:…] [업종:…] [사이트:…] [등급:…] [메모:…]  ·  /회사 이름"},
    Entry{Msg::usage_contact,
          "/contact add Name @Company [title:…] [email:…] [phone:…] [alias:…]  ·  /contact Name",
          "/연락처 add 이름 @회사 [직함:…] [이메일:…] [전화:…] [별칭:…]  ·  /연락처 이름"},
    Entry{Msg::usage_done, "/done 7", "/완료 7"},
    Entry{Msg::usage_help, "/help [command]", "/도움말 [명령]"},
    Entry{Msg::usage_lead,
          "/lead add \"Title\" @Company [@Company…] [stage:…] [value:…] [owner:@user] [due:…]  ·  "
          "/lead 12  ·  /lead 12 stage:negotiation",
          "/리드 add \"제목\" @회사 [@회사…] [단계:…] [금액:…] [담당:@사용자] [마감:…]  ·  /리드 "
          "12  ·  /리드 12 단계:협상"},
    Entry{Msg::usage_meet, "/meet [when] @Company [@Company…] [with Name, Name] [at Place] : notes",
          "/회의 [언제] @회사 [@회사…] [참석: 이름, 이름] [장소: 곳] : 내용"},
    Entry{Msg::usage_prefix, "Usage: ", "사용법: "},
    Entry{Msg::usage_summary, "/summary [yesterday|today|week|2025-02-04]",
          "/요약 [어제|오늘|주간|2025-02-04]"},
    Entry{Msg::usage_todo, "/todo [when] text [lead:12] [@assignee]",
          "/할일 [언제] 내용 [리드:12] [@담당자]"},
    Entry{Msg::usage_todos, "/todos [mine|overdue|all]", "/할일목록 [내|지연|전체]"},
};

constexpr bool in_enum_order() {
    for (std::size_t i = 0; i < kCatalog.size(); ++i) {
        if (static_cast<std::size_t>(kCatalog[i].key) != i) return false;
    }
    return true;
}
static_assert(in_enum_order(), "catalog entries must follow the order of enum Msg");

}  // namespace

std::string_view catalog_text(Msg message, Lang lang) {
    const auto& entry = kCatalog.at(static_cast<std::size_t>(message));
    return lang == Lang::ko ? entry.ko : entry.en;
}

}  // namespace inmaek::handlers
