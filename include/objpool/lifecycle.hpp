/// @file
/// @brief The two object lifecycles an ObjectPool can follow.
#pragma once

namespace objpool {

/// @brief Lifecycle (the default): an object is constructed the first time its slot is handed
/// out (default construction or the pool's factory), survives free (the optional reset hook
/// runs instead), is handed out again as it is, and is destroyed with the pool.
/// For objects that are expensive to build: connections, buffers, parsers.
struct Reuse {};

/// @brief Lifecycle: `get(args...)` constructs the object from the arguments and `free`
/// destroys it, as with Boost.Pool's object_pool or foonathan/memory's memory_pool.
/// For pooled memory of objects whose state does not outlive their use.
struct ConstructOnGet {};

}  // namespace objpool
