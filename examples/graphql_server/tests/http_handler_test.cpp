#include <objpool_catch.hpp>

#include <atomic>
#include <string>

#include <gql/engine.hpp>
#include <nlohmann/json.hpp>

#include "ascii.hpp"
#include "http_handler.hpp"
#include "memory_store.hpp"
#include "metrics.hpp"
#include "resolvers.hpp"
#include "schema_text.hpp"

using namespace objpool_graphql;
using nlohmann::json;

namespace {

// A memory store that can be taken down: while `down` is set, every call throws Unavailable, as
// a durable store does when it cannot be reached.
class SwitchableStore final : public store::PoolStore {
public:
    std::atomic<bool> down{false};

    store::PoolStats create(const std::string& name, long long capacity,
                            store::Policy policy) override {
        return reachable().create(name, capacity, policy);
    }
    void erase(const std::string& name) override { reachable().erase(name); }
    std::optional<store::Id> get(const std::string& name) override { return reachable().get(name); }
    bool free(const std::string& name, long long id) override { return reachable().free(name, id); }
    bool is_allocated(const std::string& name, long long id) override {
        return reachable().is_allocated(name, id);
    }
    std::optional<store::PoolStats> stats(const std::string& name) override {
        return reachable().stats(name);
    }
    std::vector<store::PoolStats> all() override { return reachable().all(); }
    std::optional<store::Lease> acquire_lease(const std::string& pool,
                                              std::chrono::milliseconds ttl) override {
        return reachable().acquire_lease(pool, ttl);
    }
    store::Lease renew_lease(const std::string& pool, long long id, store::LeaseToken token,
                             std::chrono::milliseconds ttl) override {
        return reachable().renew_lease(pool, id, token, ttl);
    }
    void release_lease(const std::string& pool, long long id, store::LeaseToken token) override {
        reachable().release_lease(pool, id, token);
    }
    void ping() override { reachable().ping(); }
    [[nodiscard]] std::size_t max_capacity() const noexcept override {
        return memory_.max_capacity();
    }

private:
    store::MemoryStore& reachable() {
        if (down)
            throw store::Unavailable("test store is down");
        return memory_;
    }
    store::MemoryStore memory_{1000};
};

// A server without sockets: the engine, a memory store (with "default" of 10 ids) and the
// handler.
struct Fixture {
    gql::Engine engine{schema_sdl()};
    SwitchableStore pools;
    Metrics metrics;
    RequestHandler handler{engine, pools, metrics, HandlerOptions{4096}};

    Fixture() {
        pools.create("default", 10, store::Policy::Fifo);
        bind_resolvers(engine, pools, metrics);
    }

    HttpResponse post(const std::string& body, std::string_view accept = {},
                      std::string_view content_type = "application/json") {
        body_ = body;
        HttpRequest request{"POST", "/graphql", {}, body_};
        if (!content_type.empty())
            request.headers.emplace_back("Content-Type", content_type);
        if (!accept.empty())
            request.headers.emplace_back("Accept", accept);
        return handler.handle(request);
    }

    HttpResponse post_query(const std::string& query, const json& variables = nullptr) {
        return post(json{{"query", query}, {"variables", variables}}.dump());
    }

    HttpResponse get(std::string_view target, std::string_view accept = {}) {
        HttpRequest request{"GET", target, {}, {}};
        if (!accept.empty())
            request.headers.emplace_back("accept", accept);
        return handler.handle(request);
    }

private:
    std::string body_;
};

json body_of(const HttpResponse& response) {
    return json::parse(response.body);
}

std::string error_code_of(const HttpResponse& response) {
    return body_of(response).at("errors").at(0).at("extensions").at("code").get<std::string>();
}

}  // namespace

TEST_CASE("handler: ASCII helpers", "[handler]") {
    STATIC_REQUIRE(ascii_lower('Q') == 'q');
    STATIC_REQUIRE(ascii_lower('@') == '@');
    STATIC_REQUIRE(ascii_lower('[') == '[');
    CHECK(iequals("Content-TYPE", "content-type"));
    CHECK_FALSE(iequals("content-type", "content-typ"));
    CHECK_FALSE(iequals("a[", "A{"));  // '[' and '{' differ by the case bit, but are no letters
    CHECK(trim(" \t a b \t ") == "a b");
    CHECK(trim(" \t ").empty());
    CHECK(trim("").empty());
    CHECK(trim("x\r") == "x\r");
    CHECK(trim("\r x \r", " \r") == "x");
}

