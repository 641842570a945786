/// @file
/// @brief objpool::Lease: the move-only handle to an object of an ObjectPool.
#pragma once

#include <cstddef>
#include <utility>

#include "config.hpp"
#include "detail/bits.hpp"

namespace objpool {

/// @brief Owns one object of a pool and gives it back when destroyed.
///
/// Returned by ObjectPool::get() (and ObjectPool::adopt()); empty when the pool was exhausted.
/// Move-only, like std::unique_ptr; `pool.free(lease)` gives the object back early and empties
/// the lease, `pool.discard(lease)` destroys it, release() hands it over as a raw pointer.
/// While a lease holds an object, `pool.free(T*)` of that object is refused (objpool::BadFree,
/// reason leased). Using a lease after its pool is destroyed is undefined behaviour.
///
/// @tparam Pool the ObjectPool type it comes from.
template <class Pool>
class Lease {
public:
    /// @brief The object type.
    using value_type = typename Pool::value_type;

    /// @brief An empty lease.
    Lease() noexcept = default;

    /// @brief Takes over `other`'s object; `other` becomes empty.
    Lease(Lease&& other) noexcept
        : pool_(other.pool_), object_(std::exchange(other.object_, nullptr)) {}

    /// @brief Gives back this lease's object, if any, then takes over `other`'s.
    Lease& operator=(Lease&& other) noexcept {
        if (this != &other) {
            give_back();
            pool_ = other.pool_;
            object_ = std::exchange(other.object_, nullptr);
        }
        return *this;
    }

    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

    /// @brief Gives the object back to its pool (running the pool's reset hook or destructor).
    /// A reset hook that throws here ends the program (std::terminate), as any exception
    /// leaving a destructor does; give the object back with `pool.free(lease)` to see it.
    OBJPOOL_DETAIL_ALWAYS_INLINE ~Lease() { give_back(); }

    // Narrow contracts, so not noexcept: OBJPOOL_ASSERT may be made to throw.

    /// @brief The object. @pre The lease is not empty (checked by OBJPOOL_ASSERT).
    value_type& operator*() const {
        OBJPOOL_ASSERT(object_ != nullptr, "dereferencing an empty lease");
        return *object_;
    }

    /// @brief The object's address. @pre The lease is not empty (checked by OBJPOOL_ASSERT).
    value_type* operator->() const {
        OBJPOOL_ASSERT(object_ != nullptr, "dereferencing an empty lease");
        return object_;
    }

    /// @brief The object's address, or nullptr when empty.
    [[nodiscard]] value_type* get() const noexcept { return object_; }

    /// @brief The object's id in 1 .. capacity, or 0 when empty. O(1).
    [[nodiscard]] std::size_t id() const noexcept {
        return object_ == nullptr ? 0 : pool_->id_of(object_);
    }

    /// @brief Whether the lease holds an object.
    explicit operator bool() const noexcept { return object_ != nullptr; }

    /// @brief Empties the lease without giving its object back, and returns the object (nullptr
    /// when empty): it stays out, now through the raw layer, and the caller gives it back
    /// later with `pool.free(T*)` (or wraps it again with `pool.adopt(T*)`), as
    /// std::unique_ptr::release().
    /// @par Complexity
    /// O(1).
    [[nodiscard]] value_type* release() noexcept {
        if (object_ != nullptr) {
            pool_->unmark_leased(object_);
        }
        return std::exchange(object_, nullptr);
    }

private:
    friend Pool;

    Lease(Pool* pool, value_type* object) noexcept : pool_(pool), object_(object) {}

    OBJPOOL_DETAIL_ALWAYS_INLINE void give_back() noexcept {
        if (object_ != nullptr) {
            pool_->give_back_leased(std::exchange(object_, nullptr));
        }
    }

    Pool* pool_ = nullptr;
    value_type* object_ = nullptr;
};

}  // namespace objpool
