/// @file
/// @brief objpool::ThreadCached: a policy wrapper that gives each thread a small cache of free
/// slots in front of a concurrent free list, so that a get+free pair on one thread touches only
/// memory that thread owns.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "../config.hpp"
#include "../detail/atomic_array.hpp"
#include "../detail/bits.hpp"
#include "../detail/scattered_flags.hpp"
#include "../detail/thread_cache.hpp"
#include "policy.hpp"

namespace objpool {

/// @brief Policy wrapper for the concurrent pools: `ConcurrentObjectPool<T, ThreadCached<Lifo>>`,
/// `ConcurrentIdPool<ThreadCached<Bitmap>>`.
///
/// Each thread keeps, per pool, a stack of up to `cache_capacity()` free slots (a magazine, as
/// in DPDK's per-core mempool caches or tcmalloc's thread caches). get pops the calling thread's
/// stack and free pushes onto it; only when the stack is empty (get) or full (free) does the
/// thread move half a stack's worth of slots from or to the shared free list of `Policy`, one
/// slot at a time through that list's acquire and release. In steady state a get+free pair on
/// one thread therefore writes no cache line that another thread writes.
///
/// - **Double-free check, exact under races.** One byte per slot says whether the slot is out
///   (laid out so that neighbouring slots, which threads tend to take in runs, use different
///   cache lines).
///   free clears it with an atomic exchange and refuses the slot when it was already clear, so
///   of two threads freeing the same slot at once exactly one succeeds (this needs one atomic
///   read-modify-write per free; a get from the cache needs none: a plain store marks the slot
///   out, since no other thread can hand it out while it sits in this thread's cache).
/// - **Any thread may free a slot got on another.** The slot goes into the freeing thread's
///   cache. What the previous holder wrote is visible to the next: a slot that stays on one
///   thread is ordered by that thread, and one that changes threads goes through the shared
///   list, which orders release before acquire.
/// - **Exhaustion is bounded, not exact.** get fails when the calling thread's cache and the
///   shared list are empty; free slots may then still sit in other threads' caches, at most
///   `cache_capacity()` a thread. Other threads' caches are not drained: that would put a
///   locked instruction on every cache operation.
/// - **Blocking gets.** A free that finds a thread blocked in get_for / get_until moves the
///   freeing thread's whole cache to the shared list before it wakes the waiter, so a waiter is
///   never left asleep by frees that happen after it started waiting.
/// - **Order:** per thread, last freed first out; what passes through the shared list follows
///   `Policy`'s order.
/// - **Threads and lifetimes.** A thread's caches are returned to their pools when it exits. A
///   pool destroyed while threads still hold caches for it drops their contents; each thread
///   frees its own cache memory when it exits (or when it next looks up a cache for another
///   pool). Both are defined; no cache outlives its thread.
///
/// Cache size: `CacheCapacity` slots a thread (default 64, measured in docs/concurrency.md), but
/// at most capacity / 16, so that caches can hold no more than a small part of a small pool;
/// a pool under 32 slots has no caches and behaves as `Policy`.
///
/// Memory: `Policy`'s free list, plus 1 byte a slot and 1 per 64 slots (zero pages until used),
/// plus, per thread that used the pool, 64 bytes and 4 bytes a cached slot (320 bytes at the
/// default).
///
/// Progress: a get or free that stays within the thread's cache is wait-free; one that moves
/// slots has `Policy`'s progress guarantee for each slot moved. A thread's first get or free on
/// a pool allocates its cache (if that fails, the thread uses the shared list directly).
///
/// @tparam Policy a policy with a concurrent free list (objpool::Lifo, objpool::Fifo,
/// objpool::Bitmap, objpool::Locked<P>, or one of yours).
/// @tparam CacheCapacity the most slots a thread caches per pool (at least 2).
template <class Policy, std::size_t CacheCapacity = 64>
struct ThreadCached {
    static_assert(CacheCapacity >= 2 && CacheCapacity <= 0xFFFF,
                  "objpool: ThreadCached's CacheCapacity must be between 2 and 65535");

    /// @brief The concurrent free list (see objpool/concurrent/policy.hpp for the interface).
    class ConcurrentFreeList {
    public:
        /// @brief The shared free list behind the caches.
        using SharedList = typename detail::checked_concurrent_free_list<Policy>::type;

        /// @brief Every member but the constructor and destructor may be called from any
        /// number of threads at once.
        static constexpr bool is_thread_safe = true;

