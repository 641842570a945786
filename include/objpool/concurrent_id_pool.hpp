/// @file
/// @brief objpool::ConcurrentIdPool: objpool::IdPool made safe to use from any number of threads.
#pragma once

// First: under C++14 its one clear #error comes before anything else fails.
#include "config.hpp"

#include <cstdint>

#include "concurrent/bitmap.hpp"
#include "concurrent/fifo.hpp"
#include "concurrent/lifo.hpp"
#include "concurrent/locked.hpp"
#include "concurrent/policy.hpp"
#include "id_pool.hpp"

namespace objpool {

/// @brief The thread-safe id pool: objpool::BasicIdPool over the policy's concurrent free list
/// (objpool::concurrent_free_list_t).
///
/// The members and contract of objpool::IdPool, plus blocking acquisition (get_for,
/// get_until). Every member may be called concurrently (construction and destruction aside).
/// `free` stays exact under concurrency: of two threads freeing the same id at once, exactly
/// one succeeds and the other gets objpool::BadFree. A free happens-before the get that hands
/// the id out next, so what the previous holder wrote is visible to the next one.
///
/// The policy tag selects the algorithm (objpool/concurrent/policy.hpp): objpool::Lifo a
/// lock-free Treiber stack, objpool::Fifo a lap-stamped ring, objpool::Bitmap lock-free
/// atomic bitmaps (lowest free id when quiescent), objpool::Locked<P> a mutex around P.
/// Single-threaded, before anything is freed, every built-in policy hands out `first,
/// first+1, ...`. docs/concurrency.md states which operations are lock-free, wait-free or
/// blocking for each policy.
///
/// @tparam Policy objpool::Fifo, objpool::Lifo, objpool::Bitmap, objpool::Locked<P>, or a tag
/// with a concurrent free list of your own.
/// @tparam Id an integer type wide enough for `first + count - 1`.
template <class Policy, class Id = std::uint32_t>
using ConcurrentIdPool =
    BasicIdPool<typename detail::checked_concurrent_free_list<Policy>::type, Id>;

}  // namespace objpool
