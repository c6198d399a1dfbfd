#include "bot/http_client.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <nlohmann/json.hpp>

namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;
using inmaek::bot::ClientRequest;
using inmaek::bot::HttpClient;
using inmaek::bot::HttpClientOptions;
using inmaek::bot::HttpErrorKind;
using inmaek::bot::HttpResult;
using inmaek::bot::parse_url;
using inmaek::bot::redact_target;
using inmaek::bot::Url;
using namespace std::chrono_literals;

constexpr auto kUseTuple = net::as_tuple(net::use_awaitable);
constexpr auto kTestHost = "api.inmaek.test";

// ---------------------------------------------------------------------------------------------
// A test CA and a server certificate for api.inmaek.test and 127.0.0.1, made with OpenSSL's C
// API when the test starts, so no certificate file is checked in and none expires.

using Key = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using Certificate = std::unique_ptr<X509, decltype(&X509_free)>;

void add_extension(X509* certificate, X509* issuer, int nid, const char* value) {
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
    X509_EXTENSION* extension = X509V3_EXT_nconf_nid(nullptr, &context, nid, value);
    if (extension == nullptr) throw std::runtime_error("cannot make a certificate extension");
    X509_add_ext(certificate, extension, -1);
    X509_EXTENSION_free(extension);
}

/// A CA certificate when issuer is null, else a server certificate for alt_names.
Certificate make_certificate(EVP_PKEY* key, const char* common_name, X509* issuer,
                             EVP_PKEY* issuer_key, const char* alt_names) {
    static long serial = 1;
    Certificate certificate(X509_new(), &X509_free);
    X509* cert = certificate.get();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), serial++);
    X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
    X509_set_pubkey(cert, key);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(common_name), -1, -1, 0);
    X509* signer = issuer != nullptr ? issuer : cert;
    X509_set_issuer_name(cert, X509_get_subject_name(signer));
    if (issuer == nullptr) {
        add_extension(cert, signer, NID_basic_constraints, "critical,CA:TRUE");
        add_extension(cert, signer, NID_key_usage, "critical,keyCertSign,cRLSign");
        add_extension(cert, signer, NID_subject_key_identifier, "hash");
    } else {
        add_extension(cert, signer, NID_basic_constraints, "CA:FALSE");
        add_extension(cert, signer, NID_key_usage, "critical,digitalSignature");
        add_extension(cert, signer, NID_ext_key_usage, "serverAuth");
        add_extension(cert, signer, NID_subject_alt_name, alt_names);
        add_extension(cert, signer, NID_authority_key_identifier, "keyid:always");
    }
    if (X509_sign(cert, issuer_key != nullptr ? issuer_key : key, EVP_sha256()) == 0) {
        throw std::runtime_error("cannot sign a test certificate");
    }
    return certificate;
}

template <typename Write>
std::string to_pem(Write write) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
    if (write(bio.get()) != 1) throw std::runtime_error("cannot write PEM");
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

struct TestPki {
    TestPki() {
        Key ca_key(EVP_EC_gen("P-256"), &EVP_PKEY_free);
        Key server_key(EVP_EC_gen("P-256"), &EVP_PKEY_free);
        if (!ca_key || !server_key) throw std::runtime_error("cannot make test keys");
        Certificate ca =
            make_certificate(ca_key.get(), "inmaek test CA", nullptr, nullptr, nullptr);
        Certificate server = make_certificate(server_key.get(), kTestHost, ca.get(), ca_key.get(),
                                              "DNS:api.inmaek.test,IP:127.0.0.1");
        server_certificate_pem =
            to_pem([&](BIO* bio) { return PEM_write_bio_X509(bio, server.get()); });
        server_key_pem = to_pem([&](BIO* bio) {
            return PEM_write_bio_PrivateKey(bio, server_key.get(), nullptr, nullptr, 0, nullptr,
                                            nullptr);
        });
        std::string directory_template =
            (std::filesystem::temp_directory_path() / "inmaek-http-client-XXXXXX").string();
        if (mkdtemp(directory_template.data()) == nullptr) {
            throw std::runtime_error("cannot make a temporary directory");
        }
        directory = directory_template;
        ca_file = (directory / "ca.pem").string();
        std::ofstream(ca_file) << to_pem(
            [&](BIO* bio) { return PEM_write_bio_X509(bio, ca.get()); });
    }
    ~TestPki() {
        std::error_code ignored;
        std::filesystem::remove_all(directory, ignored);
    }
    TestPki(const TestPki&) = delete;
    TestPki& operator=(const TestPki&) = delete;

