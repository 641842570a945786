#include "http_server.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <ctime>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>
#include <utility>
#include <vector>

#include <sys/socket.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "access_log.hpp"
#include "json_text.hpp"
#include "request_parser.hpp"

namespace objpool_graphql {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using boost::system::error_code;
// Concrete executor types rather than any_io_executor: every asynchronous operation copies the
// executor, and the type-erased one showed up in profiles.
using Executor = net::io_context::executor_type;
using Socket = net::basic_stream_socket<tcp, Executor>;
using Acceptor = net::basic_socket_acceptor<tcp, net::strand<Executor>>;
using Clock = std::chrono::steady_clock;

namespace {

// How long a closing connection keeps draining what the client still sends, so that it
// reads our final response (e.g. a 413) instead of a reset.
constexpr auto linger_time = std::chrono::seconds(2);

// How often the server looks for connections past their deadline. Timeouts are enforced by
// this sweep rather than by a timer per connection and operation (as beast::basic_stream does,
// which cost a timer start, a cancel and a handler run per read and per write); a deadline is
// therefore met within this much.
constexpr auto sweep_interval = std::chrono::milliseconds(100);

// The Server and Date header lines, formatted once per second per thread.
const std::string& server_and_date_lines() {
    thread_local std::time_t cached_second = 0;
    thread_local std::string cached;
    const std::time_t now = std::time(nullptr);
    if (now != cached_second) {
        std::tm utc{};
        gmtime_r(&now, &utc);
        char buffer[64];
        std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S GMT", &utc);
        cached.assign("Server: objpool-graphql\r\nDate: ").append(buffer).append("\r\n");
        cached_second = now;
    }
    return cached;
}

}  // namespace

class Session;

// The open connections, for the sweep and the shutdown. A session adds itself when it is
// created and removes itself when it is destroyed, on whichever thread that happens.
struct Connections {
    std::mutex mutex;
    std::unordered_set<Session*> sessions;  // guarded by mutex
    std::atomic<bool> stopping{false};
};

struct Shared {
    ServerOptions options;
    const RequestHandler& handler;
    AccessLog* access_log;
    Connections connections;
};

class Session : public std::enable_shared_from_this<Session> {
public:
    Session(Shared& shared, Socket socket) : shared_(shared), socket_(std::move(socket)) {
        const std::lock_guard lock(shared_.connections.mutex);
        shared_.connections.sessions.insert(this);
    }
    ~Session() {
        const std::lock_guard lock(shared_.connections.mutex);
        shared_.connections.sessions.erase(this);
    }
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    void start() {
        if (shared_.access_log != nullptr) {
            error_code ec;
            const auto endpoint = socket_.remote_endpoint(ec);
            if (!ec)
                remote_ = endpoint.address().to_string();
        }
        read_request();
    }

    // The sweep and the shutdown call these two on their own thread while the session's handlers
    // may be running on another. They touch only atomics and the socket's descriptor, which
    // stays open until the session is destroyed: the caller holds Connections::mutex, which the
    // destructor takes before the socket is closed. A ::shutdown of the descriptor makes the
    // pending read or write complete with an error or end of stream on the session's own thread.

    // Past its deadline the connection is shut down, and the operation in progress fails (the
    // session then ends as on any other read or write error).
    void expire_if_due(Clock::time_point now) noexcept {
        auto deadline = deadline_.load(std::memory_order_relaxed);
        if (now.time_since_epoch().count() >= deadline &&
            deadline_.compare_exchange_strong(deadline, never, std::memory_order_relaxed))
            ::shutdown(socket_.native_handle(), SHUT_RDWR);
    }

    // When the server stops: a connection waiting for a request of which nothing has arrived is
    // closed now; one in the middle of a request finishes it (its response says Connection:
    // close). Shutting down only the receiving side lets the response out should the request's
    // first bytes arrive just now.
    void on_shutdown() noexcept {
        if (idle_.load())
            ::shutdown(socket_.native_handle(), SHUT_RD);
    }

private:
    // Reading is a loop of plain socket reads feeding the parser, rather than Beast's
    // async_read_header and async_read: their composed operations each hold a work guard on the
    // shared io_context, two more atomic increments and decrements of its counter per request
    // from both threads, besides their own instructions.
    void read_request() {
        parser_.emplace(request_storage_);
        parser_->body_limit(shared_.options.max_body_bytes);
        parser_->header_limit(static_cast<std::uint32_t>(shared_.options.max_header_bytes));
        expect_checked_ = false;
        // Sequentially consistent, as are the store of Connections::stopping and the load of idle_
        // in on_shutdown: either this sees stopping or the shutdown sees idle_.
        idle_.store(buffer_.size() == 0);
        if (idle_.load(std::memory_order_relaxed) && stopping())
            return close();
        set_deadline(Clock::now() + shared_.options.read_timeout);
        parse_buffered();
    }

