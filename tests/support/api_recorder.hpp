#pragma once
// A platform API on 127.0.0.1:0 for tests: a real HTTP/1.1 server (Beast, keep-alive) that
// records every request and answers what the test's responder says — by default what the
// Telegram Bot API answers to a sendMessage. Point a platform's api_base_url at base_url().

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace inmaek::test {

struct RecordedRequest {
    std::string method;                          ///< "POST"
    std::string target;                          ///< "/bot123:abc/sendMessage"
    std::map<std::string, std::string> headers;  ///< lower-case names
    std::string body;
    std::chrono::steady_clock::time_point at;  ///< when it was read
};

struct CannedResponse {
    unsigned status = 200;
    std::string body = R"({"ok":true,"result":{"message_id":1}})";
    std::vector<std::pair<std::string, std::string>> headers;
};

class ApiRecorder {
public:
    using Responder = std::function<CannedResponse(const RecordedRequest&)>;

    /// Listens at once; answers every request with responder (the default: Telegram's ok).
    explicit ApiRecorder(Responder responder = {});
    ~ApiRecorder();
    ApiRecorder(const ApiRecorder&) = delete;
    ApiRecorder& operator=(const ApiRecorder&) = delete;

    [[nodiscard]] unsigned short port() const;
    /// "http://127.0.0.1:<port>"
    [[nodiscard]] std::string base_url() const;
    void set_responder(Responder responder);

    [[nodiscard]] std::vector<RecordedRequest> requests() const;
    [[nodiscard]] std::size_t count() const;
    /// Waits until at least `n` requests came; false after `timeout`.
    bool wait_for(std::size_t n, std::chrono::milliseconds timeout) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace inmaek::test
