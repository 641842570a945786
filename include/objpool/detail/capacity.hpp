/// @file
/// @brief The capacity and id-range checks shared by the pools.
#pragma once

#include <cstddef>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <type_traits>

#include "raise.hpp"

namespace objpool::detail {

/// The most slots a pool can have (objpool::max_capacity): slot indices are stored in 32 bits.
inline constexpr std::size_t max_slot_count = 0xFFFF'FFFFU;

/// Returns `capacity`, or raises std::length_error when it exceeds objpool::max_capacity.
inline std::size_t checked_capacity(std::size_t capacity) {
    if (capacity > max_slot_count) {
        char message[96];
        static_cast<void>(std::snprintf(message, sizeof message,
                                        "objpool: capacity %zu exceeds the maximum %zu", capacity,
                                        max_slot_count));
        raise<std::length_error>(static_cast<const char*>(message));
    }
    return capacity;
}

/// Raises std::length_error: `count` ids from `first` do not fit in the id type.
[[noreturn]] inline void raise_ids_do_not_fit(std::size_t count, const DecimalText& first) {
    char message[128];
    static_cast<void>(std::snprintf(message, sizeof message,
                                    "objpool: %zu ids from %s do not fit in the id type", count,
                                    first.digits));
    raise<std::length_error>(static_cast<const char*>(message));
}

/// Returns `count`, or raises std::length_error when it exceeds objpool::max_capacity or the
/// ids `first .. first+count-1` do not all fit in Id. Shared by the id pools.
template <class Id>
std::size_t checked_id_count(std::size_t count, Id first) {
    using Unsigned = std::make_unsigned_t<Id>;
    checked_capacity(count);
    // How many ids fit after first, computed in the unsigned type (modulo 2^bits).
    const auto room = static_cast<Unsigned>(static_cast<Unsigned>(std::numeric_limits<Id>::max()) -
                                            static_cast<Unsigned>(first));
    // The last id's offset from first (0 for an empty range), computed without a branch.
    const std::size_t last_offset = count - static_cast<std::size_t>(count != 0);
    if (last_offset > room) {
        raise_ids_do_not_fit(count, DecimalText(first));
    }
    return count;
}

}  // namespace objpool::detail
