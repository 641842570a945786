/// @file
/// @brief objpool::ConcurrentObjectPool: objpool::ObjectPool made safe to use from any number
/// of threads.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <new>
#include <type_traits>
#include <utility>

#include "concurrent/bitmap.hpp"
#include "concurrent/fifo.hpp"
#include "concurrent/lifo.hpp"
#include "concurrent/locked.hpp"
#include "concurrent/policy.hpp"
#include "config.hpp"
#include "detail/atomic_bits.hpp"
#include "detail/capacity.hpp"
#include "detail/concurrent_waiters.hpp"
#include "detail/object_pool_common.hpp"
#include "detail/slot_storage.hpp"
#include "error.hpp"
#include "lease.hpp"
#include "lifecycle.hpp"

namespace objpool {

/// @brief A thread-safe pool of up to `capacity` objects of T in one contiguous block, each
/// with a stable address and an id in 1 .. capacity.
///
/// The members and contract of objpool::ObjectPool (leases and raw pointers, the Reuse and
/// ConstructOnGet lifecycles, factory and reset hook), plus blocking acquisition for the
/// connection-pool use: get_for / get_until (and acquire_for / acquire_until) sleep until a
/// free wakes them or the time is up. Every member may be called concurrently (construction
/// and destruction aside); objects are constructed, reset and destroyed outside any lock.
///
/// - A free happens-before the get that hands the object out next: what the previous holder
///   wrote to the object is visible to the next one without further synchronisation.
/// - free stays exact under concurrency: of two threads freeing the same object at once,
///   exactly one succeeds and the other gets objpool::BadFree. A per-slot "out" bit is
///   test-and-cleared *before* the reset hook or destructor runs (so they never run twice)
///   and the slot reaches the free list after them.
/// - Which object get hands out is the policy's choice, as in ConcurrentIdPool.
///
/// Creating a pool does no per-object work. get and free never allocate. Destroying the pool
/// destroys every object it constructed; destroying it while another thread uses it, or
/// using a lease or pointer after its pool is destroyed, is undefined behaviour.
///
/// @tparam T the object type (need not be default-constructible when a factory is given, nor
/// movable).
/// @tparam Policy objpool::Fifo, objpool::Lifo, objpool::Bitmap, objpool::Locked<P>, or a tag
/// with a concurrent free list of your own (see objpool/concurrent/policy.hpp).
/// @tparam Lifecycle objpool::Reuse or objpool::ConstructOnGet.
template <class T, class Policy, class Lifecycle = Reuse>
class ConcurrentObjectPool {
    static_assert(detail::check_concurrent_policy<Policy>(),
                  "objpool: ConcurrentObjectPool needs a policy with a concurrent free list");
    static_assert(std::is_same_v<Lifecycle, Reuse> || std::is_same_v<Lifecycle, ConstructOnGet>,
                  "objpool: Lifecycle must be objpool::Reuse or objpool::ConstructOnGet");
    static_assert(std::is_object_v<T> && !std::is_const_v<T> && !std::is_volatile_v<T> &&
                      !std::is_array_v<T>,
                  "objpool: ConcurrentObjectPool's T must be a non-const, non-array object type");
    static_assert(std::is_nothrow_destructible_v<T>, "objpool: T's destructor must not throw");

    static constexpr bool reuses = std::is_same_v<Lifecycle, Reuse>;

public:
    /// @brief The object type.
    using value_type = T;
    /// @brief The policy's concurrent free list.
    using FreeList = concurrent_free_list_t<Policy>;
    /// @brief The handle get() returns.
    using lease_type = Lease<ConcurrentObjectPool>;
    /// @brief Builds the object of a slot the first time it is handed out (Reuse only);
    /// called with the object's id, possibly from several threads at once (for different ids).
    using Factory = std::function<T(std::size_t id)>;
    /// @brief Runs on every free before the object goes back (Reuse only); possibly from
    /// several threads at once (for different objects).
    using Reset = std::function<void(T&)>;

