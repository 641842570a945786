// The GraphQL playground: a GraphiQL page for browsers at GET /graphql, and its assets
// (GraphiQL, React, React DOM, CSS) under /playground/. The bytes are embedded into the binary
// at build time (playground/embed.cmake), so the server needs no files and no internet.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "http_handler.hpp"

namespace objpool_graphql {

namespace playground_data {

/// @brief One embedded file, served at exactly `path`.
struct Asset {
    std::string_view path;          ///< "/playground/<content hash>/<name>"
    std::string_view content_type;  ///< the Content-Type header
    std::string_view bytes;
};

// Defined in the generated playground_assets.cpp.
extern const std::string_view page;  ///< the HTML page; empty when unavailable
extern const Asset* const assets;    ///< `asset_count` assets
extern const std::size_t asset_count;
extern const std::string_view unavailable_reason;  ///< empty when the assets are embedded

}  // namespace playground_data

/// @brief Where the assets live: every asset path starts with this.
inline constexpr std::string_view playground_prefix = "/playground/";

/// @brief The Content-Security-Policy of the page and its assets: everything from the server
/// itself; no inline scripts and no eval; inline styles allowed because GraphiQL's dialogs and
/// menus insert <style> elements; fonts and images also as data: URLs (GraphiQL's CSS embeds its
/// fonts); no framing, no forms, no <base>.
inline constexpr std::string_view playground_csp =
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'";

/// @brief Whether the assets were embedded at build time.
[[nodiscard]] bool playground_available() noexcept;

/// @brief Whether a GET /graphql asks for the page rather than for GraphQL: a browser's
/// navigation (Accept names text/html) without a `query` parameter.
[[nodiscard]] bool wants_playground_page(const HttpRequest& request, const Target& target);

/// @brief The page (200, Cache-Control: no-cache), or 503 with the reason when the server was
/// built without the assets.
[[nodiscard]] HttpResponse playground_page();

/// @brief The asset whose path is exactly `raw_path` (the request target before any '?', not
/// percent-decoded): 200 with an immutable, year-long Cache-Control; 404 for any other path,
/// since only the fixed table of embedded names is ever served; 405 for methods other than GET.
[[nodiscard]] HttpResponse playground_asset(std::string_view method, std::string_view raw_path);

}  // namespace objpool_graphql
