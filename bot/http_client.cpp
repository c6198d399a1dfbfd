#include "bot/http_client.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <charconv>
#include <deque>
#include <exception>
#include <future>
#include <optional>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <vector>

#include <fmt/format.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/file.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace inmaek::bot {

namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
using tcp = net::ip::tcp;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;
using Request = http::request<http::string_body>;

/// A Beast body of FileBody: the head, then the file read in chunks while the request is
/// written, then the tail. Each write of the request (a repeat on a fresh connection too)
/// reads the file from its start.
struct SpliceBody {
    using value_type = FileBody;

    static std::uint64_t size(const value_type& body) { return body.size(); }

    class writer {
    public:
        using const_buffers_type = net::const_buffer;

        template <bool isRequest, class Fields>
        writer(const http::header<isRequest, Fields>& /*header*/, const value_type& body)
            : body_(body) {}

        void init(error_code& ec) {
            file_.open(body_.file.c_str(), beast::file_mode::scan, ec);
            left_ = body_.file_size;
            stage_ = Stage::head;
        }

        boost::optional<std::pair<const_buffers_type, bool>> get(error_code& ec) {
            ec = {};
            if (stage_ == Stage::head) {
                stage_ = Stage::file;
                if (!body_.head.empty()) return {{net::buffer(body_.head), true}};
            }
            if (stage_ == Stage::file && left_ > 0) {
                const auto want =
                    static_cast<std::size_t>(std::min<std::uint64_t>(left_, chunk_.size()));
                const auto got = file_.read(chunk_.data(), want, ec);
                if (ec) return boost::none;
                if (got == 0) {
                    // The file shrank since its size was taken: the Content-Length would lie.
                    ec = http::error::short_read;
                    return boost::none;
                }
                left_ -= got;
                return {{net::buffer(chunk_.data(), got), true}};
            }
            if (stage_ == Stage::file) {
                stage_ = Stage::done;
                if (!body_.tail.empty()) return {{net::buffer(body_.tail), false}};
            }
            return boost::none;
        }

    private:
        enum class Stage { head, file, done };
        const value_type& body_;
        beast::file file_;
        std::uint64_t left_ = 0;
        Stage stage_ = Stage::head;
        std::array<char, std::size_t{64} * 1024> chunk_{};
    };
};

using FileRequest = http::request<SpliceBody>;

constexpr auto kUseTuple = net::as_tuple(net::use_awaitable);
constexpr std::size_t kMaxHostLength = 253;
constexpr std::size_t kMaxLabelLength = 63;
constexpr std::size_t kMaxLoggedSegment = 20;

HttpError make_error(HttpErrorKind kind, std::string message, bool request_sent = false) {
    return HttpError{kind, std::move(message), request_sent};
}

HttpError url_error(std::string_view why) {
    return make_error(HttpErrorKind::invalid_url, fmt::format("invalid URL: {}", why));
}

std::uint16_t default_port(std::string_view scheme) {
    return scheme == "https" ? 443 : 80;
}

bool is_hex(char c) {
    return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}

bool is_alnum(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

// RFC 3986 pchar without '%' (escapes are checked on their own) plus the extra characters
// allowed where the text stands ('/' in paths, '/' and '?' in queries).
bool is_url_char(char c, std::string_view extra) {
    static constexpr std::string_view kUnreservedMarks = "-._~";
    static constexpr std::string_view kSubDelims = "!$&'()*+,;=";
    return is_alnum(c) || kUnreservedMarks.find(c) != std::string_view::npos ||
           kSubDelims.find(c) != std::string_view::npos || c == ':' || c == '@' ||
           extra.find(c) != std::string_view::npos;
}

bool valid_url_text(std::string_view text, std::string_view extra) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%') {
            if (i + 2 >= text.size() || !is_hex(text[i + 1]) || !is_hex(text[i + 2])) {
                return false;
            }
            i += 2;
        } else if (!is_url_char(text[i], extra)) {
            return false;
        }
    }
    return true;
}

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](char c) {
        return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    });
    return out;
}

