#include "error.hpp"

namespace gql::detail {

nlohmann::json location_to_json(Location location) {
    return nlohmann::json{{"line", location.line}, {"column", location.column}};
}

nlohmann::json error_to_json(const GraphQLError& error) {
    nlohmann::json out{{"message", error.message}};
    if (!error.locations.empty()) {
        nlohmann::json locations = nlohmann::json::array();
        for (const Location& location : error.locations) {
            locations.push_back(location_to_json(location));
        }
        out["locations"] = std::move(locations);
    }
    return out;
}

nlohmann::json errors_to_json(const std::vector<GraphQLError>& errors) {
    nlohmann::json out = nlohmann::json::array();
    for (const GraphQLError& error : errors) {
        out.push_back(error_to_json(error));
    }
    return out;
}

}  // namespace gql::detail
