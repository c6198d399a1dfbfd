#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace inmaek::bot {

namespace http = boost::beast::http;

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

/// Filled by the application while handling; logged by the server in the request's one line.
struct RequestInfo {
    std::string id;
    std::string platform;
    std::string command;
    /// When set by the application, the response's body is this file, streamed from disk (a
    /// large download); the server deletes it once opened.
    std::string body_file;
};

/// Application handler: called on an io thread; must call `done` exactly once, from any thread.
/// Later calls of `done` are ignored; dropping `done` without calling it answers 500.
using RequestHandler = std::function<void(Request&& request, std::shared_ptr<RequestInfo> info,
                                          std::function<void(Response&&)> done)>;

/// Limits, timeouts and threads of the HTTP server.
struct HttpServerOptions {
    std::string address = "127.0.0.1";
    unsigned short port = 8080;
    std::size_t threads = 1;
    std::size_t body_limit = std::size_t{1024} * 1024;
    std::size_t header_limit = std::size_t{16} * 1024;
    std::chrono::milliseconds read_timeout{10000};
    std::chrono::milliseconds idle_timeout{60000};
    std::chrono::milliseconds shutdown_grace{10000};
    /// How a request path appears in the log line (a path may carry a secret: Kakao's skill
    /// URL); unset: as it is.
    std::function<std::string(std::string_view path)> log_path;
};

/// HTTP/1.1 server on C++20 coroutines: a listener that only accepts, one session per
/// connection (on its own strand) that only reads and writes; keep-alive, limits, timeouts,
/// one log line per request, graceful drain on stop().
class HttpServer {
public:
    HttpServer(HttpServerOptions options, RequestHandler handler);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    /// Binds and starts accepting; throws with a clear message if the address cannot be bound.
    void start();
    /// The bound endpoint (real port when port 0 was asked).
    boost::asio::ip::tcp::endpoint local_endpoint() const;
    /// Runs the io threads until stop() completes; installs SIGINT/SIGTERM to call stop().
    void run();
    /// Graceful: stop accepting, let in-flight requests finish and their responses be written
    /// (up to shutdown_grace), close idle keep-alive connections, then return from run().
    /// Thread-safe; may be called before or during run().
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace inmaek::bot
