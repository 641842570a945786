// MemoryStore: pools in this process's memory (objpool::ConcurrentIdPool); lost on restart.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <shared_mutex>

#include "pool_store.hpp"

namespace objpool_graphql::store {

/// @brief Pools in process memory: fast, and forgotten when the process ends.
///
/// get, free and is_allocated run lock-free on an objpool::ConcurrentIdPool (Fifo, Lifo or
/// Bitmap) as long as the pool has never had a lease. The first lease on a pool switches its
/// frees to also take the pool's lease mutex, so that free() can refuse an id a lease holds;
/// get stays lock-free (it only checks, with one atomic load and a clock read, whether a lease
/// has expired). Leases expire by std::chrono::steady_clock; tokens come from one counter for the
/// whole store, so they increase within each pool and never repeat, even for a pool erased and
/// created again.
class MemoryStore final : public PoolStore {
public:
    /// @param max_capacity the largest capacity create() accepts.
    explicit MemoryStore(std::size_t max_capacity);
    MemoryStore(const MemoryStore&) = delete;
    MemoryStore& operator=(const MemoryStore&) = delete;
    ~MemoryStore() override;

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
    class Entry;
    std::shared_ptr<Entry> find(const std::string& name) const;

    std::size_t max_capacity_;
    std::atomic<LeaseToken> next_token_{1};
    mutable std::shared_mutex map_mutex_;
    std::map<std::string, std::shared_ptr<Entry>, std::less<>> pools_;
};

}  // namespace objpool_graphql::store
