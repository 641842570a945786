/// @file
/// @brief Build configuration: exception support, the error handler, and OBJPOOL_ASSERT.
#pragma once

// MSVC keeps __cplusplus at 199711L unless /Zc:__cplusplus is given; _MSVC_LANG is the standard.
#if (defined(_MSVC_LANG) && _MSVC_LANG < 201703L) || (!defined(_MSVC_LANG) && __cplusplus < 201703L)
#error "objpool needs C++17 or later (-std=c++17, /std:c++17)"
// #error does not stop the compiler: a missing include does, before the C++17 code that follows
// would add a hundred errors of its own to this one.
#include "objpool needs C++17 or later"
#endif

#include <atomic>

#include "detail/raise.hpp"

namespace objpool {

/// @brief Receives the message of an error objpool cannot report otherwise.
///
/// It is called in two situations:
/// - a throwing call fails in a build without exceptions (`-fno-exceptions`): after the handler
///   returns, `std::abort()` is called, since the call cannot complete;
/// - a pool is destroyed while objects are still out, in builds without `NDEBUG`: after the
///   handler returns, the destructor goes on and destroys the objects.
using ErrorHandler = detail::ErrorHandlerPointer;

/// @brief Installs `handler` (nullptr restores the default, which prints the message to stderr
/// and aborts) and returns the previous one.
/// @par Complexity
/// O(1). Thread-safe.
inline ErrorHandler set_error_handler(ErrorHandler handler) noexcept {
    return detail::error_handler_slot().exchange(
        handler != nullptr ? handler : &detail::default_error_handler, std::memory_order_acq_rel);
}

}  // namespace objpool

/// @def OBJPOOL_ASSERT(condition, message)
/// @brief Checks a precondition of an unchecked call (dereferencing an empty lease, a policy
/// breaking its contract). Compiled out under NDEBUG; otherwise reports through the error
/// handler. Define it before including objpool to route failures elsewhere (tests make it throw).
#ifndef OBJPOOL_ASSERT
#ifdef NDEBUG
#define OBJPOOL_ASSERT(condition, message) static_cast<void>(0)
#else
#define OBJPOOL_ASSERT(condition, message) \
    ((condition) ? static_cast<void>(0)    \
                 : ::objpool::detail::report_error("objpool: assertion failed: " message))
#endif
#endif
