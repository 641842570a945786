/// @file
/// @brief objpool::ObjectPool: up to `capacity` objects of T in one block, ids 1 .. capacity.
#pragma once

#include <cstddef>
#include <cstdio>
#include <functional>
#include <new>
#include <type_traits>
#include <utility>

#include "config.hpp"
#include "detail/bits.hpp"
#include "detail/capacity.hpp"
#include "detail/object_pool_common.hpp"
#include "detail/sanitizer.hpp"
#include "detail/slot_storage.hpp"
#include "detail/unacquire.hpp"
#include "error.hpp"
#include "lease.hpp"
#include "lifecycle.hpp"
#include "policy.hpp"

namespace objpool {

/// @brief A pool of up to `capacity` objects of T in one contiguous block, each with a stable
/// address and an id in 1 .. capacity.
///
/// Two layers share one pool:
/// - leases: `get()` returns a move-only objpool::Lease that gives the object back when it is
///   destroyed (or through `free(lease)`);
/// - raw: `acquire()` returns a `T*` (nullptr when exhausted) that you give back with
///   `free(T*)`, which refuses with objpool::BadFree and no change a pointer that is not one of
///   this pool's objects or not out.
///
/// What happens to objects is the Lifecycle's choice (objpool::Reuse, the default, or
/// objpool::ConstructOnGet). Creating a pool does no per-object work: one allocation for the
/// objects, the policy's for the bookkeeping. get and free never allocate.
///
/// Destroying a pool destroys every object it constructed. Objects still out at that point are
/// destroyed too; in builds without NDEBUG that is reported through the error handler
/// (objpool::set_error_handler) first. Using a lease or pointer after its pool is destroyed is
/// undefined behaviour. Not thread-safe: one pool is used by one thread at a time.
///
/// @tparam T the object type (any alignment; need not be default-constructible when a factory
/// is given, nor movable).
/// @tparam Policy the free-list policy (see objpool/policy.hpp).
/// @tparam Lifecycle objpool::Reuse or objpool::ConstructOnGet.
template <class T, class Policy, class Lifecycle = Reuse>
class ObjectPool {
    static_assert(detail::check_policy<Policy>(), "objpool: ObjectPool needs a policy");
    static_assert(std::is_same_v<Lifecycle, Reuse> || std::is_same_v<Lifecycle, ConstructOnGet>,
                  "objpool: Lifecycle must be objpool::Reuse or objpool::ConstructOnGet");
    static_assert(std::is_object_v<T> && !std::is_const_v<T> && !std::is_volatile_v<T> &&
                      !std::is_array_v<T>,
                  "objpool: ObjectPool's T must be a non-const, non-array object type");
    static_assert(std::is_nothrow_destructible_v<T>, "objpool: T's destructor must not throw");

    static constexpr bool reuses = std::is_same_v<Lifecycle, Reuse>;

public:
    /// @brief The object type.
    using value_type = T;
    /// @brief The policy's free list.
    using FreeList = typename Policy::FreeList;
    /// @brief The handle get() returns.
    using lease_type = Lease<ObjectPool>;
    /// @brief Builds the object of a slot the first time it is handed out (Reuse only);
    /// called with the object's id.
    using Factory = std::function<T(std::size_t id)>;
    /// @brief Runs on every free before the object goes back (Reuse only).
    using Reset = std::function<void(T&)>;

    /// @brief A pool of `capacity` objects; with Reuse they are default-constructed on first use.
    /// @par Complexity
    /// O(1) besides the allocations.
    /// @throws std::length_error when `capacity` exceeds objpool::max_capacity; std::bad_alloc.
    explicit ObjectPool(std::size_t capacity)
        : slots_(detail::checked_capacity(capacity)), objects_(capacity) {
        static_assert(!reuses || std::is_default_constructible_v<T>,
                      "objpool: a T that is not default-constructible needs a factory");
        detail::poison(objects_.at(0), capacity * sizeof(T));
    }

    /// @brief A Reuse pool whose objects are built by `factory(id)` and passed to `reset`
    /// (if given) on every free.
    /// @par Complexity
    /// O(1) besides the allocations.
    /// @throws std::length_error when `capacity` exceeds objpool::max_capacity; std::bad_alloc.
    ObjectPool(std::size_t capacity, Factory factory, Reset reset = {})
        : slots_(detail::checked_capacity(capacity)),
          objects_(capacity),
          factory_(std::move(factory)),
          reset_(std::move(reset)) {
        static_assert(reuses, "objpool: factories and reset hooks belong to the Reuse lifecycle");
        detail::poison(objects_.at(0), capacity * sizeof(T));
    }

    ObjectPool(const ObjectPool&) = delete;
    ObjectPool& operator=(const ObjectPool&) = delete;