/// A DNS name of letters, digits, '-' and '_' in dot-separated labels, or an IPv4 literal.
bool valid_host_name(std::string_view host) {
    if (host.empty() || host.size() > kMaxHostLength) return false;
    std::size_t label = 0;
    for (std::size_t i = 0; i <= host.size(); ++i) {
        if (i == host.size() || host[i] == '.') {
            if (label == 0 || label > kMaxLabelLength) return false;
            label = 0;
            continue;
        }
        const char c = host[i];
        if (!is_alnum(c) && c != '-' && c != '_') return false;
        ++label;
    }
    // All digits and dots looks like IPv4 and must be one ("999.1.1.1" is no name).
    if (std::all_of(host.begin(), host.end(), [](char c) {
            return c == '.' || std::isdigit(static_cast<unsigned char>(c));
        })) {
        error_code ec;
        net::ip::make_address_v4(std::string(host), ec);
        return !ec;
    }
    return true;
}

/// Splits "path?query" and checks both; the suffix of Url::join and the tail of parse_url.
bool split_path_and_query(std::string_view text, std::string& path, std::string& query) {
    const auto question = text.find('?');
    const std::string_view path_part = text.substr(0, question);
    const std::string_view query_part =
        question == std::string_view::npos ? std::string_view{} : text.substr(question + 1);
    if (!valid_url_text(path_part, "/") || !valid_url_text(query_part, "/?")) return false;
    path.assign(path_part);
    query.assign(query_part);
    return true;
}

bool is_ip_literal(const std::string& host) {
    error_code ec;
    net::ip::make_address(host, ec);
    return !ec;
}

/// "host" or "[v6]" with ":port" when the port is not the scheme's default.
std::string host_and_port(const Url& url) {
    const bool v6 = url.host.find(':') != std::string::npos;
    std::string out = v6 ? fmt::format("[{}]", url.host) : url.host;
    if (url.port != default_port(url.scheme)) out += fmt::format(":{}", url.port);
    return out;
}

bool is_idempotent(http::verb method) {
    switch (method) {
        case http::verb::get:
        case http::verb::head:
        case http::verb::put:
        case http::verb::delete_:
        case http::verb::options:
        case http::verb::trace: return true;
        default: return false;
    }
}

/// The server went away: no answer will come on this connection.
bool is_closed_by_peer(const error_code& ec) {
    return ec == http::error::end_of_stream || ec == http::error::partial_message ||
           ec == net::error::eof || ec == net::error::connection_reset ||
           ec == net::error::connection_aborted || ec == net::error::broken_pipe ||
           ec == ssl::error::stream_truncated;
}

std::chrono::milliseconds ms_since(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

/// One connection, plain or TLS. Used only on the io thread.
struct Connection {
    explicit Connection(const net::any_io_executor& executor)
        : stream(std::in_place_index<0>, executor) {}

    beast::tcp_stream& tcp() {
        if (auto* tls = std::get_if<1>(&stream)) return tls->next_layer();
        return std::get<0>(stream);
    }

    std::variant<beast::tcp_stream, beast::ssl_stream<beast::tcp_stream>> stream;
    beast::flat_buffer buffer;
    Clock::time_point idle_since;
};

/// Whether a pooled connection can carry a request: nothing waiting, not closed. Bytes
/// waiting on an idle connection are a close_notify, an error page or garbage: drop it.
bool looks_alive(Connection& connection) {
    auto& socket = connection.tcp().socket();
    if (!socket.is_open() || connection.buffer.size() != 0) return false;
    error_code ec;
    socket.non_blocking(true, ec);
    if (ec) return false;
    char byte = 0;
    socket.receive(net::buffer(&byte, 1), tcp::socket::message_peek, ec);
    error_code ignored;
    socket.non_blocking(false, ignored);
    return ec == net::error::would_block;
}

/// What an exchange on an open connection gave.
struct Exchange {
    error_code ec;
    bool fully_written = false;
    std::size_t bytes_written = 0;
    bool got_response_bytes = false;
    std::optional<ClientResponse> response;
    bool reusable = false;
};

/// Delivers the result exactly once; when dropped unfired (the io_context destroyed a
/// coroutine that never finished) it reports the request as cancelled.
class Completion {
public:
    explicit Completion(std::function<void(HttpResult)> done) : done_(std::move(done)) {}
    Completion(const Completion&) = delete;
    Completion& operator=(const Completion&) = delete;
    ~Completion() {
        if (!done_) return;
        try {
            fire(make_error(HttpErrorKind::cancelled, "the HTTP client stopped"));
        } catch (...) {
            // Nothing sensible is left to do while unwinding a destroyed coroutine.
        }
    }

    void fire(HttpResult result) {
        if (!done_) return;
        auto done = std::move(done_);
        done_ = nullptr;
        done(std::move(result));
    }

private:
    std::function<void(HttpResult)> done_;
};

}  // namespace

