#include "http_handler.hpp"

#include <charconv>
#include <cstdlib>
#include <exception>

#include <boost/json/monotonic_resource.hpp>
#include <gql/engine.hpp>
#include <nlohmann/json.hpp>

#include "ascii.hpp"
#include "bearer_auth.hpp"
#include "metrics.hpp"
#include "playground.hpp"
#include "pool_store.hpp"
#include "request_checks.hpp"
#include "request_json.hpp"

namespace objpool_graphql {

namespace {

constexpr std::string_view graphql_response_json = "application/graphql-response+json";
constexpr std::string_view json_type = "application/json";

template <class Headers>
std::optional<std::string_view> find_header(const Headers& headers,
                                            std::string_view name) noexcept {
    for (const auto& [key, value] : headers) {
        if (iequals(key, name)) {
            return std::string_view(value);
        }
    }
    return std::nullopt;
}

std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%') {
            if (i + 2 >= s.size()) {
                return std::nullopt;
            }
            // Exactly two hex digits: from_chars takes no sign, prefix or space.
            unsigned byte = 0;
            const char* digits = s.data() + i + 1;
            const auto [end, error] = std::from_chars(digits, digits + 2, byte, 16);
            if (error != std::errc() || end != digits + 2) {
                return std::nullopt;
            }
            out += static_cast<char>(byte);
            i += 2;
        } else if (plus_is_space && s[i] == '+') {
            out += ' ';
        } else {
            out += s[i];
        }
    }
    return out;
}

std::string_view content_type_of(MediaType media) noexcept {
    return media == MediaType::GraphqlResponseJson
               ? "application/graphql-response+json; charset=utf-8"
               : "application/json; charset=utf-8";
}

HttpResponse text_response(int status, std::string body,
                           std::string_view content_type = "text/plain; charset=utf-8") {
    HttpResponse response;
    response.status = status;
    response.headers.emplace_back("Content-Type", content_type);
    response.body = std::move(body);
    return response;
}