    /// @brief Destroys every object constructed and not yet destroyed.
    /// @par Complexity
    /// O(high_water_mark()).
    ~ObjectPool() {
#ifndef NDEBUG
        if (allocated() != 0) {
            char message[128];
            static_cast<void>(std::snprintf(
                message, sizeof message, "objpool: ObjectPool destroyed while %zu objects are out",
                allocated()));
            detail::report_error(message);
        }
#endif
        detail::unpoison(objects_.at(0), capacity() * sizeof(T));
        for (std::size_t slot = 0; slot < used_; ++slot) {
            if (reuses || slots_.is_allocated(slot)) {
                objects_.at(slot)->~T();
            }
        }
    }

    /// @brief An object, out until the lease is destroyed or freed; an empty lease when the
    /// pool is exhausted.
    ///
    /// With Reuse, `args` must be empty: a never-used slot's object is built by the factory (or
    /// default-constructed), a used one is handed out as the last free left it. With
    /// ConstructOnGet the object is constructed from `args`.
    /// @throws whatever the factory or T's constructor throws; the pool is then unchanged.
    /// @par Complexity
    /// O(1) for Fifo and Lifo, O(log64 n) for Bitmap, plus construction. Never allocates.
    template <class... Args>
    [[nodiscard]] OBJPOOL_DETAIL_ALWAYS_INLINE lease_type get(Args&&... args) {
        return lease_type(this, acquire(std::forward<Args>(args)...));
    }

    /// @brief As get(), but returns a raw pointer (nullptr when exhausted) that must be given
    /// back with free(T*).
    template <class... Args>
    [[nodiscard]] OBJPOOL_DETAIL_ALWAYS_INLINE T* acquire(Args&&... args) {
        static_assert(!reuses || sizeof...(Args) == 0,
                      "objpool: get(args...) constructs objects only with ConstructOnGet");
        const std::size_t slot = slots_.acquire();
        if (slot == slots_.capacity()) {
            return nullptr;
        }
        T* const object = objects_.at(slot);
        // A slot was acquired, so the block is not empty: lets the caller's null test fold away.
        OBJPOOL_DETAIL_ASSUME(object != nullptr);
        detail::unpoison(object, sizeof(T));
        if constexpr (reuses) {
            if (slot == used_) {
                construct_first(object, slot);
            }
        } else {
            construct_guarded(object, slot, std::forward<Args>(args)...);
        }
        OBJPOOL_ASSERT(slot < used_, "the policy handed out a never-used slot out of order");
        return object;
    }

    /// @brief Gives the lease's object back now and empties the lease.
    /// @throws objpool::BadFree when the lease is empty or from another pool (nothing changes);
    /// whatever the reset hook throws (the object then stays out and the lease keeps it).
    void free(lease_type& lease) {
        if (lease.object_ == nullptr || lease.pool_ != this) {
            detail::raise_bad_lease_free(lease.object_ == nullptr);
        }
        free(lease.object_);
        lease.object_ = nullptr;
    }

    /// @brief Gives back an object obtained from acquire().
    /// @throws objpool::BadFree (reason out_of_range for a pointer that is not one of this
    /// pool's objects, not_allocated for one that is not out); the pool is then unchanged.
    /// Also whatever the reset hook throws, after which the object stays out.
    /// @par Complexity
    /// O(1) for Fifo and Lifo, O(log64 n) for Bitmap, plus the reset hook or destructor.
    void free(T* object) {
        const std::size_t slot = objects_.index_of(object);
        if (slot >= capacity()) {
            raise_bad_free(object, BadFree::Reason::out_of_range);
        }
        if (!give_back(slot, object)) {
            raise_bad_free(object, BadFree::Reason::not_allocated);
        }
    }

    /// @brief Gives `object` back if it is one of this pool's objects and out; returns whether
    /// it was (false changes nothing).
    /// @throws only what the reset hook throws.
    bool try_free(T* object) {
        const std::size_t slot = objects_.index_of(object);
        return slot < capacity() && give_back(slot, object);
    }

    /// @brief The id (1 .. capacity) of one of this pool's slots, or 0 for any other address.
    /// @par Complexity
    /// O(1).
    [[nodiscard]] std::size_t id_of(const T* object) const noexcept {
        const std::size_t slot = objects_.index_of(object);
        return slot < capacity() ? slot + 1 : 0;
    }

    /// @brief The object with id `id` if it is out, else nullptr.
    /// @par Complexity
    /// O(1).
    [[nodiscard]] T* find(std::size_t id) noexcept {
        return is_allocated(id) ? objects_.at(id - 1) : nullptr;
    }

    /// @copydoc find(std::size_t)
    [[nodiscard]] const T* find(std::size_t id) const noexcept {
        return is_allocated(id) ? objects_.at(id - 1) : nullptr;
    }

