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
/// 0 -> 1 -> 2 -> ... -> capacity (the end): no per-slot work. A state byte a slot says whether
/// it is free (0), out (1), or taken by acquire_slot() while still in the stack (2).
///
/// - acquire: pops with a CAS of the head, then exchanges the slot's state for "out". If it was
///   "taken while in the stack", the slot is its taker's and the pop passes over it (and tries
///   again). Linearizes at the exchange that finds "free" (or, when empty, at the load that saw
///   the end marker). Lock-free: a CAS fails only because another operation succeeded.
/// - acquire_slot: a CAS of the state from "free" to "taken while in the stack"; the slot stays
///   in the stack until a pop passes over it, so the other slots keep their order. Of a pop and
///   a take of the same slot, exactly one sees "free". Wait-free.
/// - release: a CAS of the state to "free" is the exact double-release check (of two releases
///   at once exactly one succeeds). From "out" it then pushes the slot: a CAS of the head, the
///   link rewritten and the push retried if the head moved. From "taken while in the stack" the
///   slot is free again at its old place, with no push. Linearizes at the state CAS. Lock-free.
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
/// Memory: 5 bytes a slot, plus the head and 16 counter stripes on separate cache lines.
class LifoFreeList {
public:
    /// @brief All `capacity` slots free. O(1): the links are zero pages until touched.
    /// @pre `capacity <= objpool::max_capacity` (the pools check it).
    /// @throws std::bad_alloc.
    explicit LifoFreeList(std::size_t capacity)
        : links_(capacity), states_(capacity), capacity_(capacity) {}

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
                // acq_rel: a releaser's CAS that reads "out" sees the pop before it; a taker
                // that found "free" before this handed its writes over.
                if (states_[slot].exchange(out_state, std::memory_order_acq_rel) == free_state) {
                    released_.add(-1);
                    return slot;
                }
                // Taken by acquire_slot while in the stack (and counted then): its taker's.
                head = head_.load(std::memory_order_seq_cst);
                continue;
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
        auto&& state = states_[slot];
        std::uint8_t current = state.load(std::memory_order_relaxed);
        do {
            if (current == free_state) {
                return false;
            }
            // acq_rel: the next owner (a pop or a take that reads "free") sees this release's
            // steps before it.
        } while (!state.compare_exchange_weak(current, free_state, std::memory_order_acq_rel,
                                              std::memory_order_relaxed));
        released_.add(1);
        if (current == taken_in_stack) {
            return true;  // never left the stack: free again at its old place
        }
        std::uint64_t head = head_.load(std::memory_order_relaxed);
        links_[slot].store(link_to(slot, top_of(head)), std::memory_order_relaxed);
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

    /// @brief Takes `slot` if it is free; false (and nothing changes) otherwise. The slot stays
    /// in the stack and the pop that reaches it passes over it. Of several threads taking the
    /// same slot (or popping it), exactly one gets it. @pre `slot < capacity()`.
    /// @par Complexity
    /// O(1), wait-free.
    bool acquire_slot(std::size_t slot) noexcept {
        std::uint8_t expected = free_state;
        // acq_rel: sees the previous owner's writes (its release was a release CAS).
        if (!states_[slot].compare_exchange_strong(
                expected, taken_in_stack, std::memory_order_acq_rel, std::memory_order_relaxed)) {
            return false;
        }
        released_.add(-1);
        return true;
    }

    /// @brief Every slot free, in ascending order, as at construction. O(n).
    /// @pre No other call on this list is in flight.
    void reset() noexcept {
        links_.clear();
        states_.clear();
        head_.store(0, std::memory_order_relaxed);
        released_.reset();
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
        return states_[slot].load(std::memory_order_acquire) != free_state;
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
    [[nodiscard]] std::size_t bookkeeping_bytes() const noexcept {
        return links_.bytes() + states_.bytes();
    }

private:
    // A slot's state.
    static constexpr std::uint8_t free_state = 0;
    static constexpr std::uint8_t out_state = 1;
    static constexpr std::uint8_t taken_in_stack = 2;  // by acquire_slot, not popped yet

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

    detail::AtomicArray<std::uint32_t> links_;  // next - slot - 1 (meaningful while in the stack)
    detail::AtomicArray<std::uint8_t> states_;  // free, out or taken_in_stack
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
