// Execution: operation selection, variables and coercion, defaults, aliases, fragments,
// directives, __typename, abstract types, null propagation, error paths and codes,
// serial mutations, and key order.
#include <objpool_catch.hpp>

#include "fixtures.hpp"

using gql::Engine;
using gql_test::first_message;
using gql_test::messages;
using nlohmann::json;

namespace {

struct Server {
    Engine engine{gql_test::kServerSchema};
    gql_test::FakePools pools;
    Server() { pools.bind(engine); }
};

struct Zoo {
    Engine engine{gql_test::kZooSchema};
    std::vector<std::string> log;
    Zoo() { gql_test::bind_zoo(engine, log); }
};

}  // namespace

TEST_CASE("execution: server schema round trip", "[execution]") {
    Server server;
    Engine& engine = server.engine;
    CHECK(engine.run("mutation { getObject }") == json::parse(R"({"data":{"getObject":0}})"));
    CHECK(engine.run("mutation { getObject }") == json::parse(R"({"data":{"getObject":1}})"));
    CHECK(engine.run("{ isAllocated(id: 1) }") == json::parse(R"({"data":{"isAllocated":true}})"));
    CHECK(
        engine.run("{ pool { name policy capacity available allocated } }") ==
        json::parse(
            R"({"data":{"pool":{"name":"default","policy":"FIFO","capacity":4,"available":2,"allocated":2}}})"));
    CHECK(engine.run("mutation { createPool(name: \"b\", capacity: 2, policy: BITMAP) { name "
                     "policy capacity } }") ==
          json::parse(R"({"data":{"createPool":{"name":"b","policy":"BITMAP","capacity":2}}})"));
    CHECK(engine.run(
              "mutation { createPool(name: \"c\", capacity: 1) { policy } }")["data"]["createPool"]
                                                                             ["policy"] == "FIFO");
    CHECK(engine.run("{ pools { name } }")["data"]["pools"].size() == 3);
    CHECK(engine.run("{ pool(name: \"nope\") { name } }") ==
          json::parse(R"({"data":{"pool":null}})"));
    CHECK(engine.run("mutation { deletePool(name: \"c\") }")["data"]["deletePool"] == true);
    CHECK(engine.run("mutation { freeObject(id: 0) }")["data"]["freeObject"] == true);
}

TEST_CASE("execution: field errors carry message, locations, path and extensions.code",
          "[execution]") {
    Server server;
    json response = server.engine.run("mutation {\n  ok: getObject\n  freeObject(id: 3)\n}");
    CHECK(response["data"].is_null());  // freeObject is Boolean!: the null reaches the root
    REQUIRE(response["errors"].size() == 1);
    const json& error = response["errors"][0];
    CHECK(error["message"] == "object 3 is not allocated");
    CHECK(error["locations"] == json::parse(R"([{"line":3,"column":3}])"));
    CHECK(error["path"] == json::parse(R"(["freeObject"])"));
    CHECK(error["extensions"] == json::parse(R"({"code":"NOT_ALLOCATED"})"));

    // A nullable field absorbs its error.
    response = server.engine.run("mutation { getObject(pool: \"missing\") }");
    CHECK(response["data"] == json::parse(R"({"getObject":null})"));
    CHECK(response["errors"][0]["extensions"]["code"] == "NO_SUCH_POOL");
    CHECK(response["errors"][0]["path"] == json::parse(R"(["getObject"])"));
}

