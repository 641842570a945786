#include "http_server.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <csignal>
#include <ctime>
#include <mutex>
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
#include <boost/asio/write.hpp>
#include <boost/beast/core/basic_stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "access_log.hpp"

namespace objpool_graphql {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using boost::system::error_code;
// Concrete executor types rather than any_io_executor, whose copies (one per asynchronous
// operation) were a twentieth of the server's user-space CPU time in perf profiles.
using Executor = net::io_context::executor_type;
using Socket = net::basic_stream_socket<tcp, Executor>;
using Stream = beast::basic_stream<tcp, Executor>;

namespace {

// How long a connection closed after an error response (413, 431, 400) keeps reading what the
// client still sends, so that the client reads the response rather than a reset.
constexpr auto linger_time = std::chrono::seconds(2);

// The Date header's value, formatted once per second per thread.
const std::string& http_date() {
    thread_local std::time_t cached_second = 0;
    thread_local std::string cached;
    const std::time_t now = std::time(nullptr);
    if (now != cached_second) {
        std::tm utc{};
        gmtime_r(&now, &utc);
        char buffer[64];
        cached.assign(buffer,
                      std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S GMT", &utc));
        cached_second = now;
    }
    return cached;
}

std::string_view view(beast::string_view text) noexcept {
    return {text.data(), text.size()};
}

}  // namespace

class Session;

// The open connections, so that a stopping server can close the idle ones. A session adds itself
// when it is created and removes itself when it is destroyed, on whichever thread that happens.
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

// One connection. Its handlers run on the event loop (and so the thread) that accepted it.
class Session : public std::enable_shared_from_this<Session> {
public:
    Session(Shared& shared, Socket socket) : shared_(shared), stream_(std::move(socket)) {
        const std::lock_guard lock(shared_.connections.mutex);
        shared_.connections.sessions.insert(this);
    }
    ~Session() {
        const std::lock_guard lock(shared_.connections.mutex);
        shared_.connections.sessions.erase(this);
    }
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    [[nodiscard]] Executor executor() { return stream_.get_executor(); }

    // Runs on the session's own loop, as do all its handlers.
    void start() {
        error_code ignored;
        // For write()'s direct write: it must return would_block, not wait.
        stream_.socket().non_blocking(true, ignored);
        if (shared_.access_log != nullptr) {
            error_code ec;
            const auto endpoint = stream_.socket().remote_endpoint(ec);
            if (!ec) {
                remote_ = endpoint.address().to_string();
            }
        }
        read_header();
    }

    // When the server stops: a connection waiting for a request of which nothing has arrived is
    // closed; one in the middle of a request finishes it (its response says Connection: close).
    void on_shutdown() {
        net::post(stream_.get_executor(), [self = shared_from_this()] {
            if (self->idle()) {
                self->stream_.close();
            }
        });
    }

private:
    [[nodiscard]] bool idle() const { return !parser_->got_some() && buffer_.size() == 0; }
    [[nodiscard]] bool stopping() const noexcept { return shared_.connections.stopping.load(); }

    void read_header() {
        parser_.emplace();
        parser_->body_limit(shared_.options.max_body_bytes);
        parser_->header_limit(static_cast<std::uint32_t>(shared_.options.max_header_bytes));
        if (stopping() && idle()) {
            return stream_.close();
        }
        stream_.expires_after(shared_.options.read_timeout);
        http::async_read_header(stream_, buffer_, *parser_,
                                [self = shared_from_this()](error_code ec, std::size_t) {
                                    if (ec) {
                                        return self->on_read_error(ec);
                                    }
                                    self->read_body();
                                });
    }

    // A client that sent "Expect: 100-continue" waits for a 100 before it sends the body
    // (RFC 9110, 10.1.1).
    void read_body() {
        const auto expect = parser_->get()[http::field::expect];
        if (!parser_->is_done() && beast::iequals(expect, "100-continue")) {
            continue_.emplace(http::status::continue_, parser_->get().version());
            return http::async_write(stream_, *continue_,
                                     [self = shared_from_this()](error_code ec, std::size_t) {
                                         if (ec) {
                                             return self->stream_.close();
                                         }
                                         self->continue_.reset();
                                         self->read_rest();
                                     });
        }
        read_rest();
    }

    void read_rest() {
        http::async_read(stream_, buffer_, *parser_,
                         [self = shared_from_this()](error_code ec, std::size_t) {
                             if (ec) {
                                 return self->on_read_error(ec);
                             }
                             self->process();
                         });
    }

