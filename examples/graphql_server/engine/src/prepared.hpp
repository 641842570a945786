// What Engine::prepare caches: a parsed, validated and annotated document.
#pragma once

#include "ast.hpp"

namespace gql {

/// @brief A document that parsed and validated; immutable and shared between threads.
struct PreparedDocument {
    detail::Document document;
};

}  // namespace gql
