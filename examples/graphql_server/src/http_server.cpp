#include "http_server.hpp"

#include <array>
#include <atomic>
#include <ctime>
#include <optional>
#include <thread>
#include <unordered_set>
#include <utility>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "access_log.hpp"

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
using Clock = std::chrono::steady_clock;

namespace {

// How long a closing connection keeps draining what the client still sends, so that it
// reads our final response (e.g. a 413) instead of a reset.
constexpr auto linger_time = std::chrono::seconds(2);

// How often each event loop looks for connections past their deadline. Timeouts are enforced by
// this sweep rather than by a timer per connection and operation (as beast::basic_stream does,
// which cost a timer start, a cancel and a handler run per read and per write); a deadline is
// therefore met within this much.
constexpr auto sweep_interval = std::chrono::milliseconds(100);

std::string_view to_std(beast::string_view s) noexcept {
    return {s.data(), s.size()};
}

// The Date header, formatted once per second per thread.
const std::string& http_date() {
    thread_local std::time_t cached_second = 0;
    thread_local std::string cached;
    const std::time_t now = std::time(nullptr);
    if (now != cached_second) {
        std::tm utc{};
        gmtime_r(&now, &utc);
        char buffer[64];
        std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S GMT", &utc);
        cached = buffer;
        cached_second = now;
    }
    return cached;
}

}  // namespace

class Session;

// One event loop and the connections it owns; `sessions` and `stopping` are touched only
// from the loop's own thread. Declared before `io` so that io is destroyed first.
struct Worker {
    std::unordered_set<Session*> sessions;
    bool stopping = false;
    net::io_context io{1};
    std::optional<net::executor_work_guard<net::io_context::executor_type>> work{io.get_executor()};
    net::basic_waitable_timer<Clock, net::wait_traits<Clock>, Executor> sweep_timer{
        io.get_executor()};
};

struct Shared {
    ServerOptions options;
    const RequestHandler& handler;
    AccessLog* access_log;
};

class Session : public std::enable_shared_from_this<Session> {
public:
    Session(Worker& worker, const Shared& shared, Socket socket)
        : worker_(worker), shared_(shared), socket_(std::move(socket)) {
        worker_.sessions.insert(this);
    }
    ~Session() { worker_.sessions.erase(this); }
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

    // Called by the worker's sweep: past its deadline the connection is closed, and the operation
    // in progress fails (the session then ends as on any other read or write error).
    void expire_if_due(Clock::time_point now) {
        if (now < deadline_)
            return;
        deadline_ = Clock::time_point::max();
        error_code ignored;
        socket_.close(ignored);
    }

    // Called on the worker's thread when the server stops: an idle connection is closed now,
    // one in the middle of a request finishes it (its response says Connection: close).
    void on_shutdown() {
        if (reading_ && buffer_.size() == 0) {
            error_code ignored;
            socket_.shutdown(tcp::socket::shutdown_both, ignored);
            socket_.cancel(ignored);
        }
    }

private:
    void read_request() {
        parser_.emplace();
        parser_->body_limit(shared_.options.max_body_bytes);
        parser_->header_limit(static_cast<std::uint32_t>(shared_.options.max_header_bytes));
        reading_ = true;
        deadline_ = Clock::now() + shared_.options.read_timeout;
        http::async_read_header(
            socket_, buffer_, *parser_,
            [self = shared_from_this()](error_code ec, std::size_t) { self->on_header(ec); });
    }

