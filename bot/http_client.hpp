#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/system/result.hpp>

#include "bot/multipart.hpp"

// Outbound HTTP(S) client for the platforms' APIs (Telegram sendMessage, Slack
// chat.postMessage, LINE reply/push, Kakao callbacks, Discord follow-ups).
//
// Design: the client owns one io thread; every request runs there as a C++20 coroutine, so
// the connection pool needs no lock. Callers use either
//   - send(): blocks the calling thread until the result is there (worker threads, the
//     outbox sender), or
//   - async_send(request, token): any Asio completion token: a callback (called on the
//     client's io thread), use_awaitable from a coroutine on another io_context (resumed
//     on that coroutine's executor), use_future.
// Every request completes exactly once, with a response (any status: 4xx/5xx are responses,
// not errors) or an HttpError; network failures never throw. The client never logs headers
// or bodies, and logs targets only through redact_target().

namespace inmaek::bot {

namespace http = boost::beast::http;

/// What went wrong with a request.
enum class HttpErrorKind {
    invalid_url,  ///< the URL is not an absolute http(s) URL we accept; nothing was sent
    connect,      ///< name resolution or the TCP connect failed; nothing was sent
    tls,          ///< TLS handshake or certificate verification failed; nothing was sent
    timeout,      ///< a deadline expired (connect, TLS handshake or the whole request)
    protocol,     ///< the connection broke during the exchange, or the answer was not HTTP
    body_limit,   ///< the response (headers or body) exceeded the client's limits
    cancelled,    ///< the client was destroyed before the request finished
};

/// "connect", "tls", "timeout", ... for logs and error columns.
std::string_view to_string(HttpErrorKind kind);

/// A failed request. `message` names the host and the cause, never a token.
struct HttpError {
    HttpErrorKind kind = HttpErrorKind::protocol;
    std::string message;
    /// The request may have reached the server (it was written, in full or in part): a
    /// non-idempotent request must be treated as possibly delivered.
    bool request_sent = false;
};

/// An absolute http or https URL split for connecting. Made by parse_url().
struct Url {
    std::string scheme;      ///< "http" or "https"
    std::string host;        ///< lower-case name or IPv4 literal; IPv6 literal without brackets
    std::uint16_t port = 0;  ///< explicit or the scheme's default
    std::string path;        ///< "" or starting with '/', percent-encoded as given
    std::string query;       ///< without the '?'; "" when none

