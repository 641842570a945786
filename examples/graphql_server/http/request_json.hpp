// JSON text from a client (a POST body, a GET request's `variables`): parsed with Boost.JSON,
// whose parser takes about a fifth of the instructions of nlohmann::json's on a getObject body
// (1,700 against 7,900 for 50 bytes, callgrind); the engine's values stay nlohmann::json.
#pragma once

#include <cstddef>
#include <string_view>

#include <boost/json/value.hpp>
#include <nlohmann/json.hpp>

namespace objpool_graphql {

/// @brief The deepest array/object nesting accepted in a request body or `variables` parameter.
/// The engine walks and prints variable values recursively (quoting an invalid value in an
/// error message, for one), so a 100,000-deep array in a 200 kB body would otherwise exhaust a
/// thread's stack. No input type of the schema nests; 64 leaves room for clients that send
/// extra data.
inline constexpr std::size_t max_json_depth = 64;

/// @brief Why client JSON text was refused.
enum class JsonError {
    none,      ///< one well-formed JSON text
    invalid,   ///< not one JSON text (whatever bytes follow it, a NUL included), or not UTF-8
    too_deep,  ///< arrays and objects nest deeper than max_json_depth
};

/// @brief Parses `text`, which must be exactly one JSON text in UTF-8 with at most
/// max_json_depth levels of nesting, into `out` (its memory from `out`'s storage).
/// @par Complexity
/// O(text.size()).
[[nodiscard]] JsonError parse_client_json(std::string_view text, boost::json::value& out);

/// @brief The same value as nlohmann::json (integers stay integers: unsigned only above
/// INT64_MAX, as Boost.JSON reads them).
[[nodiscard]] nlohmann::json to_nlohmann(const boost::json::value& value);

}  // namespace objpool_graphql
