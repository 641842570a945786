/// @file
/// @brief Zero-initialised arrays of atomically accessed integers, created without per-element
/// work.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>

#include "zeroed_array.hpp"

namespace objpool::detail {

/// @brief The size the concurrent pools pad their shared counters to, so that two counters
/// written by different threads never share a cache line (false sharing).
///
/// A constant rather than std::hardware_destructive_interference_size: that value may differ
/// between translation units compiled with different tuning flags, which would break the ODR
/// of these headers (g++ warns about exactly this).
inline constexpr std::size_t cache_line_bytes = 64;

/// @brief An owning array of `size` integers of type T, all zero at creation, each accessed
/// atomically through operator[].
///
/// Like ZeroedArray, the memory comes from `std::calloc`, so creating an array of 10^7
/// elements touches no page. Access goes through `std::atomic_ref<T>` where the library has
/// it (C++20); otherwise the zeroed memory is used as `std::atomic<T>` objects. The latter
/// relies on what every mainstream standard library guarantees for lock-free integer atomics
/// (libstdc++, libc++, MSVC's STL): `std::atomic<T>` has the size, alignment and object
/// representation of T, so all-zero bytes are an atomic holding 0. The static_asserts below
/// check the parts of that assumption the compiler can see.
///
/// @tparam T an unsigned integer type whose atomics are always lock-free.
template <class T>
class AtomicArray {
    static_assert(std::is_integral_v<T> && std::is_unsigned_v<T>,
                  "objpool: AtomicArray holds unsigned integers");
    static_assert(std::atomic<T>::is_always_lock_free,
                  "objpool: the concurrent pools need lock-free atomics of this width");

public:
#if defined(__cpp_lib_atomic_ref) && __cpp_lib_atomic_ref >= 201806L
    /// @brief What operator[] returns: an atomic view of one element.
    using Reference = std::atomic_ref<T>;
#else
    static_assert(sizeof(std::atomic<T>) == sizeof(T) && alignof(std::atomic<T>) == alignof(T),
                  "objpool: std::atomic<T> must have the layout of T");
    /// @brief What operator[] returns: an atomic view of one element.
    using Reference = std::atomic<T>&;
#endif

    AtomicArray() noexcept = default;

    /// @brief `size` elements, all 0. O(1) besides the allocation.
    /// @throws std::bad_alloc when the memory cannot be had.
    explicit AtomicArray(std::size_t size) : values_(size) {}

    /// @brief Atomic access to element `index`. @pre `index < size()`.
    Reference operator[](std::size_t index) const noexcept {
#if defined(__cpp_lib_atomic_ref) && __cpp_lib_atomic_ref >= 201806L
        return Reference(values_[index]);
#else
        return *std::launder(reinterpret_cast<std::atomic<T>*>(&values_[index]));
#endif
    }

    /// @brief Plain (non-atomic) write, for constructors that run before the array is shared.
    void initialise(std::size_t index, T value) noexcept {
        values_[index] = value;
    }

    /// @brief Every element back to zero (plain writes). @pre no other thread accesses the
    /// array meanwhile.
    void clear() noexcept {
        values_.clear();
    }

    /// @brief The number of elements.
    [[nodiscard]] std::size_t size() const noexcept {
        return values_.size();
    }
    /// @brief Heap bytes used.
    [[nodiscard]] std::size_t bytes() const noexcept {
        return values_.bytes();
    }

private:
    // mutable: atomic access from const members (loads) needs a non-const object.
    mutable ZeroedArray<T> values_;
};

}  // namespace objpool::detail
