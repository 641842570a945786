// Hostile input through RequestHandler (no sockets): every request gets a 4xx or a GraphQL error
// and leaves the default pool as it was. The transport's part (slow clients, oversized bodies
// on the wire) is in e2e/hostile.test.mjs.
#include <objpool_catch.hpp>

#include <string>

#include <gql/engine.hpp>
#include <nlohmann/json.hpp>

#include "http_handler.hpp"
#include "memory_store.hpp"
#include "metrics.hpp"
#include "request_checks.hpp"
#include "request_json.hpp"
#include "resolvers.hpp"
#include "schema_text.hpp"

using namespace objpool_graphql;
using nlohmann::json;

namespace {

struct HostileFixture {
    gql::Engine engine{schema_sdl()};
    store::MemoryStore pools{1000};
    Metrics metrics;
    RequestHandler handler{engine, pools, metrics, HandlerOptions{4 * 1024 * 1024}};

    HostileFixture() {
        pools.create("default", 10, store::Policy::Fifo);
        bind_resolvers(engine, pools, metrics);
        (void)pools.get("default");  // one id out, so "unchanged" is not just "empty"
    }

    HttpResponse post(std::string body) {
        body_ = std::move(body);
        HttpRequest request{"POST", "/graphql", {{"Content-Type", "application/json"}}, body_};
        return handler.handle(request);
    }

    HttpResponse get(std::string target) {
        body_ = std::move(target);
        HttpRequest request{"GET", body_, {}, {}};
        return handler.handle(request);
    }

    // A 4xx, or a 200 whose body is {"errors": [...]} without data.
    static bool is_refused(const HttpResponse& response) {
        if (response.status >= 400 && response.status < 500)
            return true;
        if (response.status != 200)
            return false;
        const auto body = json::parse(response.body, nullptr, false);
        return body.is_object() && body.contains("errors") && !body.contains("data");
    }

    void check_pool_unchanged() {
        const auto stats = pools.stats("default");
        CHECK(stats->allocated == 1);
        CHECK(stats->available == 9);
    }

private:
    std::string body_;
};

std::string nested(const std::string& open, const std::string& inner, const std::string& close,
                   std::size_t depth) {
    std::string out;
    out.reserve(depth * (open.size() + close.size()) + inner.size());
    for (std::size_t i = 0; i < depth; ++i)
        out += open;
    out += inner;
    for (std::size_t i = 0; i < depth; ++i)
        out += close;
    return out;
}

}  // namespace

TEST_CASE("client JSON: one text, nesting bounded", "[handler][hostile]") {
    boost::json::value value;
    CHECK(parse_client_json(R"({"a":[1,{"b":null}]})", value) == JsonError::none);
    CHECK(value.at("a").at(1).at("b").is_null());
    CHECK(parse_client_json(nested("[", "", "]", max_json_depth), value) == JsonError::none);
    CHECK(parse_client_json(nested("[", "", "]", max_json_depth + 1), value) ==
          JsonError::too_deep);
    CHECK(parse_client_json(std::string(100000, '['), value) == JsonError::too_deep);
    // Brackets inside strings are not nesting.
    CHECK(parse_client_json(nested("[", "\"[[[[\"", "]", max_json_depth), value) ==
          JsonError::none);
    using namespace std::string_literals;
    for (const std::string& bad : {"{} {}"s, "{}x"s, "{}\0"s, "{\"a\":\0 1}"s, "\"a\0b\""s,
                                   "{\"a\":1,}"s, "\"\xFF\""s, ""s, "]]]}}"s}) {
        CAPTURE(bad);
        CHECK(parse_client_json(bad, value) == JsonError::invalid);
    }
}

