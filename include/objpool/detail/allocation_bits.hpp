/// @file
/// @brief One bit per slot saying whether it is out: what makes the double-free check exact.
#pragma once

#include <cstddef>
#include <cstdint>

#include "zeroed_array.hpp"

namespace objpool::detail {

/// @brief A bit per slot, 1 while the slot is allocated; all zero (all free) at creation.
class AllocationBits {
public:
    AllocationBits() = default;

    explicit AllocationBits(std::size_t slots) : words_((slots + 63) / 64) {}

    [[nodiscard]] bool test(std::size_t slot) const noexcept {
        return ((words_[slot / 64] >> (slot % 64)) & 1U) != 0;
    }

    void set(std::size_t slot) noexcept { words_[slot / 64] |= mask(slot); }

    /// Clears the bit if it was set; returns whether it was.
    bool test_and_clear(std::size_t slot) noexcept {
        std::uint64_t& word = words_[slot / 64];
        const std::uint64_t bit = mask(slot);
        if ((word & bit) == 0) {
            return false;
        }
        word &= ~bit;
        return true;
    }

    [[nodiscard]] std::size_t bytes() const noexcept { return words_.bytes(); }

private:
    static std::uint64_t mask(std::size_t slot) noexcept { return std::uint64_t{1} << (slot % 64); }

    ZeroedArray<std::uint64_t> words_;
};

}  // namespace objpool::detail
