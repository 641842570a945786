// Introspection: the full introspection query (as graphql-js's getIntrospectionQuery with
// every option on) and a schema printer rebuilt from its result, __type, enum values,
// default values, deprecation, and validation of introspection selections.
#include <objpool_catch.hpp>

#include <sstream>

#include "fixtures.hpp"

using gql::Engine;
using nlohmann::json;

namespace {

const char* const kIntrospectionQuery = R"(
query IntrospectionQuery {
  __schema {
    description
    queryType { name }
    mutationType { name }
    subscriptionType { name }
    types { ...FullType }
    directives {
      name
      description
      isRepeatable
      locations
      args(includeDeprecated: true) { ...InputValue }
    }
  }
}
fragment FullType on __Type {
  kind
  name
  description
  specifiedByURL
  fields(includeDeprecated: true) {
    name
    description
    args(includeDeprecated: true) { ...InputValue }
    type { ...TypeRef }
    isDeprecated
    deprecationReason
  }
  inputFields(includeDeprecated: true) { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue {
  name
  description
  type { ...TypeRef }
  defaultValue
  isDeprecated
  deprecationReason
}
fragment TypeRef on __Type {
  kind
  name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name
    ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }
}
)";

// A type reference from its introspection form, e.g. [Pool!]!.
std::string type_name(const json& type) {
    if (type["kind"] == "NON_NULL")
        return type_name(type["ofType"]) + "!";
    if (type["kind"] == "LIST")
        return "[" + type_name(type["ofType"]) + "]";
    return type["name"].get<std::string>();
}

std::string print_arguments(const json& arguments) {
    if (arguments.empty())
        return "";
    std::string out = "(";
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        const json& argument = arguments[i];
        out += (i ? ", " : "") + argument["name"].get<std::string>() + ": " +
               type_name(argument["type"]);
        if (!argument["defaultValue"].is_null())
            out += " = " + argument["defaultValue"].get<std::string>();
    }
    return out + ")";
}

// What buildClientSchema + printSchema would print for the user-defined types.
std::string print_schema(const json& schema) {
    std::ostringstream out;
    for (const json& type : schema["types"]) {
        const std::string name = type["name"];
        if (name.rfind("__", 0) == 0 || name == "Int" || name == "Float" || name == "String" ||
            name == "Boolean" || name == "ID")
            continue;
        if (type["kind"] == "ENUM") {
            out << "enum " << name << " {\n";
            for (const json& value : type["enumValues"])
                out << "  " << value["name"].get<std::string>() << "\n";
        } else if (type["kind"] == "OBJECT") {
            out << "type " << name << " {\n";
            for (const json& field : type["fields"])
                out << "  " << field["name"].get<std::string>() << print_arguments(field["args"])
                    << ": " << type_name(field["type"]) << "\n";
        } else {
            out << "# unexpected kind " << type["kind"] << "\n";
        }
        out << "}\n\n";
    }
    return out.str();
}

json run_ok(const Engine& engine, const std::string& query) {
    json response = engine.run(query);
    INFO(response.dump());
    REQUIRE_FALSE(response.contains("errors"));
    return response["data"];
}

}  // namespace

TEST_CASE("introspection: the full introspection query rebuilds the server schema",
          "[introspection]") {
    Engine engine(gql_test::kServerSchema);
    json schema = run_ok(engine, kIntrospectionQuery)["__schema"];
    CHECK(schema["queryType"] == json{{"name", "Query"}});
    CHECK(schema["mutationType"] == json{{"name", "Mutation"}});
    CHECK(schema["subscriptionType"].is_null());
    CHECK(schema["description"].is_null());
    CHECK(print_schema(schema) == R"(enum Policy {
  FIFO
  LIFO
  BITMAP
}

type Pool {
  name: String!
  policy: Policy!
  capacity: Int!
  available: Int!
  allocated: Int!
}

type Query {
  pool(name: String! = "default"): Pool
  pools: [Pool!]!
  isAllocated(id: Int!, pool: String! = "default"): Boolean!
}

type Mutation {
  createPool(name: String!, capacity: Int!, policy: Policy! = FIFO): Pool!
  deletePool(name: String!): Boolean!
  getObject(pool: String! = "default"): Int
  freeObject(id: Int!, pool: String! = "default"): Boolean!
}

)");
}

