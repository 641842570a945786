// Memory probes, printed as JSON on stdout:
//
// - bookkeeping bytes per slot at n = 10^6. objpool's pools report their own
//   (bookkeeping_bytes() / n). Every implementation, objpool's included as a cross-check, is also
//   measured: the heap in use (glibc mallinfo2: uordblks + hblkhd, chunk headers included) after
//   creating the pool and after getting all n, minus the heap in use before, minus n * 64 bytes
//   for implementations that hold the objects themselves; the larger of the two, divided by n.
// - the time to create a pool of 10^7 ids or objects and get the first one (lazy pools do
//   their set-up on the first get), median of 5, destruction excluded.
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "implementations.hpp"

namespace objpool_bench {
namespace {

constexpr std::size_t bookkeeping_n = 1'000'000;
constexpr std::size_t creation_n = 10'000'000;
constexpr int creation_runs = 5;

std::size_t heap_in_use() {
    const struct mallinfo2 info = mallinfo2();
    return info.uordblks + info.hblkhd;
}

template <class Impl, class = void>
struct reports_bookkeeping : std::false_type {};
template <class Impl>
struct reports_bookkeeping<Impl, std::void_t<decltype(std::declval<Impl&>().pool.bookkeeping_bytes())>>
    : std::true_type {};

// Implementations that allocate per object or grow on demand: there is no pool of n to create.
template <class Impl>
constexpr bool grows_on_demand = std::is_same_v<Impl, NewDelete> || std::is_same_v<Impl, PmrPool>;

template <class Impl>
double measured_bytes_per_slot() {
    std::vector<typename Impl::Handle> out;
    out.reserve(bookkeeping_n);
    std::optional<Impl> impl;
    const std::size_t before = heap_in_use();
    impl.emplace(bookkeeping_n);
    const std::size_t after_create = heap_in_use() - before;
    for (std::size_t i = 0; i < bookkeeping_n; ++i) {
        out.push_back(impl->get());
    }
    const std::size_t after_fill = heap_in_use() - before;
    for (std::size_t i = out.size(); i-- > 0;) {
        impl->free(out[i]);
    }
    const double objects = holds_objects<Impl> ? double(bookkeeping_n) * sizeof(Payload) : 0.0;
    return (double(std::max(after_create, after_fill)) - objects) / double(bookkeeping_n);
}

template <class Impl>
double creation_ms() {
    std::vector<double> runs;
    for (int run = 0; run < creation_runs; ++run) {
        std::optional<Impl> impl;
        const auto start = std::chrono::steady_clock::now();
        impl.emplace(creation_n);
        auto first = impl->get();
        const auto stop = std::chrono::steady_clock::now();
        impl->free(first);
        runs.push_back(std::chrono::duration<double, std::milli>(stop - start).count());
    }
    std::sort(runs.begin(), runs.end());
    return runs[runs.size() / 2];
}

template <class Impl>
void report(bool& first) {
    std::printf("%s\n    {\"name\": \"%s\", \"holds_objects\": %s, ", first ? "" : ",",
                implementation_name<Impl>().c_str(), holds_objects<Impl> ? "true" : "false");
    first = false;
    if constexpr (reports_bookkeeping<Impl>::value) {
        Impl impl(bookkeeping_n);
        std::printf("\"bookkeeping_bytes_per_slot\": %.4f, ",
                    double(impl.pool.bookkeeping_bytes()) / double(bookkeeping_n));
    } else {
        std::printf("\"bookkeeping_bytes_per_slot\": null, ");
    }
    std::printf("\"measured_bytes_per_slot\": %.4f, ", measured_bytes_per_slot<Impl>());
    if constexpr (grows_on_demand<Impl>) {
        std::printf("\"creation_ms\": null}");
    } else {
        std::printf("\"creation_ms\": %.6f}", creation_ms<Impl>());
    }
    std::fflush(stdout);
}

}  // namespace
}  // namespace objpool_bench

int main() {
    using namespace objpool_bench;
    std::printf("{\"bookkeeping_n\": %zu, \"creation_n\": %zu, \"implementations\": [", bookkeeping_n,
                creation_n);
    bool first = true;
    for_each_implementation([&](auto type) { report<typename decltype(type)::type>(first); });
    std::printf("\n]}\n");
    return 0;
}
