#include "redis_store.hpp"

#include <hiredis/hiredis.h>
#include <poll.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <charconv>
#include <cstdint>
#include <deque>
#include <future>
#include <new>
#include <thread>
#include <utility>

namespace objpool_graphql::store {

namespace {

// The Functions. Every one takes the pool's keys (meta, freed, out, leases, expiry), the index of
// pool names and the token counter as KEYS, and the pool's name first in ARGV. Redis does not roll
// a Function back when it fails half-way, so each checks everything before it writes. A pool's id
// `id` is bit id-1 of `out`.
constexpr const char* functions_lua = R"lua(#!lua name=objpool

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function give_back(keys, p, id)
  redis.call('SETBIT', keys[3], id - 1, 0)
  if p.policy ~= 'BITMAP' then redis.call('RPUSH', keys[2], id) end
  p.allocated = p.allocated - 1
  redis.call('HSET', keys[1], 'allocated', p.allocated)
end

-- The pool with its expired leases reaped, or nil.
local function open(keys)
  local m = redis.call('HMGET', keys[1], 'policy', 'capacity', 'next_unused', 'allocated')
  if not m[1] then return nil end
  local p = {policy = m[1], capacity = tonumber(m[2]), next_unused = tonumber(m[3]),
             allocated = tonumber(m[4]), now = now_ms()}
  local due = redis.call('ZRANGE', keys[5], '-inf', p.now, 'BYSCORE')
  if #due > 0 then
    redis.call('ZREMRANGEBYSCORE', keys[5], '-inf', p.now)
    for _, id in ipairs(due) do
      redis.call('HDEL', keys[4], id)
      give_back(keys, p, tonumber(id))
    end
  end
  return p
end

local function no_such_pool() return redis.error_reply('NOSUCHPOOL no such pool') end
local function stale_lease() return redis.error_reply('STALELEASE not leased with that token') end

-- The next id by the pool's policy, now out, or nil.
local function take(keys, p)
  local id
  local fresh = false
  if p.policy == 'BITMAP' then
    local pos = redis.call('BITPOS', keys[3], 0)
    if pos >= 0 and pos < p.capacity then id = pos + 1 end
  elseif p.policy == 'FIFO' and p.next_unused <= p.capacity then
    id, fresh = p.next_unused, true
  else
    local freed
    if p.policy == 'FIFO' then freed = redis.call('LPOP', keys[2]) else freed = redis.call('RPOP', keys[2]) end
    if freed then
      id = tonumber(freed)
    elseif p.next_unused <= p.capacity then
      id, fresh = p.next_unused, true
    end
  end
  if not id then return nil end
  if fresh then redis.call('HSET', keys[1], 'next_unused', id + 1) end
  redis.call('SETBIT', keys[3], id - 1, 1)
  p.allocated = p.allocated + 1
  redis.call('HSET', keys[1], 'allocated', p.allocated)
  return id
end

local function valid_id(p, text)
  local id = tonumber(text)
  if id and id >= 1 and id <= p.capacity and id == math.floor(id) then return id end
  return nil
end

local function leased_with(keys, p, args)
  local id = valid_id(p, args[2])
  if id and redis.call('HGET', keys[4], id) == args[3] then return id end
  return nil
end

redis.register_function('objpool_create', function(keys, args)
  if redis.call('EXISTS', keys[1]) == 1 then return redis.error_reply('POOLEXISTS pool exists') end
  redis.call('HSET', keys[1], 'policy', args[2], 'capacity', args[3], 'next_unused', 1, 'allocated', 0)
  redis.call('SADD', keys[6], args[1])
  return 1
end)

redis.register_function('objpool_erase', function(keys, args)
  if redis.call('EXISTS', keys[1]) == 0 then return no_such_pool() end
  redis.call('UNLINK', keys[1], keys[2], keys[3], keys[4], keys[5])
  redis.call('SREM', keys[6], args[1])
  return 1
end)

redis.register_function('objpool_get', function(keys, args)
  local p = open(keys)
  if not p then return no_such_pool() end
  return take(keys, p) or false
end)

redis.register_function('objpool_free', function(keys, args)
  local p = open(keys)
  if not p then return no_such_pool() end
  local id = valid_id(p, args[2])
  if not id or redis.call('GETBIT', keys[3], id - 1) == 0 or redis.call('HEXISTS', keys[4], id) == 1 then
    return 0
  end
  give_back(keys, p, id)
  return 1
end)

redis.register_function('objpool_is_allocated', function(keys, args)
  local p = open(keys)
  if not p then return no_such_pool() end
  local id = valid_id(p, args[2])
  if not id then return 0 end
  return redis.call('GETBIT', keys[3], id - 1)
end)

redis.register_function('objpool_stats', function(keys, args)
  local p = open(keys)
  if not p then return no_such_pool() end
  return {p.policy, p.capacity, p.allocated}
end)

redis.register_function('objpool_acquire_lease', function(keys, args)
  local p = open(keys)
  if not p then return no_such_pool() end
  local id = take(keys, p)
  if not id then return false end
  local token = redis.call('INCR', keys[7])
  local expires = p.now + tonumber(args[2])
  redis.call('HSET', keys[4], id, token)
  redis.call('ZADD', keys[5], expires, id)
  return {id, token, expires}
end)

redis.register_function('objpool_renew_lease', function(keys, args)
  local p = open(keys)
  if not p then return no_such_pool() end
  local id = leased_with(keys, p, args)
  if not id then return stale_lease() end
  local expires = p.now + tonumber(args[4])
  redis.call('ZADD', keys[5], expires, id)
  return {id, tonumber(args[3]), expires}
end)

redis.register_function('objpool_release_lease', function(keys, args)
  local p = open(keys)
  if not p then return no_such_pool() end
  local id = leased_with(keys, p, args)
  if not id then return stale_lease() end
  redis.call('HDEL', keys[4], id)
  redis.call('ZREM', keys[5], id)
  give_back(keys, p, id)
  return 1
end)
)lua";

using Reply = std::unique_ptr<redisReply, void (*)(void*)>;

bool starts_with(const redisReply& reply, std::string_view prefix) {
    return std::string_view(reply.str, reply.len).substr(0, prefix.size()) == prefix;
}

long long integer(const redisReply& reply) {
    if (reply.type != REDIS_REPLY_INTEGER) {
        throw Unavailable("redis: unexpected reply type");
    }
    return reply.integer;
}

int parse_number(std::string_view text, int low, int high, std::string_view spec) {
    int value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < low ||
        value > high) {
        throw std::invalid_argument("bad redis address \"" + std::string(spec) +
                                    "\": expected redis://HOST:PORT[/DB]");
    }
    return value;
}

}  // namespace