TEST_CASE("introspection: types, kinds and ofType chains", "[introspection]") {
    Engine engine(gql_test::kServerSchema);
    json schema = run_ok(engine, kIntrospectionQuery)["__schema"];
    std::map<std::string, json> types;
    for (const json& type : schema["types"])
        types[type["name"]] = type;
    for (const char* name : {"Int", "Float", "String", "Boolean", "ID"})
        CHECK(types[name]["kind"] == "SCALAR");
    for (const char* name :
         {"__Schema", "__Type", "__Field", "__InputValue", "__EnumValue", "__Directive"})
        CHECK(types[name]["kind"] == "OBJECT");
    CHECK(types["__TypeKind"]["kind"] == "ENUM");
    CHECK(types["__DirectiveLocation"]["enumValues"].size() == 19);
    CHECK(types["Pool"]["interfaces"] == json::array());
    CHECK(types["Pool"]["possibleTypes"].is_null());
    CHECK(types["Pool"]["inputFields"].is_null());
    CHECK(types["Policy"]["fields"].is_null());
    const json& pools = types["Query"]["fields"][1];
    CHECK(pools["type"] ==
          json::parse(R"({"kind":"NON_NULL","name":null,"ofType":{"kind":"LIST","name":null,
        "ofType":{"kind":"NON_NULL","name":null,"ofType":{"kind":"OBJECT","name":"Pool","ofType":null}}}})"));
    CHECK(pools["isDeprecated"] == false);
    CHECK(pools["deprecationReason"].is_null());
    CHECK(types["Int"]["description"].get<std::string>().find("32") ==
          std::string::npos);  // says 2^31
    CHECK(types["Int"]["specifiedByURL"].is_null());
}

TEST_CASE("introspection: directives with locations and arguments", "[introspection]") {
    Engine engine(gql_test::kServerSchema);
    json schema = run_ok(engine, kIntrospectionQuery)["__schema"];
    std::map<std::string, json> directives;
    for (const json& directive : schema["directives"])
        directives[directive["name"]] = directive;
    REQUIRE(directives.size() == 4);
    CHECK(directives["skip"]["locations"] ==
          json::parse(R"(["FIELD","FRAGMENT_SPREAD","INLINE_FRAGMENT"])"));
    CHECK(directives["skip"]["isRepeatable"] == false);
    CHECK(directives["skip"]["args"][0]["name"] == "if");
    CHECK(directives["include"]["args"][0]["type"]["kind"] == "NON_NULL");
    CHECK(directives["deprecated"]["args"][0]["defaultValue"] == "\"No longer supported\"");
    CHECK(directives["deprecated"]["locations"].size() == 4);
    CHECK(directives["specifiedBy"]["locations"] == json::parse(R"(["SCALAR"])"));
    CHECK(directives["specifiedBy"]["description"].is_string());
}

TEST_CASE("introspection: __type, enum values and default values", "[introspection]") {
    Engine engine(gql_test::kServerSchema);
    json data = run_ok(engine, R"({
        policy: __type(name: "Policy") { kind name enumValues { name isDeprecated } }
        missing: __type(name: "Nope") { name }
        mutation: __type(name: "Mutation") { fields { name args { name defaultValue } } }
        __typename })");
    CHECK(data["policy"] == json::parse(R"({"kind":"ENUM","name":"Policy","enumValues":[
        {"name":"FIFO","isDeprecated":false},{"name":"LIFO","isDeprecated":false},{"name":"BITMAP","isDeprecated":false}]})"));
    CHECK(data["missing"].is_null());
    CHECK(data["mutation"]["fields"][0] == json::parse(R"({"name":"createPool","args":[
        {"name":"name","defaultValue":null},{"name":"capacity","defaultValue":null},{"name":"policy","defaultValue":"FIFO"}]})"));
    CHECK(data["mutation"]["fields"][2]["args"][0]["defaultValue"] == "\"default\"");
    CHECK(data["__typename"] == "Query");
}

