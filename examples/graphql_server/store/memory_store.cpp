#include "memory_store.hpp"

#include <limits>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>
#include <utility>
#include <variant>

#include <objpool/objpool.hpp>

namespace objpool_graphql::store {

using SteadyClock = std::chrono::steady_clock;

// One pool: the ids (lock-free) and its leases (under lease_mutex_).
class MemoryStore::Entry {
public:
    Entry(std::string name, std::size_t capacity, Policy policy)
        : name_(std::move(name)), policy_(policy), pool_(make_pool(capacity, policy)) {}

    std::optional<Id> get() {
        reap_if_due();
        return std::visit([](auto& pool) { return pool.get(); }, pool_);
    }

    bool free(long long id) {
        if (!detail::in_pool(id, capacity())) {
            return false;
        }
        // Until the pool's first lease, frees skip the lease mutex. A free announces itself in
        // plain_frees_in_flight_ before checking leased_, and the first lease sets leased_
        // before waiting for that count to drain (both seq_cst): either the free sees leased_,
        // or the lease waits for it to finish before taking any id.
        if (!leased_.load()) {
            plain_frees_in_flight_.fetch_add(1);
            if (!leased_.load()) {
                const bool freed = try_free(static_cast<Id>(id));
                plain_frees_in_flight_.fetch_sub(1);
                return freed;
            }
            plain_frees_in_flight_.fetch_sub(1);
        }
        std::lock_guard lock(lease_mutex_);
        reap(SteadyClock::now());
        if (leases_.count(static_cast<Id>(id)) != 0) {
            return false;
        }
        return try_free(static_cast<Id>(id));
    }

    bool is_allocated(long long id) {
        if (!detail::in_pool(id, capacity())) {
            return false;
        }
        reap_if_due();
        return std::visit([id](const auto& pool) { return pool.is_allocated(static_cast<Id>(id)); },
                          pool_);
    }

    PoolStats stats() {
        reap_if_due();
        return std::visit(
            [this](const auto& pool) {
                const std::size_t capacity = pool.capacity();
                const std::size_t available = pool.available();
                return PoolStats{name_, policy_, capacity, available, capacity - available};
            },
            pool_);
    }

    std::optional<Lease> acquire_lease(std::chrono::milliseconds ttl,
                                       std::atomic<LeaseToken>& next_token) {
        std::lock_guard lock(lease_mutex_);
        enable_leases();
        const auto now = SteadyClock::now();
        reap(now);
        const std::optional<Id> id = std::visit([](auto& pool) { return pool.get(); }, pool_);
        if (!id) {
            return std::nullopt;
        }
        const LeaseToken token = next_token.fetch_add(1);
        const auto deadline = now + ttl;
        leases_.emplace(*id, Held{token, deadline});
        expiry_.emplace(deadline, *id);
        publish_earliest();
        return Lease{*id, token, std::chrono::system_clock::now() + ttl};
    }

    Lease renew_lease(long long id, LeaseToken token, std::chrono::milliseconds ttl) {
        std::lock_guard lock(lease_mutex_);
        const auto now = SteadyClock::now();
        reap(now);
        Held& held = held_with(id, token);
        expiry_.erase({held.deadline, static_cast<Id>(id)});
        held.deadline = now + ttl;
        expiry_.emplace(held.deadline, static_cast<Id>(id));
        publish_earliest();
        return Lease{static_cast<Id>(id), token, std::chrono::system_clock::now() + ttl};
    }

    void release_lease(long long id, LeaseToken token) {
        std::lock_guard lock(lease_mutex_);
        reap(SteadyClock::now());
        const Held& held = held_with(id, token);
        expiry_.erase({held.deadline, static_cast<Id>(id)});
        leases_.erase(static_cast<Id>(id));
        publish_earliest();
        try_free(static_cast<Id>(id));
    }

private:
    using AnyPool = std::variant<objpool::ConcurrentIdPool<objpool::Fifo, Id>,
                                 objpool::ConcurrentIdPool<objpool::Lifo, Id>,
                                 objpool::ConcurrentIdPool<objpool::Bitmap, Id>>;

    struct Held {
        LeaseToken token;
        SteadyClock::time_point deadline;
    };

    static constexpr SteadyClock::rep no_deadline = std::numeric_limits<SteadyClock::rep>::max();

    // ConcurrentIdPool can be neither copied nor moved: the alternative is built in place.
    static AnyPool make_pool(std::size_t capacity, Policy policy) {
        switch (policy) {
            case Policy::Lifo:
                return AnyPool(std::in_place_index<1>, capacity, Id{1});
            case Policy::Bitmap:
                return AnyPool(std::in_place_index<2>, capacity, Id{1});
            case Policy::Fifo:
                break;
        }
        return AnyPool(std::in_place_index<0>, capacity, Id{1});
    }

    std::size_t capacity() const noexcept {
        return std::visit([](const auto& pool) { return pool.capacity(); }, pool_);
    }

    bool try_free(Id id) noexcept {
        return std::visit([id](auto& pool) { return pool.try_free(id); }, pool_);
    }

    // Called with lease_mutex_ held.
    void enable_leases() {
        if (leased_.load()) {
            return;
        }
        leased_.store(true);
        while (plain_frees_in_flight_.load() != 0) {
            std::this_thread::yield();
        }
    }

