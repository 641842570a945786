/// @file
/// @brief Building the object of a slot, for both lifecycles of objpool::BasicObjectPool.
#pragma once

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

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

}  // namespace objpool::detail
