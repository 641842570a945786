// Validation: one or more checks per rule of the spec's Validation section, with the
// message and location of each error; and nothing executes when validation fails.
#include <objpool_catch.hpp>

#include "fixtures.hpp"

using gql::Engine;
using nlohmann::json;

namespace {

struct Engines {
    Engine server{gql_test::kServerSchema};
    Engine zoo{gql_test::kZooSchema};
    gql_test::FakePools pools;
    std::vector<std::string> log;
    Engines() {
        pools.bind(server);
        gql_test::bind_zoo(zoo, log);
    }
};

Engines& engines() {
    static Engines instance;
    return instance;
}

json errors(const std::string& query, bool zoo = false) {
    gql::Plan plan = (zoo ? engines().zoo : engines().server).prepare(query);
    if (plan.document)
        return json::array();
    return plan.errors;
}

// The only error's message, checking there is exactly one.
std::string only(const std::string& query, bool zoo = false) {
    json list = errors(query, zoo);
    INFO(query << " -> " << list.dump());
    REQUIRE(list.size() == 1);
    return list[0]["message"].get<std::string>();
}

json locations(const std::string& query, bool zoo = false) {
    json list = errors(query, zoo);
    REQUIRE_FALSE(list.empty());
    return list[0]["locations"];
}

bool valid(const std::string& query, bool zoo = false) {
    json list = errors(query, zoo);
    INFO(query << " -> " << list.dump());
    return list.empty();
}

}  // namespace

TEST_CASE("validation: executable definitions only", "[validation]") {
    const char* query = "{ pools { name } } type Foo { a: Int }";
    CHECK(only(query) == "The \"Foo\" definition is not executable.");
    CHECK(locations(query) == json::parse(R"([{"line":1,"column":20}])"));
}

TEST_CASE("validation: operation name uniqueness", "[validation]") {
    const char* query = "query A { pools { name } } query A { pools { name } }";
    CHECK(only(query) == "There can be only one operation named \"A\".");
    CHECK(locations(query) == json::parse(R"([{"line":1,"column":1},{"line":1,"column":28}])"));
    CHECK(engines()
              .server.prepare("query A { pools { name } } mutation B { getObject }", "A")
              .document);
}

TEST_CASE("validation: lone anonymous operation", "[validation]") {
    const char* query = "{ pools { name } }\nquery B { pools { name } }";
    CHECK(only(query) == "This anonymous operation must be the only defined operation.");
    CHECK(locations(query) == json::parse(R"([{"line":1,"column":1}])"));
}

TEST_CASE("validation: operation types the schema lacks; single-field subscriptions",
          "[validation]") {
    CHECK(only("subscription { pools { name } }") ==
          "Schema is not configured to execute subscription operation.");
    Engine with_subscription("type Query { a: Int } type Subscription { s: Int t: Int }");
    json list = with_subscription.prepare("subscription S { s t }").errors;
    REQUIRE(list.size() == 1);
    CHECK(list[0]["message"] == "Subscription \"S\" must select only one top level field.");
    list = with_subscription.prepare("subscription { __typename }").errors;
    REQUIRE(list.size() == 1);
    CHECK(list[0]["message"] ==
          "Anonymous Subscription must not select an introspection top level field.");
    CHECK(with_subscription.prepare("subscription { s }").document);
}

TEST_CASE("validation: fields must exist on the type", "[validation]") {
    CHECK(only("{ pools { nam } }") == "Cannot query field \"nam\" on type \"Pool\".");
    CHECK(locations("{ pools { nam } }") == json::parse(R"([{"line":1,"column":11}])"));
    CHECK(only("mutation { pools { name } }") ==
          "Cannot query field \"pools\" on type \"Mutation\".");
    CHECK(only("{ animals { barks } }", true) ==
          "Cannot query field \"barks\" on type \"Animal\".");
    CHECK(only("{ residents { name } }", true) ==
          "Cannot query field \"name\" on type \"Resident\".");
    CHECK(only("{ pools { __schema { description } } }") ==
          "Cannot query field \"__schema\" on type \"Pool\".");
    CHECK(valid("{ residents { __typename } }", true));
}

