#include "tests/e2e/server_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/asio/connect.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <regex>
#include <stdexcept>
#include <system_error>

extern char** environ;  // NOLINT(readability-redundant-declaration): POSIX, not in a header

namespace inmaek::e2e {

namespace {

namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kEnvPrefix = "INMAEK_";
constexpr auto kPollStep = std::chrono::milliseconds{10};
constexpr std::uint64_t kResponseLimit = std::uint64_t{64} * 1024 * 1024;

[[noreturn]] void throw_errno(const char* what) {
    throw std::system_error(errno, std::generic_category(), what);
}

/// A pipe whose ends are closed on exec (each child dup2s the ends it needs).
struct Pipe {
    int read = -1;
    int write = -1;

    Pipe() {
        std::array<int, 2> fds{};
        if (pipe2(fds.data(), O_CLOEXEC) != 0) throw_errno("pipe2");
        read = fds[0];
        write = fds[1];
    }
    ~Pipe() {
        close_read();
        close_write();
    }
    Pipe(const Pipe&) = delete;
    Pipe& operator=(const Pipe&) = delete;

    void close_read() {
        if (read >= 0) ::close(read);
        read = -1;
    }
    void close_write() {
        if (write >= 0) ::close(write);
        write = -1;
    }
    int release_read() { return std::exchange(read, -1); }
};

/// argv/envp prepared before fork: the child only calls async-signal-safe functions.
struct ExecImage {
    std::vector<std::string> strings_argv;
    std::vector<std::string> strings_env;
    std::vector<char*> argv;
    std::vector<char*> envp;
    std::string cwd;