RedisAddress RedisAddress::parse(std::string_view spec) {
    constexpr std::string_view scheme = "redis://";
    const auto bad = [&] {
        return std::invalid_argument("bad redis address \"" + std::string(spec) +
                                     "\": expected redis://HOST:PORT[/DB]");
    };
    if (spec.substr(0, scheme.size()) != scheme) {
        throw bad();
    }
    std::string_view rest = spec.substr(scheme.size());
    RedisAddress address;
    const std::size_t slash = rest.find('/');
    if (slash != std::string_view::npos) {
        address.database = parse_number(rest.substr(slash + 1), 0, 1 << 30, spec);
        rest = rest.substr(0, slash);
    }
    const std::size_t colon = rest.rfind(':');
    if (colon == std::string_view::npos || colon == 0) {
        throw bad();
    }
    address.host = std::string(rest.substr(0, colon));
    address.port = parse_number(rest.substr(colon + 1), 1, 65535, spec);
    return address;
}

namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// One command and, once answered, its outcome. The caller waits on `answered`; the event loop
// fills in the rest before setting it and never touches the request again.
struct Request {
    enum class Purpose {
        call,   // a caller's command
        setup,  // SELECT or FUNCTION LOAD while connecting: an error reply fails the connection
        reload  // FUNCTION LOAD before commands that found no Function: its reply is not needed
    };
    Purpose purpose = Purpose::call;
    std::string name;     // the command's first words, for messages
    std::string command;  // in the protocol (RESP), formatted by hiredis
    Reply reply{nullptr, freeReplyObject};
    std::string failure;   // set: the command failed with Unavailable(failure)
    bool retried = false;  // sent again once already, after the Functions were loaded again
    std::promise<void> answered;
};