    // One atomic load while no lease is due: gets stay lock-free.
    void reap_if_due() {
        if (!leased_.load(std::memory_order_acquire)) {
            return;
        }
        const auto now = SteadyClock::now();
        if (now.time_since_epoch().count() < earliest_deadline_.load(std::memory_order_acquire)) {
            return;
        }
        std::lock_guard lock(lease_mutex_);
        reap(now);
    }

    // Called with lease_mutex_ held: every lease due by `now` gives its id back.
    void reap(SteadyClock::time_point now) {
        bool reaped = false;
        while (!expiry_.empty() && expiry_.begin()->first <= now) {
            const Id id = expiry_.begin()->second;
            expiry_.erase(expiry_.begin());
            leases_.erase(id);
            try_free(id);
            reaped = true;
        }
        if (reaped) {
            publish_earliest();
        }
    }

    void publish_earliest() {
        earliest_deadline_.store(
            expiry_.empty() ? no_deadline : expiry_.begin()->first.time_since_epoch().count(),
            std::memory_order_release);
    }

    Held& held_with(long long id, LeaseToken token) {
        if (!detail::in_pool(id, capacity())) {
            throw StaleLease(name_, id);
        }
        const auto it = leases_.find(static_cast<Id>(id));
        if (it == leases_.end() || it->second.token != token) {
            throw StaleLease(name_, id);
        }
        return it->second;
    }

    const std::string name_;
    const Policy policy_;
    AnyPool pool_;

    std::atomic<bool> leased_{false};  // set by the pool's first lease, never cleared
    std::atomic<unsigned> plain_frees_in_flight_{0};
    std::atomic<SteadyClock::rep> earliest_deadline_{no_deadline};
    std::mutex lease_mutex_;
    std::unordered_map<Id, Held> leases_;
    std::set<std::pair<SteadyClock::time_point, Id>> expiry_;
};

MemoryStore::MemoryStore(std::size_t max_capacity) : max_capacity_(max_capacity) {}
MemoryStore::~MemoryStore() = default;

PoolStats MemoryStore::create(const std::string& name, long long capacity, Policy policy) {
    detail::check_capacity(capacity, max_capacity_);
    {
        std::shared_lock lock(map_mutex_);
        if (pools_.count(name) != 0) {
            throw PoolExists(name);
        }
    }
    // Build the pool outside the exclusive lock; recheck the name under it.
    std::shared_ptr<Entry> entry;
    try {
        entry = std::make_shared<Entry>(name, static_cast<std::size_t>(capacity), policy);
    } catch (const std::length_error&) {  // above objpool::max_capacity
        throw BadCapacity(capacity, max_capacity_);
    }
    {
        std::unique_lock lock(map_mutex_);
        if (!pools_.emplace(name, entry).second) {
            throw PoolExists(name);
        }
    }
    return entry->stats();
}

void MemoryStore::erase(const std::string& name) {
    std::shared_ptr<Entry> doomed;  // destroyed after the lock is released
    std::unique_lock lock(map_mutex_);
    auto it = pools_.find(name);
    if (it == pools_.end()) {
        throw NoSuchPool(name);
    }
    doomed = std::move(it->second);
    pools_.erase(it);
}

std::shared_ptr<MemoryStore::Entry> MemoryStore::find(const std::string& name) const {
    std::shared_lock lock(map_mutex_);
    auto it = pools_.find(name);
    if (it == pools_.end()) {
        throw NoSuchPool(name);
    }
    return it->second;
}

std::optional<Id> MemoryStore::get(const std::string& name) {
    return find(name)->get();
}

bool MemoryStore::free(const std::string& name, long long id) {
    return find(name)->free(id);
}

bool MemoryStore::is_allocated(const std::string& name, long long id) {
    return find(name)->is_allocated(id);
}

std::optional<PoolStats> MemoryStore::stats(const std::string& name) {
    std::shared_ptr<Entry> entry;
    {
        std::shared_lock lock(map_mutex_);
        auto it = pools_.find(name);
        if (it == pools_.end()) {
            return std::nullopt;
        }
        entry = it->second;
    }
    return entry->stats();
}

std::vector<PoolStats> MemoryStore::all() {
    std::vector<std::shared_ptr<Entry>> entries;
    {
        std::shared_lock lock(map_mutex_);
        entries.reserve(pools_.size());
        for (const auto& named : pools_) {
            entries.push_back(named.second);
        }
    }
    std::vector<PoolStats> result;
    result.reserve(entries.size());
    for (const auto& entry : entries) {
        result.push_back(entry->stats());
    }
    return result;
}

std::optional<Lease> MemoryStore::acquire_lease(const std::string& pool,
                                                std::chrono::milliseconds ttl) {
    detail::check_ttl(ttl);
    return find(pool)->acquire_lease(ttl, next_token_);
}

Lease MemoryStore::renew_lease(const std::string& pool, long long id, LeaseToken token,
                               std::chrono::milliseconds ttl) {
    detail::check_ttl(ttl);
    return find(pool)->renew_lease(id, token, ttl);
}

void MemoryStore::ping() {}

void MemoryStore::release_lease(const std::string& pool, long long id, LeaseToken token) {
    find(pool)->release_lease(id, token);
}

}  // namespace objpool_graphql::store
