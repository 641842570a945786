// What AddressSanitizer says of a range of bytes, for the tests of ObjectPool's poisoning of
// objects that are not out. Defined only when the pools poison (OBJPOOL_ASAN_POISONING).
#pragma once

#include <cstddef>

#include <objpool/detail/sanitizer.hpp>

#if OBJPOOL_ASAN_POISONING
#include <sanitizer/asan_interface.h>

namespace objpool_support {

// Whether every byte of the range is poisoned.
inline bool poisoned(const void* object, std::size_t bytes) {
    const auto* first = static_cast<const char*>(object);
    for (std::size_t byte = 0; byte < bytes; ++byte) {
        if (__asan_address_is_poisoned(first + byte) == 0) {
            return false;
        }
    }
    return true;
}

// Whether no byte of the range is poisoned.
inline bool addressable(const void* object, std::size_t bytes) {
    return __asan_region_is_poisoned(const_cast<void*>(object), bytes) == nullptr;
}

}  // namespace objpool_support
#endif
