// A reader for the usual shape of a GraphQL-over-HTTP POST body, without a JSON DOM.
//
// Nearly every request a client sends is {"query": "...", "variables": {...}, "operationName":
// "..."} with plain ASCII strings. Reading that shape directly costs a fraction of a general
// JSON parse (no token buffers, no tree to build and free); anything else is left to the full
// parser, so the outcome never depends on which reader ran.
#pragma once

#include <string>
#include <string_view>

namespace objpool_graphql {

/// @brief The members of a request body that read_simple_request() found.
struct SimpleRequest {
    std::string query;  ///< the "query" string, unescaped
    std::string_view
        variables_json;  ///< the raw text of "variables" (an object or null), empty when absent
    std::string operation_name;  ///< the "operationName" string, empty when absent or null
};

/// @brief Reads `body` when it is a JSON object with a string "query" and, optionally, a
/// "variables" object or null and an "operationName" string or null, each at most once, in any
/// order, whose strings hold only printable ASCII and the escapes \" \\ \/ \b \f \n \r \t.
/// @return false for anything else (other members, \u escapes, non-ASCII, malformed JSON...),
/// leaving the body to the full JSON parser. `variables_json` is only delimited (balanced
/// brackets outside strings); the caller parses it.
/// @par Complexity
/// O(body.size()); allocates only the returned strings.
[[nodiscard]] bool read_simple_request(std::string_view body, SimpleRequest& out);

}  // namespace objpool_graphql
