// The HTTP/1.1 transport: Boost.Beast, one io_context per thread, keep-alive, timeouts,
// body and header limits, graceful shutdown. Request semantics live in RequestHandler.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "http_handler.hpp"

namespace objpool_graphql {

class AccessLog;

/// @brief Transport settings.
struct ServerOptions {
    std::string host = "127.0.0.1";
    unsigned short port = 8080;  ///< 0 picks a free port
    unsigned threads = 1;        ///< threads, each running its own event loop
    std::size_t max_body_bytes =
        std::size_t{1024} * 1024;  ///< larger bodies: 413, connection closed
    std::size_t max_header_bytes = std::size_t{64} * 1024;  ///< larger request heads: 431
    std::chrono::milliseconds read_timeout{
        30'000};  ///< to receive a request (incl. keep-alive idle)
    std::chrono::milliseconds write_timeout{30'000};  ///< to send a response
    /// Called on each SIGHUP, on the thread of the first event loop (while it runs no other
    /// handler); must not throw. Empty: SIGHUP keeps its default action (the process ends).
    std::function<void()> on_hangup;
};

/// @brief Serves HTTP/1.1 on one listening socket with `threads` threads, each running an event
/// loop to which accepted connections are handed in turn.
class HttpServer {
public:
    /// @brief Binds and listens (so port() is known), but serves nothing until run().
    /// @param handler answers every request; must outlive the server.
    /// @param access_log may be null; otherwise must outlive the server.
    /// @throws boost::system::system_error when the address cannot be bound.
    HttpServer(ServerOptions options, const RequestHandler& handler, AccessLog* access_log);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    /// @brief The bound port (the chosen one when options.port was 0).
    [[nodiscard]] unsigned short port() const noexcept;

    /// @brief Serves until stop() or SIGINT/SIGTERM, then stops accepting, lets requests in
    /// flight finish (idle keep-alive connections are closed) and returns. SIGHUP calls
    /// ServerOptions::on_hangup, when set, and serving goes on.
    void run();

    /// @brief Asks run() to return as described. Thread-safe; may be called before run().
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace objpool_graphql
