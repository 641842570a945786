/// @file
/// @brief The mapping between ids `first .. first+count-1` and slots `0 .. count-1`, with the
/// range check and the BadFree message (the same rules as objpool::IdPool).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "../error.hpp"
#include "capacity.hpp"

namespace objpool::detail {

/// @brief Ids `first .. first+count-1` of integer type Id, seen as slots `0 .. count-1`.
template <class Id>
class IdRange {
    static_assert(std::is_integral_v<Id> && !std::is_same_v<Id, bool>,
                  "objpool: the id type must be an integer type");

public:
    /// @brief Returns `count`, or raises std::length_error when it exceeds
    /// objpool::max_capacity or the last id does not fit in Id.
    static std::size_t checked_count(std::size_t count, Id first) {
        checked_capacity(count);
        // How many ids fit after first, computed in the unsigned type (modulo 2^bits).
        const auto room = static_cast<Unsigned>(
            static_cast<Unsigned>(std::numeric_limits<Id>::max()) - static_cast<Unsigned>(first));
        if (count != 0 && count - 1 > room) {
            raise<std::length_error>("objpool: " + std::to_string(count) + " ids from " +
                                     std::to_string(first) + " do not fit in the id type");
        }
        return count;
    }

    /// @brief The range starting at `first`.
    explicit IdRange(Id first) noexcept : first_(first) {}

    /// @brief The lowest id.
    [[nodiscard]] Id first() const noexcept { return first_; }

    /// @brief The slot of `id`; ids below first wrap around to huge values, so one comparison
    /// with the capacity checks the range.
    [[nodiscard]] std::size_t to_slot(Id id) const noexcept {
        return static_cast<Unsigned>(static_cast<Unsigned>(id) - static_cast<Unsigned>(first_));
    }
    /// @brief The id of `slot`.
    [[nodiscard]] Id to_id(std::size_t slot) const noexcept {
        return static_cast<Id>(static_cast<Unsigned>(first_) + static_cast<Unsigned>(slot));
    }

    /// @brief Raises objpool::BadFree for `id` in a pool of `capacity` ids.
    [[noreturn]] void raise_bad_free(Id id, BadFree::Reason reason, std::size_t capacity) const {
        std::string message = "objpool: cannot free id " + std::to_string(id) + ": ";
        if (reason == BadFree::Reason::out_of_range) {
            message += capacity == 0 ? "out of range (the pool is empty)"
                                     : "out of range [" + std::to_string(first_) + ", " +
                                           std::to_string(to_id(capacity - 1)) + "]";
        } else {
            message += "not allocated";
        }
        raise<BadFree>(reason, message);
    }

private:
    using Unsigned = std::make_unsigned_t<Id>;

    Id first_;
};

}  // namespace objpool::detail
