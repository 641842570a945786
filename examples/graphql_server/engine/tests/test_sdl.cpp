// Schema construction from SDL: what is accepted, and the errors (with line:column).
#include <objpool_catch.hpp>

#include "fixtures.hpp"

using gql::Engine;

namespace {

std::string schema_error(const char* sdl) {
    try {
        Engine engine(sdl);
    } catch (const std::invalid_argument& error) {
        return error.what();
    }
    FAIL("expected the schema to be rejected: " << sdl);
    return {};
}

}  // namespace

TEST_CASE("sdl: the server schema and the zoo schema build", "[sdl]") {
    Engine server(gql_test::kServerSchema);
    CHECK(server.schema_text() == gql_test::kServerSchema);
    Engine zoo(gql_test::kZooSchema);
    CHECK(zoo.run("{ __typename }")["data"]["__typename"] == "Query");
}

TEST_CASE("sdl: explicit schema definition chooses the root types", "[sdl]") {
    Engine engine(
        "schema { query: Root mutation: Change } type Root { a: Int } type Change { b: Int }");
    CHECK(engine.run("{ __typename }")["data"]["__typename"] == "Root");
    CHECK(engine.run("mutation { __typename }")["data"]["__typename"] == "Change");
    // Without a schema definition, a type named Mutation is not a root when the schema says so.
    Engine only_query("schema { query: Q } type Q { a: Int } type Mutation { b: Int }");
    CHECK(gql_test::first_message(only_query.run("mutation { b }")) ==
          "Schema is not configured to execute mutation operation.");
}

TEST_CASE("sdl: extensions add fields and values", "[sdl]") {
    Engine engine(
        "type Query { a: Int } extend type Query { b: Int } enum E { X } extend enum E { Y }");
    auto response = engine.run("{ b __type(name: \"E\") { enumValues { name } } }");
    CHECK(response["data"]["b"].is_null());
    CHECK(response["data"]["__type"]["enumValues"].size() == 2);
}

TEST_CASE("sdl: invalid schemas are rejected with line and column", "[sdl]") {
    CHECK(schema_error("type Query { a: Missing }") == "1:17: Unknown type \"Missing\".");
    CHECK(schema_error("type Query { a: Int }\ntype Query { b: Int }") ==
          "2:1: There can be only one type named \"Query\".");
    CHECK(schema_error("type Foo { a: Int }") == "1:1: Query root type must be provided.");
    CHECK(schema_error("type Query { a(x: Int = \"no\"): Int }") ==
          "1:25: Invalid default value for \"Query.a(x:)\": Int cannot represent non-integer "
          "value: \"no\"");
    CHECK(schema_error("type Query { a: Int a: String }") ==
          "1:21: There can be only one field named \"Query.a\".");
    CHECK(schema_error("type Query { a: Int @unknown }") ==
          "1:21: Unknown directive \"@unknown\".");
    CHECK(schema_error("type Query { a: In } input In { x: Int }") ==
          "1:17: The type of \"Query.a\" must be an output type, found \"In\".");
    CHECK(schema_error("type Query { a(x: Query): Int }") ==
          "1:19: The type of \"Query.a.x\" must be an input type, found \"Query\".");
    CHECK(schema_error("type Query { a: Int } type __Bad { a: Int }").find("reserved") !=
          std::string::npos);
    CHECK(schema_error("type Query { a: String } scalar String") ==
          "1:26: Type \"String\" is built in and cannot be redefined.");
    CHECK(schema_error("type Query {\n  a: Int\n  { }") ==
          "3:3: Syntax Error: Expected Name, found \"{\".");
    CHECK(schema_error("type Query { a: Int } query { a }") ==
          "1:23: Syntax Error: A schema document may not contain operations or fragments.");
    CHECK(schema_error("interface I { x: Int } type Query implements I { a: Int }") ==
          "1:24: Interface field \"I.x\" expected but \"Query\" does not provide it.");
    CHECK(schema_error("interface I { x: Int } type Query implements I { x: String }") ==
          "1:24: Interface field \"I.x\" expects type \"Int\" but \"Query.x\" is type \"String\".");
    CHECK(schema_error("type Query { a: Int } union U = Query | Int") ==
          "1:41: Union \"U\" can only include object types, \"Int\" is not one.");
    CHECK(schema_error("type Query { a: Int } extend type Nope { b: Int }") ==
          "1:23: Cannot extend type \"Nope\" because it is not defined.");
}

TEST_CASE("sdl: bind checks the field exists", "[sdl]") {
    Engine engine(gql_test::kServerSchema);
    CHECK_NOTHROW(engine.bind("Query", "pools",
                              [](const gql::ResolveInfo&) { return nlohmann::json::array(); }));
    CHECK_THROWS_AS(engine.bind("Query", "nope", [](const gql::ResolveInfo&) { return nullptr; }),
                    std::invalid_argument);
    CHECK_THROWS_AS(engine.bind("Nope", "x", [](const gql::ResolveInfo&) { return nullptr; }),
                    std::invalid_argument);
    CHECK_THROWS_AS(engine.bind("Policy", "FIFO", [](const gql::ResolveInfo&) { return nullptr; }),
                    std::invalid_argument);
    CHECK_THROWS_AS(engine.bind("__Type", "name", [](const gql::ResolveInfo&) { return nullptr; }),
                    std::invalid_argument);
}
