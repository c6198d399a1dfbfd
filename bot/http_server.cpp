#include "bot/http_server.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <csignal>
#include <exception>
#include <filesystem>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/file_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>
#include <nlohmann/json.hpp>

namespace inmaek::bot {

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

constexpr auto kUseTuple = net::as_tuple(net::use_awaitable);
constexpr std::size_t kReadChunk = 8192;
// After an error answer the client may still be sending the rejected body; reading it away
// for a moment lets the client see our answer instead of a connection reset.
constexpr std::chrono::milliseconds kLingerTimeout{2000};
constexpr std::size_t kLingerMaxBytes = std::size_t{8} * 1024 * 1024;
constexpr std::chrono::milliseconds kAcceptBackoff{100};

std::string make_request_id() {
    thread_local std::mt19937_64 rng = [] {
        std::random_device device;
        std::seed_seq seed{device(), device(), device(), device()};
        return std::mt19937_64(seed);
    }();
    return fmt::format("{:012x}", rng() & 0xffff'ffff'ffffULL);
}

/// Keeps a log line one line and its key=value pairs parseable, whatever the client sent.
class LogValue {
public:
    explicit LogValue(std::string_view value) : view_(value) {
        if (view_.empty()) {
            view_ = "-";
            return;
        }
        const bool clean = std::none_of(view_.begin(), view_.end(), [](char c) {
            const auto u = static_cast<unsigned char>(c);
            return u <= 0x20 || u == 0x7f || c == '"';
        });
        if (!clean) {
            owned_.assign(view_);
            std::replace_if(
                owned_.begin(), owned_.end(),
                [](char c) {
                    const auto u = static_cast<unsigned char>(c);
                    return u <= 0x20 || u == 0x7f || c == '"';
                },
                '_');
            view_ = owned_;
        }
    }
    std::string_view view() const { return view_; }

private:
    std::string owned_;
    std::string_view view_;
};

std::string_view path_of(std::string_view target) {
    return target.substr(0, target.find('?'));
}

Response problem_response(http::status status, unsigned version, std::string_view detail) {
    Response response{status, version};
    response.set(http::field::content_type, "application/problem+json");
    const nlohmann::json body{{"type", "about:blank"},
                              {"status", static_cast<unsigned>(status)},
                              {"title", std::string(http::obsolete_reason(status))},
                              {"detail", detail}};
    response.body() = body.dump();
    return response;
}

/// What the log line needs of a request, taken before the request moves to the handler.
struct RequestSummary {
    std::string method = "-";
    std::string path = "-";
    std::uint64_t bytes_in = 0;
};

/// Shared by the listener, the sessions and the server; outlives all of them.
struct ServerState {
    ServerState(HttpServerOptions options_in, RequestHandler handler_in, net::io_context& ioc)
        : options(std::move(options_in)),
          handler(std::move(handler_in)),
          control(net::make_strand(ioc)) {}

    const HttpServerOptions options;
    const RequestHandler handler;
    /// Serialises the acceptor, the signal set, the grace timer and the shutdown steps.
    const net::strand<net::io_context::executor_type> control;
    /// Set once on the control strand; read by sessions on their strands.
    std::atomic<bool> stopping{false};
    /// Set once, just before the io_context is stopped.
    std::atomic<bool> finished{false};
    /// Requests between their first byte and their response written.
    std::atomic<std::size_t> active_requests{0};
    /// Runs on the control strand when the last session ends after stopping began.
    std::function<void()> on_drained;

    class Session;
    std::mutex mutex;
    /// Live sessions, so that stop() can close the idle ones. Guarded by mutex.
    std::unordered_map<const void*, std::weak_ptr<Session>> sessions;
};

/// One awaited application answer. The completion handler (which owns the suspended session
/// coroutine) stays here until `done` posts it back to the session's strand, so an io thread
/// never waits for the application.
class PendingReplyBase {
public:
    virtual ~PendingReplyBase() = default;
    /// Destroys the waiting coroutine without resuming it; only while no io thread runs.
    virtual void abandon() = 0;
};

template <typename Handler>
class PendingReply final : public PendingReplyBase {
public:
    PendingReply(Handler handler, std::string request_id)
        : handler_(std::move(handler)), request_id_(std::move(request_id)) {}

    PendingReply(const PendingReply&) = delete;
    PendingReply& operator=(const PendingReply&) = delete;

