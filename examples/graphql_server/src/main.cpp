// objpool-graphql: named objpool id pools served over GraphQL-over-HTTP.
#include <cctype>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

#include <systemd/sd-daemon.h>
#include <CLI/CLI.hpp>
#include <gql/engine.hpp>
#include <objpool/version.hpp>

#include "access_log.hpp"
#include "bearer_auth.hpp"
#include "http_handler.hpp"
#include "http_server.hpp"
#include "metrics.hpp"
#include "playground.hpp"
#include "pool_store.hpp"
#include "resolvers.hpp"
#include "schema_text.hpp"

namespace {

struct Settings {
    objpool_graphql::ServerOptions server;
    std::string store = "memory";
    long long capacity = 1000;
    std::string policy = "FIFO";
    long long max_capacity = 10'000'000;
    std::string access_log;
    gql::Limits limits;
    double read_timeout_seconds = 30;
    double write_timeout_seconds = 30;
    bool playground = true;
    std::string auth_token_file;
};

std::string version_string() {
    return std::to_string(OBJPOOL_VERSION_MAJOR) + "." + std::to_string(OBJPOOL_VERSION_MINOR) +
           "." + std::to_string(OBJPOOL_VERSION_PATCH);
}

// The environment variable that can set `flag` ("--max-body-bytes": OBJPOOL_MAX_BODY_BYTES).
std::string env_name(const std::string& flag) {
    std::string name = "OBJPOOL_";
    for (const char c : flag.substr(2)) {
        name += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return name;
}

// An option that may also come from the environment (see env_name; the command line wins).
template <class Value>
CLI::Option* add_option(CLI::App& app, const std::string& flag, Value& value,
                        const std::string& description) {
    return app.add_option(flag, value, description)->envname(env_name(flag))->capture_default_str();
}

void add_options(CLI::App& app, Settings& settings) {
    add_option(app, "--host", settings.server.host, "Address to listen on");
    add_option(app, "--port", settings.server.port, "Port to listen on (0 picks a free one)");
    add_option(app, "--store", settings.store,
               "Where the pools live: memory (this process; lost when it ends), sqlite:PATH (a "
               "file, durable; processes on one host may share it) or redis://HOST:PORT[/DB] "
               "(durable with appendonly yes and appendfsync always; replicas may share it)");
    add_option(app, "--capacity", settings.capacity,
               "Capacity of the \"default\" pool, when the store has none yet")
        ->check(CLI::PositiveNumber);
    add_option(app, "--policy", settings.policy,
               "Policy of the \"default\" pool, when the store has none yet")
        ->transform(CLI::IsMember({"FIFO", "LIFO", "BITMAP"}, CLI::ignore_case));
    add_option(app, "--max-capacity", settings.max_capacity, "Largest capacity createPool accepts")
        ->check(CLI::PositiveNumber);
    add_option(app, "--threads", settings.server.threads,
               "Event-loop threads (default: hardware threads)")
        ->check(CLI::Range(1U, 1024U));
    add_option(app, "--max-body-bytes", settings.server.max_body_bytes,
               "Largest request body (larger: 413)")
        ->check(CLI::PositiveNumber);
    add_option(app, "--access-log", settings.access_log,
               "Append one line per request to this file (- for stdout; empty: no log)");
    add_option(app, "--read-timeout", settings.read_timeout_seconds,
               "Seconds to receive a request, idle keep-alive included")
        ->check(CLI::PositiveNumber);
    add_option(app, "--write-timeout", settings.write_timeout_seconds, "Seconds to send a response")
        ->check(CLI::PositiveNumber);
    add_option(app, "--max-query-bytes", settings.limits.max_query_bytes,
               "Longest GraphQL document");
    add_option(app, "--max-query-tokens", settings.limits.max_tokens,
               "Most tokens in a GraphQL document");
    add_option(app, "--max-query-depth", settings.limits.max_depth, "Deepest selection nesting");
    app.add_flag(
           "--playground,!--no-playground", settings.playground,
           std::string("Serve the GraphiQL playground to browsers at GET /graphql (default: ") +
               (settings.playground ? "on" : "off") +
               "; the last of the two flags wins; OBJPOOL_PLAYGROUND=true or false)")
        ->envname(env_name("--playground"));
    add_option(app, "--auth-token-file", settings.auth_token_file,
               "Require Authorization: Bearer <token> on every path but /healthz and /readyz, "
               "the token being a line of this file ('#' comments and blank lines skipped); "
               "SIGHUP reads it again. Not given: no authentication");
}

// Prints where the server listens (tests and scripts read the first line to learn the port, useful
// with --port 0) and where the playground is.
void print_banner(const Settings& settings, unsigned port) {
    const std::string& host = settings.server.host;
    const bool ipv6 = host.find(':') != std::string::npos;
    const std::string authority = (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
    std::printf("objpool-graphql listening on http://%s (%u threads)\n", authority.c_str(),
                settings.server.threads);
    std::printf("Pool store: %s\n", settings.store.c_str());
    if (!settings.auth_token_file.empty()) {
        std::printf("Authentication: bearer tokens from %s (SIGHUP reloads it)\n",
                    settings.auth_token_file.c_str());
    }
    if (!settings.playground) {
        return;
    }
    if (objpool_graphql::playground_available()) {
        std::printf(
            "GraphQL playground: open http://%s/graphql in a browser "
            "(--no-playground turns it off)\n",
            authority.c_str());
    } else {
        std::printf("GraphQL playground: not available (%s)\n",
                    std::string(objpool_graphql::playground_data::unavailable_reason).c_str());
    }
}

// Creates the "default" pool unless the store has one: a durable store keeps it from an earlier
// run or from another replica, with its ids out, and that one is kept as it is.
void ensure_default_pool(objpool_graphql::store::PoolStore& pools, const Settings& settings) {
    using namespace objpool_graphql::store;
    try {
        pools.create("default", settings.capacity, *parse_policy(settings.policy));
    } catch (const PoolExists&) {
        const auto existing = pools.stats("default");
        if (existing && (existing->capacity != static_cast<std::size_t>(settings.capacity) ||
                         policy_name(existing->policy) != settings.policy)) {
            std::cerr << "objpool-graphql: the store's \"default\" pool is kept as it is ("
                      << existing->capacity << " ids, " << policy_name(existing->policy)
                      << "), not --capacity " << settings.capacity << " --policy "
                      << settings.policy << "\n";
        }
    }
}

// Builds the pools, the engine and the server from `settings` and serves until SIGTERM/SIGINT.
// `auth` is null without --auth-token-file.
void serve(Settings settings, objpool_graphql::BearerAuth* auth) {
    using namespace objpool_graphql;
    gql::Engine engine(schema_sdl(), settings.limits);
    const auto pools =
        store::open_store(settings.store, static_cast<std::size_t>(settings.max_capacity));
    ensure_default_pool(*pools, settings);
    Metrics metrics;
    bind_resolvers(engine, *pools, metrics);
    const RequestHandler handler(
        engine, *pools, metrics,
        HandlerOptions{settings.server.max_body_bytes, settings.playground, auth});
    std::unique_ptr<AccessLog> access_log;
    if (!settings.access_log.empty()) {
        access_log = std::make_unique<AccessLog>(settings.access_log);
    }
    if (auth != nullptr) {
        settings.server.on_hangup = [auth] {
            // Never the tokens: counts and the reason a file was refused. reload() reports an
            // unusable file in its message; anything else (out of memory) keeps the tokens too.
            try {
                std::cerr << "objpool-graphql: SIGHUP: " << auth->reload() << "\n";
            } catch (const std::exception& e) {
                std::cerr << "objpool-graphql: SIGHUP: the tokens are kept: " << e.what() << "\n";
            }
        };
    }
    HttpServer server(settings.server, handler, access_log.get());
    print_banner(settings, server.port());
    (void)std::fflush(stdout);  // the banner is best effort: a closed stdout stops nothing
    // Under systemd (Type=notify) the unit counts as started once the socket listens; elsewhere
    // a no-op.
    sd_notify(0, "READY=1");
    server.run();
}

std::chrono::milliseconds to_milliseconds(double seconds) {
    return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

}  // namespace

int main(int argc, char** argv) {
    Settings settings;
    settings.server.threads = std::max(1U, std::thread::hardware_concurrency());

    CLI::App app{
        "objpool-graphql: objpool id pools over GraphQL (POST/GET /graphql, /healthz, /metrics, "
        "/schema.graphql).\nEvery option can also be set by the environment variable shown "
        "beside it; the command line wins."};
    app.set_version_flag("--version", version_string());
    add_options(app, settings);
    CLI11_PARSE(app, argc, argv);

    if (settings.capacity > settings.max_capacity) {
        std::cerr << "objpool-graphql: --capacity " << settings.capacity
                  << " is above --max-capacity " << settings.max_capacity << "\n";
        return 2;
    }
    settings.server.read_timeout = to_milliseconds(settings.read_timeout_seconds);
    settings.server.write_timeout = to_milliseconds(settings.write_timeout_seconds);
    // Loaded before anything listens: a server told to authenticate never serves without tokens.
    std::unique_ptr<objpool_graphql::BearerAuth> auth;
    if (!settings.auth_token_file.empty()) {
        try {
            auth = std::make_unique<objpool_graphql::BearerAuth>(settings.auth_token_file);
        } catch (const objpool_graphql::TokenFileError& e) {
            std::cerr << "objpool-graphql: --auth-token-file " << e.what() << "\n";
            return 2;
        }
        // Until the server's signal set takes SIGHUP over, a reload asked for during start-up
        // is ignored (the tokens were just read) rather than ending the process.
        (void)std::signal(SIGHUP, SIG_IGN);  // cannot fail for a valid signal number
    } else if (app.get_option("--auth-token-file")->count() > 0 ||
               std::getenv(env_name("--auth-token-file").c_str()) != nullptr) {
        // Most likely an unset shell variable expanded to nothing: refuse rather than serve
        // without the authentication that was asked for.
        std::cerr << "objpool-graphql: --auth-token-file is empty; leave it out to run without "
                     "authentication\n";
        return 2;
    }
    try {
        serve(settings, auth.get());
        std::printf("objpool-graphql stopped\n");
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "objpool-graphql: " << e.what() << "\n";
        return 1;
    }
}
