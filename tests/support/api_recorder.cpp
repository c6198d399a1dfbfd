#include "tests/support/api_recorder.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <cctype>
#include <thread>

namespace inmaek::test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
constexpr auto kUseTuple = net::as_tuple(net::use_awaitable);

struct ApiRecorder::Impl {
    explicit Impl(Responder r)
        : responder(std::move(r)),
          acceptor(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)),
          port(acceptor.local_endpoint().port()) {}

    net::awaitable<void> accept_loop() {
        for (;;) {
            auto [ec, socket] = co_await acceptor.async_accept(kUseTuple);
            if (ec) co_return;
            net::co_spawn(ioc, session(std::move(socket)), net::detached);
        }
    }

    net::awaitable<void> session(tcp::socket socket) {
        beast::tcp_stream stream(std::move(socket));
        beast::flat_buffer buffer;
        for (;;) {
            http::request<http::string_body> request;
            auto [ec, n] = co_await http::async_read(stream, buffer, request, kUseTuple);
            if (ec) co_return;
            RecordedRequest recorded;
            recorded.method = std::string(request.method_string());
            recorded.target = std::string(request.target());
            for (const auto& field : request) {
                std::string name(field.name_string());
                std::transform(name.begin(), name.end(), name.begin(),
                               [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
                recorded.headers[name] = std::string(field.value());
            }
            recorded.body = request.body();
            recorded.at = std::chrono::steady_clock::now();
            Responder answer;
            {
                const std::lock_guard lock{mutex};
                answer = responder;
            }
            const CannedResponse canned = answer ? answer(recorded) : CannedResponse{};
            {
                const std::lock_guard lock{mutex};
                recorded_requests.push_back(std::move(recorded));
            }
            arrived.notify_all();
            http::response<http::string_body> response{static_cast<http::status>(canned.status),
                                                       request.version()};
            response.set(http::field::content_type, "application/json");
            for (const auto& [name, value] : canned.headers) response.set(name, value);
            response.body() = canned.body;
            response.keep_alive(request.keep_alive());
            response.prepare_payload();
            auto [write_ec, written] = co_await http::async_write(stream, response, kUseTuple);
            if (write_ec || !response.keep_alive()) co_return;
        }
    }

    mutable std::mutex mutex;
    mutable std::condition_variable arrived;
    Responder responder;                             // guarded by mutex
    std::vector<RecordedRequest> recorded_requests;  // guarded by mutex
    net::io_context ioc;
    tcp::acceptor acceptor;
    unsigned short port;
    std::thread thread;
};

ApiRecorder::ApiRecorder(Responder responder)
    : impl_(std::make_unique<Impl>(std::move(responder))) {
    net::co_spawn(impl_->ioc, impl_->accept_loop(), net::detached);
    impl_->thread = std::thread([this] { impl_->ioc.run(); });
}

ApiRecorder::~ApiRecorder() {
    impl_->ioc.stop();
    impl_->thread.join();
}

unsigned short ApiRecorder::port() const {
    return impl_->port;
}

std::string ApiRecorder::base_url() const {
    return "http://127.0.0.1:" + std::to_string(impl_->port);
}

void ApiRecorder::set_responder(Responder responder) {
    const std::lock_guard lock{impl_->mutex};
    impl_->responder = std::move(responder);
}

std::vector<RecordedRequest> ApiRecorder::requests() const {
    const std::lock_guard lock{impl_->mutex};
    return impl_->recorded_requests;
}

std::size_t ApiRecorder::count() const {
    const std::lock_guard lock{impl_->mutex};
    return impl_->recorded_requests.size();
}

bool ApiRecorder::wait_for(std::size_t n, std::chrono::milliseconds timeout) const {
    std::unique_lock lock{impl_->mutex};
    return impl_->arrived.wait_for(lock, timeout,
                                   [&] { return impl_->recorded_requests.size() >= n; });
}

}  // namespace inmaek::test