    std::filesystem::path directory;
    std::string ca_file;
    std::string server_certificate_pem;
    std::string server_key_pem;
};

const TestPki& pki() {
    static const TestPki instance;
    return instance;
}

// ---------------------------------------------------------------------------------------------
// A real Beast server on 127.0.0.1:0, plain or TLS, that behaves as each test needs and counts
// what it sees.

enum class Mode {
    echo,                  ///< answers every request with a JSON echo, keep-alive
    close_after_response,  ///< answers (without "Connection: close") and closes
    connection_close,      ///< answers with "Connection: close" and closes
    drop_second_request,   ///< on each connection: answers the first request, closes on the second
    never_answer,          ///< reads the request and waits forever
    silent,                ///< accepts and never reads (TLS handshakes hang)
    big_body,              ///< answers with a 64 KiB body
};

class TestServer {
public:
    explicit TestServer(Mode mode, bool tls = false)
        : mode_(mode), acceptor_(ioc_, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)) {
        if (tls) {
            tls_.emplace(ssl::context::tls_server);
            tls_->use_certificate_chain(net::buffer(pki().server_certificate_pem));
            tls_->use_private_key(net::buffer(pki().server_key_pem), ssl::context::pem);
        }
        port_ = acceptor_.local_endpoint().port();
        net::co_spawn(ioc_, accept_loop(), net::detached);
        thread_ = std::thread([this] { ioc_.run(); });
    }
    ~TestServer() {
        ioc_.stop();
        thread_.join();
    }
    TestServer(const TestServer&) = delete;
    TestServer& operator=(const TestServer&) = delete;

    std::uint16_t port() const { return port_; }
    int connections() const { return connections_; }
    int requests() const { return requests_; }
    /// Connections the server closed after answering.
    int closed() const { return closed_; }
    std::string server_name() const {
        std::lock_guard lock(mutex_);
        return server_name_;
    }

    /// "http://127.0.0.1:<port><path>" (https for a TLS server with host given).
    Url url(std::string_view path = "/", std::string_view host = "127.0.0.1") const {
        const char* scheme = tls_ ? "https" : "http";
        auto parsed = parse_url(std::string(scheme) + "://" + std::string(host) + ":" +
                                std::to_string(port_) + std::string(path));
        if (!parsed) throw std::runtime_error(parsed.error().message);
        return *parsed;
    }

private:
    net::awaitable<void> accept_loop() {
        for (;;) {
            auto [ec, socket] = co_await acceptor_.async_accept(kUseTuple);
            if (ec) co_return;
            ++connections_;
            net::co_spawn(ioc_, session(std::move(socket)), net::detached);
        }
    }

    net::awaitable<void> session(tcp::socket socket) {
        beast::tcp_stream stream(std::move(socket));
        if (mode_ == Mode::silent) {
            co_await wait_forever();
            co_return;
        }
        if (!tls_) {
            co_await serve(stream);
            co_return;
        }
        beast::ssl_stream<beast::tcp_stream> tls(std::move(stream), *tls_);
        tls.next_layer().expires_after(5s);
        auto [ec] = co_await tls.async_handshake(ssl::stream_base::server, kUseTuple);
        if (ec) co_return;
        tls.next_layer().expires_never();
        if (const char* name = SSL_get_servername(tls.native_handle(), TLSEXT_NAMETYPE_host_name)) {
            std::lock_guard lock(mutex_);
            server_name_ = name;
        }
        co_await serve(tls);
    }

    net::awaitable<void> wait_forever() {
        net::steady_timer timer(ioc_, 1h);
        co_await timer.async_wait(kUseTuple);
    }

    template <typename Stream>
    net::awaitable<void> serve(Stream& stream) {
        beast::flat_buffer buffer;
        for (int on_connection = 1;; ++on_connection) {
            http::request<http::string_body> request;
            auto [ec, n] = co_await http::async_read(stream, buffer, request, kUseTuple);
            if (ec) co_return;
            ++requests_;
            if (mode_ == Mode::never_answer) {
                co_await wait_forever();
                co_return;
            }
            if (mode_ == Mode::drop_second_request && on_connection == 2) co_return;

            http::response<http::string_body> response{http::status::ok, request.version()};
            response.set(http::field::content_type, "application/json");
            response.set("X-Echo", "yes");
            if (mode_ == Mode::big_body) {
                response.body() = std::string(std::size_t{64} * 1024, 'x');
            } else {
                const nlohmann::json echo{
                    {"method", std::string(request.method_string())},
                    {"target", std::string(request.target())},
                    {"host", std::string(request[http::field::host])},
                    {"authorization", std::string(request[http::field::authorization])},
                    {"content_type", std::string(request[http::field::content_type])},
                    {"user_agent", std::string(request[http::field::user_agent])},
                    {"body", request.body()}};
                response.body() = echo.dump();
            }
            response.keep_alive(request.keep_alive() && mode_ != Mode::connection_close);
            response.prepare_payload();
            auto [write_ec, written] = co_await http::async_write(stream, response, kUseTuple);
            if (write_ec || mode_ == Mode::close_after_response || !response.keep_alive()) {
                beast::error_code ignored;
                beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_both,
                                                                  ignored);
                ++closed_;
                co_return;
            }
        }
    }

    const Mode mode_;
    std::atomic<int> connections_{0};
    std::atomic<int> requests_{0};
    std::atomic<int> closed_{0};
    mutable std::mutex mutex_;
    std::string server_name_;  // guarded by mutex_
    std::optional<ssl::context> tls_;
    std::uint16_t port_ = 0;
    // Destroyed before the counters above: the sessions it destroys use them.
    net::io_context ioc_;
    tcp::acceptor acceptor_;
    std::thread thread_;
};

