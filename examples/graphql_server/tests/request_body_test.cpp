#include <objpool_catch.hpp>

#include <string>

#include <nlohmann/json.hpp>

#include "request_body.hpp"

using namespace objpool_graphql;
using nlohmann::json;

TEST_CASE("read_simple_request reads the usual request bodies exactly as a JSON parser does",
          "[request_body]") {
    const char* bodies[] = {
        R"({"query":"{ pool { available } }"})",
        R"({"query":"mutation { getObject(pool: \"bench\") }"})",
        R"( { "query" : "q\\\/\b\f\n\r\t" , "variables" : null , "operationName" : null } )",
        R"({"operationName":"A","variables":{"id":7,"s":"}]\"{"},"query":"query A { pools { name } }"})",
        "{\"query\":\"{ pools { name } }\",\n\"variables\":{\"a\":[1,{\"b\":[]}]}}\r\n",
        R"({"query":""})",
    };
    for (const char* body : bodies) {
        INFO(body);
        SimpleRequest simple;
        REQUIRE(read_simple_request(body, simple));
        const json parsed = json::parse(body);
        CHECK(simple.query == parsed.at("query").get<std::string>());
        const json variables = parsed.value("variables", json());
        CHECK((simple.variables_json.empty() ? json() : json::parse(simple.variables_json)) ==
              variables);
        const json name = parsed.value("operationName", json());
        CHECK(simple.operation_name ==
              (name.is_string() ? name.get<std::string>() : std::string()));
    }
}

TEST_CASE("read_simple_request leaves everything else to the JSON parser", "[request_body]") {
    const char* bodies[] = {
        "",
        "{}",
        "[]",
        R"({"variables":{}})",                  // no query
        R"({"query":1})",                       // not a string
        R"({"query":"a","query":"b"})",         // repeated member
        R"({"query":"a","extensions":{}})",     // another member
        R"({"query":"\u0041"})",                // \u escape
        R"({"query":"\x"})",                    // invalid escape
        "{\"query\":\"caf\xc3\xa9\"}",          // non-ASCII
        "{\"query\":\"a\tb\"}",                 // raw control character
        R"({"query":"a"} x)",                   // trailing text
        R"({"query":"a",})",                    // trailing comma
        R"({"query":"a")",                      // unterminated object
        R"({"query":"a)",                       // unterminated string
        R"({"query":"a","variables":[1]})",     // variables not an object
        R"({"query":"a","variables":{"a":1})",  // unbalanced
        R"({"query":"a","operationName":5})",   // operationName not a string
        R"({"query":"a","variables":nul})",     // misspelt null
        R"({'query':"a"})",                     // not JSON
    };
    for (const char* body : bodies) {
        INFO(body);
        SimpleRequest simple;
        CHECK_FALSE(read_simple_request(body, simple));
    }
}
