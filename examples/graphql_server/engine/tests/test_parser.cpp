// Parser for executable documents: every construct, and syntax errors with locations.
#include <objpool_catch.hpp>

#include "parser.hpp"

using namespace gql::detail;

namespace {

Document parse(std::string_view source) {
    return parse_executable(source, 10'000, 64);
}

SyntaxError parse_error(std::string_view source, std::size_t max_nesting = 64) {
    try {
        parse_executable(source, 10'000, max_nesting);
    } catch (const SyntaxError& error) {
        return error;
    }
    FAIL("expected a syntax error for: " << source);
    return SyntaxError("", {});
}

}  // namespace

TEST_CASE("parser: shorthand, anonymous and named operations", "[parser]") {
    Document document =
        parse("{ a } query { b } query Q { c } mutation M { d } subscription S { e }");
    REQUIRE(document.operations.size() == 5);
    CHECK(document.operations[0].type == gql::OperationType::Query);
    CHECK(document.operations[0].name.empty());
    CHECK(document.operations[1].name.empty());
    CHECK(document.operations[2].name == "Q");
    CHECK(document.operations[3].type == gql::OperationType::Mutation);
    CHECK(document.operations[4].type == gql::OperationType::Subscription);
    CHECK(document.operations[4].selections[0].name == "e");
}

TEST_CASE("parser: variable definitions with types, defaults and directives", "[parser]") {
    Document document = parse("query Q($a: Int = 1, $b: [String!]!, $c: [[Int]] @dir) { x }");
    const auto& variables = document.operations[0].variables;
    REQUIRE(variables.size() == 3);
    CHECK(variables[0].name == "a");
    CHECK(variables[0].type.to_string() == "Int");
    REQUIRE(variables[0].default_value);
    CHECK(variables[0].default_value->text == "1");
    CHECK(variables[1].type.to_string() == "[String!]!");
    CHECK(variables[1].type.wrappers ==
          std::vector<Wrapper>{Wrapper::NonNull, Wrapper::List, Wrapper::NonNull});
    CHECK(variables[2].type.to_string() == "[[Int]]");
    CHECK(variables[2].directives.size() == 1);
    CHECK(variables[1].location.column == 22);
}

TEST_CASE("parser: fields, aliases, arguments of every literal kind", "[parser]") {
    Document document =
        parse(R"({ alias: field(i: -3, f: 1.5e3, s: "str", b: """block""", t: true, n: null,
        e: ENUM_V, l: [1, [2]], o: {x: 1, y: {z: $v}}, v: $var) })");
    const Selection& field = document.operations[0].selections[0];
    CHECK(field.alias == "alias");
    CHECK(field.name == "field");
    CHECK(field.response_key() == "alias");
    const auto& a = field.arguments;
    REQUIRE(a.size() == 10);
    CHECK(a[0].value.kind == Value::Kind::Int);
    CHECK(a[0].value.text == "-3");
    CHECK(a[1].value.kind == Value::Kind::Float);
    CHECK(a[2].value.kind == Value::Kind::String);
    CHECK(a[3].value.text == "block");
    CHECK(a[4].value.kind == Value::Kind::Boolean);
    CHECK(a[4].value.boolean);
    CHECK(a[5].value.kind == Value::Kind::Null);
    CHECK(a[6].value.kind == Value::Kind::Enum);
    CHECK(a[7].value.kind == Value::Kind::List);
    CHECK(a[7].value.list[1].list[0].text == "2");
    CHECK(a[8].value.kind == Value::Kind::Object);
    CHECK(a[8].value.fields[1].value.fields[0].value.kind == Value::Kind::Variable);
    CHECK(a[8].value.has_variables);
    CHECK_FALSE(a[7].value.has_variables);
    CHECK(a[9].value.text == "var");
    CHECK(print_value(a[8].value) == "{x: 1, y: {z: $v}}");
}

TEST_CASE("parser: fragments, inline fragments and directives", "[parser]") {
    Document document = parse(R"(
        query { ...F @skip(if: true) ... on T { a } ... @include(if: false) { b } ... { c } }
        fragment F on T @dir { d })");
    const auto& selections = document.operations[0].selections;
    REQUIRE(selections.size() == 4);
    CHECK(selections[0].kind == Selection::Kind::FragmentSpread);
    CHECK(selections[0].name == "F");
    CHECK(selections[0].directives[0].name == "skip");
    CHECK(selections[1].kind == Selection::Kind::InlineFragment);
    CHECK(selections[1].type_condition == "T");
    CHECK(selections[2].type_condition.empty());
    CHECK(selections[2].directives[0].name == "include");
    CHECK(selections[3].selections[0].name == "c");
    REQUIRE(document.fragments.size() == 1);
    CHECK(document.fragments[0].name == "F");
    CHECK(document.fragments[0].type_condition == "T");
    CHECK(document.fragments[0].directives.size() == 1);
    CHECK(document.fragments[0].location.line == 3);
}

TEST_CASE("parser: type system definitions are kept for validation to reject", "[parser]") {
    Document document = parse(
        "{ a } type Foo { x: Int } \"desc\" scalar S directive @d on FIELD schema { query: Q }");
    REQUIRE(document.foreign_definitions.size() == 4);
    CHECK(document.foreign_definitions[0].description == "Foo");
    CHECK(document.foreign_definitions[0].location.column == 7);
    CHECK(document.foreign_definitions[2].description == "@d");
    CHECK(document.foreign_definitions[3].description == "schema");
}

TEST_CASE("parser: syntax errors carry message and location", "[parser]") {
    SyntaxError error = parse_error("{ a(x: ) }");
    CHECK(std::string(error.what()) == "Syntax Error: Unexpected \")\".");
    CHECK(error.location().line == 1);
    CHECK(error.location().column == 8);

    error = parse_error("query {\n  a\n");
    CHECK(std::string(error.what()) == "Syntax Error: Expected Name, found <EOF>.");
    CHECK(error.location().line == 3);

    CHECK(std::string(parse_error("{ }").what()) == "Syntax Error: Expected Name, found \"}\".");
    CHECK(std::string(parse_error("").what()) == "Syntax Error: Unexpected <EOF>.");
    CHECK(std::string(parse_error("fragment on on T { a }").what()) ==
          "Syntax Error: Unexpected Name \"on\".");
    CHECK(std::string(parse_error("query Q($a: Int = $b) { a }").what()) ==
          "Syntax Error: Unexpected variable \"$b\" in constant value.");
    CHECK(std::string(parse_error("query Q($a: [Int) { a }").what()) ==
          "Syntax Error: Expected \"]\", found \")\".");
    CHECK(std::string(parse_error("{ a } garbage").what()) ==
          "Syntax Error: Unexpected Name \"garbage\".");
    CHECK(std::string(parse_error("{ a(x: 1 x: 2 }").what()) ==
          "Syntax Error: Expected Name, found \"}\".");
}

TEST_CASE("parser: nesting is bounded without recursion blowing the stack", "[parser]") {
    std::string braces = "{";
    for (int i = 0; i < 10'000; ++i)
        braces += "a{";
    CHECK(std::string(parse_error(braces, 64).what()) ==
          "Syntax Error: Document nesting exceeds the limit of 64.");
    std::string lists = "{ a(x: " + std::string(5'000, '[') + "1" + std::string(5'000, ']') + ") }";
    CHECK(std::string(parse_error(lists, 64).what()) ==
          "Syntax Error: Document nesting exceeds the limit of 64.");
    std::string objects = "{ a(x: ";
    for (int i = 0; i < 3'000; ++i)
        objects += "{a: ";
    CHECK(std::string(parse_error(objects, 64).what()) ==
          "Syntax Error: Document nesting exceeds the limit of 64.");
    std::string types =
        "query($v: " + std::string(5'000, '[') + "Int" + std::string(5'000, ']') + ") { a }";
    CHECK(std::string(parse_error(types, 64).what()) ==
          "Syntax Error: Document nesting exceeds the limit of 64.");
}

TEST_CASE("parser: SDL documents", "[parser][sdl]") {
    TypeSystemDocument document = parse_type_system(R"(
        "The schema" schema @a { query: Q mutation: M }
        """Block description"""
        type Q implements & I & J @b { "field doc" f(a: Int = 1 @c, b: [S!]!): String @deprecated }
        interface I { x: Int }
        union U = | A | B
        enum E { ONE "two" TWO @deprecated(reason: "no") }
        input In { a: Int = 3, b: In }
        scalar S @specifiedBy(url: "u")
        directive @c(x: Int) repeatable on ARGUMENT_DEFINITION | FIELD
        extend type Q { g: Int }
    )");
    REQUIRE(document.schemas.size() == 1);
    CHECK(document.schemas[0].description == "The schema");
    CHECK(document.schemas[0].root_types.size() == 2);
    REQUIRE(document.types.size() == 7);
    const TypeDefinitionNode& q = document.types[0];
    CHECK(q.description == "Block description");
    CHECK(q.interfaces.size() == 2);
    CHECK(q.fields[0].description == "field doc");
    CHECK(q.fields[0].arguments[0].default_value->text == "1");
    CHECK(q.fields[0].arguments[1].type.to_string() == "[S!]!");
    CHECK(document.types[2].members.size() == 2);
    CHECK(document.types[3].enum_values[1].description == "two");
    CHECK(document.types[4].input_fields.size() == 2);
    CHECK(document.types[6].is_extension);
    REQUIRE(document.directives.size() == 1);
    CHECK(document.directives[0].repeatable);
    CHECK(document.directives[0].locations.size() == 2);
    CHECK_THROWS_AS(parse_type_system("{ a }"), SyntaxError);
    CHECK_THROWS_WITH(parse_type_system("enum E { true }"),
                      "Syntax Error: Enum value cannot be \"true\".");
}
