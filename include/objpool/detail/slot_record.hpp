/// @file
/// @brief What an object pool records per slot besides its free list, single-threaded and
/// thread-safe: which objects exist, which are out, and the high-water mark.
#pragma once

#include <atomic>
#include <cstddef>

#include "allocation_bits.hpp"
#include "atomic_array.hpp"
#include "atomic_bits.hpp"

namespace objpool::detail {

/// @brief The per-slot record of an object pool over a free list that is thread-safe
/// (`thread_safe`) or not; `own_out_bits`: whether the record keeps the "out" bits itself, or
/// the free list does (a list with claim / unclaim / release_claimed, see
/// objpool/free_list_traits.hpp, or any single-threaded list).
template <bool thread_safe, bool own_out_bits = thread_safe>
class SlotRecord;

/// @brief Single-threaded: the free list's allocation bit says which objects are out (so there
/// is nothing to mark, claim or count here), and, as single-threaded lists hand out never-used
/// slots in ascending order, one watermark says which objects have been constructed, less the
/// slots below it whose object was discarded (a bit each, and their count, so that the common
/// case, nothing discarded, costs one comparison).
template <>
class SlotRecord<false, false> {
public:
    /// `capacity` slots, none used. O(1) besides the allocation (zero pages).
    explicit SlotRecord(std::size_t capacity) : discarded_(capacity) {}

    /// Whether `slot`, just acquired, has no object yet (never handed out, or discarded).
    [[nodiscard]] bool first_use(std::size_t slot) const noexcept {
        return slot == used_ || (discarded_count_ != 0 && discarded_.test(slot));
    }
    /// Records that `slot` (for which first_use() held) has its object again.
    void note_first_use(std::size_t slot) noexcept {
        if (slot == used_) {
            used_ = slot + 1;
        } else {
            static_cast<void>(discarded_.test_and_clear(slot));
            --discarded_count_;
        }
    }
    /// Records that the object of `slot` (below the watermark) was destroyed: the slot's next
    /// use builds a new one.
    void forget(std::size_t slot) noexcept {
        discarded_.set(slot);
        ++discarded_count_;
    }
    /// Whether `slot` has an object (with Reuse): handed out before and not discarded since.
    [[nodiscard]] bool used(std::size_t slot) const noexcept {
        return slot < used_ && (discarded_count_ == 0 || !discarded_.test(slot));
    }
    /// One past the highest slot ever handed out.
    [[nodiscard]] std::size_t high_water_mark() const noexcept { return used_; }
    /// Heap bytes used.
    [[nodiscard]] std::size_t bytes() const noexcept { return discarded_.bytes(); }

private:
    std::size_t used_ = 0;             // slots below it have been handed out at least once
    std::size_t discarded_count_ = 0;  // bits set in discarded_
    AllocationBits discarded_;         // slots below used_ whose object was destroyed
};

/// @brief Thread-safe, over a free list that tracks which slots are out itself: one atomic
/// "used" bit a slot (thread-safe lists may hand never-used slots out in any order) and the
/// high-water mark.
template <>
class SlotRecord<true, false> {
public:
    /// `capacity` slots, none used. O(1) besides the allocation (zero pages).
    explicit SlotRecord(std::size_t capacity) : used_(capacity) {}

    // Only the slot's current holder touches its "used" bit (prefill and for_each_idle, which
    // touch idle slots, run alone), and the free list orders holders.

    /// Whether `slot`, just acquired, has never been handed out before.
    [[nodiscard]] bool first_use(std::size_t slot) const noexcept { return !used_.test(slot); }
    /// Records that `slot` (for which first_use() held) has been handed out.
    void note_first_use(std::size_t slot) noexcept {
        used_.set(slot);
        std::size_t mark = high_water_.load(std::memory_order_relaxed);
        while (mark < slot + 1 &&
               // A CAS lost to another thread's first use (a race): not provoked by the tests.
               !high_water_.compare_exchange_weak(  // GCOVR_EXCL_BR_LINE
                   mark, slot + 1, std::memory_order_release, std::memory_order_relaxed)) {
        }
    }
    /// Records that the object of `slot`, held by the caller, was destroyed: the slot's next
    /// use builds a new one.
    void forget(std::size_t slot) noexcept { static_cast<void>(used_.test_and_clear(slot)); }
    /// Whether `slot` has an object (with Reuse): handed out before and not discarded since.
    [[nodiscard]] bool used(std::size_t slot) const noexcept { return used_.test(slot); }
    /// One past the highest slot ever handed out.
    [[nodiscard]] std::size_t high_water_mark() const noexcept {
        return high_water_.load(std::memory_order_acquire);
    }
    /// Heap bytes used.
    [[nodiscard]] std::size_t bytes() const noexcept { return used_.bytes(); }

private:
    AtomicBits used_;  // set while the slot has an object (Reuse: constructed, not discarded)
    alignas(cache_line_bytes) std::atomic<std::size_t> high_water_{0};
};

/// @brief Thread-safe, over a free list whose release is one step: the "used" record above
/// plus one atomic "out" bit a slot. A free claims the object with a test-and-clear of its
/// "out" bit before the reset hook or destructor runs, so that of two racing frees exactly one
/// runs them; the slot reaches the free list after them.
template <>
class SlotRecord<true, true> : public SlotRecord<true, false> {
public:
    /// `capacity` slots, none out or used. O(1) besides the allocations (zero pages).
    explicit SlotRecord(std::size_t capacity) : SlotRecord<true, false>(capacity), out_(capacity) {}

    /// Marks `slot` out: the last step of a get.
    void set_out(std::size_t slot) noexcept { out_.set(slot); }
    /// Whether `slot` is out (an object being constructed or reset is not).
    [[nodiscard]] bool is_out(std::size_t slot) const noexcept { return out_.test(slot); }
    /// Takes `slot` back from its holder: true for exactly one of several racing callers.
    bool claim(std::size_t slot) noexcept { return out_.test_and_clear(slot); }
    /// Undoes claim() (the reset hook threw: the object stays out).
    void unclaim(std::size_t slot) noexcept { out_.set(slot); }
    /// Heap bytes used.
    [[nodiscard]] std::size_t bytes() const noexcept {
        return SlotRecord<true, false>::bytes() + out_.bytes();
    }

private:
    AtomicBits out_;  // set while the object is held by a user
};

}  // namespace objpool::detail
