// Benchmark of /find, /leads and /path (not a test), on the data of bench_data.hpp generated
// once for all three: SearchRepository::search, LeadRepository::list with three filters (names
// resolved as the handler resolves them) and InsightRepository::paths (up to 3 chains of up to
// 3 hops) between kinds of company pairs, each timed over --runs queries (median and p95).
//
//   inmaek_bench_query --backend sqlite3 --dir /tmp/x [--runs 200] [--meetings 1000000]
//                      [--leads 100000] [--companies 5000] [--only find,leads,path]
//   inmaek_bench_query --backend postgresql ...   (a fresh database on the cluster that
//                                                  INMAEK_TEST_POSTGRES_URL[_FILE] names)
// --only loads what the parts named read: the meetings' companies and contacts for path, the
// search index for find. --reuse URL times a database an earlier run generated (its URL is
// printed), migrated to this build first: for trying a change without loading a million rows
// again. tests/bench/query.sh runs it on both backends (path.sh: --only path).
#include <fmt/format.h>

#include <array>
#include <iostream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "handlers/lead_filter.hpp"
#include "tests/bench/bench_data.hpp"

namespace {

using inmaek::bench::Clock;
using inmaek::bench::kWords;
using inmaek::bench::ms_since;
using inmaek::bench::percentiles;
using inmaek::storage::Database;
using inmaek::storage::UnitOfWork;

struct Options {
    std::string backend = "sqlite3";
    std::filesystem::path dir = "/tmp/inmaek-query-bench";
    int runs = 200;
    inmaek::bench::DataSize size;
    std::set<std::string> only{"find", "leads", "path"};
    std::string reuse;  ///< the URL of a database generated before, or empty
};

std::set<std::string> parts_of(const std::string& list) {
    std::set<std::string> parts;
    std::istringstream in(list);
    for (std::string part; std::getline(in, part, ',');) {
        if (part != "find" && part != "leads" && part != "path") {
            throw std::invalid_argument("--only takes find, leads and path, not " + part);
        }
        parts.insert(part);
    }
    return parts;
}

Options parse(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const auto value = [&]() -> std::string {
            if (i + 1 >= argc) throw std::invalid_argument(arg + " needs a value");
            return argv[++i];
        };
        if (arg == "--backend") {
            options.backend = value();
        } else if (arg == "--dir") {
            options.dir = value();
        } else if (arg == "--runs") {
            options.runs = std::stoi(value());
        } else if (arg == "--meetings") {
            options.size.meetings = std::stoll(value());
        } else if (arg == "--leads") {
            options.size.leads = std::stoll(value());
        } else if (arg == "--companies") {
            options.size.companies = std::stoll(value());
        } else if (arg == "--only") {
            options.only = parts_of(value());
        } else if (arg == "--reuse") {
            options.reuse = value();
        } else {
            throw std::invalid_argument("unknown argument " + arg);
        }
    }
    return options;
}

struct Timing {
    std::string name;
    std::vector<double> samples;
    std::vector<double> cpu;  ///< this process's CPU time of each sample, when measured
};

void report(const std::vector<Timing>& timings) {
    std::vector<double> all;
    for (const auto& timing : timings) {
        const auto [median, p95] = percentiles(timing.samples);
        std::cout << fmt::format("  {:<34} median {:7.2f} ms  p95 {:7.2f} ms", timing.name, median,
                                 p95);
        if (!timing.cpu.empty()) {
            const auto [cpu_median, cpu_p95] = percentiles(timing.cpu);
            std::cout << fmt::format("  (cpu median {:.2f} ms  p95 {:.2f} ms)", cpu_median,
                                     cpu_p95);
        }
        std::cout << "\n";
        all.insert(all.end(), timing.samples.begin(), timing.samples.end());
    }
    const auto [median, p95] = percentiles(all);
    std::cout << fmt::format("  {:<34} median {:7.2f} ms  p95 {:7.2f} ms\n", "all", median, p95);
}