    // The application dropped `done` without calling it: answer rather than leave the
    // connection hanging forever.
    ~PendingReply() override {
        if (!handler_) return;
        try {
            spdlog::error("request id={} handler dropped its completion without answering",
                          request_id_);
            post(std::move(*handler_),
                 problem_response(http::status::internal_server_error, 11, "internal error"));
        } catch (...) {
            // Out of memory: the coroutine is destroyed with the handler, closing the socket.
        }
    }

    /// Called by the application's `done`, from any thread; later calls are ignored.
    void complete(Response&& response) {
        bool abandoned = false;
        std::optional<Handler> handler = take(&abandoned);
        if (!handler) {
            if (abandoned) {
                spdlog::debug("request id={} answered after the server stopped", request_id_);
            } else {
                spdlog::warn("request id={} handler answered more than once", request_id_);
            }
            return;
        }
        post(std::move(*handler), std::move(response));
    }

    void abandon() override {
        std::optional<Handler> handler = [this] {
            std::lock_guard lock(mutex_);
            abandoned_ = true;
            return take_locked();
        }();
        // handler is destroyed here, outside the lock, and with it the suspended coroutine.
    }

private:
    std::optional<Handler> take(bool* abandoned) {
        std::lock_guard lock(mutex_);
        *abandoned = abandoned_;
        return take_locked();
    }

    std::optional<Handler> take_locked() {
        std::optional<Handler> handler;
        if (handler_) {
            handler.emplace(std::move(*handler_));
            handler_.reset();
        }
        return handler;
    }

    // Resumes the session on its strand: the handler's executor is the coroutine's.
    static void post(Handler&& handler, Response&& response) {
        const auto executor = net::get_associated_executor(handler);
        net::post(executor,
                  [handler = std::move(handler), response = std::move(response)]() mutable {
                      std::move(handler)(std::move(response));
                  });
    }

    std::mutex mutex_;
    // Guarded by mutex_. Nothing else here may refer to the io_context: this object can
    // outlive the server when the application keeps `done`.
    std::optional<Handler> handler_;
    bool abandoned_ = false;
    const std::string request_id_;
};

/// One connection: reads requests and writes responses, nothing else. All members are used
/// only on the connection's strand (the socket's executor), except where noted.
class ServerState::Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket&& socket, std::shared_ptr<ServerState> state)
        : stream_(std::move(socket)), state_(std::move(state)) {}

    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    ~Session() {
        try {
            bool drained = false;
            {
                std::lock_guard lock(state_->mutex);
                state_->sessions.erase(this);
                drained = state_->sessions.empty();
            }
            if (drained && state_->stopping && !state_->finished) {
                net::post(state_->control, [state = state_] {
                    if (state->on_drained) state->on_drained();
                });
            }
        } catch (...) {
            // Cannot signal the drain: the shutdown grace timer ends the wait instead.
        }
    }

    static net::awaitable<void> run(std::shared_ptr<Session> self) {
        try {
            co_await self->serve();
        } catch (const std::exception& e) {
            spdlog::error("connection closed after an unexpected error: {}", e.what());
        }
        error_code ignored;
        self->stream_.socket().close(ignored);
    }

    net::any_io_executor stream_executor() { return stream_.get_executor(); }

    /// Stop(): closes the connection if it is waiting for its next request. On the strand.
    void cancel_if_idle() {
        if (idle_) stream_.cancel();
    }

    /// Server destruction: frees a coroutine still waiting for the application. Only while
    /// no io thread runs.
    void abandon_pending() {
        if (auto pending = pending_.lock()) pending->abandon();
    }

