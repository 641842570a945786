// Runs N churn pairs of one implementation, for counting instructions with callgrind:
//
//   objpool_bench_instructions --list
//   valgrind --tool=callgrind objpool_bench_instructions "IdPool<Lifo>" 100000
//   valgrind --tool=callgrind objpool_bench_instructions "IdPool<Lifo>" 0
//
// Everything but the loop is identical between the two runs, so the difference of the two
// instruction totals divided by N is the cost of one get+free pair, loop and
// benchmark::DoNotOptimize included (the same loop body as the timed churn workload).
// benchmarks/instructions.py does exactly that for every implementation.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "implementations.hpp"

namespace objpool_bench {
namespace {

constexpr std::size_t pool_size = 1'000;

template <class Impl>
[[gnu::noinline]] void churn_pairs(Impl& impl, std::size_t pairs) {
    for (std::size_t i = 0; i < pairs; ++i) {
        auto handle = impl.get();
        benchmark::DoNotOptimize(handle);
        impl.free(handle);
    }
}

template <class Impl>
void run(std::size_t pairs) {
    Impl impl(pool_size);
    std::vector<typename Impl::Handle> out;
    out.reserve(pool_size / 2);
    for (std::size_t i = 0; i < pool_size / 2; ++i) {
        out.push_back(impl.get());
    }
    churn_pairs(impl, pairs);
    for (std::size_t i = out.size(); i-- > 0;) {
        impl.free(out[i]);
    }
}

}  // namespace
}  // namespace objpool_bench

int main(int argc, char** argv) {
    using namespace objpool_bench;
    if (argc == 2 && std::string(argv[1]) == "--list") {
        for_each_implementation(
            [](auto type) { std::puts(implementation_name<typename decltype(type)::type>().c_str()); });
        return 0;
    }
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s --list | %s <implementation> <pairs>\n", argv[0], argv[0]);
        return 2;
    }
    const std::string wanted = argv[1];
    const auto pairs = static_cast<std::size_t>(std::strtoull(argv[2], nullptr, 10));
    bool found = false;
    for_each_implementation([&](auto type) {
        using Impl = typename decltype(type)::type;
        if (!found && implementation_name<Impl>() == wanted) {
            found = true;
            run<Impl>(pairs);
        }
    });
    if (!found) {
        std::fprintf(stderr, "unknown implementation '%s' (see --list)\n", wanted.c_str());
        return 2;
    }
    return 0;
}