HttpClientOptions quick_options() {
    HttpClientOptions options;
    options.connect_timeout = 1000ms;
    options.handshake_timeout = 1000ms;
    options.request_timeout = 2000ms;
    return options;
}

HttpClientOptions trusting_options() {
    HttpClientOptions options = quick_options();
    options.ca_file = pki().ca_file;
    options.resolve_overrides.emplace(kTestHost, "127.0.0.1");
    options.resolve_overrides.emplace("other.inmaek.test", "127.0.0.1");
    return options;
}

ClientRequest get(Url url) {
    ClientRequest request;
    request.url = std::move(url);
    return request;
}

ClientRequest post_json(Url url, std::string body) {
    ClientRequest request;
    request.method = http::verb::post;
    request.url = std::move(url);
    request.headers.set(http::field::content_type, "application/json");
    request.body = std::move(body);
    return request;
}

nlohmann::json echo_of(const HttpResult& result) {
    return nlohmann::json::parse(result->body());
}

bool eventually(const std::function<bool()>& condition) {
    for (int i = 0; i < 400; ++i) {
        if (condition()) return true;
        std::this_thread::sleep_for(5ms);
    }
    return condition();
}

// ---------------------------------------------------------------------------------------------
// URLs

TEST(ParseUrl, SplitsAnHttpsBaseUrl) {
    auto url = parse_url("HTTPS://API.Telegram.org");
    ASSERT_TRUE(url) << url.error().message;
    EXPECT_EQ(url->scheme, "https");
    EXPECT_EQ(url->host, "api.telegram.org");
    EXPECT_EQ(url->port, 443);
    EXPECT_EQ(url->path, "");
    EXPECT_EQ(url->target(), "/");
    EXPECT_EQ(url->origin(), "https://api.telegram.org");
    EXPECT_TRUE(url->tls());
}

TEST(ParseUrl, KeepsPortPathPrefixAndQuery) {
    auto url = parse_url("http://127.0.0.1:8081/emulator/line?mode=test&x=%2F");
    ASSERT_TRUE(url) << url.error().message;
    EXPECT_EQ(url->scheme, "http");
    EXPECT_EQ(url->host, "127.0.0.1");
    EXPECT_EQ(url->port, 8081);
    EXPECT_EQ(url->path, "/emulator/line");
    EXPECT_EQ(url->query, "mode=test&x=%2F");
    EXPECT_EQ(url->target(), "/emulator/line?mode=test&x=%2F");
    EXPECT_EQ(url->origin(), "http://127.0.0.1:8081");
    EXPECT_FALSE(url->tls());
}

TEST(ParseUrl, AcceptsBracketedIpv6) {
    auto url = parse_url("http://[::1]:9000/x");
    ASSERT_TRUE(url) << url.error().message;
    EXPECT_EQ(url->host, "::1");
    EXPECT_EQ(url->port, 9000);
    EXPECT_EQ(url->origin(), "http://[::1]:9000");
}

