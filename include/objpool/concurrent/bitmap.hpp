/// @file
/// @brief objpool::concurrent::BitmapFreeList: the lock-free free list behind
/// ConcurrentIdPool<objpool::Bitmap> (atomic bitmap words with "full" summary hints).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "../detail/atomic_array.hpp"
#include "../detail/bitmap_levels.hpp"
#include "../detail/bits.hpp"
#include "../detail/concurrent_backoff.hpp"
#include "../detail/concurrent_counter.hpp"
#include "../policy/bitmap.hpp"
#include "policy.hpp"

namespace objpool::concurrent {

/// @brief Lock-free bitmap free list: `acquire` hands out the lowest free slot when no other
/// operation is in flight, and a low free slot under contention.
///
/// Data structure: the 64-ary hierarchy of objpool::Bitmap with atomic words. Level 0 holds one
/// bit a slot, set while the slot is allocated: that bit is the allocation bit, so the
/// double-release check is a test-and-clear. A bit of level k+1 is a summary *hint* that word
/// k below it is full.
///
/// - acquire: walks down from the top taking the lowest clear hint of each word, and at level 0
///   sets the lowest clear bit with a CAS (losing a race just moves it to the next clear bit of
///   the word). A hint that leads to a full word is repaired on the spot (helping) and the walk
///   restarts. If the top word says everything is full, the leaf words are scanned in order
///   (hints lag behind operations in flight), and the scan doubles as the exact exhaustion
///   check (below).
/// - release: clears the slot's level-0 bit with a CAS from the word's current value; a value
///   without the bit means "not allocated" (of two racing releases exactly one clears it). A
///   release into a *full* word (the only way a word goes from full to not full) is bracketed by
///   two counters, `refills_started_` before its CAS and `refills_finished_` after it.
/// - exhaustion: acquire answers "none" only after a scan that read every leaf word full, with
///   `refills_finished_ == refills_started_` read before the scan (no refill in flight) and
///   `refills_started_` unchanged after it (none began). Then no word read full went back to
///   not full before the last read, so at that moment every slot was allocated (linearization
///   point: the last word read). If a refill is in flight, the scan is repeated: the exhausted
///   answer waits for a release a few instructions from done (the only wait in this list).
/// - hints: whoever changes a word between full and not full (it knows from the value its
///   read-modify-write returned) re-syncs the parent bit: loop { read the word; set or clear
///   the parent bit to match; re-read the word } until the two reads agree, then does the same
///   one level up if that changed the parent's fullness. With all of these operations
///   sequentially consistent, the last write to a hint bit is followed by a read of its word
///   that no later fullness change escapes (whoever made that change re-syncs afterwards), so
///   once operations stop every hint is exact, and acquire again finds the lowest free slot.
///
/// A successful acquire linearizes at its level-0 CAS, a release at its level-0 CAS. Memory
/// order: those CASes are sequentially consistent read-modify-writes of the same word, so the
/// previous owner's writes are visible to the next. Progress: lock-free for every acquire that
/// finds a slot and for every release (a CAS fails, a hint is repaired or a scan misses only
/// because another operation progressed); the exhausted answer may wait for a refill in
/// flight. available() is a striped count (detail::StripedCounter), not a semaphore: an
/// uncontended get+free pair costs two locked instructions.
///
/// Memory: about 1.016 bits a slot, plus the refill counters and 16 count stripes on separate
/// cache lines.
class BitmapFreeList {
public:
    /// @brief All `capacity` slots free. O(depth): only each level's last word is written.
    /// @pre `capacity <= objpool::max_capacity` (the pools check it).
    /// @throws std::bad_alloc.
    explicit BitmapFreeList(std::size_t capacity)
        : words_(detail::BitmapLevels::word_count(capacity)),
          capacity_(capacity),
          leaf_words_((capacity + 63) / 64) {
        mark_past_the_end();
    }

    BitmapFreeList(const BitmapFreeList&) = delete;
    BitmapFreeList& operator=(const BitmapFreeList&) = delete;
    ~BitmapFreeList() = default;

    /// @brief The lowest free slot (a low one under contention), now allocated; capacity()
    /// when every slot is out.
    /// @par Complexity
    /// O(log64 n) expected; O(n/64) when hints lag behind concurrent operations and when every
    /// slot is out. Lock-free, except that the exhausted answer waits for a release into a full
    /// word that is in flight.
    std::size_t acquire() noexcept {
        if (levels_.depth() == 0) {
            return capacity_;
        }
        for (;;) {
            std::size_t slot = descend();
            if (slot == top_full) {
                slot = scan();
            }
            if (slot == exhausted) {
                return capacity_;
            }
            if (slot < capacity_) {
                count_.add(-1);
                return slot;
            }
        }
    }

