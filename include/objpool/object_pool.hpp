/// @file
/// @brief objpool::BasicObjectPool, the object pool over any free list, and objpool::ObjectPool:
/// up to `capacity` objects of T in one block, ids 1 .. capacity.
#pragma once

// First: under C++14 its one clear #error comes before anything else fails.
#include "config.hpp"

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <functional>
#include <new>
#include <type_traits>
#include <utility>

#include "detail/bits.hpp"
#include "detail/capacity.hpp"
#include "detail/concurrent_waiters.hpp"
#include "detail/object_pool_common.hpp"
#include "detail/sanitizer.hpp"
#include "detail/scope_guard.hpp"
#include "detail/slot_record.hpp"
#include "detail/slot_storage.hpp"
#include "error.hpp"
#include "free_list_traits.hpp"
#include "lease.hpp"
#include "lifecycle.hpp"
#include "statistics.hpp"

namespace objpool {

/// @brief A pool of up to `capacity` objects of T in one contiguous block, each with a stable
/// address and an id in 1 .. capacity. One implementation for every free list; use it through
/// objpool::ObjectPool (single-threaded) or objpool::ConcurrentObjectPool (thread-safe).
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
/// objects, the free list's (and, for a concurrent pool, two bits a slot) for the bookkeeping.
/// get and free never allocate. If the factory or constructor throws, get undoes its acquire in
/// place (objpool::free_list_traits::unacquire): the pool is unchanged, and the next get hands
/// out the same slot. Under AddressSanitizer the storage of every object that is not out is
/// poisoned (for a concurrent pool, when sizeof(T) is a multiple of 8, so that no two objects
/// share an 8-byte shadow granule that two threads could write at once).
///
/// The free list decides the family (objpool::free_list_traits::is_thread_safe). A concurrent
/// pool's members may be called from any number of threads at once (construction and
/// destruction aside): objects are constructed, reset and destroyed outside any lock; a free
/// happens-before the get that hands the object out next; of two threads freeing the same
/// object at once exactly one succeeds (a per-slot "out" bit is test-and-cleared before the
/// reset hook or destructor runs); get_for / get_until wait for a free.
///
/// Destroying a pool destroys every object it constructed. Objects still out at that point are
/// destroyed too; in builds without NDEBUG that is reported through the error handler
/// (objpool::set_error_handler) first. Using a lease or pointer after its pool is destroyed,
/// or destroying a pool while another thread uses it, is undefined behaviour.
///
/// @tparam T the object type (any alignment; need not be default-constructible when a factory
/// is given, nor movable).
/// @tparam List a free list (see objpool/free_list_traits.hpp).
/// @tparam Lifecycle objpool::Reuse or objpool::ConstructOnGet.
template <class T, class List, class Lifecycle = Reuse>
class BasicObjectPool {
    static_assert(is_free_list_v<List>,
                  "objpool: BasicObjectPool needs a free list (see objpool/free_list_traits.hpp)");
    static_assert(std::is_same_v<Lifecycle, Reuse> || std::is_same_v<Lifecycle, ConstructOnGet>,
                  "objpool: Lifecycle must be objpool::Reuse or objpool::ConstructOnGet");
    static_assert(std::is_object_v<T> && !std::is_const_v<T> && !std::is_volatile_v<T> &&
                      !std::is_array_v<T>,
                  "objpool: ObjectPool's T must be a non-const, non-array object type");
    static_assert(std::is_nothrow_destructible_v<T>, "objpool: T's destructor must not throw");

    using traits = free_list_traits<List>;
    static constexpr bool reuses = std::is_same_v<Lifecycle, Reuse>;

public:
    /// @brief The object type.
    using value_type = T;
    /// @brief The free list.
    using FreeList = List;
    /// @brief The handle get() returns.
    using lease_type = Lease<BasicObjectPool>;
    /// @brief Builds the object of a slot the first time it is handed out (Reuse only);
    /// called with the object's id (in a concurrent pool, possibly from several threads at
    /// once, for different ids).
    using Factory = std::function<T(std::size_t id)>;
    /// @brief Runs on every free before the object goes back (Reuse only; in a concurrent
    /// pool, possibly from several threads at once, for different objects).
    using Reset = std::function<void(T&)>;
    /// @brief Whether the pool may be used from several threads at once.
    static constexpr bool is_thread_safe = traits::is_thread_safe;

