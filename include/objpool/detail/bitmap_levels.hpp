/// @file
/// @brief The level layout of a 64-ary bitmap tree, shared by the single-threaded and the
/// concurrent Bitmap free lists.
#pragma once

#include <cstddef>
#include <cstdint>

namespace objpool::detail {

// Where each level of a 64-ary bitmap tree over `capacity` slots starts in one array of words,
// level 0 (a bit a slot) first, each level above holding a bit a word of the level below, up to
// a single top word.
class BitmapLevels {
public:
    static constexpr std::size_t max_depth = 6;  // 64^6 > 2^32 slots

    // The words of every level together.
    static std::size_t word_count(std::size_t capacity) noexcept {
        std::size_t total = 0;
        for (std::size_t entries = capacity; entries > 1 || (total == 0 && entries == 1);) {
            entries = (entries + 63) / 64;
            total += entries;
        }
        return total;
    }

    // Lays the levels out over zeroed words. Where a level's last word is partial, calls
    // set_word(index, bits) with the bits past its end set, so that they look allocated
    // (level 0) or full (above) and are never chosen.
    template <class SetWord>
    void lay_out(std::size_t capacity, SetWord&& set_word) noexcept {
        depth_ = 0;
        std::size_t entries = capacity;
        std::size_t offset = 0;
        while (entries > 0 && (depth_ == 0 || entries > 1)) {
            offset_[depth_] = offset;
            const std::size_t words = (entries + 63) / 64;
            if (entries % 64 != 0) {
                set_word(offset + words - 1, ~std::uint64_t{0} << (entries % 64));
            }
            offset += words;
            entries = words;
            ++depth_;
        }
    }

    // The number of levels: 0 for no slot, 1 for a single word.
    [[nodiscard]] std::size_t depth() const noexcept { return depth_; }
    // The first word of `level`. @pre level < depth().
    [[nodiscard]] std::size_t offset(std::size_t level) const noexcept { return offset_[level]; }

private:
    std::size_t offset_[max_depth] = {};
    std::size_t depth_ = 0;
};

}  // namespace objpool::detail
