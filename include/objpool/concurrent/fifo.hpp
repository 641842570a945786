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
/// Two counters hand out positions with fetch_add: `enqueue_` to releases, `dequeue_` to
/// acquires; a third, `available_`, counts the published slots and works as a semaphore.
///
/// - acquire: reserves one unit of `available_` with a CAS (none left: returns capacity()),
///   takes position p = dequeue_++, waits until cell p holds lap p/S's slot, takes it, marks
///   the cell empty for lap p/S + 1 (release) and the slot's byte "allocated" (a plain atomic
///   store: the slot is nobody else's at that point).
/// - release: flips the slot's "allocated" byte to "free" with a CAS (the exact
///   double-release check: of two releases at once exactly one succeeds), takes
///   p = enqueue_++, waits until cell p is empty for lap p/S, writes the slot with state
///   "published" (release), then adds one to `available_` (release).
///
/// The waits: a reservation guarantees that some release has taken position p and will
/// publish it; at most capacity slots are ever in the ring, so cell p's previous lap has been
/// taken by an acquire that will empty it. Each wait is therefore for one specific peer that
/// is a few instructions from done, normally zero iterations. If that peer is preempted the
/// wait lasts until it runs again: the ring is not lock-free in the strict sense (no
/// array-based FIFO ring with sequence numbers is); Backoff yields the processor to the peer.
///
/// Linearization: an acquire that fails, at its load of `available_` == 0; one that succeeds,
/// at its reservation CAS (FIFO order is decided by the fetch_add on `dequeue_`); a release, at
/// its CAS of the slot's byte (a second release fails from then on; the slot becomes available to
/// acquires at the `available_` increment). Memory order: the cell store (release) and the
/// cell load (acquire) of the next acquire carry the previous owner's writes to the next.
///
/// At creation the ring is full (slots 0 .. capacity-1 at positions 0 .. capacity-1). Cells
/// are stored XOR-ed with that initial content, so the all-zero array already reads that way
/// and construction does no per-slot work.
///
/// Memory: 8 bytes a ring cell (8 to 16 bytes a slot) + 1 byte a slot, plus three counters on
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
          enqueue_(capacity),
          available_(capacity) {}

    FifoFreeList(const FifoFreeList&) = delete;
    FifoFreeList& operator=(const FifoFreeList&) = delete;

    /// @brief The slot released longest ago (never-used slots first, ascending), now
    /// allocated; capacity() when every slot is out.
    /// @par Complexity
    /// O(1); may wait for a peer in the middle of an operation on the same cell.
    std::size_t acquire() noexcept {
        // seq_cst: see publishes_seq_cst.
        std::size_t units = available_.load(std::memory_order_seq_cst);
        do {
            if (units == 0) {
                return capacity_;
            }
        } while (!available_.compare_exchange_weak(units, units - 1, std::memory_order_seq_cst,
                                                   std::memory_order_seq_cst));
        const std::uint64_t position = dequeue_.fetch_add(1, std::memory_order_relaxed);
        const std::size_t cell = cell_of(position);
        const std::uint32_t published = state(position, 1);
        std::uint64_t content;
        detail::Backoff backoff;
        // acquire: pairs with the release that published the slot in this cell.
        while (state_of(content = load(cell)) != published) {
            backoff.pause();
        }
        const auto slot = static_cast<std::size_t>(content & 0xFFFF'FFFFU);
        // release: the next lap's writer sees the cell empty only after this read of it.
        store(cell, std::uint64_t{state(position + (std::uint64_t{1} << lap_shift_), 0)} << 32);
        // release: the releaser's CAS that reads this mark sees this acquire's steps before it.
        allocated_[slot].store(1, std::memory_order_release);
        return slot;
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
        const std::uint64_t position = enqueue_.fetch_add(1, std::memory_order_relaxed);
        const std::size_t cell = cell_of(position);
        const std::uint32_t empty = state(position, 0);
        detail::Backoff backoff;
        while (state_of(load(cell)) != empty) {
            backoff.pause();
        }
        store(cell, std::uint64_t{state(position, 1)} << 32 | slot);
        // release: whoever reserves this unit and then reads the cell sees the slot.
        // seq_cst: see publishes_seq_cst.
        available_.fetch_add(1, std::memory_order_seq_cst);
        return true;
    }

    /// @brief The last step of release() that makes the slot available is a seq_cst
    /// read-modify-write of `available_` (as is every write to it), and acquire() starts with a
    /// seq_cst load of it: this
    /// orders a free before a waiter's retry without a fence (see objpool/concurrent/policy.hpp).
    static constexpr bool publishes_seq_cst = true;

    /// @brief Whether `slot` is allocated. @pre `slot < capacity()`.
    [[nodiscard]] bool is_allocated(std::size_t slot) const noexcept {
        return allocated_[slot].load(std::memory_order_acquire) != 0;
    }
    /// @brief The number of slots.
    [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
    /// @brief The number of free slots (exact when no operation is in flight).
    [[nodiscard]] std::size_t available() const noexcept {
        return available_.load(std::memory_order_relaxed);
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
        return capacity == 0 ? 0 : size;
    }
    static unsigned log2(std::size_t power_of_two) noexcept {
        unsigned shift = 0;
        while (power_of_two > 1) {
            power_of_two /= 2;
            ++shift;
        }
        return shift;
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
    alignas(detail::cache_line_bytes) std::atomic<std::size_t> available_;
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
