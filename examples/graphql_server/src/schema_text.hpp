// schema.graphql, embedded at build time (see schema_text.cpp.in) so the binary runs anywhere.
#pragma once

#include <string_view>

namespace objpool_graphql {

/// @brief The text of examples/graphql_server/schema.graphql as it was when the server was built.
[[nodiscard]] std::string_view schema_sdl() noexcept;

}  // namespace objpool_graphql
