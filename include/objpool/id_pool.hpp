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
#include "id_lease.hpp"
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

    /// @brief Takes exactly `id` if it is free: true, and `id` is out as if get() had handed it
    /// out; false (and nothing changes) when `id` is out already or outside the pool's range.
    ///
    /// The order in which get() hands out the other ids is unchanged: Fifo and Lifo leave the
    /// claimed id in their ring or stack, marked, and pass over it when they come to it (an id
    /// claimed and freed before that goes back to its former place rather than where free()
    /// would put it); Bitmap sets its bit. Concurrent pools: of several threads claiming the
    /// same id, or claiming it while others get(), exactly one ends up with it; in an
    /// objpool::ThreadCached pool, a free id that sits in another thread's cache is not claimed
    /// (false), as get() does not take ids from other threads' caches either. Needs a free list
    /// with `acquire_slot` (every built-in one); with a list that lacks it, a call fails to
    /// compile with an `objpool:` message (objpool/free_list_traits.hpp).
    /// @par Complexity
    /// O(1) for Fifo and Lifo (a get that passes over a claimed id pays one more step),
    /// O(log64 n) at worst for Bitmap; ThreadCached adds a scan of the calling thread's cache.
    /// Never allocates. Wait-free (Lifo, Fifo) or lock-free (Bitmap) in the concurrent pools.
    /// objpool::Counted counts a claim that took its id as a get, and a refused one not at all.
    [[nodiscard]] bool try_claim(Id id) noexcept {
        const std::size_t slot = ids_.to_slot(id);
        if (slot >= capacity() || !traits::acquire_slot(slots_, slot)) {
            return false;
        }
        traits::record_get(slots_, true);  // objpool::Counted: a claim that took its id is a get
        return true;
    }

    /// @brief Gives every id back: the pool is as if freshly constructed (the same ids come in
    /// the same order), with the same capacity and first id. Release or destroy the pool's
    /// IdLease objects first: one destroyed later gives back an id that may be someone else's
    /// by then (or reports through the error handler that it was not out).
    /// @pre Concurrent pools: no other call on the pool is in flight, on any thread, and no
    /// thread waits in get_for / get_until (a free_all racing with them is undefined
    /// behaviour); the caller orders it against the other threads' calls (joining them, a
    /// mutex). Single-threaded pools: none.
    /// @par Complexity
    /// O(capacity) for the built-in policies (their bookkeeping is cleared; the pages written
    /// are those a full pool would use). A free list without `reset` falls back to freeing each
    /// id that is out, in ascending order (the next ids then follow that list's order for those
    /// frees). Never allocates. objpool::Counted's counts are kept (they are not frees).
    void free_all() noexcept { traits::reset(slots_); }

    /// @brief An available id in an objpool::IdLease that frees it when destroyed; an empty
    /// lease when every id is out.
    /// @par Complexity
    /// As get().
    [[nodiscard]] IdLease<BasicIdPool> lease() noexcept {
        const std::optional<Id> id = counted_get(traits::acquire(slots_));
        if (!id) {
            return {};
        }
        return IdLease<BasicIdPool>(this, *id);
    }

    /// @brief Calls `f(id)` for every id that is out, in ascending order.
    ///
    /// Each id is reported if it is out when its turn comes: `f` may free ids or take new ones,
    /// and a change to an id after its turn is not seen. What `f` throws propagates, and the
    /// ids after that one are not visited. Concurrent pools: the visit is not one atomic
    /// snapshot; ids got or freed meanwhile by other threads may or may not be seen.
    /// @par Complexity
    /// O(capacity) calls of the free list's is_allocated, plus the calls of `f`.
    template <class Function>
    void for_each_allocated(Function&& f) const {
        for (std::size_t slot = 0; slot < capacity(); ++slot) {
            if (traits::is_allocated(slots_, slot)) {
                f(ids_.to_id(slot));
            }
        }
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
