// Helpers shared by the IdPool and ConcurrentIdPool tests: take every id a pool still has, and
// capture everything observable about a pool.
#pragma once

#include <cstddef>
#include <vector>

namespace objpool_support {

// Gets ids until the pool is exhausted; returns them in the order they came.
template <class Pool>
std::vector<typename Pool::id_type> drain(Pool& pool) {
    std::vector<typename Pool::id_type> ids;
    while (auto id = pool.get()) {
        ids.push_back(*id);
    }
    return ids;
}

// Everything observable about a pool, to prove a refused free changed nothing.
template <class Pool>
struct Snapshot {
    std::size_t available;
    std::size_t allocated;
    std::vector<bool> out;

    explicit Snapshot(const Pool& pool) : available(pool.available()), allocated(pool.allocated()) {
        for (std::size_t slot = 0; slot < pool.capacity(); ++slot) {
            out.push_back(
                pool.is_allocated(static_cast<typename Pool::id_type>(pool.first() + slot)));
        }
    }
    bool operator==(const Snapshot& other) const {
        return available == other.available && allocated == other.allocated && out == other.out;
    }
};

}  // namespace objpool_support
