#include "metrics.hpp"

#include <cstdio>
#include <tuple>
#include <vector>

#include "pool_store.hpp"

namespace objpool_graphql {

std::string_view root_field_name(RootField field) noexcept {
    switch (field) {
        case RootField::Pool:
            return "pool";
        case RootField::Pools:
            return "pools";
        case RootField::IsAllocated:
            return "isAllocated";
        case RootField::CreatePool:
            return "createPool";
        case RootField::DeletePool:
            return "deletePool";
        case RootField::GetObject:
            return "getObject";
        case RootField::FreeObject:
            return "freeObject";
        case RootField::AcquireLease:
            return "acquireLease";
        case RootField::RenewLease:
            return "renewLease";
        case RootField::ReleaseLease:
            return "releaseLease";
    }
    return "unknown";
}

std::string_view request_type_name(RequestType type) noexcept {
    switch (type) {
        case RequestType::Query:
            return "query";
        case RequestType::Mutation:
            return "mutation";
        case RequestType::Invalid:
            return "invalid";
    }
    return "invalid";
}

std::string escape_label_value(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        switch (c) {
            case '\\':
                out += "\\\\";
                break;
            case '"':
                out += "\\\"";
                break;
            case '\n':
                out += "\\n";
                break;
            default:
                out += c;
        }
    }
    return out;
}

Metrics::Shard& Metrics::shard() noexcept {
    static std::atomic<std::size_t> next{0};
    thread_local const std::size_t index =
        next.fetch_add(1, std::memory_order_relaxed) % shard_count;
    return shards_[index];
}

void Metrics::count_field(RootField field) noexcept {
    shard().field_calls[static_cast<std::size_t>(field)].fetch_add(1, std::memory_order_relaxed);
}

void Metrics::count_field_error(RootField field, std::string_view code) noexcept {
    std::size_t index = error_codes.size() - 1;  // INTERNAL
    for (std::size_t i = 0; i < error_codes.size(); ++i) {
        if (error_codes[i] == code) {
            index = i;
        }
    }
    shard().field_errors[static_cast<std::size_t>(field)][index].fetch_add(
        1, std::memory_order_relaxed);
}

void Metrics::observe_request(RequestType type, bool had_errors, double seconds) noexcept {
    const auto t = static_cast<std::size_t>(type);
    Shard& counters = shard();
    counters.requests[t].fetch_add(1, std::memory_order_relaxed);
    if (had_errors) {
        counters.request_errors[t].fetch_add(1, std::memory_order_relaxed);
    }
    std::size_t bucket = 0;
    while (bucket < latency_bounds.size() && seconds > latency_bounds[bucket]) {
        ++bucket;
    }
    counters.latency_buckets[t][bucket].fetch_add(1, std::memory_order_relaxed);
    counters.latency_sum_ns[t].fetch_add(static_cast<std::uint64_t>(seconds * 1e9),
                                         std::memory_order_relaxed);
}

void Metrics::count_response(int status) noexcept {
    if (status >= 100 && status < static_cast<int>(std::tuple_size_v<decltype(Shard::responses)>)) {
        shard().responses[static_cast<std::size_t>(status)].fetch_add(1, std::memory_order_relaxed);
    }
}

