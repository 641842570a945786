/// @file
/// @brief objpool::ConcurrentIdPool: objpool::IdPool made safe to use from any number of threads.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "concurrent/bitmap.hpp"
#include "concurrent/fifo.hpp"
#include "concurrent/lifo.hpp"
#include "concurrent/locked.hpp"
#include "concurrent/policy.hpp"
#include "detail/capacity.hpp"
#include "detail/concurrent_waiters.hpp"
#include "detail/id_range.hpp"
#include "error.hpp"

namespace objpool {

/// @brief The thread-safe object manager over integers: hands out each of the ids
/// `first .. first+count-1` to at most one holder until it is freed, from any number of
/// threads at once.
///
/// The members and contract of objpool::IdPool, plus blocking acquisition (get_for,
/// get_until). Every member may be called concurrently (construction and destruction aside).
/// `free` stays exact under concurrency: of two threads freeing the same id at once, exactly
/// one succeeds and the other gets objpool::BadFree. A free happens-before the get that hands
/// the id out next, so what the previous holder wrote is visible to the next one.
///
/// The policy tag selects the algorithm (objpool/concurrent/policy.hpp): objpool::Lifo a
/// lock-free Treiber stack, objpool::Fifo a lap-stamped ring, objpool::Bitmap lock-free
/// atomic bitmaps (lowest free id when quiescent), objpool::Locked<P> a mutex around P.
/// Single-threaded, before anything is freed, every built-in policy hands out `first,
/// first+1, ...`. docs/concurrency.md has the algorithms, linearization points and progress
/// guarantees.
///
/// Creation does no per-id work; get and free never allocate. Destroying the pool while
/// another thread uses it is undefined behaviour.
///
/// @tparam Policy objpool::Fifo, objpool::Lifo, objpool::Bitmap, objpool::Locked<P>, or a tag
/// with a concurrent free list of your own.
/// @tparam Id an integer type wide enough for `first + count - 1`.
template <class Policy, class Id = std::uint32_t>
class ConcurrentIdPool {
    static_assert(detail::check_concurrent_policy<Policy>(),
                  "objpool: ConcurrentIdPool needs a policy with a concurrent free list");

public:
    /// @brief The policy's concurrent free list.
    using FreeList = concurrent_free_list_t<Policy>;
    /// @brief The id type.
    using id_type = Id;

    /// @brief Manages the ids `first .. first+count-1`, all available.
    /// @par Complexity
    /// O(1) besides the free list's allocation (no per-id work for the built-in policies).
    /// @throws std::length_error when `count` exceeds objpool::max_capacity or the last id
    /// does not fit in `Id`; std::bad_alloc when the bookkeeping cannot be allocated.
    explicit ConcurrentIdPool(std::size_t count, Id first = 1)
        : slots_(detail::checked_id_count(count, first)), ids_(first) {}

    ConcurrentIdPool(const ConcurrentIdPool&) = delete;
    ConcurrentIdPool& operator=(const ConcurrentIdPool&) = delete;
    ~ConcurrentIdPool() = default;

    /// @brief An available id, now out; std::nullopt when every id is out.
    /// @par Complexity
    /// O(1) for Fifo and Lifo, O(log64 n) for Bitmap when uncontended. Never allocates, never
    /// blocks for Lifo and Bitmap (lock-free); Fifo may wait for a peer mid-operation on the
    /// same ring cell; Locked takes the mutex.
    [[nodiscard]] std::optional<Id> get() noexcept { return to_optional(slots_.acquire()); }

    /// @brief An available id, waiting up to `timeout` for one to be freed; std::nullopt when
    /// none became available in time.
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
    /// none became available in time.
    /// @param deadline when to give up (in the past: just try once).
    /// @throws std::system_error from the mutex or condition variable (only when it waits).
    /// @par Complexity
    /// As get() when an id is available.
    template <class Clock, class Duration>
    [[nodiscard]] std::optional<Id> get_until(
        const std::chrono::time_point<Clock, Duration>& deadline) {
        std::size_t slot = slots_.acquire();
        if (slot == capacity() && Clock::now() < deadline) {
            slot = waiters_.wait_until(
                deadline, [this]() noexcept { return slots_.acquire(); }, capacity());
        }
        return to_optional(slot);
    }

    /// @brief Gives `id` back and wakes one thread waiting in get_for / get_until, if any.
    /// @throws objpool::BadFree (reason out_of_range or not_allocated) when `id` is not out;
    /// the pool is then unchanged. Of several threads freeing the same id at once, exactly one
    /// returns normally.
    /// @par Complexity
    /// O(1) for Fifo and Lifo, O(log64 n) for Bitmap, plus a seq_cst fence. Never allocates.
    void free(Id id) {
        const std::size_t slot = ids_.to_slot(id);
        if (slot >= capacity()) {
            ids_.raise_bad_free(id, BadFree::Reason::out_of_range, capacity());
        }
        if (!slots_.release(slot)) {
            ids_.raise_bad_free(id, BadFree::Reason::not_allocated, capacity());
        }
        waiters_.notify<detail::publishes_seq_cst<FreeList>::value>(
            [this]() noexcept { detail::publish_cached(slots_); });
    }

    /// @brief Gives `id` back if it is out; returns whether it was (false changes nothing).
    /// Of several threads freeing the same id at once, exactly one gets true.
    /// @par Complexity
    /// As free().
    bool try_free(Id id) noexcept {
        const std::size_t slot = ids_.to_slot(id);
        if (slot >= capacity() || !slots_.release(slot)) {
            return false;
        }
        waiters_.notify<detail::publishes_seq_cst<FreeList>::value>(
            [this]() noexcept { detail::publish_cached(slots_); });
        return true;
    }

    /// @brief Whether `id` is out (false outside the pool's range). Under concurrency, the
    /// answer held at some moment during the call.
    /// @par Complexity
    /// O(1).
    [[nodiscard]] bool is_allocated(Id id) const noexcept {
        const std::size_t slot = ids_.to_slot(id);
        return slot < capacity() && slots_.is_allocated(slot);
    }

    /// @brief The number of ids managed (`count`).
    [[nodiscard]] std::size_t capacity() const noexcept { return slots_.capacity(); }
    /// @brief The number of ids get can still hand out: exact when no call is in flight,
    /// otherwise a value that held recently.
    [[nodiscard]] std::size_t available() const noexcept { return slots_.available(); }
    /// @brief The number of ids out (capacity() - available()).
    [[nodiscard]] std::size_t allocated() const noexcept { return capacity() - available(); }
    /// @brief The lowest id managed.
    [[nodiscard]] Id first() const noexcept { return ids_.first(); }
    /// @brief Heap bytes of bookkeeping (the policy's free list).
    [[nodiscard]] std::size_t bookkeeping_bytes() const noexcept {
        return slots_.bookkeeping_bytes();
    }

private:
    [[nodiscard]] std::optional<Id> to_optional(std::size_t slot) const noexcept {
        if (slot == capacity()) {
            return std::nullopt;
        }
        return ids_.to_id(slot);
    }

    FreeList slots_;
    detail::IdRange<Id> ids_;
    detail::ConcurrentWaiters waiters_;
};

}  // namespace objpool
