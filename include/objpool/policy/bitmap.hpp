/// @file
/// @brief objpool::Bitmap: hands out the lowest-numbered free slot (a 64-ary bitmap tree).
#pragma once

#include <cstddef>
#include <cstdint>

#include "../detail/bits.hpp"
#include "../detail/zeroed_array.hpp"

namespace objpool {

/// @brief Policy: `get` hands out the lowest-numbered free slot.
///
/// Data structure: a hierarchy of 64-bit words. Level 0 holds one bit a slot, set while the
/// slot is out; each bit of level k+1 is set while the whole word below it at level k is
/// full. The top level is one word. `get` walks down from the top taking the lowest clear bit
/// of each word (count-trailing-zeros of the complement), then sets the slot's bit and, only
/// where a word becomes full, its parent's bit; `free` clears bits upward while words stop
/// being full. The depth is fixed at construction (at most 6 levels for 2^32 slots).
///
/// ```
///  level 2 (top)         [ 0 1 0 ... ]          bit j set: word j of level 1 is full
///                           |  \__________
///  level 1        [ 1 1 0 ... ]      [ 1 1 1 ... 1 ]        bit i: word i of level 0 full
///                   |
///  level 0      [ 1 1 1 0 1 ... ]  ...                      bit s: slot s is out
/// ```
///
/// The lowest free id keeps the set of live ids dense, which suits ids used as array indices.
/// Bits past the capacity are set at construction, so they never look free.
///
/// Memory: about 1.016 bits a slot (n + n/64 + n/4096 + ... bits). get and free: O(log64 n),
/// no allocation.
struct Bitmap {
    /// @brief The free list (see objpool/policy.hpp for the interface).
    class FreeList {
    public:
        /// @brief All `capacity` slots free. O(depth): only each level's last word is written.
        explicit FreeList(std::size_t capacity) : words_(word_count(capacity)), capacity_(capacity) {
            std::size_t entries = capacity;
            std::size_t offset = 0;
            while (entries > 0 && (depth_ == 0 || entries > 1)) {
                offset_[depth_] = offset;
                const std::size_t words = (entries + 63) / 64;
                if (entries % 64 != 0) {
                    words_[offset + words - 1] = ~std::uint64_t{0} << (entries % 64);
                }
                offset += words;
                entries = words;
                ++depth_;
            }
        }

        /// @brief The lowest free slot, now out; capacity() when none is free.
        std::size_t acquire() noexcept {
            if (allocated_ == capacity_) {
                return capacity_;
            }
            std::size_t slot = 0;
            for (std::size_t level = depth_; level-- > 0;) {
                slot = slot * 64 + detail::lowest_set_bit(~words_[offset_[level] + slot]);
            }
            std::size_t position = slot;
            for (std::size_t level = 0; level < depth_; ++level) {
                std::uint64_t& word = words_[offset_[level] + position / 64];
                word |= std::uint64_t{1} << (position % 64);
                if (word != ~std::uint64_t{0}) {
                    break;
                }
                position /= 64;
            }
            ++allocated_;
            return slot;
        }

        /// @brief Clears `slot`'s bit if it is out; false (and nothing changes) otherwise.
        bool release(std::size_t slot) noexcept {
            std::uint64_t& leaf = words_[offset_[0] + slot / 64];
            const std::uint64_t bit = std::uint64_t{1} << (slot % 64);
            if ((leaf & bit) == 0) {
                return false;
            }
            bool was_full = leaf == ~std::uint64_t{0};
            leaf &= ~bit;
            std::size_t position = slot / 64;
            for (std::size_t level = 1; was_full && level < depth_; ++level) {
                std::uint64_t& word = words_[offset_[level] + position / 64];
                was_full = word == ~std::uint64_t{0};
                word &= ~(std::uint64_t{1} << (position % 64));
                position /= 64;
            }
            --allocated_;
            return true;
        }

        [[nodiscard]] bool is_allocated(std::size_t slot) const noexcept {
            return ((words_[offset_[0] + slot / 64] >> (slot % 64)) & 1U) != 0;
        }
        [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
        [[nodiscard]] std::size_t available() const noexcept { return capacity_ - allocated_; }
        [[nodiscard]] std::size_t bookkeeping_bytes() const noexcept { return words_.bytes(); }

    private:
        static constexpr std::size_t max_depth = 6;  // 64^6 > 2^32 slots

        static std::size_t word_count(std::size_t capacity) noexcept {
            std::size_t total = 0;
            for (std::size_t entries = capacity; entries > 1 || (total == 0 && entries == 1);) {
                entries = (entries + 63) / 64;
                total += entries;
            }
            return total;
        }

        detail::ZeroedArray<std::uint64_t> words_;
        std::size_t offset_[max_depth] = {};  // first word of each level, level 0 first
        std::size_t depth_ = 0;
        std::size_t capacity_;
        std::size_t allocated_ = 0;
    };
};

}  // namespace objpool