    void on_header(error_code ec) {
        if (ec)
            return on_read_error(ec);
        if (parser_->is_done())
            return process();
        const auto expect = parser_->get()[http::field::expect];
        if (beast::iequals(expect, "100-continue")) {
            static constexpr std::string_view continue_line = "HTTP/1.1 100 Continue\r\n\r\n";
            net::async_write(socket_, net::buffer(continue_line.data(), continue_line.size()),
                             [self = shared_from_this()](error_code ec2, std::size_t) {
                                 if (ec2)
                                     return self->close();
                                 self->read_body();
                             });
            return;
        }
        // The body usually arrives with the head: parse what is buffered before going back to
        // the socket, which saves a trip through the event loop per request.
        while (!parser_->is_done() && buffer_.size() > 0) {
            error_code put_error;
            const auto used = parser_->put(buffer_.data(), put_error);
            buffer_.consume(used);
            if (put_error == http::error::need_more)
                break;
            if (put_error)
                return on_read_error(put_error);
            if (used == 0)
                break;
        }
        if (parser_->is_done())
            return process();
        read_body();
    }

    void read_body() {
        http::async_read(socket_, buffer_, *parser_,
                         [self = shared_from_this()](error_code ec, std::size_t) {
                             if (ec)
                                 return self->on_read_error(ec);
                             self->process();
                         });
    }