    // Gives the parser what is buffered; then handles the request, or reads more.
    void parse_buffered() {
        while (buffer_.size() > 0 && !parser_->is_done()) {
            error_code ec;
            const auto used = parser_->put(buffer_.data(), ec);
            buffer_.consume(used);
            if (ec == http::error::need_more)
                break;
            if (ec)
                return on_read_error(ec);
            if (used == 0)
                break;
        }
        if (parser_->is_done())
            return process();
        if (parser_->is_header_done() && !expect_checked_) {
            // The client waits for a 100 before it sends the body (RFC 9110, 10.1.1).
            expect_checked_ = true;
            const auto expect = request_storage_.request().header("Expect");
            if (expect && beast::iequals(*expect, "100-continue")) {
                static constexpr std::string_view continue_line = "HTTP/1.1 100 Continue\r\n\r\n";
                net::async_write(socket_, net::buffer(continue_line.data(), continue_line.size()),
                                 [self = shared_from_this()](error_code ec, std::size_t) {
                                     if (ec)
                                         return self->close();
                                     self->read_some();
                                 });
                return;
            }
        }
        read_some();
    }

    void read_some() {
        // As Beast's reads size it: what the buffer has room for, at least 512 bytes, at most
        // 64 KiB at a time.
        constexpr std::size_t min_read = 512;
        constexpr std::size_t max_read = 64 * 1024;
        const std::size_t room = buffer_.capacity() - buffer_.size();
        const std::size_t size = std::min(std::max(room, min_read), max_read);
        socket_.async_read_some(buffer_.prepare(size),
                                [self = shared_from_this()](error_code ec, std::size_t bytes) {
                                    if (bytes > 0)
                                        self->idle_.store(false, std::memory_order_relaxed);
                                    self->buffer_.commit(bytes);
                                    if (ec == net::error::eof) {
                                        // Before any byte of a request the client has just closed;
                                        // within one, the parser decides (as in Beast's own read):
                                        // a request cut short is a partial_message.
                                        if (!self->parser_->got_some())
                                            return self->on_read_error(http::error::end_of_stream);
                                        error_code eof_error;
                                        self->parser_->put_eof(eof_error);
                                        if (eof_error)
                                            return self->on_read_error(eof_error);
                                        return self->process();
                                    }
                                    if (ec)
                                        return self->on_read_error(ec);
                                    self->parse_buffered();
                                });
    }

    void on_read_error(error_code ec) {
        idle_.store(false, std::memory_order_relaxed);
        if (ec == http::error::body_limit) {
            return reject(413, "the request body is larger than " +
                                   std::to_string(shared_.options.max_body_bytes) + " bytes");
        }
        if (ec == http::error::header_limit)
            return reject(431, "the request head is too large");
        if (ec.category() == http::make_error_code(http::error::bad_method).category() &&
            ec != http::error::end_of_stream && ec != http::error::partial_message) {
            return reject(400, "malformed HTTP request");
        }
        close();  // end of stream, timeout, reset, cancelled by shutdown
    }

    void process() {
        const auto start = std::chrono::steady_clock::now();
        const HttpRequest& request = request_storage_.request();
        HttpResponse result = shared_.handler.handle(request);
        // Logged before send(): once the write completes, another thread may start the next
        // read_request(), which clears request_storage_ that `request` points into.
        if (shared_.access_log != nullptr) {
            const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
                std::chrono::steady_clock::now() - start);
            shared_.access_log->record(remote_, request.method, request.target, result.status,
                                       result.body.size(), elapsed.count());
        }
        send(std::move(result), request_storage_.version(), parser_->keep_alive() && !stopping());
    }

