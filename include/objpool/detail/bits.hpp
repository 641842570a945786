/// @file
/// @brief Bit scanning used by the policies.
#pragma once

#include <cstdint>

#if defined(_MSC_VER) && !defined(__clang__)
#include <intrin.h>
#endif

/// Keeps a rarely taken path out of line, so that the hot path around it stays small enough to
/// inline.
#if defined(__GNUC__) || defined(__clang__)
#define OBJPOOL_DETAIL_NOINLINE __attribute__((noinline))
#elif defined(_MSC_VER)
#define OBJPOOL_DETAIL_NOINLINE __declspec(noinline)
#else
#define OBJPOOL_DETAIL_NOINLINE
#endif

namespace objpool::detail {

/// Index of the lowest set bit of `word`. Precondition: `word != 0`.
inline unsigned lowest_set_bit(std::uint64_t word) noexcept {
#if defined(__GNUC__) || defined(__clang__)
    return static_cast<unsigned>(__builtin_ctzll(word));
#elif defined(_MSC_VER)
    unsigned long index;
    _BitScanForward64(&index, word);
    return static_cast<unsigned>(index);
#else
    unsigned index = 0;
    while ((word & 1U) == 0) {
        word >>= 1U;
        ++index;
    }
    return index;
#endif
}

}  // namespace objpool::detail