    /// @brief A pool of `capacity` objects; with Reuse they are default-constructed on first use.
    /// @par Complexity
    /// O(1) besides the allocations.
    /// @throws std::length_error when `capacity` exceeds objpool::max_capacity; std::bad_alloc.
    explicit ConcurrentObjectPool(std::size_t capacity)
        : slots_(detail::checked_capacity(capacity)),
          objects_(capacity),
          out_(capacity),
          used_slots_(capacity) {
        static_assert(!reuses || std::is_default_constructible_v<T>,
                      "objpool: a T that is not default-constructible needs a factory");
    }

    /// @brief A Reuse pool whose objects are built by `factory(id)` and passed to `reset`
    /// (if given) on every free.
    /// @par Complexity
    /// O(1) besides the allocations.
    /// @throws std::length_error when `capacity` exceeds objpool::max_capacity; std::bad_alloc.
    ConcurrentObjectPool(std::size_t capacity, Factory factory, Reset reset = {})
        : slots_(detail::checked_capacity(capacity)),
          objects_(capacity),
          out_(capacity),
          used_slots_(capacity),
          factory_(std::move(factory)),
          reset_(std::move(reset)) {
        static_assert(reuses, "objpool: factories and reset hooks belong to the Reuse lifecycle");
    }

    ConcurrentObjectPool(const ConcurrentObjectPool&) = delete;
    ConcurrentObjectPool& operator=(const ConcurrentObjectPool&) = delete;

