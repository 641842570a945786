/// @file
/// @brief objpool::free_list_traits: everything a pool requires of a free list, the fallback of
/// every optional member, and the compile-time checks with their messages, in one place.
///
/// A free list keeps track of which of the slots `0 .. capacity-1` are free and decides which
/// one is handed out next. The pools (objpool::BasicIdPool, objpool::BasicObjectPool) add ids,
/// objects and error reporting on top and call the list only through free_list_traits.
/// A policy is a tag type that names its free lists: `Policy::FreeList` for the single-threaded
/// pools, objpool::concurrent_free_list_t<Policy> for the concurrent ones.
///
/// ## Required, for `L` a free list, `list` an `L`, `clist` a `const L`, `slot` a `std::size_t`
/// - `L(capacity)`: every slot free; should do no per-slot work.
/// - `list.acquire()`, `std::size_t`, `noexcept`: marks a free slot allocated and returns it;
///   returns `clist.capacity()` when none is free.
/// - `list.release(slot)`, `bool`, `noexcept`: if `slot` is allocated, frees it and returns
///   true; otherwise returns false and changes nothing. Precondition: `slot < capacity()`.
/// - `clist.is_allocated(slot)`, `bool`, `noexcept`: whether `slot` is out.
///   Precondition: `slot < capacity()`.
/// - `clist.capacity()`, `clist.available()`: the number of slots, of free slots.
/// - `clist.bookkeeping_bytes()`: heap bytes the list uses.
///
/// ## Optional, with the fallback free_list_traits uses when a member is absent
/// - `list.unacquire(slot)`, `noexcept`: undoes the acquire() that just returned `slot`, so that
///   the next acquire() returns it again (a pool calls it when building the slot's object
///   throws). Fallback: `release(slot)`, which is the same thing for a stack or a lowest-first
///   list but would requeue the slot in a queue (objpool::Fifo provides it).
/// - `static constexpr bool is_thread_safe`: true for a list every member of which (but the
///   constructor and destructor) may be called from any number of threads at once, with the
///   guarantees of objpool/concurrent/policy.hpp. It selects the pool family: a thread-safe
///   list makes a concurrent pool (atomic "out" bits, blocking get_for / get_until), any other
///   a single-threaded one. Fallback: false. The concurrent pools require it to be true.
/// - `static constexpr bool publishes_seq_cst` (thread-safe lists): see
///   objpool/concurrent/policy.hpp. Fallback: false (a free then pays a seq_cst fence).
/// - `list.publish_cached()`, `noexcept` (thread-safe lists that keep freed slots per thread,
///   such as objpool::ThreadCached): makes the calling thread's cached slots available to every
///   thread; a concurrent pool calls it before it wakes a thread blocked in get_for /
///   get_until. Fallback: nothing (every release is already visible to all threads).
/// - `list.claim(slot)` (`bool`), `list.unclaim(slot)` and `list.release_claimed(slot)`, all
///   `noexcept` (thread-safe lists): release() in two steps. claim() is the exact check: it
///   returns true for exactly one of several racing callers if `slot` is out, after which the
///   slot is neither out nor available; unclaim() makes it out again, release_claimed() makes
///   it available. A concurrent object pool over such a list runs its reset hook between the
///   two steps and keeps no "out" bits of its own. Fallback: the pool's own atomic "out" bits.
/// - `list.record_get(bool got)`, `list.record_free(bool freed)`,
///   `list.record_wait(std::chrono::nanoseconds)`, all `noexcept`, and `clist.statistics()`
///   (objpool::Counted's list): the pools report each get, each free and each sleep of
///   get_for / get_until, and offer `statistics()`. Fallback: nothing is recorded, no clock is
///   read, and a pool's `statistics()` fails to compile with an `objpool:` message.
/// - `list.acquire_slot(slot)`, `bool`, `noexcept`: if `slot` is free, marks it allocated and
///   returns true; otherwise returns false and changes nothing. Precondition: `slot <
///   capacity()`. It must leave the order in which acquire() hands out the other slots as it
///   was; a list may skip the taken slot lazily (a stack or a ring that meets it later passes
///   over it). A slot taken this way and released before the list has passed over it may go
///   back to its former place instead of where release() puts a slot. Thread-safe lists: of
///   several threads taking the same slot, with acquire_slot or acquire, exactly one gets it.
///   Fallback: none; the id pools' try_claim stops compiling with an `objpool:` message (only
///   where it is called), since taking one slot out of an arbitrary list without disturbing
///   the order of the others needs the list's help.
/// - `list.reset()`, `noexcept`: every slot free, the list as at construction (the same order
///   of acquires follows). Thread-safe lists: no other member may run meanwhile. Fallback:
///   release() of every allocated slot in ascending order, after which acquire() follows the
///   list's order for those releases rather than a fresh list's.
///
/// ## Ordering rule (single-threaded lists)
/// A slot that has never been handed out is handed out only after every lower-numbered slot
/// has been (the lowest never-used slot comes first). The single-threaded object pool relies on
/// it to construct objects lazily with a single watermark; for thread-safe lists it is
/// recommended, not required.
#pragma once

