// SDL text of everything every schema has: built-in scalars, directives, introspection types.
#pragma once

#include <string_view>

namespace gql::detail {

/// @brief The built-in scalars (Int, Float, String, Boolean, ID), the directives @include,
/// @skip, @deprecated, @specifiedBy, and the introspection types of the October 2021 spec
/// (plus `includeDeprecated` on args/inputFields and __InputValue deprecation, as graphql-js 16).
extern const std::string_view kBuiltinSdl;

}  // namespace gql::detail