    void on_read_error(error_code ec) {
        reading_ = false;
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
        reading_ = false;
        const auto start = std::chrono::steady_clock::now();
        auto& message = parser_->get();
        // request_ lives as long as the session, so its header list is allocated once.
        HttpRequest& request = request_;
        request.method = to_std(message.method_string());
        request.target = to_std(message.target());
        request.body = message.body();
        request.headers.clear();
        for (const auto& field : message)
            request.headers.emplace_back(to_std(field.name_string()), to_std(field.value()));

        HttpResponse result = shared_.handler.handle(request);
        const auto bytes = result.body.size();
        send(std::move(result), message.version(), message.keep_alive() && !worker_.stopping);
        if (shared_.access_log != nullptr) {
            const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
                std::chrono::steady_clock::now() - start);
            shared_.access_log->record(remote_, request.method, request.target, status_, bytes,
                                       elapsed.count());
        }
    }

    // Sends a response the transport produced itself, then closes the connection.
    void reject(int status, const std::string& message) {
        auto result = shared_.handler.transport_error(status, message);
        if (shared_.access_log != nullptr && parser_) {
            const auto& head = parser_->get();
            shared_.access_log->record(remote_, to_std(head.method_string()), to_std(head.target()),
                                       status, result.body.size(), 0);
        }
        send(std::move(result), 11, false);
    }

    // Serialises the head by hand (status line, fixed headers, the handler's headers,
    // Content-Length, Connection) and sends it with the body as one gather write: cheaper than
    // Beast's generic serializer, which showed up in profiles.
    void send(HttpResponse result, unsigned version, bool keep_alive) {
        keep_alive_ = keep_alive;
        status_ = result.status;
        const auto reason =
            http::obsolete_reason(http::int_to_status(static_cast<unsigned>(result.status)));
        head_.clear();
        head_.append(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
        head_.append(std::to_string(result.status))
            .append(" ")
            .append(reason.data(), reason.size())
            .append("\r\n");
        head_.append("Server: objpool-graphql\r\nDate: ").append(http_date()).append("\r\n");
        for (const auto& [name, value] : result.headers)
            head_.append(name).append(": ").append(value).append("\r\n");
        head_.append("Content-Length: ").append(std::to_string(result.body.size())).append("\r\n");
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
        deadline_ = Clock::now() + shared_.options.write_timeout;
        const std::array<net::const_buffer, 2> buffers{net::buffer(head_), net::buffer(body_)};
        net::async_write(socket_, buffers, [self = shared_from_this()](error_code ec, std::size_t) {
            if (ec)
                return self->close();
            if (!self->keep_alive_ || self->worker_.stopping)
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
        deadline_ = Clock::now() + linger_time;
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

    void close() {
        error_code ignored;
        socket_.shutdown(tcp::socket::shutdown_both, ignored);
        socket_.close(ignored);
    }

    Worker& worker_;
    const Shared& shared_;
    Socket socket_;
    // When the current phase (reading a request, writing a response, lingering) must be over;
    // checked by the worker's sweep, which closes the socket so that the pending operation fails.
    Clock::time_point deadline_ = Clock::time_point::max();
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    HttpRequest request_;  // views into *parser_, valid while a request is handled
    std::string head_;
    std::string body_;
    int status_ = 0;
    std::string remote_;
    bool reading_ = false;
    bool keep_alive_ = true;
};

// Closes the worker's connections that are past their deadline, every sweep_interval, until the
// worker stops and its last connection is gone. Runs on the worker's thread.
void sweep(Worker& worker) {
    worker.sweep_timer.expires_after(sweep_interval);
    worker.sweep_timer.async_wait([&worker](error_code ec) {
        if (ec)
            return;
        const auto now = Clock::now();
        for (Session* session :
             std::vector<Session*>(worker.sessions.begin(), worker.sessions.end()))
            session->expire_if_due(now);
        if (worker.stopping && worker.sessions.empty())
            return;
        sweep(worker);
    });
}

struct HttpServer::Impl {
    Shared shared;
    std::vector<std::unique_ptr<Worker>> workers;
    std::optional<tcp::acceptor> acceptor;
    std::optional<net::signal_set> signals;
    std::size_t next_worker = 0;
    std::atomic<bool> stop_requested{false};

    explicit Impl(Shared s) : shared(std::move(s)) {
        const unsigned count = shared.options.threads == 0 ? 1 : shared.options.threads;
        for (unsigned i = 0; i < count; ++i)
            workers.push_back(std::make_unique<Worker>());
        auto& io = workers.front()->io;
        tcp::resolver resolver(io);
        const auto endpoints =
            resolver.resolve(shared.options.host, std::to_string(shared.options.port),
                             tcp::resolver::passive | tcp::resolver::numeric_service);
        const tcp::endpoint endpoint = *endpoints.begin();
        acceptor.emplace(io);
        acceptor->open(endpoint.protocol());
        acceptor->set_option(net::socket_base::reuse_address(true));
        acceptor->bind(endpoint);
        acceptor->listen(net::socket_base::max_listen_connections);
        signals.emplace(io, SIGINT, SIGTERM);
    }

    void accept() {
        // Connections are dealt round-robin to the workers' loops.
        auto& worker = *workers[next_worker];
        next_worker = (next_worker + 1) % workers.size();
        acceptor->async_accept(worker.io, [this, &worker](error_code ec, Socket socket) {
            if (!acceptor->is_open())
                return;
            if (!ec) {
                error_code ignored;
                socket.set_option(tcp::no_delay(true), ignored);
                // The session must start on its own worker's thread.
                net::post(worker.io, [this, &worker, s = std::move(socket)]() mutable {
                    if (worker.stopping)
                        return;
                    std::make_shared<Session>(worker, shared, std::move(s))->start();
                });
            }
            accept();
        });
    }

    void shutdown() {
        // Runs on worker 0's thread (the acceptor's).
        error_code ignored;
        acceptor->close(ignored);
        signals->cancel(ignored);
        for (auto& worker : workers) {
            net::post(worker->io, [w = worker.get()] {
                w->stopping = true;
                for (Session* session :
                     std::vector<Session*>(w->sessions.begin(), w->sessions.end())) {
                    session->on_shutdown();
                }
                w->work.reset();
            });
        }
    }
};

HttpServer::HttpServer(ServerOptions options, const RequestHandler& handler, AccessLog* access_log)
    : impl_(std::make_unique<Impl>(Shared{std::move(options), handler, access_log})) {}

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
    impl_->accept();
    for (auto& worker : impl_->workers)
        sweep(*worker);
    if (impl_->stop_requested.load())
        stop();
    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < impl_->workers.size(); ++i) {
        threads.emplace_back([worker = impl_->workers[i].get()] { worker->io.run(); });
    }
    impl_->workers.front()->io.run();
    for (auto& thread : threads)
        thread.join();
}

void HttpServer::stop() {
    impl_->stop_requested.store(true);
    net::post(impl_->workers.front()->io, [impl = impl_.get()] {
        if (impl->acceptor->is_open())
            impl->shutdown();
    });
}

}  // namespace objpool_graphql
