#include "request_json.hpp"

// Boost.JSON is header-only here: this is the one translation unit that compiles it.
#include <boost/json/src.hpp>

namespace objpool_graphql {

JsonError parse_client_json(std::string_view text, boost::json::value& out) {
    boost::json::parse_options options;
    options.max_depth = max_json_depth;
    boost::system::error_code error;
    auto value = boost::json::parse(text, error, out.storage(), options);
    if (error) {
        return error == boost::json::error::too_deep ? JsonError::too_deep : JsonError::invalid;
    }
    out = std::move(value);
    return JsonError::none;
}

nlohmann::json to_nlohmann(const boost::json::value& value) {
    switch (value.kind()) {
        case boost::json::kind::null:
            return nullptr;
        case boost::json::kind::bool_:
            return value.get_bool();
        case boost::json::kind::int64:
            return value.get_int64();
        case boost::json::kind::uint64:
            return value.get_uint64();
        case boost::json::kind::double_:
            return value.get_double();
        case boost::json::kind::string:
            return std::string(value.get_string());
        case boost::json::kind::array: {
            auto array = nlohmann::json::array();
            for (const auto& element : value.get_array()) {
                array.push_back(to_nlohmann(element));
            }
            return array;
        }
        case boost::json::kind::object: {
            auto object = nlohmann::json::object();
            for (const auto& member : value.get_object()) {
                object[std::string(member.key())] = to_nlohmann(member.value());
            }
            return object;
        }
    }
    return nullptr;  // not reached: every kind is handled above
}

}  // namespace objpool_graphql