    void on_read_error(error_code ec) {
        if (ec == http::error::body_limit) {
            return reject(413, "the request body is larger than " +
                                   std::to_string(shared_.options.max_body_bytes) + " bytes");
        }
        if (ec == http::error::header_limit) {
            return reject(431, "the request head is too large");
        }
        if (ec.category() == http::make_error_code(http::error::bad_method).category() &&
            ec != http::error::end_of_stream && ec != http::error::partial_message) {
            return reject(400, "malformed HTTP request");
        }
        stream_.close();  // end of stream, timeout, reset, closed by the shutdown
    }

    void process() {
        const auto start = std::chrono::steady_clock::now();
        const auto& message = parser_->get();
        HttpRequest request{
            view(message.method_string()), view(message.target()), {}, message.body()};
        request.headers.reserve(16);
        for (const auto& field : message) {
            request.headers.emplace_back(view(field.name_string()), view(field.value()));
        }
        HttpResponse result = shared_.handler.handle(request);
        const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
            std::chrono::steady_clock::now() - start);
        send(std::move(result), parser_->keep_alive() && !stopping(), elapsed.count());
    }

    // Sends a response the transport produced itself, then closes the connection.
    void reject(int status, const std::string& message) {
        send(shared_.handler.transport_error(status, message), false, 0);
    }

    // Logs the request, then writes the response. The log line is written first: the request it
    // reads lives in parser_, which the next read_header() (on whichever thread the write
    // completes) replaces.
    void send(HttpResponse result, bool keep_alive, long long duration_us) {
        const bool has_head = parser_->is_header_done();
        const auto& request = parser_->get();
        if (shared_.access_log != nullptr) {
            shared_.access_log->record(remote_, has_head ? view(request.method_string()) : "",
                                       has_head ? view(request.target()) : "", result.status,
                                       result.body.size(), duration_us);
        }
        keep_alive_ = keep_alive;
        write_head(result, has_head ? request.version() : 11);
        body_ = std::move(result.body);
        write({net::buffer(head_), net::buffer(body_)});
    }

    // Hand-written: Beast's fields and response_serializer took 7,500 instructions a request
    // (callgrind), as much as the rest of the transport, for a head of five known lines.
    void write_head(const HttpResponse& result, unsigned version) {
        const auto status = static_cast<http::status>(result.status);
        head_.assign(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
        append_number(result.status);
        head_ += ' ';
        head_.append(view(http::obsolete_reason(status)));
        head_ += "\r\nServer: objpool-graphql\r\nDate: ";
        head_ += http_date();
        for (const auto& [name, value] : result.headers) {
            head_ += "\r\n";
            head_ += name;
            head_ += ": ";
            head_ += value;
        }
        head_ += "\r\nContent-Length: ";
        append_number(result.body.size());
        // What Beast's keep_alive(bool) writes: only what differs from the version's default.
        if (version == 10 && keep_alive_) {
            head_ += "\r\nConnection: keep-alive";
        } else if (version != 10 && !keep_alive_) {
            head_ += "\r\nConnection: close";
        }
        head_ += "\r\n\r\n";
    }

    template <class Number>
    void append_number(Number number) {
        char digits[24];
        const auto end = std::to_chars(std::begin(digits), std::end(digits), number).ptr;
        head_.append(std::begin(digits), end);
    }

    // Hand-written: a response nearly always fits the socket's send buffer, and one direct
    // non-blocking write then replaces an asynchronous write and its timer (callgrind: 3,700
    // instructions a request); only what is left waits, under the write timeout.
    void write(std::array<net::const_buffer, 2> buffers) {
        error_code ec;
        std::size_t sent = stream_.socket().write_some(buffers, ec);
        if (ec == net::error::would_block) {
            sent = 0;
        } else if (ec) {
            return stream_.close();
        }
        for (auto& buffer : buffers) {
            const std::size_t consumed = std::min(sent, buffer.size());
            buffer += consumed;
            sent -= consumed;
        }
        if (buffers[0].size() + buffers[1].size() == 0) {
            return on_written();
        }
        stream_.expires_after(shared_.options.write_timeout);
        net::async_write(stream_, buffers, [self = shared_from_this()](error_code ec, std::size_t) {
            if (ec) {
                return self->stream_.close();
            }
            self->on_written();
        });
    }

    void on_written() {
        if (!keep_alive_ || stopping()) {
            return linger();
        }
        read_header();
    }

    // Half-closes, then discards whatever the client still sends until it closes or
    // linger_time passes.
    void linger() {
        error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        stream_.expires_after(linger_time);
        drain();
    }

    void drain() {
        buffer_.clear();
        stream_.async_read_some(buffer_.prepare(std::size_t{16} * 1024),
                                [self = shared_from_this()](error_code ec, std::size_t) {
                                    if (ec) {
                                        return self->stream_.close();
                                    }
                                    self->drain();
                                });
    }

    Shared& shared_;
    Stream stream_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    std::optional<http::response<http::empty_body>> continue_;
    bool keep_alive_ = false;  // of the response being sent
    std::string head_;         // of the response being sent
    std::string body_;         // of the response being sent
    std::string remote_;
};

// One io_context per thread, as nginx has one event loop per worker: a connection stays on the
// loop that accepted it, so its handlers never hand over to another thread and need no strand
// (with one io_context shared by all threads and a strand per connection, thread wake-ups and
// context switches led the server's kernel-side profile).
struct HttpServer::Impl {
    using WorkGuard = net::executor_work_guard<net::io_context::executor_type>;

