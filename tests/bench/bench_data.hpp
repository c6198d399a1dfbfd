#pragma once

// The data of the query benchmark (query_bench.cpp: /find, /leads and /path), generated once for
// all three: one workspace with --meetings meetings whose notes mix Korean and English words,
// each with two companies (a third of them with one of 20 large customers, the hubs) and one
// contact; --leads leads; --companies companies with industries and aliases, and three more at
// the edge for /path (two met one hub once each, one met nobody); --contacts contacts. Loaded by
// INSERT … SELECT over a row series in one transaction, then analysed.

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "storage/database.hpp"

namespace inmaek::bench {

using Clock = std::chrono::steady_clock;

/// Milliseconds since `start`.
double ms_since(Clock::time_point start);

/// CPU time of this process, in milliseconds: on SQLite the whole query runs here, so this is
/// what it costs whatever else the machine is doing (the wall clock counts the waits for a busy
/// CPU); on PostgreSQL the server's share is missing.
double cpu_ms();

/// Median and 95th percentile (nearest rank).
std::pair<double, double> percentiles(std::vector<double> samples);

/// The words notes are made of: ten of them a note, chosen by a hash of the row number.
extern const std::vector<std::string> kWords;

/// How much of everything; the companies of the edge come on top of `companies`.
struct DataSize {
    long long meetings = 1'000'000;
    long long leads = 100'000;
    long long companies = 5'000;
    long long contacts = 20'000;
    long long users = 50;
    long long hubs = 20;
};

/// What only some parts read: the meetings' companies and contacts (with company_links), and
/// the search index (SQLite builds it from its queue, which takes minutes at full size).
struct DataParts {
    bool meeting_links = true;
    bool search_index = true;
};

/// A database of generated data and its one workspace.
struct BenchData {
    std::string url;
    std::unique_ptr<storage::Database> database;
    storage::Id workspace_id = 0;
};

/// "2025-02-04 00:00 UTC", the benchmark's now.
inline constexpr long long kNow = 1738627200;

/// A fresh database on `backend` ("sqlite3": the file `dir`/query-bench.db; "postgresql": a
/// fresh database on the cluster INMAEK_TEST_POSTGRES_URL[_FILE] names), migrated and loaded.
/// Prints what it does and how long each step took.
BenchData generate(const std::string& backend, const std::filesystem::path& dir,
                   const DataSize& size, const DataParts& parts);

/// The database `url` that generate() made before, migrated to this build (SQLite: its search
/// queue indexed), and its workspace.
BenchData reuse(const std::string& url);

}  // namespace inmaek::bench