std::string_view to_string(HttpErrorKind kind) {
    switch (kind) {
        case HttpErrorKind::invalid_url: return "invalid_url";
        case HttpErrorKind::connect: return "connect";
        case HttpErrorKind::tls: return "tls";
        case HttpErrorKind::timeout: return "timeout";
        case HttpErrorKind::protocol: return "protocol";
        case HttpErrorKind::body_limit: return "body_limit";
        case HttpErrorKind::cancelled: return "cancelled";
    }
    return "unknown";
}

std::string Url::target() const {
    std::string out = path.empty() ? std::string("/") : path;
    if (!query.empty()) {
        out += '?';
        out += query;
    }
    return out;
}

std::string Url::origin() const {
    return fmt::format("{}://{}", scheme, host_and_port(*this));
}

boost::system::result<Url, HttpError> Url::join(std::string_view suffix) const {
    if (suffix.empty() || suffix.front() != '/') return url_error("a path must start with '/'");
    if (suffix.find('#') != std::string_view::npos) return url_error("fragments are not sent");
    std::string suffix_path;
    std::string suffix_query;
    if (!split_path_and_query(suffix, suffix_path, suffix_query)) {
        return url_error("the path has a character that must be percent-encoded");
    }
    Url joined = *this;
    std::string_view base = path;
    while (!base.empty() && base.back() == '/') base.remove_suffix(1);
    joined.path = std::string(base) + suffix_path;
    joined.query = std::move(suffix_query);
    return joined;
}

boost::system::result<Url, HttpError> parse_url(std::string_view text) {
    if (std::any_of(text.begin(), text.end(), [](char c) {
            const auto u = static_cast<unsigned char>(c);
            return u <= 0x20 || u >= 0x7f;
        })) {
        return url_error("it contains a space, a control or a non-ASCII character");
    }
    const auto scheme_end = text.find("://");
    if (scheme_end == std::string_view::npos) return url_error("no scheme (http:// or https://)");
    Url url;
    url.scheme = lower(text.substr(0, scheme_end));
    if (url.scheme != "http" && url.scheme != "https") {
        return url_error("the scheme must be http or https");
    }
    std::string_view rest = text.substr(scheme_end + 3);
    if (rest.find('#') != std::string_view::npos) return url_error("fragments are not sent");

    const auto authority_end = rest.find_first_of("/?");
    const std::string_view authority = rest.substr(0, authority_end);
    const std::string_view tail =
        authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);
    if (authority.find('@') != std::string_view::npos) {
        return url_error("credentials in URLs are not supported; send them in a header");
    }

    std::string_view host;
    std::string_view port_text;
    bool has_port = false;
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) return url_error("unterminated IPv6 address");
        host = authority.substr(1, close - 1);
        const std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') return url_error("unexpected text after the IPv6 address");
            has_port = true;
            port_text = after.substr(1);
        }
        error_code ec;
        if (host.find('%') != std::string_view::npos) {
            return url_error("IPv6 zone identifiers are not supported");
        }
        net::ip::make_address_v6(std::string(host), ec);
        if (ec) return url_error("bad IPv6 address");
    } else {
        const auto colon = authority.find(':');
        host = authority.substr(0, colon);
        if (colon != std::string_view::npos) {
            has_port = true;
            port_text = authority.substr(colon + 1);
        }
        if (host.empty()) return url_error("no host");
        if (!valid_host_name(host)) return url_error("bad host name");
    }
    url.host = lower(host);

    if (has_port) {
        unsigned value = 0;
        const auto [end, ec] =
            std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
        if (port_text.empty() || port_text.size() > 5 || ec != std::errc{} ||
            end != port_text.data() + port_text.size() || value == 0 || value > 65535) {
            return url_error("the port must be a number from 1 to 65535");
        }
        url.port = static_cast<std::uint16_t>(value);
    } else {
        url.port = default_port(url.scheme);
    }

    if (!split_path_and_query(tail, url.path, url.query)) {
        return url_error("the path or query has a character that must be percent-encoded");
    }
    return url;
}