std::string format_command(const std::vector<std::string>& arguments) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    for (const std::string& argument : arguments) {
        argv.push_back(argument.data());
        lengths.push_back(argument.size());
    }
    char* formatted = nullptr;
    const int length = redisFormatCommandArgv(&formatted, static_cast<int>(argv.size()),
                                              argv.data(), lengths.data());
    if (length < 0) {
        throw std::bad_alloc();
    }
    std::string command(formatted, static_cast<std::size_t>(length));
    redisFreeCommand(formatted);
    return command;
}

std::shared_ptr<Request> make_request(Request::Purpose purpose,
                                      const std::vector<std::string>& arguments) {
    auto request = std::make_shared<Request>();
    request->purpose = purpose;
    request->name = arguments.front();
    if (arguments.front() == "FUNCTION") {
        request->name += " " + arguments[1];
    }
    request->command = format_command(arguments);
    return request;
}

const std::vector<std::string>& load_functions() {
    static const std::vector<std::string> command{"FUNCTION", "LOAD", "REPLACE", functions_lua};
    return command;
}

// One connection, driven by the event loop of the store's io_context: everything but call() runs
// on that loop's thread. Calls queue their commands; every command waiting when the loop gets to
// it (up to max_pipeline) goes out in one write, and replies are matched to commands in order
// (pipelining), so that one event-loop turn of Redis, and with appendfsync always one fsync,
// serves them all. A read is always pending, so a connection the server closes while idle is
// noticed at once and made again for the next call.
class Pipeline {
public:
    static constexpr std::size_t max_pipeline = 512;

    Pipeline(asio::io_context& io, const RedisAddress& address, std::chrono::milliseconds timeout)
        : io_(io),
          address_(address),
          where_(address.host + ":" + std::to_string(address.port)),
          timeout_(timeout),
          resolver_(io),
          socket_(io),
          deadline_(io) {}

    ~Pipeline() {
        if (reader_ != nullptr) {
            redisReaderFree(reader_);
        }
    }

    Pipeline(const Pipeline&) = delete;
    Pipeline& operator=(const Pipeline&) = delete;

    // Sends `arguments` as one command and returns its reply (errors included). Not on the loop.
    // @throws Unavailable when the connection cannot be made or breaks before the reply.
    Reply call(const std::vector<std::string>& arguments) {
        auto request = make_request(Request::Purpose::call, arguments);
        std::future<void> answered = request->answered.get_future();
        asio::post(io_, [this, request] { submit(request); });
        answered.wait();
        if (!request->failure.empty()) {
            throw Unavailable(request->failure);
        }
        return std::move(request->reply);
    }

    // Fails every call queued or in flight and closes the connection; later calls fail at once.
    void shut_down() {
        stopping_ = true;
        deadline_.cancel();
        drop_connection("redis: the store is closing");
        fail_waiting("redis: the store is closing");
    }

private:
    enum class State { disconnected, connecting, handshaking, ready };

    static void finish(Request& request, std::string failure = {}) {
        request.failure = std::move(failure);
        request.answered.set_value();
    }

    void submit(std::shared_ptr<Request> request) {
        if (stopping_) {
            finish(*request, "redis: the store is closing");
            return;
        }
        waiting_.push_back(std::move(request));
        if (state_ == State::disconnected) {
            connect();
        } else {
            schedule_flush();
        }
    }

    // Flushes after the handlers already queued on the loop, so that calls posted together go out
    // in one write.
    void schedule_flush() {
        if (flush_scheduled_ || writing_ || state_ != State::ready) {
            return;  // a write's completion, or the end of the handshake, flushes
        }
        flush_scheduled_ = true;
        asio::post(io_, [this] {
            flush_scheduled_ = false;
            flush();
        });
    }

    void flush() {
        if (state_ != State::ready || writing_ || waiting_.empty()) {
            return;
        }
        if (in_flight_.empty()) {
            if (closed_by_peer()) {
                // The pending read has not reported it yet: these commands go on a new connection.
                connection_broken("the server closed the connection");
                return;
            }
            await_answer();
        }
        write_buffer_.clear();
        for (std::size_t count = 0; count < max_pipeline && !waiting_.empty(); ++count) {
            write_buffer_ += waiting_.front()->command;
            in_flight_.push_back(std::move(waiting_.front()));
            waiting_.pop_front();
        }
        write();
    }

