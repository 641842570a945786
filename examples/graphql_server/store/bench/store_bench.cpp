// Each store side by side: one get and one free of the same pool per iteration, on 1, 8 and 32
// threads at once. The SQLite file lives in a temporary directory and Redis is a redis-server of
// the benchmark's own (appendonly yes, appendfsync always), as in the tests.
#include <benchmark/benchmark.h>

#include "store_backends.hpp"

using namespace store_test;

namespace {

// One store a backend, shared by every thread of every run.
template <class Backend>
PoolStore& shared_store() {
    static Backend backend;
    static const std::unique_ptr<PoolStore> store = [] {
        auto opened = backend.open();
        opened->create("bench", 1 << 16, Policy::Lifo);
        return opened;
    }();
    return *store;
}

template <class Backend>
void get_free(benchmark::State& state) {
    PoolStore& store = shared_store<Backend>();
    for (auto _ : state) {
        const auto id = store.get("bench");
        if (!id) {
            state.SkipWithError("pool exhausted");
            break;
        }
        benchmark::DoNotOptimize(store.free("bench", *id));
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * 2);
}

}  // namespace

BENCHMARK_TEMPLATE(get_free, MemoryBackend)->Threads(1)->Threads(8)->Threads(32)->UseRealTime();
BENCHMARK_TEMPLATE(get_free, SqliteBackend)->Threads(1)->Threads(8)->Threads(32)->UseRealTime();
#if OBJPOOL_STORE_TEST_REDIS
BENCHMARK_TEMPLATE(get_free, RedisBackend)->Threads(1)->Threads(8)->Threads(32)->UseRealTime();
#endif

BENCHMARK_MAIN();
