/// @file
/// @brief Umbrella header: everything objpool offers.
///
/// - objpool::IdPool hands out integer ids first .. first+count-1;
/// - objpool::ObjectPool holds objects with ids 1 .. capacity, handed out through
///   objpool::Lease or raw pointers;
/// - the policies objpool::Fifo, objpool::Lifo and objpool::Bitmap decide which free slot
///   comes next (objpool/policy.hpp documents how to write your own);
/// - objpool::BadFree is what a free of something that is not out throws.
#pragma once

#include "config.hpp"
#include "error.hpp"
#include "id_pool.hpp"
#include "lease.hpp"
#include "lifecycle.hpp"
#include "object_pool.hpp"
#include "policy.hpp"
#include "policy/bitmap.hpp"
#include "policy/fifo.hpp"
#include "policy/lifo.hpp"
#include "version.hpp"
