// Source locations and the request-error type shared by every stage of the engine.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace gql::detail {

/// @brief A position in a document: 1-based line and column (columns count code points).
struct Location {
    std::size_t line = 0;
    std::size_t column = 0;
};

/// @brief One request error (syntax, validation, limits, variable coercion).
struct GraphQLError {
    std::string message;
    std::vector<Location> locations;
};

/// @brief Thrown by the lexer and parser; the caller turns it into a GraphQLError.
class SyntaxError : public std::runtime_error {
public:
    SyntaxError(const std::string& message, Location location)
        : std::runtime_error(message), location_(location) {}
    [[nodiscard]] Location location() const noexcept { return location_; }

private:
    Location location_;
};

/// @brief {"line": .., "column": ..}.
nlohmann::json location_to_json(Location location);

/// @brief {"message": .., "locations": [..]} ("locations" omitted when empty).
nlohmann::json error_to_json(const GraphQLError& error);

/// @brief The array form of a list of errors, as Plan::errors expects.
nlohmann::json errors_to_json(const std::vector<GraphQLError>& errors);

}  // namespace gql::detail
