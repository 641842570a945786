// Counters and a latency histogram, rendered in the Prometheus text exposition format (0.0.4).
// Every update is a relaxed atomic increment: no lock on the request path.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace objpool_graphql {

namespace store {
class PoolStore;
}

/// @brief The root fields of the schema: the `field` label of the per-operation counters.
enum class RootField {
    Pool,
    Pools,
    IsAllocated,
    CreatePool,
    DeletePool,
    GetObject,
    FreeObject,
    AcquireLease,
    RenewLease,
    ReleaseLease
};
inline constexpr std::size_t root_field_count = 10;
[[nodiscard]] std::string_view root_field_name(RootField field) noexcept;

/// @brief What kind of GraphQL request reached /graphql: the `type` label of the request metrics.
/// Invalid: rejected before execution (bad HTTP/JSON, syntax or validation error, GET mutation...).
enum class RequestType { Query, Mutation, Invalid };
inline constexpr std::size_t request_type_count = 3;
[[nodiscard]] std::string_view request_type_name(RequestType type) noexcept;

/// @brief The error codes resolvers report (extensions.code), plus INTERNAL for anything else.
/// INTERNAL stays last: unknown codes count as it.
inline constexpr std::array<std::string_view, 8> error_codes = {
    "NOT_ALLOCATED", "NO_SUCH_POOL", "POOL_EXISTS", "BAD_CAPACITY",
    "BAD_TTL",       "STALE_LEASE",  "UNAVAILABLE", "INTERNAL"};

/// @brief The server's metrics. All members are safe to call from any thread.
class Metrics {
public:
    /// Upper bounds (seconds) of the latency histogram buckets; +Inf is implied.
    static constexpr std::array<double, 14> latency_bounds = {
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5};

    /// @brief A root field was resolved (once per occurrence in a document, aliases included).
    void count_field(RootField field) noexcept;
    /// @brief A root field's resolver failed with `code` (unknown codes count as INTERNAL).
    void count_field_error(RootField field, std::string_view code) noexcept;
    /// @brief A /graphql request finished: its type, whether the response carried errors,
    /// and how long handling took (parse to serialised response).
    void observe_request(RequestType type, bool had_errors, double seconds) noexcept;
    /// @brief Any HTTP response, by status code.
    void count_response(int status) noexcept;

    /// @brief The whole exposition, pool gauges read from `pools` at call time (none while the
    /// store cannot be reached).
    [[nodiscard]] std::string render(store::PoolStore& pools) const;

private:
    using Counter = std::atomic<std::uint64_t>;
    // One full set of counters per shard, each shard on cache lines of its own. A thread always
    // updates the same shard (picked round-robin at its first update), so the event-loop threads
    // do not bounce counter cache lines between cores on every request; render() adds the
    // shards up.
    struct alignas(64) Shard {
        std::array<Counter, root_field_count> field_calls{};
        std::array<std::array<Counter, error_codes.size()>, root_field_count> field_errors{};
        std::array<Counter, request_type_count> requests{};
        std::array<Counter, request_type_count> request_errors{};
        std::array<std::array<Counter, latency_bounds.size() + 1>, request_type_count>
            latency_buckets{};
        std::array<Counter, request_type_count> latency_sum_ns{};
        std::array<Counter, 600> responses{};
    };
    static constexpr std::size_t shard_count = 8;

    Shard& shard() noexcept;
    // The sum over the shards of the counter `select` picks from a shard.
    template <class Select>
    [[nodiscard]] std::uint64_t total(Select select) const noexcept {
        std::uint64_t sum = 0;
        for (const Shard& s : shards_) {
            sum += select(s).load(std::memory_order_relaxed);
        }
        return sum;
    }

    // The parts of render(), each appending its metric families to `out`.
    static void render_pools(std::string& out, store::PoolStore& store);
    void render_fields(std::string& out) const;
    void render_requests(std::string& out) const;
    void render_latency(std::string& out) const;
    void render_responses(std::string& out) const;

    std::array<Shard, shard_count> shards_{};
};

/// @brief Escapes a Prometheus label value (backslash, double quote, newline).
[[nodiscard]] std::string escape_label_value(std::string_view value);

}  // namespace objpool_graphql
