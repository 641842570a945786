/// @file
/// @brief The single-threaded policy interface (objpool::is_policy_v, objpool::FreeListPolicy,
/// objpool::max_capacity).
///
/// A policy is a tag type with a nested `FreeList` class that keeps track of which of the
/// slots `0 .. capacity-1` are free and decides which one `get` hands out next. The pools
/// add ids, objects and error reporting on top; a user policy plugs in exactly like
/// objpool::Fifo, objpool::Lifo and objpool::Bitmap. What a free list must provide, its optional
/// members and their fallbacks are stated and checked in one place: objpool/free_list_traits.hpp.
#pragma once

#include "free_list_traits.hpp"