private:
    /// Counts a request as in flight for as long as it lives.
    struct ActiveRequest {
        explicit ActiveRequest(ServerState& counted) : state(counted) { ++state.active_requests; }
        ~ActiveRequest() { --state.active_requests; }
        ActiveRequest(const ActiveRequest&) = delete;
        ActiveRequest& operator=(const ActiveRequest&) = delete;
        ServerState& state;
    };

    net::awaitable<void> serve() {
        const HttpServerOptions& options = state_->options;
        bool first = true;
        for (;;) {
            // Checked on the strand before waiting, so stop() either sees this session idle
            // or this session sees the stop.
            if (state_->stopping) co_return;
            if (buffer_.size() == 0) {
                idle_ = true;
                stream_.expires_after(first ? options.read_timeout : options.idle_timeout);
                auto [ec, n] =
                    co_await stream_.async_read_some(buffer_.prepare(kReadChunk), kUseTuple);
                idle_ = false;
                // Timeout, end of stream, reset or stop(): nothing to answer.
                if (ec) co_return;
                buffer_.commit(n);
            }
            first = false;
            ActiveRequest active(*state_);
            if (!co_await serve_request(Clock::now())) break;
        }
        if (stream_.socket().is_open()) co_await close_gracefully(false);
    }

    /// Reads one request, answers it; true when the connection stays open for the next one.
    net::awaitable<bool> serve_request(Clock::time_point started) {
        const HttpServerOptions& options = state_->options;
        http::request_parser<http::string_body> parser;
        parser.body_limit(options.body_limit);
        parser.header_limit(
            static_cast<std::uint32_t>(std::min<std::size_t>(options.header_limit, UINT32_MAX)));

        // One deadline for the whole request, so a slow sender cannot hold a connection.
        stream_.expires_after(options.read_timeout);
        auto [ec, ignored_n] =
            co_await http::async_read_header(stream_, buffer_, parser, kUseTuple);
        if (!ec && !parser.is_done() &&
            beast::iequals(parser.get()[http::field::expect], "100-continue")) {
            http::response<http::empty_body> go_on{http::status::continue_, parser.get().version()};
            std::tie(ec, ignored_n) = co_await http::async_write(stream_, go_on, kUseTuple);
        }
        if (!ec && !parser.is_done()) {
            std::tie(ec, ignored_n) =
                co_await http::async_read(stream_, buffer_, parser, kUseTuple);
        }
        if (ec) {
            co_await reject(ec, parser, started);
            co_return false;
        }

        Request request = parser.release();
        RequestSummary summary{std::string(request.method_string()),
                               loggable_path(path_of(request.target())), request.body().size()};
        const unsigned version = request.version();
        const bool client_keeps_alive = request.keep_alive();

        auto info = std::make_shared<RequestInfo>();
        info->id = make_request_id();
        // The application's time is not the client's: no deadline while it works.
        stream_.expires_never();
        Response response = co_await call_handler(std::move(request), info, version);

        const bool keep_alive = client_keeps_alive && response.keep_alive() && !state_->stopping;
        response.version(version);
        response.keep_alive(keep_alive);
        if (info->body_file.empty()) {
            co_await write(response, *info, summary, started);
        } else {
            co_await write_file(response, *info, summary, started);
        }
        const bool keep_going = keep_alive && stream_.socket().is_open();
        co_return keep_going;
    }

    /// Answers a request that could not be read (when it deserves an answer) and closes.
    net::awaitable<void> reject(error_code ec,
                                const http::request_parser<http::string_body>& parser,
                                Clock::time_point started) {
        http::status status{};
        std::string_view detail;
        if (ec == http::error::body_limit) {
            status = http::status::payload_too_large;
            detail = "request body too large";
        } else if (ec == http::error::header_limit) {
            status = http::status::request_header_fields_too_large;
            detail = "request header too large";
        } else if (ec.category() == http::make_error_code(http::error::end_of_stream).category() &&
                   ec != http::error::end_of_stream && ec != http::error::partial_message) {
            status = http::status::bad_request;
            detail = "malformed HTTP request";
        } else {
            // End of stream, timeout, reset, stop(): the connection is gone or must go quietly.
            co_return;
        }

        RequestSummary summary;
        unsigned version = 11;
        // A limit can strike after the start line was parsed (413 always does): log what
        // is known. bytes_in of a 413 is the declared length.
        const auto& request = parser.get();
        if (!request.target().empty()) {
            summary.method = std::string(request.method_string());
            summary.path = loggable_path(path_of(request.target()));
            summary.bytes_in = request.body().size();
            const std::string_view declared = request[http::field::content_length];
            std::from_chars(declared.data(), declared.data() + declared.size(), summary.bytes_in);
            version = request.version() == 10 ? 10 : 11;
        }
        RequestInfo info;
        info.id = make_request_id();
        Response response = problem_response(status, version, detail);
        response.keep_alive(false);
        stream_.expires_after(options().read_timeout);
        co_await write(response, info, summary, started);
        co_await close_gracefully(true);
    }

    /// Hands the request to the application; resumes on this strand with its response.
    template <typename CompletionToken>
    auto async_call_handler(Request&& request, std::shared_ptr<RequestInfo> info, unsigned version,
                            CompletionToken&& token) {
        return net::async_initiate<CompletionToken, void(Response)>(
            [this, version](auto handler, Request&& moved_request,
                            std::shared_ptr<RequestInfo> shared_info) {
                using Handler = decltype(handler);
                auto pending =
                    std::make_shared<PendingReply<Handler>>(std::move(handler), shared_info->id);
                pending_ = pending;
                const std::string& id = shared_info->id;
                try {
                    state_->handler(
                        std::move(moved_request), shared_info,
                        [pending](Response&& response) { pending->complete(std::move(response)); });
                } catch (const std::exception& e) {
                    spdlog::error("request id={} handler threw: {}", id, e.what());
                    pending->complete(problem_response(http::status::internal_server_error, version,
                                                       "internal error"));
                } catch (...) {
                    spdlog::error("request id={} handler threw a non-standard exception", id);
                    pending->complete(problem_response(http::status::internal_server_error, version,
                                                       "internal error"));
                }
            },
            token, std::move(request), std::move(info));
    }

    net::awaitable<Response> call_handler(Request&& request, std::shared_ptr<RequestInfo> info,
                                          unsigned version) {
        Response response = co_await async_call_handler(std::move(request), std::move(info),
                                                        version, net::use_awaitable);
        pending_.reset();
        co_return response;
    }

    /// Writes a response whose body is info.body_file (a download), and logs the request.
    net::awaitable<void> write_file(Response& head, const RequestInfo& info,
                                    const RequestSummary& summary, Clock::time_point started) {
        http::response<http::file_body> response{head.result(), head.version()};
        for (const auto& field : head) response.insert(field.name_string(), field.value());
        error_code ec;
        response.body().open(info.body_file.c_str(), beast::file_mode::scan, ec);
        std::error_code ignored;
        std::filesystem::remove(info.body_file, ignored);  // the open file stays readable
        if (ec) {
            spdlog::error("request id={} cannot open the response's file: {}", info.id,
                          ec.message());
            Response failed = problem_response(http::status::internal_server_error, head.version(),
                                               "internal error");
            failed.keep_alive(false);
            co_await write(failed, info, summary, started);
            co_return;
        }
        response.keep_alive(head.keep_alive());
        response.prepare_payload();
        co_await send(response, info, summary, started);
    }

    /// Writes a response held in memory, and logs the request.
    net::awaitable<void> write(Response& response, const RequestInfo& info,
                               const RequestSummary& summary, Clock::time_point started) {
        try {
            response.prepare_payload();
        } catch (const std::exception& e) {
            // e.g. a body on a 204: the application's bug, answered like its exceptions.
            spdlog::error("request id={} unusable response: {}", info.id, e.what());
            response = problem_response(http::status::internal_server_error, response.version(),
                                        "internal error");
            response.keep_alive(false);
            response.prepare_payload();
        }
        co_await send(response, info, summary, started);
    }

    /// Sends a prepared response piece by piece, each piece with a deadline (a client that stops
    /// reading is closed, while a long download is not cut off), and logs the request's one line.
    /// A response in memory usually goes in one piece, head and body together.
    template <class Body>
    net::awaitable<void> send(http::response<Body>& response, const RequestInfo& info,
                              const RequestSummary& summary, Clock::time_point started) {
        response.set(http::field::server, "inmaek");
        response.set("X-Request-Id", info.id);
        http::response_serializer<Body> serializer{response};
        error_code ec;
        do {
            stream_.expires_after(options().read_timeout);
            std::size_t ignored_n = 0;
            std::tie(ec, ignored_n) =
                co_await http::async_write_some(stream_, serializer, kUseTuple);
        } while (!ec && !serializer.is_done());
        const auto ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
        // Never headers, bodies or query strings: they carry tokens and personal data.
        spdlog::info(
            "request id={} method={} target={} status={} ms={} platform={} command={} "
            "bytes_in={}",
            info.id, LogValue(summary.method).view(), LogValue(summary.path).view(),
            response.result_int(), ms, LogValue(info.platform).view(),
            LogValue(info.command).view(), summary.bytes_in);
        if (ec) {
            spdlog::debug("request id={} response not written: {}", info.id, ec.message());
            error_code closing;
            stream_.socket().close(closing);
        }
    }

    /// Half-closes, optionally reads away what the client still sends, then closes.
    net::awaitable<void> close_gracefully(bool linger) {
        error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
        if (linger && !ec) {
            stream_.expires_after(std::min(options().read_timeout, kLingerTimeout));
            std::size_t discarded = buffer_.size();
            buffer_.clear();
            while (discarded < kLingerMaxBytes) {
                auto [read_ec, n] =
                    co_await stream_.async_read_some(buffer_.prepare(kReadChunk * 8), kUseTuple);
                if (read_ec) break;
                discarded += n;
            }
        }
        stream_.close();
    }

    const HttpServerOptions& options() const { return state_->options; }
    std::string loggable_path(std::string_view path) const {
        return options().log_path ? options().log_path(path) : std::string(path);
    }

    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    const std::shared_ptr<ServerState> state_;
    /// True while waiting for the first byte of the next request.
    bool idle_ = false;
    /// The application's answer being awaited, if any.
    std::weak_ptr<PendingReplyBase> pending_;
};

