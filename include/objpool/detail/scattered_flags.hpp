/// @file
/// @brief One atomic byte per slot, laid out so that slots with neighbouring numbers sit on
/// different cache lines.
#pragma once

#include <cstddef>
#include <cstdint>

#include "atomic_array.hpp"

namespace objpool::detail {

/// @brief `size` atomic bytes, all 0 at creation, where byte `slot` of slots 0, 1, 2, ... lies
/// in row 0, 1, 2, ... of a table whose rows are at least a cache line long.
///
/// Free lists hand out runs of neighbouring slots (a fresh list's order, or a thread cache's
/// batch), so threads that work on different runs would otherwise write bytes of one cache line
/// and slow each other down (false sharing). Here slot s lives in row s mod rows, at column
/// s / rows, with `rows` a power of two such that each row is 64 to 127 bytes: two slots share
/// a cache line only when their numbers differ by a multiple of `rows` (capacity / 64 rounded
/// down to a power of two).
///
/// Memory: `size` bytes plus less than one byte per 64 slots, zero pages until written (the
/// rows of a run of slots are neighbours, so a run of n slots touches about 64 n bytes).
class ScatteredFlags {
public:
    ScatteredFlags() noexcept = default;

    /// @brief `size` bytes, all 0. O(1) besides the allocation.
    /// @throws std::bad_alloc when the memory cannot be had.
    explicit ScatteredFlags(std::size_t size)
        : row_shift_(row_shift_for(size)),
          row_bytes_(((size >> row_shift_) + ((size & row_mask()) != 0 ? 1 : 0))),
          bytes_(row_bytes_ << row_shift_) {}

    /// @brief Atomic access to the byte of `slot`. @pre `slot < size` given at construction.
    AtomicArray<std::uint8_t>::Reference operator[](std::size_t slot) const noexcept {
        return bytes_[(slot & row_mask()) * row_bytes_ + (slot >> row_shift_)];
    }

    /// @brief Every byte back to 0. @pre no other thread accesses the flags meanwhile.
    void clear() noexcept { bytes_.clear(); }

    /// @brief Heap bytes used.
    [[nodiscard]] std::size_t bytes() const noexcept { return bytes_.bytes(); }

private:
    // log2 of the number of rows: the largest power of two not above size / 64, or 0 (one row)
    // when size is under 64.
    static unsigned row_shift_for(std::size_t size) noexcept {
        unsigned shift = 0;
        while ((std::size_t{2} << shift) * cache_line_bytes <= size) {
            ++shift;
        }
        return shift;
    }

    [[nodiscard]] std::size_t row_mask() const noexcept {
        return (std::size_t{1} << row_shift_) - 1;
    }

    unsigned row_shift_ = 0;
    std::size_t row_bytes_ = 0;
    AtomicArray<std::uint8_t> bytes_;
};

}  // namespace objpool::detail
