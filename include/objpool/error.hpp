/// @file
/// @brief The exception thrown for a bad free, and how errors are raised without exceptions.
#pragma once

#include <cinttypes>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "config.hpp"
#include "detail/raise.hpp"

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

/// Raises objpool::BadFree for `free(lease)` of an empty lease or of another pool's lease.
[[noreturn]] inline void raise_bad_lease_free(bool empty) {
    raise<BadFree>(empty ? BadFree::Reason::not_allocated : BadFree::Reason::out_of_range,
                   empty ? "objpool: cannot free an empty lease"
                         : "objpool: cannot free a lease of another pool");
}

/// Raises objpool::BadFree for `free(object)`: `reason` out_of_range for an address that is
/// not one of the pool's objects, not_allocated (with the object's `id`) for one not out.
[[noreturn]] inline void raise_bad_object_free(const void* object, std::size_t id,
                                               BadFree::Reason reason) {
    char address[2 + 2 * sizeof(void*) + 1];
    static_cast<void>(std::snprintf(address, sizeof address, "0x%" PRIxPTR,
                                    reinterpret_cast<std::uintptr_t>(object)));
    raise<BadFree>(reason, reason == BadFree::Reason::out_of_range
                               ? std::string("objpool: cannot free object at ") + address +
                                     ": not an object of this pool"
                               : "objpool: cannot free object id " + std::to_string(id) + " at " +
                                     address + ": not allocated");
}

}  // namespace detail
}  // namespace objpool