    // Whether the server closed this connection while no reply was due: then anything to read is
    // the end of the stream. The pending read reports it too, but maybe only after commands that
    // were already waiting are written: checked before those, a restart costs no call an
    // Unavailable.
    bool closed_by_peer() {
        pollfd state{socket_.native_handle(), POLLIN | POLLRDHUP, 0};
        return poll(&state, 1, 0) != 0;
    }

    void write() {
        writing_ = true;
        asio::async_write(
            socket_, asio::buffer(write_buffer_),
            [this, generation = generation_](boost::system::error_code error, std::size_t) {
                if (generation != generation_) {
                    return;  // that connection is gone
                }
                writing_ = false;
                if (error) {
                    connection_broken(error.message());
                    return;
                }
                flush();
            });
    }

    void read() {
        socket_.async_read_some(
            asio::buffer(read_buffer_),
            [this, generation = generation_](boost::system::error_code error, std::size_t size) {
                if (generation != generation_) {
                    return;
                }
                if (error) {
                    connection_broken(error == asio::error::eof ? "the server closed the connection"
                                                                : error.message());
                    return;
                }
                if (redisReaderFeed(reader_, read_buffer_.data(), size) != REDIS_OK) {
                    connection_broken(reader_->errstr);
                    return;
                }
                if (take_replies()) {
                    read();
                }
            });
    }

    // Answers the oldest commands in flight with every complete reply read; false when that
    // dropped the connection.
    bool take_replies() {
        std::vector<std::shared_ptr<Request>> again;
        bool answered = false;
        for (;;) {
            void* raw = nullptr;
            if (redisReaderGetReply(reader_, &raw) != REDIS_OK) {
                connection_broken(reader_->errstr);
                return false;
            }
            if (raw == nullptr) {
                break;
            }
            Reply reply(static_cast<redisReply*>(raw), freeReplyObject);
            if (in_flight_.empty()) {
                connection_broken("a reply to no command");
                return false;
            }
            std::shared_ptr<Request> request = std::move(in_flight_.front());
            in_flight_.pop_front();
            answered = true;
            switch (request->purpose) {
                case Request::Purpose::setup:
                    if (reply->type == REDIS_REPLY_ERROR) {
                        connect_failed("redis: " + request->name +
                                       " failed: " + std::string(reply->str, reply->len));
                        return false;
                    }
                    if (in_flight_.empty()) {
                        state_ = State::ready;
                        backoff_ = std::chrono::milliseconds(0);
                        schedule_flush();
                    }
                    break;
                case Request::Purpose::reload:
                    break;
                case Request::Purpose::call:
                    if (reply->type == REDIS_REPLY_ERROR && !request->retried &&
                        starts_with(*reply, "ERR Function not found")) {
                        request->retried = true;
                        again.push_back(std::move(request));
                        break;
                    }
                    request->reply = std::move(reply);
                    finish(*request);
                    break;
            }
        }
        if (answered) {
            progress_at_ = Clock::now();
        }
        if (!again.empty()) {
            // The server lost the Functions (FUNCTION FLUSH, or a new empty server): they are
            // loaded again first, and those commands go once more.
            waiting_.insert(waiting_.begin(), again.begin(), again.end());
            waiting_.push_front(make_request(Request::Purpose::reload, load_functions()));
            schedule_flush();
        }
        return true;
    }

    // Connects unless a failed attempt is too recent: after each failure in a row the next
    // attempt waits twice as long (first_backoff up to max_backoff), so a server that is down is
    // not hammered and the calls meanwhile fail at once with the last failure.
    void connect() {
        if (Clock::now() < retry_at_) {
            fail_waiting(last_failure_);
            return;
        }
        state_ = State::connecting;
        await_answer();
        resolver_.async_resolve(
            address_.host, std::to_string(address_.port),
            [this, generation = generation_](boost::system::error_code error,
                                             const tcp::resolver::results_type& endpoints) {
                if (generation != generation_) {
                    return;
                }
                if (error) {
                    connect_failed("redis: cannot resolve " + address_.host + ": " +
                                   error.message());
                    return;
                }
                asio::async_connect(
                    socket_, endpoints,
                    [this, generation](boost::system::error_code error, const tcp::endpoint&) {
                        if (generation != generation_) {
                            return;
                        }
                        if (error) {
                            connect_failed("redis: cannot connect to " + where_ + ": " +
                                           error.message());
                            return;
                        }
                        handshake();
                    });
            });
    }