    /// @brief Frees `slot` if it is allocated; false (and nothing changes) otherwise.
    /// @pre `slot < capacity()`.
    /// @par Complexity
    /// O(1) expected, O(log64 n) when the slot's word was full. Lock-free.
    bool release(std::size_t slot) noexcept {
        const std::size_t index = slot / 64;
        const std::uint64_t bit = std::uint64_t{1} << (slot % 64);
        auto&& word = words_[index];
        std::uint64_t old = word.load(std::memory_order_relaxed);
        for (;;) {
            if ((old & bit) == 0) {
                return false;
            }
            if (old == full) {
                return refill(index, bit);
            }
            // From a value that is not full: this release cannot end a "full" state.
            if (word.compare_exchange_weak(old, old & ~bit, std::memory_order_seq_cst,
                                           std::memory_order_relaxed)) {
                count_.add(1);
                return true;
            }
        }
    }

    /// @brief Takes `slot` if it is free; false (and nothing changes) otherwise: a CAS of its
    /// level-0 bit, as acquire() does, so of several threads taking or acquiring the same slot
    /// exactly one gets it. @pre `slot < capacity()`.
    /// @par Complexity
    /// O(1) expected, O(log64 n) when the slot's word becomes full. Lock-free.
    bool acquire_slot(std::size_t slot) noexcept {
        const std::size_t index = slot / 64;
        const std::uint64_t bit = std::uint64_t{1} << (slot % 64);
        auto&& word = words_[index];
        std::uint64_t old = word.load(std::memory_order_relaxed);
        do {
            if ((old & bit) != 0) {
                return false;
            }
        } while (!word.compare_exchange_weak(old, old | bit, std::memory_order_seq_cst,
                                             std::memory_order_relaxed));
        if ((old | bit) == full) {
            sync_hints(0, index);
        }
        count_.add(-1);
        return true;
    }

    /// @brief Every slot free, as at construction. O(n / 64).
    /// @pre No other call on this list is in flight.
    void reset() noexcept {
        words_.clear();
        mark_past_the_end();
        count_.reset();
    }

    /// @brief Every member but the constructor and destructor may be called from any number of
    /// threads at once: pools over this list are concurrent (objpool/free_list_traits.hpp).
    static constexpr bool is_thread_safe = true;

    /// @brief release() makes a slot available with a seq_cst read-modify-write of its leaf
    /// word (as is every write to a leaf word), and acquire() answers "none" only after seq_cst
    /// loads of every leaf word: this orders a free before a waiter's retry without a fence (see
    /// objpool/concurrent/policy.hpp).
    static constexpr bool publishes_seq_cst = true;