std::string redact_target(std::string_view target) {
    const auto question = target.find('?');
    const std::string_view path = target.substr(0, question);
    std::string out;
    out.reserve(path.size() + 4);
    std::size_t start = 0;
    for (;;) {
        const auto slash = path.find('/', start);
        const std::string_view segment = path.substr(start, slash - start);
        const bool plain = segment.size() <= kMaxLoggedSegment &&
                           std::all_of(segment.begin(), segment.end(), [](char c) {
                               const auto u = static_cast<unsigned char>(c);
                               return u > 0x20 && u < 0x7f && c != ':' && c != '"';
                           });
        out += plain ? segment : std::string_view("***");
        if (slash == std::string_view::npos) break;
        out += '/';
        start = slash + 1;
    }
    if (question != std::string_view::npos) out += "?***";
    return out;
}

struct HttpClient::Impl {
    explicit Impl(HttpClientOptions options_in)
        : options(std::move(options_in)), tls_context(ssl::context::tls_client) {
        tls_context.set_default_verify_paths();
        if (!options.ca_file.empty()) {
            error_code ec;
            tls_context.load_verify_file(options.ca_file, ec);
            if (ec) {
                throw std::runtime_error(
                    fmt::format("cannot load CA file {}: {}", options.ca_file, ec.message()));
            }
        }
        tls_context.set_verify_mode(ssl::verify_peer);
        SSL_CTX_set_min_proto_version(tls_context.native_handle(), TLS1_2_VERSION);
        work.emplace(net::make_work_guard(ioc));
        thread = std::thread([this] { run_io(); });
        io_thread_id = thread.get_id();
    }

    void run_io() {
        for (;;) {
            try {
                ioc.run();
                return;
            } catch (const std::exception& e) {
                spdlog::error("http client io thread: unexpected error: {}", e.what());
            }
        }
    }

    /// A request in progress, so that shutdown can cut it short. On the io thread.
    struct InFlight {
        Connection* connection = nullptr;
        net::steady_timer* resolve_wait = nullptr;

        void cancel() {
            if (resolve_wait) resolve_wait->cancel();
            if (connection) {
                error_code ignored;
                connection->tcp().socket().close(ignored);
            }
        }
    };

    /// Keeps an InFlight registered for as long as it lives.
    class Registration {
    public:
        Registration(Impl& impl, InFlight& in_flight) : impl_(impl), in_flight_(in_flight) {
            impl_.running.insert(&in_flight_);
        }
        ~Registration() { impl_.running.erase(&in_flight_); }
        Registration(const Registration&) = delete;
        Registration& operator=(const Registration&) = delete;

    private:
        Impl& impl_;
        InFlight& in_flight_;
    };

    static std::string pool_key(const Url& url) {
        return fmt::format("{}://{}:{}", url.scheme, url.host, url.port);
    }

    /// A pooled connection that still looks usable, or null.
    std::unique_ptr<Connection> take_idle(const std::string& key) {
        const auto found = pool.find(key);
        if (found == pool.end()) return nullptr;
        auto& idle = found->second;
        std::unique_ptr<Connection> usable;
        while (!idle.empty() && !usable) {
            std::unique_ptr<Connection> candidate = std::move(idle.back());
            idle.pop_back();
            --idle_count;
            if (Clock::now() - candidate->idle_since > options.idle_timeout) {
                continue;
            }
            if (!looks_alive(*candidate)) {
                spdlog::debug("http out: dropping a pooled connection the server closed");
                continue;
            }
            usable = std::move(candidate);
        }
        if (idle.empty()) pool.erase(found);
        return usable;
    }

