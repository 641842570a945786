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

/// @brief Thrown by a `free` (or an object pool's `discard` or `adopt`) whose argument is not
/// currently out, or not this pool's; the pool is then unchanged.
///
/// The message names the call, the id (or object) and the reason, e.g.
/// `objpool: cannot free id 7: not allocated`.
class BadFree : public std::invalid_argument {
public:
    /// @brief Why a free was refused.
    enum class Reason {
        out_of_range,   ///< the id or pointer does not belong to the pool
        not_allocated,  ///< it belongs to the pool but is not out (double free, never handed out)
        leased,  ///< the object is out but held by a lease or shared_ptr, which gives it back
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

/// Raises objpool::BadFree for `call(lease)` (call: "free", "discard") of an empty lease or of
/// another pool's lease.
[[noreturn]] inline void raise_bad_lease_free(bool empty, const char* call = "free") {
    raise<BadFree>(empty ? BadFree::Reason::not_allocated : BadFree::Reason::out_of_range,
                   std::string("objpool: cannot ") + call +
                       (empty ? " an empty lease" : " a lease of another pool"));
}

/// Raises objpool::BadFree for `call(object)` (call: "free", "discard", "adopt"): `reason`
/// out_of_range for an address that is not one of the pool's objects, not_allocated (with the
/// object's `id`) for one not out, leased for one a lease or shared_ptr holds.
[[noreturn]] inline void raise_bad_object_free(const void* object, std::size_t id,
                                               BadFree::Reason reason, const char* call = "free") {
    char address[2 + 2 * sizeof(void*) + 1];
    static_cast<void>(std::snprintf(address, sizeof address, "0x%" PRIxPTR,
                                    reinterpret_cast<std::uintptr_t>(object)));
    const std::string what = std::string("objpool: cannot ") + call + " object";
    if (reason == BadFree::Reason::out_of_range) {
        raise<BadFree>(reason, what + " at " + address + ": not an object of this pool");
    }
    raise<BadFree>(reason, what + " id " + std::to_string(id) + " at " + address +
                               (reason == BadFree::Reason::leased
                                    ? ": held by a lease (give it back through the lease, or "
                                      "release() it first)"
                                    : ": not allocated"));
}

}  // namespace detail
}  // namespace objpool
