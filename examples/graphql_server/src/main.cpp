// objpool-graphql: named objpool id pools served over GraphQL-over-HTTP.
#include <cstdio>
#include <exception>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

#include <CLI/CLI.hpp>
#include <gql/engine.hpp>
#include <objpool/version.hpp>

#include "access_log.hpp"
#include "http_handler.hpp"
#include "http_server.hpp"
#include "metrics.hpp"
#include "playground.hpp"
#include "pool_registry.hpp"
#include "resolvers.hpp"
#include "schema_text.hpp"

namespace {

struct Settings {
    objpool_graphql::ServerOptions server;
    long long capacity = 1000;
    std::string policy = "FIFO";
    long long max_capacity = 10'000'000;
    std::string access_log;
    gql::Limits limits;
    double read_timeout_seconds = 30;
    double write_timeout_seconds = 30;
    bool playground = true;
};

std::string version_string() {
    return std::to_string(OBJPOOL_VERSION_MAJOR) + "." + std::to_string(OBJPOOL_VERSION_MINOR) + "." +
           std::to_string(OBJPOOL_VERSION_PATCH);
}

}  // namespace

int main(int argc, char** argv) {
    using namespace objpool_graphql;
    Settings settings;
    settings.server.threads = std::max(1U, std::thread::hardware_concurrency());

    CLI::App app{"objpool-graphql: objpool id pools over GraphQL (POST/GET /graphql, /healthz, /metrics, "
                 "/schema.graphql)"};
    app.set_version_flag("--version", version_string());
    app.add_option("--host", settings.server.host, "Address to listen on")->capture_default_str();
    app.add_option("--port", settings.server.port, "Port to listen on (0 picks a free one)")->capture_default_str();
    app.add_option("--capacity", settings.capacity, "Capacity of the \"default\" pool")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    app.add_option("--policy", settings.policy, "Policy of the \"default\" pool")
        ->transform(CLI::IsMember({"FIFO", "LIFO", "BITMAP"}, CLI::ignore_case))
        ->capture_default_str();
    app.add_option("--max-capacity", settings.max_capacity, "Largest capacity createPool accepts")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    app.add_option("--threads", settings.server.threads, "Event-loop threads (default: hardware threads)")
        ->check(CLI::Range(1U, 1024U))
        ->capture_default_str();
    app.add_option("--max-body-bytes", settings.server.max_body_bytes, "Largest request body (larger: 413)")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    app.add_option("--access-log", settings.access_log, "Append one line per request to this file (- for stdout)");
    app.add_option("--read-timeout", settings.read_timeout_seconds,
                   "Seconds to receive a request, idle keep-alive included")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    app.add_option("--write-timeout", settings.write_timeout_seconds, "Seconds to send a response")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    app.add_option("--max-query-bytes", settings.limits.max_query_bytes, "Longest GraphQL document")
        ->capture_default_str();
    app.add_option("--max-query-tokens", settings.limits.max_tokens, "Most tokens in a GraphQL document")
        ->capture_default_str();
    app.add_option("--max-query-depth", settings.limits.max_depth, "Deepest selection nesting")
        ->capture_default_str();
    app.add_flag("--playground,!--no-playground", settings.playground,
                 "Serve the GraphiQL playground to browsers at GET /graphql (the last of the two wins)")
        ->capture_default_str();
    CLI11_PARSE(app, argc, argv);

    if (settings.capacity > settings.max_capacity) {
        std::cerr << "objpool-graphql: --capacity " << settings.capacity << " is above --max-capacity "
                  << settings.max_capacity << "\n";
        return 2;
    }
    settings.server.read_timeout = std::chrono::milliseconds(static_cast<long long>(settings.read_timeout_seconds * 1000));
    settings.server.write_timeout =
        std::chrono::milliseconds(static_cast<long long>(settings.write_timeout_seconds * 1000));

    try {
        gql::Engine engine(schema_sdl(), settings.limits);
        PoolRegistry registry(static_cast<std::size_t>(settings.max_capacity));
        registry.create("default", settings.capacity, *parse_policy(settings.policy));
        Metrics metrics;
        bind_resolvers(engine, registry, metrics);
        const RequestHandler handler(engine, registry, metrics,
                                     HandlerOptions{settings.server.max_body_bytes, settings.playground});

        std::unique_ptr<AccessLog> access_log;
        if (!settings.access_log.empty()) access_log = std::make_unique<AccessLog>(settings.access_log);

        HttpServer server(settings.server, handler, access_log.get());
        // Tests and scripts read this line to learn the port (useful with --port 0).
        const bool ipv6 = settings.server.host.find(':') != std::string::npos;
        std::printf("objpool-graphql listening on http://%s%s%s:%u (%u threads)\n", ipv6 ? "[" : "",
                    settings.server.host.c_str(), ipv6 ? "]" : "", static_cast<unsigned>(server.port()),
                    settings.server.threads);
        if (settings.playground) {
            if (playground_available()) {
                std::printf("GraphQL playground: open http://%s%s%s:%u/graphql in a browser "
                            "(--no-playground turns it off)\n",
                            ipv6 ? "[" : "", settings.server.host.c_str(), ipv6 ? "]" : "",
                            static_cast<unsigned>(server.port()));
            } else {
                std::printf("GraphQL playground: not available (%s)\n",
                            std::string(playground_data::unavailable_reason).c_str());
            }
        }
        std::fflush(stdout);
        server.run();
        std::printf("objpool-graphql stopped\n");
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "objpool-graphql: " << e.what() << "\n";
        return 1;
    }
}
