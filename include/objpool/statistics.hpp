/// @file
/// @brief objpool::Counted: a policy wrapper whose pools count their gets, frees and waits, and
/// objpool::PoolStatistics, what `statistics()` returns.
#pragma once

// First: under C++14 its one clear #error comes before anything else fails.
#include "config.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "detail/concurrent_counter.hpp"
#include "free_list_traits.hpp"

namespace objpool {

/// @brief What a pool over an objpool::Counted policy has counted since it was created.
///
/// Each call of the pool counts once, whatever it did inside: a get_for that slept and then got
/// an object is one get and one wait; one that gave up is one failed get and one wait.
struct PoolStatistics {
    /// @brief Gets that handed an id or object out (get, get_for, get_until, get_raw, lease, and
    /// a try_claim that took its id).
    std::uint64_t gets = 0;
    /// @brief Gets that found the pool exhausted (and, for get_for / get_until, stayed so until
    /// the deadline). A get whose construction threw is counted in neither.
    std::uint64_t failed_gets = 0;
    /// @brief Frees that gave an id or object back (free, try_free, a lease's release).
    std::uint64_t frees = 0;
    /// @brief Frees refused: objpool::BadFree thrown or try_free returning false (not out, out
    /// of range, not the pool's). A free whose reset hook threw is counted in neither.
    std::uint64_t refused_frees = 0;
    /// @brief get_for / get_until calls that slept because the pool was exhausted.
    std::uint64_t waits = 0;
    /// @brief The total time those calls slept.
    std::chrono::nanoseconds wait_time{0};
};

namespace detail {

/// The counts of a single-threaded pool: plain integers.
class PlainCounts {
public:
    void add(std::size_t which, std::int64_t delta) noexcept { values_[which] += delta; }
    [[nodiscard]] std::int64_t sum(std::size_t which) const noexcept { return values_[which]; }

private:
    std::int64_t values_[6] = {};
};

/// The free list of objpool::Counted: `List` itself, plus the counts the pools record through
/// free_list_traits' record_get / record_free / timed_wait.
template <class List>
class CountingFreeList {
    using inner = free_list_traits<List>;
    using Counts = std::conditional_t<inner::is_thread_safe, StripedCounters<6>, PlainCounts>;
    enum Count : std::size_t { gets, failed_gets, frees, refused_frees, waits, wait_ns };

public:
    static constexpr bool is_thread_safe = inner::is_thread_safe;
    static constexpr bool publishes_seq_cst = inner::publishes_seq_cst;

    explicit CountingFreeList(std::size_t capacity) : list_(capacity) {}

    std::size_t acquire() noexcept { return list_.acquire(); }
    bool release(std::size_t slot) noexcept { return list_.release(slot); }
    void unacquire(std::size_t slot) noexcept { inner::unacquire(list_, slot); }
    void publish_cached() noexcept { inner::publish_cached(list_); }

    template <class L = List, std::enable_if_t<free_list_traits<L>::has_claim, int> = 0>
    bool claim(std::size_t slot) noexcept {
        return list_.claim(slot);
    }
    template <class L = List, std::enable_if_t<free_list_traits<L>::has_claim, int> = 0>
    void unclaim(std::size_t slot) noexcept {
        list_.unclaim(slot);
    }
    template <class L = List, std::enable_if_t<free_list_traits<L>::has_claim, int> = 0>
    void release_claimed(std::size_t slot) noexcept {
        list_.release_claimed(slot);
    }

    template <class L = List, std::enable_if_t<free_list_traits<L>::has_acquire_slot, int> = 0>
    bool acquire_slot(std::size_t slot) noexcept {
        return list_.acquire_slot(slot);
    }
    // The counts are kept: free_all is not a free of each id.
    void reset() noexcept { inner::reset(list_); }

    [[nodiscard]] bool is_allocated(std::size_t slot) const noexcept {
        return list_.is_allocated(slot);
    }
    [[nodiscard]] std::size_t capacity() const noexcept { return list_.capacity(); }
    [[nodiscard]] std::size_t available() const noexcept { return list_.available(); }
    [[nodiscard]] std::size_t bookkeeping_bytes() const noexcept {
        return list_.bookkeeping_bytes() + sizeof(Counts);
    }

    void record_get(bool got) noexcept { counts_.add(got ? gets : failed_gets, 1); }
    void record_free(bool freed) noexcept { counts_.add(freed ? frees : refused_frees, 1); }
    void record_wait(std::chrono::nanoseconds waited) noexcept {
        counts_.add(waits, 1);
        counts_.add(wait_ns, waited.count());
    }

    [[nodiscard]] PoolStatistics statistics() const noexcept {
        PoolStatistics counted;
        counted.gets = count(gets);
        counted.failed_gets = count(failed_gets);
        counted.frees = count(frees);
        counted.refused_frees = count(refused_frees);
        counted.waits = count(waits);
        counted.wait_time = std::chrono::nanoseconds(counts_.sum(wait_ns));
        return counted;
    }

private:
    [[nodiscard]] std::uint64_t count(Count which) const noexcept {
        return static_cast<std::uint64_t>(counts_.sum(which));
    }

    List list_;
    Counts counts_;
};

template <class Policy, bool = has_free_list<Policy>::value>
struct CountedFreeList {};
template <class Policy>
struct CountedFreeList<Policy, true> {
    using FreeList = CountingFreeList<typename checked_free_list<Policy>::type>;
};

template <class Policy, bool = has_concurrent_free_list<Policy>::value>
struct CountedConcurrentFreeList {};
template <class Policy>
struct CountedConcurrentFreeList<Policy, true> {
    using ConcurrentFreeList =
        CountingFreeList<typename checked_concurrent_free_list<Policy>::type>;
};

}  // namespace detail

/// @brief Policy wrapper whose pools count what they do: `IdPool<Counted<Lifo>>`,
/// `ConcurrentObjectPool<T, Counted<ThreadCached<Lifo>>>`. The pool's `statistics()` returns
/// the counts (objpool::PoolStatistics).
///
/// Cost: nothing for a pool over a policy that is not wrapped (the pools' recording calls
/// compile to nothing). Wrapped, a single-threaded pool adds one increment a call; a concurrent
/// one adds a relaxed load and store to a cache line of the calling thread's own (a striped
/// count: objpool::detail::StripedCounters), and two steady_clock reads to a get that sleeps.
/// Memory: 48 bytes (single-threaded) or 1 KiB (concurrent) beside the wrapped list.
///
/// Wrap the outermost policy: `Counted<ThreadCached<Lifo>>` counts every call, while
/// `ThreadCached<Counted<Lifo>>` would leave the counts at zero (the pool records on its own
/// free list, which is then the ThreadCached one).
///
/// statistics() is exact when no call is in flight; in a concurrent pool, each count read
/// during calls is a value it held recently (the six counts are not one snapshot).
/// @tparam Policy a single-threaded or concurrent policy (or both, as objpool::Lifo).
template <class Policy>
struct Counted : detail::CountedFreeList<Policy>, detail::CountedConcurrentFreeList<Policy> {};

}  // namespace objpool
