/// @file
/// @brief Umbrella header: everything objpool offers.
///
/// - objpool::IdPool hands out integer ids first .. first+count-1, one at a time, a chosen one
///   (try_claim) or in an objpool::IdLease;
/// - objpool::ObjectPool holds objects with ids 1 .. capacity, handed out through
///   objpool::Lease or raw pointers;
/// - the policies objpool::Fifo, objpool::Lifo and objpool::Bitmap decide which free slot
///   comes next (objpool/free_list_traits.hpp states what a policy's free list must provide);
/// - objpool::HandlePool hands out checked handles {slot, generation} that detect stale use;
/// - objpool::ConcurrentIdPool and objpool::ConcurrentObjectPool are the same pools
///   (objpool::BasicIdPool, objpool::BasicObjectPool) over thread-safe free lists, with
///   blocking get_for / get_until; objpool::Locked makes any policy thread-safe with a mutex;
/// - objpool::ThreadCached gives each thread a cache of free slots in front of a concurrent
///   free list;
/// - objpool::PoolResource is a std::pmr::memory_resource serving blocks of one size class
///   from a free list, forwarding the rest upstream;
/// - objpool::BadFree is what a free of something that is not out throws.
#pragma once

// First: under C++14 its one clear #error comes before anything else fails.
#include "config.hpp"

#include "concurrent/thread_cached.hpp"
#include "concurrent_id_pool.hpp"
#include "concurrent_object_pool.hpp"
#include "error.hpp"
#include "free_list_traits.hpp"
#include "handle_pool.hpp"
#include "id_lease.hpp"
#include "id_pool.hpp"
#include "lease.hpp"
#include "lifecycle.hpp"
#include "object_pool.hpp"
#include "policy.hpp"
#include "policy/bitmap.hpp"
#include "policy/fifo.hpp"
#include "policy/lifo.hpp"
#include "pool_resource.hpp"
#include "statistics.hpp"
#include "version.hpp"
