#include <objpool_catch.hpp>

#include <string>

#include "memory_store.hpp"
#include "metrics.hpp"

using namespace objpool_graphql;

namespace {
bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}
}  // namespace

TEST_CASE("metrics: pool gauges, field counters, histogram", "[metrics]") {
    store::MemoryStore pools(100);
    pools.create("default", 10, store::Policy::Fifo);
    pools.create("we\"ird\\", 5, store::Policy::Lifo);
    (void)pools.get("default");
    Metrics metrics;
    metrics.count_field(RootField::GetObject);
    metrics.count_field(RootField::GetObject);
    metrics.count_field_error(RootField::FreeObject, "NOT_ALLOCATED");
    metrics.count_field_error(RootField::FreeObject, "SOMETHING_ELSE");
    metrics.observe_request(RequestType::Mutation, false, 0.0003);
    metrics.observe_request(RequestType::Invalid, true, 3.0);
    metrics.count_response(200);
    metrics.count_response(413);

    const auto text = metrics.render(pools);
    CHECK(contains(text, "# TYPE objpool_pool_capacity gauge\n"));
    CHECK(contains(text, "objpool_pool_capacity{pool=\"default\"} 10\n"));
    CHECK(contains(text, "objpool_pool_allocated{pool=\"default\"} 1\n"));
    CHECK(contains(text, "objpool_pool_available{pool=\"default\"} 9\n"));
    CHECK(contains(text, "objpool_pool_capacity{pool=\"we\\\"ird\\\\\"} 5\n"));
    CHECK(contains(text, "objpool_graphql_field_requests_total{field=\"getObject\"} 2\n"));
    CHECK(contains(
        text,
        "objpool_graphql_field_errors_total{field=\"freeObject\",code=\"NOT_ALLOCATED\"} 1\n"));
    CHECK(contains(
        text, "objpool_graphql_field_errors_total{field=\"freeObject\",code=\"INTERNAL\"} 1\n"));
    CHECK(contains(text, "objpool_graphql_requests_total{type=\"mutation\"} 1\n"));
    CHECK(contains(text, "objpool_graphql_request_errors_total{type=\"invalid\"} 1\n"));
    CHECK(contains(
        text,
        "objpool_graphql_request_duration_seconds_bucket{type=\"mutation\",le=\"0.00025\"} 0\n"));
    CHECK(contains(
        text,
        "objpool_graphql_request_duration_seconds_bucket{type=\"mutation\",le=\"0.0005\"} 1\n"));
    CHECK(contains(
        text, "objpool_graphql_request_duration_seconds_bucket{type=\"invalid\",le=\"2.5\"} 0\n"));
    CHECK(contains(
        text, "objpool_graphql_request_duration_seconds_bucket{type=\"invalid\",le=\"+Inf\"} 1\n"));
    CHECK(contains(text, "objpool_graphql_request_duration_seconds_count{type=\"mutation\"} 1\n"));
    CHECK(contains(text, "objpool_http_responses_total{code=\"413\"} 1\n"));
}

TEST_CASE("metrics: label escaping", "[metrics]") {
    CHECK(escape_label_value("plain") == "plain");
    CHECK(escape_label_value("a\"b\\c\nd") == "a\\\"b\\\\c\\nd");
}