TEST_CASE("execution: operation selection by name", "[execution]") {
    Server server;
    const char* document =
        "query A { pool { name } } query B { isAllocated(id: 0) } mutation C { getObject }";
    CHECK(server.engine.run(document, nullptr, "B") ==
          json::parse(R"({"data":{"isAllocated":false}})"));
    CHECK(server.engine.run(document, nullptr, "C") == json::parse(R"({"data":{"getObject":0}})"));
    gql::Plan plan = server.engine.prepare(document, "C");
    CHECK(plan.document);
    CHECK(plan.operation_index == 2);
    CHECK(plan.operation_type == gql::OperationType::Mutation);
    CHECK(plan.errors.empty());

    plan = server.engine.prepare(document);
    CHECK_FALSE(plan.document);
    CHECK(
        plan.errors ==
        json::parse(
            R"([{"message":"Must provide operation name if query contains multiple operations."}])"));
    json response = server.engine.run(document, nullptr, "Z");
    CHECK(response == json::parse(R"({"errors":[{"message":"Unknown operation named \"Z\"."}]})"));
    CHECK(server.engine.run("{ pools { name } }", nullptr, "").contains("data"));
}

TEST_CASE("execution: variables are coerced, with defaults", "[execution]") {
    Server server;
    Engine& engine = server.engine;
    const char* query =
        "query($id: Int!, $pool: String = \"default\") { isAllocated(id: $id, pool: $pool) }";
    CHECK(engine.run(query, {{"id", 0}}) == json::parse(R"({"data":{"isAllocated":false}})"));
    CHECK(engine.run(query, {{"id", 0}, {"pool", "default"}}) ==
          json::parse(R"({"data":{"isAllocated":false}})"));
    CHECK(engine.run(query, {{"id", 2.0}})["data"]["isAllocated"] ==
          false);  // integral floats are Ints

    json response = engine.run(query, json::object());
    CHECK(
        response ==
        json::parse(
            R"({"errors":[{"message":"Variable \"$id\" of required type \"Int!\" was not provided.",
        "locations":[{"line":1,"column":7}]}]})"));
    CHECK(first_message(engine.run(query, {{"id", nullptr}})) ==
          "Variable \"$id\" of non-null type \"Int!\" must not be null.");
    CHECK(
        first_message(engine.run(query, {{"id", "7"}})) ==
        "Variable \"$id\" got invalid value \"7\"; Int cannot represent non-integer value: \"7\"");
    CHECK(first_message(engine.run(query, {{"id", 3000000000LL}})) ==
          "Variable \"$id\" got invalid value 3000000000; Int cannot represent non 32-bit signed "
          "integer value: 3000000000");
    CHECK(first_message(engine.run(query, {{"id", 1.5}})) ==
          "Variable \"$id\" got invalid value 1.5; Int cannot represent non-integer value: 1.5");
    CHECK(first_message(engine.run(query, json::array())) ==
          "Variables must be provided as a JSON object.");
    CHECK_FALSE(engine.run(query, {{"id", "7"}}).contains("data"));

    // An explicit null for a nullable variable with a default stays null.
    Zoo zoo;
    CHECK(
        zoo.engine.run("query($v: String = \"d\") { echo(value: $v) }",
                       {{"v", nullptr}})["data"]["echo"] ==
        R"({"day":null,"filter":null,"flag":null,"id":null,"list":null,"number":null,"ratio":null,"size":null,"value":null})");
}