    void release(const std::string& key, std::unique_ptr<Connection> connection) {
        if (stopping || options.max_idle_per_origin == 0) return;
        connection->tcp().expires_never();
        connection->idle_since = Clock::now();
        auto& idle = pool[key];
        // Oldest first: those are the likeliest to be closed by the server soon.
        while (idle.size() >= options.max_idle_per_origin) {
            idle.pop_front();
            --idle_count;
        }
        idle.push_back(std::move(connection));
        ++idle_count;
    }

    void shutdown() {
        for (InFlight* request : running) request->cancel();
        pool.clear();
        idle_count = 0;
    }

    net::awaitable<void> perform(ClientRequest request, std::shared_ptr<Completion> completion) {
        HttpResult result = make_error(HttpErrorKind::cancelled, "the HTTP client stopped");
        const Clock::time_point started = Clock::now();
        const std::string method(http::to_string(request.method));
        const std::string logged_target =
            request.url.host.empty() ? std::string("-")
                                     : request.url.origin() + redact_target(request.url.target());
        bool reused = false;
        try {
            result = co_await perform_attempts(request, started, reused);
        } catch (const std::exception& e) {
            result = make_error(HttpErrorKind::protocol,
                                fmt::format("unexpected error: {}", e.what()), true);
        }
        if (result) {
            spdlog::debug("http out {} {} status={} ms={} reused={}", method, logged_target,
                          result->result_int(), ms_since(started).count(), reused);
        } else {
            spdlog::debug("http out {} {} error={} ms={} reused={}: {}", method, logged_target,
                          to_string(result.error().kind), ms_since(started).count(), reused,
                          result.error().message);
        }
        try {
            completion->fire(std::move(result));
        } catch (const std::exception& e) {
            spdlog::error("http client: a completion handler threw: {}", e.what());
        }
    }

    net::awaitable<HttpResult> perform_attempts(ClientRequest& request, Clock::time_point started,
                                                bool& reused) {
        const Url& url = request.url;
        if ((url.scheme != "http" && url.scheme != "https") || url.host.empty() || url.port == 0) {
            co_return url_error("not an absolute http(s) URL");
        }
        if (stopping) co_return make_error(HttpErrorKind::cancelled, "the HTTP client stopped");
        if (request.file_body) {
            FileRequest message{request.method, url.target(), 11};
            message.body() = std::move(*request.file_body);
            co_return co_await attempts_with(request, message, started, reused);
        }
        Request message{request.method, url.target(), 11};
        message.body() = std::move(request.body);
        co_return co_await attempts_with(request, message, started, reused);
    }

