/// @file
/// @brief The concurrent free-list interface: objpool::concurrent_free_list maps a policy to its
/// thread-safe free list (declared, with every check, in objpool/free_list_traits.hpp).
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
/// For `L` = `concurrent_free_list_t<Policy>`, the requirements of objpool/free_list_traits.hpp
/// (`L(capacity)`, `acquire()`, `release(slot)`, `is_allocated(slot)`, `capacity()`,
/// `available()`, `bookkeeping_bytes()`, optionally `unacquire(slot)`) with the same meaning,
/// plus:
/// - `static constexpr bool is_thread_safe = true;` (required: it makes a pool over `L` a
///   concurrent one);
/// - every member but the constructor and destructor may be called from any number of threads
///   at once; acquire and release are linearizable, and of two releases of the same slot at
///   once exactly one returns true;
/// - a release of a slot happens-before the acquire that hands the slot out next (release /
///   acquire ordering), so what the previous owner wrote is visible to the next one;
/// - release publishes the slot through atomic stores that the next acquire reads: an acquire
///   that follows a release in the order of seq_cst fences finds the slot, or finds that
///   another thread took it (the blocking get relies on this: see
///   objpool/detail/concurrent_waiters.hpp). A list that caches freed slots per thread
///   (objpool::ThreadCached) keeps this rule for what reaches its shared list, and provides
///   `publish_cached()` for the rest (objpool/free_list_traits.hpp);
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
/// - unacquire(slot), when provided, undoes the acquire() that returned `slot`: with no other
///   call in flight, the next acquire() returns `slot` again. Under concurrency it may instead
///   behave as release(slot); it must leave the list consistent either way;
/// - the ordering rule of objpool/free_list_traits.hpp (never-used slots in ascending order) is
///   recommended, not required: the concurrent object pool tracks constructed objects per slot.
#pragma once

#include "../free_list_traits.hpp"
