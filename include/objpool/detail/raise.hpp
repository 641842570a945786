/// @file
/// @brief How errors leave the library: the error handler's slot, raising an exception (or,
/// without exceptions, reporting and aborting), and allocation-free decimal text for messages.
#pragma once

#include <atomic>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <utility>

#if defined(__cpp_exceptions) || defined(__EXCEPTIONS) || defined(_CPPUNWIND)
/// @brief 1 when the translation unit is compiled with exceptions, 0 under -fno-exceptions.
#define OBJPOOL_HAS_EXCEPTIONS 1
#else
#define OBJPOOL_HAS_EXCEPTIONS 0
#endif

namespace objpool::detail {

/// The type of objpool::ErrorHandler.
using ErrorHandlerPointer = void (*)(const char* message) noexcept;

inline void default_error_handler(const char* message) noexcept {
    // Nothing is left to do if stderr fails: the process aborts next.
    static_cast<void>(std::fprintf(stderr, "%s\n", message));
    std::abort();
}

inline std::atomic<ErrorHandlerPointer>& error_handler_slot() noexcept {
    static std::atomic<ErrorHandlerPointer> handler{&default_error_handler};
    return handler;
}

inline void report_error(const char* message) noexcept {
    error_handler_slot().load(std::memory_order_acquire)(message);
}

/// Throws `Exception(args...)`, or, without exceptions, reports its message and aborts.
template <class Exception, class... Args>
[[noreturn]] void raise(Args&&... args) {
#if OBJPOOL_HAS_EXCEPTIONS
    throw Exception(std::forward<Args>(args)...);
#else
    const Exception error(std::forward<Args>(args)...);
    report_error(error.what());
    std::abort();
#endif
}

[[noreturn]] inline void raise_bad_alloc() {
#if OBJPOOL_HAS_EXCEPTIONS
    throw std::bad_alloc();
#else
    report_error("objpool: out of memory");  // GCOVR_EXCL_LINE: out of memory without
    std::abort();                            // GCOVR_EXCL_LINE: exceptions (not provoked)
#endif
}

/// The decimal digits of an integer of any type, for messages: no allocation, nothing to
/// destroy, and no branch in the (templated) caller.
struct DecimalText {
    template <class Integer>
    explicit DecimalText(Integer value) noexcept {
        // Room for any 128-bit value and its sign: to_chars cannot run out of space.
        *std::to_chars(digits, digits + sizeof digits - 1, value).ptr = '\0';
    }
    char digits[48] = {};
};

}  // namespace objpool::detail
