#include "pool_registry.hpp"

#include <limits>
#include <mutex>
#include <type_traits>
#include <utility>
#include <variant>

#include <objpool/objpool.hpp>

namespace objpool_graphql {

std::string_view policy_name(Policy policy) noexcept {
    switch (policy) {
        case Policy::Fifo:
            return "FIFO";
        case Policy::Lifo:
            return "LIFO";
        case Policy::Bitmap:
            return "BITMAP";
    }
    return "FIFO";
}

std::optional<Policy> parse_policy(std::string_view name) noexcept {
    if (name == "FIFO") {
        return Policy::Fifo;
    }
    if (name == "LIFO") {
        return Policy::Lifo;
    }
    if (name == "BITMAP") {
        return Policy::Bitmap;
    }
    return std::nullopt;
}

namespace {

// A pool name as quoted in an error message: at most 100 bytes (cut on a UTF-8 character
// boundary), so that a client's megabyte-long name is not echoed back in full.
std::string quoted(const std::string& name) {
    constexpr std::size_t max_bytes = 100;
    if (name.size() <= max_bytes) {
        return "\"" + name + "\"";
    }
    std::size_t end = max_bytes;
    while (end > 0 && (static_cast<unsigned char>(name[end]) & 0xC0U) == 0x80U) {
        --end;
    }
    return "\"" + name.substr(0, end) + "\"... (" + std::to_string(name.size()) + " bytes)";
}

}  // namespace

NoSuchPool::NoSuchPool(const std::string& name)
    : std::out_of_range("no pool named " + quoted(name)) {}

PoolExists::PoolExists(const std::string& name)
    : std::invalid_argument("a pool named " + quoted(name) + " already exists") {}

BadCapacity::BadCapacity(long long capacity, std::size_t max_capacity)
    : std::invalid_argument("capacity must be between 1 and " + std::to_string(max_capacity) +
                            ", got " + std::to_string(capacity)) {}

using Id = std::uint32_t;

// One pool. objpool::ConcurrentIdPool is safe to use from any number of threads, so get, free
// and is_allocated take no lock here: requests on the same pool run in parallel, and an id is
// never out twice (of two concurrent frees of one id exactly one succeeds).
class PoolRegistry::Entry {
public:
    Entry(std::string name, std::size_t capacity, Policy policy)
        : name_(std::move(name)), policy_(policy), pool_(make_pool(capacity, policy)) {}

    std::optional<Id> get() noexcept {
        return std::visit([](auto& pool) { return pool.get(); }, pool_);
    }

    bool free(long long id) noexcept {
        if (!in_id_range(id)) {
            return false;
        }
        return std::visit([id](auto& pool) { return pool.try_free(static_cast<Id>(id)); }, pool_);
    }

    [[nodiscard]] bool is_allocated(long long id) const noexcept {
        if (!in_id_range(id)) {
            return false;
        }
        return std::visit([id](const auto& pool) { return pool.is_allocated(static_cast<Id>(id)); },
                          pool_);
    }

    // available() is read once so that available + allocated == capacity in every snapshot;
    // under concurrent gets and frees it is a value that held recently.
    [[nodiscard]] PoolStats stats() const {
        return std::visit(
            [this](const auto& pool) {
                const std::size_t capacity = pool.capacity();
                const std::size_t available = pool.available();
                return PoolStats{name_, policy_, capacity, available, capacity - available};
            },
            pool_);
    }

private:
    // ConcurrentIdPool can be neither copied nor moved: the alternative is built in place.
    using AnyPool = std::variant<objpool::ConcurrentIdPool<objpool::Fifo, Id>,
                                 objpool::ConcurrentIdPool<objpool::Lifo, Id>,
                                 objpool::ConcurrentIdPool<objpool::Bitmap, Id>>;

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

    // Ids are 32-bit unsigned inside; anything that does not fit is certainly not out.
    static bool in_id_range(long long id) noexcept {
        return id >= 1 && static_cast<unsigned long long>(id) <= std::numeric_limits<Id>::max();
    }

    const std::string name_;
    const Policy policy_;
    AnyPool pool_;
};

PoolRegistry::PoolRegistry(std::size_t max_capacity) : max_capacity_(max_capacity) {}
PoolRegistry::~PoolRegistry() = default;

PoolStats PoolRegistry::create(const std::string& name, long long capacity, Policy policy) {
    if (capacity <= 0 || static_cast<unsigned long long>(capacity) > max_capacity_ ||
        static_cast<unsigned long long>(capacity) > std::numeric_limits<Id>::max()) {
        throw BadCapacity(capacity, max_capacity_);
    }
    {
        std::shared_lock lock(map_mutex_);
        if (pools_.count(name) != 0) {
            throw PoolExists(name);
        }
    }
    // Build the pool (possibly large) outside the exclusive lock; recheck the name under it.
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

void PoolRegistry::erase(const std::string& name) {
    std::shared_ptr<Entry> doomed;  // destroyed after the lock is released
    std::unique_lock lock(map_mutex_);
    auto it = pools_.find(name);
    if (it == pools_.end()) {
        throw NoSuchPool(name);
    }
    doomed = std::move(it->second);
    pools_.erase(it);
}

std::shared_ptr<PoolRegistry::Entry> PoolRegistry::find(const std::string& name) const {
    std::shared_lock lock(map_mutex_);
    auto it = pools_.find(name);
    if (it == pools_.end()) {
        return nullptr;
    }
    return it->second;
}

std::optional<std::uint32_t> PoolRegistry::get(const std::string& name) {
    auto entry = find(name);
    if (!entry) {
        throw NoSuchPool(name);
    }
    return entry->get();
}

bool PoolRegistry::free(const std::string& name, long long id) {
    auto entry = find(name);
    if (!entry) {
        throw NoSuchPool(name);
    }
    return entry->free(id);
}

bool PoolRegistry::is_allocated(const std::string& name, long long id) const {
    auto entry = find(name);
    if (!entry) {
        throw NoSuchPool(name);
    }
    return entry->is_allocated(id);
}

std::optional<PoolStats> PoolRegistry::stats(const std::string& name) const {
    auto entry = find(name);
    if (!entry) {
        return std::nullopt;
    }
    return entry->stats();
}

std::vector<PoolStats> PoolRegistry::all() const {
    std::vector<std::shared_ptr<Entry>> entries;
    {
        std::shared_lock lock(map_mutex_);
        entries.reserve(pools_.size());
        for (const auto& [name, entry] : pools_) {
            entries.push_back(entry);
        }
    }
    std::vector<PoolStats> result;
    result.reserve(entries.size());
    for (const auto& entry : entries) {
        result.push_back(entry->stats());
    }
    return result;
}

}  // namespace objpool_graphql
