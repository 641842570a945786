// The server's HTTP semantics as a plain function of the request: no sockets, so unit tests can
// drive every route, status code and content negotiation rule directly.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gql {
class Engine;
}

namespace objpool_graphql {

namespace store {
class PoolStore;
}
class Metrics;
class BearerAuth;

/// @brief One parsed HTTP request. Views point into storage owned by the caller.
struct HttpRequest {
    std::string_view method;  ///< "GET", "POST", ...
    std::string_view
        target;  ///< as on the request line: path, then optionally '?' and a query string
    std::vector<std::pair<std::string_view, std::string_view>> headers;  ///< names in any case
    std::string_view body;

    /// @brief The first header called `name` (case-insensitive), or nullopt.
    [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const noexcept;
};

/// @brief The response to send. Content-Length (and Date, Server, Connection) are the
/// transport's business.
struct HttpResponse {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    /// @brief The first header called `name` (case-insensitive), or nullopt.
    [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const noexcept;
};

/// @brief A request target split into its path and decoded query parameters.
struct Target {
    std::string path;
    std::map<std::string, std::string, std::less<>> query;  ///< the first value of each name
};

/// @brief Splits and percent-decodes a request target ('+' is a space in the query).
/// @return nullopt for a malformed escape.
[[nodiscard]] std::optional<Target> parse_target(std::string_view target);

/// @brief The response media types of GraphQL over HTTP.
enum class MediaType { GraphqlResponseJson, Json };

/// @brief Picks the response media type for an Accept header (absent = application/json;
/// "*/*" and "application/*" = application/json). nullopt when nothing acceptable is offered.
[[nodiscard]] std::optional<MediaType> negotiate(std::optional<std::string_view> accept);

/// @brief Settings of the request handler.
struct HandlerOptions {
    std::size_t max_body_bytes = std::size_t{1024} * 1024;  ///< larger bodies get 413
    bool playground =
        true;  ///< serve the GraphiQL page and /playground/ assets (see playground.hpp)
    /// When set (--auth-token-file), every request but those to /healthz and /readyz needs an
    /// `Authorization: Bearer` header with one of its tokens, else gets 401 and has no other
    /// effect. Must outlive the handler.
    const BearerAuth* auth = nullptr;
};

/// @brief Routes requests: POST/GET /graphql, GET /schema.graphql, /healthz (liveness: the process
/// answers), /readyz (readiness: 200 when the pool store answers, else 503), /metrics, and the
/// playground (GET /graphql from a browser, /playground/*). With HandlerOptions::auth, a request
/// without an accepted bearer token gets 401 before it is routed (/healthz and /readyz excepted).
/// Thread-safe: handle() may run on many threads at once.
class RequestHandler {
public:
    RequestHandler(const gql::Engine& engine, store::PoolStore& pools, Metrics& metrics,
                   HandlerOptions options);

    /// @brief The response to `request`. Never throws: failures become 500 responses.
    [[nodiscard]] HttpResponse handle(const HttpRequest& request) const;

    /// @brief The response for a request the transport rejected before it could be handled
    /// (413 body too large, 431 head too large, 400 malformed HTTP): a GraphQL-style error body,
    /// counted in the metrics like every other response.
    [[nodiscard]] HttpResponse transport_error(int status, std::string_view message) const;

private:
    [[nodiscard]] HttpResponse handle_graphql(const HttpRequest& request,
                                              const Target& target) const;
    [[nodiscard]] HttpResponse route(const HttpRequest& request) const;

    const gql::Engine& engine_;
    store::PoolStore& pools_;
    Metrics& metrics_;
    HandlerOptions options_;
};

}  // namespace objpool_graphql
