/// @file
/// @brief The capacity check shared by the pools.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

#include "../error.hpp"
#include "../policy.hpp"

namespace objpool::detail {

/// Returns `capacity`, or raises std::length_error when it exceeds objpool::max_capacity.
inline std::size_t checked_capacity(std::size_t capacity) {
    if (capacity > max_capacity) {
        raise<std::length_error>("objpool: capacity " + std::to_string(capacity) +
                                 " exceeds the maximum " + std::to_string(max_capacity));
    }
    return capacity;
}

}  // namespace objpool::detail