    /// @brief Whether `slot` is allocated. @pre `slot < capacity()`.
    [[nodiscard]] bool is_allocated(std::size_t slot) const noexcept {
        return ((words_[slot / 64].load(std::memory_order_acquire) >> (slot % 64)) & 1U) != 0;
    }
    /// @brief The number of slots.
    [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
    /// @brief The number of free slots (exact when no operation is in flight). O(16).
    [[nodiscard]] std::size_t available() const noexcept {
        const std::int64_t free = static_cast<std::int64_t>(capacity_) + count_.sum();
        return free <= 0                                    ? 0
               : static_cast<std::size_t>(free) > capacity_ ? capacity_
                                                            : static_cast<std::size_t>(free);
    }
    /// @brief Heap bytes used.
    [[nodiscard]] std::size_t bookkeeping_bytes() const noexcept { return words_.bytes(); }

private:
    static constexpr std::uint64_t full = ~std::uint64_t{0};
    // descend()'s and scan()'s results besides a slot: retry (a hint was repaired), the top
    // is full, every slot is out.
    static constexpr std::size_t retry = ~std::size_t{0};
    static constexpr std::size_t top_full = ~std::size_t{0} - 1;
    static constexpr std::size_t exhausted = ~std::size_t{0} - 2;

    // Lays the levels out over zeroed words (see detail::BitmapLevels). Runs before the list is
    // shared (or while no call is in flight).
    void mark_past_the_end() noexcept {
        levels_.lay_out(capacity_, [this](std::size_t index, std::uint64_t bits) {
            words_.initialise(index, bits);
        });
    }

    // Sets the lowest clear bit of leaf word `index`, starting from its value `bits`; returns
    // the slot, or capacity_ if the word is (now) full.
    std::size_t take_from_leaf(std::size_t index, std::uint64_t bits) noexcept {
        auto&& word = words_[index];
        while (bits != full) {
            const std::uint64_t bit = ~bits & (bits + 1);  // the lowest clear bit
            if (word.compare_exchange_weak(bits, bits | bit, std::memory_order_seq_cst,
                                           std::memory_order_seq_cst)) {
                if ((bits | bit) == full) {
                    sync_hints(0, index);
                }
                return index * 64 + detail::lowest_set_bit(bit);
            }
        }
        return capacity_;
    }

    // One walk from the top along the lowest clear hints: a slot, retry or top_full.
    std::size_t descend() noexcept {
        std::size_t index = 0;
        for (std::size_t level = levels_.depth(); level-- > 0;) {
            // acquire is enough above level 0: a stale hint costs a repair, not correctness.
            const std::uint64_t bits = words_[levels_.offset(level) + index].load(
                level == 0 ? std::memory_order_seq_cst : std::memory_order_acquire);
            if (bits != full && level == 0) {
                const std::size_t slot = take_from_leaf(index, bits);
                if (slot != capacity_) {
                    return slot;
                }
            }
            if (bits == full || level == 0) {
                if (level + 1 == levels_.depth()) {
                    return top_full;
                }
                sync_hints(level, index);  // our parent's hint said "not full": repair it
                return retry;
            }
            index = index * 64 + detail::lowest_set_bit(~bits);
        }
        return retry;  // GCOVR_EXCL_LINE: not reached (levels_.depth() >= 1 once a unit is
                       // reserved)
    }

    // Every leaf word in order, ignoring the hints: a slot, or exhausted when a whole scan saw
    // every word full with no refill in flight or begun (see the class comment).
    std::size_t scan() noexcept {
        detail::Backoff backoff;
        for (;;) {
            // finished before started: a refill counted in the first is counted in the second.
            const std::uint64_t finished = refills_finished_.load(std::memory_order_seq_cst);
            const std::uint64_t started = refills_started_.load(std::memory_order_seq_cst);
            for (std::size_t index = 0; index < leaf_words_; ++index) {
                const std::uint64_t bits = words_[index].load(std::memory_order_seq_cst);
                if (bits != full) {
                    // Returns only a slot or "the word is full now" (a read of it, full).
                    const std::size_t slot = take_from_leaf(index, bits);
                    if (slot != capacity_) {
                        return slot;
                    }
                }
            }
            if (started == finished &&
                refills_started_.load(std::memory_order_seq_cst) == started) {
                return exhausted;
            }
            backoff.pause();  // a release into a full word is in flight or began: look again
        }
    }

    // Clears `bit` of full-looking leaf word `index`, inside the refill brackets; false if the
    // bit is clear (another release won).
    bool refill(std::size_t index, std::uint64_t bit) noexcept {
        auto&& word = words_[index];
        refills_started_.fetch_add(1, std::memory_order_seq_cst);
        std::uint64_t old = full;
        while (!word.compare_exchange_weak(old, old & ~bit, std::memory_order_seq_cst,
                                           std::memory_order_seq_cst)) {
            // Only a double free racing with this one gets here (the word was full when read):
            // the racing-free tests reach it in some runs, no test can in every run.
            if ((old & bit) == 0) {  // GCOVR_EXCL_BR_LINE: a race, see above
                // GCOVR_EXCL_START: a race, see above
                refills_finished_.fetch_add(1, std::memory_order_seq_cst);
                return false;
                // GCOVR_EXCL_STOP
            }
        }
        refills_finished_.fetch_add(1, std::memory_order_seq_cst);
        if (old == full) {
            sync_hints(0, index);
        }
        count_.add(1);
        return true;
    }

    // Makes the hint bit of word `index` at `level` match the word's fullness, and goes up
    // while that changes the fullness of the parent word. Any thread may run it at any time.
    void sync_hints(std::size_t level, std::size_t index) noexcept {
        for (; level + 1 < levels_.depth(); ++level, index /= 64) {
            auto&& child = words_[levels_.offset(level) + index];
            auto&& parent = words_[levels_.offset(level + 1) + index / 64];
            const std::uint64_t bit = std::uint64_t{1} << (index % 64);
            bool parent_changed = false;
            bool child_full = child.load(std::memory_order_seq_cst) == full;
            for (;;) {
                const std::uint64_t old = child_full
                                              ? parent.fetch_or(bit, std::memory_order_seq_cst)
                                              : parent.fetch_and(~bit, std::memory_order_seq_cst);
                const std::uint64_t now = child_full ? old | bit : old & ~bit;
                parent_changed = parent_changed || ((old == full) != (now == full));
                const bool still_full = child.load(std::memory_order_seq_cst) == full;
                if (still_full == child_full) {
                    break;
                }
                child_full = still_full;
            }
            if (!parent_changed) {
                return;
            }
        }
    }

    detail::AtomicArray<std::uint64_t> words_;
    detail::BitmapLevels levels_;
    std::size_t capacity_;
    std::size_t leaf_words_;
    // Releases into a full word, begun and done: see scan(). Together on their own cache line.
    alignas(detail::cache_line_bytes) std::atomic<std::uint64_t> refills_started_{0};
    std::atomic<std::uint64_t> refills_finished_{0};
    detail::StripedCounter count_;  // releases minus acquires: available = capacity + it
};

}  // namespace objpool::concurrent

namespace objpool {

/// @brief objpool::Bitmap's concurrent free list is objpool::concurrent::BitmapFreeList.
template <>
struct concurrent_free_list<Bitmap> {
    /// @brief The thread-safe free list.
    using type = concurrent::BitmapFreeList;
};

}  // namespace objpool