TEST_CASE("handler: parse_target splits and decodes", "[handler]") {
    const auto target =
        parse_target("/graphql?query=%7B%20pool%20%7D&variables=&a+b=c+d&query=second");
    REQUIRE(target);
    CHECK(target->path == "/graphql");
    CHECK(target->query.at("query") == "{ pool }");
    CHECK(target->query.at("variables").empty());
    CHECK(target->query.at("a b") == "c d");
    CHECK(parse_target("/x")->query.empty());
    CHECK_FALSE(parse_target("/graphql?query=%7"));
    CHECK_FALSE(parse_target("/graphql?query=%zz"));
}

TEST_CASE("handler: content negotiation", "[handler]") {
    CHECK(negotiate(std::nullopt) == MediaType::Json);
    CHECK(negotiate("") == MediaType::Json);
    CHECK(negotiate("*/*") == MediaType::Json);
    CHECK(negotiate("application/json") == MediaType::Json);
    CHECK(negotiate("application/graphql-response+json") == MediaType::GraphqlResponseJson);
    CHECK(negotiate("application/json, application/graphql-response+json") ==
          MediaType::GraphqlResponseJson);
    CHECK(negotiate("application/graphql-response+json;q=0.5, application/json") ==
          MediaType::Json);
    CHECK(negotiate("text/html, application/json;q=0.9") == MediaType::Json);
    CHECK_FALSE(negotiate("text/html"));
    CHECK_FALSE(negotiate("application/json;q=0"));
}

TEST_CASE("handler: POST operations", "[handler]") {
    Fixture f;
    auto response = f.post_query("mutation { getObject }");
    CHECK(response.status == 200);
    CHECK(response.header("content-type") == "application/json; charset=utf-8");
    CHECK(body_of(response) == json::parse(R"({"data":{"getObject":1}})"));

    response = f.post_query("query($id: Int!) { isAllocated(id: $id) }", {{"id", 1}});
    CHECK(body_of(response) == json::parse(R"({"data":{"isAllocated":true}})"));

    response = f.post_query(
        R"(mutation { createPool(name: "p", capacity: 3, policy: LIFO) { name policy capacity available allocated } })");
    CHECK(
        body_of(response) ==
        json::parse(
            R"({"data":{"createPool":{"name":"p","policy":"LIFO","capacity":3,"available":3,"allocated":0}}})"));

    response = f.post_query(R"({ pools { name } pool { allocated } })");
    CHECK(body_of(response) ==
          json::parse(
              R"({"data":{"pools":[{"name":"default"},{"name":"p"}],"pool":{"allocated":1}}})"));

    response = f.post_query(R"(mutation { freeObject(id: 1) deletePool(name: "p") })");
    CHECK(body_of(response) == json::parse(R"({"data":{"freeObject":true,"deletePool":true}})"));

    response = f.post_query(R"({ pool(name: "p") { name } })");
    CHECK(body_of(response) == json::parse(R"({"data":{"pool":null}})"));
}

TEST_CASE("handler: field errors carry extensions.code", "[handler]") {
    Fixture f;
    CHECK(error_code_of(f.post_query("mutation { freeObject(id: 3) }")) == "NOT_ALLOCATED");
    CHECK(error_code_of(f.post_query("mutation { freeObject(id: 99) }")) == "NOT_ALLOCATED");
    CHECK(error_code_of(f.post_query(R"(mutation { getObject(pool: "nope") })")) == "NO_SUCH_POOL");
    CHECK(error_code_of(f.post_query(R"({ isAllocated(id: 1, pool: "nope") })")) == "NO_SUCH_POOL");
    CHECK(error_code_of(f.post_query(R"(mutation { deletePool(name: "nope") })")) ==
          "NO_SUCH_POOL");
    CHECK(error_code_of(
              f.post_query(R"(mutation { createPool(name: "default", capacity: 1) { name } })")) ==
          "POOL_EXISTS");
    CHECK(error_code_of(f.post_query(
              R"(mutation { createPool(name: "x", capacity: 0) { name } })")) == "BAD_CAPACITY");
    CHECK(error_code_of(f.post_query(
              R"(mutation { createPool(name: "x", capacity: 1001) { name } })")) == "BAD_CAPACITY");
    const auto response = f.post_query("mutation { freeObject(id: 3) }");
    CHECK(response.status == 200);
    CHECK(body_of(response).at("errors").at(0).at("path") == json::array({"freeObject"}));
    CHECK_FALSE(f.post_query(R"({ isAllocated(id: 11) })").body.find("false") == std::string::npos);
}