TEST(ParseUrl, RejectsWhatIsNotAStrictHttpUrl) {
    for (const char* text : {"",
                             "api.telegram.org",
                             "ftp://example.com/",
                             "https://",
                             "https:///path",
                             "https://user:pass@example.com/",
                             "https://example.com/#fragment",
                             "https://example.com:/x",
                             "https://example.com:0/",
                             "https://example.com:65536/",
                             "https://example.com:12a/",
                             "https://exa mple.com/",
                             "https://example.com/a b",
                             "https://example.com/%zz",
                             "https://example.com/%4",
                             "https://例.com/",
                             "https://example.com/\x01",
                             "https://[::1/x",
                             "https://[::1]x/",
                             "https://[zz]/",
                             "https://999.1.1.1/",
                             "https://a..b/",
                             "https://.example.com/",
                             "https://example.com/\"quoted\"",
                             "https://exa%6dple.com/"}) {
        auto url = parse_url(text);
        EXPECT_FALSE(url) << "accepted: " << text;
        if (!url) {
            EXPECT_EQ(url.error().kind, HttpErrorKind::invalid_url) << text;
        }
    }
}

TEST(ParseUrl, JoinsAPathOntoABaseUrl) {
    auto base = parse_url("https://api.line.me/prefix/");
    ASSERT_TRUE(base);
    auto joined = base->join("/v2/bot/message/push?retry=1");
    ASSERT_TRUE(joined) << joined.error().message;
    EXPECT_EQ(joined->target(), "/prefix/v2/bot/message/push?retry=1");
    EXPECT_EQ(joined->host, "api.line.me");

    auto bare = parse_url("https://api.telegram.org");
    ASSERT_TRUE(bare);
    auto method = bare->join("/bot123:ABC/sendMessage");
    ASSERT_TRUE(method);
    EXPECT_EQ(method->target(), "/bot123:ABC/sendMessage");

    EXPECT_FALSE(bare->join("sendMessage"));
    EXPECT_FALSE(bare->join("/a b"));
    EXPECT_FALSE(bare->join("/x#y"));
}

TEST(RedactTarget, HidesTokensInPathsAndQueries) {
    EXPECT_EQ(redact_target("/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/sendMessage"),
              "/***/sendMessage");
    EXPECT_EQ(redact_target("/bot1:x/sendMessage"), "/***/sendMessage");
    EXPECT_EQ(redact_target("/api/v10/webhooks/1234567890123456789/"
                            "aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDpTZWNyZXRUb2tlbg/messages/@original"),
              "/api/v10/webhooks/1234567890123456789/***/messages/@original");
    EXPECT_EQ(redact_target("/v2/bot/message/push"), "/v2/bot/message/push");
    EXPECT_EQ(redact_target("/api/chat.postMessage?token=xoxb-secret"),
              "/api/chat.postMessage?***");
    EXPECT_EQ(redact_target("/"), "/");
}

// ---------------------------------------------------------------------------------------------
// Plain HTTP

TEST(HttpClient, RoundTripsGetAndPostWithHeadersAndJsonBody) {
    TestServer server(Mode::echo);
    HttpClient client(quick_options());

    ClientRequest request = get(server.url("/status?verbose=1"));
    request.headers.set(http::field::authorization, "Bearer xoxb-test-token");
    const HttpResult got = client.send(request);
    ASSERT_TRUE(got) << got.error().message;
    EXPECT_EQ(got->result(), http::status::ok);
    EXPECT_EQ((*got)["X-Echo"], "yes");
    const auto get_echo = echo_of(got);
    EXPECT_EQ(get_echo["method"], "GET");
    EXPECT_EQ(get_echo["target"], "/status?verbose=1");
    EXPECT_EQ(get_echo["authorization"], "Bearer xoxb-test-token");
    EXPECT_EQ(get_echo["host"], "127.0.0.1:" + std::to_string(server.port()));
    EXPECT_EQ(get_echo["user_agent"], "inmaek");

    const std::string body = R"({"chat_id":-1001234567890,"text":"카카오 미팅 11시"})";
    const HttpResult posted = client.send(post_json(server.url("/bot1:T/sendMessage"), body));
    ASSERT_TRUE(posted) << posted.error().message;
    const auto post_echo = echo_of(posted);
    EXPECT_EQ(post_echo["method"], "POST");
    EXPECT_EQ(post_echo["content_type"], "application/json");
    EXPECT_EQ(post_echo["body"], body);
}

