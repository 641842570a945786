// The storage behind the server's named id pools: one interface (PoolStore), one implementation
// per backend (memory_store.hpp, sqlite_store.hpp, redis_store.hpp), chosen by open_store().
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace objpool_graphql::store {

/// @brief An id handed out by a pool: 1..capacity.
using Id = std::uint32_t;

/// @brief A lease's fencing token: within a pool, each lease acquired gets a larger one.
using LeaseToken = std::uint64_t;

/// @brief The order in which a pool hands its ids out, the same as objpool's policies:
/// Fifo: never-used ids ascending, then freed ids in the order they were freed;
/// Lifo: the id freed most recently, else the lowest never-used one; Bitmap: the lowest free id.
enum class Policy { Fifo, Lifo, Bitmap };

/// @brief "FIFO", "LIFO" or "BITMAP" (the GraphQL enum value names).
[[nodiscard]] std::string_view policy_name(Policy policy) noexcept;
/// @brief The policy named `name` (exact, upper case), or nullopt.
[[nodiscard]] std::optional<Policy> parse_policy(std::string_view name) noexcept;

/// @brief A snapshot of one pool: available + allocated == capacity.
struct PoolStats {
    std::string name{};
    Policy policy = Policy::Fifo;
    std::size_t capacity = 0;
    std::size_t available = 0;
    std::size_t allocated = 0;
};

/// @brief An id held until `expires_at` unless renewed; only the holder of `token` can renew or
/// release it.
struct Lease {
    Id id = 0;
    LeaseToken token = 0;
    /// Wall-clock time the store's clock expires the lease at (for display: RFC 3339).
    std::chrono::system_clock::time_point expires_at;
};

/// @brief The base of every error a store reports.
class StoreError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// @brief An operation named a pool that does not exist.
class NoSuchPool : public StoreError {
public:
    explicit NoSuchPool(const std::string& name);
};

/// @brief create() named a pool that exists.
class PoolExists : public StoreError {
public:
    explicit PoolExists(const std::string& name);
};

/// @brief create() got a capacity of 0 or above the store's maximum.
class BadCapacity : public StoreError {
public:
    BadCapacity(long long capacity, std::size_t max_capacity);
};

/// @brief A lease's time to live was not positive or above max_lease_ttl.
class BadTtl : public StoreError {
public:
    explicit BadTtl(std::chrono::milliseconds ttl);
};

/// @brief renew_lease / release_lease named a lease that is not held with that token (wrong
/// token, released, expired, or never acquired). Nothing was changed.
class StaleLease : public StoreError {
public:
    StaleLease(const std::string& pool, long long id);
};

/// @brief The store cannot be reached or failed to make a change durable. The operation may or
/// may not have taken effect; a get whose answer is lost this way leaks its id, never hands it
/// out twice.
class Unavailable : public StoreError {
public:
    using StoreError::StoreError;
};

/// @brief The longest lease a store accepts (one day).
inline constexpr std::chrono::milliseconds max_lease_ttl = std::chrono::hours(24);

/// @brief Named pools of ids 1..capacity, with plain get/free and leases.
///
/// Every member is synchronous and may be called from any number of threads at once: a call
/// returns once its effect is as durable as the store makes it (for SqliteStore: committed). Of
/// two concurrent frees of one id, exactly one succeeds; an id is never out twice.
///
/// An id is out from the get (or acquire_lease) that handed it out until the free (or
/// release_lease, or expiry) that gives it back. An id held by a lease can only come back
/// through its lease: free() refuses it. Expired leases are reaped lazily, by the store's clock,
/// before any operation on their pool.
///
/// Every member may throw Unavailable (store down) and std::bad_alloc.
class PoolStore {
public:
    virtual ~PoolStore() = default;
    PoolStore(const PoolStore&) = delete;
    PoolStore& operator=(const PoolStore&) = delete;

    /// @brief Creates pool `name` with ids 1..capacity, all available. O(1) whatever the capacity.
    /// @throws BadCapacity when capacity <= 0 or > max_capacity(); PoolExists when taken.
    virtual PoolStats create(const std::string& name, long long capacity, Policy policy) = 0;

    /// @brief Removes pool `name` with its leases. @throws NoSuchPool.
    virtual void erase(const std::string& name) = 0;

    /// @brief A free id of pool `name`, now out; nullopt when every id is out. @throws NoSuchPool.
    virtual std::optional<Id> get(const std::string& name) = 0;

    /// @brief Gives `id` back. @return false, and nothing changes, when `id` is not out (ids
    /// outside 1..capacity included) or is held by a lease. @throws NoSuchPool.
    virtual bool free(const std::string& name, long long id) = 0;

    /// @brief Whether `id` is out of pool `name`, by get or by a lease. @throws NoSuchPool.
    virtual bool is_allocated(const std::string& name, long long id) = 0;

    /// @brief A snapshot of pool `name`, or nullopt when there is none.
    virtual std::optional<PoolStats> stats(const std::string& name) = 0;

    /// @brief Snapshots of every pool, ordered by name.
    virtual std::vector<PoolStats> all() = 0;

    /// @brief A free id of `pool` held for `ttl` by the store's clock; nullopt when every id is
    /// out. The lease's token is larger than any token this pool handed out before.
    /// @throws BadTtl when ttl <= 0 or > max_lease_ttl; NoSuchPool.
    virtual std::optional<Lease> acquire_lease(const std::string& pool,
                                               std::chrono::milliseconds ttl) = 0;

    /// @brief Extends the lease on `id` held with `token` to `ttl` from now (same id and token).
    /// @throws StaleLease (nothing changes) when `id` is not leased with `token` now;
    /// BadTtl; NoSuchPool.
    virtual Lease renew_lease(const std::string& pool, long long id, LeaseToken token,
                              std::chrono::milliseconds ttl) = 0;

    /// @brief Ends the lease on `id` held with `token` and gives the id back.
    /// @throws StaleLease (nothing changes) when `id` is not leased with `token` now; NoSuchPool.
    virtual void release_lease(const std::string& pool, long long id, LeaseToken token) = 0;

    /// @brief Returns once the store has answered a request that changes nothing (readiness).
    /// @throws Unavailable when it cannot be reached now.
    virtual void ping() = 0;

    /// @brief The largest capacity create() accepts.
    [[nodiscard]] virtual std::size_t max_capacity() const noexcept = 0;

protected:
    PoolStore() = default;
};

/// @brief Opens the store `spec` names: "memory", "sqlite:PATH" or "redis://HOST:PORT[/DB]".
/// @throws std::invalid_argument for any other spec; Unavailable when the store cannot be opened.
std::unique_ptr<PoolStore> open_store(std::string_view spec, std::size_t max_capacity);

namespace detail {
/// Throws BadTtl unless 0 < ttl <= max_lease_ttl.
void check_ttl(std::chrono::milliseconds ttl);
/// Throws BadCapacity unless 1 <= capacity <= max_capacity (and fits an Id).
void check_capacity(long long capacity, std::size_t max_capacity);
/// Whether `id` can be an id of a pool of `capacity` ids.
[[nodiscard]] bool in_pool(long long id, std::size_t capacity) noexcept;
}  // namespace detail

}  // namespace objpool_graphql::store
