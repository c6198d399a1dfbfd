#pragma once

// The summary of a period: the content of the daily summary that the scheduler pushes and the
// answer to /summary (/요약), one piece of code for both.

#include "handlers/reply.hpp"
#include "storage/records.hpp"
#include "storage/repositories.hpp"

namespace date {
class time_zone;
}

namespace inmaek::handlers {

/// The summary of local days [first, last] in the workspace's zone, as of `today` (follow-ups due
/// and overdue, idle leads and the pipeline are as of today; meetings scheduled for today are
/// listed too when today is after the period). Short, grouped lines in `lang`, at most 10 items
/// a section: longer than one message can hold on a busy day, so a push is split into parts
/// (split_reply in handlers/reply.hpp). /summary fits its answer in one message instead.
Reply summarize(storage::UnitOfWork& db, const storage::Workspace& workspace, Lang lang,
                const date::time_zone* zone, storage::Day first, storage::Day last,
                storage::Day today);

/// The stages of pipeline rows in pipeline order, then any others (a workspace's own), by name.
std::vector<std::string> pipeline_stage_order(const std::vector<storage::PipelineRow>& rows);

/// The pipeline as the summary writes it: a header, a line per stage in pipeline order (count and
/// value per currency) and the open total. Stages without leads are left out unless
/// `every_stage`.
std::vector<std::string> pipeline_lines(Lang lang, const std::vector<storage::PipelineRow>& rows,
                                        bool every_stage);

/// Leads created, moved, signed and dropped as the summary writes them, at most `cap` a section.
std::vector<std::string> lead_move_lines(Lang lang, const storage::LeadMoves& moves,
                                         std::size_t cap);

}  // namespace inmaek::handlers
