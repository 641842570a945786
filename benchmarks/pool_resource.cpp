// std::pmr container node churn over objpool::PoolResource against
// std::pmr::unsynchronized_pool_resource and the default resource (new/delete), in one run.
//
// Workloads, each on a container filled with n elements first (untimed):
// - list churn: pop_front then push_back: one node deallocated, one allocated;
// - map churn: erase the smallest key, insert one above the largest (a sliding window): one node
//   deallocated, one allocated, and the tree's rebalancing both ways.
// The figure is time per iteration (items_per_second counts deallocate+allocate pairs).
//
// PoolResource's block size is the node size rounded up to a multiple of 16 (libstdc++: list<int>
// nodes 24 bytes -> 32, map<int, int> nodes 40 -> 48); every run checks that the container's
// nodes did come from the pool and fails otherwise.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <memory_resource>
#include <new>
#include <utility>

#include <objpool/objpool.hpp>

namespace {

constexpr std::size_t list_block_size = 32;
constexpr std::size_t map_block_size = 48;

// The resource a benchmark runs its container on, built fresh for each run.
template <class Policy>
struct ObjpoolResource {
    ObjpoolResource(std::size_t block_size, std::size_t n) : resource(block_size, n) {}
    std::pmr::memory_resource* get() { return &resource; }
    // Whether the container's `n` nodes are the pool's (else the benchmark would measure upstream).
    bool serves(std::size_t n) const { return resource.allocated() == n; }
    objpool::PoolResource<Policy> resource;
};

// Reference, not a peer: the least a resource can do (an unchecked intrusive stack of blocks
// carved from one array, no double-free check, no count), which leaves the container's own work
// and the virtual calls: the floor every resource's figure sits on.
class BareFreeList final : public std::pmr::memory_resource {
public:
    BareFreeList(std::size_t block_size, std::size_t n)
        : block_size_(block_size), blocks_(new std::byte[block_size * n]), end_(blocks_.get()) {}

private:
    struct Link {
        Link* next;
    };
    void* do_allocate(std::size_t bytes, std::size_t alignment) override {
        if (bytes <= block_size_ && alignment <= alignof(std::max_align_t)) {
            if (head_ != nullptr) {
                return std::exchange(head_, head_->next);
            }
            return std::exchange(end_, end_ + block_size_);
        }
        return std::pmr::new_delete_resource()->allocate(bytes, alignment);
    }
    void do_deallocate(void* address, std::size_t bytes, std::size_t alignment) override {
        if (bytes <= block_size_ && alignment <= alignof(std::max_align_t)) {
            head_ = ::new (address) Link{head_};
            return;
        }
        std::pmr::new_delete_resource()->deallocate(address, bytes, alignment);
    }
    [[nodiscard]] bool do_is_equal(const std::pmr::memory_resource& other) const noexcept override {
        return this == &other;
    }

    std::size_t block_size_;
    std::unique_ptr<std::byte[]> blocks_;
    std::byte* end_;
    Link* head_ = nullptr;
};

struct BareReference {
    BareReference(std::size_t block_size, std::size_t n) : resource(block_size, n) {}
    std::pmr::memory_resource* get() { return &resource; }
    static bool serves(std::size_t /*n*/) { return true; }
    BareFreeList resource;
};

struct UnsynchronizedPool {
    UnsynchronizedPool(std::size_t /*block_size*/, std::size_t /*n*/) {}
    std::pmr::memory_resource* get() { return &resource; }
    static bool serves(std::size_t /*n*/) { return true; }
    std::pmr::unsynchronized_pool_resource resource;
};

struct DefaultResource {
    DefaultResource(std::size_t /*block_size*/, std::size_t /*n*/) {}
    static std::pmr::memory_resource* get() { return std::pmr::new_delete_resource(); }
    static bool serves(std::size_t /*n*/) { return true; }
};

template <class Resource>
void list_churn(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    Resource resource(list_block_size, n);
    std::pmr::list<int> list(resource.get());
    for (std::size_t i = 0; i < n; ++i) {
        list.push_back(static_cast<int>(i));
    }
    if (!resource.serves(n)) {
        state.SkipWithError("the list's nodes do not come from the pool: raise list_block_size");
        return;
    }
    int next = static_cast<int>(n);
    for (auto _ : state) {
        list.pop_front();
        list.push_back(next++);
        benchmark::DoNotOptimize(list.back());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

template <class Resource>
void map_churn(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    Resource resource(map_block_size, n);
    std::pmr::map<int, int> map(resource.get());
    for (std::size_t i = 0; i < n; ++i) {
        map.emplace(static_cast<int>(i), static_cast<int>(i));
    }
    if (!resource.serves(n)) {
        state.SkipWithError("the map's nodes do not come from the pool: raise map_block_size");
        return;
    }
    int oldest = 0;
    int next = static_cast<int>(n);
    for (auto _ : state) {
        map.erase(oldest++);
        auto inserted = map.emplace_hint(map.end(), next, next);
        ++next;
        benchmark::DoNotOptimize(inserted);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void sizes(benchmark::internal::Benchmark* benchmark) {
    benchmark->Arg(1'000)->Arg(100'000);
}

}  // namespace

BENCHMARK_TEMPLATE(list_churn, ObjpoolResource<objpool::Lifo>)
    ->Name("list churn/objpool::PoolResource<Lifo>")
    ->Apply(sizes);
BENCHMARK_TEMPLATE(list_churn, ObjpoolResource<objpool::Fifo>)
    ->Name("list churn/objpool::PoolResource<Fifo>")
    ->Apply(sizes);
BENCHMARK_TEMPLATE(list_churn, ObjpoolResource<objpool::Bitmap>)
    ->Name("list churn/objpool::PoolResource<Bitmap>")
    ->Apply(sizes);
BENCHMARK_TEMPLATE(list_churn, BareReference)
    ->Name("list churn/reference: unchecked intrusive free list")
    ->Apply(sizes);
BENCHMARK_TEMPLATE(list_churn, UnsynchronizedPool)
    ->Name("list churn/std::pmr::unsynchronized_pool_resource")
    ->Apply(sizes);
BENCHMARK_TEMPLATE(list_churn, DefaultResource)
    ->Name("list churn/default resource (new/delete)")
    ->Apply(sizes);

BENCHMARK_TEMPLATE(map_churn, ObjpoolResource<objpool::Lifo>)
    ->Name("map churn/objpool::PoolResource<Lifo>")
    ->Apply(sizes);
BENCHMARK_TEMPLATE(map_churn, ObjpoolResource<objpool::Fifo>)
    ->Name("map churn/objpool::PoolResource<Fifo>")
    ->Apply(sizes);
BENCHMARK_TEMPLATE(map_churn, ObjpoolResource<objpool::Bitmap>)
    ->Name("map churn/objpool::PoolResource<Bitmap>")
    ->Apply(sizes);
BENCHMARK_TEMPLATE(map_churn, BareReference)
    ->Name("map churn/reference: unchecked intrusive free list")
    ->Apply(sizes);
BENCHMARK_TEMPLATE(map_churn, UnsynchronizedPool)
    ->Name("map churn/std::pmr::unsynchronized_pool_resource")
    ->Apply(sizes);
BENCHMARK_TEMPLATE(map_churn, DefaultResource)
    ->Name("map churn/default resource (new/delete)")
    ->Apply(sizes);

BENCHMARK_MAIN();
