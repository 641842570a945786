#include "redis_store.hpp"

#include <hiredis/hiredis.h>
#include <poll.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <condition_variable>
#include <deque>
#include <mutex>
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
    if (reply.type != REDIS_REPLY_INTEGER)
        throw Unavailable("redis: unexpected reply type");
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
    if (spec.substr(0, scheme.size()) != scheme)
        throw bad();
    std::string_view rest = spec.substr(scheme.size());
    RedisAddress address;
    const std::size_t slash = rest.find('/');
    if (slash != std::string_view::npos) {
        address.database = parse_number(rest.substr(slash + 1), 0, 1 << 30, spec);
        rest = rest.substr(0, slash);
    }
    const std::size_t colon = rest.rfind(':');
    if (colon == std::string_view::npos || colon == 0)
        throw bad();
    address.host = std::string(rest.substr(0, colon));
    address.port = parse_number(rest.substr(colon + 1), 1, 65535, spec);
    return address;
}

namespace {

// One connection and the thread that drives it. Callers queue commands; the thread writes every
// command waiting at that moment (up to max_pipeline) in one go and then reads their replies in
// order (pipelining), so that one event-loop turn of Redis, and with appendfsync always one fsync,
// serves them all. A request lives on its caller's stack; once marked done, only the caller
// touches it again.
class Pipeline {
public:
    struct Request {
        const std::vector<std::string>* arguments = nullptr;
        Reply reply{nullptr, freeReplyObject};
        std::string failure;  // set: the command failed with Unavailable(failure)
        bool done = false;    // guarded by mutex_
    };

    static constexpr std::size_t max_pipeline = 512;

    // `context`: an open connection to start with (or nullptr: connect on first use).
    Pipeline(const RedisAddress& address, std::chrono::milliseconds timeout, redisContext* context)
        : address_(address), timeout_(timeout), context_(context) {
        thread_ = std::thread([this] { loop(); });
    }

    ~Pipeline() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        wakeup_.notify_one();
        thread_.join();
        if (context_ != nullptr)
            redisFree(context_);
    }

    Pipeline(const Pipeline&) = delete;
    Pipeline& operator=(const Pipeline&) = delete;

    // Sends `arguments` as one command and returns its reply (errors included).
    // @throws Unavailable when the connection cannot be made or breaks before the reply.
    Reply call(const std::vector<std::string>& arguments) {
        Request request;
        request.arguments = &arguments;
        {
            std::unique_lock lock(mutex_);
            queue_.push_back(&request);
            wakeup_.notify_one();
            answered_.wait(lock, [&request] { return request.done; });
        }
        if (!request.failure.empty())
            throw Unavailable(request.failure);
        return std::move(request.reply);
    }

    // Connects, selects the database and loads the Functions; the connection, or nullptr with
    // `failure` set.
    static redisContext* connect(const RedisAddress& address, std::chrono::milliseconds timeout,
                                 std::string& failure) {
        const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(timeout);
        timeval limit{};
        limit.tv_sec = static_cast<decltype(limit.tv_sec)>(seconds.count());
        limit.tv_usec = static_cast<decltype(limit.tv_usec)>(
            std::chrono::duration_cast<std::chrono::microseconds>(timeout - seconds).count());
        redisContext* context = redisConnectWithTimeout(address.host.c_str(), address.port, limit);
        if (context == nullptr) {
            failure = "redis: cannot allocate a connection";
            return nullptr;
        }
        const std::string where = address.host + ":" + std::to_string(address.port);
        if (context->err != 0 || redisSetTimeout(context, limit) != REDIS_OK) {
            failure = "redis: cannot connect to " + where + ": " + context->errstr;
            redisFree(context);
            return nullptr;
        }
        if (address.database != 0 &&
            !setup(context, {"SELECT", std::to_string(address.database)}, failure)) {
            return nullptr;
        }
        if (!setup(context, {"FUNCTION", "LOAD", "REPLACE", functions_lua}, failure)) {
            return nullptr;
        }
        return context;
    }

private:
    // One command at connection time; on failure frees `context` and sets `failure`.
    static bool setup(redisContext* context, const std::vector<std::string>& arguments,
                      std::string& failure) {
        Reply reply = send(context, arguments);
        if (reply && reply->type != REDIS_REPLY_ERROR)
            return true;
        failure = "redis: " + arguments[0] + " " + arguments[1] + " failed: " +
                  (reply ? std::string(reply->str, reply->len) : std::string(context->errstr));
        redisFree(context);
        return false;
    }