    Shared shared;
    std::vector<std::unique_ptr<net::io_context>> loops;
    std::vector<WorkGuard> work;
    std::size_t next_loop = 0;  // where the next connection goes; used on loops[0] only
    std::optional<net::basic_socket_acceptor<tcp, Executor>>
        acceptor;  // on loops[0], as are accept() and shutdown()
    std::optional<net::basic_signal_set<Executor>> signals;
    std::atomic<bool> stop_requested{false};

    Impl(ServerOptions options, const RequestHandler& handler, AccessLog* access_log)
        : shared{std::move(options), handler, access_log, {}} {
        for (unsigned i = 0; i < std::max(1U, shared.options.threads); ++i) {
            loops.push_back(std::make_unique<net::io_context>(1));
            work.push_back(net::make_work_guard(*loops.back()));
        }
        net::io_context& first = *loops.front();
        net::ip::basic_resolver<tcp, Executor> resolver(first.get_executor());
        const tcp::endpoint endpoint =
            *resolver
                 .resolve(shared.options.host, std::to_string(shared.options.port),
                          tcp::resolver::passive | tcp::resolver::numeric_service)
                 .begin();
        acceptor.emplace(first.get_executor());
        acceptor->open(endpoint.protocol());
        acceptor->set_option(net::socket_base::reuse_address(true));
        acceptor->bind(endpoint);
        acceptor->listen(net::socket_base::max_listen_connections);
        signals.emplace(first.get_executor(), SIGINT, SIGTERM);
        if (shared.options.on_hangup) {
            signals->add(SIGHUP);
        }
    }

    // Runs on loops[0]; waits again after each SIGHUP, until a stopping signal or shutdown()'s
    // cancel.
    void wait_for_signal() {
        signals->async_wait([this](error_code ec, int signal) {
            if (ec) {
                return;
            }
            if (signal == SIGHUP) {
                shared.options.on_hangup();
                return wait_for_signal();
            }
            request_stop();
        });
    }

    // Thread-safe; shutdown() runs on loops[0].
    void request_stop() {
        stop_requested.store(true);
        net::post(acceptor->get_executor(), [this] {
            if (acceptor->is_open()) {
                shutdown();
            }
        });
    }

    void accept() {
        net::io_context& loop = *loops[next_loop];
        next_loop = (next_loop + 1) % loops.size();
        acceptor->async_accept(loop.get_executor(), [this](error_code ec, Socket socket) {
            if (!acceptor->is_open()) {
                return;
            }
            if (!ec) {
                error_code ignored;
                socket.set_option(tcp::no_delay(true), ignored);
                auto session = std::make_shared<Session>(shared, std::move(socket));
                net::post(session->executor(), [session] { session->start(); });
            }
            accept();
        });
    }

    // Runs on loops[0].
    void shutdown() {
        error_code ignored;
        acceptor->close(ignored);
        signals->cancel(ignored);
        auto& connections = shared.connections;
        connections.stopping = true;
        // The sessions still alive, held while the lock is not: the last reference to a session
        // may be dropped here, and its destructor takes the lock.
        std::vector<std::shared_ptr<Session>> open;
        {
            const std::lock_guard lock(connections.mutex);
            for (Session* session : connections.sessions) {
                if (auto alive = session->weak_from_this().lock()) {
                    open.push_back(std::move(alive));
                }
            }
        }
        for (const auto& session : open) {
            session->on_shutdown();
        }
        work.clear();
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
    impl_->wait_for_signal();
    net::post(impl_->acceptor->get_executor(), [impl = impl_.get()] { impl->accept(); });
    if (impl_->stop_requested.load()) {
        stop();
    }
    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < impl_->loops.size(); ++i) {
        threads.emplace_back([loop = impl_->loops[i].get()] { loop->run(); });
    }
    impl_->loops.front()->run();
    for (auto& thread : threads) {
        thread.join();
    }
}

void HttpServer::stop() {
    impl_->request_stop();
}

}  // namespace objpool_graphql
