/// @file
/// @brief objpool::Lifo: hands out the slot freed most recently (a stack).
#pragma once

#include <cstddef>
#include <cstdint>

#include "../detail/allocation_bits.hpp"
#include "../detail/bits.hpp"
#include "../detail/zeroed_array.hpp"

namespace objpool {

/// @brief Policy: `get` hands out the slot freed most recently; never-used slots in ascending
/// order when nothing freed is waiting.
///
/// Data structure: one 32-bit link a slot, threading the free slots into a singly linked
/// stack: the freed slots, most recent first, then the never-used ones in ascending order.
/// A link holds `next - slot - 1` (mod 2^32), so the zeroed array at construction already
/// reads as the chain 0 -> 1 -> ... -> capacity (the end). An out slot's link is all ones
/// (it "points to itself"), which no free slot's link can be: that is the exact double-free
/// check, with no separate allocation bit. The most recently freed object is the one most
/// likely still in cache, which makes Lifo the fastest choice for churn.
///
/// A slot taken by acquire_slot() (an id pool's try_claim) stays in the stack, marked by a bit
/// a slot (allocated at the first acquire_slot), and acquire() passes over it when it comes to
/// the top; given back before that, it takes its place in the stack back (not the top).
///
/// Memory: 4 bytes a slot (+1 bit once acquire_slot has been used). get and free: O(1), no
/// allocation.
struct Lifo {
    /// @brief The free list (see objpool/policy.hpp for the interface).
    class FreeList {
    public:
        /// @brief All `capacity` slots free. O(1): the array is zero pages until touched.
        explicit FreeList(std::size_t capacity) : links_(capacity), capacity_(capacity) {}

        /// @brief The most recently freed slot, else the lowest never-used one, else capacity().
        std::size_t acquire() noexcept {
            const std::size_t slot = head_;
            if (slot == capacity_) {
                return slot;
            }
            pop(slot);
            if (claimed_in_stack_ != 0) {
                return acquire_past_claimed(slot);
            }
            ++allocated_;
            return slot;
        }

        /// @brief Pushes `slot` if it is out; false (and nothing changes) otherwise.
        bool release(std::size_t slot) noexcept {
            std::uint32_t& link = links_[slot];
            if (link != out) {
                if (claimed_in_stack_ != 0 && claimed_.test_and_clear(slot)) {
                    --claimed_in_stack_;  // still in the stack: free again at its old place
                    --allocated_;
                    return true;
                }
                return false;
            }
            link = static_cast<std::uint32_t>(head_ - slot - 1);
            head_ = slot;
            --allocated_;
            return true;
        }

        /// @brief Takes `slot` if it is free; false (and nothing changes) otherwise, or when the
        /// marks (1 bit a slot, allocated by the first call) cannot be allocated. The slot stays
        /// in the stack, marked, and acquire() passes over it: the others keep their order.
        /// @pre `slot < capacity()`.
        /// @par Complexity
        /// O(1) (the first call: the allocation).
        bool acquire_slot(std::size_t slot) noexcept {
            if (is_allocated(slot)) {
                return false;
            }
            if (!claimed_.try_allocate(capacity_)) {  // GCOVR_EXCL_BR_LINE: out of memory
                return false;                         // GCOVR_EXCL_LINE: (not provoked)
            }
            claimed_.set(slot);
            ++claimed_in_stack_;
            ++allocated_;
            return true;
        }

        /// @brief Every slot free, in ascending order, as at construction. O(n).
        void reset() noexcept {
            links_.clear();
            claimed_.clear();
            head_ = 0;
            allocated_ = 0;
            claimed_in_stack_ = 0;
        }

        /// @brief Whether `slot` is out. @pre `slot < capacity()`.
        [[nodiscard]] bool is_allocated(std::size_t slot) const noexcept {
            return links_[slot] == out || (claimed_in_stack_ != 0 && claimed_.test(slot));
        }
        /// @brief The number of slots.
        [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
        /// @brief The number of free slots.
        [[nodiscard]] std::size_t available() const noexcept { return capacity_ - allocated_; }
        /// @brief Heap bytes of bookkeeping (4 bytes a slot, +1 bit once acquire_slot has been
        /// used).
        [[nodiscard]] std::size_t bookkeeping_bytes() const noexcept {
            return links_.bytes() + claimed_.bytes();
        }

    private:
        // Unlinks `slot`, the top of the stack, and marks it out.
        void pop(std::size_t slot) noexcept {
            std::uint32_t& link = links_[slot];
            head_ = static_cast<std::uint32_t>(slot + 1 + link);
            link = out;
        }

        // acquire() once some slot taken by acquire_slot() is still in the stack: `slot`, just
        // popped, and the ones under it are passed over while they are such slots (they are
        // out already, and counted). Out of line: it keeps acquire() small enough to inline.
        OBJPOOL_DETAIL_NOINLINE std::size_t acquire_past_claimed(std::size_t slot) noexcept {
            while (claimed_.test_and_clear(slot)) {
                --claimed_in_stack_;
                slot = head_;
                if (slot == capacity_) {
                    return slot;
                }
                pop(slot);
                if (claimed_in_stack_ == 0) {
                    break;
                }
            }
            ++allocated_;
            return slot;
        }

        // The link of an out slot: next == slot. Slots are below capacity <= 2^32 - 1 and a
        // free slot's next is another slot or capacity, so no free slot's link is all ones.
        static constexpr std::uint32_t out = 0xFFFF'FFFFU;

        detail::ZeroedArray<std::uint32_t> links_;
        // Set while a slot taken by acquire_slot is in the stack; allocated by the first one.
        detail::AllocationBits claimed_;
        std::size_t capacity_;
        std::size_t head_ = 0;              // the first free slot; capacity_ when none is free
        std::size_t allocated_ = 0;         // slots out
        std::size_t claimed_in_stack_ = 0;  // set bits of claimed_
    };
};

}  // namespace objpool
