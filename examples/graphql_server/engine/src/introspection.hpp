// Introspection: the __schema / __type meta-fields and the resolvers of the __ types.
#pragma once

#include "schema.hpp"

namespace gql::detail {

/// @brief Computes the schema's introspection data and binds the resolvers of __schema,
/// __type and the introspection types' computed fields. Called once by build_schema().
void install_introspection(Schema& schema);

}  // namespace gql::detail