    // Selects the database and loads the Functions before any call goes out.
    void handshake() {
        boost::system::error_code ignored;
        socket_.set_option(tcp::no_delay(true), ignored);
        reader_ = redisReaderCreate();
        if (reader_ == nullptr) {
            connect_failed("redis: cannot allocate a reply reader");
            return;
        }
        state_ = State::handshaking;
        write_buffer_.clear();
        if (address_.database != 0) {
            in_flight_.push_back(make_request(Request::Purpose::setup,
                                              {"SELECT", std::to_string(address_.database)}));
            write_buffer_ += in_flight_.back()->command;
        }
        in_flight_.push_back(make_request(Request::Purpose::setup, load_functions()));
        write_buffer_ += in_flight_.back()->command;
        write();
        read();
    }

    // Whether an answer is due: the connection is being made, or replies are.
    [[nodiscard]] bool awaiting() const {
        return state_ == State::connecting || state_ == State::handshaking || !in_flight_.empty();
    }

    // An answer is due and none was: the timeout counts from now.
    void await_answer() {
        progress_at_ = Clock::now();
        if (!timer_armed_) {
            arm_deadline(progress_at_ + timeout_);
        }
    }

    // One timer per connection, moved on only when it expires: a reply in time just records
    // progress_at_ instead of resetting the timer.
    void arm_deadline(Clock::time_point at) {
        timer_armed_ = true;
        deadline_.expires_at(at);
        deadline_.async_wait([this](boost::system::error_code) {
            timer_armed_ = false;
            check_deadline();
        });
    }

    void check_deadline() {
        if (stopping_ || !awaiting()) {
            return;
        }
        const Clock::time_point due = progress_at_ + timeout_;
        if (Clock::now() < due) {
            arm_deadline(due);
            return;
        }
        connection_broken("no answer within " + std::to_string(timeout_.count()) + " ms");
    }

    // Closes the connection; the calls in flight fail with `failure` (whether they ran is
    // unknown).
    void drop_connection(const std::string& failure) {
        ++generation_;  // the handlers of this connection's operations do nothing
        boost::system::error_code ignored;
        socket_.close(ignored);
        resolver_.cancel();
        writing_ = false;
        state_ = State::disconnected;
        if (reader_ != nullptr) {
            redisReaderFree(reader_);
            reader_ = nullptr;
        }
        for (const auto& request : in_flight_) {
            if (request->purpose == Request::Purpose::call) {
                finish(*request, failure);
            }
        }
        in_flight_.clear();
    }

    void fail_waiting(const std::string& failure) {
        for (const auto& request : waiting_) {
            if (request->purpose == Request::Purpose::call) {
                finish(*request, failure);
            }
        }
        waiting_.clear();
    }

    // The connection broke (or the server closed it): made again at once for the calls waiting,
    // unless it broke while being made.
    void connection_broken(const std::string& reason) {
        if (state_ != State::ready) {
            connect_failed("redis: cannot connect to " + where_ + ": " + reason);
            return;
        }
        drop_connection("redis: " + reason);
        if (!waiting_.empty()) {
            connect();
        }
    }

    void connect_failed(const std::string& failure) {
        drop_connection(failure);
        backoff_ = std::clamp(backoff_ * 2, first_backoff, max_backoff);
        retry_at_ = Clock::now() + backoff_;
        last_failure_ = failure + " (next attempt in " + std::to_string(backoff_.count()) + " ms)";
        fail_waiting(last_failure_);
    }

    static constexpr std::chrono::milliseconds first_backoff{50};
    static constexpr std::chrono::milliseconds max_backoff{1000};

    asio::io_context& io_;
    const RedisAddress address_;
    const std::string where_;
    const std::chrono::milliseconds timeout_;
    tcp::resolver resolver_;
    tcp::socket socket_;
    asio::steady_timer deadline_;
    redisReader* reader_ = nullptr;  // the open connection's reply parser
    State state_ = State::disconnected;
    std::uint64_t generation_ = 0;                    // counts connections dropped
    std::deque<std::shared_ptr<Request>> waiting_;    // not written yet
    std::deque<std::shared_ptr<Request>> in_flight_;  // written, replies due in this order
    std::string write_buffer_;
    std::array<char, 16384> read_buffer_{};
    bool writing_ = false;
    bool flush_scheduled_ = false;
    bool timer_armed_ = false;
    bool stopping_ = false;
    Clock::time_point progress_at_{};  // when the last answer came, or one became due
    std::chrono::milliseconds backoff_{0};
    Clock::time_point retry_at_{};
    std::string last_failure_;
};

}  // namespace