    ExecImage(const std::string& binary, const std::vector<std::string>& args,
              const Environment& env, const std::filesystem::path& dir)
        : cwd(dir.string()) {
        strings_argv.push_back(binary);
        strings_argv.insert(strings_argv.end(), args.begin(), args.end());
        for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
            const std::string_view text{*entry};
            const auto name = text.substr(0, text.find('='));
            // The test's own environment must not leak configuration into the child.
            if (name.starts_with(kEnvPrefix) || env.contains(std::string{name})) continue;
            strings_env.emplace_back(text);
        }
        for (const auto& [name, value] : env)
            strings_env.push_back(std::string{name}.append("=").append(value));
        for (auto& s : strings_argv) argv.push_back(s.data());
        argv.push_back(nullptr);
        for (auto& s : strings_env) envp.push_back(s.data());
        envp.push_back(nullptr);
    }
};

/// Forks and execs; stdin/stdout/stderr of the child become the given descriptors.
/// Throws if exec fails (reported through a close-on-exec pipe).
pid_t spawn(ExecImage& image, int in_fd, int out_fd, int err_fd) {
    Pipe exec_error;
    const pid_t parent = getpid();
    const pid_t pid = fork();
    if (pid < 0) throw_errno("fork");
    if (pid == 0) {
        // Child: async-signal-safe calls only.
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(127);
        if (dup2(in_fd, STDIN_FILENO) < 0 || dup2(out_fd, STDOUT_FILENO) < 0 ||
            dup2(err_fd, STDERR_FILENO) < 0 || chdir(image.cwd.c_str()) != 0) {
            const int error = errno;
            (void)!::write(exec_error.write, &error, sizeof error);
            _exit(127);
        }
        execve(image.argv[0], image.argv.data(), image.envp.data());
        const int error = errno;
        (void)!::write(exec_error.write, &error, sizeof error);
        _exit(127);
    }
    exec_error.close_write();
    int error = 0;
    ssize_t got = 0;
    do {
        got = ::read(exec_error.read, &error, sizeof error);
    } while (got < 0 && errno == EINTR);
    if (got == static_cast<ssize_t>(sizeof error)) {
        int ignored = 0;
        waitpid(pid, &ignored, 0);
        throw std::system_error(error, std::generic_category(), "exec " + image.strings_argv[0]);
    }
    return pid;
}

int decode_status(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

std::string lower(std::string_view text) {
    std::string out{text};
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

ServerProcess::ServerProcess(const std::string& binary, const std::vector<std::string>& args,
                             const Environment& env, const std::filesystem::path& cwd) {
    ExecImage image{binary, args, env, cwd};
    Pipe output;
    const int null_in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null_in < 0) throw_errno("open /dev/null");
    try {
        pid_ = spawn(image, null_in, output.write, output.write);
    } catch (...) {
        ::close(null_in);
        throw;
    }
    ::close(null_in);
    output.close_write();
    reader_ = std::thread{[this, fd = output.release_read()] { drain(fd); }};
}

ServerProcess::~ServerProcess() {
    if (!reaped_ && pid_ > 0) {
        ::kill(pid_, SIGKILL);
        reap(true);
    }
    if (reader_.joinable()) reader_.join();
}

void ServerProcess::drain(int fd) {
    std::array<char, 4096> chunk{};
    for (;;) {
        const ssize_t got = ::read(fd, chunk.data(), chunk.size());
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;
        {
            const std::lock_guard lock{mutex_};
            output_.append(chunk.data(), static_cast<std::size_t>(got));
        }
        changed_.notify_all();
    }
    ::close(fd);
    {
        const std::lock_guard lock{mutex_};
        eof_ = true;
    }
    changed_.notify_all();
}

std::optional<unsigned short> ServerProcess::wait_for_port(std::chrono::milliseconds timeout) {
    static const std::regex kListening{R"(listening on 127\.0\.0\.1:(\d+))"};
    std::unique_lock lock{mutex_};
    std::smatch match;
    const bool found = changed_.wait_for(
        lock, timeout, [&] { return std::regex_search(output_, match, kListening) || eof_; });
    if (!found || match.empty()) return std::nullopt;
    const auto value = std::stoul(match[1].str());
    if (value == 0 || value > 65535) return std::nullopt;
    port_ = static_cast<unsigned short>(value);
    return port_;
}

bool ServerProcess::wait_for_log(std::string_view needle, std::chrono::milliseconds timeout) {
    std::unique_lock lock{mutex_};
    changed_.wait_for(lock, timeout,
                      [&] { return output_.find(needle) != std::string::npos || eof_; });
    return output_.find(needle) != std::string::npos;
}

std::string ServerProcess::log() const {
    const std::lock_guard lock{mutex_};
    return output_;
}

bool ServerProcess::reap(bool block) {
    if (reaped_) return true;
    int status = 0;
    pid_t got = 0;
    do {
        got = waitpid(pid_, &status, block ? 0 : WNOHANG);
    } while (got < 0 && errno == EINTR);
    if (got != pid_) return false;
    reaped_ = true;
    exit_status_ = decode_status(status);
    return true;
}

int ServerProcess::stop(std::chrono::milliseconds timeout) {
    if (reap(false)) {
        if (reader_.joinable()) reader_.join();
        return exit_status_;
    }
    ::kill(pid_, SIGTERM);
    const auto deadline = Clock::now() + timeout;
    {
        // The pipe closes when the process is gone; then waitpid cannot block for long.
        std::unique_lock lock{mutex_};
        changed_.wait_until(lock, deadline, [&] { return eof_; });
    }
    while (!reap(false) && Clock::now() < deadline) std::this_thread::sleep_for(kPollStep);
    if (!reaped_) {
        ::kill(pid_, SIGKILL);
        reap(true);
        if (reader_.joinable()) reader_.join();
        return -1;
    }
    if (reader_.joinable()) reader_.join();
    return exit_status_;
}

// ---------------------------------------------------------------------------------------------

CommandResult run_command(const std::string& binary, const std::vector<std::string>& args,
                          const Environment& env, const std::filesystem::path& cwd,
                          std::string_view input, std::chrono::milliseconds timeout) {
    ExecImage image{binary, args, env, cwd};
    Pipe in;
    Pipe out;
    Pipe err;
    const pid_t pid = spawn(image, in.read, out.write, err.write);
    in.close_read();
    out.close_write();
    err.close_write();
    if (fcntl(in.write, F_SETFL, fcntl(in.write, F_GETFL) | O_NONBLOCK) != 0) throw_errno("fcntl");
    // A child that stops reading stdin must not kill the test with SIGPIPE.
    struct sigaction ignore_pipe {};
    struct sigaction previous {};
    ignore_pipe.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ignore_pipe, &previous);

    CommandResult result;
    std::size_t written = 0;
    if (input.empty()) in.close_write();
    const auto deadline = Clock::now() + timeout;
    bool timed_out = false;
    std::array<char, 4096> chunk{};
    while (out.read >= 0 || err.read >= 0) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) {
            timed_out = true;
            break;
        }
        std::array<pollfd, 3> fds{
            {{in.write, POLLOUT, 0}, {out.read, POLLIN, 0}, {err.read, POLLIN, 0}}};
        const int ready = ::poll(fds.data(), fds.size(), static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR) continue;
        if (ready < 0) throw_errno("poll");
        if (in.write >= 0 && (fds[0].revents & (POLLOUT | POLLERR | POLLHUP)) != 0) {
            const ssize_t put = ::write(in.write, input.data() + written, input.size() - written);
            if (put > 0) written += static_cast<std::size_t>(put);
            if ((put < 0 && errno != EAGAIN && errno != EINTR) || written == input.size()) {
                in.close_write();
            }
        }
        for (const auto& [index, target] : {std::pair{1, &result.out}, std::pair{2, &result.err}}) {
            int& fd = index == 1 ? out.read : err.read;
            if (fd < 0 || (fds[index].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
            const ssize_t got = ::read(fd, chunk.data(), chunk.size());
            if (got > 0) {
                target->append(chunk.data(), static_cast<std::size_t>(got));
            } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
                ::close(fd);
                fd = -1;
            }
        }
    }
    in.close_write();
    sigaction(SIGPIPE, &previous, nullptr);
    if (timed_out) ::kill(pid, SIGKILL);
    int status = 0;
    pid_t got = 0;
    // Output is closed, so the child has exited or is about to; a killed one is reaped at once.
    do {
        got = waitpid(pid, &status, 0);
    } while (got < 0 && errno == EINTR);
    result.exit_status = timed_out ? -1 : decode_status(status);
    return result;
}

