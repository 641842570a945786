/// @file
/// @brief How a blocking get sleeps until a free, at no cost to free when nobody waits.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <type_traits>

namespace objpool::detail {

/// @brief The waiting room of a concurrent pool: threads blocked in get_for / get_until sleep
/// on a condition variable, and free wakes one of them.
///
/// free pays one sequentially consistent fence and one relaxed load when nobody waits; the
/// mutex and condition variable are touched only while somebody waits.
///
/// No lost wake-up (the "Dekker" argument, [atomics.order] on seq_cst fences): a waiter
/// registers (waiters_ + 1), issues a seq_cst fence Y, then retries the acquisition; a freer
/// publishes the slot in the free list, issues a seq_cst fence X, then reads waiters_. The
/// fences are totally ordered. If X comes before Y, the waiter's retry reads the free list as
/// the freer left it or later, so it sees the slot (or sees that another thread took it). If
/// Y comes before X, the freer reads waiters_ > 0 and notifies; it takes the mutex first, and
/// the waiter holds the mutex from before its retry until it is inside wait, so the
/// notification cannot fall in between. A woken waiter always retries before giving up, so a
/// notification consumed by a waiter that also timed out is not lost either.
///
/// The requirement on the free list (documented in objpool/concurrent/policy.hpp): release
/// publishes through atomic stores that a later acquire reads; it does not buffer freed slots
/// where other threads cannot see them.
///
/// C++20's std::atomic::wait is not used: it has no timed form, and get_for / get_until need
/// one.
class ConcurrentWaiters {
public:
    /// @brief Called after every successful free: wakes one waiter if there is one.
    ///
    /// @tparam published_seq_cst true when the free list published the slot with a seq_cst
    /// read-modify-write that its acquire reads with a seq_cst load (the list declares
    /// `publishes_seq_cst`). Then that write plays the part of the fence X: if the seq_cst load
    /// of waiters_ below misses a waiter's increment, it precedes that increment in the single
    /// total order of seq_cst operations, so the write precedes the waiter's later seq_cst
    /// read of the same atomic, which therefore sees it. On x86 this saves the fence (a locked
    /// instruction) on every free; a seq_cst load is a plain load there.
    ///
    /// noexcept so that frees keep the single-threaded pools' exception contract: a mutex that
    /// fails to lock (std::system_error, which does not happen in practice) ends the program.
    ///
    /// @param before_wake called first when somebody waits: a free list that caches freed
    /// slots per thread moves them where the waiter looks (ThreadCached's publish_cached).
    template <bool published_seq_cst, class BeforeWake>
    void notify(BeforeWake&& before_wake) noexcept {
        if constexpr (!published_seq_cst) {
            std::atomic_thread_fence(std::memory_order_seq_cst);  // X in the argument above
        }
        if (waiters_.load(std::memory_order_seq_cst) != 0) {
            before_wake();
            // Taking the mutex orders this notification after the waiter's last retry.
            { const std::lock_guard<std::mutex> lock(mutex_); }
            ready_.notify_one();
        }
    }

    /// @brief Calls `try_acquire()` until it returns something other than `none`, sleeping
    /// between tries until notify() or `deadline`; returns the last result (`none` on timeout).
    /// @throws std::system_error from the mutex or condition variable.
    template <class Clock, class Duration, class TryAcquire>
    std::size_t wait_until(const std::chrono::time_point<Clock, Duration>& deadline,
                           TryAcquire&& try_acquire, std::size_t none) {
        std::unique_lock<std::mutex> lock(mutex_);
        const Registration registration(waiters_);
        for (;;) {
            const std::size_t slot = try_acquire();
            if (slot != none) {
                return slot;
            }
            if (ready_.wait_until(lock, deadline) == std::cv_status::timeout) {
                return try_acquire();
            }
        }
    }

private:
    // Counts the waiter in for its whole stay, exceptions included.
    class Registration {
    public:
        explicit Registration(std::atomic<std::size_t>& waiters) noexcept : waiters_(waiters) {
            // seq_cst increment and fence: Y in the argument above, for either kind of list.
            waiters_.fetch_add(1, std::memory_order_seq_cst);
            std::atomic_thread_fence(std::memory_order_seq_cst);
        }
        Registration(const Registration&) = delete;
        Registration& operator=(const Registration&) = delete;
        // seq_cst like every write to waiters_, so that notify's seq_cst load reads the last
        // of them in the total order.
        ~Registration() { waiters_.fetch_sub(1, std::memory_order_seq_cst); }

    private:
        std::atomic<std::size_t>& waiters_;
    };

    std::atomic<std::size_t> waiters_{0};
    std::mutex mutex_;
    std::condition_variable ready_;
};

/// @brief The waiting room of a single-threaded pool: nobody can wait, so it is empty.
struct NoWaiters {};

/// The waiting room of a pool: ConcurrentWaiters for a thread-safe free list, else NoWaiters.
template <bool thread_safe>
using Waiters = std::conditional_t<thread_safe, ConcurrentWaiters, NoWaiters>;

/// Converts a relative timeout into a steady_clock deadline, saturating instead of
/// overflowing for huge timeouts (e.g. duration::max()).
///
/// Its branches are tested directly (tests/reliability/coverage_test.cpp), but gcovr reports
/// this template's branches as never taken whatever the tests run, so they are excluded from the
/// branch count.
template <class Rep, class Period>
std::chrono::steady_clock::time_point deadline_after(
    const std::chrono::duration<Rep, Period>& timeout) {
    using Clock = std::chrono::steady_clock;
    const auto now = Clock::now();
    if (timeout <= std::chrono::duration<Rep, Period>::zero()) {  // GCOVR_EXCL_BR_LINE
        return now;
    }
    // Compare in floating-point seconds so that no conversion can overflow; half the room
    // left (about 146 years) leaves a wide margin for rounding.
    using Seconds = std::chrono::duration<double>;
    const Seconds room = Clock::time_point::max() - now;  // GCOVR_EXCL_BR_LINE
    if (Seconds(timeout) >= room / 2) {                   // GCOVR_EXCL_BR_LINE
        return Clock::time_point::max();
    }
    return now + std::chrono::ceil<Clock::duration>(timeout);  // GCOVR_EXCL_BR_LINE
}

}  // namespace objpool::detail
