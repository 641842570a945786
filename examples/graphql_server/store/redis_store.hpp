// RedisStore: pools as Redis keys, every change one server-side Function (FUNCTION LOAD).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "pool_store.hpp"

namespace objpool_graphql::store {

/// @brief Where a Redis server listens: "redis://HOST:PORT[/DB]".
struct RedisAddress {
    std::string host;
    int port = 6379;
    int database = 0;

    /// @brief Parses "redis://HOST:PORT[/DB]" (PORT 1..65535, DB 0 or more).
    /// @throws std::invalid_argument for anything else.
    static RedisAddress parse(std::string_view spec);
};

/// @brief Pools in a Redis 7 server, shared by every process that uses it.
///
/// Each pool is a handful of keys, created in O(1) whatever its capacity: a hash with its policy,
/// capacity, the next never-used id and the count out; a list of freed ids (FIFO and LIFO); a
/// bitmap of the ids out (the double-free check, and BITMAP's lowest free id by BITPOS); a hash
/// and a sorted set of leases by expiry. Every operation is one call of a Function of the library
/// "objpool", which the store loads with FUNCTION LOAD REPLACE when it connects (a Function is
/// persisted with the data, unlike EVALSHA's cache), so each runs atomically on the server, and
/// leases expire by the server's clock (TIME). Lease tokens come from one counter key.
///
/// Durability is Redis's: run it with `appendonly yes` and `appendfsync always`, so that a reply
/// leaves the server only after its change is fsynced; with `everysec` a crash can lose a second
/// of gets and hand those ids out again. Replication is asynchronous: failing over to a replica
/// can also hand an id out twice.
///
/// Connections: a few pipelined connections whose sockets belong to one Boost.Asio io_context,
/// run by a thread of the store's own; hiredis only formats the commands and parses the replies.
/// A call formats its FCALL, hands it to the next connection in turn and waits. A connection
/// writes every command waiting when its event loop gets to it in one write and matches the
/// replies to the commands in order, so that one event-loop turn of Redis (and one fsync) serves
/// them all. Each connection always has a read pending: an idle connection the server closed is
/// noticed at once and made again, with SELECT and FUNCTION LOAD, for the next call. A broken
/// connection, or one with a reply due for longer than Options::timeout, fails the calls in
/// flight on it with Unavailable (they may or may not have run). While the server cannot be
/// reached, a connection retries with exponential back-off (50 ms doubling up to 1 s) and the
/// calls in between fail at once with Unavailable; nothing is kept locally.
///
/// Thread-safety: every member function may be called from any number of threads at once, but
/// not from the store's own thread.
class RedisStore final : public PoolStore {
public:
    /// @brief Tuning of a RedisStore.
    struct Options {
        /// The number of pipelined connections.
        std::size_t connections = 4;
        /// How long to wait to connect (including SELECT and FUNCTION LOAD) and, while replies
        /// are due, for the next one.
        std::chrono::milliseconds timeout{5000};
    };

    /// @brief Starts the store's thread and makes the first connection (loading the Functions);
    /// the others are made on first use.
    /// @throws Unavailable when the server cannot be reached or refuses the Functions.
    RedisStore(const RedisAddress& address, std::size_t max_capacity, Options options);
    /// @brief As above, with default Options.
    RedisStore(const RedisAddress& address, std::size_t max_capacity);
    RedisStore(const RedisStore&) = delete;
    RedisStore& operator=(const RedisStore&) = delete;
    ~RedisStore() override;

    PoolStats create(const std::string& name, long long capacity, Policy policy) override;
    void erase(const std::string& name) override;
    std::optional<Id> get(const std::string& name) override;
    bool free(const std::string& name, long long id) override;
    bool is_allocated(const std::string& name, long long id) override;
    std::optional<PoolStats> stats(const std::string& name) override;
    std::vector<PoolStats> all() override;
    std::optional<Lease> acquire_lease(const std::string& pool,
                                       std::chrono::milliseconds ttl) override;
    Lease renew_lease(const std::string& pool, long long id, LeaseToken token,
                      std::chrono::milliseconds ttl) override;
    void release_lease(const std::string& pool, long long id, LeaseToken token) override;
    void ping() override;
    [[nodiscard]] std::size_t max_capacity() const noexcept override { return max_capacity_; }

private:
    class Connections;
    std::size_t max_capacity_;
    std::unique_ptr<Connections> connections_;
};

}  // namespace objpool_graphql::store