    bool tls() const { return scheme == "https"; }
    /// Path and query as sent in the request line ("/" for an empty path).
    std::string target() const;
    /// "https://host[:port]" with the port only when it is not the scheme's default.
    std::string origin() const;
    /// This URL taken as a base: `suffix` ("/bot…/sendMessage?x=1", must start with '/') is
    /// appended to the base's path ("https://h/api" → "/api/bot…/sendMessage"); the base's
    /// query is not carried over. An invalid suffix is an invalid_url error.
    boost::system::result<Url, HttpError> join(std::string_view suffix) const;
};

/// Strict parser for base and request URLs: scheme http or https (any case); a host name,
/// IPv4 or [IPv6] literal; optional port 1-65535; path and query of URL characters with
/// valid percent escapes. Rejects user info (credentials in URLs end up in logs), fragments,
/// spaces, control and non-ASCII characters. Boost 1.81's Boost.URL ships no library in
/// Debian's libboost1.81-all-dev, hence this small parser.
boost::system::result<Url, HttpError> parse_url(std::string_view text);

/// A target fit for a log line: the query becomes "?***" and every path segment that may be
/// a secret (longer than 20 characters or containing ':', like Telegram's bot<id>:<token> or
/// Discord's interaction token) becomes "***".
std::string redact_target(std::string_view target);

/// Limits, timeouts, trust and pooling of an HttpClient.
struct HttpClientOptions {
    std::chrono::milliseconds connect_timeout{5000};    ///< name resolution and TCP connect
    std::chrono::milliseconds handshake_timeout{5000};  ///< TLS handshake
    /// Whole request, from the call to the last byte of the response (connect and handshake
    /// included); ClientRequest::timeout overrides it per request.
    std::chrono::milliseconds request_timeout{30000};
    std::size_t body_limit = std::size_t{4} * 1024 * 1024;  ///< response body
    std::size_t header_limit = std::size_t{64} * 1024;      ///< response header
    std::size_t max_idle_per_origin = 4;  ///< idle keep-alive connections kept per origin
    /// An idle connection older than this is closed instead of reused (servers drop idle
    /// connections after a while; reusing one that is about to close wastes a round trip).
    std::chrono::milliseconds idle_timeout{30000};
    /// PEM file of extra trusted CA certificates (a test CA); the system store is always used.
    std::string ca_file;
    /// Host name → IP literal used instead of DNS, like curl's --resolve; the certificate is
    /// still checked against the host name. For tests and local emulators.
    std::map<std::string, std::string, std::less<>> resolve_overrides;
    std::string user_agent = "inmaek";
};

/// One request. Host, Content-Length and (unless given) User-Agent are set by the client.
struct ClientRequest {
    http::verb method = http::verb::get;
    Url url;
    http::fields headers;  ///< e.g. Authorization, Content-Type, X-Line-Retry-Key
    std::string body;
    /// When set, the body instead of `body`: a head, a file streamed from disk and a tail
    /// (MultipartForm), with its Content-Length.
    std::optional<FileBody> file_body;
    /// Sending it twice is harmless (it carries an idempotency key such as LINE's
    /// X-Line-Retry-Key): retried like GET after a stale keep-alive connection.
    bool retry_safe = false;
    /// Whole-request deadline; zero: HttpClientOptions::request_timeout.
    std::chrono::milliseconds timeout{0};
};

using ClientResponse = http::response<http::string_body>;
/// The response (whatever its status) or why there is none.
using HttpResult = boost::system::result<ClientResponse, HttpError>;

/// HTTP/1.1 client over TCP or TLS with a keep-alive pool per (scheme, host, port).
///
/// TLS: certificates are verified against the system store (plus options.ca_file), the
/// host name is checked (RFC 6125 via OpenSSL), SNI is sent for host names.
///
/// Connection reuse and retry: after a complete response that allows keep-alive, the
/// connection goes back to the pool (most recently used first). Before a pooled connection
/// is reused it is checked without blocking: one the server closed (or that has unexpected
/// bytes waiting) is dropped and the next or a fresh one is taken, so nothing was sent on
/// it. If a reused connection still fails before any byte of the response arrived (the
/// server closed it while the request was on its way), the request is repeated once on a
/// fresh connection only when that is safe: the request was not completely written (the
/// server cannot have acted on it), or the method is idempotent (GET, HEAD, PUT, DELETE,
/// OPTIONS, TRACE), or the request is retry_safe. A POST that was written is never repeated:
/// its error has request_sent = true. Failures on a fresh connection are never retried.
///
/// Thread-safe: any number of threads may send at once. Construction loads the system CA
/// store (tens of milliseconds) and starts a thread: make one client per process and share it.
class HttpClient {
public:
    /// Throws std::runtime_error when options.ca_file cannot be loaded.
    explicit HttpClient(HttpClientOptions options = {});
    /// Requests still running complete with kind cancelled. Waits for the io thread, which
    /// can take as long as a pending DNS lookup.
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    /// Sends and waits. Must not be called on the client's own io thread (that is, from an
    /// async_send callback): it then fails at once with kind cancelled instead of deadlocking.
    HttpResult send(ClientRequest request);

    /// Sends; completes with void(HttpResult) through `token`, exactly once. The completion is
    /// posted from the client's thread to the token's executor, whose io_context must
    /// therefore outlive the client (the post may still be returning when the handler runs).
    template <typename CompletionToken>
    auto async_send(ClientRequest request, CompletionToken&& token) {
        return boost::asio::async_initiate<CompletionToken, void(HttpResult)>(
            [this](auto handler, ClientRequest&& moved) {
                using Handler = decltype(handler);
                // std::function needs a copyable callable; the handler (a coroutine's, say)
                // may be move-only.
                struct Pending {
                    explicit Pending(Handler h)
                        : handler(std::move(h)),
                          work(boost::asio::make_work_guard(
                              boost::asio::get_associated_executor(handler))) {}
                    Handler handler;
                    boost::asio::executor_work_guard<boost::asio::associated_executor_t<Handler>>
                        work;
                };
                auto pending = std::make_shared<Pending>(std::move(handler));
                start(std::move(moved), [pending](HttpResult result) {
                    auto executor = pending->work.get_executor();
                    boost::asio::dispatch(executor,
                                          [pending, result = std::move(result)]() mutable {
                                              pending->work.reset();
                                              std::move(pending->handler)(std::move(result));
                                          });
                });
            },
            token, std::move(request));
    }

    /// Idle connections in the pool now (all origins); for tests and metrics.
    std::size_t idle_connections() const;

private:
    /// Runs the request on the io thread; `done` is called exactly once (on the io thread, or
    /// on the destroying thread for requests cut short by the destructor).
    void start(ClientRequest request, std::function<void(HttpResult)> done);

    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace inmaek::bot
