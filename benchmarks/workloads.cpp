// The timed benchmarks: four workloads x two sizes x every implementation (implementations.hpp),
// each reporting items_per_second as get+free pairs per second.
//
// Names are "<workload>/<implementation>/<n>", e.g. "random/IdPool<Bitmap>/1000000".
//
// Every workload starts from a fresh pool in which every slot has been used once.
//
// - churn:      n/2 out, then get one and free it, repeatedly.
// - fill-drain: get all n, then free all n in the reverse order (n pairs an iteration).
// - random:     n/2 out; each step frees the handle at a pseudo-random position (positions
//               precomputed) and puts a fresh get() there.
// - shuffle:    n/2 out; each step frees a pseudo-random batch of n/8 distinct outstanding
//               handles (windows of precomputed permutations), then gets n/8 (n/8 pairs a step).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

#include "implementations.hpp"

namespace objpool_bench {
namespace {

constexpr std::size_t sizes[] = {1'000, 1'000'000};

/// splitmix64: a fixed, portable pseudo-random sequence, so every implementation sees the same
/// positions.
class Random {
public:
    explicit Random(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next() noexcept {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31U);
    }
    std::size_t below(std::size_t bound) noexcept { return next() % bound; }

private:
    std::uint64_t state_;
};

std::size_t power_of_two_at_least(std::size_t n) {
    std::size_t power = 1;
    while (power < n) {
        power *= 2;
    }
    return power;
}

template <class Impl>
void give_back_all(Impl& impl, std::vector<typename Impl::Handle>& out) {
    for (std::size_t i = out.size(); i-- > 0;) {
        impl.free(out[i]);
    }
    out.clear();
}

/// The steady state the workloads start from: every slot used once (a fill and a drain, so
/// first-touch page faults and lazy set-up are not timed), then `count` out.
template <class Impl>
std::vector<typename Impl::Handle> take(Impl& impl, std::size_t n, std::size_t count) {
    std::vector<typename Impl::Handle> out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        out.push_back(impl.get());
    }
    give_back_all(impl, out);
    for (std::size_t i = 0; i < count; ++i) {
        out.push_back(impl.get());
    }
    return out;
}

template <class Impl>
void churn(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    Impl impl(n);
    auto out = take(impl, n, n / 2);
    for (auto _ : state) {
        auto handle = impl.get();
        benchmark::DoNotOptimize(handle);
        impl.free(handle);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
    give_back_all(impl, out);
}

template <class Impl>
void fill_drain(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    Impl impl(n);
    std::vector<typename Impl::Handle> out(n);
    const auto fill = [&] {
        for (std::size_t i = 0; i < n; ++i) {
            out[i] = impl.get();
            benchmark::DoNotOptimize(out[i]);
        }
    };
    const auto drain = [&] {
        for (std::size_t i = n; i-- > 0;) {
            impl.free(out[i]);
        }
    };
    fill();  // warm up: first-touch page faults and lazy block set-up stay out of the timing
    drain();
    for (auto _ : state) {
        fill();
        benchmark::ClobberMemory();
        drain();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}

template <class Impl>
void random(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    Impl impl(n);
    auto out = take(impl, n, n / 2);
    // A power of two of positions, at least n, so the sequence does not repeat within a pass.
    const std::size_t count = std::max<std::size_t>(std::size_t{1} << 16, power_of_two_at_least(n));
    std::vector<std::uint32_t> positions(count);
    Random random(42);
    for (auto& position : positions) {
        position = static_cast<std::uint32_t>(random.below(out.size()));
    }
    const std::size_t mask = count - 1;
    std::size_t step = 0;
    for (auto _ : state) {
        const std::uint32_t position = positions[step];
        step = (step + 1) & mask;
        impl.free(out[position]);
        out[position] = impl.get();
        benchmark::DoNotOptimize(out[position]);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
    give_back_all(impl, out);
}

template <class Impl>
void shuffle(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    Impl impl(n);
    auto out = take(impl, n, n / 2);
    const std::size_t batch = n / 8;
    const std::size_t windows_per_permutation = out.size() / batch;
    // Enough permutations for 256 distinct batches, within 8 MB of positions.
    const std::size_t permutations =
        std::max<std::size_t>(1, std::min<std::size_t>(256 / windows_per_permutation,
                                                       (std::size_t{2} << 20) / out.size()));
    const std::size_t windows = permutations * windows_per_permutation;
    std::vector<std::uint32_t> positions;
    positions.reserve(windows * batch);
    Random random(7);
    std::vector<std::uint32_t> permutation(out.size());
    for (std::size_t p = 0; p < permutations; ++p) {
        std::iota(permutation.begin(), permutation.end(), 0U);
        for (std::size_t i = permutation.size(); i > 1; --i) {
            std::swap(permutation[i - 1], permutation[random.below(i)]);
        }
        positions.insert(positions.end(), permutation.begin(),
                         permutation.begin() + static_cast<std::ptrdiff_t>(windows_per_permutation * batch));
    }
    std::size_t window = 0;
    for (auto _ : state) {
        const std::uint32_t* const batch_positions = positions.data() + window * batch;
        window = window + 1 == windows ? 0 : window + 1;
        for (std::size_t i = 0; i < batch; ++i) {
            impl.free(out[batch_positions[i]]);
        }
        benchmark::ClobberMemory();
        for (std::size_t i = 0; i < batch; ++i) {
            auto& slot = out[batch_positions[i]];
            slot = impl.get();
            benchmark::DoNotOptimize(slot);
        }
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch));
    give_back_all(impl, out);
}

/// Combinations that would run for minutes: boost::object_pool's destroy() keeps its free list
/// sorted, so n/8 frees in random order into a list of n/2 chunks cost O(n^2) a step.
template <class Impl>
bool skipped(const std::string& workload, std::size_t n) {
#if OBJPOOL_BENCH_HAVE_BOOST
    if constexpr (std::is_same_v<Impl, BoostObjectPool>) {
        return workload == "shuffle" && n > 10'000;
    }
#endif
    static_cast<void>(workload);
    static_cast<void>(n);
    return false;
}

template <class Impl>
void register_all() {
    using Function = void (*)(benchmark::State&);
    const std::pair<const char*, Function> workloads[] = {
        {"churn", &churn<Impl>},
        {"fill-drain", &fill_drain<Impl>},
        {"random", &random<Impl>},
        {"shuffle", &shuffle<Impl>},
    };
    for (const auto& [workload, function] : workloads) {
        for (const std::size_t n : sizes) {
            if (skipped<Impl>(workload, n)) {
                continue;
            }
            // Arg(n) appends "/<n>".
            const std::string name = std::string(workload) + "/" + implementation_name<Impl>();
            benchmark::RegisterBenchmark(name.c_str(), function)
                ->Arg(static_cast<std::int64_t>(n))
                ->Unit(benchmark::kNanosecond);
        }
    }
}

}  // namespace
}  // namespace objpool_bench

int main(int argc, char** argv) {
    objpool_bench::for_each_implementation(
        [](auto type) { objpool_bench::register_all<typename decltype(type)::type>(); });
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
        return 1;
    }
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