#include <chrono>
#include <cstddef>
#include <type_traits>
#include <utility>

#include "config.hpp"
#include "detail/capacity.hpp"

namespace objpool {

/// @brief The largest capacity a pool accepts: slot indices are stored in 32 bits.
inline constexpr std::size_t max_capacity = detail::max_slot_count;

/// @brief Maps a policy tag to its thread-safe free list (member `type`).
///
/// The primary template uses `Policy::ConcurrentFreeList` when the tag declares one and has
/// no `type` otherwise. objpool/concurrent/fifo.hpp, lifo.hpp and bitmap.hpp specialise it
/// for objpool::Fifo, objpool::Lifo and objpool::Bitmap. Specialise it for a tag of your own
/// that you cannot give a nested type.
/// @tparam Policy the policy tag.
template <class Policy, class = void>
struct concurrent_free_list {};

/// @brief Picks `Policy::ConcurrentFreeList` (see the primary template).
template <class Policy>
struct concurrent_free_list<Policy, std::void_t<typename Policy::ConcurrentFreeList>> {
    /// @brief The thread-safe free list.
    using type = typename Policy::ConcurrentFreeList;
};

/// @brief The thread-safe free list of `Policy`.
template <class Policy>
using concurrent_free_list_t = typename concurrent_free_list<Policy>::type;

namespace detail {

template <class List, class = void>
struct has_acquire : std::false_type {};
template <class List>
struct has_acquire<List, std::void_t<decltype(std::declval<List&>().acquire())>>
    : std::bool_constant<std::is_same_v<decltype(std::declval<List&>().acquire()),
                                        std::size_t>&& noexcept(std::declval<List&>().acquire())> {
};

template <class List, class = void>
struct has_release : std::false_type {};
template <class List>
struct has_release<List, std::void_t<decltype(std::declval<List&>().release(std::size_t{}))>>
    : std::bool_constant<
          std::is_same_v<decltype(std::declval<List&>().release(std::size_t{})), bool>&& noexcept(
              std::declval<List&>().release(std::size_t{}))> {};

template <class List, class = void>
struct has_queries : std::false_type {};
template <class List>
struct has_queries<List,
                   std::void_t<decltype(std::declval<const List&>().is_allocated(std::size_t{})),
                               decltype(std::declval<const List&>().capacity()),
                               decltype(std::declval<const List&>().available()),
                               decltype(std::declval<const List&>().bookkeeping_bytes())>>
    : std::bool_constant<
          std::is_same_v<decltype(std::declval<const List&>().is_allocated(std::size_t{})),
                         bool>&& noexcept(std::declval<const List&>()
                                              .is_allocated(std::size_t{})) &&
          std::is_convertible_v<decltype(std::declval<const List&>().capacity()), std::size_t> &&
          std::is_convertible_v<decltype(std::declval<const List&>().available()), std::size_t> &&
          std::is_convertible_v<decltype(std::declval<const List&>().bookkeeping_bytes()),
                                std::size_t>> {};

template <class List, class = void>
struct has_unacquire : std::false_type {};
template <class List>
struct has_unacquire<List, std::void_t<decltype(std::declval<List&>().unacquire(std::size_t{}))>>
    : std::bool_constant<noexcept(std::declval<List&>().unacquire(std::size_t{}))> {};

template <class List, class = void>
struct has_publish_cached : std::false_type {};
template <class List>
struct has_publish_cached<List, std::void_t<decltype(std::declval<List&>().publish_cached())>>
    : std::bool_constant<noexcept(std::declval<List&>().publish_cached())> {};

template <class List, class = void>
struct has_claim : std::false_type {};
template <class List>
struct has_claim<List, std::void_t<decltype(std::declval<List&>().claim(std::size_t{})),
                                   decltype(std::declval<List&>().unclaim(std::size_t{})),
                                   decltype(std::declval<List&>().release_claimed(std::size_t{}))>>
    : std::bool_constant<
          std::is_same_v<decltype(std::declval<List&>().claim(std::size_t{})), bool>&& noexcept(
              std::declval<List&>().claim(
                  std::
                      size_t{}))&& noexcept(std::declval<List&>()
                                                .unclaim(
                                                    std::
                                                        size_t{}))&& noexcept(std::declval<List&>()
                                                                                  .release_claimed(
                                                                                      std::
                                                                                          size_t{}))> {
};

template <class List, class = void>
struct has_acquire_slot : std::false_type {};
template <class List>
struct has_acquire_slot<List,
                        std::void_t<decltype(std::declval<List&>().acquire_slot(std::size_t{}))>>
    : std::bool_constant<
          std::is_same_v<decltype(std::declval<List&>().acquire_slot(std::size_t{})),
                         bool>&& noexcept(std::declval<List&>().acquire_slot(std::size_t{}))> {};

template <class List, class = void>
struct has_reset : std::false_type {};
template <class List>
struct has_reset<List, std::void_t<decltype(std::declval<List&>().reset())>>
    : std::bool_constant<noexcept(std::declval<List&>().reset())> {};

template <class List, class = void>
struct has_statistics : std::false_type {};
template <class List>
struct has_statistics<
    List, std::void_t<decltype(std::declval<List&>().record_get(true)),
                      decltype(std::declval<List&>().record_free(true)),
                      decltype(std::declval<List&>().record_wait(std::chrono::nanoseconds{})),
                      decltype(std::declval<const List&>().statistics())>>
    : std::bool_constant<noexcept(std::declval<List&>().record_get(true))&& noexcept(
          std::declval<List&>().record_free(
              true))&& noexcept(std::declval<List&>().record_wait(std::chrono::nanoseconds{}))> {};

template <class List, class = void>
struct declares_thread_safe : std::false_type {};
template <class List>
struct declares_thread_safe<List, std::void_t<decltype(List::is_thread_safe)>>
    : std::bool_constant<List::is_thread_safe> {};

template <class List, class = void>
struct declares_publishes_seq_cst : std::false_type {};
template <class List>
struct declares_publishes_seq_cst<List, std::void_t<decltype(List::publishes_seq_cst)>>
    : std::bool_constant<List::publishes_seq_cst> {};

template <class Policy, class = void>
struct has_free_list : std::false_type {};
template <class Policy>
struct has_free_list<Policy, std::void_t<typename Policy::FreeList>> : std::true_type {};

template <class Policy, class = void>
struct has_concurrent_free_list : std::false_type {};
template <class Policy>
struct has_concurrent_free_list<Policy, std::void_t<concurrent_free_list_t<Policy>>>
    : std::true_type {};

// Stands in for the free list of a policy that has none, so that a pool of it reports the
// objpool: messages below and nothing else.
struct MissingFreeList {
    explicit MissingFreeList(std::size_t /*capacity*/) noexcept {}
    static std::size_t acquire() noexcept { return 0; }
    static bool release(std::size_t /*slot*/) noexcept { return false; }
    [[nodiscard]] static bool is_allocated(std::size_t /*slot*/) noexcept { return false; }
    [[nodiscard]] static std::size_t capacity() noexcept { return 0; }
    [[nodiscard]] static std::size_t available() noexcept { return 0; }
    [[nodiscard]] static std::size_t bookkeeping_bytes() noexcept { return 0; }
};

}  // namespace detail

/// @brief The uniform interface of a free list `List`: what the pools call, with the fallback
/// of each optional member (see the file comment for the requirements).
/// @tparam List a free list (`Policy::FreeList`, or a concurrent one).
template <class List>
struct free_list_traits {
    /// @brief The free list.
    using free_list_type = List;

