/// @file
/// @brief The short wait a concurrent free list does while a peer finishes a step.
#pragma once

#include <thread>

#if defined(_MSC_VER) && !defined(__clang__) && (defined(_M_X64) || defined(_M_IX86))
#include <intrin.h>
#endif

namespace objpool::detail {

/// Tells the CPU this is a spin-wait loop (x86 `pause`, ARM `yield`): saves power and lets
/// a sibling hyper-thread run.
inline void cpu_relax() noexcept {
#if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
    __builtin_ia32_pause();
#elif (defined(__GNUC__) || defined(__clang__)) && (defined(__aarch64__) || defined(__arm__))
    __asm__ __volatile__("yield");
#elif defined(_MSC_VER) && (defined(_M_X64) || defined(_M_IX86))
    _mm_pause();
#endif
}

/// @brief Waits a little longer on each call: a few CPU pauses first (the peer is usually a
/// few instructions from done), then yields the time slice (the peer may be preempted, and on
/// an oversubscribed machine it needs our core to finish).
class Backoff {
public:
    /// @brief One round of waiting.
    void pause() noexcept {
        if (rounds_ < spin_rounds) {
            for (unsigned i = 0; i < (1U << rounds_); ++i) {
                cpu_relax();
            }
            ++rounds_;
        } else {
            std::this_thread::yield();
        }
    }

private:
    static constexpr unsigned spin_rounds = 6;  // up to 63 pauses before the first yield
    unsigned rounds_ = 0;
};

}  // namespace objpool::detail
