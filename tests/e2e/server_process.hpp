#pragma once

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace inmaek::e2e {

/// Environment variables for a child: name → value. The child inherits the test's environment
/// minus every INMAEK_* variable, then gets these on top.
using Environment = std::map<std::string, std::string>;

/// The real binary running as a server: output drained into a buffer by a background thread so
/// the child never blocks on a full pipe.
class ServerProcess {
public:
    /// Starts `binary args…` in working directory `cwd` with stdout and stderr in one pipe.
    ServerProcess(const std::string& binary, const std::vector<std::string>& args,
                  const Environment& env, const std::filesystem::path& cwd);
    /// Kills the child if it still runs.
    ~ServerProcess();
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    /// Waits until the log says `listening on 127.0.0.1:<port>`; nullopt if the child exited
    /// or the time ran out first.
    std::optional<unsigned short> wait_for_port(std::chrono::milliseconds timeout);
    /// The port read by wait_for_port (0 before).
    [[nodiscard]] unsigned short port() const { return port_; }
    /// Waits until the log contains `needle`; false on timeout or end of output.
    bool wait_for_log(std::string_view needle, std::chrono::milliseconds timeout);
    /// Everything the child wrote so far (stdout and stderr interleaved).
    [[nodiscard]] std::string log() const;
    [[nodiscard]] pid_t pid() const { return pid_; }

    /// Sends SIGTERM and waits; returns the exit code, 128 + signal if killed by a signal, or -1
    /// if it had to be SIGKILLed after `timeout`.
    int stop(std::chrono::milliseconds timeout = std::chrono::seconds{15});

private:
    void drain(int fd);
    /// Reaps the child (blocking if `block`); true once reaped.
    bool reap(bool block);

    pid_t pid_ = -1;
    int exit_status_ = -1;
    bool reaped_ = false;
    unsigned short port_ = 0;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::string output_;  // guarded by mutex_
    bool eof_ = false;    // guarded by mutex_
    std::thread reader_;
};

/// What a command run to completion printed and how it ended.
struct CommandResult {
    int exit_status = -1;  ///< exit code, 128 + signal, or -1 on timeout
    std::string out;       ///< stdout
    std::string err;       ///< stderr
};

/// Runs `binary args…` with `input` on stdin until it exits (killed after `timeout`).
CommandResult run_command(const std::string& binary, const std::vector<std::string>& args,
                          const Environment& env, const std::filesystem::path& cwd,
                          std::string_view input,
                          std::chrono::milliseconds timeout = std::chrono::seconds{60});

/// An HTTP response as the tests look at it.
struct HttpResponse {
    unsigned status = 0;                         ///< 0 when no response was read
    std::map<std::string, std::string> headers;  ///< names lower-cased
    std::string body;
    std::string error;  ///< transport error, empty on success

    /// Header value by case-insensitive name, "" if absent.
    [[nodiscard]] std::string header(std::string_view name) const;
};

/// A tiny synchronous HTTP/1.1 client on 127.0.0.1 that keeps its connection alive.
class HttpClient {
public:
    explicit HttpClient(unsigned short port,
                        std::chrono::milliseconds timeout = std::chrono::seconds{15});

    HttpResponse post(std::string_view target, std::string_view body,
                      const std::map<std::string, std::string>& headers = {});
    HttpResponse get(std::string_view target);
    /// Any method ("GET", "PATCH", "DELETE", …) with headers; a body is sent as application/json
    /// unless the headers name another Content-Type.
    HttpResponse send(std::string_view method, std::string_view target, std::string_view body = {},
                      const std::map<std::string, std::string>& headers = {});
    /// How many TCP connections were opened so far.
    [[nodiscard]] int connections() const { return connections_; }

private:
    HttpResponse request(std::string_view method, std::string_view target, std::string_view body,
                         const std::map<std::string, std::string>& headers);

    unsigned short port_;
    std::chrono::milliseconds timeout_;
    boost::asio::io_context io_;
    boost::asio::ip::tcp::socket socket_;
    boost::beast::flat_buffer buffer_;
    int connections_ = 0;
};

/// One request on a fresh connection.
HttpResponse post(unsigned short port, std::string_view target, std::string_view body,
                  const std::map<std::string, std::string>& headers = {});
HttpResponse get(unsigned short port, std::string_view target);

}  // namespace inmaek::e2e
