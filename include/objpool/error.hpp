/// @file
/// @brief The exception thrown for a bad free, and how errors are raised without exceptions.
#pragma once

#include <cstdlib>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>

#include "config.hpp"

namespace objpool {

/// @brief Thrown by a `free` whose argument is not currently out; the pool is then unchanged.
///
/// The message names the id (or object) and the reason, e.g.
/// `objpool: cannot free id 7: not allocated`.
class BadFree : public std::invalid_argument {
public:
    /// @brief Why a free was refused.
    enum class Reason {
        out_of_range,   ///< the id or pointer does not belong to the pool
        not_allocated,  ///< it belongs to the pool but is not out (double free, never handed out)
    };

    /// @brief Builds the error; `message` is what `what()` returns.
    BadFree(Reason reason, const std::string& message)
        : std::invalid_argument(message), reason_(reason) {}

    /// @brief Why the free was refused.
    [[nodiscard]] Reason reason() const noexcept { return reason_; }

private:
    Reason reason_;
};

namespace detail {

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

}  // namespace detail
}  // namespace objpool
