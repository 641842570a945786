/// @file
/// @brief A counter that many threads update without fighting over one cache line.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "atomic_array.hpp"

namespace objpool::detail {

/// @brief A signed count split over 16 cache-line-sized stripes; each thread adds to its own
/// stripe (threads are assigned stripes round-robin on first use), and the value is the sum.
///
/// For statistics that every operation updates but few read (a pool's available count): two
/// threads updating one atomic bounce its cache line between their cores on every operation,
/// which costs more than the operation itself. The sum is exact when no update is in flight;
/// during updates it is a value in transit.
class StripedCounter {
public:
    /// @brief Adds `delta` (relaxed: the count carries no data).
    void add(std::int64_t delta) noexcept {
        stripes_[own_stripe()].value.fetch_add(delta, std::memory_order_relaxed);
    }

    /// @brief The sum of the stripes. O(16).
    [[nodiscard]] std::int64_t sum() const noexcept {
        std::int64_t total = 0;
        for (const Stripe& stripe : stripes_) {
            total += stripe.value.load(std::memory_order_relaxed);
        }
        return total;
    }

private:
    static constexpr std::size_t stripe_count = 16;

    struct alignas(cache_line_bytes) Stripe {
        std::atomic<std::int64_t> value{0};
    };

    static std::size_t own_stripe() noexcept {
        static std::atomic<std::size_t> next_thread{0};
        thread_local const std::size_t stripe =
            next_thread.fetch_add(1, std::memory_order_relaxed) % stripe_count;
        return stripe;
    }

    Stripe stripes_[stripe_count];
};

}  // namespace objpool::detail
