/// @file
/// @brief objpool::IdPool: hands out the integer ids first .. first+count-1.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <type_traits>

#include "detail/capacity.hpp"
#include "detail/id_range.hpp"
#include "error.hpp"
#include "policy.hpp"

namespace objpool {

/// @brief The object manager over integers: hands out each of the ids `first .. first+count-1`
/// at most once until it is freed.
///
/// `get` returns an available id (which one is the Policy's choice: objpool::Fifo,
/// objpool::Lifo, objpool::Bitmap or a policy of your own); `free` gives it back and refuses,
/// with objpool::BadFree and no change, any id that is not out. The allocation bit behind that
/// check is always on. Before anything has been freed every built-in policy hands out
/// `first, first+1, first+2, ...`.
///
/// Memory: the policy's bookkeeping only (Fifo 4 bytes + 1 bit an id, Lifo 4 bytes, Bitmap about
/// 1.02 bits an id), allocated once at construction; get and free never allocate.
/// Not thread-safe: one pool is used by one thread at a time.
///
/// @tparam Policy the free-list policy (see objpool/policy.hpp).
/// @tparam Id an integer type wide enough for `first + count - 1`.
template <class Policy, class Id = std::uint32_t>
class IdPool {
    static_assert(detail::check_policy<Policy>(), "objpool: IdPool needs a policy");
    static_assert(std::is_integral_v<Id> && !std::is_same_v<Id, bool>,
                  "objpool: IdPool's Id must be an integer type");

public:
    /// @brief The policy's free list.
    using FreeList = typename Policy::FreeList;
    /// @brief The id type.
    using id_type = Id;

    /// @brief Manages the ids `first .. first+count-1`, all available.
    /// @par Complexity
    /// O(1) besides the policy's allocation (no per-id work for the built-in policies).
    /// @throws std::length_error when `count` exceeds objpool::max_capacity or the last id
    /// does not fit in `Id`; std::bad_alloc when the bookkeeping cannot be allocated.
    explicit IdPool(std::size_t count, Id first = 1)
        : slots_(detail::checked_id_count(count, first)), ids_(first) {}

    /// @brief An available id, now out; std::nullopt when every id is out.
    /// @par Complexity
    /// O(1) for Fifo and Lifo, O(log64 n) for Bitmap. Never allocates.
    [[nodiscard]] std::optional<Id> get() noexcept {
        const std::size_t slot = slots_.acquire();
        if (slot == slots_.capacity()) {
            return std::nullopt;
        }
        return ids_.to_id(slot);
    }

    /// @brief Gives `id` back.
    /// @throws objpool::BadFree (reason out_of_range or not_allocated) when `id` is not out;
    /// the pool is then unchanged.
    /// @par Complexity
    /// O(1) for Fifo and Lifo, O(log64 n) for Bitmap. Never allocates.
    void free(Id id) {
        const std::size_t slot = ids_.to_slot(id);
        if (slot >= slots_.capacity()) {
            ids_.raise_bad_free(id, BadFree::Reason::out_of_range, capacity());
        }
        if (!slots_.release(slot)) {
            ids_.raise_bad_free(id, BadFree::Reason::not_allocated, capacity());
        }
    }

    /// @brief Gives `id` back if it is out; returns whether it was (false changes nothing).
    /// @par Complexity
    /// As free().
    bool try_free(Id id) noexcept {
        const std::size_t slot = ids_.to_slot(id);
        return slot < slots_.capacity() && slots_.release(slot);
    }

    /// @brief Whether `id` is out. False for ids outside the pool's range.
    /// @par Complexity
    /// O(1).
    [[nodiscard]] bool is_allocated(Id id) const noexcept {
        const std::size_t slot = ids_.to_slot(id);
        return slot < slots_.capacity() && slots_.is_allocated(slot);
    }

    /// @brief The number of ids managed (`count`).
    [[nodiscard]] std::size_t capacity() const noexcept { return slots_.capacity(); }
    /// @brief The number of ids `get` can still hand out.
    [[nodiscard]] std::size_t available() const noexcept { return slots_.available(); }
    /// @brief The number of ids out.
    [[nodiscard]] std::size_t allocated() const noexcept { return capacity() - available(); }
    /// @brief The lowest id managed.
    [[nodiscard]] Id first() const noexcept { return ids_.first(); }
    /// @brief Heap bytes of bookkeeping (the policy's free list).
    [[nodiscard]] std::size_t bookkeeping_bytes() const noexcept {
        return slots_.bookkeeping_bytes();
    }

private:
    FreeList slots_;
    detail::IdRange<Id> ids_;
};

}  // namespace objpool