namespace {

void append_number(std::string& out, double value) {
    char buffer[32];
    // "%.9g" of a double needs at most 16 bytes: the buffer cannot truncate.
    (void)std::snprintf(buffer, sizeof buffer, "%.9g", value);
    out += buffer;
}

void append_header(std::string& out, std::string_view name, std::string_view type,
                   std::string_view help) {
    out.append("# HELP ").append(name).append(" ").append(help).append("\n");
    out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

}  // namespace

std::string Metrics::render(store::PoolStore& pools) const {
    std::string out;
    out.reserve(8192);
    render_pools(out, pools);
    render_fields(out);
    render_requests(out);
    render_latency(out);
    render_responses(out);
    return out;
}

void Metrics::render_pools(std::string& out, store::PoolStore& store) {
    using store::PoolStats;
    // The request counters matter most when the store is down: it costs the pool gauges only.
    std::vector<PoolStats> pools;
    bool store_up = true;
    try {
        pools = store.all();
    } catch (const store::Unavailable&) {
        store_up = false;
    }
    append_header(out, "objpool_store_up", "gauge",
                  "1 when the pool store answered this scrape, 0 when it could not be reached.");
    out.append("objpool_store_up ").append(store_up ? "1" : "0").append("\n");
    const auto pool_gauge = [&](std::string_view name, std::string_view help, auto value_of) {
        append_header(out, name, "gauge", help);
        for (const auto& pool : pools) {
            out.append(name)
                .append("{pool=\"")
                .append(escape_label_value(pool.name))
                .append("\"} ");
            out.append(std::to_string(value_of(pool))).append("\n");
        }
    };
    pool_gauge("objpool_pool_capacity", "Ids the pool manages.",
               [](const PoolStats& p) { return p.capacity; });
    pool_gauge("objpool_pool_allocated", "Ids currently out.",
               [](const PoolStats& p) { return p.allocated; });
    pool_gauge("objpool_pool_available", "Ids that can still be handed out.",
               [](const PoolStats& p) { return p.available; });
}

void Metrics::render_fields(std::string& out) const {
    append_header(out, "objpool_graphql_field_requests_total", "counter",
                  "Root fields resolved, by root field name (once per occurrence in a document).");
    for (std::size_t f = 0; f < root_field_count; ++f) {
        out.append("objpool_graphql_field_requests_total{field=\"")
            .append(root_field_name(static_cast<RootField>(f)))
            .append("\"} ")
            .append(std::to_string(
                total([f](const Shard& s) -> const Counter& { return s.field_calls[f]; })))
            .append("\n");
    }
    append_header(out, "objpool_graphql_field_errors_total", "counter",
                  "Root fields that failed, by root field name and error code.");
    for (std::size_t f = 0; f < root_field_count; ++f) {
        for (std::size_t c = 0; c < error_codes.size(); ++c) {
            const auto value =
                total([f, c](const Shard& s) -> const Counter& { return s.field_errors[f][c]; });
            if (value == 0) {
                continue;
            }
            out.append("objpool_graphql_field_errors_total{field=\"")
                .append(root_field_name(static_cast<RootField>(f)))
                .append("\",code=\"")
                .append(error_codes[c])
                .append("\"} ")
                .append(std::to_string(value))
                .append("\n");
        }
    }
}

void Metrics::render_requests(std::string& out) const {
    using PerType = std::array<Counter, request_type_count>;
    const auto per_type = [&](std::string_view name, std::string_view help,
                              PerType Shard::*member) {
        append_header(out, name, "counter", help);
        for (std::size_t t = 0; t < request_type_count; ++t) {
            out.append(name)
                .append("{type=\"")
                .append(request_type_name(static_cast<RequestType>(t)));
            const auto value =
                total([&](const Shard& s) -> const Counter& { return (s.*member)[t]; });
            out.append("\"} ").append(std::to_string(value)).append("\n");
        }
    };
    per_type("objpool_graphql_requests_total", "GraphQL requests to /graphql, by operation type.",
             &Shard::requests);
    per_type("objpool_graphql_request_errors_total",
             "GraphQL requests to /graphql whose response carried errors, by operation type.",
             &Shard::request_errors);
}

void Metrics::render_latency(std::string& out) const {
    const std::string histogram = "objpool_graphql_request_duration_seconds";
    append_header(out, histogram, "histogram",
                  "Time to handle a /graphql request (body parsed to response serialised), by "
                  "operation type.");
    for (std::size_t t = 0; t < request_type_count; ++t) {
        const std::string type(request_type_name(static_cast<RequestType>(t)));
        std::uint64_t cumulative = 0;
        for (std::size_t b = 0; b <= latency_bounds.size(); ++b) {
            cumulative +=
                total([t, b](const Shard& s) -> const Counter& { return s.latency_buckets[t][b]; });
            out.append(histogram).append("_bucket{type=\"").append(type).append("\",le=\"");
            if (b < latency_bounds.size()) {
                append_number(out, latency_bounds[b]);
            } else {
                out.append("+Inf");
            }
            out.append("\"} ").append(std::to_string(cumulative)).append("\n");
        }
        out.append(histogram).append("_sum{type=\"").append(type).append("\"} ");
        const auto sum_ns =
            total([t](const Shard& s) -> const Counter& { return s.latency_sum_ns[t]; });
        append_number(out, static_cast<double>(sum_ns) / 1e9);
        out.append("\n");
        out.append(histogram).append("_count{type=\"").append(type).append("\"} ");
        out.append(std::to_string(cumulative)).append("\n");
    }
}

void Metrics::render_responses(std::string& out) const {
    append_header(out, "objpool_http_responses_total", "counter",
                  "HTTP responses sent, by status code.");
    for (std::size_t status = 100; status < std::tuple_size_v<decltype(Shard::responses)>;
         ++status) {
        const auto value =
            total([status](const Shard& s) -> const Counter& { return s.responses[status]; });
        if (value == 0) {
            continue;
        }
        out.append("objpool_http_responses_total{code=\"")
            .append(std::to_string(status))
            .append("\"} ");
        out.append(std::to_string(value)).append("\n");
    }
}

}  // namespace objpool_graphql
