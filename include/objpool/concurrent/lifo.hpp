/// @file
/// @brief objpool::concurrent::LifoFreeList: the lock-free free list behind
/// ConcurrentIdPool<objpool::Lifo> (a Treiber stack of slot indices).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "../detail/atomic_array.hpp"
#include "../detail/concurrent_backoff.hpp"
#include "../detail/concurrent_counter.hpp"
#include "../policy/lifo.hpp"
#include "policy.hpp"

namespace objpool::concurrent {

/// @brief Lock-free LIFO free list: `acquire` hands out the slot released most recently;
/// never-used slots come in ascending order below every released one.
///
/// Algorithm: a Treiber stack threaded through an array of 32-bit links, one per slot. The
/// head is one 64-bit atomic word: the top slot index (low 32 bits; `capacity()` means empty)
/// and a tag (high 32 bits) that every successful compare-and-swap increments, so a head that
/// was popped and pushed back in the meantime (ABA) no longer compares equal. A link holds
/// `next - slot - 1` (mod 2^32), so the all-zero array at creation already reads as the chain
/// 0 -> 1 -> 2 -> ... -> capacity (the end): no per-slot work. An allocated slot's link is all
/// ones ("points to itself"), which no free slot's link can be: that is the allocation mark.
///
/// - acquire: pops with a CAS of the head, then marks the slot's link "allocated" with a plain
///   atomic store (the slot is nobody else's at that point). Linearizes at the successful CAS
///   (or, when empty, at the load that saw the end marker). Lock-free: a CAS fails only
///   because another operation succeeded.
/// - release: a CAS of the slot's link from "allocated" to the current top is the exact
///   double-release check (of two releases at once exactly one succeeds; a slot being popped
///   but not yet marked is refused, as its acquire has not linearized), then a CAS of the head
///   pushes it; if the head moved, the link is rewritten and the push retried. Linearizes at
///   the link CAS. Lock-free.
/// - Memory order: the push CAS is release, the pop's head load and CAS are acquire; the link
///   a popper reads was written before the push that installed its slot, and later pops extend
///   that release sequence, so it is visible. A stale link (the slot was popped and pushed
///   again in between) can be read, but the tag has then changed and the CAS fails.
/// - The tag is 32 bits: an ABA failure needs a thread to sleep between its load and its CAS
///   while exactly a multiple of 2^32 other operations complete on the same pool.
///
/// - Contention: a CAS that loses waits a little (detail::Backoff) before retrying, and the
///   count behind available() is striped per thread (detail::StripedCounter), so that two
///   threads do not bounce more than the head's cache line between their cores.
///
/// Memory: 4 bytes a slot, plus the head and 16 counter stripes on separate cache lines.
class LifoFreeList {
public:
    /// @brief All `capacity` slots free. O(1): the links are zero pages until touched.
    /// @pre `capacity <= objpool::max_capacity` (the pools check it).
    /// @throws std::bad_alloc.
    explicit LifoFreeList(std::size_t capacity) : links_(capacity), capacity_(capacity) {}

    LifoFreeList(const LifoFreeList&) = delete;
    LifoFreeList& operator=(const LifoFreeList&) = delete;
    ~LifoFreeList() = default;

    /// @brief The most recently released slot, else the lowest never-used one, now allocated;
    /// capacity() when every slot is out.
    /// @par Complexity
    /// O(1) expected; lock-free.
    std::size_t acquire() noexcept {
        // seq_cst (not just acquire): see publishes_seq_cst.
        std::uint64_t head = head_.load(std::memory_order_seq_cst);
        detail::Backoff backoff;
        for (;;) {
            const std::size_t slot = top_of(head);
            if (slot == capacity_) {
                return capacity_;
            }
            const std::size_t next = next_of(slot, links_[slot].load(std::memory_order_relaxed));
            // seq_cst on success (acquire would do for the hand-over): every write to the
            // head is seq_cst, as the publishes_seq_cst argument needs.
            if (head_.compare_exchange_weak(head, pack(next, head), std::memory_order_seq_cst,
                                            std::memory_order_seq_cst)) {
                released_.add(-1);
                // release: a releaser's link CAS that reads this mark sees the pop (and the
                // count) before it.
                links_[slot].store(allocated_mark, std::memory_order_release);
                return slot;
            }
            // Lost to another thread: retrying at once would only bounce the head's cache
            // line between the cores again.
            backoff.pause();
        }
    }