    // Sends a response the transport produced itself, then closes the connection.
    void reject(int status, const std::string& message) {
        auto result = shared_.handler.transport_error(status, message);
        if (shared_.access_log != nullptr) {
            // Empty method and target when the head was not complete.
            const HttpRequest& request = request_storage_.request();
            shared_.access_log->record(remote_, request.method, request.target, status,
                                       result.body.size(), 0);
        }
        send(std::move(result), 11, false);
    }

    // Serialises the head by hand (status line, fixed headers, the handler's headers,
    // Content-Length, Connection) and sends it with the body as one gather write: cheaper than
    // Beast's generic serializer, which showed up in profiles.
    void send(HttpResponse result, unsigned version, bool keep_alive) {
        keep_alive_ = keep_alive;
        const auto reason =
            http::obsolete_reason(http::int_to_status(static_cast<unsigned>(result.status)));
        head_.clear();
        head_.append(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
        append_decimal(head_, static_cast<unsigned>(result.status));
        head_.append(" ").append(reason.data(), reason.size()).append("\r\n");
        head_.append(server_and_date_lines());
        for (const auto& [name, value] : result.headers)
            head_.append(name).append(": ").append(value).append("\r\n");
        head_.append("Content-Length: ");
        append_decimal(head_, result.body.size());
        head_.append("\r\n");
        if (!keep_alive) {
            head_.append("Connection: close\r\n");
        } else if (version == 10) {
            head_.append("Connection: keep-alive\r\n");
        }
        head_.append("\r\n");
        body_ = std::move(result.body);
        write_response();
    }

    void write_response() {
        set_deadline(Clock::now() + shared_.options.write_timeout);
        written_ = 0;
        write_some();
    }

    // One gather write of what is left of the head and the body; again until all is sent. (A
    // plain write, not net::async_write, for the reason given at read_request.)
    void write_some() {
        const std::array<net::const_buffer, 2> buffers{
            net::buffer(head_) + written_,
            net::buffer(body_) + (written_ > head_.size() ? written_ - head_.size() : 0)};
        socket_.async_write_some(
            buffers, [self = shared_from_this()](error_code ec, std::size_t bytes) {
                if (ec)
                    return self->close();
                self->written_ += bytes;
                if (self->written_ < self->head_.size() + self->body_.size())
                    return self->write_some();
                if (!self->keep_alive_ || self->stopping())
                    return self->linger();
                // Through the queue rather than inline: the loop serves the other connections'
                // ready events first, and the client's next request has had time to arrive, which
                // kept the latency tail short in measurements.
                net::post(self->socket_.get_executor(), [self] { self->read_request(); });
            });
    }

    // Half-closes, then discards whatever the client still sends until it closes or
    // linger_time passes.
    void linger() {
        error_code ignored;
        socket_.shutdown(tcp::socket::shutdown_send, ignored);
        set_deadline(Clock::now() + linger_time);
        drain();
    }

    void drain() {
        buffer_.clear();
        socket_.async_read_some(buffer_.prepare(16 * 1024),
                                [self = shared_from_this()](error_code ec, std::size_t) {
                                    if (ec)
                                        return self->close();
                                    self->drain();
                                });
    }

    // The descriptor itself is closed by the destructor (see expire_if_due).
    void close() {
        error_code ignored;
        socket_.shutdown(tcp::socket::shutdown_both, ignored);
    }

    [[nodiscard]] bool stopping() const noexcept { return shared_.connections.stopping.load(); }

    void set_deadline(Clock::time_point deadline) noexcept {
        deadline_.store(deadline.time_since_epoch().count(), std::memory_order_relaxed);
    }

    Shared& shared_;
    Socket socket_;
    static constexpr Clock::rep never = Clock::time_point::max().time_since_epoch().count();
    // When the current phase (reading a request, writing a response, lingering) must be over, in
    // Clock ticks; checked by the sweep.
    std::atomic<Clock::rep> deadline_{never};
    // Waiting for a request of which nothing has arrived yet; checked by the shutdown.
    std::atomic<bool> idle_{false};
    beast::flat_buffer buffer_;
    RequestStorage request_storage_;  // what parser_ reads the request into
    std::optional<RequestParser> parser_;
    bool expect_checked_ = false;  // Expect looked at, a 100 sent if asked
    std::string head_;
    std::string body_;
    std::size_t written_ = 0;  // bytes of head_ then body_ sent so far
    std::string remote_;
    bool keep_alive_ = true;
};

// One io_context run by all `threads` threads: any of them serves any connection, so a connection
// never waits for one particular thread to be scheduled again (with one loop per thread, a
// preempted thread held its connections until it ran again; see docs/graphql-server.md).
struct HttpServer::Impl {
    Shared shared;
    net::io_context io;
    std::optional<net::executor_work_guard<Executor>> work{io.get_executor()};
    std::optional<Acceptor> acceptor;  // its strand also serialises accept() and shutdown()
    std::optional<net::signal_set> signals;
    net::basic_waitable_timer<Clock, net::wait_traits<Clock>, Executor> sweep_timer{
        io.get_executor()};
    std::atomic<bool> stop_requested{false};