    /// The attempts of perform_attempts() for a message of either body type.
    template <typename Message>
    net::awaitable<HttpResult> attempts_with(const ClientRequest& request, Message& message,
                                             Clock::time_point started, bool& reused) {
        const Url& url = request.url;
        const auto timeout =
            request.timeout.count() > 0 ? request.timeout : options.request_timeout;
        const Clock::time_point deadline = started + timeout;
        const bool head = request.method == http::verb::head;
        const bool may_repeat = request.retry_safe || is_idempotent(request.method);

        for (const auto& field : request.headers) {
            message.insert(field.name_string(), field.value());
        }
        message.set(http::field::host, host_and_port(url));
        if (message.find(http::field::user_agent) == message.end()) {
            message.set(http::field::user_agent, options.user_agent);
        }
        try {
            message.prepare_payload();
        } catch (const std::exception& e) {
            co_return make_error(HttpErrorKind::protocol,
                                 fmt::format("unusable request: {}", e.what()));
        }

        const std::string key = pool_key(url);
        InFlight in_flight;
        Registration registration(*this, in_flight);
        for (int attempt = 1;; ++attempt) {
            std::unique_ptr<Connection> connection;
            if (attempt == 1) connection = take_idle(key);
            reused = connection != nullptr;
            if (!connection) {
                auto connected = co_await connect(url, deadline, in_flight);
                if (!connected) co_return connected.error();
                connection = std::move(*connected);
            }
            in_flight.connection = connection.get();
            Exchange exchange = co_await exchange_on(*connection, message, deadline, head);
            in_flight.connection = nullptr;
            if (!exchange.ec && exchange.response) {
                if (exchange.reusable && message.keep_alive()) {
                    release(key, std::move(connection));
                }
                co_return std::move(*exchange.response);
            }
            // A reused connection the server closed while the request was on its way.
            const bool stale =
                reused && !exchange.got_response_bytes && is_closed_by_peer(exchange.ec);
            if (attempt == 1 && stale && !stopping && (!exchange.fully_written || may_repeat)) {
                spdlog::debug("http out: {} closed a kept-alive connection; repeating on a new one",
                              url.origin());
                continue;
            }
            co_return exchange_error(url, exchange, timeout);
        }
    }

    HttpError exchange_error(const Url& url, const Exchange& exchange,
                             std::chrono::milliseconds timeout) const {
        const bool sent = exchange.bytes_written > 0 || exchange.fully_written;
        const error_code& ec = exchange.ec;
        if (stopping) return make_error(HttpErrorKind::cancelled, "the HTTP client stopped", sent);
        if (ec == beast::error::timeout) {
            return make_error(HttpErrorKind::timeout,
                              fmt::format("no complete response from {} within {} ms", url.origin(),
                                          timeout.count()),
                              sent);
        }
        if (ec == http::error::body_limit || ec == http::error::header_limit) {
            return make_error(
                HttpErrorKind::body_limit,
                fmt::format(
                    "the response from {} exceeds the limit of {} bytes", url.origin(),
                    ec == http::error::body_limit ? options.body_limit : options.header_limit),
                sent);
        }
        if (is_closed_by_peer(ec)) {
            return make_error(
                HttpErrorKind::protocol,
                fmt::format("{} closed the connection before a complete response", url.origin()),
                sent);
        }
        return make_error(HttpErrorKind::protocol,
                          fmt::format("exchange with {} failed: {}", url.origin(), ec.message()),
                          sent);
    }