TEST(HttpClient, ReusesOneKeepAliveConnectionForSequentialRequests) {
    TestServer server(Mode::echo);
    HttpClient client(quick_options());
    for (int i = 0; i < 5; ++i) {
        const HttpResult result =
            client.send(post_json(server.url("/api/chat.postMessage"), R"({"n":1})"));
        ASSERT_TRUE(result) << result.error().message;
    }
    EXPECT_EQ(server.requests(), 5);
    EXPECT_EQ(server.connections(), 1);
    EXPECT_EQ(client.idle_connections(), 1U);
}

TEST(HttpClient, WorksWithAServerThatSaysConnectionClose) {
    TestServer server(Mode::connection_close);
    HttpClient client(quick_options());
    for (int i = 0; i < 5; ++i) {
        const HttpResult result = client.send(post_json(server.url("/push"), "{}"));
        ASSERT_TRUE(result) << result.error().message;
    }
    EXPECT_EQ(server.connections(), 5);
    EXPECT_EQ(client.idle_connections(), 0U);
}

TEST(HttpClient, WorksWithAServerThatSilentlyClosesAfterEachResponse) {
    TestServer server(Mode::close_after_response);
    HttpClient client(quick_options());
    for (int i = 0; i < 5; ++i) {
        const HttpResult result = client.send(get(server.url("/getMe")));
        ASSERT_TRUE(result) << result.error().message;
    }
    EXPECT_EQ(server.requests(), 5);
    EXPECT_EQ(server.connections(), 5);
}

TEST(HttpClient, DropsAPooledConnectionTheServerHasClosed) {
    TestServer server(Mode::close_after_response);
    HttpClient client(quick_options());
    ASSERT_TRUE(client.send(post_json(server.url("/push"), "{}")));
    EXPECT_EQ(client.idle_connections(), 1U);  // the server did not say it would close
    ASSERT_TRUE(eventually([&] { return server.closed() == 1; }));
    // A POST is never repeated, so this passes only if the closed connection is noticed
    // before anything is written to it.
    const HttpResult second = client.send(post_json(server.url("/push"), "{}"));
    ASSERT_TRUE(second) << second.error().message;
    EXPECT_EQ(server.connections(), 2);
}

TEST(HttpClient, RepeatsAGetOnceWhenAReusedConnectionClosesUnderIt) {
    TestServer server(Mode::drop_second_request);
    HttpClient client(quick_options());
    ASSERT_TRUE(client.send(get(server.url("/one"))));
    const HttpResult second = client.send(get(server.url("/two")));
    ASSERT_TRUE(second) << second.error().message;
    EXPECT_EQ(echo_of(second)["target"], "/two");
    EXPECT_EQ(server.connections(), 2);
    EXPECT_EQ(server.requests(), 3);
}

TEST(HttpClient, NeverRepeatsAPostThatWasSent) {
    TestServer server(Mode::drop_second_request);
    HttpClient client(quick_options());
    ASSERT_TRUE(client.send(post_json(server.url("/push"), "{}")));
    const HttpResult second = client.send(post_json(server.url("/push"), "{}"));
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().kind, HttpErrorKind::protocol);
    EXPECT_TRUE(second.error().request_sent);
    EXPECT_EQ(server.requests(), 2);
    EXPECT_EQ(server.connections(), 1);
}

TEST(HttpClient, RepeatsARetrySafePost) {
    TestServer server(Mode::drop_second_request);
    HttpClient client(quick_options());
    ASSERT_TRUE(client.send(post_json(server.url("/push"), "{}")));
    ClientRequest request = post_json(server.url("/push"), "{}");
    request.headers.set("X-Line-Retry-Key", "123e4567-e89b-12d3-a456-426614174000");
    request.retry_safe = true;
    const HttpResult second = client.send(request);
    ASSERT_TRUE(second) << second.error().message;
    EXPECT_EQ(server.connections(), 2);
}