    /// @brief A pool of `capacity` objects; with Reuse they are default-constructed on first use.
    /// @par Complexity
    /// O(1) besides the allocations.
    /// @throws std::length_error when `capacity` exceeds objpool::max_capacity; std::bad_alloc.
    explicit BasicObjectPool(std::size_t capacity)
        : slots_(detail::checked_capacity(capacity)), objects_(capacity), record_(capacity) {
        static_assert(!reuses || std::is_default_constructible_v<T>,
                      "objpool: a T that is not default-constructible needs a factory");
        poison(objects_.at(0), capacity * sizeof(T));
    }

    /// @brief A Reuse pool whose objects are built by `factory(id)` and passed to `reset`
    /// (if given) on every free.
    /// @par Complexity
    /// O(1) besides the allocations.
    /// @throws std::length_error when `capacity` exceeds objpool::max_capacity; std::bad_alloc.
    BasicObjectPool(std::size_t capacity, Factory factory, Reset reset = {})
        : slots_(detail::checked_capacity(capacity)),
          objects_(capacity),
          record_(capacity),
          factory_(std::move(factory)),
          reset_(std::move(reset)) {
        static_assert(reuses, "objpool: factories and reset hooks belong to the Reuse lifecycle");
        poison(objects_.at(0), capacity * sizeof(T));
    }

    BasicObjectPool(const BasicObjectPool&) = delete;
    BasicObjectPool& operator=(const BasicObjectPool&) = delete;

