/// @file
/// @brief The mapping between ids `first .. first+count-1` and slots `0 .. count-1`.
#pragma once

#include <cstddef>
#include <type_traits>

namespace objpool::detail {

/// @brief Ids `first .. first+count-1` of integer type Id, seen as slots `0 .. count-1`.
/// The count is checked once, at construction of the pool (detail::checked_id_count).
template <class Id>
class IdRange {
    static_assert(std::is_integral_v<Id> && !std::is_same_v<Id, bool>,
                  "objpool: the id type must be an integer type");

public:
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

private:
    using Unsigned = std::make_unsigned_t<Id>;

    Id first_;
};

}  // namespace objpool::detail
