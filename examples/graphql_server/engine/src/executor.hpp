// Execution of a validated operation (spec section 6) into a GraphQL response.
#pragma once

#include <nlohmann/json.hpp>

#include "ast.hpp"
#include "schema.hpp"
#include "values.hpp"

namespace gql::detail {

/// @brief Coerces `variables` for `operation`, then executes it against `schema`.
/// @return the response object: {"data": ..., "errors": [...]} ("errors" only when there are
/// some), or {"errors": [...]} alone when variable coercion fails.
OrderedJson execute_operation(const Schema& schema, const OperationDefinition& operation,
                              const nlohmann::json& variables);

}  // namespace gql::detail