// Compact JSON text; invalid UTF-8 in strings (which the engine may echo from a query) becomes
// U+FFFD rather than an exception.
template <class Json>
std::string json_text(const Json& value) {
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// A request error in the GraphQL response format: {"errors":[{"message":...}]}.
HttpResponse error_response(int status, MediaType media, std::string_view message) {
    nlohmann::json body = {{"errors", nlohmann::json::array({{{"message", message}}})}};
    return text_response(status, json_text(body), content_type_of(media));
}

HttpResponse method_not_allowed(std::string_view allow, MediaType media, std::string_view message) {
    auto response = error_response(405, media, message);
    response.headers.emplace_back("Allow", allow);
    return response;
}

// The parameters of a GraphQL-over-HTTP request, whichever method carried them.
struct GraphqlParams {
    std::string query;
    nlohmann::json variables;  // null or an object
    std::string operation_name;
};

// The body's JSON lives in a stack buffer (a getObject body takes a few hundred bytes of it),
// so that parsing it does not allocate; a larger body spills to the heap.
constexpr std::size_t json_buffer_bytes = 2048;

// Fills `params` from a POST body; returns an error message when the body is not a valid request.
std::optional<std::string> params_from_body(std::string_view body, GraphqlParams& params) {
    unsigned char buffer[json_buffer_bytes];
    boost::json::monotonic_resource memory(buffer, sizeof buffer);
    boost::json::value json(&memory);
    switch (parse_client_json(body, json)) {
        case JsonError::none:
            break;
        case JsonError::too_deep:
            return "the request body nests deeper than " + std::to_string(max_json_depth) +
                   " levels";
        case JsonError::invalid:
            return "the request body is not valid JSON";
    }
    const auto* object = json.if_object();
    if (object == nullptr) {
        return "the request body must be a JSON object";
    }
    const auto* query = object->if_contains("query");
    if (query == nullptr || !query->is_string()) {
        return "the request must have a string \"query\"";
    }
    params.query = query->get_string();
    if (const auto* variables = object->if_contains("variables"); variables != nullptr) {
        if (!variables->is_null() && !variables->is_object()) {
            return "\"variables\" must be an object or null";
        }
        params.variables = to_nlohmann(*variables);
    }
    if (const auto* name = object->if_contains("operationName"); name != nullptr) {
        if (!name->is_null() && !name->is_string()) {
            return "\"operationName\" must be a string or null";
        }
        if (name->is_string()) {
            params.operation_name = name->get_string();
        }
    }
    if (const auto* extensions = object->if_contains("extensions"); extensions != nullptr) {
        if (!extensions->is_null() && !extensions->is_object()) {
            return "\"extensions\" must be an object or null";
        }
    }
    return std::nullopt;
}

std::optional<std::string> params_from_query(const Target& target, GraphqlParams& params) {
    const auto query = target.query.find("query");
    if (query == target.query.end()) {
        return "the request must have a \"query\" parameter";
    }
    for (const std::string_view name : {"query", "variables", "operationName", "extensions"}) {
        const auto parameter = target.query.find(name);
        if (parameter != target.query.end() && !is_valid_utf8(parameter->second)) {
            return "the \"" + std::string(name) + "\" parameter is not valid UTF-8";
        }
    }
    params.query = query->second;
    if (const auto variables = target.query.find("variables");
        variables != target.query.end() && !variables->second.empty()) {
        boost::json::value json;
        const auto error = parse_client_json(variables->second, json);
        if (error == JsonError::too_deep) {
            return "the \"variables\" parameter nests deeper than " +
                   std::to_string(max_json_depth) + " levels";
        }
        if (error == JsonError::invalid || (!json.is_null() && !json.is_object())) {
            return "the \"variables\" parameter must be a JSON object";
        }
        params.variables = to_nlohmann(json);
    }
    if (const auto name = target.query.find("operationName"); name != target.query.end()) {
        params.operation_name = name->second;
    }
    return std::nullopt;
}

// The probes answer without credentials. Matched on the raw path (before '?', not decoded), so any
// other spelling of them needs a token like every other path.
bool needs_no_credentials(std::string_view target) noexcept {
    const auto path = target.substr(0, target.find('?'));
    return path == "/healthz" || path == "/readyz";
}

// RFC 6750, 3: a request without credentials gets the bare challenge; one with a token that is not
// accepted gets error="invalid_token" too. Neither says more about the tokens.
HttpResponse unauthorized(AuthResult result) {
    const bool presented = result == AuthResult::InvalidToken;
    auto response = error_response(
        401, MediaType::Json,
        presented ? "the bearer token is not accepted"
                  : "authentication required: send the header Authorization: Bearer <token>");
    response.headers.emplace_back("WWW-Authenticate",
                                  presented ? R"(Bearer realm="objpool", error="invalid_token")"
                                            : R"(Bearer realm="objpool")");
    return response;
}

bool is_json_content_type(std::optional<std::string_view> content_type) noexcept {
    if (!content_type) {
        return false;
    }
    auto media = *content_type;
    if (const auto semicolon = media.find(';'); semicolon != std::string_view::npos) {
        media = media.substr(0, semicolon);
    }
    return iequals(trim(media), json_type);
}

}  // namespace

std::optional<std::string_view> HttpRequest::header(std::string_view name) const noexcept {
    return find_header(headers, name);
}

std::optional<std::string_view> HttpResponse::header(std::string_view name) const noexcept {
    return find_header(headers, name);
}

