// Throughput of the concurrent pools per thread count (1, 2, 4, 8 on a 2-core machine: up to
// 4x oversubscribed), against the locked baseline, std::pmr::synchronized_pool_resource and
// new/delete; single-threaded IdPool<P> is the reference for the 1-thread cost.
//
// Workload "churn": every thread keeps 4 handles out and, each iteration, frees its oldest and
// gets a new one (one get+free pair an iteration). The pool (capacity 65536) never runs dry, so
// the figures measure the free list, not waiting. items_per_second counts pairs over all
// threads in wall-clock time.
//
// Names are "churn/<implementation>/real_time/threads:<t>".
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <memory_resource>
#include <string>

#include <objpool/concurrent_id_pool.hpp>
#include <objpool/id_pool.hpp>
#include <objpool/objpool.hpp>

namespace {

constexpr std::size_t capacity = 65'536;
constexpr std::size_t held_per_thread = 4;

template <class Pool>
struct IdPoolImpl {
    using Handle = std::uint32_t;
    Pool pool{capacity};
    Handle get() { return *pool.get(); }
    void free(Handle id) { pool.free(id); }
};

// A 64-byte object, the size a small pooled object (a connection handle, a request) has.
struct Object {
    std::uint64_t words[8];
};

struct SynchronizedPoolResource {
    using Handle = void*;
    std::pmr::synchronized_pool_resource resource;
    Handle get() { return resource.allocate(sizeof(Object), alignof(Object)); }
    void free(Handle pointer) { resource.deallocate(pointer, sizeof(Object), alignof(Object)); }
};

struct NewDelete {
    using Handle = Object*;
    Handle get() { return new Object; }
    void free(Handle object) { delete object; }
};

// The implementation all threads of one run share: made by Setup, destroyed by Teardown
// (both run once per run, outside the threads).
template <class Impl>
struct Shared {
    static inline std::unique_ptr<Impl> instance;
    static void setup(const benchmark::State&) { instance = std::make_unique<Impl>(); }
    static void teardown(const benchmark::State&) { instance.reset(); }
};

template <class Impl>
void churn(benchmark::State& state) {
    Impl& impl = *Shared<Impl>::instance;
    typename Impl::Handle held[held_per_thread];
    for (auto& handle : held) {
        handle = impl.get();
    }
    std::size_t oldest = 0;
    for (auto _ : state) {
        impl.free(held[oldest]);
        held[oldest] = impl.get();
        oldest = (oldest + 1) % held_per_thread;
    }
    for (auto& handle : held) {
        impl.free(handle);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

template <class Impl>
void add(const std::string& name, bool threaded = true) {
    auto* benchmark = benchmark::RegisterBenchmark(("churn/" + name).c_str(), &churn<Impl>)
                          ->Setup(&Shared<Impl>::setup)
                          ->Teardown(&Shared<Impl>::teardown)
                          ->UseRealTime()
                          ->Threads(1);
    if (threaded) {
        benchmark->Threads(2)->Threads(4)->Threads(8);
    }
}

}  // namespace

int main(int argc, char** argv) {
    using objpool::Bitmap;
    using objpool::ConcurrentIdPool;
    using objpool::Fifo;
    using objpool::IdPool;
    using objpool::Lifo;
    using objpool::Locked;

    add<IdPoolImpl<IdPool<Lifo>>>("IdPool<Lifo>", false);
    add<IdPoolImpl<IdPool<Fifo>>>("IdPool<Fifo>", false);
    add<IdPoolImpl<IdPool<Bitmap>>>("IdPool<Bitmap>", false);
    add<IdPoolImpl<ConcurrentIdPool<Lifo>>>("ConcurrentIdPool<Lifo>");
    add<IdPoolImpl<ConcurrentIdPool<Fifo>>>("ConcurrentIdPool<Fifo>");
    add<IdPoolImpl<ConcurrentIdPool<Bitmap>>>("ConcurrentIdPool<Bitmap>");
    add<IdPoolImpl<ConcurrentIdPool<Locked<Lifo>>>>("ConcurrentIdPool<Locked<Lifo>>");
    add<IdPoolImpl<ConcurrentIdPool<Locked<Fifo>>>>("ConcurrentIdPool<Locked<Fifo>>");
    add<IdPoolImpl<ConcurrentIdPool<Locked<Bitmap>>>>("ConcurrentIdPool<Locked<Bitmap>>");
    add<SynchronizedPoolResource>("std::pmr::synchronized_pool_resource");
    add<NewDelete>("new/delete");

    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
        return 1;
    }
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