TEST_CASE("handler: a store that cannot be reached: UNAVAILABLE, /readyz 503, /healthz 200",
          "[handler]") {
    Fixture f;
    CHECK(f.get("/readyz").status == 200);
    CHECK(f.get("/readyz").body == "ready");
    const auto first = f.post_query("mutation { getObject }");
    REQUIRE(body_of(first).at("data").at("getObject") == 1);

    f.pools.down = true;
    for (const char* query :
         {"mutation { getObject }", "mutation { freeObject(id: 1) }", "{ pool { available } }",
          "{ pools { name } }", "{ isAllocated(id: 1) }",
          R"(mutation { createPool(name: "x", capacity: 1) { name } })",
          R"(mutation { deletePool(name: "x") })"}) {
        CAPTURE(query);
        const auto response = f.post_query(query);
        CHECK(response.status == 200);
        CHECK(error_code_of(response) == "UNAVAILABLE");
    }
    const auto ready = f.get("/readyz");
    CHECK(ready.status == 503);
    CHECK(ready.body.find("test store is down") != std::string::npos);
    CHECK(f.get("/healthz").status == 200);
    const auto metrics = f.get("/metrics");
    CHECK(metrics.status == 200);
    CHECK(metrics.body.find("objpool_store_up 0\n") != std::string::npos);
    CHECK(metrics.body.find("objpool_pool_capacity{") == std::string::npos);
    CHECK(metrics.body.find(
              "objpool_graphql_field_errors_total{field=\"getObject\",code=\"UNAVAILABLE\"} 1\n") !=
          std::string::npos);

    f.pools.down = false;
    CHECK(f.get("/readyz").status == 200);
    CHECK(f.get("/metrics").body.find("objpool_store_up 1\n") != std::string::npos);
    const auto second = f.post_query("mutation { getObject }");
    CHECK(body_of(second).at("data").at("getObject") == 2);  // nothing was kept aside
    HttpRequest post_ready{"POST", "/readyz", {}, {}};
    CHECK(f.handler.handle(post_ready).status == 405);
}

TEST_CASE("handler: exhausted pool gives null", "[handler]") {
    Fixture f;
    f.post_query(R"(mutation { createPool(name: "one", capacity: 1) { name } })");
    CHECK(body_of(f.post_query(R"(mutation { getObject(pool: "one") })")) ==
          json::parse(R"({"data":{"getObject":1}})"));
    CHECK(body_of(f.post_query(R"(mutation { getObject(pool: "one") })")) ==
          json::parse(R"({"data":{"getObject":null}})"));
}

