/// @file
/// @brief objpool::Fifo: hands out the slot freed longest ago (a ring).
#pragma once

#include <cstddef>
#include <cstdint>

#include "../detail/allocation_bits.hpp"
#include "../detail/bits.hpp"
#include "../detail/zeroed_array.hpp"

namespace objpool {

/// @brief Policy: `get` hands out the slot freed longest ago. Never-used slots count as freed
/// before all others: they come first, in ascending order, then freed slots in the order
/// they were freed.
///
/// Data structure: a ring of `capacity` free slot indices (4 bytes a slot) with a read and a
/// write position and a count, and one allocation bit a slot. An entry holds its slot minus its
/// position (mod 2^32), so the zeroed ring at construction already reads 0, 1, ..., capacity-1:
/// a full ring of the never-used slots in ascending order, with no watermark to check on get
/// and no per-slot work at creation. The ring cannot overflow: it holds exactly the free slots.
/// Fifo spreads reuse evenly over all slots, which delays the reuse of an id as long as
/// possible (useful when stale ids may still be in flight).
///
/// A slot taken by acquire_slot() (an id pool's try_claim) stays in the ring, marked by a second
/// bit a slot (allocated at the first acquire_slot), and acquire() passes over it when it comes
/// to it; given back before that, it takes its place in the ring back.
///
/// Memory: 4 bytes + 1 bit a slot (+1 bit once acquire_slot has been used). get and free: O(1),
/// no allocation.
struct Fifo {
    /// @brief The free list (see objpool/policy.hpp for the interface).
    class FreeList {
    public:
        /// @brief All `capacity` slots free. O(1): the arrays are zero pages until touched.
        explicit FreeList(std::size_t capacity)
            : ring_(capacity), allocated_(capacity), capacity_(capacity), queued_(capacity) {}

        /// @brief The lowest never-used slot, else the slot freed longest ago, else capacity().
        std::size_t acquire() noexcept {
            if (queued_ == 0) {
                return capacity_;
            }
            --queued_;
            std::size_t slot = pop();
            if (claimed_in_ring_ != 0) {
                slot = pop_past_claimed(slot);
            }
            allocated_.set(slot);
            // The ring holds slots only: lets the caller's `== capacity()` test fold away.
            OBJPOOL_DETAIL_ASSUME(slot < capacity_);
            return slot;
        }

        /// @brief Queues `slot` if it is out; false (and nothing changes) otherwise.
        bool release(std::size_t slot) noexcept {
            if (!allocated_.test_and_clear(slot)) {
                return false;
            }
            ++queued_;
            if (claimed_in_ring_ != 0 && claimed_.test_and_clear(slot)) {
                --claimed_in_ring_;  // still in the ring: free again at its old place
                return true;
            }
            ring_[tail_] = static_cast<std::uint32_t>(slot - tail_);
            tail_ = next(tail_);
            return true;
        }

        /// @brief Takes `slot` if it is free; false (and nothing changes) otherwise, or when the
        /// marks (1 bit a slot, allocated by the first call) cannot be allocated. The slot stays
        /// in the ring, marked, and acquire() passes over it: the others keep their order.
        /// @pre `slot < capacity()`.
        /// @par Complexity
        /// O(1) (the first call: the allocation).
        bool acquire_slot(std::size_t slot) noexcept {
            if (allocated_.test(slot)) {
                return false;
            }
            if (!claimed_.try_allocate(capacity_)) {  // GCOVR_EXCL_BR_LINE: out of memory
                return false;                         // GCOVR_EXCL_LINE: (not provoked)
            }
            allocated_.set(slot);
            claimed_.set(slot);
            ++claimed_in_ring_;
            --queued_;
            return true;
        }

        /// @brief Every slot free, in ascending order, as at construction. O(n).
        void reset() noexcept {
            ring_.clear();
            allocated_.clear();
            claimed_.clear();
            queued_ = capacity_;
            claimed_in_ring_ = 0;
            head_ = 0;
            tail_ = 0;
        }

        /// @brief Undoes the acquire() that just returned `slot`: the list is as before that
        /// call, so `slot` comes out next again (a pool calls it when building the object
        /// throws; release() would queue the slot last instead).
        void unacquire(std::size_t slot) noexcept {
            allocated_.test_and_clear(slot);
            // `slot` was read from the entry just before head_, which acquire() left as it was:
            // stepping head_ back puts it first in line again.
            head_ = head_ == 0 ? capacity_ - 1 : head_ - 1;
            ++queued_;
        }

        /// @brief Whether `slot` is out. @pre `slot < capacity()`.

        [[nodiscard]] bool is_allocated(std::size_t slot) const noexcept {
            return allocated_.test(slot);
        }
        /// @brief The number of slots.
        [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
        /// @brief The number of free slots.
        [[nodiscard]] std::size_t available() const noexcept { return queued_; }
        /// @brief Heap bytes of bookkeeping (4 bytes + 1 bit a slot, +1 bit once acquire_slot
        /// has been used).
        [[nodiscard]] std::size_t bookkeeping_bytes() const noexcept {
            return ring_.bytes() + allocated_.bytes() + claimed_.bytes();
        }

    private:
        // A claimed slot still in the ring is out already: `slot`, just popped, and the ones
        // after it are passed over while they are such slots. queued_ counts only slots that
        // are free, so one is ahead. Out of line: it keeps acquire() small enough to inline.
        OBJPOOL_DETAIL_NOINLINE std::size_t pop_past_claimed(std::size_t slot) noexcept {
            while (claimed_in_ring_ != 0 && claimed_.test_and_clear(slot)) {
                --claimed_in_ring_;
                slot = pop();
            }
            return slot;
        }

        // The slot at head_, which moves on.
        std::size_t pop() noexcept {
            const std::size_t slot = static_cast<std::uint32_t>(ring_[head_] + head_);
            head_ = next(head_);
            return slot;
        }

        [[nodiscard]] std::size_t next(std::size_t position) const noexcept {
            return position + 1 == capacity_ ? 0 : position + 1;
        }

        detail::ZeroedArray<std::uint32_t> ring_;
        detail::AllocationBits allocated_;
        // Set while a slot taken by acquire_slot is in the ring; allocated by the first one.
        detail::AllocationBits claimed_;
        std::size_t capacity_;
        std::size_t queued_;               // free slots in the ring
        std::size_t claimed_in_ring_ = 0;  // set bits of claimed_
        std::size_t head_ = 0;             // position of the next slot to hand out
        std::size_t tail_ = 0;             // position the next freed slot goes to
    };
};

}  // namespace objpool