    /// @brief Whether `List` meets every requirement (see the file comment).
    static constexpr bool is_free_list =
        std::is_constructible_v<List, std::size_t> && detail::has_acquire<List>::value &&
        detail::has_release<List>::value && detail::has_queries<List>::value;
    /// @brief `List::is_thread_safe`, else false: whether a pool over `List` is a concurrent one.
    static constexpr bool is_thread_safe = detail::declares_thread_safe<List>::value;
    /// @brief `List::publishes_seq_cst`, else false (objpool/concurrent/policy.hpp).
    static constexpr bool publishes_seq_cst = detail::declares_publishes_seq_cst<List>::value;
    /// @brief Whether `List` has its own `unacquire`.
    static constexpr bool has_unacquire = detail::has_unacquire<List>::value;
    /// @brief Whether `List` releases in two steps (claim, then unclaim or release_claimed).
    static constexpr bool has_claim = detail::has_claim<List>::value;

    /// @brief Whether `List` has its own `acquire_slot` (what the id pools' try_claim needs).
    static constexpr bool has_acquire_slot = detail::has_acquire_slot<List>::value;
    /// @brief Whether `List` has its own `reset`.
    static constexpr bool has_reset = detail::has_reset<List>::value;
    /// @brief Whether `List` counts what the pools do (record_get, record_free, record_wait and
    /// statistics(), as objpool::Counted's list).
    static constexpr bool has_statistics = detail::has_statistics<List>::value;