    Impl(ServerOptions options, const RequestHandler& handler, AccessLog* access_log)
        : shared{std::move(options), handler, access_log, {}},
          io(static_cast<int>(std::max(1U, shared.options.threads))) {
        tcp::resolver resolver(io);
        const auto endpoints =
            resolver.resolve(shared.options.host, std::to_string(shared.options.port),
                             tcp::resolver::passive | tcp::resolver::numeric_service);
        const tcp::endpoint endpoint = *endpoints.begin();
        acceptor.emplace(net::make_strand(io));
        acceptor->open(endpoint.protocol());
        acceptor->set_option(net::socket_base::reuse_address(true));
        acceptor->bind(endpoint);
        acceptor->listen(net::socket_base::max_listen_connections);
        signals.emplace(io, SIGINT, SIGTERM);
    }

    void accept() {
        acceptor->async_accept(io, [this](error_code ec, Socket socket) {
            if (!acceptor->is_open())
                return;
            if (!ec) {
                error_code ignored;
                socket.set_option(tcp::no_delay(true), ignored);
                std::make_shared<Session>(shared, std::move(socket))->start();
            }
            accept();
        });
    }

    // Shuts down the connections that are past their deadline, every sweep_interval, until the
    // server stops and its last connection is gone.
    void sweep() {
        sweep_timer.expires_after(sweep_interval);
        sweep_timer.async_wait([this](error_code ec) {
            if (ec)
                return;
            const auto now = Clock::now();
            auto& connections = shared.connections;
            {
                const std::lock_guard lock(connections.mutex);
                for (Session* session : connections.sessions)
                    session->expire_if_due(now);
                if (connections.stopping && connections.sessions.empty())
                    return;
            }
            sweep();
        });
    }

    void shutdown() {
        // Runs on the acceptor's strand.
        error_code ignored;
        acceptor->close(ignored);
        signals->cancel(ignored);
        auto& connections = shared.connections;
        connections.stopping = true;
        const std::lock_guard lock(connections.mutex);
        for (Session* session : connections.sessions)
            session->on_shutdown();
        work.reset();
    }
};

HttpServer::HttpServer(ServerOptions options, const RequestHandler& handler, AccessLog* access_log)
    : impl_(std::make_unique<Impl>(std::move(options), handler, access_log)) {}

HttpServer::~HttpServer() = default;

unsigned short HttpServer::port() const noexcept {
    error_code ec;
    return impl_->acceptor->local_endpoint(ec).port();
}

void HttpServer::run() {
    impl_->signals->async_wait([this](error_code ec, int) {
        if (!ec)
            stop();
    });
    net::post(impl_->acceptor->get_executor(), [impl = impl_.get()] { impl->accept(); });
    impl_->sweep();
    if (impl_->stop_requested.load())
        stop();
    std::vector<std::thread> threads;
    for (unsigned i = 1; i < impl_->shared.options.threads; ++i)
        threads.emplace_back([impl = impl_.get()] { impl->io.run(); });
    impl_->io.run();
    for (auto& thread : threads)
        thread.join();
}

void HttpServer::stop() {
    impl_->stop_requested.store(true);
    net::post(impl_->acceptor->get_executor(), [impl = impl_.get()] {
        if (impl->acceptor->is_open())
            impl->shutdown();
    });
}

}  // namespace objpool_graphql
