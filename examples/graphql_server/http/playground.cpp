#include "playground.hpp"

#include <cctype>
#include <string>
#include <utility>

namespace objpool_graphql {

namespace {

// The headers every playground response carries.
void add_security_headers(HttpResponse& response) {
    response.headers.emplace_back("Content-Security-Policy", playground_csp);
    response.headers.emplace_back("X-Content-Type-Options", "nosniff");
    response.headers.emplace_back("Referrer-Policy", "no-referrer");
}

HttpResponse plain(int status, std::string body) {
    HttpResponse response;
    response.status = status;
    response.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
    response.headers.emplace_back("Cache-Control", "no-store");
    add_security_headers(response);
    response.body = std::move(body);
    return response;
}

bool contains_ignoring_case(std::string_view text, std::string_view word) {
    if (word.size() > text.size()) {
        return false;
    }
    for (std::size_t i = 0; i + word.size() <= text.size(); ++i) {
        bool match = true;
        for (std::size_t j = 0; j < word.size() && match; ++j) {
            match = std::tolower(static_cast<unsigned char>(text[i + j])) ==
                    std::tolower(static_cast<unsigned char>(word[j]));
        }
        if (match) {
            return true;
        }
    }
    return false;
}

}  // namespace

bool playground_available() noexcept {
    return playground_data::unavailable_reason.empty();
}

bool wants_playground_page(const HttpRequest& request, const Target& target) {
    if (request.method != "GET" || target.query.count("query") != 0) {
        return false;
    }
    const auto accept = request.header("Accept");
    return accept && contains_ignoring_case(*accept, "text/html");
}

HttpResponse playground_page() {
    if (!playground_available()) {
        return plain(
            503, "The GraphQL playground is not available: " +
                     std::string(playground_data::unavailable_reason) +
                     ".\nRebuild objpool-graphql with npm and the npm registry reachable (and "
                     "OBJPOOL_GRAPHQL_PLAYGROUND=ON); see docs/graphql-server.md. GraphQL itself "
                     "works: POST /graphql.\n");
    }
    HttpResponse response;
    response.headers.emplace_back("Content-Type", "text/html; charset=utf-8");
    // Always revalidate the page, so a new build's asset names are picked up at once.
    response.headers.emplace_back("Cache-Control", "no-cache");
    // GET /graphql answers HTML or JSON depending on Accept.
    response.headers.emplace_back("Vary", "Accept");
    add_security_headers(response);
    response.body = std::string(playground_data::page);
    return response;
}

HttpResponse playground_asset(std::string_view method, std::string_view raw_path) {
    // Exact comparison with the fixed table: no decoding, no normalisation, no file system, so
    // "..", "%2e%2e", "%2f" and absolute paths can only ever miss.
    for (std::size_t i = 0; i < playground_data::asset_count; ++i) {
        const auto& asset = playground_data::assets[i];
        if (asset.path != raw_path) {
            continue;
        }
        if (method != "GET") {
            auto response = plain(405, "use GET\n");
            response.headers.emplace_back("Allow", "GET");
            return response;
        }
        HttpResponse response;
        response.headers.emplace_back("Content-Type", asset.content_type);
        // The path holds the content hash: the bytes behind it never change.
        response.headers.emplace_back("Cache-Control", "public, max-age=31536000, immutable");
        add_security_headers(response);
        response.body = std::string(asset.bytes);
        return response;
    }
    return plain(404, "not found\n");
}

}  // namespace objpool_graphql
