/// @file
/// @brief objpool::BasicIdPool, the id pool over any free list, and objpool::IdPool: hands out
/// the integer ids first .. first+count-1.
#pragma once

// First: under C++14 its one clear #error comes before anything else fails.
#include "config.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <type_traits>

#include "detail/capacity.hpp"
#include "detail/concurrent_waiters.hpp"
#include "detail/id_range.hpp"
#include "error.hpp"
#include "free_list_traits.hpp"
#include "statistics.hpp"

namespace objpool {

/// @brief The object manager over integers: hands out each of the ids `first .. first+count-1`
/// at most once until it is freed. One implementation for every free list; use it through
/// objpool::IdPool (single-threaded) or objpool::ConcurrentIdPool (thread-safe).
///
/// `get` returns an available id (which one is the free list's choice); `free` gives it back
/// and refuses, with objpool::BadFree and no change, any id that is not out. The allocation bit
/// behind that check is always on. Before anything has been freed every built-in policy hands
/// out `first, first+1, first+2, ...`.
///
/// The free list decides the family (objpool::free_list_traits::is_thread_safe):
/// - single-threaded list (`Policy::FreeList`): one pool is used by one thread at a time;
/// - thread-safe list (objpool::concurrent_free_list_t): every member may be called
///   concurrently (construction and destruction aside); of two threads freeing the same id at
///   once exactly one succeeds; a free happens-before the get that hands the id out next; and
///   get_for / get_until wait for a free.
///
/// Memory: the free list's bookkeeping only, allocated once at construction; get and free
/// never allocate. Destroying the pool while another thread uses it is undefined behaviour.
///
/// @tparam List a free list (see objpool/free_list_traits.hpp).
/// @tparam Id an integer type wide enough for `first + count - 1`.
template <class List, class Id = std::uint32_t>
class BasicIdPool {
    static_assert(is_free_list_v<List>,
                  "objpool: BasicIdPool needs a free list (see objpool/free_list_traits.hpp)");
    static_assert(std::is_integral_v<Id> && !std::is_same_v<Id, bool>,
                  "objpool: IdPool's Id must be an integer type");

    using traits = free_list_traits<List>;

public:
    /// @brief The free list.
    using FreeList = List;
    /// @brief The id type.
    using id_type = Id;
    /// @brief Whether the pool may be used from several threads at once.
    static constexpr bool is_thread_safe = traits::is_thread_safe;

    /// @brief Manages the ids `first .. first+count-1`, all available.
    /// @par Complexity
    /// O(1) besides the free list's allocation (no per-id work for the built-in policies).
    /// @throws std::length_error when `count` exceeds objpool::max_capacity or the last id
    /// does not fit in `Id`; std::bad_alloc when the bookkeeping cannot be allocated.
    explicit BasicIdPool(std::size_t count, Id first = 1)
        : slots_(detail::checked_id_count(count, first)), ids_(first) {}

    /// @brief An available id, now out; std::nullopt when every id is out.
    /// @par Complexity
    /// O(1) for Fifo and Lifo, O(log64 n) for Bitmap. Never allocates. Progress under
    /// concurrency is the free list's (docs/concurrency.md).
    [[nodiscard]] std::optional<Id> get() noexcept { return counted_get(traits::acquire(slots_)); }

    /// @brief An available id, waiting up to `timeout` for one to be freed; std::nullopt when
    /// none became available in time. Concurrent pools only.
    ///
    /// Waits without spinning: it sleeps until a free wakes it or the time is up.
    /// @param timeout how long to wait at most (zero or negative: just try once).
    /// @throws std::system_error from the mutex or condition variable (only when it waits).
    /// @par Complexity
    /// As get() when an id is available.
    template <class Rep, class Period>
    [[nodiscard]] std::optional<Id> get_for(const std::chrono::duration<Rep, Period>& timeout) {
        return get_until(detail::deadline_after(timeout));
    }

    /// @brief An available id, waiting until `deadline` for one to be freed; std::nullopt when
    /// none became available in time. Concurrent pools only.
    /// @param deadline when to give up (in the past: just try once).
    /// @throws std::system_error from the mutex or condition variable (only when it waits).
    /// @par Complexity
    /// As get() when an id is available.
    template <class Clock, class Duration>
    [[nodiscard]] std::optional<Id> get_until(
        const std::chrono::time_point<Clock, Duration>& deadline) {
        static_assert(is_thread_safe,
                      "objpool: get_for and get_until belong to the concurrent pools");
        std::size_t slot = traits::acquire(slots_);
        if (slot == capacity() && Clock::now() < deadline) {
            slot = traits::timed_wait(slots_, [this, &deadline] {
                return waiters_.wait_until(
                    deadline, [this]() noexcept { return traits::acquire(slots_); }, capacity());
            });
        }
        return counted_get(slot);
    }