        /// @brief All `capacity` slots free. O(1) besides the shared list's construction.
        /// @throws std::bad_alloc.
        explicit ConcurrentFreeList(std::size_t capacity)
            : shared_(capacity),
              out_(capacity),
              hub_(std::make_shared<detail::CacheHub>(&shared_, &give_back_all)),
              hub_uid_(hub_->uid()),
              capacity_(capacity),
              cache_capacity_(cache_capacity_for(capacity)) {}

        ConcurrentFreeList(const ConcurrentFreeList&) = delete;
        ConcurrentFreeList& operator=(const ConcurrentFreeList&) = delete;
        /// @brief Closes the pool's caches: threads that still hold one free it themselves.
        ~ConcurrentFreeList() { hub_->close(); }

        /// @brief A free slot, now out: the calling thread's most recently cached one, else one
        /// taken from the shared list (with up to half a cache more); capacity() when both are
        /// empty.
        /// @par Complexity
        /// O(1) from the cache; otherwise up to cache_capacity() / 2 acquires of the shared
        /// list.
        std::size_t acquire() noexcept {
            const detail::CurrentCache& current = detail::current_thread_cache();
            if (current.hub_uid == hub_uid_) {
                // A hub's uid is only ever stored together with its cache, never with null.
                // NOLINTNEXTLINE(clang-analyzer-core.NullDereference)
                detail::ThreadCache& cache = *current.cache;
                const std::uint32_t count = cache.count.load(std::memory_order_relaxed);
                if (count != 0) {
                    return pop(cache, count);
                }
            }
            return acquire_slowly();
        }

        /// @brief Frees `slot` into the calling thread's cache if it is out; false (and nothing
        /// changes) otherwise. Of several threads releasing the same slot at once, exactly one
        /// gets true. @pre `slot < capacity()`.
        /// @par Complexity
        /// One atomic exchange, plus up to cache_capacity() / 2 releases to the shared list
        /// when the cache is full.
        bool release(std::size_t slot) noexcept {
            if (!claim(slot)) {
                return false;
            }
            release_claimed(slot);
            return true;
        }

        /// @brief The first half of release(): if `slot` is out, marks it no longer out (so
        /// that every other release of it fails) without making it available yet, and returns
        /// true; false (and nothing changes) otherwise. Lets a pool run a reset hook between
        /// the check and the release. @pre `slot < capacity()`.
        bool claim(std::size_t slot) noexcept {
            return out_[slot].exchange(0, std::memory_order_acq_rel) != 0;
        }

        /// @brief Undoes claim(): `slot` is out again. @pre this thread's claim(slot) returned
        /// true and release_claimed(slot) was not called.
        void unclaim(std::size_t slot) noexcept { out_[slot].store(1, std::memory_order_relaxed); }

        /// @brief The second half of release(): makes the claimed `slot` available (in the
        /// calling thread's cache). @pre this thread's claim(slot) returned true.
        void release_claimed(std::size_t slot) noexcept {
            const detail::CurrentCache& current = detail::current_thread_cache();
            if (current.hub_uid == hub_uid_) {
                // A hub's uid is only ever stored together with its cache, never with null.
                // NOLINTNEXTLINE(clang-analyzer-core.NullDereference)
                detail::ThreadCache& cache = *current.cache;
                const std::uint32_t count = cache.count.load(std::memory_order_relaxed);
                if (count != cache.capacity) {
                    push(cache, count, slot);
                    return;
                }
            }
            release_claimed_slowly(slot);
        }

        /// @brief Undoes the acquire() that just returned `slot` on this thread: the next
        /// acquire() of this thread returns it again. @pre `slot` was returned by this thread's
        /// last acquire() and is not shared with any other thread yet.
        void unacquire(std::size_t slot) noexcept {
            out_[slot].store(0, std::memory_order_relaxed);
            detail::ThreadCache* const cache = local_cache();
            if (cache == nullptr) {
                // Then the acquire had no cache either: the slot came from the shared list.
                free_list_traits<SharedList>::unacquire(shared_, slot);
                publish_fence();
                return;
            }
            // The acquire popped the slot off this cache (or, if the cache is new, off the
            // shared list), so there is room for it on top.
            push(*cache, cache->count.load(std::memory_order_relaxed), slot);
        }

