/// @file
/// @brief A counter that many threads update without fighting over one cache line, and
/// mostly without a locked instruction.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "atomic_array.hpp"

namespace objpool::detail {

/// @brief Which stripe of every objpool::detail::StripedCounter the calling thread writes, and
/// whether it is the only writer of that stripe.
///
/// The first `exclusive_stripe_count` threads alive at once each own one stripe index for their
/// lifetime (process-wide, so in every counter); a thread that finds them all taken shares the
/// last stripe with the other latecomers. An owner returns its index when it exits, for the next
/// thread to take.
struct StripeOwner {
    /// @brief Stripe indices handed out exclusively; the index past them is shared.
    static constexpr std::size_t exclusive_stripe_count = 15;
    /// @brief The calling thread's stripe index.
    std::size_t index = exclusive_stripe_count;
    /// @brief Whether no other thread writes that stripe (plain store instead of fetch_add).
    bool exclusive = false;
    /// @brief Whether this thread has asked for a stripe yet.
    bool assigned = false;
};

/// The set of exclusive stripe indices taken by live threads (bit i: index i).
inline std::atomic<std::uint32_t>& taken_stripes() noexcept {
    static std::atomic<std::uint32_t> taken{0};
    return taken;
}

/// Gives a thread's exclusive index back when the thread exits.
struct StripeReturner {
    StripeOwner* owner;
    explicit StripeReturner(StripeOwner* claimed) noexcept : owner(claimed) {}
    StripeReturner(const StripeReturner&) = delete;
    StripeReturner& operator=(const StripeReturner&) = delete;
    ~StripeReturner() {
        const std::size_t index = owner->index;
        // Anything the thread adds from here on (from later thread_local destructors) goes to
        // the shared stripe, with fetch_add.
        owner->exclusive = false;
        owner->index = StripeOwner::exclusive_stripe_count;
        // release: the next owner's claim (acquire) sees this thread's last stores to the stripe.
        taken_stripes().fetch_and(~(std::uint32_t{1} << index), std::memory_order_release);
    }
};

/// Claims the lowest free exclusive index for the calling thread, or the shared one.
inline void claim_stripe(StripeOwner& owner) noexcept {
    owner.assigned = true;
    constexpr std::uint32_t all = (std::uint32_t{1} << StripeOwner::exclusive_stripe_count) - 1;
    std::atomic<std::uint32_t>& taken = taken_stripes();
    std::uint32_t mask = taken.load(std::memory_order_relaxed);
    while (mask != all) {
        const std::uint32_t bit = ~mask & (mask + 1);  // the lowest clear bit
        if (taken.compare_exchange_weak(mask, mask | bit, std::memory_order_acquire,
                                        std::memory_order_relaxed)) {
            std::size_t index = 0;
            while ((std::uint32_t{1} << index) != bit) {
                ++index;
            }
            owner.index = index;
            owner.exclusive = true;
            thread_local const StripeReturner returner(&owner);
            static_cast<void>(returner);
            return;
        }
    }
}

/// The calling thread's stripe (claimed on first use).
inline const StripeOwner& own_stripe() noexcept {
    // Trivially destructible, so it stays usable through the whole of thread exit.
    thread_local StripeOwner owner;
    if (!owner.assigned) {
        claim_stripe(owner);
    }
    return owner;
}

/// @brief `Count` signed counts split over 16 cache-line-sized stripes; each thread adds to its
/// own stripe (objpool::detail::StripeOwner), and each value is the sum over the stripes.
///
/// For statistics that every operation updates but few read (a pool's available count, the
/// counts of objpool::Counted): two threads updating one atomic bounce its cache line between
/// their cores on every operation, which costs more than the operation itself; and a locked
/// read-modify-write costs 8 to 12 ns even uncontended. A thread that owns its stripe updates
/// it with a relaxed load and store (no locked instruction); latecomers sharing the last stripe
/// use fetch_add. A sum is exact when no update is in flight; during updates it is a value in
/// transit.
template <std::size_t Count>
class StripedCounters {
    static_assert(Count >= 1 && Count * sizeof(std::int64_t) <= cache_line_bytes,
                  "objpool: a stripe holds one cache line of counts");

public:
    /// @brief Adds `delta` to count `which` (relaxed: the count carries no data).
    /// @pre `which < Count`.
    void add(std::size_t which, std::int64_t delta) noexcept {
        const StripeOwner& owner = own_stripe();
        std::atomic<std::int64_t>& value = stripes_[owner.index].values[which];
        if (owner.exclusive) {
            value.store(value.load(std::memory_order_relaxed) + delta, std::memory_order_relaxed);
        } else {
            value.fetch_add(delta, std::memory_order_relaxed);
        }
    }

    /// @brief Every count back to 0. @pre no other thread uses the counters meanwhile.
    void reset() noexcept {
        for (Stripe& stripe : stripes_) {
            for (std::atomic<std::int64_t>& value : stripe.values) {
                value.store(0, std::memory_order_relaxed);
            }
        }
    }

    /// @brief Count `which`: the sum of the stripes. O(16). @pre `which < Count`.
    [[nodiscard]] std::int64_t sum(std::size_t which) const noexcept {
        std::int64_t total = 0;
        for (const Stripe& stripe : stripes_) {
            total += stripe.values[which].load(std::memory_order_relaxed);
        }
        return total;
    }

private:
    struct alignas(cache_line_bytes) Stripe {
        std::atomic<std::int64_t> values[Count] = {};
    };

    Stripe stripes_[StripeOwner::exclusive_stripe_count + 1];
};

/// @brief One striped count (see objpool::detail::StripedCounters).
class StripedCounter {
public:
    /// @brief Adds `delta` (relaxed: the count carries no data).
    void add(std::int64_t delta) noexcept { counts_.add(0, delta); }
    /// @brief The sum of the stripes. O(16).
    [[nodiscard]] std::int64_t sum() const noexcept { return counts_.sum(0); }
    /// @brief Back to 0. @pre no other thread uses the counter meanwhile.
    void reset() noexcept { counts_.reset(); }

private:
    StripedCounters<1> counts_;
};

}  // namespace objpool::detail