TEST_CASE("validation: field selection merging", "[validation]") {
    const char* different = "{ pool { x: name x: capacity } }";
    CHECK(only(different) ==
          "Fields \"x\" conflict because \"name\" and \"capacity\" are different fields. Use "
          "different aliases on the "
          "fields to fetch both if this was intentional.");
    CHECK(locations(different) ==
          json::parse(R"([{"line":1,"column":10},{"line":1,"column":18}])"));
    CHECK(only("{ pool(name: \"a\") { name } pool(name: \"b\") { name } }") ==
          "Fields \"pool\" conflict because they have differing arguments. Use different aliases "
          "on the fields to "
          "fetch both if this was intentional.");
    CHECK(only("{ pool { name } pool { name: capacity } }") ==
          "Fields \"pool\" conflict because subfields \"name\" conflict because \"name\" and "
          "\"capacity\" are different "
          "fields. Use different aliases on the fields to fetch both if this was intentional.");
    CHECK(only("{ animals { ... on Dog { x: barks } ... on Bird { x: wingspan } } }", true) ==
          "Fields \"x\" conflict because they return conflicting types \"Boolean!\" and \"Float\". "
          "Use different "
          "aliases on the fields to fetch both if this was intentional.");
    CHECK(only("{ pools { ...A ...B } } fragment A on Pool { n: name } fragment B on Pool { n: "
               "policy }")
              .rfind("Fields \"n\" conflict", 0) == 0);
    // Mergeable: identical fields, same arguments, or distinct object parents.
    CHECK(valid("{ pool { name } pool { name capacity } ...on Query { pool { name } } }"));
    CHECK(valid("{ pool(name: \"a\") { name } pool(name: \"a\") { policy } }"));
    CHECK(valid("{ animals { ... on Dog { x: name } ... on Bird { x: name } } }", true));
}

TEST_CASE("validation: leaf field selections", "[validation]") {
    CHECK(only("{ pool { name { x } } }") ==
          "Field \"name\" must not have a selection since type \"String!\" has no subfields.");
    CHECK(only("{ pool }") ==
          "Field \"pool\" of type \"Pool\" must have a selection of subfields. Did you mean \"pool "
          "{ ... }\"?");
    CHECK(only("{ pools }") ==
          "Field \"pools\" of type \"[Pool!]!\" must have a selection of subfields. Did you mean "
          "\"pools { ... }\"?");
    CHECK(locations("{ pool }") == json::parse(R"([{"line":1,"column":3}])"));
}

TEST_CASE("validation: argument names, uniqueness and required arguments", "[validation]") {
    CHECK(only("{ pool(nom: \"x\") { name } }") ==
          "Unknown argument \"nom\" on field \"Query.pool\".");
    CHECK(locations("{ pool(nom: \"x\") { name } }") == json::parse(R"([{"line":1,"column":8}])"));
    CHECK(only("{ pools @skip(if: true, unless: false) { name } }") ==
          "Unknown argument \"unless\" on directive \"@skip\".");
    const char* twice = "{ pool(name: \"a\", name: \"b\") { name } }";
    CHECK(only(twice) == "There can be only one argument named \"name\".");
    CHECK(locations(twice) == json::parse(R"([{"line":1,"column":8},{"line":1,"column":19}])"));
    CHECK(only("{ isAllocated }") ==
          "Field \"isAllocated\" argument \"id\" of type \"Int!\" is required, but it was not "
          "provided.");
    CHECK(only("{ pools @skip { name } }") ==
          "Directive \"@skip\" argument \"if\" of type \"Boolean!\" is required, but it was not "
          "provided.");
    CHECK(valid("{ isAllocated(id: 1) }"));  // "pool" has a default
}

TEST_CASE("validation: fragment names, targets, types and usage", "[validation]") {
    CHECK(only("{ pools { ...F } } fragment F on Pool { name } fragment F on Pool { name }") ==
          "There can be only one fragment named \"F\".");
    CHECK(only("{ pools { ...G } }") == "Unknown fragment \"G\".");
    CHECK(locations("{ pools { ...G } }") == json::parse(R"([{"line":1,"column":11}])"));
    CHECK(only("{ pools { ...F } } fragment F on String { x }") ==
          "Fragment \"F\" cannot condition on non composite type \"String\".");
    CHECK(locations("{ pools { ...F } } fragment F on String { x }") ==
          json::parse(R"([{"line":1,"column":34}])"));
    CHECK(only("{ pools { ... on Int { x } } }") ==
          "Fragment cannot condition on non composite type \"Int\".");
    CHECK(only("{ pools { ... on Nope { x } } }") == "Unknown type \"Nope\".");
    CHECK(only("{ pools { name } } fragment F on Pool { name }") ==
          "Fragment \"F\" is never used.");
    CHECK(locations("{ pools { name } } fragment F on Pool { name }") ==
          json::parse(R"([{"line":1,"column":20}])"));
}