// ---------------------------------------------------------------------------------------------

std::string HttpResponse::header(std::string_view name) const {
    const auto it = headers.find(lower(name));
    return it == headers.end() ? std::string{} : it->second;
}

HttpClient::HttpClient(unsigned short port, std::chrono::milliseconds timeout)
    : port_(port), timeout_(timeout), socket_(io_) {}

HttpResponse HttpClient::post(std::string_view target, std::string_view body,
                              const std::map<std::string, std::string>& headers) {
    return request("POST", target, body, headers);
}

HttpResponse HttpClient::get(std::string_view target) {
    return request("GET", target, {}, {});
}

HttpResponse HttpClient::send(std::string_view method, std::string_view target,
                              std::string_view body,
                              const std::map<std::string, std::string>& headers) {
    return request(method, target, body, headers);
}

HttpResponse HttpClient::request(std::string_view method, std::string_view target,
                                 std::string_view body,
                                 const std::map<std::string, std::string>& headers) {
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    req.set(http::field::host, "127.0.0.1:" + std::to_string(port_));
    req.set(http::field::user_agent, "inmaek-e2e");
    if (method == "POST" || !body.empty()) req.set(http::field::content_type, "application/json");
    for (const auto& [name, value] : headers) req.set(name, value);
    req.body() = std::string{body};
    req.prepare_payload();

    // Two attempts: a kept-alive connection the server has closed meanwhile is reopened once.
    for (int attempt = 0; attempt < 2; ++attempt) {
        HttpResponse response;
        const bool reused = socket_.is_open();
        boost::system::error_code ec;
        if (!reused) {
            buffer_.clear();
            socket_.connect(tcp::endpoint{boost::asio::ip::make_address("127.0.0.1"), port_}, ec);
            if (ec) {
                socket_.close(ec);
                response.error = "connect: " + ec.message();
                return response;
            }
            ++connections_;
        }
        // Write and read at the same time: a server that answers 413 before reading a large
        // body must not make the test miss the answer while it is still writing.
        http::response_parser<http::string_body> parser;
        parser.body_limit(kResponseLimit);
        boost::system::error_code write_ec = boost::asio::error::would_block;
        boost::system::error_code read_ec = boost::asio::error::would_block;
        bool read_any = false;
        io_.restart();
        http::async_write(socket_, req,
                          [&](boost::system::error_code e, std::size_t) { write_ec = e; });
        http::async_read(socket_, buffer_, parser, [&](boost::system::error_code e, std::size_t n) {
            read_ec = e;
            read_any = n > 0;
            if (!e && write_ec == boost::asio::error::would_block) {
                socket_.cancel(ec);  // the answer came before the body was sent
            }
        });
        io_.run_for(timeout_);
        if (!io_.stopped()) {
            socket_.close(ec);
            io_.restart();
            io_.run_for(std::chrono::seconds{1});
            response.error = "timeout";
            return response;
        }
        if (read_ec) {
            socket_.close(ec);
            const bool stale = reused && !read_any &&
                               (read_ec == http::error::end_of_stream ||
                                read_ec == boost::asio::error::connection_reset ||
                                write_ec == boost::asio::error::broken_pipe);
            if (stale && attempt == 0) continue;
            response.error = "read: " + read_ec.message() +
                             (write_ec ? " (write: " + write_ec.message() + ")" : "");
            return response;
        }
        auto message = parser.release();
        response.status = message.result_int();
        for (const auto& field : message) {
            response.headers[lower(field.name_string())] = std::string{field.value()};
        }
        response.body = std::move(message.body());
        if (write_ec || !message.keep_alive()) socket_.close(ec);
        return response;
    }
    return HttpResponse{0, {}, {}, "unreachable"};
}

HttpResponse post(unsigned short port, std::string_view target, std::string_view body,
                  const std::map<std::string, std::string>& headers) {
    HttpClient client{port};
    return client.post(target, body, headers);
}

HttpResponse get(unsigned short port, std::string_view target) {
    HttpClient client{port};
    return client.get(target);
}

}  // namespace inmaek::e2e