TEST_CASE("handler: request errors and status codes", "[handler]") {
    Fixture f;
    SECTION("syntax error: 200 with application/json, 400 with graphql-response+json") {
        auto response = f.post(R"({"query":"{ pool { "})");
        CHECK(response.status == 200);
        CHECK(body_of(response).at("errors").size() >= 1);
        CHECK_FALSE(body_of(response).contains("data"));
        response = f.post(R"({"query":"{ pool { "})", "application/graphql-response+json");
        CHECK(response.status == 400);
        CHECK(response.header("Content-Type") ==
              "application/graphql-response+json; charset=utf-8");
    }
    SECTION("validation error") {
        CHECK(f.post(R"({"query":"{ nope }"})").status == 200);
        CHECK(f.post(R"({"query":"{ nope }"})", "application/graphql-response+json").status == 400);
    }
    SECTION("a field error is still 200 with graphql-response+json") {
        const auto response = f.post(R"({"query":"mutation { freeObject(id: 5) }"})",
                                     "application/graphql-response+json");
        CHECK(response.status == 200);
        CHECK(body_of(response).contains("data"));
    }
    SECTION("malformed requests: 400 with an errors body") {
        for (const char* body : {"{not json", "[1,2]", "\"query\"", "{}", R"({"query": 5})",
                                 R"({"query":"{ pools { name } }","variables":[1]})",
                                 R"({"query":"{ pools { name } }","operationName":7})"}) {
            const auto response = f.post(body);
            CHECK(response.status == 400);
            CHECK(body_of(response).at("errors").at(0).at("message").is_string());
        }
    }
    SECTION("wrong or missing Content-Type: 415") {
        CHECK(f.post(R"({"query":"{ pools { name } }"})", {}, "text/plain").status == 415);
        CHECK(f.post(R"({"query":"{ pools { name } }"})", {}, "").status == 415);
        CHECK(f.post(R"({"query":"{ pools { name } }"})", {}, "Application/JSON; charset=utf-8")
                  .status == 200);
    }
    SECTION("body too large: 413") {
        CHECK(f.post(R"({"query":"{ pools { name } }", "x":")" + std::string(5000, 'x') + "\"}")
                  .status == 413);
    }
    SECTION("nothing acceptable: 406") {
        CHECK(f.post(R"({"query":"{ pools { name } }"})", "text/html").status == 406);
    }
    SECTION("variables of the wrong type") {
        const auto response = f.post(
            R"({"query":"query($id: Int!) { isAllocated(id: $id) }","variables":{"id":"x"}})",
            "application/graphql-response+json");
        CHECK(response.status == 400);
    }
}

TEST_CASE("handler: GET", "[handler]") {
    Fixture f;
    auto response = f.get("/graphql?query=%7B%20pool%20%7B%20capacity%20%7D%20%7D");
    CHECK(response.status == 200);
    CHECK(body_of(response) == json::parse(R"({"data":{"pool":{"capacity":10}}})"));

    response = f.get(
        "/graphql?query=query(%24id%3A%20Int!)%20%7B%20isAllocated(id%3A%20%24id)%20%7D&variables=%"
        "7B%22id%22%3A1%7D");
    CHECK(body_of(response) == json::parse(R"({"data":{"isAllocated":false}})"));

    response = f.get("/graphql?query=mutation%20%7B%20getObject%20%7D");
    CHECK(response.status == 405);
    CHECK(response.header("Allow") == "POST");
    CHECK(body_of(response).at("errors").at(0).at("message").is_string());
    CHECK(f.pools.stats("default")->allocated == 0);  // not executed

    CHECK(f.get("/graphql").status == 400);
    CHECK(f.get("/graphql?query=%7Bpools%7Bname%7D%7D&variables=%5B%5D").status == 400);
    CHECK(f.get("/graphql?query=%7Bpools%7Bname%7D%7D&variables=nope").status == 400);
}

TEST_CASE("handler: other routes", "[handler]") {
    Fixture f;
    auto response = f.get("/healthz");
    CHECK(response.status == 200);
    CHECK(response.body == "ok");
    response = f.get("/schema.graphql");
    CHECK(response.status == 200);
    CHECK(response.body == std::string(schema_sdl()));
    response = f.get("/metrics");
    CHECK(response.status == 200);
    CHECK(response.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8");
    CHECK(response.body.find("objpool_pool_capacity{pool=\"default\"} 10") != std::string::npos);
    CHECK(f.get("/nope").status == 404);

    HttpRequest put{"PUT", "/graphql", {}, {}};
    response = f.handler.handle(put);
    CHECK(response.status == 405);
    CHECK(response.header("Allow") == "GET, POST");
    HttpRequest post_health{"POST", "/healthz", {}, {}};
    CHECK(f.handler.handle(post_health).status == 405);
}

TEST_CASE("handler: metrics count operations", "[handler][metrics]") {
    Fixture f;
    f.post_query("mutation { getObject a: getObject }");
    f.post_query("mutation { freeObject(id: 9) }");
    f.post("{bad");
    const auto text = f.get("/metrics").body;
    CHECK(text.find("objpool_graphql_field_requests_total{field=\"getObject\"} 2\n") !=
          std::string::npos);
    CHECK(text.find("objpool_graphql_field_errors_total{field=\"freeObject\",code=\"NOT_"
                    "ALLOCATED\"} 1\n") != std::string::npos);
    CHECK(text.find("objpool_graphql_requests_total{type=\"mutation\"} 2\n") != std::string::npos);
    CHECK(text.find("objpool_graphql_request_errors_total{type=\"mutation\"} 1\n") !=
          std::string::npos);
    CHECK(text.find("objpool_graphql_requests_total{type=\"invalid\"} 1\n") != std::string::npos);
    CHECK(text.find("objpool_http_responses_total{code=\"400\"} 1\n") != std::string::npos);
}

TEST_CASE("handler: transport errors are GraphQL-style and counted", "[handler][metrics]") {
    Fixture f;
    const auto response = f.handler.transport_error(413, "too large");
    CHECK(response.status == 413);
    CHECK(response.header("Content-Type") == "application/json; charset=utf-8");
    CHECK(body_of(response) == json::parse(R"({"errors":[{"message":"too large"}]})"));
    CHECK(f.get("/metrics").body.find("objpool_http_responses_total{code=\"413\"} 1\n") !=
          std::string::npos);
}