TEST_CASE("execution: argument coercion of every input kind", "[execution]") {
    Zoo zoo;
    json response =
        zoo.engine.run(R"({ echo(value: "s", number: -5, ratio: 2, flag: true, id: 12, size: LARGE,
        list: 7, filter: {name: "x", sizes: SMALL, nested: {minLegs: 3}}, day: {any: [1, "literal"]}) })");
    json args = json::parse(response["data"]["echo"].get<std::string>());
    CHECK(args["value"] == "s");
    CHECK(args["number"] == -5);
    CHECK(args["ratio"] == 2.0);
    CHECK(args["flag"] == true);
    CHECK(args["id"] == "12");
    CHECK(args["size"] == "LARGE");
    CHECK(args["list"] == json::array({7}));  // a single item is coerced to a list
    CHECK(args["filter"] ==
          json::parse(R"({"name":"x","minLegs":0,"sizes":["SMALL"],"nested":{"minLegs":3}})"));
    CHECK(args["day"] == json::parse(R"({"any":[1,"literal"]})"));

    // Variables inside input objects and lists; input object variables get defaults.
    response =
        zoo.engine.run("query($f: Filter!, $n: Int) { echoInput(filter: $f) echo(list: [1, $n]) }",
                       {{"f", {{"name", "v"}, {"sizes", {"SMALL", "LARGE"}}}}});
    CHECK(json::parse(response["data"]["echoInput"].get<std::string>())["filter"] ==
          json::parse(R"({"name":"v","minLegs":0,"sizes":["SMALL","LARGE"]})"));
    CHECK(json::parse(response["data"]["echo"].get<std::string>())["list"] ==
          json::parse("[1,null]"));

    CHECK(first_message(zoo.engine.run("query($f: Filter!) { echoInput(filter: $f) }",
                                       {{"f", {{"bogus", 1}}}})) ==
          "Variable \"$f\" got invalid value {\"bogus\":1}; Field \"bogus\" is not defined by type "
          "\"Filter\".");
    CHECK(first_message(zoo.engine.run("query($f: Filter!) { echoInput(filter: $f) }",
                                       {{"f", {{"sizes", {"SMALL", "HUGE"}}}}})) ==
          "Variable \"$f\" got invalid value {\"sizes\":[\"SMALL\",\"HUGE\"]} at \"f.sizes[1]\"; "
          "Value \"HUGE\" does not "
          "exist in \"Size\" enum.");
}

TEST_CASE("execution: aliases, fragments, inline fragments and __typename", "[execution]") {
    Server server;
    json response = server.engine.run(R"(
        query { first: pool { ...Names kind: __typename } second: pool(name: "default") { ... on Pool { capacity } } }
        fragment Names on Pool { name policy })");
    CHECK(response ==
          json::parse(R"({"data":{"first":{"name":"default","policy":"FIFO","kind":"Pool"},
        "second":{"capacity":4}}})"));
}

TEST_CASE("execution: fields with one response key are merged", "[execution]") {
    Server server;
    json response = server.engine.run(
        "{ pool { name } pool { capacity } ... on Query { pool { name available } } }");
    CHECK(response ==
          json::parse(R"({"data":{"pool":{"name":"default","capacity":4,"available":4}}})"));
}

TEST_CASE("execution: @skip and @include, literal and variable", "[execution]") {
    Server server;
    const char* query = R"(query($yes: Boolean!) { pool {
        name @skip(if: true) capacity @include(if: false) policy @include(if: $yes) available @skip(if: $yes)
        ... on Pool @include(if: $yes) { allocated } ...F @skip(if: $yes) } } fragment F on Pool { name })";
    CHECK(server.engine.run(query, {{"yes", true}}) ==
          json::parse(R"({"data":{"pool":{"policy":"FIFO","allocated":0}}})"));
    CHECK(server.engine.run(query, {{"yes", false}}) ==
          json::parse(R"({"data":{"pool":{"available":4,"name":"default"}}})"));
    CHECK(server.engine.run("{ pool { name @skip(if: true) @include(if: true) capacity } }") ==
          json::parse(R"({"data":{"pool":{"capacity":4}}})"));
}

TEST_CASE("execution: interfaces and unions resolve through __typename", "[execution]") {
    Zoo zoo;
    json response = zoo.engine.run(
        R"({ animals { __typename name ... on Dog { barks } ... on Bird { wingspan } }
        residents { ... on Animal { legs } ... on Keeper { name since } } })");
    CHECK(response == json::parse(R"({"data":{
        "animals":[{"__typename":"Dog","name":"Rex","barks":true},{"__typename":"Bird","name":"Tweety","wingspan":0.25}],
        "residents":[{"legs":4},{"legs":2},{"name":"Ann","since":"2020-01-01"},null]}})"));
}