std::optional<Target> parse_target(std::string_view target) {
    Target result;
    const auto question = target.find('?');
    auto path = percent_decode(target.substr(0, question), false);
    if (!path) {
        return std::nullopt;
    }
    result.path = std::move(*path);
    if (question == std::string_view::npos) {
        return result;
    }
    auto rest = target.substr(question + 1);
    if (const auto hash = rest.find('#'); hash != std::string_view::npos) {
        rest = rest.substr(0, hash);
    }
    while (!rest.empty()) {
        const auto amp = rest.find('&');
        const auto pair = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
        if (pair.empty()) {
            continue;
        }
        const auto equals = pair.find('=');
        auto name = percent_decode(pair.substr(0, equals), true);
        auto value = percent_decode(
            equals == std::string_view::npos ? std::string_view{} : pair.substr(equals + 1), true);
        if (!name || !value) {
            return std::nullopt;
        }
        result.query.emplace(std::move(*name), std::move(*value));  // the first value wins
    }
    return result;
}

std::optional<MediaType> negotiate(std::optional<std::string_view> accept) {
    if (!accept || trim(*accept).empty()) {
        return MediaType::Json;
    }
    std::optional<MediaType> best;
    double best_q = 0.0;
    auto rest = *accept;
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        auto range = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        double q = 1.0;
        auto media = range;
        if (const auto semicolon = range.find(';'); semicolon != std::string_view::npos) {
            media = range.substr(0, semicolon);
            auto params = range.substr(semicolon + 1);
            while (!params.empty()) {
                const auto next = params.find(';');
                const auto param = trim(params.substr(0, next));
                params =
                    next == std::string_view::npos ? std::string_view{} : params.substr(next + 1);
                if (param.size() > 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
                    q = std::strtod(std::string(param.substr(2)).c_str(), nullptr);
                }
            }
        }
        media = trim(media);
        std::optional<MediaType> candidate;
        if (iequals(media, graphql_response_json)) {
            candidate = MediaType::GraphqlResponseJson;
        } else if (iequals(media, json_type) || iequals(media, "application/*") ||
                   iequals(media, "*/*")) {
            candidate = MediaType::Json;
        }
        if (!candidate || q <= 0.0) {
            continue;
        }
        // Higher q wins; on a tie the first listed wins, except that the specific
        // graphql-response+json type beats application/json and wildcards.
        if (!best || q > best_q || (q == best_q && *candidate == MediaType::GraphqlResponseJson)) {
            best = candidate;
            best_q = q;
        }
    }
    return best;
}

RequestHandler::RequestHandler(const gql::Engine& engine, store::PoolStore& pools, Metrics& metrics,
                               HandlerOptions options)
    : engine_(engine), pools_(pools), metrics_(metrics), options_(options) {}

HttpResponse RequestHandler::handle(const HttpRequest& request) const {
    HttpResponse response;
    try {
        response = route(request);
    } catch (const std::exception& e) {
        response = error_response(500, MediaType::Json, std::string("internal error: ") + e.what());
    }
    metrics_.count_response(response.status);
    return response;
}

HttpResponse RequestHandler::transport_error(int status, std::string_view message) const {
    auto response = error_response(status, MediaType::Json, message);
    metrics_.count_response(status);
    return response;
}

HttpResponse RequestHandler::route(const HttpRequest& request) const {
    if (options_.auth != nullptr && !needs_no_credentials(request.target)) {
        const auto result = options_.auth->check(request.header("Authorization"));
        if (result != AuthResult::Accepted) {
            return unauthorized(result);
        }
    }
    const auto target = parse_target(request.target);
    if (!target) {
        return text_response(400, "malformed request target\n");
    }
    if (target->path == "/graphql") {
        return handle_graphql(request, *target);
    }
    if (options_.playground &&
        target->path.compare(0, playground_prefix.size(), playground_prefix) == 0) {
        // Matched on the raw path (no percent-decoding): only the exact embedded names are served.
        return playground_asset(request.method, request.target.substr(0, request.target.find('?')));
    }

    const bool get = request.method == "GET";
    if (target->path == "/healthz") {
        return get ? text_response(200, "ok")
                   : method_not_allowed("GET", MediaType::Json, "use GET");
    }
    if (target->path == "/readyz") {
        if (!get) {
            return method_not_allowed("GET", MediaType::Json, "use GET");
        }
        try {
            pools_.ping();
            return text_response(200, "ready");
        } catch (const store::Unavailable& e) {
            return text_response(503, std::string("store unavailable: ") + e.what());
        }
    }
    if (target->path == "/metrics") {
        return get ? text_response(200, metrics_.render(pools_),
                                   "text/plain; version=0.0.4; charset=utf-8")
                   : method_not_allowed("GET", MediaType::Json, "use GET");
    }
    if (target->path == "/schema.graphql") {
        return get ? text_response(200, engine_.schema_text(), "text/plain; charset=utf-8")
                   : method_not_allowed("GET", MediaType::Json, "use GET");
    }
    return text_response(404, "not found\n");
}

