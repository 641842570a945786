/// @file
/// @brief One "leased" mark per slot: which out objects are held by a lease (or a shared_ptr),
/// so that a free(T*) of one of them is refused at the free instead of failing later.
#pragma once

#include <atomic>
#include <cstddef>

#include "scattered_flags.hpp"
#include "zeroed_array.hpp"

namespace objpool::detail {

/// @brief The "leased" marks of an object pool that is thread-safe (`thread_safe`) or not.
///
/// Only the holder of an out object sets or clears its mark (the get that made the lease, the
/// adopt, the lease's give-back or release), so a mark is a byte written with a plain store, not
/// a bit: a get and free of one slot after another would otherwise chain a read-modify-write of
/// one word through memory (a lease get+free pair of a Lifo pool took 1.6x as long with bits).
/// A concurrent pool writes its bytes with relaxed stores (objpool::detail::ScatteredFlags, so
/// that threads working on neighbouring slots do not share a cache line). A free(T*) that
/// happens after the get sees the mark.
template <bool thread_safe>
class LeaseMarks;

/// @brief Single-threaded: a byte per slot.
template <>
class LeaseMarks<false> {
public:
    /// `capacity` slots, none leased. O(1) besides the allocation (zero pages).
    explicit LeaseMarks(std::size_t capacity) : bytes_(capacity) {}

    [[nodiscard]] bool test(std::size_t slot) const noexcept { return bytes_[slot] != 0; }
    void set(std::size_t slot) noexcept { bytes_[slot] = 1; }
    void clear(std::size_t slot) noexcept { bytes_[slot] = 0; }
    /// Heap bytes used.
    [[nodiscard]] std::size_t bytes() const noexcept { return bytes_.bytes(); }

private:
    ZeroedArray<unsigned char> bytes_;
};

/// @brief Thread-safe: a byte per slot, scattered over cache lines.
template <>
class LeaseMarks<true> {
public:
    /// `capacity` slots, none leased. O(1) besides the allocation (zero pages).
    explicit LeaseMarks(std::size_t capacity) : bytes_(capacity) {}

    [[nodiscard]] bool test(std::size_t slot) const noexcept {
        return bytes_[slot].load(std::memory_order_relaxed) != 0;
    }
    void set(std::size_t slot) noexcept { bytes_[slot].store(1, std::memory_order_relaxed); }
    void clear(std::size_t slot) noexcept { bytes_[slot].store(0, std::memory_order_relaxed); }
    /// Heap bytes used.
    [[nodiscard]] std::size_t bytes() const noexcept { return bytes_.bytes(); }

private:
    ScatteredFlags bytes_;
};

}  // namespace objpool::detail
