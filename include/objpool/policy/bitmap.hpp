/// @file
/// @brief objpool::Bitmap: hands out the lowest-numbered free slot (a 64-ary bitmap tree).
#pragma once

#include <cstddef>
#include <cstdint>

#include "../detail/bitmap_levels.hpp"
#include "../detail/bits.hpp"
#include "../detail/zeroed_array.hpp"

namespace objpool {

/// @brief Policy: `get` hands out the lowest-numbered free slot.
///
/// Data structure: a hierarchy of 64-bit words. Level 0 holds one bit a slot, set while the
/// slot is out; each bit of level k+1 is set while the whole word below it at level k is
/// full. The top level is one word. `get` takes the lowest clear bit (count-trailing-zeros of
/// the complement) of the lowest leaf word that is not full: a remembered lower bound on it
/// (every leaf word below is full; `free` lowers it) usually is that word, and only when it
/// has filled up does `get` walk down from the top taking the lowest clear bit of each word.
/// It then sets the slot's bit and, only where a word becomes full, its parent's bit; `free`
/// clears bits upward while words stop being full. The depth is fixed at construction (at
/// most 6 levels for 2^32 slots).
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
        explicit FreeList(std::size_t capacity)
            : words_(detail::BitmapLevels::word_count(capacity)), capacity_(capacity) {
            mark_past_the_end();
        }

        /// @brief The lowest free slot, now out; capacity() when none is free.
        std::size_t acquire() noexcept {
            if (allocated_ == capacity_) {
                return capacity_;
            }
            ++allocated_;
            // Every leaf word below lowest_ is full, so when lowest_'s word has a clear bit it
            // holds the lowest free slot; only otherwise walk down from the top.
            std::size_t leaf = lowest_;
            if (words_[leaf] == full) {
                leaf = lowest_not_full();
                lowest_ = leaf;
            }
            std::uint64_t& word = words_[leaf];
            const std::size_t slot = leaf * 64 + detail::lowest_set_bit(~word);
            word |= std::uint64_t{1} << (slot % 64);
            if (word == full) {
                mark_full(leaf);
            }
            return slot;
        }

        /// @brief Clears `slot`'s bit if it is out; false (and nothing changes) otherwise.
        bool release(std::size_t slot) noexcept {
            std::uint64_t& leaf = words_[slot / 64];
            const std::uint64_t bit = std::uint64_t{1} << (slot % 64);
            if ((leaf & bit) == 0) {
                return false;
            }
            const bool was_full = leaf == full;
            leaf &= ~bit;
            if (was_full) {
                mark_not_full(slot / 64);
            }
            lowest_ = slot / 64 < lowest_ ? slot / 64 : lowest_;
            --allocated_;
            return true;
        }

        /// @brief Takes `slot` if it is free; false (and nothing changes) otherwise. The lowest
        /// free slot still comes next. @pre `slot < capacity()`.
        /// @par Complexity
        /// O(1), O(log64 n) when the slot's word becomes full.
        bool acquire_slot(std::size_t slot) noexcept {
            std::uint64_t& leaf = words_[slot / 64];
            const std::uint64_t bit = std::uint64_t{1} << (slot % 64);
            if ((leaf & bit) != 0) {
                return false;
            }
            ++allocated_;
            leaf |= bit;
            // Every leaf word below lowest_ stays full: setting a bit keeps that true.
            if (leaf == full) {
                mark_full(slot / 64);
            }
            return true;
        }

        /// @brief Every slot free, as at construction. O(n / 64).
        void reset() noexcept {
            words_.clear();
            allocated_ = 0;
            lowest_ = 0;
            mark_past_the_end();
        }

        /// @brief Whether `slot` is out. @pre `slot < capacity()`.
        [[nodiscard]] bool is_allocated(std::size_t slot) const noexcept {
            return ((words_[levels_.offset(0) + slot / 64] >> (slot % 64)) & 1U) != 0;
        }
        /// @brief The number of slots.
        [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
        /// @brief The number of free slots.
        [[nodiscard]] std::size_t available() const noexcept { return capacity_ - allocated_; }
        /// @brief Heap bytes of bookkeeping (about 1.016 bits a slot).
        [[nodiscard]] std::size_t bookkeeping_bytes() const noexcept { return words_.bytes(); }

    private:
        static constexpr std::uint64_t full = ~std::uint64_t{0};

        // The lowest leaf word with a clear bit, walking down from the top.
        [[nodiscard]] OBJPOOL_DETAIL_NOINLINE std::size_t lowest_not_full() const noexcept {
            std::size_t leaf = 0;
            for (std::size_t level = levels_.depth(); level-- > 1;) {
                leaf = leaf * 64 + detail::lowest_set_bit(~words_[levels_.offset(level) + leaf]);
            }
            return leaf;
        }

        // Lays the levels out over zeroed words (see detail::BitmapLevels).
        void mark_past_the_end() noexcept {
            levels_.lay_out(
                capacity_, [this](std::size_t index, std::uint64_t bits) { words_[index] = bits; });
        }

        // Leaf word `leaf` has just become full: sets its bit one level up, and so on while
        // words become full. Out of line (churn rarely gets here), dispatched once on the depth
        // to a loop unrolled for it and free of data-dependent branches: how far fullness
        // climbs is unpredictable under random use, the depth is not.
        OBJPOOL_DETAIL_NOINLINE void mark_full(std::size_t leaf) noexcept {
            switch (levels_.depth()) {
                case 2:
                    return mark_full_at<2>(leaf);
                case 3:
                    return mark_full_at<3>(leaf);
                case 4:
                    return mark_full_at<4>(leaf);
                case 5:
                    return mark_full_at<5>(leaf);
                case 6:
                    return mark_full_at<6>(leaf);
                default:
                    return;  // a single word: nothing above it
            }
        }

        // Leaf word `leaf` was full and no longer is: clears its bit one level up, and so on
        // while words were full. As mark_full().
        OBJPOOL_DETAIL_NOINLINE void mark_not_full(std::size_t leaf) noexcept {
            switch (levels_.depth()) {
                case 2:
                    return mark_not_full_at<2>(leaf);
                case 3:
                    return mark_not_full_at<3>(leaf);
                case 4:
                    return mark_not_full_at<4>(leaf);
                case 5:
                    return mark_not_full_at<5>(leaf);
                case 6:
                    return mark_not_full_at<6>(leaf);
                default:
                    return;
            }
        }

        template <std::size_t Depth>
        void mark_full_at(std::size_t position) noexcept {
            std::uint64_t became_full = 1;
            for (std::size_t level = 1; level < Depth; ++level) {
                std::uint64_t& parent = words_[levels_.offset(level) + position / 64];
                parent |= became_full << (position % 64);
                became_full &= parent == full ? 1U : 0U;
                position /= 64;
            }
        }

        template <std::size_t Depth>
        void mark_not_full_at(std::size_t position) noexcept {
            std::uint64_t was_full = 1;
            for (std::size_t level = 1; level < Depth; ++level) {
                std::uint64_t& parent = words_[levels_.offset(level) + position / 64];
                const std::uint64_t parent_was_full = parent == full ? 1U : 0U;
                parent &= ~(was_full << (position % 64));
                was_full &= parent_was_full;
                position /= 64;
            }
        }

        detail::ZeroedArray<std::uint64_t> words_;
        detail::BitmapLevels levels_;
        std::size_t capacity_;
        std::size_t allocated_ = 0;
        std::size_t lowest_ = 0;  // every leaf word below it is full
    };
};

}  // namespace objpool