        /// @brief Takes `slot` if it is free where the calling thread can reach it: in the
        /// shared list (through its acquire_slot, which the other slots' order does not notice)
        /// or in the calling thread's own cache (taken out of it). A free slot that sits in
        /// another thread's cache is not taken (false), just as acquire() does not take slots
        /// from other threads' caches. Of several threads taking the same slot, or acquiring it,
        /// at most one gets it. @pre `slot < capacity()`.
        /// @par Complexity
        /// The shared list's acquire_slot, plus up to cache_capacity() steps in the cache.
        bool acquire_slot(std::size_t slot) noexcept {
            if (free_list_traits<SharedList>::acquire_slot(shared_, slot)) {
                out_[slot].store(1, std::memory_order_relaxed);
                return true;
            }
            // Not free in the shared list: out, or cached by some thread (perhaps this one).
            const detail::CurrentCache& current = detail::current_thread_cache();
            if (current.hub_uid != hub_uid_) {
                return false;
            }
            // As in acquire(): the uid matched, so the cache is not null.
            // NOLINTNEXTLINE(clang-analyzer-core.NullDereference)
            detail::ThreadCache& cache = *current.cache;
            const std::uint32_t count = cache.count.load(std::memory_order_relaxed);
            std::uint32_t* const slots = cache.slots();
            for (std::uint32_t i = 0; i < count; ++i) {
                if (slots[i] == slot) {
                    for (std::uint32_t j = i + 1; j < count; ++j) {
                        slots[j - 1] = slots[j];
                    }
                    cache.count.store(count - 1, std::memory_order_relaxed);
                    out_[slot].store(1, std::memory_order_relaxed);
                    return true;
                }
            }
            return false;
        }

        /// @brief Every slot free, as at construction: the shared list reset, every thread's
        /// cache for this list emptied. O(n + threads that used the pool).
        /// @pre No other call on this list is in flight, on any thread.
        void reset() noexcept {
            hub_->empty_caches();
            free_list_traits<SharedList>::reset(shared_);
            out_.clear();
        }

        /// @brief Moves the calling thread's cached slots to the shared list, where every
        /// thread's acquire finds them. The concurrent pools call it before waking a thread
        /// blocked in get_for / get_until.
        /// @par Complexity
        /// cache_capacity() releases to the shared list at most.
        void publish_cached() noexcept {
            const detail::CurrentCache& current = detail::current_thread_cache();
            if (current.hub_uid == hub_uid_) {
                // As in acquire(): the uid matched, so the cache is not null.
                // NOLINTNEXTLINE(clang-analyzer-core.NullDereference)
                detail::ThreadCache& cache = *current.cache;
                static_cast<void>(spill(cache, cache.count.load(std::memory_order_relaxed)));
            }
        }

        /// @brief A release either stays in the releasing thread's cache, where no other thread
        /// looks, or reaches the shared list through spill(), which ends with a seq_cst fence
        /// unless the shared list publishes with seq_cst operations itself. Either way the
        /// pools need no fence of their own before they check for waiters (see
        /// objpool/detail/concurrent_waiters.hpp).
        static constexpr bool publishes_seq_cst = true;

