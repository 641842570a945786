/// @file
/// @brief objpool::Lifo: hands out the slot freed most recently (a stack).
#pragma once

#include <cstddef>
#include <cstdint>

#include "../detail/allocation_bits.hpp"
#include "../detail/zeroed_array.hpp"

namespace objpool {

/// @brief Policy: `get` hands out the slot freed most recently; never-used slots in ascending
/// order when nothing freed is waiting.
///
/// Data structure: a stack of freed slot indices (4 bytes a slot) above a watermark of
/// never-used slots, plus one allocation bit a slot. The most recently freed object is the
/// one most likely still in cache, which makes Lifo the fastest choice for churn.
///
/// Memory: 4 bytes + 1 bit a slot. get and free: O(1), no allocation.
struct Lifo {
    /// @brief The free list (see objpool/policy.hpp for the interface).
    class FreeList {
    public:
        /// @brief All `capacity` slots free. O(1): the arrays are zero pages until touched.
        explicit FreeList(std::size_t capacity)
            : stack_(capacity), allocated_(capacity), capacity_(capacity) {}

        /// @brief The most recently freed slot, else the lowest never-used one, else capacity().
        std::size_t acquire() noexcept {
            std::size_t slot;
            if (top_ != 0) {
                slot = stack_[--top_];
            } else {
                slot = fresh_;
                if (slot == capacity_) {
                    return slot;
                }
                ++fresh_;
            }
            allocated_.set(slot);
            return slot;
        }

        /// @brief Pushes `slot` if it is out; false (and nothing changes) otherwise.
        bool release(std::size_t slot) noexcept {
            if (!allocated_.test_and_clear(slot)) {
                return false;
            }
            stack_[top_++] = static_cast<std::uint32_t>(slot);
            return true;
        }

        [[nodiscard]] bool is_allocated(std::size_t slot) const noexcept {
            return allocated_.test(slot);
        }
        [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
        [[nodiscard]] std::size_t available() const noexcept { return capacity_ - fresh_ + top_; }
        [[nodiscard]] std::size_t bookkeeping_bytes() const noexcept {
            return stack_.bytes() + allocated_.bytes();
        }

    private:
        detail::ZeroedArray<std::uint32_t> stack_;
        detail::AllocationBits allocated_;
        std::size_t capacity_;
        std::size_t top_ = 0;    // freed slots on the stack
        std::size_t fresh_ = 0;  // slots below it have been handed out at least once
    };
};

}  // namespace objpool