    /// @brief Pushes `slot` if it is allocated; false (and nothing changes) otherwise.
    /// @pre `slot < capacity()`.
    /// @par Complexity
    /// O(1) expected; lock-free.
    bool release(std::size_t slot) noexcept {
        std::uint64_t head = head_.load(std::memory_order_relaxed);
        std::uint32_t expected = allocated_mark;
        if (!links_[slot].compare_exchange_strong(expected, link_to(slot, top_of(head)),
                                                  std::memory_order_acquire,
                                                  std::memory_order_relaxed)) {
            return false;
        }
        released_.add(1);
        detail::Backoff backoff;
        // release: publishes the link (and the owner's writes) to the next popper; seq_cst:
        // see publishes_seq_cst.
        while (!head_.compare_exchange_weak(head, pack(slot, head), std::memory_order_seq_cst,
                                            std::memory_order_relaxed)) {
            backoff.pause();
            links_[slot].store(link_to(slot, top_of(head)), std::memory_order_relaxed);
        }
        return true;
    }

    /// @brief Every member but the constructor and destructor may be called from any number of
    /// threads at once: pools over this list are concurrent (objpool/free_list_traits.hpp).
    static constexpr bool is_thread_safe = true;

    /// @brief The push CAS that makes a released slot available is a seq_cst read-modify-write
    /// of the head (as is every write to it), and acquire() starts with a seq_cst load of it:
    /// this orders a free before a waiter's retry without a fence (see
    /// objpool/concurrent/policy.hpp).
    static constexpr bool publishes_seq_cst = true;

    /// @brief Whether `slot` is allocated. @pre `slot < capacity()`.
    [[nodiscard]] bool is_allocated(std::size_t slot) const noexcept {
        return links_[slot].load(std::memory_order_acquire) == allocated_mark;
    }
    /// @brief The number of slots.
    [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
    /// @brief The number of free slots (exact when no operation is in flight).
    [[nodiscard]] std::size_t available() const noexcept {
        const std::int64_t free = static_cast<std::int64_t>(capacity_) + released_.sum();
        return free <= 0                                    ? 0
               : static_cast<std::size_t>(free) > capacity_ ? capacity_
                                                            : static_cast<std::size_t>(free);
    }
    /// @brief Heap bytes used.
    [[nodiscard]] std::size_t bookkeeping_bytes() const noexcept { return links_.bytes(); }

private:
    static constexpr std::uint32_t allocated_mark = 0xFFFF'FFFFU;  // next == slot itself

    static std::uint32_t link_to(std::size_t slot, std::size_t next) noexcept {
        return static_cast<std::uint32_t>(next - slot - 1);
    }
    static std::size_t next_of(std::size_t slot, std::uint32_t link) noexcept {
        return static_cast<std::uint32_t>(link + slot + 1);
    }
    static std::size_t top_of(std::uint64_t head) noexcept {
        return static_cast<std::size_t>(head & 0xFFFF'FFFFU);
    }
    // The new head: `top` with the tag of `old` plus one.
    static std::uint64_t pack(std::size_t top, std::uint64_t old) noexcept {
        return ((old >> 32) + 1) << 32 | static_cast<std::uint64_t>(top);
    }

    detail::AtomicArray<std::uint32_t> links_;  // next - slot - 1, or allocated_mark
    std::size_t capacity_;
    alignas(detail::cache_line_bytes) std::atomic<std::uint64_t> head_{0};
    detail::StripedCounter released_;  // releases minus acquires: available = capacity + it
};

}  // namespace objpool::concurrent

namespace objpool {

/// @brief objpool::Lifo's concurrent free list is objpool::concurrent::LifoFreeList.
template <>
struct concurrent_free_list<Lifo> {
    /// @brief The thread-safe free list.
    using type = concurrent::LifoFreeList;
};

}  // namespace objpool
