/// @file
/// @brief The concurrent free-list interface, and the trait that maps a policy to its
/// concurrent free list.
///
/// objpool::ConcurrentIdPool and objpool::ConcurrentObjectPool take the same policy tags as
/// the single-threaded pools (objpool::Fifo, objpool::Lifo, objpool::Bitmap) and look up the
/// thread-safe free list that implements the tag through objpool::concurrent_free_list:
///
/// | policy | concurrent free list | algorithm |
/// |---|---|---|
/// | objpool::Lifo | objpool::concurrent::LifoFreeList | Treiber stack, ABA tag in a 64-bit CAS |
/// | objpool::Fifo | objpool::concurrent::FifoFreeList | MPMC ring, sequence-numbered cells |
/// | objpool::Bitmap | objpool::concurrent::BitmapFreeList | atomic words, "full" summary hints |
/// | objpool::Locked<P> | objpool::Locked<P>::ConcurrentFreeList | std::mutex around P::FreeList |
///
/// ## Plugging in a policy of your own
/// Three ways, in order of effort:
/// 1. wrap a single-threaded policy: `ConcurrentIdPool<Locked<MyPolicy>>` (a mutex around
///    `MyPolicy::FreeList`; the simple, correct baseline);
/// 2. give the policy tag a nested type `ConcurrentFreeList` meeting the interface below;
/// 3. specialise objpool::concurrent_free_list for the tag (for a tag you cannot edit).
///
/// ## The interface
/// For `L` = `concurrent_free_list_t<Policy>`, the expressions of objpool/policy.hpp
/// (`L(capacity)`, `acquire()`, `release(slot)`, `is_allocated(slot)`, `capacity()`,
/// `available()`, `bookkeeping_bytes()`) with the same meaning, plus:
/// - every member but the constructor and destructor may be called from any number of threads
///   at once; acquire and release are linearizable, and of two releases of the same slot at
///   once exactly one returns true;
/// - a release of a slot happens-before the acquire that hands the slot out next (release /
///   acquire ordering), so what the previous owner wrote is visible to the next one;
/// - release publishes the slot through atomic stores that the next acquire reads: an acquire
///   that follows a release in the order of seq_cst fences finds the slot, or finds that
///   another thread took it (the blocking get relies on this: see
///   objpool/detail/concurrent_waiters.hpp). A list that caches freed slots per thread breaks
///   this rule;
/// - optional: `static constexpr bool publishes_seq_cst = true;` declares that the step of
///   release() after which acquire() no longer answers "none" is a seq_cst read-modify-write
///   (or store) of an atomic M, that every write to M is seq_cst, and that acquire() answers
///   "none" only after reading M (or, for a set of such atomics, every one of them) with seq_cst
///   loads made during the call. The pools then skip the seq_cst fence a free otherwise pays for
///   the blocking get (objpool/detail/concurrent_waiters.hpp): a seq_cst load of the waiter
///   count after that write is enough. LifoFreeList (M: the head), FifoFreeList (M: the
///   enqueue counter) and BitmapFreeList (M: the leaf words) declare it;
/// - available() and is_allocated() are exact when no operation is in flight, and otherwise
///   values that held at some moment during the call or are in transit;
/// - the ordering rule of objpool/policy.hpp (never-used slots in ascending order) is
///   recommended, not required: ConcurrentObjectPool tracks constructed objects per slot.
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>

#include "../policy.hpp"

namespace objpool {

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

template <class Policy, class = void>
struct has_concurrent_free_list : std::false_type {};
template <class Policy>
struct has_concurrent_free_list<Policy, std::void_t<concurrent_free_list_t<Policy>>>
    : std::true_type {};

/// Whether List declares `static constexpr bool publishes_seq_cst = true`.
template <class List, class = void>
struct publishes_seq_cst : std::false_type {};
template <class List>
struct publishes_seq_cst<List, std::void_t<decltype(List::publishes_seq_cst)>>
    : std::bool_constant<List::publishes_seq_cst> {};

/// Whether List has `void publish_cached() noexcept` (it keeps freed slots per thread).
template <class List, class = void>
struct has_publish_cached : std::false_type {};
template <class List>
struct has_publish_cached<List, std::void_t<decltype(std::declval<List&>().publish_cached())>>
    : std::true_type {};

/// Makes the calling thread's cached free slots visible to every thread's acquire, for lists
/// that cache per thread; nothing for the others.
template <class List>
void publish_cached(List& list) noexcept {
    if constexpr (has_publish_cached<List>::value) {
        list.publish_cached();
    }
}

template <class Policy, bool = has_concurrent_free_list<Policy>::value>
struct concurrent_free_list_checks {
    static constexpr bool constructible = false;
    static constexpr bool operations = false;
};
template <class Policy>
struct concurrent_free_list_checks<Policy, true> {
    using List = concurrent_free_list_t<Policy>;
    static constexpr bool constructible = std::is_constructible_v<List, std::size_t>;
    static constexpr bool operations =
        has_acquire<List>::value && has_release<List>::value && has_queries<List>::value;
};

/// Fails to compile, with a readable message, unless Policy has a concurrent free list.
template <class Policy>
constexpr bool check_concurrent_policy() {
    using checks = concurrent_free_list_checks<Policy>;
    static_assert(has_concurrent_free_list<Policy>::value,
                  "objpool: this policy has no concurrent free list; use objpool::Locked<Policy>, "
                  "give it a nested ConcurrentFreeList or specialise "
                  "objpool::concurrent_free_list (see objpool/concurrent/policy.hpp)");
    static_assert(!has_concurrent_free_list<Policy>::value || checks::constructible,
                  "objpool: the concurrent free list must be constructible from a std::size_t");
    static_assert(!has_concurrent_free_list<Policy>::value || checks::operations,
                  "objpool: the concurrent free list must have std::size_t acquire() noexcept, "
                  "bool release(std::size_t) noexcept, bool is_allocated(std::size_t) const "
                  "noexcept, capacity(), available() and bookkeeping_bytes() const");
    return true;
}

}  // namespace detail

/// @brief True when `Policy` has a concurrent free list meeting the interface of
/// objpool/concurrent/policy.hpp.
template <class Policy>
inline constexpr bool is_concurrent_policy_v =
    (detail::concurrent_free_list_checks<Policy>::constructible) &&
    (detail::concurrent_free_list_checks<Policy>::operations);

}  // namespace objpool