    static Reply send(redisContext* context, const std::vector<std::string>& arguments) {
        std::vector<const char*> argv;
        std::vector<std::size_t> lengths;
        for (const std::string& argument : arguments) {
            argv.push_back(argument.data());
            lengths.push_back(argument.size());
        }
        return Reply(static_cast<redisReply*>(redisCommandArgv(
                         context, static_cast<int>(argv.size()), argv.data(), lengths.data())),
                     freeReplyObject);
    }

    void loop() {
        std::vector<Request*> batch;
        for (;;) {
            {
                std::unique_lock lock(mutex_);
                wakeup_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
                if (queue_.empty())
                    return;  // stopping, and every call answered
                while (!queue_.empty() && batch.size() < max_pipeline) {
                    batch.push_back(queue_.front());
                    queue_.pop_front();
                }
            }
            exchange(batch);
            // A server that lost the Functions (FUNCTION FLUSH, or a new empty server) got them
            // again when this connection was made or now: those commands go once more.
            std::vector<Request*> again;
            for (Request* request : batch) {
                if (request->reply && request->reply->type == REDIS_REPLY_ERROR &&
                    starts_with(*request->reply, "ERR Function not found")) {
                    again.push_back(request);
                }
            }
            if (!again.empty() && context_ != nullptr) {
                Reply loaded = send(context_, {"FUNCTION", "LOAD", "REPLACE", functions_lua});
                if (loaded)
                    exchange(again);
            }
            {
                std::lock_guard lock(mutex_);
                for (Request* request : batch)
                    request->done = true;
            }
            answered_.notify_all();
            batch.clear();
        }
    }

    // Whether the server closed this idle connection (it restarted, or dropped us): with no reply
    // due, anything to read is the end of the stream. Checked before each batch so that a
    // restart costs no command an Unavailable.
    static bool closed_by_peer(int fd) {
        pollfd state{fd, POLLIN | POLLRDHUP, 0};
        return poll(&state, 1, 0) != 0;
    }

    // Connects unless a failed attempt is too recent: after each failure in a row the next
    // attempt waits twice as long (first_backoff up to max_backoff), so a server that is down
    // is not hammered and the calls meanwhile fail at once with the last failure.
    bool reconnect() {
        const auto now = std::chrono::steady_clock::now();
        if (now < retry_at_)
            return false;
        std::string failure;
        context_ = connect(address_, timeout_, failure);
        if (context_ != nullptr) {
            backoff_ = std::chrono::milliseconds(0);
            return true;
        }
        backoff_ = std::clamp(backoff_ * 2, first_backoff, max_backoff);
        retry_at_ = std::chrono::steady_clock::now() + backoff_;
        last_failure_ = failure + " (next attempt in " + std::to_string(backoff_.count()) + " ms)";
        return false;
    }

    // Writes every command of `batch`, then reads each reply in order.
    void exchange(const std::vector<Request*>& batch) {
        if (context_ != nullptr && closed_by_peer(context_->fd)) {
            redisFree(context_);
            context_ = nullptr;
        }
        if (context_ == nullptr && !reconnect()) {
            for (Request* request : batch)
                request->failure = last_failure_;
            return;
        }
        std::vector<const char*> argv;
        std::vector<std::size_t> lengths;
        for (const Request* request : batch) {
            argv.clear();
            lengths.clear();
            for (const std::string& argument : *request->arguments) {
                argv.push_back(argument.data());
                lengths.push_back(argument.size());
            }
            if (redisAppendCommandArgv(context_, static_cast<int>(argv.size()), argv.data(),
                                       lengths.data()) != REDIS_OK) {
                break;  // out of memory: the replies below fail
            }
        }
        for (std::size_t i = 0; i < batch.size(); ++i) {
            void* reply = nullptr;
            if (redisGetReply(context_, &reply) != REDIS_OK || reply == nullptr) {
                // Whether these commands ran is unknown: each fails with Unavailable.
                const std::string failure = std::string("redis: ") + context_->errstr;
                for (std::size_t rest = i; rest < batch.size(); ++rest) {
                    batch[rest]->failure = failure;
                }
                redisFree(context_);
                context_ = nullptr;
                return;
            }
            batch[i]->reply.reset(static_cast<redisReply*>(reply));
        }
    }

    static constexpr std::chrono::milliseconds first_backoff{50};
    static constexpr std::chrono::milliseconds max_backoff{1000};

