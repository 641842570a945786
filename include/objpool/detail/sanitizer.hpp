/// @file
/// @brief AddressSanitizer hooks: poisoning the storage of objects that are not out.
///
/// Under AddressSanitizer (`-fsanitize=address`, detected through `__SANITIZE_ADDRESS__` or
/// `__has_feature(address_sanitizer)`), ObjectPool marks the bytes of every object that is not
/// out as unaddressable, so that a use after free() is reported as `use-after-poison`. In every
/// other build these functions are empty and inline away: no cost, and no dependency beyond the
/// standard library. Define OBJPOOL_NO_SANITIZER_POISONING to turn poisoning off under ASan.
///
/// ASan tracks memory in 8-byte granules: when an object's size is not a multiple of 8, the
/// bytes it shares with a neighbour that is out stay addressable (no false reports, a few
/// missed ones).
#pragma once

#include <cstddef>

#if !defined(OBJPOOL_NO_SANITIZER_POISONING)
#if defined(__SANITIZE_ADDRESS__)
#define OBJPOOL_ASAN_POISONING 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define OBJPOOL_ASAN_POISONING 1
#endif
#endif
#endif
#ifndef OBJPOOL_ASAN_POISONING
/// @brief 1 when ObjectPool poisons the storage of objects that are not out (ASan builds).
#define OBJPOOL_ASAN_POISONING 0
#endif

#if OBJPOOL_ASAN_POISONING
#include <sanitizer/asan_interface.h>
#endif

namespace objpool::detail {

/// Marks `bytes` bytes at `address` unaddressable under ASan; nothing otherwise.
inline void poison(const void* address, std::size_t bytes) noexcept {
#if OBJPOOL_ASAN_POISONING
    ASAN_POISON_MEMORY_REGION(address, bytes);
#else
    static_cast<void>(address);
    static_cast<void>(bytes);
#endif
}

/// Marks `bytes` bytes at `address` addressable again under ASan; nothing otherwise.
inline void unpoison(const void* address, std::size_t bytes) noexcept {
#if OBJPOOL_ASAN_POISONING
    ASAN_UNPOISON_MEMORY_REGION(address, bytes);
#else
    static_cast<void>(address);
    static_cast<void>(bytes);
#endif
}

}  // namespace objpool::detail