TEST(HttpClient, ReportsARefusedConnection) {
    std::uint16_t port = 0;
    {
        net::io_context ioc;
        tcp::acceptor probe(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
        port = probe.local_endpoint().port();
    }
    HttpClient client(quick_options());
    auto url = parse_url("http://127.0.0.1:" + std::to_string(port) + "/");
    ASSERT_TRUE(url);
    const HttpResult result = client.send(get(*url));
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, HttpErrorKind::connect);
    EXPECT_FALSE(result.error().request_sent);
}

TEST(HttpClient, TimesOutWhenTheServerNeverAnswers) {
    TestServer server(Mode::never_answer);
    HttpClient client(quick_options());
    ClientRequest request = post_json(server.url("/slow"), "{}");
    request.timeout = 200ms;
    const auto started = std::chrono::steady_clock::now();
    const HttpResult result = client.send(request);
    const auto elapsed = std::chrono::steady_clock::now() - started;
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, HttpErrorKind::timeout);
    EXPECT_TRUE(result.error().request_sent);
    EXPECT_GE(elapsed, 190ms);
    EXPECT_LT(elapsed, 1500ms);
}

TEST(HttpClient, RefusesABodyOverTheLimit) {
    TestServer server(Mode::big_body);
    HttpClientOptions options = quick_options();
    options.body_limit = 1024;
    HttpClient client(options);
    const HttpResult result = client.send(get(server.url("/file")));
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, HttpErrorKind::body_limit);
    EXPECT_EQ(client.idle_connections(), 0U);
}

TEST(HttpClient, RefusesARequestWithoutAUrl) {
    HttpClient client(quick_options());
    const HttpResult result = client.send(ClientRequest{});
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, HttpErrorKind::invalid_url);
}

TEST(HttpClient, CompletesAnAwaitingCoroutineOnItsOwnExecutor) {
    TestServer server(Mode::echo);
    // Outlives the client, whose thread may still be returning from its post to `caller`.
    net::io_context caller;
    HttpClient client(quick_options());
    std::optional<HttpResult> result;
    std::thread::id resumed_on;
    net::co_spawn(
        caller,
        [&]() -> net::awaitable<void> {
            result = co_await client.async_send(get(server.url("/awaited")), net::use_awaitable);
            resumed_on = std::this_thread::get_id();
        },
        net::detached);
    caller.run();
    ASSERT_TRUE(result.has_value());
    ASSERT_TRUE(*result) << result->error().message;
    EXPECT_EQ(echo_of(*result)["target"], "/awaited");
    EXPECT_EQ(resumed_on, std::this_thread::get_id());
}

TEST(HttpClient, RefusesABlockingSendFromItsOwnThread) {
    TestServer server(Mode::echo);
    HttpClient client(quick_options());
    std::promise<HttpResult> inner;
    client.async_send(get(server.url("/")),
                      [&](HttpResult) { inner.set_value(client.send(get(server.url("/")))); });
    auto future = inner.get_future();
    ASSERT_EQ(future.wait_for(2s), std::future_status::ready);
    const HttpResult result = future.get();
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, HttpErrorKind::cancelled);
}

TEST(HttpClient, CancelsRequestsInFlightWhenDestroyed) {
    TestServer server(Mode::never_answer);
    std::promise<HttpResult> done;
    auto future = done.get_future();
    {
        HttpClientOptions options = quick_options();
        options.request_timeout = 10s;
        HttpClient client(options);
        client.async_send(post_json(server.url("/slow"), "{}"),
                          [&done](HttpResult result) { done.set_value(std::move(result)); });
        ASSERT_TRUE(eventually([&] { return server.requests() == 1; }));
    }
    ASSERT_EQ(future.wait_for(0s), std::future_status::ready);
    const HttpResult result = future.get();
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, HttpErrorKind::cancelled);
    EXPECT_TRUE(result.error().request_sent);
}

/// Routes spdlog into memory at debug level for one test.
class CapturedLog {
public:
    CapturedLog()
        : sink_(std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(256)),
          previous_(spdlog::default_logger()) {
        auto logger = std::make_shared<spdlog::logger>("captured", sink_);
        logger->set_level(spdlog::level::debug);
        spdlog::set_default_logger(std::move(logger));
    }
    ~CapturedLog() { spdlog::set_default_logger(previous_); }
    CapturedLog(const CapturedLog&) = delete;
    CapturedLog& operator=(const CapturedLog&) = delete;

    std::vector<std::string> lines() const { return sink_->last_formatted(); }

private:
    std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_;
    std::shared_ptr<spdlog::logger> previous_;
};