TEST_CASE("introspection: deprecation, descriptions, abstract types, inputs, specifiedBy",
          "[introspection]") {
    Engine engine(gql_test::kZooSchema);
    json data = run_ok(engine, R"({
        size: __type(name: "Size") { shown: enumValues { name } all: enumValues(includeDeprecated: true) {
            name isDeprecated deprecationReason } }
        query: __type(name: "Query") { shown: fields { name } all: fields(includeDeprecated: true) {
            name isDeprecated deprecationReason } }
        animal: __type(name: "Animal") { kind possibleTypes { name } fields { name } }
        resident: __type(name: "Resident") { kind possibleTypes { name } }
        dog: __type(name: "Dog") { interfaces { name } }
        filter: __type(name: "Filter") { kind inputFields { name defaultValue type { name kind ofType { name } } } }
        date: __type(name: "Date") { kind description specifiedByURL }
    })");
    CHECK(data["size"]["shown"] == json::parse(R"([{"name":"SMALL"},{"name":"LARGE"}])"));
    CHECK(data["size"]["all"][2] ==
          json::parse(R"({"name":"OLD","isDeprecated":true,"deprecationReason":"use LARGE"})"));
    bool old_shown = false;
    for (const json& field : data["query"]["shown"])
        old_shown = old_shown || field["name"] == "old";
    CHECK_FALSE(old_shown);
    bool old_listed = false;
    for (const json& field : data["query"]["all"])
        if (field["name"] == "old") {
            old_listed = true;
            CHECK(field["deprecationReason"] == "No longer supported");
        }
    CHECK(old_listed);
    CHECK(data["animal"]["kind"] == "INTERFACE");
    CHECK(data["animal"]["possibleTypes"] == json::parse(R"([{"name":"Dog"},{"name":"Bird"}])"));
    CHECK(data["resident"]["possibleTypes"].size() == 3);
    CHECK(data["dog"]["interfaces"] == json::parse(R"([{"name":"Animal"}])"));
    CHECK(data["filter"]["kind"] == "INPUT_OBJECT");
    CHECK(
        data["filter"]["inputFields"][1] ==
        json::parse(
            R"({"name":"minLegs","defaultValue":"0","type":{"name":"Int","kind":"SCALAR","ofType":null}})"));
    CHECK(data["filter"]["inputFields"][2]["type"]["kind"] == "LIST");
    CHECK(data["date"] == json::parse(R"({"kind":"SCALAR","description":"A point in time.",
        "specifiedByURL":"https://example.com/date"})"));
}

TEST_CASE("introspection: selections on introspection types are validated", "[introspection]") {
    Engine engine(gql_test::kServerSchema);
    CHECK(gql_test::first_message(engine.run("{ __schema { nope } }")) ==
          "Cannot query field \"nope\" on type \"__Schema\".");
    CHECK(gql_test::first_message(engine.run("{ __type { name } }")) ==
          "Field \"__type\" argument \"name\" of type \"String!\" is required, but it was not "
          "provided.");
    CHECK(gql_test::first_message(engine.run("{ __type(name: \"Pool\") { kind(x: 1) } }")) ==
          "Unknown argument \"x\" on field \"__Type.kind\".");
    CHECK(gql_test::first_message(engine.run("{ __schema }")) ==
          "Field \"__schema\" of type \"__Schema!\" must have a selection of subfields. Did you "
          "mean \"__schema { ... }\"?");
    CHECK(gql_test::first_message(engine.run("mutation { __schema { description } }")) ==
          "Cannot query field \"__schema\" on type \"Mutation\".");
    CHECK(gql_test::first_message(
              engine.run("{ __type(name: \"Pool\") { fields(includeDeprecated: 1) { name } } }")) ==
          "Boolean cannot represent a non boolean value: 1");
    json data = run_ok(engine, "{ __type(name: \"__TypeKind\") { enumValues { name } } }");
    CHECK(data["__type"]["enumValues"].size() == 8);
}
