/// @file
/// @brief One atomic bit per slot: what keeps the double-free check exact under concurrency.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "atomic_array.hpp"

namespace objpool::detail {

/// @brief A bit per slot, all clear at creation, set and cleared with atomic read-modify-writes.
///
/// Bits of different slots share 64-bit words; fetch_or / fetch_and on a single-bit mask
/// change only that bit, so threads working on different slots never disturb each other.
class AtomicBits {
public:
    AtomicBits() noexcept = default;

    /// @brief `bits` clear bits. O(1) besides the allocation (zero pages).
    explicit AtomicBits(std::size_t bits) : words_((bits + 63) / 64) {}

    /// @brief Whether bit `bit` is set. Acquire: a set bit seen here comes with everything its
    /// setter did before setting it.
    [[nodiscard]] bool test(std::size_t bit) const noexcept {
        return (words_[bit / 64].load(std::memory_order_acquire) & mask(bit)) != 0;
    }

    /// @brief Sets bit `bit`; returns whether it was clear (whether this call set it).
    ///
    /// acq_rel: it publishes what the setter did before (release) to whoever later clears
    /// the bit, and sees what the previous clearer did (acquire).
    bool set(std::size_t bit) noexcept {
        return (words_[bit / 64].fetch_or(mask(bit), std::memory_order_acq_rel) & mask(bit)) == 0;
    }

    /// @brief Clears bit `bit`; returns whether it was set. Of several threads clearing the same
    /// set bit at once exactly one gets true: the read-modify-write is indivisible.
    bool test_and_clear(std::size_t bit) noexcept {
        return (words_[bit / 64].fetch_and(~mask(bit), std::memory_order_acq_rel) & mask(bit)) != 0;
    }

    /// @brief Heap bytes used.
    [[nodiscard]] std::size_t bytes() const noexcept { return words_.bytes(); }

private:
    static std::uint64_t mask(std::size_t bit) noexcept { return std::uint64_t{1} << (bit % 64); }

    AtomicArray<std::uint64_t> words_;
};

}  // namespace objpool::detail
