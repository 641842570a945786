/// @file
/// @brief What objpool::ObjectPool and objpool::ConcurrentObjectPool do alike: building an
/// object for a slot, and the errors of a bad free.
#pragma once

#include <cinttypes>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <new>
#include <string>
#include <type_traits>
#include <utility>

#include "../error.hpp"

namespace objpool::detail {

/// Builds the object of slot `slot` at `object`: with the Reuse lifecycle (`reuses`) by
/// `factory(slot + 1)`, or default-constructed when there is no factory; with ConstructOnGet
/// from `args`. Throws whatever the constructor or factory throws (nothing is built then).
template <bool reuses, class T, class Factory, class... Args>
void construct_object(T* object, const Factory& factory, std::size_t slot, Args&&... args) {
    if constexpr (reuses) {
        if constexpr (std::is_default_constructible_v<T>) {
            if (!factory) {
                ::new (static_cast<void*>(object)) T();
                return;
            }
        }
        ::new (static_cast<void*>(object)) T(factory(slot + 1));
    } else {
        ::new (static_cast<void*>(object)) T(std::forward<Args>(args)...);
    }
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

}  // namespace objpool::detail
