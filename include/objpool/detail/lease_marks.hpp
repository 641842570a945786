/// @file
/// @brief One "leased" mark per slot: which out objects are held by a lease (or a shared_ptr),
/// so that a free(T*) of one of them is refused at the free instead of failing later.
#pragma once

#include <atomic>
#include <cstddef>

#include "allocation_bits.hpp"
#include "scattered_flags.hpp"

namespace objpool::detail {

/// @brief The "leased" marks of an object pool that is thread-safe (`thread_safe`) or not.
///
/// Only the holder of an out object sets or clears its mark (the get that made the lease, the
/// adopt, the lease's give-back or release), so a mark needs no read-modify-write: a
/// single-threaded pool keeps a bit per slot, a concurrent one a byte per slot written with
/// relaxed stores (objpool::detail::ScatteredFlags, so that threads working on neighbouring
/// slots do not share a cache line). A free(T*) that happens after the get sees the mark.
template <bool thread_safe>
class LeaseMarks;

/// @brief Single-threaded: a bit per slot.
template <>
class LeaseMarks<false> {
public:
    /// `capacity` slots, none leased. O(1) besides the allocation (zero pages).
    explicit LeaseMarks(std::size_t capacity) : bits_(capacity) {}

    [[nodiscard]] bool test(std::size_t slot) const noexcept { return bits_.test(slot); }
    void set(std::size_t slot) noexcept { bits_.set(slot); }
    void clear(std::size_t slot) noexcept { bits_.clear(slot); }
    /// Heap bytes used.
    [[nodiscard]] std::size_t bytes() const noexcept { return bits_.bytes(); }

private:
    AllocationBits bits_;
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