    /// Resolves (or takes the override / the literal), connects, and for https hands shakes.
    net::awaitable<boost::system::result<std::unique_ptr<Connection>, HttpError>> connect(
        const Url& url, Clock::time_point deadline, InFlight& in_flight) {
        const std::string where = fmt::format("{}:{}", url.host, url.port);
        const auto connect_deadline = std::min(deadline, Clock::now() + options.connect_timeout);
        auto cancelled = [] {
            return make_error(HttpErrorKind::cancelled, "the HTTP client stopped");
        };

        std::vector<tcp::endpoint> endpoints;
        std::string address = url.host;
        if (const auto found = options.resolve_overrides.find(url.host);
            found != options.resolve_overrides.end()) {
            address = found->second;
        }
        error_code ec;
        const auto literal = net::ip::make_address(address, ec);
        if (!ec) {
            endpoints.emplace_back(literal, url.port);
        } else {
            auto resolved = co_await resolve(address, url.port, connect_deadline, in_flight);
            if (stopping) co_return cancelled();
            if (!resolved) co_return resolved.error();
            endpoints = std::move(*resolved);
            if (endpoints.empty()) {
                co_return make_error(HttpErrorKind::connect,
                                     fmt::format("cannot resolve {}: no address", url.host));
            }
        }

        auto connection = std::make_unique<Connection>(ioc.get_executor());
        in_flight.connection = connection.get();
        connection->tcp().expires_at(connect_deadline);
        auto [connect_ec, endpoint] =
            co_await connection->tcp().async_connect(endpoints, kUseTuple);
        if (stopping) co_return cancelled();
        if (connect_ec == beast::error::timeout) {
            co_return make_error(HttpErrorKind::timeout,
                                 fmt::format("connecting to {} timed out", where));
        }
        if (connect_ec) {
            co_return make_error(HttpErrorKind::connect, fmt::format("cannot connect to {}: {}",
                                                                     where, connect_ec.message()));
        }
        if (!url.tls()) co_return std::move(connection);

        {
            beast::tcp_stream plain = std::move(std::get<0>(connection->stream));
            connection->stream.emplace<1>(std::move(plain), tls_context);
        }
        auto& tls = std::get<1>(connection->stream);
        if (!is_ip_literal(url.host) &&
            SSL_set_tlsext_host_name(tls.native_handle(), url.host.c_str()) != 1) {
            co_return make_error(HttpErrorKind::tls,
                                 fmt::format("cannot set the TLS server name for {}", url.host));
        }
        // Why a certificate was refused: OpenSSL's reason, or the host name not matching.
        auto refusal = std::make_shared<std::string>();
        tls.set_verify_mode(ssl::verify_peer);
        tls.set_verify_callback([check = ssl::host_name_verification(url.host), refusal,
                                 host = url.host](bool preverified, ssl::verify_context& context) {
            const bool ok = check(preverified, context);
            if (!ok && refusal->empty()) {
                X509_STORE_CTX* store = context.native_handle();
                *refusal = preverified
                               ? fmt::format("certificate is not valid for {}", host)
                               : X509_verify_cert_error_string(X509_STORE_CTX_get_error(store));
            }
            return ok;
        });
        connection->tcp().expires_at(std::min(deadline, Clock::now() + options.handshake_timeout));
        auto [handshake_ec] = co_await tls.async_handshake(ssl::stream_base::client, kUseTuple);
        if (stopping) co_return cancelled();
        if (handshake_ec == beast::error::timeout) {
            co_return make_error(HttpErrorKind::timeout,
                                 fmt::format("TLS handshake with {} timed out", where));
        }
        if (handshake_ec) {
            co_return make_error(HttpErrorKind::tls,
                                 fmt::format("TLS handshake with {} failed: {}", where,
                                             refusal->empty() ? handshake_ec.message() : *refusal));
        }
        co_return std::move(connection);
    }

    /// DNS with a deadline: the resolver's own cancel cannot interrupt getaddrinfo, so the
    /// coroutine waits on a timer that the lookup or the deadline ends, whichever comes first.
    net::awaitable<boost::system::result<std::vector<tcp::endpoint>, HttpError>> resolve(
        const std::string& host, std::uint16_t port, Clock::time_point deadline,
        InFlight& in_flight) {
        struct Lookup {
            explicit Lookup(net::io_context& context) : wait(context), resolver(context) {}
            net::steady_timer wait;
            tcp::resolver resolver;
            bool done = false;
            error_code ec;
            std::vector<tcp::endpoint> endpoints;
        };
        auto lookup = std::make_shared<Lookup>(ioc);
        lookup->wait.expires_at(deadline);
        lookup->resolver.async_resolve(
            host, std::to_string(port), tcp::resolver::numeric_service,
            [lookup](error_code ec, const tcp::resolver::results_type& results) {
                lookup->done = true;
                lookup->ec = ec;
                for (const auto& entry : results) lookup->endpoints.push_back(entry.endpoint());
                lookup->wait.cancel();
            });
        in_flight.resolve_wait = &lookup->wait;
        co_await lookup->wait.async_wait(kUseTuple);
        in_flight.resolve_wait = nullptr;
        if (!lookup->done) {
            lookup->resolver.cancel();
            co_return make_error(HttpErrorKind::timeout,
                                 fmt::format("resolving {} timed out", host));
        }
        if (lookup->ec) {
            co_return make_error(HttpErrorKind::connect,
                                 fmt::format("cannot resolve {}: {}", host, lookup->ec.message()));
        }
        co_return std::move(lookup->endpoints);
    }