/// /find: words of two syllables, of three or more, English in any case, two words, names.
void bench_find(Database& database, inmaek::storage::Id workspace_id, const Options& options) {
    std::vector<Timing> finds{{"/find ko 2 syllables (연동, 계약…)", {}},
                              {"/find ko 3+ syllables (반도체…)", {}},
                              {"/find en (Integration, GPU…)", {}},
                              {"/find two words (연동 pricing…)", {}},
                              {"/find names (Company 42, 회사7)", {}}};
    std::vector<std::string> two;
    std::vector<std::string> three;
    std::vector<std::string> english;
    for (const auto& word : kWords) {
        const bool ascii = static_cast<unsigned char>(word[0]) < 0x80;
        (ascii ? english : word.size() == 6 ? two : three).push_back(word);
    }
    for (auto& word : english) word[0] = static_cast<char>(std::toupper(word[0]));
    std::int64_t hits = 0;
    const auto find = [&](Timing& timing, const std::string& query) {
        const auto start = Clock::now();
        const auto cpu_start = inmaek::bench::cpu_ms();
        const auto results = database.transact(
            [&](UnitOfWork& work) { return work.search().search(workspace_id, query, 10, 60); });
        timing.samples.push_back(ms_since(start));
        timing.cpu.push_back(inmaek::bench::cpu_ms() - cpu_start);
        hits += results.total;
    };
    for (int run = 0; run < options.runs; ++run) {
        const auto i = static_cast<std::size_t>(run);
        find(finds[0], two[i % two.size()]);
        find(finds[1], three[i % three.size()]);
        find(finds[2], english[i % english.size()]);
        find(finds[3], two[(i * 7) % two.size()] + " " + english[(i * 3) % english.size()]);
        find(finds[4], i % 2 == 0 ? "Company " + std::to_string(1 + i * 37 % options.size.companies)
                                  : "회사" + std::to_string(1 + i * 53 % options.size.companies));
    }
    std::cout << fmt::format(
        "/find x{} each (SearchRepository::search, top 10 with snippets; "
        "{} matches counted in all):\n",
        options.runs, hits);
    report(finds);
}

/// /leads with three filters, parsed as the chat parses them.
void bench_leads(Database& database, inmaek::storage::Id workspace_id, const Options& options) {
    const std::vector<std::string> filters{"stage:negotiation value>10억 owner:@user7",
                                           "company:\"Company 42\" stage:open sort:-value",
                                           "industry:반도체 value>10억 since:2024-01-01",
                                           "stage:poc,mou due:2025-06-30 sort:due",
                                           "owner:@user3 value<$1M sort:-value"};
    std::vector<Timing> leads;
    std::int64_t listed = 0;
    for (const auto& text : filters) {
        Timing timing{"/leads " + text, {}};
        const auto parsed = inmaek::handlers::parse_lead_filter(
            text, std::chrono::year_month_day{std::chrono::year{2025} / 2 / 4});
        if (!parsed.ok()) throw std::runtime_error("bad filter " + text);
        for (int run = 0; run < options.runs; ++run) {
            const auto start = Clock::now();
            const auto cpu_start = inmaek::bench::cpu_ms();
            database.transact([&](UnitOfWork& work) {
                // Names resolved as the handler resolves them, then the one query.
                inmaek::storage::LeadFilter filter;
                const auto& spec = parsed.filter;
                filter.stages = spec.stages;
                if (!spec.company.empty()) {
                    filter.company_id = work.companies().find_by_key(workspace_id, "company42")->id;
                }
                if (spec.owner) {
                    filter.owner_id =
                        work.workspaces().find_user_by_name(workspace_id, spec.owner->name)->id;
                }
                filter.industry = spec.industry;
                filter.value_above = spec.value_above;
                filter.value_below = spec.value_below;
                if (spec.since) filter.created_from = std::chrono::sys_days{*spec.since};
                if (spec.due) filter.due_by = std::chrono::sys_days{*spec.due};
                filter.sort = spec.sort;
                filter.descending = spec.descending;
                listed += work.leads().list(workspace_id, filter).total;
            });
            timing.samples.push_back(ms_since(start));
            timing.cpu.push_back(inmaek::bench::cpu_ms() - cpu_start);
        }
        leads.push_back(std::move(timing));
    }
    std::cout << fmt::format("/leads x{} each (LeadRepository::list, 20 a page; {} counted):\n",
                             options.runs, listed);
    report(leads);
}