TEST(HttpClient, NeverLogsTokensOrHeaders) {
    CapturedLog log;
    TestServer server(Mode::echo);
    {
        HttpClient client(quick_options());
        ClientRequest request = post_json(
            server.url("/bot123456789:AAHdqTcvSecretToken/sendMessage?access_token=qs-secret"),
            R"({"text":"body-secret"})");
        request.headers.set(http::field::authorization, "Bearer xoxb-header-secret");
        ASSERT_TRUE(client.send(request));

        std::uint16_t closed_port = 0;
        {
            net::io_context ioc;
            tcp::acceptor probe(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
            closed_port = probe.local_endpoint().port();
        }
        auto refused = parse_url("http://127.0.0.1:" + std::to_string(closed_port) +
                                 "/bot123456789:AAHdqTcvSecretToken/sendMessage");
        ASSERT_TRUE(refused);
        ASSERT_FALSE(client.send(get(*refused)));
    }
    const auto lines = log.lines();
    ASSERT_GE(lines.size(), 2U);
    bool redacted_seen = false;
    for (const auto& line : lines) {
        for (const char* secret :
             {"AAHdqTcvSecretToken", "qs-secret", "body-secret", "xoxb-header-secret"}) {
            EXPECT_EQ(line.find(secret), std::string::npos) << line;
        }
        redacted_seen = redacted_seen || line.find("/***/sendMessage?***") != std::string::npos;
    }
    EXPECT_TRUE(redacted_seen);
}

// ---------------------------------------------------------------------------------------------
// HTTPS

TEST(HttpsClient, TrustsTheTestCaSendsTheServerNameAndReusesTheConnection) {
    TestServer server(Mode::echo, true);
    HttpClient client(trusting_options());
    for (int i = 0; i < 3; ++i) {
        const HttpResult result =
            client.send(post_json(server.url("/v2/bot/message/push", kTestHost), R"({"to":"U1"})"));
        ASSERT_TRUE(result) << result.error().message;
        EXPECT_EQ(echo_of(result)["host"],
                  std::string(kTestHost) + ":" + std::to_string(server.port()));
    }
    EXPECT_EQ(server.connections(), 1);
    EXPECT_EQ(server.server_name(), kTestHost);
}

TEST(HttpsClient, ChecksAnIpAddressAgainstTheCertificate) {
    TestServer server(Mode::echo, true);
    HttpClient client(trusting_options());
    const HttpResult result = client.send(get(server.url("/")));
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_EQ(server.server_name(), "");  // no SNI for an IP literal
}

TEST(HttpsClient, RefusesACertificateFromAnUnknownCa) {
    TestServer server(Mode::echo, true);
    HttpClientOptions options = quick_options();
    options.resolve_overrides.emplace(kTestHost, "127.0.0.1");
    HttpClient client(options);
    const HttpResult result = client.send(get(server.url("/", kTestHost)));
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, HttpErrorKind::tls);
    EXPECT_FALSE(result.error().request_sent);
    EXPECT_NE(result.error().message.find("issuer"), std::string::npos) << result.error().message;
    EXPECT_EQ(server.requests(), 0);
}

TEST(HttpsClient, RefusesACertificateForAnotherHost) {
    TestServer server(Mode::echo, true);
    HttpClient client(trusting_options());
    const HttpResult result = client.send(get(server.url("/", "other.inmaek.test")));
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, HttpErrorKind::tls);
    EXPECT_NE(result.error().message.find("not valid for other.inmaek.test"), std::string::npos)
        << result.error().message;
    EXPECT_EQ(server.requests(), 0);
}

TEST(HttpsClient, TimesOutAHandshakeTheServerNeverAnswers) {
    TestServer server(Mode::silent, true);
    HttpClientOptions options = trusting_options();
    options.handshake_timeout = 200ms;
    HttpClient client(options);
    const auto started = std::chrono::steady_clock::now();
    const HttpResult result = client.send(get(server.url("/", kTestHost)));
    const auto elapsed = std::chrono::steady_clock::now() - started;
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, HttpErrorKind::timeout);
    EXPECT_LT(elapsed, 1500ms);
}

TEST(HttpsClient, RefusesAMissingCaFile) {
    HttpClientOptions options;
    options.ca_file = (pki().directory / "missing.pem").string();
    EXPECT_THROW(HttpClient{options}, std::runtime_error);
}

}  // namespace