using Session = ServerState::Session;

void log_exception(const std::exception_ptr& error, std::string_view where) {
    if (!error) return;
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        spdlog::error("{}: unexpected error: {}", where, e.what());
    } catch (...) {
        spdlog::error("{}: unexpected non-standard error", where);
    }
}

std::string format_endpoint(const tcp::endpoint& endpoint) {
    if (endpoint.address().is_v6()) {
        return fmt::format("[{}]:{}", endpoint.address().to_string(), endpoint.port());
    }
    return fmt::format("{}:{}", endpoint.address().to_string(), endpoint.port());
}

}  // namespace

struct HttpServer::Impl {
    Impl(HttpServerOptions options, RequestHandler handler)
        : ioc(static_cast<int>(std::max<std::size_t>(options.threads, 1))),
          state(std::make_shared<ServerState>(std::move(options), std::move(handler), ioc)),
          acceptor(state->control),
          grace_timer(state->control) {
        state->on_drained = [this] { finish(); };
    }

    /// Accepts connections until the acceptor closes; each gets its own strand.
    net::awaitable<void> accept_loop() {
        for (;;) {
            auto [ec, socket] = co_await acceptor.async_accept(net::make_strand(ioc), kUseTuple);
            if (state->stopping || ec == net::error::operation_aborted) co_return;
            if (ec) {
                // Typically out of file descriptors: back off instead of spinning.
                spdlog::warn("accept failed: {}", ec.message());
                net::steady_timer backoff(state->control, kAcceptBackoff);
                co_await backoff.async_wait(kUseTuple);
                continue;
            }
            auto session = std::make_shared<Session>(tcp::socket(std::move(socket)), state);
            {
                std::lock_guard lock(state->mutex);
                state->sessions.emplace(session.get(), session);
            }
            auto executor = session->stream_executor();
            net::co_spawn(executor, Session::run(std::move(session)),
                          [](const std::exception_ptr& e) { log_exception(e, "session"); });
        }
    }