/// /path between random companies, hub to hub, the two edge companies (three hops through the
/// hubs) and to the company nobody met.
void bench_path(Database& database, inmaek::storage::Id workspace_id, const Options& options) {
    struct Kind {
        std::string name;
        std::vector<double> samples;
        std::vector<double> cpu;
        std::size_t chains = 0;
        std::size_t hops = 0;
    };
    std::vector<Kind> kinds{{"random companies", {}},
                            {"hub to hub", {}},
                            {"edge to edge (3 hops via hubs)", {}},
                            {"unconnected company", {}}};
    const long long c = options.size.companies;
    const long long hubs = options.size.hubs;
    for (int run = 0; run < options.runs; ++run) {
        const long long i = run;
        const std::array<std::pair<long long, long long>, 4> pairs{
            std::pair{1 + (i * 7907) % c, 1 + (i * 104723 + 17) % c},
            std::pair{1 + i % hubs, 1 + (i + 1) % hubs}, std::pair{c + 1, c + 2},
            std::pair{1 + (i * 7907) % c, c + 3}};
        for (std::size_t k = 0; k < pairs.size(); ++k) {
            if (pairs[k].first == pairs[k].second) continue;
            const auto start = Clock::now();
            const auto cpu_start = inmaek::bench::cpu_ms();
            const auto chains = database.transact([&](UnitOfWork& work) {
                return work.insights().paths(workspace_id, pairs[k].first, pairs[k].second, 3, 3);
            });
            kinds[k].samples.push_back(ms_since(start));
            kinds[k].cpu.push_back(inmaek::bench::cpu_ms() - cpu_start);
            kinds[k].chains += chains.size();
            if (!chains.empty()) kinds[k].hops += chains.front().hops.size();
        }
    }
    std::cout << fmt::format("/path x{} each (InsightRepository::paths, up to 3 chains):\n",
                             options.runs);
    std::vector<double> all;
    for (const auto& kind : kinds) {
        const auto [median, p95] = percentiles(kind.samples);
        const auto [cpu_median, cpu_p95] = percentiles(kind.cpu);
        std::cout << fmt::format(
            "  {:<32} median {:7.2f} ms  p95 {:7.2f} ms  ({:.1f} chains, {:.1f} hops)  "
            "(cpu median {:.2f} ms  p95 {:.2f} ms)\n",
            kind.name, median, p95,
            static_cast<double>(kind.chains) / static_cast<double>(kind.samples.size()),
            static_cast<double>(kind.hops) / static_cast<double>(kind.samples.size()), cpu_median,
            cpu_p95);
        all.insert(all.end(), kind.samples.begin(), kind.samples.end());
    }
    const auto [median, p95] = percentiles(all);
    std::cout << fmt::format("  {:<32} median {:7.2f} ms  p95 {:7.2f} ms\n", "all", median, p95);
}

}  // namespace

int main(int argc, char** argv) try {
    const auto options = parse(argc, argv);
    std::cout << std::unitbuf;
    const auto& size = options.size;
    std::cout << "== " << options.backend << ": " << size.meetings << " meetings, " << size.leads
              << " leads, " << size.companies << " companies, " << size.contacts << " contacts\n";
    const auto wants = [&](const char* part) { return options.only.count(part) > 0; };
    auto data = options.reuse.empty() ? inmaek::bench::generate(options.backend, options.dir, size,
                                                                {.meeting_links = wants("path"),
                                                                 .search_index = wants("find")})
                                      : inmaek::bench::reuse(options.reuse);
    std::cout << "database: " << data.url << "\n";
    if (wants("find")) bench_find(*data.database, data.workspace_id, options);
    if (wants("leads")) bench_leads(*data.database, data.workspace_id, options);
    if (wants("path")) bench_path(*data.database, data.workspace_id, options);
    return 0;
} catch (const std::exception& error) {
    std::cerr << "inmaek_bench_query: " << error.what() << "\n";
    return 1;
}
