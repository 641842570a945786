/// @file
/// @brief objpool::concurrent::FifoFreeList: the free list behind ConcurrentIdPool<objpool::Fifo>
/// (a bounded multi-producer multi-consumer ring with sequence-numbered cells).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "../detail/atomic_array.hpp"
#include "../detail/concurrent_backoff.hpp"
#include "../policy/fifo.hpp"
#include "policy.hpp"

namespace objpool::concurrent {

/// @brief Concurrent FIFO free list: `acquire` hands out the slot released longest ago;
/// never-used slots count as released before all others, in ascending order.
///
/// Algorithm: a ring of `S` cells (S the smallest power of two >= capacity), each one 64-bit
/// atomic word holding a slot index (low 32 bits) and a sequence state (high 32 bits):
/// `2 * lap` while the cell is empty and awaits the write of lap `lap`, `2 * lap + 1` once that
/// write is published. Position p (a 64-bit counter) maps to cell `p % S` and lap `p / S`.
/// Two position counters: `enqueue_` (the next position a release writes) and `dequeue_` (the
/// next position an acquire takes); `enqueue_ - dequeue_` is the number of free slots.
///
/// - acquire: reads p = dequeue_ and cell p. If the cell holds lap p/S's slot, a CAS of
///   dequeue_ from p to p+1 takes it (a failed CAS means another acquire took it: retry with
///   the new p); the winner marks the cell empty for lap p/S + 1 (release) and the slot's byte
///   "allocated" (a plain atomic store: the slot is nobody else's at that point). If the cell
///   is not published yet: when dequeue_ moved, retry; when `enqueue_ == p`, no slot is free
///   (returns capacity()); otherwise a release has claimed p and is writing it: wait for it.
/// - release: flips the slot's "allocated" byte to "free" with a CAS (the exact
///   double-release check: of two releases at once exactly one succeeds), claims
///   p = enqueue_++ (fetch_add: wait-free), waits until cell p is empty for lap p/S, and
///   writes the slot with state "published" (release).
///
/// The waits are each for one specific peer a few instructions from done, normally zero
/// iterations: an acquire waits for the release that claimed its position; a release waits
/// for the acquire that took its cell's previous lap (at most capacity <= S slots are ever in
/// the ring, so that acquire has already won its CAS). If that peer is preempted, the wait
/// lasts until it runs again: the ring is not lock-free in the strict sense (no array-based
/// ring with sequence numbers is); Backoff yields the processor to the peer.
///
/// Linearization: a successful acquire at its dequeue_ CAS (that CAS also decides the FIFO
/// order); a failed one at its load of enqueue_ equal to p (dequeue_ was p just before, and
/// never exceeds enqueue_). A release at its byte CAS (a second release fails from then on);
/// the slot becomes available to acquires when its cell is published, a few instructions later.
/// Memory order: the cell store (release) and the cell load (acquire) of the next acquire carry
/// the previous owner's writes to the next.
///
/// At creation the ring is full (slots 0 .. capacity-1 at positions 0 .. capacity-1, enqueue_
/// = capacity). Cells are stored XOR-ed with that initial content, so the all-zero array already
/// reads that way and construction does no per-slot work.
///
/// Memory: 8 bytes a ring cell (8 to 16 bytes a slot) + 1 byte a slot, plus two counters on
/// separate cache lines.
class FifoFreeList {
public:
    /// @brief All `capacity` slots free, to be handed out in ascending order. O(1): the arrays
    /// are zero pages until touched.
    /// @pre `capacity <= objpool::max_capacity` (the pools check it).
    /// @throws std::bad_alloc.
    explicit FifoFreeList(std::size_t capacity)
        : cells_(ring_size(capacity)),
          allocated_(capacity),
          capacity_(capacity),
          lap_shift_(log2(ring_size(capacity))),
          enqueue_(capacity) {}

    FifoFreeList(const FifoFreeList&) = delete;
    FifoFreeList& operator=(const FifoFreeList&) = delete;
    ~FifoFreeList() = default;