TEST_CASE("client JSON: converted to the engine's values", "[handler]") {
    boost::json::value value;
    REQUIRE(parse_client_json(
                R"({"i":-3,"u":18446744073709551615,"d":1.5,"s":"\u00e9","t":true,"n":null,)"
                R"("a":[1,"x"],"o":{"k":{}},"dup":1,"dup":2})",
                value) == JsonError::none);
    const auto json = to_nlohmann(value);
    CHECK(json.at("i").get<long long>() == -3);
    CHECK(json.at("u").is_number_unsigned());
    CHECK(json.at("u").get<unsigned long long>() == 18446744073709551615ULL);
    CHECK(json.at("d").get<double>() == 1.5);
    CHECK(json.at("s").get<std::string>() == "\xC3\xA9");
    CHECK(json.at("t").get<bool>());
    CHECK(json.at("n").is_null());
    CHECK(json.at("a") == nlohmann::json::array({1, "x"}));
    CHECK(json.at("o").at("k") == nlohmann::json::object());
    CHECK(json.at("dup").get<int>() == 2);  // the last of duplicate names, as nlohmann::json
}

TEST_CASE("request checks: UTF-8", "[handler][hostile]") {
    CHECK(is_valid_utf8(""));
    CHECK(is_valid_utf8("plain ascii"));
    CHECK(is_valid_utf8("\xC3\xA9t\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF"));
    for (const char* bad : {"\xFF", "\xC3", "\xC0\x80", "\xC1\xBF", "\xE0\x80\x80", "\xED\xA0\x80",
                            "\xF0\x80\x80\x80", "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\x80",
                            "a\xE2\x82", "\xE2\x28\xA1"}) {
        CAPTURE(std::string(bad));
        CHECK_FALSE(is_valid_utf8(bad));
    }
}

TEST_CASE("hostile: deep JSON in the body and in GET variables gets 400", "[handler][hostile]") {
    HostileFixture server;
    for (std::size_t depth : {65U, 10000U, 200000U}) {
        CAPTURE(depth);
        const auto value = nested("[", "1", "]", depth);
        auto response = server.post(
            R"({"query":"query($id: Int!) { isAllocated(id: $id) }","variables":{"id":)" + value +
            "}}");
        CHECK(response.status == 400);
        response = server.post(R"({"query":"mutation { getObject }","variables":{"x":)" +
                               nested("{\"a\":", "1", "}", depth) + "}}");
        CHECK(response.status == 400);
        response = server.post(nested("[", "", "]", depth));
        CHECK(response.status == 400);
        if (depth < 20000) {
            response = server.get("/graphql?query=%7B%20pools%20%7B%20name%20%7D%20%7D&variables=" +
                                  nested("%7B%22a%22%3A", "1", "%7D", depth));
            CHECK(response.status == 400);
        }
    }
    // Shallow nesting still reaches the engine, whose error quotes the value.
    const auto response =
        server.post(R"({"query":"query($id: Int!) { isAllocated(id: $id) }","variables":{"id":)" +
                    nested("[", "1", "]", 60) + "}}");
    CHECK(HostileFixture::is_refused(response));
    server.check_pool_unchanged();
}

TEST_CASE("hostile: deep nesting in the query text is a request error", "[handler][hostile]") {
    HostileFixture server;
    for (const auto& query : {"{ pool " + nested("{ name ", "", "}", 10000) + "}",
                              "{ isAllocated(id: " + nested("[", "1", "]", 10000) + ") }",
                              "{ isAllocated(id: " + nested("[", "1", "]", 4900) + ") }",
                              "{ isAllocated(id: " + nested("{a: ", "1", "}", 2400) + ") }",
                              "mutation { getObject " + nested("{ a ", "", "}", 3000) + "}"}) {
        const auto response = server.post(json{{"query", query}}.dump());
        CHECK(HostileFixture::is_refused(response));
    }
    server.check_pool_unchanged();
}