TEST_CASE("execution: null propagation follows non-null types", "[execution]") {
    Zoo zoo;
    json response = zoo.engine.run("{ maybe strict }");
    CHECK(response["data"].is_null());
    CHECK(response["errors"][0]["message"] ==
          "Cannot return null for non-nullable field Query.strict.");
    CHECK(response["errors"][0]["path"] == json::parse(R"(["strict"])"));

    response = zoo.engine.run("{ maybe strictList }");
    CHECK(response["data"] == json::parse(R"({"maybe":null,"strictList":null})"));
    CHECK(response["errors"][0]["path"] == json::parse(R"(["strictList",1])"));

    response = zoo.engine.run("{ nestedStrict { name since } items }");
    CHECK(response["data"] == json::parse(R"({"nestedStrict":null,"items":[1,2,3]})"));
    CHECK(response["errors"][0]["message"] ==
          "Cannot return null for non-nullable field Keeper.name.");
    CHECK(response["errors"][0]["path"] == json::parse(R"(["nestedStrict","name"])"));
    CHECK(response["errors"][0]["locations"] == json::parse(R"([{"line":1,"column":18}])"));

    response = zoo.engine.run("{ fail maybe }");
    CHECK(response["data"] == json::parse(R"({"fail":null,"maybe":null})"));
    CHECK(response["errors"][0] ==
          json::parse(R"({"message":"it broke","locations":[{"line":1,"column":3}],
        "path":["fail"],"extensions":{"code":"BROKEN"}})"));

    response = zoo.engine.run("{ failStrict }");
    CHECK(response["data"].is_null());
    CHECK(response["errors"].size() == 1);  // one error, not a second "cannot return null"
    CHECK(response["errors"][0]["message"] == "plain failure");
    CHECK_FALSE(response["errors"][0].contains("extensions"));
}

TEST_CASE("execution: result coercion errors", "[execution]") {
    Zoo zoo;
    json response = zoo.engine.run("{ big wrongEnum number number2: number(of: 9) }");
    CHECK(response["data"] ==
          json::parse(R"({"big":null,"wrongEnum":null,"number":3,"number2":9})"));
    CHECK(
        messages(response) ==
        std::vector<std::string>{"Int cannot represent non 32-bit signed integer value: 3000000000",
                                 "Enum \"Size\" cannot represent value: \"HUGE\""});
    CHECK(response["errors"][1]["path"] == json::parse(R"(["wrongEnum"])"));
}

TEST_CASE("execution: mutation root fields run serially in document order", "[execution]") {
    Zoo zoo;
    json response = zoo.engine.run(
        R"(mutation { a: step(tag: "1") ...F c: step(tag: "3") } fragment F on Mutation { b: step(tag: "2") })");
    CHECK(zoo.log == std::vector<std::string>{"1", "2", "3"});
    CHECK(response["data"]["c"] == json::parse(R"(["1","2","3"])"));
    CHECK(response["data"]["a"] == json::parse(R"(["1"])"));
}

TEST_CASE("execution: ordered output follows the selection order", "[execution]") {
    Server server;
    nlohmann::ordered_json response =
        server.engine.run_ordered("{ pool { name capacity allocated available } }");
    CHECK(response.dump() ==
          R"({"data":{"pool":{"name":"default","capacity":4,"allocated":0,"available":4}}})");
    response =
        server.engine.run_ordered("{ pool { zeta: name alpha: capacity } isAllocated(id: 99) }");
    CHECK(response.dump().rfind(R"({"data":null,"errors":[{"message":"id out of range")", 0) == 0);
    gql::Plan plan = server.engine.prepare("{ b: pools { name } a: pool { name } }");
    CHECK(server.engine.execute_ordered(plan, nullptr).dump() ==
          R"({"data":{"b":[{"name":"default"}],"a":{"name":"default"}}})");
}

TEST_CASE("execution: execute() of a failed plan returns its errors", "[execution]") {
    Server server;
    gql::Plan plan = server.engine.prepare("{ nope }");
    CHECK_FALSE(plan.document);
    json response = server.engine.execute(plan, nullptr);
    CHECK(response.size() == 1);
    CHECK(first_message(response) == "Cannot query field \"nope\" on type \"Query\".");
}