    /// @brief The slot released longest ago (never-used slots first, ascending), now
    /// allocated; capacity() when every slot is out.
    /// @par Complexity
    /// O(1) expected; may wait for a peer in the middle of an operation on the same cell.
    std::size_t acquire() noexcept {
        // seq_cst loads of the counters (plain loads on x86): see publishes_seq_cst.
        std::uint64_t position = dequeue_.load(std::memory_order_seq_cst);
        detail::Backoff backoff;
        for (;;) {
            const std::size_t cell = cell_of(position);
            // acquire: pairs with the release that published the slot in this cell.
            const std::uint64_t content = load(cell);
            if (state_of(content) == state(position, 1)) {
                // The cell cannot change before the winner of this CAS empties it, so
                // `content` read above is still the winner's slot.
                if (dequeue_.compare_exchange_weak(position, position + 1,
                                                   std::memory_order_relaxed,
                                                   std::memory_order_relaxed)) {
                    const auto slot = static_cast<std::size_t>(content & 0xFFFF'FFFFU);
                    // release: the next lap's writer sees the cell empty only after this read.
                    store(cell, std::uint64_t{state(position + ring_size(), 0)} << 32);
                    // release: the releaser's CAS that reads this mark sees this acquire's
                    // steps before it.
                    allocated_[slot].store(1, std::memory_order_release);
                    return slot;
                }
                // Another acquire took `position` (the CAS loaded the next one); back off a
                // little rather than bounce dequeue_'s cache line between the cores at once.
                backoff.pause();
                continue;
            }
            const std::uint64_t current = dequeue_.load(std::memory_order_seq_cst);
            if (current != position) {
                position = current;  // taken meanwhile: our view of the cell was stale
                continue;
            }
            if (enqueue_.load(std::memory_order_seq_cst) == position) {
                return capacity_;
            }
            backoff.pause();  // a release claimed `position` and is writing it
        }
    }

    /// @brief Queues `slot` if it is allocated; false (and nothing changes) otherwise.
    /// @pre `slot < capacity()`.
    /// @par Complexity
    /// O(1); may wait for a peer in the middle of an operation on the same cell.
    bool release(std::size_t slot) noexcept {
        std::uint8_t expected = 1;
        if (!allocated_[slot].compare_exchange_strong(expected, 0, std::memory_order_acquire,
                                                      std::memory_order_relaxed)) {
            return false;
        }
        // seq_cst (the same locked instruction as relaxed on x86): see publishes_seq_cst.
        const std::uint64_t position = enqueue_.fetch_add(1, std::memory_order_seq_cst);
        const std::size_t cell = cell_of(position);
        const std::uint32_t empty = state(position, 0);
        detail::Backoff backoff;
        while (state_of(load(cell)) != empty) {
            backoff.pause();
        }
        store(cell, std::uint64_t{state(position, 1)} << 32 | slot);
        return true;
    }

    /// @brief The step of release() that makes acquire() stop answering "none" is its seq_cst
    /// fetch_add of `enqueue_` (the only write to it), and acquire() answers "none" only after a
    /// seq_cst load of `enqueue_`: an acquire ordered after that fetch_add in the seq_cst order
    /// either waits for the slot's cell to be published and takes it, or finds `dequeue_` past
    /// the slot's position (another thread took it). This orders a free before a waiter's retry
    /// without a fence (see objpool/concurrent/policy.hpp).
    static constexpr bool publishes_seq_cst = true;

    /// @brief Whether `slot` is allocated. @pre `slot < capacity()`.
    [[nodiscard]] bool is_allocated(std::size_t slot) const noexcept {
        return allocated_[slot].load(std::memory_order_acquire) != 0;
    }
    /// @brief The number of slots.
    [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
    /// @brief The number of free slots (exact when no operation is in flight).
    [[nodiscard]] std::size_t available() const noexcept {
        // dequeue_ first: enqueue_ only grows and never falls below dequeue_, so the
        // difference is not negative; it can overshoot while calls are in flight.
        const std::uint64_t taken = dequeue_.load(std::memory_order_relaxed);
        const std::uint64_t free = enqueue_.load(std::memory_order_relaxed) - taken;
        return free < capacity_ ? static_cast<std::size_t>(free) : capacity_;
    }
    /// @brief Heap bytes used.
    [[nodiscard]] std::size_t bookkeeping_bytes() const noexcept {
        return cells_.bytes() + allocated_.bytes();
    }

private:
    static std::size_t ring_size(std::size_t capacity) noexcept {
        std::size_t size = 1;
        while (size < capacity) {
            size *= 2;
        }
        return size;  // one cell even for capacity 0, so that acquire can read "empty" there
    }
    static unsigned log2(std::size_t power_of_two) noexcept {
        unsigned shift = 0;
        while (power_of_two > 1) {
            power_of_two /= 2;
            ++shift;
        }
        return shift;
    }

    [[nodiscard]] std::uint64_t ring_size() const noexcept {
        return std::uint64_t{1} << lap_shift_;
    }
    [[nodiscard]] std::size_t cell_of(std::uint64_t position) const noexcept {
        return static_cast<std::size_t>(position & ((std::uint64_t{1} << lap_shift_) - 1));
    }
    // The state word of position's cell: 2 * lap + published, modulo 2^32. Only differences
    // of one or two laps are ever compared, so the wrap-around is harmless.
    [[nodiscard]] std::uint32_t state(std::uint64_t position, unsigned published) const noexcept {
        return static_cast<std::uint32_t>((position >> lap_shift_) * 2 + published);
    }
    static std::uint32_t state_of(std::uint64_t content) noexcept {
        return static_cast<std::uint32_t>(content >> 32);
    }

    // A cell's content as stored: XOR-ed with its content at creation, so that zero bytes mean
    // "slot `cell`, published for lap 0" for cells below the capacity and "empty, lap 0" above.
    [[nodiscard]] std::uint64_t initial(std::size_t cell) const noexcept {
        return cell < capacity_ ? (std::uint64_t{1} << 32 | cell) : 0;
    }
    [[nodiscard]] std::uint64_t load(std::size_t cell) const noexcept {
        return cells_[cell].load(std::memory_order_acquire) ^ initial(cell);
    }
    void store(std::size_t cell, std::uint64_t content) noexcept {
        cells_[cell].store(content ^ initial(cell), std::memory_order_release);
    }

    detail::AtomicArray<std::uint64_t> cells_;
    detail::AtomicArray<std::uint8_t> allocated_;  // 1 while the slot is allocated
    std::size_t capacity_;
    unsigned lap_shift_;  // log2 of the ring size
    alignas(detail::cache_line_bytes) std::atomic<std::uint64_t> enqueue_;
    alignas(detail::cache_line_bytes) std::atomic<std::uint64_t> dequeue_{0};
};

}  // namespace objpool::concurrent

namespace objpool {

/// @brief objpool::Fifo's concurrent free list is objpool::concurrent::FifoFreeList.
template <>
struct concurrent_free_list<Fifo> {
    /// @brief The thread-safe free list.
    using type = concurrent::FifoFreeList;
};

}  // namespace objpool