TEST_CASE("hostile: invalid UTF-8", "[handler][hostile]") {
    HostileFixture server;
    CHECK(server.post("{\"query\":\"{ pool(name: \\\"\xFF\\\") { name } }\"}").status == 400);
    CHECK(
        server.post("{\"query\":\"mutation { getObject(pool: \\\"\xED\xA0\x80\\\") }\"}").status ==
        400);
    CHECK(server.post(R"({"query":"mutation { getObject(pool: \"\ud800\") }"})").status == 400);
    CHECK(server.get("/graphql?query=%7B%20pool(name%3A%20%22%FF%22)%20%7B%20name%20%7D%20%7D")
              .status == 400);
    CHECK(server.get("/graphql?query=%7B%20pools%20%7B%20name%20%7D%20%7D&operationName=%C0%80")
              .status == 400);
    CHECK(server
              .get("/graphql?query=%7B%20pools%20%7B%20name%20%7D%20%7D&variables=%7B%22a%22%3A%22%"
                   "FF%22%7D")
              .status == 400);
    server.check_pool_unchanged();
}

TEST_CASE("hostile: a NUL byte anywhere in a JSON body or in GET variables gets 400",
          "[handler][hostile]") {
    HostileFixture server;
    using namespace std::string_literals;
    const auto mutation = R"({"query":"mutation { getObject }"})"s;
    for (const std::string& body : {
             mutation + '\0' + "garbage",                              // after the JSON
             mutation + '\0',                                          // at the very end
             R"({"query":"mutation { getObject }")"s + '\0' + "}",     // between tokens
             R"({"query":)"s + '\0' + R"("mutation { getObject }"})",  // before a value
             R"({"query":"mutation { get)"s + '\0' + R"(Object }"})",  // inside a string
             R"({"query":"mutation { getObject }","variables":{"a":1)"s + '\0' + "}}",
             '\0' + mutation,  // before the JSON
         }) {
        CAPTURE(body.size());
        const auto response = server.post(body);
        CHECK(response.status == 400);
    }
    CHECK(server.get("/graphql?query=%7B%20pools%20%7B%20name%20%7D%20%7D&variables=%7B%7D%00x")
              .status == 400);
    CHECK(HostileFixture::is_refused(
        server.get("/graphql?query=%7B%20pools%20%7B%20name%20%7D%20%7D%00")));
    server.check_pool_unchanged();
}

TEST_CASE("hostile: Int overflow, bad operation names, missing query", "[handler][hostile]") {
    HostileFixture server;
    for (const char* literal :
         {"2147483648", "-2147483649", "99999999999999999999", "1.5", "1e10"}) {
        CAPTURE(literal);
        CHECK(HostileFixture::is_refused(server.post(
            json{{"query", std::string("mutation { freeObject(id: ") + literal + ") }"}}.dump())));
    }
    for (const char* value : {"2147483648", "-2147483649", "18446744073709551616", "1e400", "1.5",
                              "\"1\"", "[1]", "{}"}) {
        CAPTURE(value);
        const auto response = server.post(
            std::string(
                R"({"query":"mutation($id: Int!) { freeObject(id: $id) }","variables":{"id":)") +
            value + "}}");
        CHECK(HostileFixture::is_refused(response));
    }
    CHECK(HostileFixture::is_refused(
        server.post(R"({"query":"query A { pools { name } }","operationName":"B"})")));
    CHECK(HostileFixture::is_refused(server.post(
        R"({"query":"mutation A { getObject } mutation A { getObject }","operationName":"A"})")));
    CHECK(HostileFixture::is_refused(
        server.post(R"({"query":"mutation A { getObject } mutation B { getObject }"})")));
    CHECK(server.post(R"({"variables":{}})").status == 400);
    CHECK(server.post(R"({"query":null})").status == 400);
    CHECK(server.post("{\"query\": ").status == 400);
    CHECK(HostileFixture::is_refused(server.post(R"({"query":""})")));
    server.check_pool_unchanged();
}

TEST_CASE("hostile: a 1 MB pool name is not echoed back in full", "[handler][hostile]") {
    HostileFixture server;
    const std::string big(1000 * 1000, 'x');
    auto response = server.post(json{
        {"query", "mutation($p: String!) { getObject(pool: $p) }"},
        {"variables", {{"p", big}}}}.dump());
    CHECK(response.status == 200);
    CHECK(response.body.size() < 1000);
    response = server.post(json{{"query", "mutation { getObject(pool: \"" + big + "\") }"}}.dump());
    CHECK(HostileFixture::is_refused(response));  // longer than the engine's max_query_bytes
    CHECK(response.body.size() < 1000);
    server.check_pool_unchanged();
}
