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
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

#include "detail/bits.hpp"
#include "detail/capacity.hpp"
#include "detail/concurrent_waiters.hpp"
#include "detail/lease_marks.hpp"
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
///   this pool's objects, not out, or held by a lease.
///
/// The two meet in `Lease::release()` (a lease's object becomes a raw one), `adopt(T*)` (a raw
/// one becomes a lease's) and `get_shared()` (a std::shared_ptr whose deleter gives the object
/// back). Each slot carries a "leased" mark, set while a lease or shared_ptr holds its object, so
/// that `free(T*)` of such an object is refused at once instead of the lease later giving back
/// an object someone else holds. For connection pools: `discard` destroys a broken object and
/// frees its slot (with Reuse its next get builds a new one), a validation hook checks an idle
/// object on get and rebuilds it when rejected, `prefill` builds objects ahead of time, and
/// `for_each_idle` / `for_each_allocated` visit them.
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
    /// @brief Checks an idle object before get hands it out again (Reuse only; Commons Pool's
    /// testOnBorrow): false means broken, and get destroys it and builds a new one in its slot.
    /// Not called for an object get has just built. In a concurrent pool, possibly called from
    /// several threads at once, for different objects.
    using Validate = std::function<bool(T&)>;
    /// @brief Whether the pool may be used from several threads at once.
    static constexpr bool is_thread_safe = traits::is_thread_safe;

    /// @brief A pool of `capacity` objects; with Reuse they are default-constructed on first use.
    /// @par Complexity
    /// O(1) besides the allocations.
    /// @throws std::length_error when `capacity` exceeds objpool::max_capacity; std::bad_alloc.
    explicit BasicObjectPool(std::size_t capacity)
        : slots_(detail::checked_capacity(capacity)),
          objects_(capacity),
          record_(capacity),
          leased_(capacity) {
        static_assert(!reuses || std::is_default_constructible_v<T>,
                      "objpool: a T that is not default-constructible needs a factory");
        poison(objects_.at(0), capacity * sizeof(T));
    }

    /// @brief A Reuse pool whose objects are built by `factory(id)` (default-constructed when
    /// `factory` is empty), passed to `reset` (if given) on every free and checked by `validate`
    /// (if given) on every get that hands out an object built before (see Validate).
    /// @par Complexity
    /// O(1) besides the allocations.
    /// @throws std::length_error when `capacity` exceeds objpool::max_capacity; std::bad_alloc.
    BasicObjectPool(std::size_t capacity, Factory factory, Reset reset = {}, Validate validate = {})
        : slots_(detail::checked_capacity(capacity)),
          objects_(capacity),
          record_(capacity),
          leased_(capacity),
          reset_(std::move(reset)),
          validating_(static_cast<bool>(validate)),
          factory_(std::move(factory)),
          validate_(std::move(validate)) {
        static_assert(reuses,
                      "objpool: factories, reset and validation hooks belong to the Reuse "
                      "lifecycle");
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
    /// With Reuse, `args` must be empty: a slot without an object (never used, or discarded)
    /// gets one built by the factory (or default-constructed); a used one is handed out as the
    /// last free left it, once the validation hook (if any) has accepted it, or rebuilt in
    /// place if it has not. With ConstructOnGet the object is constructed from `args`.
    /// @throws whatever the factory, T's constructor or the validation hook throws. The pool is
    /// then unchanged, except when the factory throws while rebuilding a rejected object: that
    /// object stays destroyed, its slot is free again and the slot's next get builds it.
    /// @par Complexity
    /// O(1) for Fifo and Lifo, O(log64 n) for Bitmap, plus construction and validation. Never
    /// allocates.
    template <class... Args>
    [[nodiscard]] OBJPOOL_DETAIL_ALWAYS_INLINE lease_type get(Args&&... args) {
        check_arguments<Args...>();
        return lease_type(this, take<true>(traits::acquire(slots_), std::forward<Args>(args)...));
    }

    /// @brief As get(), but the object is held by a std::shared_ptr whose deleter gives it back
    /// (as a lease's destructor does); an empty pointer when the pool is exhausted.
    ///
    /// The pool must outlive every shared_ptr (and weak_ptr's control block use) it hands out:
    /// a deleter that runs after the pool is destroyed is undefined behaviour. As with a
    /// lease, `free(T*)` of the object is refused (BadFree, reason leased), and a reset hook
    /// that throws in the deleter ends the program.
    /// @throws as get(); std::bad_alloc when the control block cannot be allocated (the object
    /// is then given back first).
    /// @par Complexity
    /// As get(), plus one allocation for the control block.
    template <class... Args>
    [[nodiscard]] std::shared_ptr<T> get_shared(Args&&... args) {
        check_arguments<Args...>();
        T* const object = take<true>(traits::acquire(slots_), std::forward<Args>(args)...);
        if (object == nullptr) {
            return nullptr;
        }
        return std::shared_ptr<T>(object, SharedDeleter{this});
    }

    /// @brief A lease for `object`, an object that is out through the raw layer (from
    /// acquire() or Lease::release()): the lease now gives it back.
    /// @throws objpool::BadFree, and nothing changes, when `object` is not one of this pool's
    /// objects (out_of_range), not out (not_allocated), or already held by a lease or
    /// shared_ptr (leased).
    /// @par Complexity
    /// O(1).
    [[nodiscard]] lease_type adopt(T* object) {
        const std::size_t slot = objects_.index_of(object);
        if (slot >= capacity()) {
            raise_bad_free(object, BadFree::Reason::out_of_range, "adopt");
        }
        if (!is_out(slot)) {
            raise_bad_free(object, BadFree::Reason::not_allocated, "adopt");
        }
        if (leased_.test(slot)) {
            raise_bad_free(object, BadFree::Reason::leased, "adopt");
        }
        leased_.set(slot);
        return lease_type(this, object);
    }

    /// @brief As get(), but waits up to `timeout` for an object to be freed; an empty lease
    /// when none was in time. Concurrent pools only.
    /// @throws as get(); std::system_error from the mutex or condition variable (only when it
    /// waits).
    template <class Rep, class Period, class... Args>
    [[nodiscard]] lease_type get_for(const std::chrono::duration<Rep, Period>& timeout,
                                     Args&&... args) {
        return get_until(detail::deadline_after(timeout), std::forward<Args>(args)...);
    }

    /// @brief As get(), but waits until `deadline` for an object to be freed; an empty lease
    /// when none was in time. Concurrent pools only.
    /// @throws as get_for().
    template <class Clock, class Duration, class... Args>
    [[nodiscard]] lease_type get_until(const std::chrono::time_point<Clock, Duration>& deadline,
                                       Args&&... args) {
        return lease_type(this, wait_and_take<true>(deadline, std::forward<Args>(args)...));
    }

    /// @brief As get(), but returns a raw pointer (nullptr when exhausted) that must be given
    /// back with free(T*).
    template <class... Args>
    [[nodiscard]] OBJPOOL_DETAIL_ALWAYS_INLINE T* acquire(Args&&... args) {
        check_arguments<Args...>();
        return take<false>(traits::acquire(slots_), std::forward<Args>(args)...);
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
        return wait_and_take<false>(deadline, std::forward<Args>(args)...);
    }

    /// @brief Gives the lease's object back now and empties the lease.
    /// @throws objpool::BadFree when the lease is empty or from another pool (nothing changes);
    /// whatever the reset hook throws (the object then stays out and the lease keeps it).
    void free(lease_type& lease) {
        check_lease(lease, "free");
        give_back_leased(lease.object_);
        lease.object_ = nullptr;
    }

    /// @brief Gives back an object obtained from acquire() (in a concurrent pool, waking one
    /// thread waiting in get_for / get_until, if any).
    /// @throws objpool::BadFree (reason out_of_range for a pointer that is not one of this
    /// pool's objects, not_allocated for one that is not out, leased for one a lease or
    /// shared_ptr holds: give it back through its holder, or Lease::release() it first); the
    /// pool is then unchanged. Of several threads freeing the same object at once, exactly one
    /// returns normally. Also whatever the reset hook throws, after which the object stays out.
    /// @par Complexity
    /// O(1) for Fifo and Lifo, O(log64 n) for Bitmap, plus the reset hook or destructor.
    OBJPOOL_DETAIL_ALWAYS_INLINE void free(T* object) {
        const std::size_t slot = objects_.index_of(object);
        if (slot >= capacity() || leased_.test(slot) || !give_back(slot, object)) {
            refuse_raw_free(object);
        }
    }

    /// @brief Gives `object` back if it is one of this pool's objects, out and held by no
    /// lease; returns whether it was (false changes nothing). Of several threads at once,
    /// exactly one gets true.
    /// @throws only what the reset hook throws.
    bool try_free(T* object) {
        const std::size_t slot = objects_.index_of(object);
        if (slot < capacity() && !leased_.test(slot) && give_back(slot, object)) {
            return true;
        }
        traits::record_free(slots_, false);
        return false;
    }

    /// @brief Destroys `object`, which is out through the raw layer, now and frees its slot
    /// (in a concurrent pool, waking a waiting get): for an object that is broken. The reset
    /// hook does not run; with Reuse, the slot's next get builds a new object.
    /// @throws objpool::BadFree, and nothing changes, when `object` is not one of this pool's
    /// objects (out_of_range), not out (not_allocated) or held by a lease or shared_ptr
    /// (leased: discard the lease). Of several threads discarding or freeing the same object
    /// at once, exactly one returns normally (or gets true from try_free).
    /// @par Complexity
    /// As free(T*), with T's destructor instead of the reset hook.
    void discard(T* object) {
        const std::size_t slot = objects_.index_of(object);
        if (slot >= capacity()) {
            refuse_free(object, BadFree::Reason::out_of_range, "discard");
        }
        if (leased_.test(slot)) {
            refuse_free(object, BadFree::Reason::leased, "discard");
        }
        if (!destroy_and_release<false>(slot, object)) {
            refuse_free(object, BadFree::Reason::not_allocated, "discard");
        }
    }

    /// @brief As discard(T*) for the lease's object, and empties the lease.
    /// @throws objpool::BadFree when the lease is empty or from another pool (nothing changes).
    void discard(lease_type& lease) {
        check_lease(lease, "discard");
        if (!destroy_and_release<true>(objects_.index_of(lease.object_), lease.object_)) {
            report_lease_lost();  // GCOVR_EXCL_LINE: a lease's object is out (see free(T*))
        }
        lease.object_ = nullptr;
    }

    /// @brief Builds objects now, with the factory (or default construction), in up to `count`
    /// slots that are free and have none (never used, or discarded), lowest slots first;
    /// returns how many it built (fewer when fewer such slots are left). They are idle: the
    /// next gets hand them out (the validation hook, if any, checks them). Commons Pool's
    /// addObjects / minIdle. Reuse only (a ConstructOnGet pool keeps no idle objects: calling
    /// it does not compile).
    /// @pre For a concurrent pool, no other thread uses the pool during the call (at start-up,
    /// or in a pause): a free slot belongs to no thread, so nothing else would keep a get from
    /// taking the slot being built.
    /// @throws whatever the factory throws: the objects built before stay (built and idle), the
    /// slot being built stays empty, and the pool is otherwise unchanged.
    /// @par Complexity
    /// O(high_water_mark() + count) slot checks, plus the constructions. Never allocates.
    std::size_t prefill(std::size_t count) {
        static_assert(reuses, "objpool: prefill and for_each_idle belong to the Reuse lifecycle");
        std::size_t built = 0;
        for (std::size_t slot = 0; slot < capacity() && built < count; ++slot) {
            if (record_.used(slot) || is_out(slot)) {
                continue;
            }
            T* const object = objects_.at(slot);
            unpoison(object, sizeof(T));
            const detail::UndoUnlessDismissed idle_again(
                [object]() noexcept { poison(object, sizeof(T)); });
            detail::construct_object<reuses>(object, factory_, slot);
            record_.note_first_use(slot);
            ++built;
        }
        return built;
    }

    /// @brief Calls `visit(object)` for every idle object (built, with Reuse, and not out), in
    /// ascending id order: to ping, refresh or close idle connections. If `visit` returns a
    /// bool, false discards the object (destroyed now; its slot's next get builds a new one).
    ///
    /// `visit` may read and modify the object; it must not get, free, discard or prefill
    /// through this pool (queries are fine). Reuse only (does not compile with ConstructOnGet).
    /// @pre For a concurrent pool, no other thread uses the pool during the call (as
    /// prefill()): an idle object belongs to no thread, so nothing else would keep a get from
    /// handing out the object being visited.
    /// @throws whatever `visit` throws; the object it was visiting stays idle, the objects
    /// already visited keep what `visit` did to them.
    /// @par Complexity
    /// O(high_water_mark()) slot checks, plus the visits.
    template <class Visit>
    void for_each_idle(Visit&& visit) {
        static_assert(reuses, "objpool: prefill and for_each_idle belong to the Reuse lifecycle");
        const std::size_t used = high_water_mark();
        for (std::size_t slot = 0; slot < used; ++slot) {
            if (!record_.used(slot) || is_out(slot)) {
                continue;
            }
            T* const object = objects_.at(slot);
            unpoison(object, sizeof(T));
            const detail::UndoUnlessDismissed idle_again(
                [object]() noexcept { poison(object, sizeof(T)); });
            if constexpr (std::is_same_v<std::invoke_result_t<Visit&, T&>, bool>) {
                if (!visit(*object)) {
                    object->~T();
                    record_.forget(slot);
                }
            } else {
                visit(*object);
            }
        }
    }

    /// @brief Calls `visit(object)` for every object that is out, in ascending id order.
    ///
    /// `visit` may use the object, and free or discard the object it is given; an object got
    /// during the visit may or may not be visited.
    /// @pre For a concurrent pool, each visited object stays out while `visit` uses it (as for
    /// find(): its holder may be using it at the same time, and may free it; the caller
    /// arranges that). An object is visited if it is out when its slot is looked at.
    /// @throws whatever `visit` throws (the objects not yet visited are not).
    /// @par Complexity
    /// O(high_water_mark()) slot checks, plus the visits.
    template <class Visit>
    void for_each_allocated(Visit&& visit) {
        const std::size_t used = high_water_mark();
        for (std::size_t slot = 0; slot < used; ++slot) {
            if (is_out(slot)) {
                visit(*objects_.at(slot));
            }
        }
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
    /// @brief Heap bytes of bookkeeping, the objects aside: the free list, plus the per-slot
    /// marks: a "leased" byte a slot, and a "discarded" bit (single-threaded) or a "used" and,
    /// unless the list keeps its own, an "out" bit (concurrent).
    [[nodiscard]] std::size_t bookkeeping_bytes() const noexcept {
        return traits::bookkeeping_bytes(slots_) + record_.bytes() + leased_.bytes();
    }
    /// @brief What the pool has counted since it was created (objpool::PoolStatistics). Only
    /// for a policy wrapped in objpool::Counted. A discard counts as a free. Under concurrency,
    /// exact when no call is in flight. O(1) (concurrent: O(16)).
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

    // acquire_until, and get_until for a lease (`leased`).
    template <bool leased, class Clock, class Duration, class... Args>
    T* wait_and_take(const std::chrono::time_point<Clock, Duration>& deadline, Args&&... args) {
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
        return take<leased>(slot, std::forward<Args>(args)...);
    }

    // Turns an acquired slot (or capacity(): none) into an out object, marked as a lease's
    // (`leased`) or not.
    template <bool leased, class... Args>
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
            } else if (validating_) {
                validate_or_rebuild(object, slot);
            }
        } else {
            construct_guarded(object, slot, std::forward<Args>(args)...);
        }
        if constexpr (!is_thread_safe) {
            OBJPOOL_ASSERT(slot < record_.high_water_mark(),
                           "the policy handed out a never-used slot out of order");
        }
        if constexpr (leased) {
            leased_.set(slot);
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
        auto undo_acquire = undo_acquire_of(object, slot);
        detail::construct_object<reuses>(object, factory_, slot, std::forward<Args>(args)...);
        undo_acquire.dismiss();
        if (record_.first_use(slot)) {
            record_.note_first_use(slot);
        }
    }

    // Puts the slot just acquired back in place (what get does when a step after the acquire
    // throws), unless dismissed.
    auto undo_acquire_of(T* object, std::size_t slot) noexcept {
        return detail::UndoUnlessDismissed([this, slot, object]() noexcept {
            poison(object, sizeof(T));
            traits::unacquire(slots_, slot);
            // A waiter that failed while the slot was held must see it back; the undo may not
            // publish through a seq_cst write, so the waiting room pays the fence.
            notify_waiters<false>();
        });
    }

    // With Reuse, on getting an object built before: the validation hook, and a rebuild in
    // place if it rejects the object. If the hook throws, the acquire is undone and the object
    // is as it was; if the factory throws, the rejected object stays destroyed and the slot,
    // back in place, has none.
    OBJPOOL_DETAIL_NOINLINE void validate_or_rebuild(T* object, std::size_t slot) {
        {
            auto undo_acquire = undo_acquire_of(object, slot);
            const bool valid = validate_(*object);
            undo_acquire.dismiss();
            if (valid) {
                return;
            }
        }
        object->~T();
        record_.forget(slot);
        construct_guarded(object, slot);
    }

    // With Reuse, once per slot: kept out of line so that acquire() stays small enough to
    // inline.
    OBJPOOL_DETAIL_NOINLINE void construct_first(T* object, std::size_t slot) {
        construct_guarded(object, slot);
    }

    // Resets or destroys the object, then frees its slot; false (no change) if it is not out.
    // The object is claimed before the reset hook or destructor runs, so that if the hook
    // throws the object is still out, and concurrent frees run them once.
    template <bool leased = false>
    OBJPOOL_DETAIL_ALWAYS_INLINE bool give_back(std::size_t slot, T* object) {
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
        if constexpr (leased) {
            leased_.clear(slot);
        }
        return release_slot(slot, object);
    }

    // discard: destroys the object instead of resetting it; with Reuse the slot forgets it,
    // so that its next get builds a new one. False (no change) if it is not out.
    template <bool leased>
    bool destroy_and_release(std::size_t slot, T* object) noexcept {
        if (!claim(slot)) {
            return false;
        }
        object->~T();
        if constexpr (reuses) {
            record_.forget(slot);
        }
        if constexpr (leased) {
            leased_.clear(slot);
        }
        return release_slot(slot, object);
    }

    // The last step of a give-back, the object claimed (single-threaded: checked, or, without
    // a hook, not yet) and reset or destroyed: the slot goes back to the free list. Poisoned
    // before: once the slot is in the free list another thread may get it.
    OBJPOOL_DETAIL_ALWAYS_INLINE bool release_slot(std::size_t slot, T* object) noexcept {
        poison(object, sizeof(T));
        if constexpr (list_claims) {
            slots_.release_claimed(slot);
        } else if (!traits::release(slots_, slot)) {
            return false;
        }
        traits::record_free(slots_, true);
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

    // Gives back the object of a lease or shared_ptr. The "leased" mark makes free(T*),
    // try_free and discard(T*) refuse it, so it is out; only a free(T*) racing with the get
    // (one that did not happen after it, which no correct program does) could have taken it.
    // Throws what the reset hook throws (the lease's destructor and the shared_ptr's deleter
    // are noexcept: the program ends).
    OBJPOOL_DETAIL_ALWAYS_INLINE void give_back_leased(T* object) {
        if (!give_back<true>(objects_.index_of(object), object)) {
            report_lease_lost();  // GCOVR_EXCL_LINE: not provoked (see above)
        }
    }

    // GCOVR_EXCL_START: not provoked (see give_back_leased)
    OBJPOOL_DETAIL_NOINLINE static void report_lease_lost() noexcept {
        detail::report_error(
            "objpool: a lease's object was freed through free(T*) before the "
            "lease (a free racing with the get)");
    }
    // GCOVR_EXCL_STOP

    // Lease::release(): the object stays out, as a raw one.
    void unmark_leased(const T* object) noexcept {
        leased_.clear(objects_.index_of(object));
    }

    // The deleter of get_shared()'s pointers: gives the object back as a lease does.
    struct SharedDeleter {
        BasicObjectPool* pool;
        void operator()(T* object) const noexcept { pool->give_back_leased(object); }
    };

    void check_lease(const lease_type& lease, const char* call) {
        if (lease.object_ == nullptr || lease.pool_ != this) {
            traits::record_free(slots_, false);
            detail::raise_bad_lease_free(lease.object_ == nullptr, call);
        }
    }

    [[noreturn]] void raise_bad_free(const T* object, BadFree::Reason reason,
                                     const char* call = "free") const {
        detail::raise_bad_object_free(object, id_of(object), reason, call);
    }

    // free(T*) refused: works out why off the fast path, which then stays small enough to
    // inline into the caller (three refusals in place of one made it a call).
    [[noreturn]] OBJPOOL_DETAIL_NOINLINE void refuse_raw_free(const T* object) {
        const std::size_t slot = objects_.index_of(object);
        refuse_free(object, slot >= capacity()   ? BadFree::Reason::out_of_range
                            : leased_.test(slot) ? BadFree::Reason::leased
                                                 : BadFree::Reason::not_allocated);
    }

    // A free or discard refused: counted (objpool::Counted), then BadFree.
    [[noreturn]] void refuse_free(const T* object, BadFree::Reason reason,
                                  const char* call = "free") {
        traits::record_free(slots_, false);
        raise_bad_free(object, reason, call);
    }

    List slots_;
    detail::SlotStorage<T> objects_;
    detail::SlotRecord<is_thread_safe, record_owns_out_bits> record_;
    detail::LeaseMarks<is_thread_safe> leased_;
    // What get and free test on every call comes first, in the pool's first cache lines.
    Reset reset_;
    bool validating_ = false;  // validate_ is set (tested on every get of a used object)
    Factory factory_;
    Validate validate_;
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