    /// On the control strand.
    void begin_shutdown() {
        if (state->stopping.exchange(true)) return;
        error_code ignored;
        acceptor.close(ignored);

        std::vector<std::shared_ptr<Session>> sessions;
        {
            std::lock_guard lock(state->mutex);
            sessions.reserve(state->sessions.size());
            for (auto& [key, weak] : state->sessions) {
                if (auto session = weak.lock()) sessions.push_back(std::move(session));
            }
        }
        spdlog::info("stopping: {} requests in flight, {} connections open",
                     state->active_requests.load(), sessions.size());
        for (auto& session : sessions) {
            auto executor = session->stream_executor();
            net::post(executor, [session = std::move(session)] { session->cancel_if_idle(); });
        }
        sessions.clear();

        bool empty = false;
        {
            std::lock_guard lock(state->mutex);
            empty = state->sessions.empty();
        }
        if (empty) {
            finish();
            return;
        }
        grace_timer.expires_after(state->options.shutdown_grace);
        grace_timer.async_wait([this](error_code ec) {
            if (ec) return;
            spdlog::warn("shutdown grace expired with {} requests in flight; closing them",
                         state->active_requests.load());
            finish();
        });
    }

    /// On the control strand: everything is drained (or the grace expired).
    void finish() {
        if (state->finished.exchange(true)) return;
        grace_timer.cancel();
        if (signals) {
            error_code ignored;
            signals->cancel(ignored);
            signals->clear(ignored);
        }
        spdlog::info("stopped");
        ioc.stop();
    }

