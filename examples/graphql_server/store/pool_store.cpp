#include "pool_store.hpp"

#include <limits>

#include "memory_store.hpp"
#if OBJPOOL_STORE_REDIS
#include "redis_store.hpp"
#endif
#if OBJPOOL_STORE_SQLITE
#include "sqlite_store.hpp"
#endif

namespace objpool_graphql::store {

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

NoSuchPool::NoSuchPool(const std::string& name) : StoreError("no pool named " + quoted(name)) {}

PoolExists::PoolExists(const std::string& name)
    : StoreError("a pool named " + quoted(name) + " already exists") {}

BadCapacity::BadCapacity(long long capacity, std::size_t max_capacity)
    : StoreError("capacity must be between 1 and " + std::to_string(max_capacity) + ", got " +
                 std::to_string(capacity)) {}

BadTtl::BadTtl(std::chrono::milliseconds ttl)
    : StoreError("a lease's time to live must be between 1 ms and " +
                 std::to_string(max_lease_ttl.count()) + " ms, got " + std::to_string(ttl.count()) +
                 " ms") {}

StaleLease::StaleLease(const std::string& pool, long long id)
    : StoreError("id " + std::to_string(id) + " of pool " + quoted(pool) +
                 " is not leased with that token (released, expired or never acquired)") {}

namespace detail {

void check_ttl(std::chrono::milliseconds ttl) {
    if (ttl.count() <= 0 || ttl > max_lease_ttl) {
        throw BadTtl(ttl);
    }
}

void check_capacity(long long capacity, std::size_t max_capacity) {
    if (capacity <= 0 || static_cast<unsigned long long>(capacity) > max_capacity ||
        static_cast<unsigned long long>(capacity) > std::numeric_limits<Id>::max()) {
        throw BadCapacity(capacity, max_capacity);
    }
}

bool in_pool(long long id, std::size_t capacity) noexcept {
    return id >= 1 && static_cast<unsigned long long>(id) <= capacity;
}

}  // namespace detail

std::unique_ptr<PoolStore> open_store(std::string_view spec, std::size_t max_capacity) {
    if (spec == "memory") {
        return std::make_unique<MemoryStore>(max_capacity);
    }
#if OBJPOOL_STORE_SQLITE
    constexpr std::string_view sqlite_prefix = "sqlite:";
    if (spec.substr(0, sqlite_prefix.size()) == sqlite_prefix) {
        const std::string_view path = spec.substr(sqlite_prefix.size());
        if (path.empty()) {
            throw std::invalid_argument("store \"sqlite:\" needs a file path");
        }
        return std::make_unique<SqliteStore>(std::string(path), max_capacity);
    }
#endif
#if OBJPOOL_STORE_REDIS
    if (spec.substr(0, 8) == "redis://") {
        return std::make_unique<RedisStore>(RedisAddress::parse(spec), max_capacity);
    }
#endif
    throw std::invalid_argument("unknown store \"" + std::string(spec) +
                                "\": expected memory, sqlite:PATH or redis://HOST:PORT[/DB]");
}

}  // namespace objpool_graphql::store
