// The GraphQL engine under arbitrary documents and variables: no crash, no hang, bounded
// memory, and a well-formed response for every input.
//
// Input: the document, optionally followed by a NUL byte and the variables as JSON.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>

#include <gql/engine.hpp>

namespace {

std::unique_ptr<gql::Engine> make_engine() {
    std::ifstream file(OBJPOOL_GRAPHQL_SCHEMA_FILE);
    std::stringstream schema;
    schema << file.rdbuf();
    auto engine = std::make_unique<gql::Engine>(schema.str());
    const nlohmann::json pool = {{"name", "default"}, {"policy", "FIFO"}, {"capacity", 10},
                                 {"available", 9},    {"allocated", 1}};
    engine->bind("Query", "pool", [pool](const gql::ResolveInfo&) { return pool; });
    engine->bind("Query", "pools",
                 [pool](const gql::ResolveInfo&) { return nlohmann::json::array({pool, pool}); });
    engine->bind("Query", "isAllocated", [](const gql::ResolveInfo& info) {
        return info.arguments.at("id").get<long long>() == 1;
    });
    engine->bind("Mutation", "createPool", [pool](const gql::ResolveInfo& info) -> nlohmann::json {
        if (info.arguments.at("capacity").get<long long>() <= 0) {
            throw gql::FieldError("BAD_CAPACITY", "capacity must be positive");
        }
        return pool;
    });
    engine->bind("Mutation", "deletePool", [](const gql::ResolveInfo&) { return true; });
    engine->bind("Mutation", "getObject", [](const gql::ResolveInfo&) { return 1; });
    engine->bind("Mutation", "freeObject", [](const gql::ResolveInfo& info) -> nlohmann::json {
        if (info.arguments.at("id").get<long long>() != 1) {
            throw gql::FieldError("NOT_ALLOCATED", "not allocated");
        }
        return true;
    });
    return engine;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::unique_ptr<gql::Engine> engine = make_engine();
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::size_t split = input.find('\0');
    const std::string_view query = input.substr(0, split);
    nlohmann::json variables = nullptr;
    if (split != std::string_view::npos) {
        variables = nlohmann::json::parse(input.substr(split + 1), nullptr, false);
        if (variables.is_discarded()) {
            variables = nullptr;
        }
    }
    const nlohmann::json response = engine->run(query, variables);
    // Every response is an object with data and/or a non-empty errors array.
    const bool has_errors = response.contains("errors");
    if (!response.is_object() || (!has_errors && !response.contains("data")) ||
        (has_errors && (!response["errors"].is_array() || response["errors"].empty()))) {
        std::abort();
    }
    // As the server serializes: invalid UTF-8 that a document carried into a string is replaced.
    static_cast<void>(response.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    return 0;
}