    /// @brief Destroys every object constructed and not yet destroyed.
    /// @pre No other thread uses the pool any more.
    /// @par Complexity
    /// O(high_water_mark()).
    ~ConcurrentObjectPool() {
#ifndef NDEBUG
        if (allocated() != 0) {
            char message[128];
            static_cast<void>(std::snprintf(
                message, sizeof message,
                "objpool: ConcurrentObjectPool destroyed while %zu objects are out", allocated()));
            detail::report_error(message);
        }
#endif
        const std::size_t used = high_water_mark();
        for (std::size_t slot = 0; slot < used; ++slot) {
            if (reuses ? used_slots_.test(slot) : out_.test(slot)) {
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
    /// @throws whatever the factory or T's constructor throws; the slot is then given back.
    /// @par Complexity
    /// As ConcurrentIdPool::get(), plus construction. Never allocates.
    template <class... Args>
    [[nodiscard]] lease_type get(Args&&... args) {
        return lease_type(this, acquire(std::forward<Args>(args)...));
    }

    /// @brief As get(), but waits up to `timeout` for an object to be freed; an empty lease
    /// when none was in time.
    /// @throws as get(); std::system_error from the mutex or condition variable (only when it
    /// waits).
    template <class Rep, class Period, class... Args>
    [[nodiscard]] lease_type get_for(const std::chrono::duration<Rep, Period>& timeout,
                                     Args&&... args) {
        return lease_type(this, acquire_for(timeout, std::forward<Args>(args)...));
    }

    /// @brief As get(), but waits until `deadline` for an object to be freed; an empty lease
    /// when none was in time.
    /// @throws as get_for().
    template <class Clock, class Duration, class... Args>
    [[nodiscard]] lease_type get_until(const std::chrono::time_point<Clock, Duration>& deadline,
                                       Args&&... args) {
        return lease_type(this, acquire_until(deadline, std::forward<Args>(args)...));
    }

    /// @brief As get(), but returns a raw pointer (nullptr when exhausted) that must be given
    /// back with free(T*).
    template <class... Args>
    [[nodiscard]] T* acquire(Args&&... args) {
        check_arguments<Args...>();
        return take(slots_.acquire(), std::forward<Args>(args)...);
    }

    /// @brief As acquire(), waiting up to `timeout` for an object to be freed (nullptr when
    /// none was in time).
    /// @throws as get_for().
    template <class Rep, class Period, class... Args>
    [[nodiscard]] T* acquire_for(const std::chrono::duration<Rep, Period>& timeout,
                                 Args&&... args) {
        return acquire_until(detail::deadline_after(timeout), std::forward<Args>(args)...);
    }

    /// @brief As acquire(), waiting until `deadline` for an object to be freed (nullptr when
    /// none was in time).
    /// @throws as get_for().
    template <class Clock, class Duration, class... Args>
    [[nodiscard]] T* acquire_until(const std::chrono::time_point<Clock, Duration>& deadline,
                                   Args&&... args) {
        check_arguments<Args...>();
        std::size_t slot = slots_.acquire();
        if (slot == capacity() && Clock::now() < deadline) {
            slot = waiters_.wait_until(
                deadline, [this]() noexcept { return slots_.acquire(); }, capacity());
        }
        return take(slot, std::forward<Args>(args)...);
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

    /// @brief Gives back an object obtained from acquire(), and wakes one waiting thread.
    /// @throws objpool::BadFree (reason out_of_range for a pointer that is not one of this
    /// pool's objects, not_allocated for one that is not out); the pool is then unchanged.
    /// Of several threads freeing the same object at once, exactly one returns normally.
    /// Also whatever the reset hook throws, after which the object stays out.
    /// @par Complexity
    /// As ConcurrentIdPool::free(), plus the reset hook or destructor.
    void free(T* object) {
        const std::size_t slot = objects_.slot_of(object, capacity());
        if (slot == capacity()) {
            raise_bad_free(object, BadFree::Reason::out_of_range);
        }
        if (!give_back(slot, object)) {
            raise_bad_free(object, BadFree::Reason::not_allocated);
        }
    }

    /// @brief Gives `object` back if it is one of this pool's objects and out; returns whether
    /// it was (false changes nothing). Of several threads at once, exactly one gets true.
    /// @throws only what the reset hook throws.
    bool try_free(T* object) {
        const std::size_t slot = objects_.slot_of(object, capacity());
        return slot != capacity() && give_back(slot, object);
    }

    /// @brief The id (1 .. capacity) of one of this pool's slots, or 0 for any other address.
    /// @par Complexity
    /// O(1).
    [[nodiscard]] std::size_t id_of(const T* object) const noexcept {
        const std::size_t slot = objects_.slot_of(object, capacity());
        return slot == capacity() ? 0 : slot + 1;
    }

    /// @brief The object with id `id` if it is out, else nullptr. Under concurrency the object
    /// may be freed by its holder right after: use the result only while you know it stays out.
    /// @par Complexity
    /// O(1).
    [[nodiscard]] T* find(std::size_t id) noexcept {
        return is_allocated(id) ? objects_.at(id - 1) : nullptr;
    }

    /// @copydoc find(std::size_t)
    [[nodiscard]] const T* find(std::size_t id) const noexcept {
        return is_allocated(id) ? objects_.at(id - 1) : nullptr;
    }

    /// @brief Whether the object with id `id` is out (false outside 1 .. capacity). An object
    /// being constructed by get, or reset by free, is not out.
    [[nodiscard]] bool is_allocated(std::size_t id) const noexcept {
        return id - 1 < capacity() && out_.test(id - 1);
    }

    /// @brief The number of objects the pool can hold.
    [[nodiscard]] std::size_t capacity() const noexcept {
        return slots_.capacity();
    }
    /// @brief The number of objects get() can still hand out (exact when no call is in
    /// flight).
    [[nodiscard]] std::size_t available() const noexcept {
        return slots_.available();
    }
    /// @brief The number of objects out, counting those being constructed or reset.
    [[nodiscard]] std::size_t allocated() const noexcept {
        return capacity() - available();
    }
    /// @brief One past the highest slot ever handed out. With the built-in policies, which
    /// hand never-used slots out in ascending order, that is the number of distinct slots ever
    /// handed out (with Reuse, of objects constructed): the memory the pool has touched.
    [[nodiscard]] std::size_t high_water_mark() const noexcept {
        return high_water_.load(std::memory_order_acquire);
    }
    /// @brief Heap bytes of bookkeeping (free list and the two per-slot bits), the objects aside.
    [[nodiscard]] std::size_t bookkeeping_bytes() const noexcept {
        return slots_.bookkeeping_bytes() + out_.bytes() + used_slots_.bytes();
    }

private:
    friend lease_type;

    // Sets a flag back on scope exit unless dismissed: undoes a step when a hook throws
    // (and works without exceptions, where it is simply dismissed).
    template <class Undo>
    struct UndoUnlessDismissed {
        Undo undo;
        bool armed = true;
        explicit UndoUnlessDismissed(Undo on_exit) : undo(std::move(on_exit)) {}
        UndoUnlessDismissed(const UndoUnlessDismissed&) = delete;
        UndoUnlessDismissed& operator=(const UndoUnlessDismissed&) = delete;
        void dismiss() noexcept { armed = false; }
        ~UndoUnlessDismissed() {
            if (armed) {
                undo();
            }
        }
    };
    template <class Undo>
    static UndoUnlessDismissed<Undo> undo_unless_dismissed(Undo undo) {
        return UndoUnlessDismissed<Undo>{std::move(undo)};
    }

    template <class... Args>
    static constexpr void check_arguments() {
        static_assert(!reuses || sizeof...(Args) == 0,
                      "objpool: get(args...) constructs objects only with ConstructOnGet");
    }

    // Turns an acquired slot (or capacity(): none) into an out object.
    template <class... Args>
    T* take(std::size_t slot, Args&&... args) {
        if (slot == capacity()) {
            return nullptr;
        }
        T* const object = objects_.at(slot);
        // Only the slot's current holder touches its bits, and the free list orders holders.
        const bool first_use = !used_slots_.test(slot);
        if (!reuses || first_use) {
            auto give_back_slot = undo_unless_dismissed([this, slot]() noexcept { release(slot); });
            construct(object, slot, std::forward<Args>(args)...);
            give_back_slot.dismiss();
        }
        if (first_use) {
            used_slots_.set(slot);
            std::size_t mark = high_water_.load(std::memory_order_relaxed);
            while (mark < slot + 1 &&
                   !high_water_.compare_exchange_weak(mark, slot + 1, std::memory_order_release,
                                                      std::memory_order_relaxed)) {
            }
        }
        out_.set(slot);
        return object;
    }

    template <class... Args>
    void construct(T* object, std::size_t slot, Args&&... args) {
        detail::construct_object<reuses>(object, factory_, slot, std::forward<Args>(args)...);
    }

    // Claims the object with a test-and-clear of its "out" bit (exactly one of several
    // concurrent frees wins), resets or destroys it, then returns the slot to the free list.
    // False (no change) if it is not out. If the reset hook throws the object stays out.
    bool give_back(std::size_t slot, T* object) {
        if (!out_.test_and_clear(slot)) {
            return false;
        }
        if constexpr (reuses) {
            if (reset_) {
                auto keep_out = undo_unless_dismissed([this, slot]() noexcept { out_.set(slot); });
                // The analyzer cannot see that slot_of() maps a null object to capacity(),
                // which free() refuses before calling here.
                reset_(*object);  // NOLINT(clang-analyzer-core.NonNullParamChecker)
                keep_out.dismiss();
            }
        } else {
            object->~T();
        }
        release(slot);
        return true;
    }

    void release(std::size_t slot) noexcept {
        const bool released = slots_.release(slot);
        OBJPOOL_ASSERT(released, "the free list refused a slot the pool held");
        static_cast<void>(released);
        waiters_.notify<detail::publishes_seq_cst<FreeList>::value>(
            [this]() noexcept { detail::publish_cached(slots_); });
    }

    void give_back_leased(T* object) noexcept {
        const bool given_back = give_back(objects_.slot_of(object, capacity()), object);
        OBJPOOL_ASSERT(given_back, "a lease's object was not out");
        static_cast<void>(given_back);
    }

    [[noreturn]] void raise_bad_free(const T* object, BadFree::Reason reason) const {
        detail::raise_bad_object_free(object, id_of(object), reason);
    }

    FreeList slots_;
    detail::SlotStorage<T> objects_;
    detail::AtomicBits out_;         // set while the object is held by a user
    detail::AtomicBits used_slots_;  // set once the slot has been handed out (Reuse: constructed)
    Factory factory_;
    Reset reset_;
    alignas(detail::cache_line_bytes) std::atomic<std::size_t> high_water_{0};
    detail::ConcurrentWaiters waiters_;
};

}  // namespace objpool
