/// @file
/// @brief objpool::concurrent::FifoFreeList: the free list behind ConcurrentIdPool<objpool::Fifo>
/// (a bounded multi-producer multi-consumer ring with lap-stamped cells).
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
/// Algorithm: a ring of `S` cells (S the smallest power of two >= capacity + min(capacity, 64)),
/// each one 64-bit atomic word holding a slot index (low 32 bits) and the lap it was written in
/// (high 32 bits, modulo 2^32). Position p (a 64-bit counter) maps to lap `p / S` and to cell
/// `p % S` with its low six bits rotated to the top (from 4096 cells up), so that consecutive
/// positions, usually claimed by different threads, do not share a cache line. Two position
/// counters on one cache line: `enqueue_` (the next position a release writes) and `dequeue_`
/// (the next position an acquire takes); `enqueue_ - dequeue_` is the number of free slots,
/// never more than capacity.
///
/// - acquire: reads p = dequeue_; if `enqueue_ == p`, no slot is free (returns capacity()).
///   Otherwise reads cell p: if it holds lap p/S, a CAS of dequeue_ from p to p+1 takes its
///   slot, and the slot's byte is set "allocated" (a plain atomic store: the slot is nobody
///   else's at that point). A failed CAS means another acquire took p: pause (backing off
///   keeps the two cores from pulling the counters' line from each other at every step; it
///   made 2-thread churn 3-4x faster), then retry with the new p.
///   If the cell holds an older lap, a release has claimed p and is writing it: wait for it
///   (or retry when dequeue_ moved meanwhile).
/// - release: flips the slot's "allocated" byte to "free" with a CAS (the exact double-release
///   check: of two releases at once exactly one succeeds), claims p = enqueue_++ (fetch_add)
///   and writes the slot with lap p/S into cell p (release). Wait-free: nothing to wait for.
/// - acquire_slot: a CAS of the slot's byte from "free" to "taken while in the ring"; the slot
///   stays in the ring, and the acquire that takes its position exchanges the byte for
///   "allocated", finds it was taken, and passes over it (so the other slots keep their order;
///   of an acquire and a take of the same slot, exactly one sees "free"). A taken slot released
///   before that is free again at its old position (no new position). A count of taken slots
///   still in the ring keeps available() exact.
///
/// Why release may overwrite cell p without checking that it was read: when release claims p,
/// fewer than capacity slots are free, so `dequeue_ > p - capacity >= p - S`; the acquire that
/// took position p - S, the cell's previous lap, read the cell before its CAS. Its CAS and the
/// counters' read-modify-writes (acq_rel) form a chain that makes that read happen before this
/// store, so the read saw the previous lap's slot and not this one. An acquire that reads the
/// cell late (a stale p) sees a newer lap and retries, or fails its CAS. Only an acquire can
/// wait: for the release that claimed its position, a few instructions from done. If that
/// release is preempted, the wait lasts until it runs again (Backoff yields the processor): the
/// ring is not lock-free in the strict sense (no array-based ring with sequence numbers is).
///
/// Linearization: a successful acquire at its dequeue_ CAS (that CAS also decides the FIFO
/// order); a failed one at its load of enqueue_ equal to p (dequeue_ was p just before, and
/// never exceeds enqueue_). A release at its byte CAS (a second release fails from then on);
/// the slot becomes available to acquires when its cell is written, a few instructions later.
/// Memory order: the cell store (release) and the cell load (acquire) of the next acquire carry
/// the previous owner's writes to the next.
///
/// Why this layout: the counters share a line because a thread's free and get come in pairs;
/// the ring keeps at least min(capacity, 64) cells more than there are slots, so that a
/// release writes cells that acquires finished reading long ago; and scattering positions and
/// slots keeps the two threads of a get/free pair from writing one cache line at once (the
/// 2-thread figures in docs/concurrency.md).
///
/// At creation the ring is full (slots 0 .. capacity-1 at positions 0 .. capacity-1, enqueue_
/// = capacity). Cells are stored XOR-ed with that initial content, so the all-zero array already
/// reads that way and construction does no per-slot work.
///
/// Memory: 8 bytes a ring cell and 1 byte a ring cell for the "allocated" bytes (9 to 18 bytes a
/// slot from 64 slots up; at most 36 below), plus the two counters' cache line.
class FifoFreeList {
public:
    /// @brief All `capacity` slots free, to be handed out in ascending order. O(1): the arrays
    /// are zero pages until touched.
    /// @pre `capacity <= objpool::max_capacity` (the pools check it).
    /// @throws std::bad_alloc.
    explicit FifoFreeList(std::size_t capacity)
        : cells_(ring_size(capacity)),
          allocated_(ring_size(capacity)),
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
            if (enqueue_.load(std::memory_order_seq_cst) == position) {
                return capacity_;
            }
            // acquire: pairs with the release that wrote the slot into this cell.
            const std::uint64_t content = load(position);
            if (lap_of(content) == lap(position)) {
                // acq_rel: the chain of these CASes carries each taker's read of its cell to
                // the release that later overwrites that cell (see the class comment).
                if (dequeue_.compare_exchange_weak(position, position + 1,
                                                   std::memory_order_acq_rel,
                                                   std::memory_order_relaxed)) {
                    const auto slot = static_cast<std::size_t>(content & 0xFFFF'FFFFU);
                    // acq_rel: the releaser's CAS that reads this mark sees this acquire's
                    // steps before it; a taker that found "free" first handed its writes over.
                    if (allocated_[scatter(slot)].exchange(allocated, std::memory_order_acq_rel) ==
                        free_state) {
                        return slot;
                    }
                    // Taken by acquire_slot while in the ring: its taker's now. Pass over it.
                    taken_in_ring_.fetch_sub(1, std::memory_order_relaxed);
                    ++position;
                    continue;
                }
                // Another acquire took `position` (the CAS loaded the next one). Retrying at
                // once would pull the counters' line back while the winner still uses it.
                backoff.pause();
                continue;
            }
            const std::uint64_t current = dequeue_.load(std::memory_order_seq_cst);
            if (current != position) {
                position = current;  // taken meanwhile: the cell may hold a later lap now
                continue;
            }
            backoff.pause();  // a release claimed `position` and is writing it
        }
    }

    /// @brief Queues `slot` if it is allocated; false (and nothing changes) otherwise.
    /// @pre `slot < capacity()`.
    /// @par Complexity
    /// O(1), wait-free.
    bool release(std::size_t slot) noexcept {
        auto&& state = allocated_[scatter(slot)];
        std::uint8_t current = state.load(std::memory_order_relaxed);
        do {
            if (current == free_state) {
                return false;
            }
            // acq_rel: the next owner (an acquire or a take that reads "free") sees this
            // release's steps before it.
        } while (!state.compare_exchange_weak(current, free_state, std::memory_order_acq_rel,
                                              std::memory_order_relaxed));
        if (current == taken_in_ring) {
            taken_in_ring_.fetch_sub(1, std::memory_order_relaxed);
            return true;  // never left the ring: free again at its old position
        }
        // seq_cst (the same locked instruction as relaxed on x86): see publishes_seq_cst.
        const std::uint64_t position = enqueue_.fetch_add(1, std::memory_order_seq_cst);
        // release: an acquire that reads this lap's slot sees this release's steps before it.
        store(position, std::uint64_t{lap(position)} << 32 | slot);
        return true;
    }

    /// @brief Undoes the acquire() that just returned `slot`: when no other acquire took a later
    /// position meanwhile, the position it took goes back to `dequeue_`, so `slot` comes out next
    /// again; otherwise `slot` is released (queued last). A pool calls it when building the
    /// slot's object throws.
    /// @pre `slot` was returned by the calling thread's last acquire() and is still allocated.
    /// @par Complexity
    /// O(1), wait-free.
    void unacquire(std::size_t slot) noexcept {
        // The acquire took the position just below dequeue_ if that cell still holds `slot`
        // in that position's lap: a slot sits in the ring once, and that cell cannot be
        // overwritten while `slot` is out and dequeue_ has not moved (a release claims
        // positions below dequeue_ + capacity, less than a ring size ahead).
        // dequeue_ is at least 1: the acquire being undone took a position.
        std::uint64_t taken = dequeue_.load(std::memory_order_seq_cst);
        if (load(taken - 1) == (std::uint64_t{lap(taken - 1)} << 32 | std::uint64_t{slot})) {
            // Freed before the position is given back: the next taker marks it allocated (an
            // acquire_slot in between finds it free and leaves it in the ring, taken).
            allocated_[scatter(slot)].store(free_state, std::memory_order_relaxed);
            // seq_cst: a waiter's retry that follows it finds the position (the argument of
            // publishes_seq_cst, with dequeue_ as the atomic).
            // Fails only when an acquire on another thread took the next position in between:
            // the racing tests reach it in some runs, no test can in every run.
            if (dequeue_.compare_exchange_strong(  // GCOVR_EXCL_BR_LINE: a race, see above
                    taken, taken - 1, std::memory_order_seq_cst, std::memory_order_relaxed)) {
                return;
            }
            // GCOVR_EXCL_START: a race, see above
            // Out again, unless acquire_slot took it meanwhile: then it is its taker's (and out
            // of the ring, since the position was not given back).
            if (allocated_[scatter(slot)].exchange(allocated, std::memory_order_acq_rel) ==
                taken_in_ring) {
                taken_in_ring_.fetch_sub(1, std::memory_order_relaxed);
                return;
            }
            // GCOVR_EXCL_STOP
        }
        const bool released = release(slot);
        static_cast<void>(released);  // it was allocated: the release succeeds
    }

    /// @brief Takes `slot` if it is free; false (and nothing changes) otherwise. The slot stays
    /// in the ring and the acquire that reaches it passes over it. Of several threads taking the
    /// same slot (or acquiring it), exactly one gets it. @pre `slot < capacity()`.
    /// @par Complexity
    /// O(1), wait-free.
    bool acquire_slot(std::size_t slot) noexcept {
        std::uint8_t expected = free_state;
        // acq_rel: sees the previous owner's writes (its release was a release CAS).
        if (!allocated_[scatter(slot)].compare_exchange_strong(
                expected, taken_in_ring, std::memory_order_acq_rel, std::memory_order_relaxed)) {
            return false;
        }
        taken_in_ring_.fetch_add(1, std::memory_order_relaxed);
        return true;
    }

    /// @brief Every slot free, in ascending order, as at construction. O(n).
    /// @pre No other call on this list is in flight.
    void reset() noexcept {
        cells_.clear();
        allocated_.clear();
        dequeue_.store(0, std::memory_order_relaxed);
        enqueue_.store(capacity_, std::memory_order_relaxed);
        taken_in_ring_.store(0, std::memory_order_relaxed);
    }

    /// @brief Every member but the constructor and destructor may be called from any number of
    /// threads at once: pools over this list are concurrent (objpool/free_list_traits.hpp).
    static constexpr bool is_thread_safe = true;

    /// @brief The step of release() that makes acquire() stop answering "none" is its seq_cst
    /// fetch_add of `enqueue_` (the only write to it), and acquire() answers "none" only after a
    /// seq_cst load of `enqueue_`: an acquire ordered after that fetch_add in the seq_cst order
    /// either waits for the slot's cell to be published and takes it, or finds `dequeue_` past
    /// the slot's position (another thread took it). This orders a free before a waiter's retry
    /// without a fence (see objpool/concurrent/policy.hpp).
    static constexpr bool publishes_seq_cst = true;

    /// @brief Whether `slot` is allocated. @pre `slot < capacity()`.
    [[nodiscard]] bool is_allocated(std::size_t slot) const noexcept {
        return allocated_[scatter(slot)].load(std::memory_order_acquire) != free_state;
    }
    /// @brief The number of slots.
    [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
    /// @brief The number of free slots (exact when no operation is in flight).
    [[nodiscard]] std::size_t available() const noexcept {
        // dequeue_ first: enqueue_ only grows and never falls below dequeue_, so the
        // difference is not negative; it can overshoot while calls are in flight.
        const std::uint64_t taken = dequeue_.load(std::memory_order_relaxed);
        const std::uint64_t queued = enqueue_.load(std::memory_order_relaxed) - taken;
        // Taken slots still in the ring are queued but not free.
        const std::int64_t free =
            static_cast<std::int64_t>(queued) - taken_in_ring_.load(std::memory_order_relaxed);
        return free <= 0                                    ? 0
               : static_cast<std::size_t>(free) < capacity_ ? static_cast<std::size_t>(free)
                                                            : capacity_;
    }
    /// @brief Heap bytes used.
    [[nodiscard]] std::size_t bookkeeping_bytes() const noexcept {
        return cells_.bytes() + allocated_.bytes();
    }

private:
    static std::size_t ring_size(std::size_t capacity) noexcept {
        constexpr std::size_t gap = 64;
        std::size_t size = 1;
        while (size < capacity + (capacity < gap ? capacity : gap)) {
            size *= 2;
        }
        return size;  // at least one cell, so that lap_shift_ and the arrays exist at capacity 0
    }
    static unsigned log2(std::size_t power_of_two) noexcept {
        unsigned shift = 0;
        while (power_of_two > 1) {
            power_of_two /= 2;
            ++shift;
        }
        return shift;
    }

    // An index below the ring size with its low 6 bits moved to the top, so that consecutive
    // positions (and slots), usually in different threads' hands, are on different cache lines:
    // eight cells or 64 bytes of a line belong to positions or slots 64 apart. Small rings fit
    // in a few lines anyway and keep the plain order.
    [[nodiscard]] std::size_t scatter(std::size_t index) const noexcept {
        if (lap_shift_ < scatter_min_shift) {
            return index;
        }
        return ((index & 63U) << (lap_shift_ - 6)) | (index >> 6);
    }
    static constexpr unsigned scatter_min_shift = 12;
    // The position's offset in its lap: its cell before scattering.
    [[nodiscard]] std::size_t offset(std::uint64_t position) const noexcept {
        return static_cast<std::size_t>(position & ((std::uint64_t{1} << lap_shift_) - 1));
    }
    // The lap a position's cell content is written in, modulo 2^32. Only the current lap and
    // the one before it are ever compared, so the wrap-around is harmless.
    [[nodiscard]] std::uint32_t lap(std::uint64_t position) const noexcept {
        return static_cast<std::uint32_t>(position >> lap_shift_);
    }
    static std::uint32_t lap_of(std::uint64_t content) noexcept {
        return static_cast<std::uint32_t>(content >> 32);
    }

    // The content of a position's cell as stored: XOR-ed with the cell's content at creation,
    // so that zero bytes mean "slot k, lap 0" for the cells of lap-0 positions k below the
    // capacity, and "lap 2^32 - 1" (not written in lap 0 yet) for the others.
    [[nodiscard]] std::uint64_t initial(std::size_t offset) const noexcept {
        return offset < capacity_ ? offset : std::uint64_t{0xFFFF'FFFFU} << 32;
    }
    [[nodiscard]] std::uint64_t load(std::uint64_t position) const noexcept {
        const std::size_t at = offset(position);
        return cells_[scatter(at)].load(std::memory_order_acquire) ^ initial(at);
    }
    void store(std::uint64_t position, std::uint64_t content) noexcept {
        const std::size_t at = offset(position);
        cells_[scatter(at)].store(content ^ initial(at), std::memory_order_release);
    }

    detail::AtomicArray<std::uint64_t> cells_;
    // A slot's state.
    static constexpr std::uint8_t free_state = 0;
    static constexpr std::uint8_t allocated = 1;
    static constexpr std::uint8_t taken_in_ring = 2;  // by acquire_slot, not passed over yet

    detail::AtomicArray<std::uint8_t> allocated_;  // free_state, allocated or taken_in_ring
    std::size_t capacity_;
    unsigned lap_shift_;  // log2 of the ring size
    // On one cache line: a get right after a free (or a free after a get) finds it in its
    // core's cache, where two lines would both move between cores.
    alignas(detail::cache_line_bytes) std::atomic<std::uint64_t> enqueue_;
    std::atomic<std::uint64_t> dequeue_{0};
    // Slots taken by acquire_slot that are still in the ring (for available() only).
    alignas(detail::cache_line_bytes) std::atomic<std::int64_t> taken_in_ring_{0};
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
