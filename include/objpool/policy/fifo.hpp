/// @file
/// @brief objpool::Fifo: hands out the slot freed longest ago (a ring).
#pragma once

#include <cstddef>
#include <cstdint>

#include "../detail/allocation_bits.hpp"
#include "../detail/zeroed_array.hpp"

namespace objpool {

/// @brief Policy: `get` hands out the slot freed longest ago. Never-used slots count as freed
/// before all others: they come first, in ascending order, then freed slots in the order
/// they were freed.
///
/// Data structure: a ring of `capacity` freed slot indices (4 bytes a slot) with a read and
/// a write position, a watermark of never-used slots, and one allocation bit a slot. The ring
/// cannot overflow: it never holds more than the slots that are neither out nor never-used.
/// Fifo spreads reuse evenly over all slots, which delays the reuse of an id as long as
/// possible (useful when stale ids may still be in flight).
///
/// Memory: 4 bytes + 1 bit a slot. get and free: O(1), no allocation.
struct Fifo {
    /// @brief The free list (see objpool/policy.hpp for the interface).
    class FreeList {
    public:
        /// @brief All `capacity` slots free. O(1): the arrays are zero pages until touched.
        explicit FreeList(std::size_t capacity)
            : ring_(capacity), allocated_(capacity), capacity_(capacity) {}

        /// @brief The lowest never-used slot, else the slot freed longest ago, else capacity().
        std::size_t acquire() noexcept {
            std::size_t slot = fresh_;
            if (slot != capacity_) {
                ++fresh_;
            } else {
                if (queued_ == 0) {
                    return capacity_;
                }
                --queued_;
                slot = ring_[head_];
                head_ = next(head_);
            }
            allocated_.set(slot);
            return slot;
        }

        /// @brief Queues `slot` if it is out; false (and nothing changes) otherwise.
        bool release(std::size_t slot) noexcept {
            if (!allocated_.test_and_clear(slot)) {
                return false;
            }
            ring_[tail_] = static_cast<std::uint32_t>(slot);
            tail_ = next(tail_);
            ++queued_;
            return true;
        }

        /// @brief Undoes the acquire() that just returned `slot`: the list is as before that
        /// call, so `slot` comes out next again (a pool calls it when building the object
        /// throws; release() would queue the slot last instead).
        void unacquire(std::size_t slot) noexcept {
            allocated_.test_and_clear(slot);
            // Taken from the ring, `slot` is the entry just before head_. Taken fresh, it was
            // never out, so it is not in the ring, except as the ring's initial zero when the
            // capacity is 1, where putting it back in the ring is an equivalent state.
            const std::size_t previous = head_ == 0 ? capacity_ - 1 : head_ - 1;
            if (fresh_ == capacity_ && ring_[previous] == slot) {
                head_ = previous;
                ++queued_;
            } else {
                --fresh_;
            }
        }

        /// @brief Whether `slot` is out. @pre `slot < capacity()`.

        [[nodiscard]] bool is_allocated(std::size_t slot) const noexcept {
            return allocated_.test(slot);
        }
        /// @brief The number of slots.
        [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
        /// @brief The number of free slots.
        [[nodiscard]] std::size_t available() const noexcept {
            return capacity_ - fresh_ + queued_;
        }
        /// @brief Heap bytes of bookkeeping (4 bytes + 1 bit a slot).
        [[nodiscard]] std::size_t bookkeeping_bytes() const noexcept {
            return ring_.bytes() + allocated_.bytes();
        }

    private:
        [[nodiscard]] std::size_t next(std::size_t position) const noexcept {
            return position + 1 == capacity_ ? 0 : position + 1;
        }

        detail::ZeroedArray<std::uint32_t> ring_;
        detail::AllocationBits allocated_;
        std::size_t capacity_;
        std::size_t head_ = 0;    // next freed slot to hand out
        std::size_t tail_ = 0;    // where the next freed slot goes
        std::size_t queued_ = 0;  // freed slots in the ring
        std::size_t fresh_ = 0;   // slots below it have been handed out at least once
    };
};

}  // namespace objpool