    template <typename Message>
    net::awaitable<Exchange> exchange_on(Connection& connection, Message& message,
                                         Clock::time_point deadline, bool head) {
        connection.tcp().expires_at(deadline);
        if (auto* tls = std::get_if<1>(&connection.stream)) {
            co_return co_await exchange_over(*tls, connection.buffer, message, head);
        }
        co_return co_await exchange_over(std::get<0>(connection.stream), connection.buffer, message,
                                         head);
    }

    template <typename Stream, typename Message>
    net::awaitable<Exchange> exchange_over(Stream& stream, beast::flat_buffer& buffer,
                                           Message& message, bool head) {
        Exchange out;
        auto [write_ec, written] = co_await http::async_write(stream, message, kUseTuple);
        out.bytes_written = written;
        if (write_ec) {
            out.ec = write_ec;
            co_return out;
        }
        out.fully_written = true;
        for (;;) {
            http::response_parser<http::string_body> parser;
            parser.body_limit(options.body_limit);
            parser.header_limit(static_cast<std::uint32_t>(
                std::min<std::size_t>(options.header_limit, UINT32_MAX)));
            if (head) parser.skip(true);
            auto [read_ec, ignored] = co_await http::async_read(stream, buffer, parser, kUseTuple);
            out.got_response_bytes = out.got_response_bytes || parser.got_some();
            if (read_ec) {
                out.ec = read_ec;
                co_return out;
            }
            ClientResponse response = parser.release();
            // Interim answers (100 Continue, 103 Early Hints) precede the real one.
            if (response.result_int() >= 100 && response.result_int() < 200 &&
                response.result() != http::status::switching_protocols) {
                continue;
            }
            out.reusable = !response.need_eof() && buffer.size() == 0;
            out.response = std::move(response);
            co_return out;
        }
    }

    const HttpClientOptions options;
    ssl::context tls_context;
    std::atomic<bool> stopping{false};
    /// Idle connections per pool_key, oldest first. On the io thread.
    std::unordered_map<std::string, std::deque<std::unique_ptr<Connection>>> pool;
    /// On the io thread.
    std::unordered_set<InFlight*> running;
    std::atomic<std::size_t> idle_count{0};
    std::thread thread;
    std::thread::id io_thread_id;
    // Declared last so it is destroyed first: a coroutine frame it might still hold refers to
    // the members above. Pooled sockets must go before it (~HttpClient clears the pool).
    net::io_context ioc{1};
    std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
};

HttpClient::HttpClient(HttpClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

HttpClient::~HttpClient() {
    if (!impl_) return;
    impl_->stopping = true;
    try {
        net::post(impl_->ioc, [impl = impl_.get()] { impl->shutdown(); });
    } catch (...) {
        // Out of memory: requests in flight then end by their own deadlines instead.
    }
    impl_->work.reset();
    if (impl_->thread.joinable()) {
        try {
            impl_->thread.join();
        } catch (...) {
            std::terminate();  // the io thread would outlive everything it uses
        }
    }
    impl_->pool.clear();
}

void HttpClient::start(ClientRequest request, std::function<void(HttpResult)> done) {
    auto completion = std::make_shared<Completion>(std::move(done));
    if (impl_->stopping) {
        completion->fire(make_error(HttpErrorKind::cancelled, "the HTTP client stopped"));
        return;
    }
    net::co_spawn(impl_->ioc, impl_->perform(std::move(request), completion),
                  [](const std::exception_ptr& error) {
                      // perform() catches what the exchange and the completion throw; what
                      // is left is out of memory. The Completion reports the request.
                      if (error) spdlog::error("http client: a request ended unexpectedly");
                  });
}

HttpResult HttpClient::send(ClientRequest request) {
    if (std::this_thread::get_id() == impl_->io_thread_id) {
        return make_error(HttpErrorKind::cancelled,
                          "HttpClient::send called on the client's own io thread");
    }
    auto promise = std::make_shared<std::promise<HttpResult>>();
    auto future = promise->get_future();
    start(std::move(request),
          [promise](HttpResult result) { promise->set_value(std::move(result)); });
    return future.get();
}

std::size_t HttpClient::idle_connections() const {
    return impl_->idle_count.load();
}

}  // namespace inmaek::bot
