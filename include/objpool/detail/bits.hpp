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

/// Keeps a hot path inline even where the compiler's heuristics would not (clang left the
/// lease paths out of line, tripling their cost). Overridable: the coverage build defines it as
/// plain `inline` so that each branch is counted once, not once per call site.
#if defined(OBJPOOL_DETAIL_ALWAYS_INLINE)
#elif defined(__GNUC__) || defined(__clang__)
#define OBJPOOL_DETAIL_ALWAYS_INLINE inline __attribute__((always_inline))
#elif defined(_MSC_VER)
#define OBJPOOL_DETAIL_ALWAYS_INLINE __forceinline
#else
#define OBJPOOL_DETAIL_ALWAYS_INLINE inline
#endif

/// Tells the optimiser that `condition` holds (an invariant the code maintains), so that a
/// caller's redundant check can be dropped. The condition must have no side effects.
/// Overridable, as OBJPOOL_DETAIL_ALWAYS_INLINE: the coverage build defines it as nothing, since
/// the other side of g++'s `condition ? void() : __builtin_unreachable()` is no decision of the
/// code but a hint that gcov would count as a branch never taken.
#if defined(OBJPOOL_DETAIL_ASSUME)
#elif defined(__clang__)
#define OBJPOOL_DETAIL_ASSUME(condition) __builtin_assume(condition)
#elif defined(__GNUC__)
#define OBJPOOL_DETAIL_ASSUME(condition) \
    ((condition) ? static_cast<void>(0) : __builtin_unreachable())
#elif defined(_MSC_VER)
#define OBJPOOL_DETAIL_ASSUME(condition) __assume(condition)
#else
#define OBJPOOL_DETAIL_ASSUME(condition) static_cast<void>(0)
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
