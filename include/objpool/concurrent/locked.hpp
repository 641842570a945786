/// @file
/// @brief objpool::Locked: any single-threaded policy made thread-safe with a std::mutex.
#pragma once

#include <cstddef>
#include <mutex>

#include "../free_list_traits.hpp"

namespace objpool {

/// @brief Policy tag: `Policy`'s free list behind one std::mutex, for
/// objpool::ConcurrentIdPool and objpool::ConcurrentObjectPool.
///
/// `ConcurrentIdPool<Locked<Lifo>>` behaves exactly as `IdPool<Lifo>` would with every call
/// made under one lock: the same ids in the same order for the same sequence of calls, and
/// the lowest free id for Locked<Bitmap> even under contention. It is the baseline the
/// lock-free free lists are measured against, and the way to use a single-threaded policy
/// of your own concurrently. Progress: blocking (a thread preempted while holding the lock
/// stalls the others).
///
/// A mutex that fails to lock (std::system_error, which does not happen in practice) ends
/// the program: acquire and release are noexcept.
///
/// @tparam Policy a single-threaded policy (see objpool/policy.hpp).
template <class Policy>
struct Locked {
    /// @brief The wrapped single-threaded free list (checked: see objpool/free_list_traits.hpp).
    using List = typename detail::checked_free_list<Policy>::type;

    /// @brief The free list (see objpool/concurrent/policy.hpp for the interface): every
    /// member locks the mutex around the same member of `Policy::FreeList`.
    class ConcurrentFreeList {
    public:
        /// @brief All `capacity` slots free; the cost of `Policy::FreeList(capacity)`.
        explicit ConcurrentFreeList(std::size_t capacity) : list_(capacity) {}

        /// @brief As `Policy::FreeList::acquire`, under the lock.
        std::size_t acquire() noexcept {
            const std::lock_guard<std::mutex> lock(mutex_);
            return list_.acquire();
        }
        /// @brief As `Policy::FreeList::release`, under the lock. @pre `slot < capacity()`.
        bool release(std::size_t slot) noexcept {
            const std::lock_guard<std::mutex> lock(mutex_);
            return list_.release(slot);
        }
        /// @brief As `Policy::FreeList::unacquire` (or its fallback, release), under the lock.
        void unacquire(std::size_t slot) noexcept {
            const std::lock_guard<std::mutex> lock(mutex_);
            free_list_traits<List>::unacquire(list_, slot);
        }
        /// @brief As `Policy::FreeList::acquire_slot`, under the lock (only where it exists:
        /// see objpool::free_list_traits::acquire_slot). @pre `slot < capacity()`.
        bool acquire_slot(std::size_t slot) noexcept {
            const std::lock_guard<std::mutex> lock(mutex_);
            return free_list_traits<List>::acquire_slot(list_, slot);
        }
        /// @brief As `Policy::FreeList::reset` (or its fallback), under the lock.
        void reset() noexcept {
            const std::lock_guard<std::mutex> lock(mutex_);
            free_list_traits<List>::reset(list_);
        }
        /// @brief Every member locks the mutex: pools over this list are concurrent.
        static constexpr bool is_thread_safe = true;
        /// @brief As `Policy::FreeList::is_allocated`, under the lock. @pre `slot < capacity()`.
        [[nodiscard]] bool is_allocated(std::size_t slot) const noexcept {
            const std::lock_guard<std::mutex> lock(mutex_);
            return list_.is_allocated(slot);
        }
        /// @brief The number of slots (fixed at construction: no lock).
        [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
        /// @brief The number of free slots, under the lock.
        [[nodiscard]] std::size_t available() const noexcept {
            const std::lock_guard<std::mutex> lock(mutex_);
            return list_.available();
        }
        /// @brief Heap bytes of the wrapped free list.
        [[nodiscard]] std::size_t bookkeeping_bytes() const noexcept {
            const std::lock_guard<std::mutex> lock(mutex_);
            return list_.bookkeeping_bytes();
        }

    private:
        mutable std::mutex mutex_;
        List list_;
        std::size_t capacity_ = list_.capacity();
    };
};

}  // namespace objpool