    /// @brief Destroys every object constructed and not yet destroyed.
    /// @pre No other thread uses the pool any more.
    /// @par Complexity
    /// O(high_water_mark()).
    ~BasicObjectPool() {
#ifndef NDEBUG
        if (allocated() != 0) {
            char message[128];
            static_cast<void>(std::snprintf(
                message, sizeof message, "objpool: %s destroyed while %zu objects are out",
                is_thread_safe ? "ConcurrentObjectPool" : "ObjectPool", allocated()));
            detail::report_error(message);
        }
#endif
        unpoison(objects_.at(0), capacity() * sizeof(T));
        const std::size_t used = high_water_mark();
        for (std::size_t slot = 0; slot < used; ++slot) {
            if (reuses ? record_.used(slot) : is_out(slot)) {
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

    /// @brief As get(), but waits up to `timeout` for an object to be freed; an empty lease
    /// when none was in time. Concurrent pools only.
    /// @throws as get(); std::system_error from the mutex or condition variable (only when it
    /// waits).
    template <class Rep, class Period, class... Args>
    [[nodiscard]] lease_type get_for(const std::chrono::duration<Rep, Period>& timeout,
                                     Args&&... args) {
        return lease_type(this, acquire_for(timeout, std::forward<Args>(args)...));
    }

    /// @brief As get(), but waits until `deadline` for an object to be freed; an empty lease
    /// when none was in time. Concurrent pools only.
    /// @throws as get_for().
    template <class Clock, class Duration, class... Args>
    [[nodiscard]] lease_type get_until(const std::chrono::time_point<Clock, Duration>& deadline,
                                       Args&&... args) {
        return lease_type(this, acquire_until(deadline, std::forward<Args>(args)...));
    }

    /// @brief As get(), but returns a raw pointer (nullptr when exhausted) that must be given
    /// back with free(T*).
    template <class... Args>
    [[nodiscard]] OBJPOOL_DETAIL_ALWAYS_INLINE T* acquire(Args&&... args) {
        check_arguments<Args...>();
        return take(traits::acquire(slots_), std::forward<Args>(args)...);
    }

    /// @brief As acquire(), waiting up to `timeout` for an object to be freed (nullptr when
    /// none was in time). Concurrent pools only.
    /// @throws as get_for().
    template <class Rep, class Period, class... Args>
    [[nodiscard]] T* acquire_for(const std::chrono::duration<Rep, Period>& timeout,
                                 Args&&... args) {
        return acquire_until(detail::deadline_after(timeout), std::forward<Args>(args)...);
    }

    /// @brief As acquire(), waiting until `deadline` for an object to be freed (nullptr when
    /// none was in time). Concurrent pools only.
    /// @throws as get_for().
    template <class Clock, class Duration, class... Args>
    [[nodiscard]] T* acquire_until(const std::chrono::time_point<Clock, Duration>& deadline,
                                   Args&&... args) {
        static_assert(is_thread_safe,
                      "objpool: get_for and get_until belong to the concurrent pools");
        check_arguments<Args...>();
        std::size_t slot = traits::acquire(slots_);
        if (slot == capacity() && Clock::now() < deadline) {
            slot = traits::timed_wait(slots_, [this, &deadline] {
                return waiters_.wait_until(
                    deadline, [this]() noexcept { return traits::acquire(slots_); }, capacity());
            });
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

    /// @brief Gives back an object obtained from acquire() (in a concurrent pool, waking one
    /// thread waiting in get_for / get_until, if any).
    /// @throws objpool::BadFree (reason out_of_range for a pointer that is not one of this
    /// pool's objects, not_allocated for one that is not out); the pool is then unchanged.
    /// Of several threads freeing the same object at once, exactly one returns normally.
    /// Also whatever the reset hook throws, after which the object stays out.
    /// @par Complexity
    /// O(1) for Fifo and Lifo, O(log64 n) for Bitmap, plus the reset hook or destructor.
    void free(T* object) {
        const std::size_t slot = objects_.index_of(object);
        if (slot >= capacity()) {
            traits::record_free(slots_, false);
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
        const std::size_t slot = objects_.index_of(object);
        if (slot >= capacity()) {
            traits::record_free(slots_, false);
            return false;
        }
        return give_back(slot, object);
    }

    /// @brief The id (1 .. capacity) of one of this pool's slots, or 0 for any other address.
    /// @par Complexity
    /// O(1).
    [[nodiscard]] std::size_t id_of(const T* object) const noexcept {
        const std::size_t slot = objects_.index_of(object);
        return slot < capacity() ? slot + 1 : 0;
    }

    /// @brief The object with id `id` if it is out, else nullptr. In a concurrent pool the
    /// object may be freed by its holder right after: use the result only while you know it
    /// stays out.
    /// @par Complexity
    /// O(1).
    [[nodiscard]] T* find(std::size_t id) noexcept {
        return is_allocated(id) ? objects_.at(id - 1) : nullptr;
    }

    /// @copydoc find(std::size_t)
    [[nodiscard]] const T* find(std::size_t id) const noexcept {
        return is_allocated(id) ? objects_.at(id - 1) : nullptr;
    }

    /// @brief Whether the object with id `id` is out (false outside 1 .. capacity). In a
    /// concurrent pool an object being constructed by get, or reset by free, is not out.
    [[nodiscard]] bool is_allocated(std::size_t id) const noexcept {
        return id - 1 < capacity() && is_out(id - 1);
    }

    /// @brief The number of objects the pool can hold.
    [[nodiscard]] std::size_t capacity() const noexcept {
        return traits::capacity(slots_);
    }
    /// @brief The number of objects get() can still hand out (in a concurrent pool, exact when
    /// no call is in flight).
    [[nodiscard]] std::size_t available() const noexcept {
        return traits::available(slots_);
    }
    /// @brief The number of objects out (in a concurrent pool, counting those being
    /// constructed or reset).
    [[nodiscard]] std::size_t allocated() const noexcept {
        return capacity() - available();
    }
    /// @brief One past the highest slot ever handed out. With free lists that hand never-used
    /// slots out in ascending order (every built-in one), the number of distinct slots ever
    /// handed out: the memory the pool has touched, and with Reuse the number of objects
    /// constructed. For Lifo and Bitmap it equals the most objects ever out at once; Fifo
    /// visits every slot before reusing any.
    [[nodiscard]] std::size_t high_water_mark() const noexcept {
        return record_.high_water_mark();
    }
    /// @brief Heap bytes of bookkeeping (the free list, and for a concurrent pool two bits a
    /// slot), the objects aside.
    [[nodiscard]] std::size_t bookkeeping_bytes() const noexcept {
        if constexpr (is_thread_safe) {
            return traits::bookkeeping_bytes(slots_) + record_.bytes();
        } else {
            return traits::bookkeeping_bytes(slots_);
        }
    }
    /// @brief What the pool has counted since it was created (objpool::PoolStatistics). Only
    /// for a policy wrapped in objpool::Counted. Under concurrency, exact when no call is in
    /// flight. O(1) (concurrent: O(16)).
    [[nodiscard]] PoolStatistics statistics() const noexcept {
        static_assert(traits::has_statistics,
                      "objpool: statistics() needs a policy wrapped in objpool::Counted");
        return slots_.statistics();
    }

private:
    // Whether the free list tracks which slots are out and releases in two steps (claim, then
    // release_claimed), as objpool::ThreadCached does; otherwise a concurrent pool keeps its own
    // atomic "out" bits.
    static constexpr bool list_claims = is_thread_safe && traits::has_claim;
    static constexpr bool record_owns_out_bits = is_thread_safe && !list_claims;

    friend lease_type;

    // A concurrent pool poisons only objects that fill whole ASan granules (see the class
    // comment); the block at creation and destruction is touched by one thread.
    static constexpr bool poisons = !is_thread_safe || sizeof(T) % 8 == 0;
    static void poison(const void* address, std::size_t bytes) noexcept {
        if constexpr (poisons) {
            detail::poison(address, bytes);
        }
    }
    static void unpoison(const void* address, std::size_t bytes) noexcept {
        if constexpr (poisons) {
            detail::unpoison(address, bytes);
        }
    }

    template <class... Args>
    static constexpr void check_arguments() {
        static_assert(!reuses || sizeof...(Args) == 0,
                      "objpool: get(args...) constructs objects only with ConstructOnGet");
    }

    [[nodiscard]] bool is_out(std::size_t slot) const noexcept {
        if constexpr (record_owns_out_bits) {
            return record_.is_out(slot);
        } else {
            return traits::is_allocated(slots_, slot);
        }
    }

    // Takes the object back from its holder: false if it is not out. Single-threaded, a check;
    // concurrent, a test-and-clear that exactly one of several racing frees wins.
    bool claim(std::size_t slot) noexcept {
        if constexpr (record_owns_out_bits) {
            return record_.claim(slot);
        } else if constexpr (list_claims) {
            return slots_.claim(slot);
        } else {
            return traits::is_allocated(slots_, slot);
        }
    }

    // Undoes claim() (the reset hook threw: the object stays out). Single-threaded, the claim
    // was only a check.
    void unclaim(std::size_t slot) noexcept {
        if constexpr (record_owns_out_bits) {
            record_.unclaim(slot);
        } else if constexpr (list_claims) {
            slots_.unclaim(slot);
        } else {
            static_cast<void>(slot);
        }
    }

    // Wakes a thread waiting in get_for / get_until (concurrent pools; nobody waits otherwise),
    // having first made the calling thread's cached slots visible to it (ThreadCached).
    template <bool published_seq_cst>
    void notify_waiters() noexcept {
        if constexpr (is_thread_safe) {
            waiters_.template notify<published_seq_cst>(
                [this]() noexcept { traits::publish_cached(slots_); });
        }
    }

    // Turns an acquired slot (or capacity(): none) into an out object.
    template <class... Args>
    OBJPOOL_DETAIL_ALWAYS_INLINE T* take(std::size_t slot, Args&&... args) {
        if (slot == capacity()) {
            traits::record_get(slots_, false);
            return nullptr;
        }
        T* const object = objects_.at(slot);
        // A slot was acquired, so the block is not empty: lets the caller's null test fold away.
        OBJPOOL_DETAIL_ASSUME(object != nullptr);
        unpoison(object, sizeof(T));
        if constexpr (reuses) {
            if (record_.first_use(slot)) {
                construct_first(object, slot);
            }
        } else {
            construct_guarded(object, slot, std::forward<Args>(args)...);
        }
        if constexpr (!is_thread_safe) {
            OBJPOOL_ASSERT(slot < record_.high_water_mark(),
                           "the policy handed out a never-used slot out of order");
        }
        if constexpr (record_owns_out_bits) {
            record_.set_out(slot);  // the last step: the object is out from here on
        }
        traits::record_get(slots_, true);
        return object;
    }

    // Builds the object of the slot just acquired. If that throws, the acquire is undone in
    // place: the next get takes the same slot, as if nothing had happened (a plain release
    // would requeue it under Fifo).
    template <class... Args>
    void construct_guarded(T* object, std::size_t slot, Args&&... args) {
        detail::UndoUnlessDismissed undo_acquire([this, slot, object]() noexcept {
            poison(object, sizeof(T));
            traits::unacquire(slots_, slot);
            // A waiter that failed while the slot was held must see it back; the undo may not
            // publish through a seq_cst write, so the waiting room pays the fence.
            notify_waiters<false>();
        });
        detail::construct_object<reuses>(object, factory_, slot, std::forward<Args>(args)...);
        undo_acquire.dismiss();
        if (record_.first_use(slot)) {
            record_.note_first_use(slot);
        }
    }

    // With Reuse, once per slot: kept out of line so that acquire() stays small enough to
    // inline.
    OBJPOOL_DETAIL_NOINLINE void construct_first(T* object, std::size_t slot) {
        construct_guarded(object, slot);
    }

    // release_object(), counted (objpool::Counted).
    OBJPOOL_DETAIL_ALWAYS_INLINE bool give_back(std::size_t slot, T* object) {
        const bool freed = release_object(slot, object);
        traits::record_free(slots_, freed);
        return freed;
    }

    // Resets or destroys the object, then frees its slot; false (no change) if it is not out.
    // The object is claimed before the reset hook or destructor runs, so that if the hook
    // throws the object is still out, and concurrent frees run them once.
    OBJPOOL_DETAIL_ALWAYS_INLINE bool release_object(std::size_t slot, T* object) {
        if constexpr (reuses) {
            if (reset_) {
                if (!claim_and_reset(slot, object)) {
                    return false;
                }
            } else if constexpr (is_thread_safe) {
                if (!claim(slot)) {
                    return false;
                }
            }
            // Single-threaded without a hook, the release below is the check, in one step.
        } else {
            if (!claim(slot)) {
                return false;
            }
            object->~T();
        }
        // Before the release: once the slot is in the free list another thread may get it.
        poison(object, sizeof(T));
        if constexpr (list_claims) {
            slots_.release_claimed(slot);
        } else if (!traits::release(slots_, slot)) {
            return false;
        }
        notify_waiters<traits::publishes_seq_cst>();
        return true;
    }

    // claim() and the reset hook; the claim is undone if the hook throws. Out of line: the
    // std::function call would otherwise make every give_back too large to inline.
    OBJPOOL_DETAIL_NOINLINE bool claim_and_reset(std::size_t slot, T* object) {
        if (!claim(slot)) {
            return false;
        }
        detail::UndoUnlessDismissed keep_out([this, slot]() noexcept { unclaim(slot); });
        // The analyzer cannot see that index_of() maps a null object past the capacity, which
        // free() refuses before calling here.
        reset_(*object);  // NOLINT(clang-analyzer-core.NonNullParamChecker)
        keep_out.dismiss();
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

    List slots_;
    detail::SlotStorage<T> objects_;
    detail::SlotRecord<is_thread_safe, record_owns_out_bits> record_;
    Factory factory_;
    Reset reset_;
    detail::Waiters<is_thread_safe> waiters_;
};

/// @brief The single-threaded object pool: objpool::BasicObjectPool over `Policy::FreeList`.
///
/// Not thread-safe: one pool is used by one thread at a time.
/// @tparam T the object type.
/// @tparam Policy objpool::Fifo, objpool::Lifo, objpool::Bitmap or a policy of your own (see
/// objpool/policy.hpp).
/// @tparam Lifecycle objpool::Reuse or objpool::ConstructOnGet.
template <class T, class Policy, class Lifecycle = Reuse>
using ObjectPool = BasicObjectPool<T, typename detail::checked_free_list<Policy>::type, Lifecycle>;

}  // namespace objpool