// The pipelines, all driven by one thread running their io_context; a call goes to the next one in
// turn.
class RedisStore::Connections {
public:
    Connections(const RedisAddress& address, Options options) {
        const std::size_t count = std::max<std::size_t>(options.connections, 1);
        for (std::size_t i = 0; i < count; ++i) {
            pipelines_.push_back(std::make_unique<Pipeline>(io_, address, options.timeout));
        }
        thread_ = std::thread([this] { io_.run(); });
        // The first connection is made here, so that a server that is down or refuses the
        // Functions fails the constructor.
        try {
            check_ping(*pipelines_.front());
        } catch (...) {
            stop();
            throw;
        }
    }

    ~Connections() { stop(); }

    Connections(const Connections&) = delete;
    Connections& operator=(const Connections&) = delete;

    Reply command(const std::vector<std::string>& arguments) {
        const std::size_t turn = next_.fetch_add(1, std::memory_order_relaxed);
        return pipelines_[turn % pipelines_.size()]->call(arguments);
    }

    // PING on every connection: ready means that none of them is down or backing off.
    void ping() {
        for (const auto& pipeline : pipelines_) {
            check_ping(*pipeline);
        }
    }

private:
    static void check_ping(Pipeline& pipeline) {
        Reply reply = pipeline.call({"PING"});
        if (reply->type == REDIS_REPLY_ERROR) {
            throw Unavailable("redis: " + std::string(reply->str, reply->len));
        }
    }

    void stop() {
        for (const auto& pipeline : pipelines_) {
            asio::post(io_, [pipeline = pipeline.get()] { pipeline->shut_down(); });
        }
        work_.reset();
        thread_.join();
    }

    asio::io_context io_{1};
    asio::executor_work_guard<asio::io_context::executor_type> work_{io_.get_executor()};
    std::vector<std::unique_ptr<Pipeline>> pipelines_;
    std::atomic<std::size_t> next_{0};
    std::thread thread_;
};

namespace {

// FCALL of one Function on one pool's keys.
std::vector<std::string> fcall(const char* function, const std::string& pool,
                               std::initializer_list<std::string> arguments) {
    const std::string prefix = "objpool:{" + pool + "}:";
    std::vector<std::string> command{"FCALL",
                                     function,
                                     "7",
                                     prefix + "meta",
                                     prefix + "freed",
                                     prefix + "out",
                                     prefix + "leases",
                                     prefix + "expiry",
                                     "objpool:pools",
                                     "objpool:next_token",
                                     pool};
    command.insert(command.end(), arguments.begin(), arguments.end());
    return command;
}

// Throws the StoreError an error reply stands for.
void check(const redisReply& reply, const std::string& pool, long long id = 0) {
    if (reply.type != REDIS_REPLY_ERROR) {
        return;
    }
    if (starts_with(reply, "NOSUCHPOOL")) {
        throw NoSuchPool(pool);
    }
    if (starts_with(reply, "POOLEXISTS")) {
        throw PoolExists(pool);
    }
    if (starts_with(reply, "STALELEASE")) {
        throw StaleLease(pool, id);
    }
    throw Unavailable("redis: " + std::string(reply.str, reply.len));
}

Lease to_lease(const redisReply& reply) {
    if (reply.type != REDIS_REPLY_ARRAY || reply.elements != 3) {
        throw Unavailable("redis: unexpected reply to a lease call");
    }
    const long long expires_ms = integer(*reply.element[2]);
    return Lease{static_cast<Id>(integer(*reply.element[0])),
                 static_cast<LeaseToken>(integer(*reply.element[1])),
                 std::chrono::system_clock::time_point(
                     std::chrono::duration_cast<std::chrono::system_clock::duration>(
                         std::chrono::milliseconds(expires_ms)))};
}

}  // namespace

RedisStore::RedisStore(const RedisAddress& address, std::size_t max_capacity, Options options)
    : max_capacity_(max_capacity), connections_(std::make_unique<Connections>(address, options)) {}

RedisStore::RedisStore(const RedisAddress& address, std::size_t max_capacity)
    : RedisStore(address, max_capacity, Options{}) {}