    /// @brief `list.acquire()`.
    static std::size_t acquire(List& list) noexcept { return list.acquire(); }
    /// @brief `list.acquire_slot(slot)`: takes exactly `slot` if it is free. No fallback: a
    /// call for a list without it fails to compile with an `objpool:` message.
    static bool acquire_slot(List& list, std::size_t slot) noexcept {
        static_assert(has_acquire_slot,
                      "objpool: this free list cannot hand out a chosen slot: give it bool "
                      "acquire_slot(std::size_t slot) noexcept (see objpool/free_list_traits.hpp)");
        if constexpr (has_acquire_slot) {
            return list.acquire_slot(slot);
        } else {
            static_cast<void>(list);
            static_cast<void>(slot);
            return false;
        }
    }
    /// @brief `list.reset()`, else release() of every allocated slot in ascending order: every
    /// slot free. O(capacity). @pre (thread-safe lists) no other call on `list` in flight.
    static void reset(List& list) noexcept {
        if constexpr (has_reset) {
            list.reset();
        } else {
            for (std::size_t slot = 0; slot < list.capacity(); ++slot) {
                if (list.is_allocated(slot)) {
                    static_cast<void>(list.release(slot));
                }
            }
        }
    }
    /// @brief `list.release(slot)`.
    static bool release(List& list, std::size_t slot) noexcept { return list.release(slot); }
    /// @brief `list.unacquire(slot)`, else `list.release(slot)`: undoes the acquire() that just
    /// returned `slot`.
    static void unacquire(List& list, std::size_t slot) noexcept {
        if constexpr (has_unacquire) {
            list.unacquire(slot);
        } else {
            static_cast<void>(list.release(slot));
        }
    }
    /// @brief `list.publish_cached()`, else nothing.
    static void publish_cached(List& list) noexcept {
        if constexpr (detail::has_publish_cached<List>::value) {
            list.publish_cached();
        } else {
            static_cast<void>(list);
        }
    }
    /// @brief `list.record_get(got)`, else nothing: a pool's get handed something out (`got`)
    /// or found the pool exhausted.
    static void record_get(List& list, bool got) noexcept {
        if constexpr (has_statistics) {
            list.record_get(got);
        } else {
            static_cast<void>(list);
            static_cast<void>(got);
        }
    }
    /// @brief `list.record_free(freed)`, else nothing: a pool's free gave something back
    /// (`freed`) or was refused.
    static void record_free(List& list, bool freed) noexcept {
        if constexpr (has_statistics) {
            list.record_free(freed);
        } else {
            static_cast<void>(list);
            static_cast<void>(freed);
        }
    }
    /// @brief Runs `wait()` (a pool's sleep in get_for / get_until) and returns its result;
    /// with `list.record_wait`, also times it and records the time.
    template <class Wait>
    static auto timed_wait(List& list, Wait&& wait) {
        if constexpr (has_statistics) {
            const auto started = std::chrono::steady_clock::now();
            auto result = wait();
            list.record_wait(std::chrono::duration_cast<std::chrono::nanoseconds>(
                std::chrono::steady_clock::now() - started));
            return result;
        } else {
            static_cast<void>(list);
            return wait();
        }
    }
    /// @brief `list.is_allocated(slot)`.
    static bool is_allocated(const List& list, std::size_t slot) noexcept {
        return list.is_allocated(slot);
    }
    /// @brief `list.capacity()`.
    static std::size_t capacity(const List& list) noexcept { return list.capacity(); }
    /// @brief `list.available()`.
    static std::size_t available(const List& list) noexcept { return list.available(); }
    /// @brief `list.bookkeeping_bytes()`.
    static std::size_t bookkeeping_bytes(const List& list) noexcept {
        return list.bookkeeping_bytes();
    }
};

/// @brief True when `List` meets the free-list requirements (objpool/free_list_traits.hpp).
template <class List>
inline constexpr bool is_free_list_v = free_list_traits<List>::is_free_list;

namespace detail {

// A policy's free lists, or MissingFreeList when it has none.
template <class Policy, bool = has_free_list<Policy>::value>
struct policy_free_list {
    using type = MissingFreeList;
};
template <class Policy>
struct policy_free_list<Policy, true> {
    using type = typename Policy::FreeList;
};

template <class Policy, bool = has_concurrent_free_list<Policy>::value>
struct policy_concurrent_free_list {
    using type = MissingFreeList;
};
template <class Policy>
struct policy_concurrent_free_list<Policy, true> {
    using type = concurrent_free_list_t<Policy>;
};

/// Fails to compile, with one readable message per missing piece, unless `List` is a free list.
template <class List>
constexpr bool check_free_list_members() {
    static_assert(std::is_constructible_v<List, std::size_t>,
                  "objpool: Policy::FreeList must be constructible from a std::size_t capacity");
    static_assert(has_acquire<List>::value,
                  "objpool: Policy::FreeList must have std::size_t acquire() noexcept");
    static_assert(has_release<List>::value,
                  "objpool: Policy::FreeList must have bool release(std::size_t slot) noexcept");
    static_assert(has_queries<List>::value,
                  "objpool: Policy::FreeList must have bool is_allocated(std::size_t) const "
                  "noexcept, capacity(), available() and bookkeeping_bytes() const");
    return true;
}

/// Policy::FreeList, checked: fails to compile with the objpool: messages unless `Policy` is a
/// single-threaded policy (then `type` is a stand-in, so that nothing else is reported).
template <class Policy>
struct checked_free_list {
    static_assert(has_free_list<Policy>::value,
                  "objpool: a policy must declare a nested type FreeList (see "
                  "objpool/free_list_traits.hpp)");
    using type = typename policy_free_list<Policy>::type;
    static_assert(check_free_list_members<type>());
};

/// objpool::concurrent_free_list_t<Policy>, checked likewise for the concurrent pools.
template <class Policy>
struct checked_concurrent_free_list {
    static_assert(has_concurrent_free_list<Policy>::value,
                  "objpool: this policy has no concurrent free list; use objpool::Locked<Policy>, "
                  "give it a nested ConcurrentFreeList or specialise "
                  "objpool::concurrent_free_list (see objpool/concurrent/policy.hpp)");
    using type = typename policy_concurrent_free_list<Policy>::type;
    static_assert(!has_concurrent_free_list<Policy>::value || is_free_list_v<type>,
                  "objpool: the concurrent free list must be constructible from a std::size_t "
                  "and have std::size_t acquire() noexcept, bool release(std::size_t) noexcept, "
                  "bool is_allocated(std::size_t) const noexcept, capacity(), available() and "
                  "bookkeeping_bytes() const");
    static_assert(!has_concurrent_free_list<Policy>::value ||
                      free_list_traits<type>::is_thread_safe,
                  "objpool: the concurrent free list must declare static constexpr bool "
                  "is_thread_safe = true (see objpool/free_list_traits.hpp)");
};

}  // namespace detail

/// @brief True when `Policy` has a single-threaded free list `Policy::FreeList` meeting the
/// requirements.
template <class Policy>
inline constexpr bool is_policy_v = detail::has_free_list<Policy>::value&&
    is_free_list_v<typename detail::policy_free_list<Policy>::type>;

/// @brief True when `Policy` has a thread-safe free list meeting the requirements.
template <class Policy>
inline constexpr bool is_concurrent_policy_v =
    is_free_list_v<typename detail::policy_concurrent_free_list<Policy>::type>&&
        detail::has_concurrent_free_list<Policy>::value&& free_list_traits<
            typename detail::policy_concurrent_free_list<Policy>::type>::is_thread_safe;

#if defined(__cpp_concepts) && __cpp_concepts >= 201907L
/// @brief C++20 concept form of objpool::is_policy_v, for constraining user code.
template <class Policy>
concept FreeListPolicy = is_policy_v<Policy>;
#endif

}  // namespace objpool
