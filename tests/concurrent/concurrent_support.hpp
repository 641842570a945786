// Shared by the concurrent tests: the policies under test, thread helpers, stress sizes.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include <objpool/concurrent_id_pool.hpp>
#include <objpool/concurrent_object_pool.hpp>
#include <objpool/objpool.hpp>

#if defined(__SANITIZE_THREAD__)
#define OBJPOOL_TEST_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define OBJPOOL_TEST_TSAN 1
#endif
#endif

namespace objpool_concurrent_test {

/// The concurrent policies whose get fails only when every id is out: the three lock-free
/// free lists and the locked baseline.
using ExactPolicies =
    std::tuple<objpool::Fifo, objpool::Lifo, objpool::Bitmap, objpool::Locked<objpool::Fifo>,
               objpool::Locked<objpool::Lifo>, objpool::Locked<objpool::Bitmap>>;

/// The thread-cached policies: get may fail while other threads' caches hold free ids.
using CachedPolicies =
    std::tuple<objpool::ThreadCached<objpool::Lifo>, objpool::ThreadCached<objpool::Fifo>,
               objpool::ThreadCached<objpool::Bitmap>,
               objpool::ThreadCached<objpool::Locked<objpool::Fifo>, 8>>;

/// Every concurrent policy.
using AllPolicies = decltype(std::tuple_cat(ExactPolicies{}, CachedPolicies{}));

/// get/free operations a stress configuration runs in total (over all its threads).
inline std::size_t stress_operations() {
    if (const char* text = std::getenv("OBJPOOL_STRESS_OPS")) {
        return static_cast<std::size_t>(std::strtoull(text, nullptr, 10));
    }
#ifdef OBJPOOL_TEST_TSAN
    return 250'000;
#else
    return 1'000'000;
#endif
}

/// Runs `body(thread_index)` on `threads` threads that start together, and joins them.
template <class Body>
void run_threads(unsigned threads, Body&& body) {
    std::atomic<unsigned> ready{0};
    std::vector<std::thread> workers;
    workers.reserve(threads);
    for (unsigned index = 0; index < threads; ++index) {
        workers.emplace_back([&, index] {
            ready.fetch_add(1);
            while (ready.load() < threads) {
                std::this_thread::yield();
            }
            body(index);
        });
    }
    for (auto& worker : workers) {
        worker.join();
    }
}

/// A small, fast per-thread random generator (xorshift64*), so that threads do not share one.
class Random {
public:
    explicit Random(std::uint64_t seed) : state_(seed * 0x9E37'79B9'7F4A'7C15ULL + 1) {}
    std::uint64_t next() noexcept {
        state_ ^= state_ >> 12;
        state_ ^= state_ << 25;
        state_ ^= state_ >> 27;
        return state_ * 0x2545'F491'4F6C'DD1DULL;
    }
    std::size_t below(std::size_t bound) noexcept {
        return static_cast<std::size_t>(next() % bound);
    }

private:
    std::uint64_t state_;
};

/// Runs `action`, which must throw objpool::BadFree; returns its reason, or nothing.
template <class Action>
bool throws_bad_free(Action&& action, objpool::BadFree::Reason* reason = nullptr) {
    try {
        std::forward<Action>(action)();
    } catch (const objpool::BadFree& error) {
        if (reason != nullptr) {
            *reason = error.reason();
        }
        return true;
    }
    return false;
}

}  // namespace objpool_concurrent_test