RedisStore::~RedisStore() = default;

PoolStats RedisStore::create(const std::string& name, long long capacity, Policy policy) {
    detail::check_capacity(capacity, max_capacity_);
    Reply reply = connections_->command(fcall(
        "objpool_create", name, {std::string(policy_name(policy)), std::to_string(capacity)}));
    check(*reply, name);
    const auto size = static_cast<std::size_t>(capacity);
    return PoolStats{name, policy, size, size, 0};
}

void RedisStore::erase(const std::string& name) {
    Reply reply = connections_->command(fcall("objpool_erase", name, {}));
    check(*reply, name);
}

std::optional<Id> RedisStore::get(const std::string& name) {
    Reply reply = connections_->command(fcall("objpool_get", name, {}));
    check(*reply, name);
    if (reply->type == REDIS_REPLY_NIL) {
        return std::nullopt;
    }
    return static_cast<Id>(integer(*reply));
}

bool RedisStore::free(const std::string& name, long long id) {
    Reply reply = connections_->command(fcall("objpool_free", name, {std::to_string(id)}));
    check(*reply, name);
    return integer(*reply) == 1;
}

bool RedisStore::is_allocated(const std::string& name, long long id) {
    Reply reply = connections_->command(fcall("objpool_is_allocated", name, {std::to_string(id)}));
    check(*reply, name);
    return integer(*reply) == 1;
}

std::optional<PoolStats> RedisStore::stats(const std::string& name) {
    Reply reply = connections_->command(fcall("objpool_stats", name, {}));
    if (reply->type == REDIS_REPLY_ERROR && starts_with(*reply, "NOSUCHPOOL")) {
        return std::nullopt;
    }
    check(*reply, name);
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 3 ||
        reply->element[0]->type != REDIS_REPLY_STRING) {
        throw Unavailable("redis: unexpected reply to objpool_stats");
    }
    const auto policy =
        parse_policy(std::string_view(reply->element[0]->str, reply->element[0]->len));
    if (!policy) {
        throw Unavailable("redis: pool " + name + " has an unknown policy");
    }
    const auto capacity = static_cast<std::size_t>(integer(*reply->element[1]));
    const auto allocated = static_cast<std::size_t>(integer(*reply->element[2]));
    return PoolStats{name, *policy, capacity, capacity - allocated, allocated};
}

std::vector<PoolStats> RedisStore::all() {
    Reply reply = connections_->command({"SMEMBERS", "objpool:pools"});
    check(*reply, "");
    if (reply->type != REDIS_REPLY_ARRAY) {
        throw Unavailable("redis: unexpected reply to SMEMBERS");
    }
    std::vector<std::string> names;
    for (std::size_t i = 0; i < reply->elements; ++i) {
        names.emplace_back(reply->element[i]->str, reply->element[i]->len);
    }
    std::sort(names.begin(), names.end());
    std::vector<PoolStats> result;
    for (const std::string& name : names) {
        // A pool erased since SMEMBERS is left out.
        if (auto pool = stats(name)) {
            result.push_back(std::move(*pool));
        }
    }
    return result;
}

std::optional<Lease> RedisStore::acquire_lease(const std::string& pool,
                                               std::chrono::milliseconds ttl) {
    detail::check_ttl(ttl);
    Reply reply =
        connections_->command(fcall("objpool_acquire_lease", pool, {std::to_string(ttl.count())}));
    check(*reply, pool);
    if (reply->type == REDIS_REPLY_NIL) {
        return std::nullopt;
    }
    return to_lease(*reply);
}

Lease RedisStore::renew_lease(const std::string& pool, long long id, LeaseToken token,
                              std::chrono::milliseconds ttl) {
    detail::check_ttl(ttl);
    Reply reply = connections_->command(
        fcall("objpool_renew_lease", pool,
              {std::to_string(id), std::to_string(token), std::to_string(ttl.count())}));
    check(*reply, pool, id);
    return to_lease(*reply);
}

void RedisStore::ping() {
    connections_->ping();
}

void RedisStore::release_lease(const std::string& pool, long long id, LeaseToken token) {
    Reply reply = connections_->command(
        fcall("objpool_release_lease", pool, {std::to_string(id), std::to_string(token)}));
    check(*reply, pool, id);
}

}  // namespace objpool_graphql::store