    /// @brief Whether the object with id `id` is out (false outside 1 .. capacity).
    [[nodiscard]] bool is_allocated(std::size_t id) const noexcept {
        return id - 1 < capacity() && slots_.is_allocated(id - 1);
    }

    /// @brief The number of objects the pool can hold.
    [[nodiscard]] std::size_t capacity() const noexcept {
        return slots_.capacity();
    }
    /// @brief The number of objects get() can still hand out.
    [[nodiscard]] std::size_t available() const noexcept {
        return slots_.available();
    }
    /// @brief The number of objects out.
    [[nodiscard]] std::size_t allocated() const noexcept {
        return capacity() - available();
    }
    /// @brief The number of distinct slots ever handed out: the memory the pool has touched.
    /// With Reuse, also the number of objects constructed. For Lifo and Bitmap it equals the
    /// most objects ever out at once; Fifo visits every slot before reusing any.
    [[nodiscard]] std::size_t high_water_mark() const noexcept {
        return used_;
    }
    /// @brief Heap bytes of bookkeeping (the policy's free list), the objects aside.
    [[nodiscard]] std::size_t bookkeeping_bytes() const noexcept {
        return slots_.bookkeeping_bytes();
    }

private:
    friend lease_type;

    // Undoes the acquire if the construction in flight throws: the next get() takes the same
    // slot, as if nothing had happened (a plain release would requeue it under Fifo).
    struct ReleaseUnlessDismissed {
        FreeList& slots;
        std::size_t slot;
        T* object;
        bool armed = true;
        ReleaseUnlessDismissed(FreeList& free_list, std::size_t acquired, T* constructing) noexcept
            : slots(free_list), slot(acquired), object(constructing) {}
        ReleaseUnlessDismissed(const ReleaseUnlessDismissed&) = delete;
        ReleaseUnlessDismissed& operator=(const ReleaseUnlessDismissed&) = delete;
        void dismiss() noexcept { armed = false; }
        ~ReleaseUnlessDismissed() {
            if (armed) {
                detail::poison(object, sizeof(T));
                detail::unacquire(slots, slot);
            }
        }
    };

    // Builds the object of the slot just acquired; if that throws, the slot goes back.
    template <class... Args>
    void construct_guarded(T* object, std::size_t slot, Args&&... args) {
        ReleaseUnlessDismissed guard{slots_, slot, object};
        construct(object, slot, std::forward<Args>(args)...);
        guard.dismiss();
        if (slot >= used_) {
            used_ = slot + 1;
        }
    }

    // With Reuse, once per slot: kept out of line so that acquire() stays small enough to
    // inline.
    OBJPOOL_DETAIL_NOINLINE void construct_first(T* object, std::size_t slot) {
        construct_guarded(object, slot);
    }

    template <class... Args>
    void construct(T* object, std::size_t slot, Args&&... args) {
        detail::construct_object<reuses>(object, factory_, slot, std::forward<Args>(args)...);
    }

    // Resets or destroys the object, then frees its slot; false (no change) if it is not out.
    // The reset hook runs first so that, if it throws, the object is still out.
    OBJPOOL_DETAIL_ALWAYS_INLINE bool give_back(std::size_t slot, T* object) {
        if constexpr (reuses) {
            if (reset_ && !reset_if_allocated(slot, object)) {
                return false;
            }
        } else {
            if (!slots_.is_allocated(slot)) {
                return false;
            }
            object->~T();
        }
        if (!slots_.release(slot)) {
            return false;
        }
        detail::poison(object, sizeof(T));  // after the reset hook and the destructor
        return true;
    }

    // The reset hook, if the object is out (else false). Out of line: the std::function call
    // would otherwise make every give_back too large to inline.
    OBJPOOL_DETAIL_NOINLINE bool reset_if_allocated(std::size_t slot, T* object) {
        if (!slots_.is_allocated(slot)) {
            return false;
        }
        reset_(*object);
        return true;
    }

    // Only a lease whose object was freed behind its back (through free(T*)) gets false here.
    OBJPOOL_DETAIL_ALWAYS_INLINE void give_back_leased(T* object) noexcept {
        if (!give_back(objects_.index_of(object), object)) {
            detail::report_error(
                "objpool: a lease's object was freed through free(T*) before the lease");
        }
    }

    [[noreturn]] void raise_bad_free(const T* object, BadFree::Reason reason) const {
        detail::raise_bad_object_free(object, id_of(object), reason);
    }

    FreeList slots_;
    detail::SlotStorage<T> objects_;
    Factory factory_;
    Reset reset_;
    std::size_t used_ = 0;  // slots below it have been handed out at least once
};

}  // namespace objpool