    /// @brief Gives `id` back (in a concurrent pool, waking one thread waiting in get_for /
    /// get_until, if any).
    /// @throws objpool::BadFree (reason out_of_range or not_allocated) when `id` is not out;
    /// the pool is then unchanged. Of several threads freeing the same id at once, exactly one
    /// returns normally.
    /// @par Complexity
    /// O(1) for Fifo and Lifo, O(log64 n) for Bitmap. Never allocates.
    void free(Id id) {
        const std::size_t slot = ids_.to_slot(id);
        if (slot >= capacity()) {
            traits::record_free(slots_, false);
            raise_bad_free(id, BadFree::Reason::out_of_range);
        }
        if (!traits::release(slots_, slot)) {
            traits::record_free(slots_, false);
            raise_bad_free(id, BadFree::Reason::not_allocated);
        }
        traits::record_free(slots_, true);
        notify_waiters();
    }

    /// @brief Gives `id` back if it is out; returns whether it was (false changes nothing).
    /// Of several threads freeing the same id at once, exactly one gets true.
    /// @par Complexity
    /// As free().
    bool try_free(Id id) noexcept {
        const std::size_t slot = ids_.to_slot(id);
        if (slot >= capacity() || !traits::release(slots_, slot)) {
            traits::record_free(slots_, false);
            return false;
        }
        traits::record_free(slots_, true);
        notify_waiters();
        return true;
    }

    /// @brief Whether `id` is out (false outside the pool's range). Under concurrency, the
    /// answer held at some moment during the call.
    /// @par Complexity
    /// O(1).
    [[nodiscard]] bool is_allocated(Id id) const noexcept {
        const std::size_t slot = ids_.to_slot(id);
        return slot < capacity() && traits::is_allocated(slots_, slot);
    }

    /// @brief The number of ids managed (`count`).
    [[nodiscard]] std::size_t capacity() const noexcept { return traits::capacity(slots_); }
    /// @brief The number of ids get can still hand out (under concurrency: exact when no call
    /// is in flight, otherwise a value that held recently).
    [[nodiscard]] std::size_t available() const noexcept { return traits::available(slots_); }
    /// @brief The number of ids out (capacity() - available()).
    [[nodiscard]] std::size_t allocated() const noexcept { return capacity() - available(); }
    /// @brief The lowest id managed.
    [[nodiscard]] Id first() const noexcept { return ids_.first(); }
    /// @brief Heap bytes of bookkeeping (the free list).
    [[nodiscard]] std::size_t bookkeeping_bytes() const noexcept {
        return traits::bookkeeping_bytes(slots_);
    }
    /// @brief What the pool has counted since it was created (objpool::PoolStatistics). Only
    /// for a policy wrapped in objpool::Counted. Under concurrency, exact when no call is in
    /// flight. O(1) (concurrent: O(16)).
    [[nodiscard]] PoolStatistics statistics() const noexcept {
        static_assert(traits::has_statistics,
                      "objpool: statistics() needs a policy wrapped in objpool::Counted");
        return slots_.statistics();
    }

private:
    // Wakes a thread waiting in get_for / get_until (concurrent pools; nobody waits otherwise).
    void notify_waiters() noexcept {
        if constexpr (is_thread_safe) {
            waiters_.template notify<traits::publishes_seq_cst>(
                [this]() noexcept { traits::publish_cached(slots_); });
        }
    }

    [[nodiscard]] std::optional<Id> counted_get(std::size_t slot) noexcept {
        if (slot == capacity()) {
            traits::record_get(slots_, false);
            return std::nullopt;
        }
        traits::record_get(slots_, true);
        return ids_.to_id(slot);
    }

    // The last id is computed even for an empty pool, where the message does not use it: no
    // branch here, one copy of the message code (detail::raise_bad_id_free).
    [[noreturn]] void raise_bad_free(Id id, BadFree::Reason reason) const {
        detail::raise_bad_id_free(detail::DecimalText(id), reason, capacity(),
                                  detail::DecimalText(ids_.first()),
                                  detail::DecimalText(ids_.to_id(capacity() - 1)));
    }

    List slots_;
    detail::IdRange<Id> ids_;
    detail::Waiters<is_thread_safe> waiters_;
};

/// @brief The single-threaded id pool: objpool::BasicIdPool over `Policy::FreeList`.
///
/// Not thread-safe: one pool is used by one thread at a time. Memory: Fifo 4 bytes + 1 bit an
/// id, Lifo 4 bytes, Bitmap about 1.02 bits an id.
/// @tparam Policy objpool::Fifo, objpool::Lifo, objpool::Bitmap or a policy of your own (see
/// objpool/policy.hpp); one that lacks the interface fails to compile with an `objpool:`
/// message.
/// @tparam Id an integer type wide enough for `first + count - 1`.
template <class Policy, class Id = std::uint32_t>
using IdPool = BasicIdPool<typename detail::checked_free_list<Policy>::type, Id>;

}  // namespace objpool
