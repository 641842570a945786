#include "redis_store.hpp"

#include <hiredis/hiredis.h>

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <mutex>
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

// A few synchronous connections; a call borrows one for one command.
class RedisStore::Connections {
public:
    Connections(RedisAddress address, Options options)
        : address_(std::move(address)), options_(options) {
        if (options_.connections == 0)
            options_.connections = 1;
        redisContext* context = connect();
        Reply loaded = send(context, {"FUNCTION", "LOAD", "REPLACE", functions_lua});
        if (!loaded || loaded->type == REDIS_REPLY_ERROR) {
            const std::string reason =
                loaded ? std::string(loaded->str, loaded->len) : context->errstr;
            redisFree(context);
            throw Unavailable("redis: FUNCTION LOAD failed: " + reason);
        }
        idle_.push_back(context);
        open_ = 1;
    }

    ~Connections() {
        for (redisContext* context : idle_)
            redisFree(context);
    }

    Connections(const Connections&) = delete;
    Connections& operator=(const Connections&) = delete;

    // Sends `arguments` as one command and returns its reply (errors included).
    // @throws Unavailable when no connection can be made or it breaks.
    Reply command(const std::vector<std::string>& arguments) {
        redisContext* context = borrow();
        Reply reply = send(context, arguments);
        // A server that lost its Functions (FUNCTION FLUSH, or a new server without the data)
        // gets them again, once.
        if (reply && reply->type == REDIS_REPLY_ERROR &&
            starts_with(*reply, "ERR Function not found")) {
            Reply loaded = send(context, {"FUNCTION", "LOAD", "REPLACE", functions_lua});
            if (loaded)
                reply = send(context, arguments);
        }
        if (!reply) {
            const std::string reason = context->errstr;
            give_back(context, /*broken=*/true);
            throw Unavailable("redis: " + reason);
        }
        give_back(context, /*broken=*/false);
        return reply;
    }

private:
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

    redisContext* connect() {
        const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(options_.timeout);
        timeval timeout{};
        timeout.tv_sec = static_cast<decltype(timeout.tv_sec)>(seconds.count());
        timeout.tv_usec = static_cast<decltype(timeout.tv_usec)>(
            std::chrono::duration_cast<std::chrono::microseconds>(options_.timeout - seconds)
                .count());
        redisContext* context =
            redisConnectWithTimeout(address_.host.c_str(), address_.port, timeout);
        if (context == nullptr)
            throw std::bad_alloc();
        if (context->err != 0 || redisSetTimeout(context, timeout) != REDIS_OK) {
            const std::string reason = context->errstr;
            redisFree(context);
            throw Unavailable("redis: cannot connect to " + address_.host + ":" +
                              std::to_string(address_.port) + ": " + reason);
        }
        if (address_.database != 0) {
            Reply selected = send(context, {"SELECT", std::to_string(address_.database)});
            if (!selected || selected->type == REDIS_REPLY_ERROR) {
                const std::string reason =
                    selected ? std::string(selected->str, selected->len) : context->errstr;
                redisFree(context);
                throw Unavailable("redis: SELECT " + std::to_string(address_.database) + ": " +
                                  reason);
            }
        }
        return context;
    }

    redisContext* borrow() {
        std::unique_lock lock(mutex_);
        available_.wait(lock, [this] { return !idle_.empty() || open_ < options_.connections; });
        if (!idle_.empty()) {
            redisContext* context = idle_.back();
            idle_.pop_back();
            return context;
        }
        ++open_;
        lock.unlock();
        try {
            return connect();
        } catch (...) {
            lock.lock();
            --open_;
            available_.notify_one();
            throw;
        }
    }

    void give_back(redisContext* context, bool broken) {
        {
            std::lock_guard lock(mutex_);
            if (broken) {
                --open_;
            } else {
                idle_.push_back(context);
            }
        }
        if (broken)
            redisFree(context);
        available_.notify_one();
    }

    const RedisAddress address_;
    Options options_;
    std::mutex mutex_;
    std::condition_variable available_;
    std::vector<redisContext*> idle_;
    std::size_t open_ = 0;
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

void RedisStore::release_lease(const std::string& pool, long long id, LeaseToken token) {
    Reply reply = connections_->command(
        fcall("objpool_release_lease", pool, {std::to_string(id), std::to_string(token)}));
    check(*reply, pool, id);
}

}  // namespace objpool_graphql::store
