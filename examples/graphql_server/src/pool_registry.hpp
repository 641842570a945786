// The server's named id pools (objpool::ConcurrentIdPool), kept apart from the GraphQL and HTTP
// code so that the locking scheme can change without touching anything else.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace objpool_graphql {

/// @brief The free-list policy of a pool (objpool::Fifo, objpool::Lifo, objpool::Bitmap).
enum class Policy { Fifo, Lifo, Bitmap };

/// @brief "FIFO", "LIFO" or "BITMAP": the GraphQL enum value names.
[[nodiscard]] std::string_view policy_name(Policy policy) noexcept;
/// @brief The policy named `name` (exact, upper case), or nullopt.
[[nodiscard]] std::optional<Policy> parse_policy(std::string_view name) noexcept;

/// @brief A consistent snapshot of one pool.
struct PoolStats {
    std::string name;
    Policy policy = Policy::Fifo;
    std::size_t capacity = 0;
    std::size_t available = 0;
    std::size_t allocated = 0;
};

/// @brief Thrown when an operation names a pool that does not exist.
class NoSuchPool : public std::out_of_range {
public:
    explicit NoSuchPool(const std::string& name);
};

/// @brief Thrown by create() when the name is taken.
class PoolExists : public std::invalid_argument {
public:
    explicit PoolExists(const std::string& name);
};

/// @brief Thrown by create() for a capacity of 0 or above the registry's maximum.
class BadCapacity : public std::invalid_argument {
public:
    BadCapacity(long long capacity, std::size_t max_capacity);
};

/// @brief Named objpool::ConcurrentIdPool instances (ids 1..capacity), safe to use from many
/// threads.
///
/// Locking: the name -> pool map is guarded by a shared_mutex, held only to look a name up
/// (shared) or to insert / remove one (exclusive), never while a pool is used. get, free and
/// is_allocated then run lock-free on the pool itself (objpool::ConcurrentIdPool with the Fifo,
/// Lifo or Bitmap policy), so requests on the same pool proceed in parallel and an id is never
/// out twice. A pool erased while another thread is using it stays alive until that operation
/// finishes (shared ownership); an operation that starts after erase() returns gets NoSuchPool.
class PoolRegistry {
public:
    /// @param max_capacity the largest capacity create() accepts.
    explicit PoolRegistry(std::size_t max_capacity);
    ~PoolRegistry();
    PoolRegistry(const PoolRegistry&) = delete;
    PoolRegistry& operator=(const PoolRegistry&) = delete;

    /// @brief Creates pool `name` with ids 1..capacity.
    /// @throws BadCapacity when capacity <= 0 or > max_capacity(); PoolExists when taken.
    /// @throws std::bad_alloc when the pool does not fit in memory.
    PoolStats create(const std::string& name, long long capacity, Policy policy);

    /// @brief Removes pool `name`. @throws NoSuchPool.
    void erase(const std::string& name);

    /// @brief A free id of pool `name`, or nullopt when it is exhausted. @throws NoSuchPool.
    std::optional<std::uint32_t> get(const std::string& name);

    /// @brief Gives `id` back. @return false (pool unchanged) when `id` is not out, including
    /// ids outside 1..capacity. @throws NoSuchPool.
    bool free(const std::string& name, long long id);

    /// @brief Whether `id` is out of pool `name` (false outside 1..capacity). @throws NoSuchPool.
    bool is_allocated(const std::string& name, long long id) const;

    /// @brief A snapshot of pool `name`, or nullopt when there is none: available + allocated ==
    /// capacity, each a value that held recently when other threads are using the pool.
    std::optional<PoolStats> stats(const std::string& name) const;

    /// @brief Snapshots of every pool, ordered by name.
    std::vector<PoolStats> all() const;

    [[nodiscard]] std::size_t max_capacity() const noexcept { return max_capacity_; }

private:
    class Entry;
    std::shared_ptr<Entry> find(const std::string& name) const;

    std::size_t max_capacity_;
    mutable std::shared_mutex map_mutex_;
    std::map<std::string, std::shared_ptr<Entry>, std::less<>> pools_;
};

}  // namespace objpool_graphql
