/// @file
/// @brief The exception thrown for a bad free, and how errors are raised without exceptions.
#pragma once

#include <charconv>
#include <cstddef>
#include <cstdio>
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

    /// @brief Builds the error; `message` is what `what()` returns.
    BadFree(Reason reason, const char* message) : std::invalid_argument(message), reason_(reason) {}

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

/// Raises objpool::BadFree for `id`, refused by a pool of `capacity` ids `first .. last`.
/// Shared by the id pools; written with snprintf into a buffer, outside the templates: one copy
/// of the code, and no std::string temporaries (nor their cleanup paths).
[[noreturn]] inline void raise_bad_id_free(const DecimalText& id, BadFree::Reason reason,
                                           std::size_t capacity, const DecimalText& first,
                                           const DecimalText& last) {
    char message[192];
    if (reason == BadFree::Reason::not_allocated) {
        static_cast<void>(std::snprintf(message, sizeof message,
                                        "objpool: cannot free id %s: not allocated", id.digits));
    } else if (capacity == 0) {
        static_cast<void>(std::snprintf(
            message, sizeof message, "objpool: cannot free id %s: out of range (the pool is empty)",
            id.digits));
    } else {
        static_cast<void>(std::snprintf(message, sizeof message,
                                        "objpool: cannot free id %s: out of range [%s, %s]",
                                        id.digits, first.digits, last.digits));
    }
    raise<BadFree>(reason, static_cast<const char*>(message));
}

}  // namespace detail
}  // namespace objpool