    void wait_for_signals() {
        signals->async_wait([this](error_code ec, int signal_number) {
            if (ec) return;
            if (!state->stopping) {
                spdlog::info("signal {} received; draining", signal_number);
                begin_shutdown();
                wait_for_signals();
            } else {
                spdlog::warn("signal {} received again; stopping now", signal_number);
                finish();
            }
        });
    }

    void run_io() {
        for (;;) {
            try {
                ioc.run();
                return;
            } catch (const std::exception& e) {
                spdlog::error("io thread: unexpected error: {}", e.what());
            }
        }
    }

    // Declared first so it is destroyed last: pending handlers refer to what follows.
    net::io_context ioc;
    std::shared_ptr<ServerState> state;
    tcp::acceptor acceptor;                  // control strand
    net::steady_timer grace_timer;           // control strand
    std::optional<net::signal_set> signals;  // control strand
    tcp::endpoint endpoint;
    bool started = false;
};

HttpServer::HttpServer(HttpServerOptions options, RequestHandler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {
    if (!impl_->state->handler) throw std::invalid_argument("HttpServer: handler is empty");
}

HttpServer::~HttpServer() {
    if (!impl_) return;
    // No io thread runs any more. Coroutines still waiting for the application are freed
    // now, while the io_context they belong to still exists; a late `done` then finds
    // nothing to resume.
    std::vector<std::shared_ptr<Session>> sessions;
    {
        std::lock_guard lock(impl_->state->mutex);
        for (auto& [key, weak] : impl_->state->sessions) {
            if (auto session = weak.lock()) sessions.push_back(std::move(session));
        }
    }
    impl_->state->finished = true;
    for (auto& session : sessions) session->abandon_pending();
    sessions.clear();
}

void HttpServer::start() {
    Impl& impl = *impl_;
    if (impl.started) throw std::logic_error("HttpServer::start called twice");
    const HttpServerOptions& options = impl.state->options;
    const std::string where = fmt::format("{}:{}", options.address, options.port);

    error_code ec;
    tcp::resolver resolver(impl.ioc);
    const auto results =
        resolver.resolve(options.address, std::to_string(options.port),
                         tcp::resolver::passive | tcp::resolver::numeric_service, ec);
    if (ec || results.empty()) {
        throw std::runtime_error(fmt::format("cannot listen on {}: cannot resolve address: {}",
                                             where, ec ? ec.message() : "no address"));
    }
    const tcp::endpoint endpoint = results.begin()->endpoint();

    auto fail = [&](std::string_view step) {
        error_code ignored;
        impl.acceptor.close(ignored);
        return std::runtime_error(
            fmt::format("cannot listen on {}: {}: {}", where, step, ec.message()));
    };
    impl.acceptor.open(endpoint.protocol(), ec);
    if (ec) throw fail("open");
    impl.acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (ec) throw fail("set option");
    impl.acceptor.bind(endpoint, ec);
    if (ec) throw fail("bind");
    impl.acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) throw fail("listen");
    impl.endpoint = impl.acceptor.local_endpoint(ec);
    if (ec) throw fail("local endpoint");
    impl.started = true;

    net::co_spawn(impl.state->control, impl.accept_loop(),
                  [](const std::exception_ptr& e) { log_exception(e, "listener"); });
    spdlog::info("listening on {}", format_endpoint(impl.endpoint));
}

boost::asio::ip::tcp::endpoint HttpServer::local_endpoint() const {
    return impl_->endpoint;
}

void HttpServer::run() {
    Impl& impl = *impl_;
    if (!impl.started) throw std::logic_error("HttpServer::run called before start");
    net::post(impl.state->control, [&impl] {
        if (impl.state->stopping) return;
        impl.signals.emplace(impl.state->control, SIGINT, SIGTERM);
        impl.wait_for_signals();
    });

    const std::size_t count = std::max<std::size_t>(impl.state->options.threads, 1);
    std::vector<std::thread> threads;
    threads.reserve(count - 1);
    for (std::size_t i = 1; i < count; ++i) threads.emplace_back([&impl] { impl.run_io(); });
    impl.run_io();
    for (auto& thread : threads) thread.join();
    impl.signals.reset();
}

void HttpServer::stop() {
    Impl& impl = *impl_;
    net::post(impl.state->control, [&impl] { impl.begin_shutdown(); });
}

}  // namespace inmaek::bot
