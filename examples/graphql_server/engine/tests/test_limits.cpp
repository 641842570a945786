// Limits: oversized documents, token counts, depth (fragments expanded), deep nesting and
// costly merging are request errors, never crashes.
#include <objpool_catch.hpp>

#include <chrono>

#include "fixtures.hpp"

using gql::Engine;
using gql::Limits;
using gql_test::first_message;
using nlohmann::json;

namespace {

Limits limits(std::size_t bytes, std::size_t tokens, std::size_t depth) {
    Limits out;
    out.max_query_bytes = bytes;
    out.max_tokens = tokens;
    out.max_depth = depth;
    return out;
}

}  // namespace

TEST_CASE("limits: documents longer than max_query_bytes are refused", "[limits]") {
    Engine engine(gql_test::kServerSchema, limits(20, 100, 10));
    CHECK(engine.run("{ pools { name } }").contains("data"));
    json response = engine.run("{ pools { name policy } }");
    CHECK(
        response ==
        json::parse(
            R"({"errors":[{"message":"Query is too large: 25 bytes exceeds the limit of 20."}]})"));
    CHECK(engine.cached_documents() == 1);  // the refused text was not cached
}

TEST_CASE("limits: more than max_tokens tokens is a syntax error with a location", "[limits]") {
    Engine engine(gql_test::kServerSchema, limits(100'000, 6, 10));
    CHECK(engine.run("{ pools { name } }").contains("data"));  // 6 tokens
    json response = engine.run("{ pools { name policy } }");
    CHECK(first_message(response) == "Syntax Error: Document contains more than 6 tokens.");
    CHECK(gql_test::first_location(response) == std::make_pair(1, 25));
}

TEST_CASE("limits: depth counts nested fields with fragments expanded", "[limits]") {
    Engine engine(gql_test::kServerSchema, limits(100'000, 10'000, 3));
    CHECK(engine.run("{ __schema { types { name } } }").contains("data"));
    CHECK(first_message(engine.run("{ __schema { types { fields { name } } } }")) ==
          "Query is nested too deeply: depth 4 exceeds the limit of 3.");
    CHECK(first_message(engine.run("{ __schema { ...S } } fragment S on __Schema { types { ... on "
                                   "__Type { fields { name } } } }")) ==
          "Query is nested too deeply: depth 4 exceeds the limit of 3.");
}

TEST_CASE("limits: 10,000 nested braces or brackets are errors, not stack overflows", "[limits]") {
    Engine engine(gql_test::kServerSchema);
    std::string braces = "{";
    for (int i = 0; i < 10'000; ++i)
        braces += "a{";
    CHECK(first_message(engine.run(braces)).rfind("Syntax Error:", 0) == 0);
    std::string brackets =
        "{ pool(name: " + std::string(10'000, '[') + std::string(10'000, ']') + ") { name } }";
    CHECK(first_message(engine.run(brackets)).rfind("Syntax Error: Document nesting exceeds", 0) ==
          0);
    std::string lists = "query($v: " + std::string(20'000, '[') + "Int" + std::string(20'000, ']') +
                        ") { pools { name } }";
    Limits wide = limits(1'000'000, 100'000, 32);
    Engine generous(gql_test::kServerSchema, wide);
    CHECK(first_message(generous.run(lists)).rfind("Syntax Error: Document nesting exceeds", 0) ==
          0);
    CHECK(first_message(generous.run(braces)).rfind("Syntax Error: Document nesting exceeds", 0) ==
          0);
}

TEST_CASE("limits: a huge document of many tokens is refused", "[limits]") {
    Engine engine(gql_test::kServerSchema);
    std::string huge(5'000'000, ' ');
    huge[0] = '{';
    CHECK(first_message(engine.run(huge)).rfind("Query is too large", 0) == 0);
    std::string many = "{";
    while (many.size() < 90'000)
        many += " a";
    many += " }";
    CHECK(first_message(engine.run(many)) ==
          "Syntax Error: Document contains more than 10000 tokens.");
}

TEST_CASE("limits: hostile fragment fan-out and field repetition stay cheap", "[limits]") {
    Engine engine(gql_test::kServerSchema);
    gql_test::FakePools pools;
    pools.bind(engine);
    // Each fragment spreads the next twice: 2^30 paths if expanded naively.
    std::string fan_out = "{ ...F0 }";
    for (int i = 0; i < 30; ++i)
        fan_out += " fragment F" + std::to_string(i) + " on Query { ...F" + std::to_string(i + 1) +
                   " ...F" + std::to_string(i + 1) + " }";
    fan_out += " fragment F30 on Query { pools { name } }";
    auto start = std::chrono::steady_clock::now();
    json response = engine.run(fan_out);
    CHECK(response["data"]["pools"][0]["name"] == "default");
    std::string repeated = "{";
    for (int i = 0; i < 2'000; ++i)
        repeated += " a: __typename";
    repeated += " }";
    response = engine.run(repeated);
    CHECK(first_message(response) == "The query is too complex to validate.");
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
    // A long chain of fragments is bounded too.
    std::string chain = "{ ...C0 }";
    for (int i = 0; i < 1'000; ++i)
        chain +=
            " fragment C" + std::to_string(i) + " on Query { ...C" + std::to_string(i + 1) + " }";
    chain += " fragment C1000 on Query { __typename }";
    Engine generous(gql_test::kServerSchema, limits(1'000'000, 100'000, 32));
    CHECK(first_message(generous.run(chain)).rfind("Query is nested too deeply", 0) == 0);
}