        /// @brief Whether `slot` is out. @pre `slot < capacity()`.
        [[nodiscard]] bool is_allocated(std::size_t slot) const noexcept {
            return out_[slot].load(std::memory_order_acquire) != 0;
        }
        /// @brief The number of slots.
        [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
        /// @brief The number of free slots, in the shared list and in every thread's cache
        /// (exact when no operation is in flight). O(threads that used the pool).
        [[nodiscard]] std::size_t available() const noexcept {
            const std::size_t free = shared_.available() + hub_->cached().first;
            return free < capacity_ ? free : capacity_;
        }
        /// @brief Heap bytes used: the shared list, the out bytes and the threads' caches.
        [[nodiscard]] std::size_t bookkeeping_bytes() const noexcept {
            return shared_.bookkeeping_bytes() + out_.bytes() +
                   hub_->cached().second * cache_bytes();
        }
        /// @brief The most slots one thread caches for this pool (0: no caching).
        [[nodiscard]] std::size_t cache_capacity() const noexcept { return cache_capacity_; }

    private:
        static std::uint32_t cache_capacity_for(std::size_t capacity) noexcept {
            const std::size_t limit = capacity / 16;
            const std::size_t size = limit < CacheCapacity ? limit : CacheCapacity;
            return size < 2 ? 0 : static_cast<std::uint32_t>(size);
        }

        [[nodiscard]] std::size_t cache_bytes() const noexcept {
            return sizeof(detail::ThreadCache) + cache_capacity_ * sizeof(std::uint32_t);
        }

        detail::ThreadCache* local_cache() noexcept {
            const detail::CurrentCache& current = detail::current_thread_cache();
            if (current.hub_uid == hub_uid_) {
                return current.cache;
            }
            return cache_capacity_ == 0
                       ? nullptr
                       : detail::find_or_create_thread_cache(hub_, cache_capacity_);
        }

        // The fast paths: the calling thread's cache holds `count` slots.
        std::size_t pop(detail::ThreadCache& cache, std::uint32_t count) noexcept {
            const std::size_t slot = cache.slots()[count - 1];
            cache.count.store(count - 1, std::memory_order_relaxed);
            out_[slot].store(1, std::memory_order_relaxed);
            return slot;
        }
        static void push(detail::ThreadCache& cache, std::uint32_t count,
                         std::size_t slot) noexcept {
            cache.slots()[count] = static_cast<std::uint32_t>(slot);
            cache.count.store(count + 1, std::memory_order_relaxed);
        }

        // No cache yet for this thread, or it is empty: out of line, so that the fast path
        // stays small enough to inline into the pools.
        OBJPOOL_DETAIL_NOINLINE std::size_t acquire_slowly() noexcept {
            detail::ThreadCache* const cache = local_cache();
            if (cache == nullptr) {
                return mark_out(shared_.acquire());
            }
            std::uint32_t count = cache->count.load(std::memory_order_relaxed);
            if (count == 0) {
                count = refill(*cache);
                if (count == 0) {
                    return capacity_;
                }
            }
            return pop(*cache, count);
        }

        // No cache yet for this thread, or it is full.
        OBJPOOL_DETAIL_NOINLINE void release_claimed_slowly(std::size_t slot) noexcept {
            detail::ThreadCache* const cache = local_cache();
            if (cache == nullptr) {
                release_shared(slot);
                publish_fence();
                return;
            }
            std::uint32_t count = cache->count.load(std::memory_order_relaxed);
            if (count == cache->capacity) {
                count = spill(*cache, cache->capacity / 2);
            }
            push(*cache, count, slot);
        }

        std::size_t mark_out(std::size_t slot) noexcept {
            if (slot != capacity_) {
                out_[slot].store(1, std::memory_order_relaxed);
            }
            return slot;
        }

        // Takes up to half a cache from the shared list, stacked so that the first one taken
        // is handed out first (the shared list's order); returns how many.
        std::uint32_t refill(detail::ThreadCache& cache) noexcept {
            const std::uint32_t wanted = cache.capacity / 2;
            std::uint32_t* const slots = cache.slots();
            std::uint32_t taken = 0;
            while (taken < wanted) {
                const std::size_t slot = shared_.acquire();
                if (slot == capacity_) {
                    break;
                }
                slots[taken++] = static_cast<std::uint32_t>(slot);
            }
            for (std::uint32_t low = 0, high = taken; low + 1 < high; ++low, --high) {
                const std::uint32_t swapped = slots[low];
                slots[low] = slots[high - 1];
                slots[high - 1] = swapped;
            }
            return taken;
        }

        // Gives the `count` oldest cached slots (the bottom of the stack) to the shared list and
        // moves the rest down; returns how many are left.
        std::uint32_t spill(detail::ThreadCache& cache, std::uint32_t count) noexcept {
            std::uint32_t* const slots = cache.slots();
            for (std::uint32_t i = 0; i < count; ++i) {
                release_shared(slots[i]);
            }
            const std::uint32_t left = cache.count.load(std::memory_order_relaxed) - count;
            for (std::uint32_t i = 0; i < left; ++i) {
                slots[i] = slots[count + i];
            }
            cache.count.store(left, std::memory_order_relaxed);
            publish_fence();
            return left;
        }

        void release_shared(std::size_t slot) noexcept { release_to(shared_, slot); }

        // Every cached slot is out of the shared list, so its release never fails.
        static void release_to(SharedList& list, std::size_t slot) noexcept {
            const bool released = list.release(slot);
            OBJPOOL_ASSERT(released, "a cached slot was not out");  // GCOVR_EXCL_BR_LINE
            static_cast<void>(released);
        }

        static void publish_fence() noexcept {
            if constexpr (!free_list_traits<SharedList>::publishes_seq_cst) {
                std::atomic_thread_fence(std::memory_order_seq_cst);
            }
        }

        // The hub's way back into the shared list, for a thread that exits while the pool lives.
        static void give_back_all(void* shared, detail::ThreadCache& cache) noexcept {
            auto& list = *static_cast<SharedList*>(shared);
            const std::uint32_t count = cache.count.load(std::memory_order_relaxed);
            for (std::uint32_t i = 0; i < count; ++i) {
                release_to(list, cache.slots()[i]);
            }
            cache.count.store(0, std::memory_order_relaxed);
        }

        SharedList shared_;
        detail::ScatteredFlags out_;  // 1 while the slot is out
        std::shared_ptr<detail::CacheHub> hub_;
        std::uint64_t hub_uid_;
        std::size_t capacity_;
        std::uint32_t cache_capacity_;
    };
};

}  // namespace objpool
