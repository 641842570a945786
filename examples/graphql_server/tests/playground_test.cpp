// The playground through RequestHandler::handle: the page for browsers, GraphQL for programs at
// the same URL, the fixed asset table, --no-playground, and paths that must never reach a file.
#include <objpool_catch.hpp>

#include <string>
#include <vector>

#include <gql/engine.hpp>

#include "http_handler.hpp"
#include "memory_store.hpp"
#include "metrics.hpp"
#include "playground.hpp"
#include "resolvers.hpp"
#include "schema_text.hpp"

using namespace objpool_graphql;

namespace {

constexpr std::string_view browser_accept =
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

struct PlaygroundFixture {
    explicit PlaygroundFixture(bool playground = true)
        : handler{engine, pools, metrics, HandlerOptions{4096, playground}} {
        pools.create("default", 10, store::Policy::Fifo);
        bind_resolvers(engine, pools, metrics);
    }

    HttpResponse request(std::string_view method, std::string_view target,
                         std::string_view accept = {}) const {
        HttpRequest request{method, target, {}, {}};
        if (!accept.empty())
            request.headers.emplace_back("Accept", accept);
        return handler.handle(request);
    }

    gql::Engine engine{schema_sdl()};
    store::MemoryStore pools{1000};
    Metrics metrics;
    RequestHandler handler;
};

std::string header_or_empty(const HttpResponse& response, std::string_view name) {
    return std::string(response.header(name).value_or(""));
}

}  // namespace

TEST_CASE("a browser's GET /graphql gets the playground page", "[playground]") {
    const PlaygroundFixture server;
    const auto response = server.request("GET", "/graphql", browser_accept);
    CHECK(header_or_empty(response, "X-Content-Type-Options") == "nosniff");
    CHECK(header_or_empty(response, "Content-Security-Policy") == playground_csp);
    if (!playground_available()) {
        // Built without npm: a clear 503, never a broken page.
        CHECK(response.status == 503);
        CHECK(response.body.find("not available") != std::string::npos);
        return;
    }
    CHECK(response.status == 200);
    CHECK(header_or_empty(response, "Content-Type") == "text/html; charset=utf-8");
    CHECK(header_or_empty(response, "Cache-Control") == "no-cache");
    CHECK(header_or_empty(response, "Vary") == "Accept");
    CHECK(response.body.find("<title>objpool-graphql playground</title>") != std::string::npos);
    CHECK(response.body.find("http") == std::string::npos);  // no absolute URL: nothing from a CDN
    for (std::size_t i = 0; i < playground_data::asset_count; ++i) {
        CHECK(response.body.find(playground_data::assets[i].path) != std::string::npos);
    }
}

TEST_CASE("programs keep getting GraphQL at /graphql", "[playground]") {
    const PlaygroundFixture server;
    SECTION("a query parameter means GraphQL, whatever Accept says") {
        const auto response =
            server.request("GET", "/graphql?query=%7Bpools%7Bname%7D%7D", browser_accept);
        CHECK(response.status == 200);
        CHECK(header_or_empty(response, "Content-Type").rfind("application/json", 0) == 0);
    }
    SECTION("no text/html in Accept: the usual request error") {
        CHECK(server.request("GET", "/graphql", "application/json").status == 400);
        CHECK(server.request("GET", "/graphql").status == 400);
        CHECK(server.request("GET", "/graphql", "*/*").status == 400);
    }
    SECTION("POST is never the page") {
        CHECK(server.request("POST", "/graphql", browser_accept).status != 200);
    }
}

TEST_CASE("assets are served from the fixed table with immutable caching", "[playground]") {
    const PlaygroundFixture server;
    if (!playground_available()) {
        CHECK(playground_data::asset_count == 0);
        return;
    }
    REQUIRE(playground_data::asset_count == 6);
    for (std::size_t i = 0; i < playground_data::asset_count; ++i) {
        const auto& asset = playground_data::assets[i];
        CAPTURE(asset.path);
        CHECK(asset.path.rfind(playground_prefix, 0) == 0);
        const auto response = server.request("GET", asset.path);
        CHECK(response.status == 200);
        CHECK(response.body == asset.bytes);
        CHECK(header_or_empty(response, "Content-Type") == asset.content_type);
        CHECK(header_or_empty(response, "Cache-Control") == "public, max-age=31536000, immutable");
        CHECK(header_or_empty(response, "X-Content-Type-Options") == "nosniff");
        CHECK(server.request("POST", asset.path).status == 405);
        CHECK(server.request("GET", std::string(asset.path) + "?v=2").status == 200);
    }
}

TEST_CASE("only exact asset names are served: traversal, escapes and absolute paths get 404",
          "[playground]") {
    const PlaygroundFixture server;
    std::string hash = "0000000000000000";
    std::string name = "graphiql.min.js";
    if (playground_available()) {
        // "/playground/<hash>/<name>" of the first asset.
        const std::string path(playground_data::assets[0].path);
        hash = path.substr(playground_prefix.size(), 16);
        name = path.substr(playground_prefix.size() + 17);
    }
    const std::vector<std::string> attempts = {
        "/playground/",
        "/playground/" + name,
        "/playground/" + hash,
        "/playground/" + hash + "/",
        "/playground/" + hash + "/../" + hash + "/" + name,
        "/playground/" + hash + "/./" + name,
        "/playground/" + hash + "//" + name,
        "/playground/" + hash + "%2f" + name,
        "/playground/" + hash + "%2F" + name,
        "/playground%2f" + hash + "/" + name,
        "/%70layground/" + hash + "/" + name,
        "/playground/" + hash + "/" + name + "%00",
        "/playground/" + hash + "/" + name + "/",
        "/playground/../../../../etc/passwd",
        "/playground/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/playground/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "/playground/..%2f..%2fetc%2fpasswd",
        "/playground/..\\..\\etc\\passwd",
        "/playground//etc/passwd",
        "/playground/%2fetc%2fpasswd",
        "/playground/package.json",
        "/playground/index.html",
        "/playground/node_modules/graphiql/graphiql.min.js",
        "/etc/passwd",
        "//etc/passwd",
    };
    for (const auto& target : attempts) {
        CAPTURE(target);
        const auto response = server.request("GET", target);
        CHECK(response.status == 404);
        CHECK(response.body.find("root:") == std::string::npos);
    }
    // A malformed escape is rejected before any lookup.
    CHECK(server.request("GET", "/playground/%zz").status == 400);
}

TEST_CASE("playground off (--no-playground): no page and no assets", "[playground]") {
    const PlaygroundFixture server(false);
    const auto page = server.request("GET", "/graphql", browser_accept);
    CHECK(page.status == 400);
    CHECK(page.body.find("<html") == std::string::npos);
    CHECK_FALSE(page.header("Content-Security-Policy"));
    for (std::size_t i = 0; i < playground_data::asset_count; ++i) {
        CHECK(server.request("GET", playground_data::assets[i].path).status == 404);
    }
}