TEST_CASE("validation: fragment spreads must not form cycles", "[validation]") {
    const char* query =
        "{ pools { ...A } } fragment A on Pool { name ...B } fragment B on Pool { name ...A }";
    CHECK(only(query) == "Cannot spread fragment \"A\" within itself via B.");
    CHECK(locations(query) == json::parse(R"([{"line":1,"column":46},{"line":1,"column":79}])"));
    CHECK(only("{ pools { ...A } } fragment A on Pool { name ...A }") ==
          "Cannot spread fragment \"A\" within itself.");
}

TEST_CASE("validation: fragment spread is possible", "[validation]") {
    CHECK(only("{ pools { ...Q } } fragment Q on Query { pools { name } }") ==
          "Fragment \"Q\" cannot be spread here as objects of type \"Pool\" can never be of type "
          "\"Query\".");
    CHECK(only("{ pools { ... on Query { __typename } } }") ==
          "Fragment cannot be spread here as objects of type \"Pool\" can never be of type "
          "\"Query\".");
    CHECK(only("{ animals { ... on Keeper { name } } }", true) ==
          "Fragment cannot be spread here as objects of type \"Animal\" can never be of type "
          "\"Keeper\".");
    CHECK(
        valid("{ animals { ... on Dog { barks } } residents { ... on Animal { name } ... on Keeper "
              "{ name } } }",
              true));
}

TEST_CASE("validation: values of correct type", "[validation]") {
    CHECK(only("{ isAllocated(id: \"1\") }") == "Int cannot represent non-integer value: \"1\"");
    CHECK(locations("{ isAllocated(id: \"1\") }") == json::parse(R"([{"line":1,"column":19}])"));
    CHECK(only("{ isAllocated(id: 2147483648) }") ==
          "Int cannot represent non 32-bit signed integer value: 2147483648");
    CHECK(only("{ isAllocated(id: -2147483649) }") ==
          "Int cannot represent non 32-bit signed integer value: -2147483649");
    CHECK(valid("{ a: isAllocated(id: -2147483648) b: isAllocated(id: 2147483647) }"));
    CHECK(only("{ isAllocated(id: 1.0) }") == "Int cannot represent non-integer value: 1.0");
    CHECK(only("{ isAllocated(id: null) }") == "Expected value of type \"Int!\", found null.");
    CHECK(only("mutation { createPool(name: \"a\", capacity: 1, policy: \"FIFO\") { name } }") ==
          "Enum \"Policy\" cannot represent non-enum value: \"FIFO\".");
    CHECK(only("mutation { createPool(name: \"a\", capacity: 1, policy: RANDOM) { name } }") ==
          "Value \"RANDOM\" does not exist in \"Policy\" enum.");
    CHECK(only("{ echo(ratio: \"x\") }", true) ==
          "Float cannot represent non numeric value: \"x\"");
    CHECK(only("{ echo(flag: 1) }", true) == "Boolean cannot represent a non boolean value: 1");
    CHECK(only("{ echo(value: TRUE) }", true) ==
          "String cannot represent a non string value: TRUE");
    CHECK(only("{ echo(id: 1.5) }", true) ==
          "ID cannot represent a non-string and non-integer value: 1.5");
    CHECK(only("{ echo(list: [1, \"2\"]) }", true) ==
          "Int cannot represent non-integer value: \"2\"");
    CHECK(valid("{ echo(ratio: 1, id: \"x\", list: 3, day: {any: [1]}) }", true));
}

TEST_CASE("validation: input object fields", "[validation]") {
    CHECK(only("{ echo(filter: {nope: 1}) }", true) ==
          "Field \"nope\" is not defined by type \"Filter\".");
    CHECK(locations("{ echo(filter: {nope: 1}) }", true) ==
          json::parse(R"([{"line":1,"column":17}])"));
    CHECK(only("{ echo(filter: {name: \"a\", name: \"b\"}) }", true) ==
          "There can be only one input field named \"name\".");
    CHECK(only("{ echo(filter: 3) }", true) == "Expected value of type \"Filter\", found 3.");
    CHECK(only("{ echoRange(range: {high: 3}) }", true) ==
          "Field \"Range.low\" of required type \"Int!\" was not provided.");
    CHECK(only("{ echoRange(range: {low: null}) }", true) ==
          "Expected value of type \"Int!\", found null.");
    CHECK(only("{ echo(filter: {nested: {sizes: [SMALL, HUGE]}}) }", true) ==
          "Value \"HUGE\" does not exist in \"Size\" enum.");
    CHECK(valid("{ echoRange(range: {low: 1}) }", true));
}