HttpResponse RequestHandler::handle_graphql(const HttpRequest& request,
                                            const Target& target) const {
    const auto start = std::chrono::steady_clock::now();
    const auto finish = [&](RequestType type, HttpResponse response, bool had_errors) {
        const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
        metrics_.observe_request(type, had_errors, elapsed.count());
        return response;
    };
    const auto reject = [&](HttpResponse response) {
        return finish(RequestType::Invalid, std::move(response), true);
    };

    const bool is_get = request.method == "GET";
    if (!is_get && request.method != "POST") {
        return reject(
            method_not_allowed("GET, POST", MediaType::Json, "/graphql accepts GET and POST"));
    }
    // A browser's GET without a `query` parameter (Accept: text/html) gets the GraphiQL page,
    // before content negotiation and parameter checks would reject it. Not a GraphQL request, so
    // not observed as one.
    if (options_.playground && wants_playground_page(request, target)) {
        return playground_page();
    }
    const auto media = negotiate(request.header("Accept"));
    if (!media) {
        return reject(
            error_response(406, MediaType::Json,
                           "acceptable response types: application/graphql-response+json, "
                           "application/json"));
    }

    GraphqlParams params;
    std::optional<std::string> bad_request;
    if (is_get) {
        bad_request = params_from_query(target, params);
    } else {
        if (!is_json_content_type(request.header("Content-Type"))) {
            return reject(error_response(415, *media, "the request body must be application/json"));
        }
        if (request.body.size() > options_.max_body_bytes) {
            return reject(error_response(413, *media,
                                         "the request body is larger than " +
                                             std::to_string(options_.max_body_bytes) + " bytes"));
        }
        bad_request = params_from_body(request.body, params);
    }
    if (bad_request) {
        return reject(error_response(400, *media, *bad_request));
    }

    const auto plan = engine_.prepare(params.query, params.operation_name);
    // The spec's status codes: with application/json every well-formed request gets 200; with
    // application/graphql-response+json a request error (no "data") gets 400.
    const int request_error_status = *media == MediaType::GraphqlResponseJson ? 400 : 200;
    if (!plan.document) {
        return reject(text_response(request_error_status,
                                    json_text(nlohmann::json{{"errors", plan.errors}}),
                                    content_type_of(*media)));
    }
    if (plan.operation_type != gql::OperationType::Query && is_get) {
        return reject(
            method_not_allowed("POST", *media, "only queries may be sent with GET; use POST"));
    }
    const auto type = plan.operation_type == gql::OperationType::Mutation ? RequestType::Mutation
                                                                          : RequestType::Query;
    // Serialised in GraphQL order ("data" first, fields as selected), with no conversion to a
    // key-sorted copy.
    const auto result = engine_.execute_ordered(plan, params.variables);
    const bool executed = result.contains("data");
    const bool had_errors = result.contains("errors");
    return finish(executed ? type : RequestType::Invalid,
                  text_response(executed ? 200 : request_error_status, json_text(result),
                                content_type_of(*media)),
                  had_errors);
}

}  // namespace objpool_graphql
