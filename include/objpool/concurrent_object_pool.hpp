/// @file
/// @brief objpool::ConcurrentObjectPool: objpool::ObjectPool made safe to use from any number
/// of threads.
#pragma once

// First: under C++14 its one clear #error comes before anything else fails.
#include "config.hpp"

#include "concurrent/bitmap.hpp"
#include "concurrent/fifo.hpp"
#include "concurrent/lifo.hpp"
#include "concurrent/locked.hpp"
#include "concurrent/policy.hpp"
#include "lifecycle.hpp"
#include "object_pool.hpp"

namespace objpool {

/// @brief The thread-safe object pool: objpool::BasicObjectPool over the policy's concurrent
/// free list (objpool::concurrent_free_list_t).
///
/// The members and contract of objpool::ObjectPool (leases and raw pointers, the Reuse and
/// ConstructOnGet lifecycles, factory and reset hook, the in-place undo of a failed
/// construction, ASan poisoning), plus blocking acquisition for the connection-pool use:
/// get_for / get_until (and acquire_for / acquire_until) sleep until a free wakes them or the
/// time is up. Every member may be called concurrently (construction and destruction aside);
/// objects are constructed, reset and destroyed outside any lock.
///
/// - A free happens-before the get that hands the object out next: what the previous holder
///   wrote to the object is visible to the next one without further synchronisation.
/// - free stays exact under concurrency: of two threads freeing the same object at once,
///   exactly one succeeds and the other gets objpool::BadFree.
/// - Which object get hands out is the policy's choice, as in objpool::ConcurrentIdPool.
///
/// @tparam T the object type.
/// @tparam Policy objpool::Fifo, objpool::Lifo, objpool::Bitmap, objpool::Locked<P>, or a tag
/// with a concurrent free list of your own (see objpool/concurrent/policy.hpp).
/// @tparam Lifecycle objpool::Reuse or objpool::ConstructOnGet.
template <class T, class Policy, class Lifecycle = Reuse>
using ConcurrentObjectPool =
    BasicObjectPool<T, typename detail::checked_concurrent_free_list<Policy>::type, Lifecycle>;

}  // namespace objpool