    const RedisAddress address_;
    const std::chrono::milliseconds timeout_;
    redisContext* context_;  // used by thread_ only (nullptr: connect on next use)
    // The back-off, used by thread_ only.
    std::chrono::milliseconds backoff_{0};
    std::chrono::steady_clock::time_point retry_at_{};
    std::string last_failure_;
    std::mutex mutex_;
    std::condition_variable wakeup_;    // the thread: commands queued, or stopping
    std::condition_variable answered_;  // the callers: a batch is done
    std::deque<Request*> queue_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace

// The pipelines; a call goes to the next one in turn.
class RedisStore::Connections {
public:
    Connections(const RedisAddress& address, Options options) {
        // The first connection is made here, so that a server that is down or refuses the
        // Functions fails the constructor.
        std::string failure;
        redisContext* first = Pipeline::connect(address, options.timeout, failure);
        if (first == nullptr)
            throw Unavailable(failure);
        const std::size_t count = std::max<std::size_t>(options.connections, 1);
        for (std::size_t i = 0; i < count; ++i) {
            pipelines_.push_back(
                std::make_unique<Pipeline>(address, options.timeout, i == 0 ? first : nullptr));
        }
    }

    Reply command(const std::vector<std::string>& arguments) {
        const std::size_t turn = next_.fetch_add(1, std::memory_order_relaxed);
        return pipelines_[turn % pipelines_.size()]->call(arguments);
    }

    // PING on every connection: ready means that none of them is down or backing off.
    void ping() {
        const std::vector<std::string> ping{"PING"};
        for (const auto& pipeline : pipelines_) {
            Reply reply = pipeline->call(ping);
            if (reply->type == REDIS_REPLY_ERROR)
                throw Unavailable("redis: " + std::string(reply->str, reply->len));
        }
    }

private:
    std::vector<std::unique_ptr<Pipeline>> pipelines_;
    std::atomic<std::size_t> next_{0};
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
    if (reply.type != REDIS_REPLY_ERROR)
        return;
    if (starts_with(reply, "NOSUCHPOOL"))
        throw NoSuchPool(pool);
    if (starts_with(reply, "POOLEXISTS"))
        throw PoolExists(pool);
    if (starts_with(reply, "STALELEASE"))
        throw StaleLease(pool, id);
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

RedisStore::RedisStore(RedisAddress address, std::size_t max_capacity, Options options)
    : max_capacity_(max_capacity),
      connections_(std::make_unique<Connections>(std::move(address), options)) {}

RedisStore::RedisStore(RedisAddress address, std::size_t max_capacity)
    : RedisStore(std::move(address), max_capacity, Options{}) {}

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
    if (reply->type == REDIS_REPLY_NIL)
        return std::nullopt;
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
    if (reply->type == REDIS_REPLY_ERROR && starts_with(*reply, "NOSUCHPOOL"))
        return std::nullopt;
    check(*reply, name);
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 3 ||
        reply->element[0]->type != REDIS_REPLY_STRING) {
        throw Unavailable("redis: unexpected reply to objpool_stats");
    }
    const auto policy =
        parse_policy(std::string_view(reply->element[0]->str, reply->element[0]->len));
    if (!policy)
        throw Unavailable("redis: pool " + name + " has an unknown policy");
    const auto capacity = static_cast<std::size_t>(integer(*reply->element[1]));
    const auto allocated = static_cast<std::size_t>(integer(*reply->element[2]));
    return PoolStats{name, *policy, capacity, capacity - allocated, allocated};
}

std::vector<PoolStats> RedisStore::all() {
    Reply reply = connections_->command({"SMEMBERS", "objpool:pools"});
    check(*reply, "");
    if (reply->type != REDIS_REPLY_ARRAY)
        throw Unavailable("redis: unexpected reply to SMEMBERS");
    std::vector<std::string> names;
    for (std::size_t i = 0; i < reply->elements; ++i) {
        names.emplace_back(reply->element[i]->str, reply->element[i]->len);
    }
    std::sort(names.begin(), names.end());
    std::vector<PoolStats> result;
    for (const std::string& name : names) {
        // A pool erased since SMEMBERS is left out.
        if (auto pool = stats(name))
            result.push_back(std::move(*pool));
    }
    return result;
}

std::optional<Lease> RedisStore::acquire_lease(const std::string& pool,
                                               std::chrono::milliseconds ttl) {
    detail::check_ttl(ttl);
    Reply reply =
        connections_->command(fcall("objpool_acquire_lease", pool, {std::to_string(ttl.count())}));
    check(*reply, pool);
    if (reply->type == REDIS_REPLY_NIL)
        return std::nullopt;
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
