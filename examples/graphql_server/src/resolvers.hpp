// Binds the schema's root fields (schema.graphql) to a pool store (store/pool_store.hpp).
#pragma once

#include <gql/engine.hpp>

namespace objpool_graphql {

namespace store {
class PoolStore;
}
class Metrics;

/// @brief Binds every Query and Mutation field of schema.graphql to `pools`, counting each
/// call and each error in `metrics`. Both must outlive `engine`'s use.
/// Errors are gql::FieldError with codes NOT_ALLOCATED, NO_SUCH_POOL, POOL_EXISTS, BAD_CAPACITY,
/// BAD_TTL, STALE_LEASE, UNAVAILABLE (the store cannot be reached; the operation may or may not
/// have taken effect).
/// @throws std::invalid_argument when the engine's schema lacks one of the fields.
void bind_resolvers(gql::Engine& engine, store::PoolStore& pools, Metrics& metrics);

}  // namespace objpool_graphql
