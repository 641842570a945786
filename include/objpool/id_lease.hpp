/// @file
/// @brief objpool::IdLease: the move-only handle to an id of an id pool.
#pragma once

// First: under C++14 its one clear #error comes before anything else fails.
#include "config.hpp"

#include <utility>

namespace objpool {

/// @brief Owns one id of an id pool and gives it back when destroyed.
///
/// Returned by BasicIdPool::lease() (objpool::IdPool, objpool::ConcurrentIdPool); empty when
/// the pool was exhausted. Move-only, like std::unique_ptr and objpool::Lease; release() hands
/// the id over to the caller, who then frees it through the pool. Freeing the id through the
/// pool while a lease holds it is a bug: the lease reports it through the error handler when it
/// is destroyed (the id is not freed twice). Using a lease after its pool is destroyed is
/// undefined behaviour. A lease may be destroyed on any thread when its pool is concurrent.
///
/// @tparam Pool the id pool type it comes from.
template <class Pool>
class IdLease {
public:
    /// @brief The id type.
    using id_type = typename Pool::id_type;

    /// @brief An empty lease.
    IdLease() noexcept = default;

    /// @brief Takes over `other`'s id; `other` becomes empty.
    IdLease(IdLease&& other) noexcept
        : pool_(std::exchange(other.pool_, nullptr)), id_(other.id_) {}

    /// @brief Gives back this lease's id, if any, then takes over `other`'s.
    IdLease& operator=(IdLease&& other) noexcept {
        if (this != &other) {
            give_back();
            pool_ = std::exchange(other.pool_, nullptr);
            id_ = other.id_;
        }
        return *this;
    }

    IdLease(const IdLease&) = delete;
    IdLease& operator=(const IdLease&) = delete;

    /// @brief Gives the id back to its pool.
    ~IdLease() { give_back(); }

    // Narrow contracts, so not noexcept: OBJPOOL_ASSERT may be made to throw.

    /// @brief The id. @pre The lease is not empty (checked by OBJPOOL_ASSERT).
    [[nodiscard]] id_type id() const {
        OBJPOOL_ASSERT(pool_ != nullptr, "the id of an empty IdLease");
        return id_;
    }

    /// @brief Returns the id, which stays out, and empties the lease: the caller frees it
    /// through the pool. @pre The lease is not empty (checked by OBJPOOL_ASSERT).
    id_type release() {
        OBJPOOL_ASSERT(pool_ != nullptr, "release() of an empty IdLease");
        pool_ = nullptr;
        return id_;
    }

    /// @brief Whether the lease holds an id.
    explicit operator bool() const noexcept { return pool_ != nullptr; }

private:
    friend Pool;

    IdLease(Pool* pool, id_type id) noexcept : pool_(pool), id_(id) {}

    void give_back() noexcept {
        if (pool_ != nullptr && !std::exchange(pool_, nullptr)->try_free(id_)) {
            detail::report_error(
                "objpool: an IdLease's id was freed through the pool before the lease");
        }
    }

    Pool* pool_ = nullptr;  // null: empty
    id_type id_{};
};

}  // namespace objpool