TEST_CASE("validation: directives defined, in valid locations, unique per location",
          "[validation]") {
    CHECK(only("{ pools @nope { name } }") == "Unknown directive \"@nope\".");
    CHECK(locations("{ pools @nope { name } }") == json::parse(R"([{"line":1,"column":9}])"));
    CHECK(only("query @skip(if: true) { pools { name } }") ==
          "Directive \"@skip\" may not be used on QUERY.");
    CHECK(only("{ pools { ...F } } fragment F on Pool @include(if: true) { name }") ==
          "Directive \"@include\" may not be used on FRAGMENT_DEFINITION.");
    CHECK(only("{ pools @deprecated { name } }") ==
          "Directive \"@deprecated\" may not be used on FIELD.");
    const char* twice = "{ pools @skip(if: true) @skip(if: false) { name } }";
    CHECK(only(twice) == "The directive \"@skip\" can only be used once at this location.");
    CHECK(locations(twice) == json::parse(R"([{"line":1,"column":9},{"line":1,"column":25}])"));
}

TEST_CASE("validation: variables unique, input types, defined, used", "[validation]") {
    CHECK(only("query($a: Int!, $a: Int!) { isAllocated(id: $a) }") ==
          "There can be only one variable named \"$a\".");
    json list = errors("query($p: Pool) { pools { name } }");
    REQUIRE(list.size() == 2);
    CHECK(list[0]["message"] == "Variable \"$p\" cannot be non-input type \"Pool\".");
    CHECK(list[0]["locations"] == json::parse(R"([{"line":1,"column":11}])"));
    CHECK(list[1]["message"] == "Variable \"$p\" is never used.");
    CHECK(errors("query($p: Nope) { isAllocated(id: 1, pool: $p) }")[0]["message"] ==
          "Unknown type \"Nope\".");
    CHECK(only("{ isAllocated(id: $x) }") == "Variable \"$x\" is not defined.");
    CHECK(locations("{ isAllocated(id: $x) }") ==
          json::parse(R"([{"line":1,"column":19},{"line":1,"column":1}])"));
    CHECK(only("query Q { pools { ...F } } fragment F on Pool { name @include(if: $on) }") ==
          "Variable \"$on\" is not defined by operation \"Q\".");
    CHECK(only("query Q($x: Int) { pools { name } }") ==
          "Variable \"$x\" is never used in operation \"Q\".");
    CHECK(valid(
        "query Q($on: Boolean!) { pools { ...F } } fragment F on Pool { name @include(if: $on) }"));
}

TEST_CASE("validation: variable usages must be allowed", "[validation]") {
    const char* nullable = "query($x: Int) { isAllocated(id: $x) }";
    CHECK(only(nullable) ==
          "Variable \"$x\" of type \"Int\" used in position expecting type \"Int!\".");
    CHECK(locations(nullable) == json::parse(R"([{"line":1,"column":7},{"line":1,"column":34}])"));
    CHECK(only("query($s: String) { echo(number: $s) }", true) ==
          "Variable \"$s\" of type \"String\" used in position expecting type \"Int\".");
    CHECK(only("query($l: [Int]) { echo(number: $l) }", true) ==
          "Variable \"$l\" of type \"[Int]\" used in position expecting type \"Int\".");
    CHECK(only("query($n: Int) { echo(list: [$n, 1]) echoRange(range: {low: $n}) }", true) ==
          "Variable \"$n\" of type \"Int\" used in position expecting type \"Int!\".");
    CHECK(valid("query($x: Int = 1) { isAllocated(id: $x) }"));          // variable default
    CHECK(valid("query($p: String) { isAllocated(id: 1, pool: $p) }"));  // location default
    CHECK(valid("query($l: [Int!]!) { echo(list: $l) }", true));
    CHECK(valid("query($x: Int!) { echo(list: [$x]) }", true));
    CHECK(only("query($x: Int = \"a\") { echo(number: $x) }", true) ==
          "Int cannot represent non-integer value: \"a\"");
}

TEST_CASE("validation: all errors are reported, and nothing runs", "[validation]") {
    Engine server(gql_test::kServerSchema);
    gql_test::FakePools pools;
    pools.bind(server);
    json response = server.run("mutation { getObject nope } fragment Unused on Pool { name }");
    CHECK_FALSE(response.contains("data"));
    CHECK(gql_test::messages(response) ==
          std::vector<std::string>{"Cannot query field \"nope\" on type \"Mutation\".",
                                   "Fragment \"Unused\" is never used."});
    // getObject did not run: the first object handed out is still 0.
    CHECK(server.run("mutation { getObject }")["data"]["getObject"] == 0);
}
