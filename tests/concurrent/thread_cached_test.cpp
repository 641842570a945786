// objpool::ThreadCached: what differs from the shared free lists (per-thread order, bounded
// exhaustion, caches and thread or pool lifetimes). The contract shared with every concurrent
// policy runs over CachedPolicies in the other concurrent tests.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include <objpool/concurrent/thread_cached.hpp>
#include <objpool/concurrent_id_pool.hpp>
#include <objpool/concurrent_object_pool.hpp>
#include <objpool/detail/scattered_flags.hpp>

#include "concurrent_support.hpp"
#include "id_pool_inspection.hpp"
#include "objpool_catch.hpp"

using objpool::ConcurrentIdPool;
using objpool::ConcurrentObjectPool;
using objpool::ThreadCached;
using namespace objpool_concurrent_test;
using objpool_support::drain;

namespace {

// Runs `body` on a new thread and joins it: a thread whose caches are returned at its exit.
template <class Body>
void on_other_thread(Body&& body) {
    std::thread thread(std::forward<Body>(body));
    thread.join();
}

}  // namespace

TEMPLATE_LIST_TEST_CASE("ThreadCached: a thread gets back what it freed last, first",
                        "[concurrent][thread_cached]", CachedPolicies) {
    ConcurrentIdPool<TestType> pool(1024);
    const auto a = *pool.get();
    const auto b = *pool.get();
    const auto c = *pool.get();
    CHECK(a == 1);  // fresh ids in the shared list's order: ascending for every policy
    CHECK(b == 2);
    CHECK(c == 3);
    pool.free(a);
    pool.free(c);
    pool.free(b);
    CHECK(*pool.get() == b);
    CHECK(*pool.get() == c);
    CHECK(*pool.get() == a);
}

TEMPLATE_LIST_TEST_CASE("ThreadCached: cache capacity is the parameter, at most capacity / 16",
                        "[concurrent][thread_cached]", CachedPolicies) {
    using List = typename ConcurrentIdPool<TestType>::FreeList;
    CHECK(List(1U << 16).cache_capacity() <= 64);
    CHECK(List(1U << 16).cache_capacity() >= 8);
    CHECK(List(320).cache_capacity() <= 20);
    CHECK(List(31).cache_capacity() == 0);
}

TEMPLATE_LIST_TEST_CASE("ThreadCached: a pool too small for caches is exact",
                        "[concurrent][thread_cached]", CachedPolicies) {
    ConcurrentIdPool<TestType> pool(20);
    std::vector<std::uint32_t> freed_elsewhere;
    on_other_thread([&] {
        for (int i = 0; i < 20; ++i) {
            freed_elsewhere.push_back(*pool.get());
        }
        std::thread holder([&] {
            for (const auto id : freed_elsewhere) {
                pool.free(id);
            }
        });
        holder.join();
    });
    CHECK(drain(pool).size() == 20);
}

TEMPLATE_LIST_TEST_CASE("ThreadCached: an id got on one thread is freed on another",
                        "[concurrent][thread_cached]", CachedPolicies) {
    ConcurrentIdPool<TestType> pool(4096);
    std::vector<std::uint32_t> ids;
    for (int i = 0; i < 100; ++i) {
        ids.push_back(*pool.get());
    }
    std::atomic<bool> exit{false};
    std::atomic<bool> freed{false};
    std::thread other([&] {
        for (const auto id : ids) {
            pool.free(id);
        }
        CHECK_THROWS_AS(pool.free(ids.front()), objpool::BadFree);  // the check is global
        freed = true;
        while (!exit) {
            std::this_thread::yield();
        }
    });
    while (!freed) {
        std::this_thread::yield();
    }
    CHECK(pool.available() == 4096);
    for (const auto id : ids) {
        CHECK_FALSE(pool.is_allocated(id));
        CHECK_FALSE(pool.try_free(id));
    }
    exit = true;
    other.join();
    CHECK(drain(pool).size() == 4096);
}

TEMPLATE_LIST_TEST_CASE("ThreadCached: get fails while another thread's cache holds the rest",
                        "[concurrent][thread_cached][exhaustion]", CachedPolicies) {
    // The documented bound: a get fails only when the shared list and the caller's cache are
    // empty, and then at most cache_capacity() ids sit in each other thread's cache.
    constexpr std::size_t capacity = 1024;
    ConcurrentIdPool<TestType> pool(capacity);
    const std::size_t cache_capacity =
        typename ConcurrentIdPool<TestType>::FreeList(capacity).cache_capacity();
    std::atomic<bool> cached{false};
    std::atomic<bool> exit{false};
    std::thread hoarder([&] {
        const auto ids = drain(pool);
        CHECK(ids.size() == capacity);
        for (const auto id : ids) {
            pool.free(id);
        }
        cached = true;
        while (!exit) {
            std::this_thread::yield();
        }
    });
    while (!cached) {
        std::this_thread::yield();
    }
    CHECK(pool.available() == capacity);  // cached ids count as available
    const auto mine = drain(pool);
    CHECK(mine.size() >= capacity - cache_capacity);
    CHECK(mine.size() < capacity);
    exit = true;
    hoarder.join();  // its exit returns its cache
    const auto rest = drain(pool);
    CHECK(mine.size() + rest.size() == capacity);
    std::set<std::uint32_t> all(mine.begin(), mine.end());
    all.insert(rest.begin(), rest.end());
    CHECK(all.size() == capacity);
}

TEMPLATE_LIST_TEST_CASE("ThreadCached: a waiter is woken by a free that would stay cached",
                        "[concurrent][thread_cached][blocking]", CachedPolicies) {
    ConcurrentIdPool<TestType> pool(512);
    const auto all = drain(pool);
    REQUIRE(all.size() == 512);
    std::atomic<bool> waiting{false};
    std::optional<std::uint32_t> got;
    std::thread waiter([&] {
        waiting = true;
        got = pool.get_for(std::chrono::seconds(30));
    });
    while (!waiting) {
        std::this_thread::yield();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // let it fall asleep
    pool.free(all[7]);  // into this thread's cache, unless a waiter is there
    waiter.join();
    REQUIRE(got.has_value());
    CHECK(*got == all[7]);
}

TEMPLATE_LIST_TEST_CASE("ThreadCached: a pool destroyed while threads hold caches",
                        "[concurrent][thread_cached][lifetime]", CachedPolicies) {
    // The threads keep caches for a pool that is destroyed under them, then use other pools
    // (which frees the dead pool's cache on lookup) or just exit (which frees it at exit).
    // ASan and LeakSanitizer check that nothing is used after free or leaked.
    auto pool = std::make_unique<ConcurrentIdPool<TestType>>(4096);
    std::atomic<int> ready{0};
    std::atomic<bool> destroyed{false};
    auto worker = [&](bool use_another_pool) {
        for (int i = 0; i < 200; ++i) {
            pool->free(*pool->get());
        }
        ++ready;
        while (!destroyed) {
            std::this_thread::yield();
        }
        if (use_another_pool) {
            ConcurrentIdPool<TestType> other(4096);
            const auto id = *other.get();
            CHECK(id == 1);
            other.free(id);
        }
    };
    std::thread exits_only(worker, false);
    std::thread moves_on(worker, true);
    while (ready < 2) {
        std::this_thread::yield();
    }
    pool.reset();
    destroyed = true;
    exits_only.join();
    moves_on.join();
}

TEMPLATE_LIST_TEST_CASE("ThreadCached: threads that come and go while the pool lives",
                        "[concurrent][thread_cached][stress]", CachedPolicies) {
    // Rounds of short-lived threads swap ids through a shared table (so most frees happen on
    // another thread than the get) and exit with full caches; owner markers prove no id is
    // ever out twice, and at the end every id is back.
    constexpr std::size_t capacity = 2048;
    constexpr std::size_t table_size = 64;
    ConcurrentIdPool<TestType> pool(capacity);
    std::vector<std::atomic<unsigned>> owner(capacity);
    std::vector<std::atomic<std::uint32_t>> table(table_size);
    std::atomic<std::size_t> errors{0};
    const std::size_t per_thread = stress_operations() / 40 + 1;
    for (unsigned round = 0; round < 5; ++round) {
        run_threads(4, [&](unsigned index) {
            Random random(round * 16 + index + 1);
            const unsigned me = round * 16 + index + 1;
            for (std::size_t i = 0; i < per_thread; ++i) {
                const auto id = pool.get();
                if (!id) {
                    continue;
                }
                if (owner[*id - 1].exchange(me, std::memory_order_relaxed) != 0) {
                    ++errors;
                }
                owner[*id - 1].store(0, std::memory_order_relaxed);
                const std::uint32_t old =
                    table[random.below(table_size)].exchange(*id, std::memory_order_acq_rel);
                if (old != 0 && !pool.try_free(old)) {
                    ++errors;
                }
            }
        });
    }
    for (auto& entry : table) {
        const std::uint32_t id = entry.exchange(0);
        if (id != 0) {
            pool.free(id);
        }
    }
    CHECK(errors == 0);
    CHECK(pool.available() == capacity);
    CHECK(drain(pool).size() == capacity);  // every cache went back when its thread exited
}

TEST_CASE("ThreadCached: one thread uses many pools, made and destroyed in turn",
          "[concurrent][thread_cached][lifetime]") {
    using Pool = ConcurrentIdPool<ThreadCached<objpool::Lifo>>;
    Pool kept(1024);
    const std::size_t without_caches = Pool(1024).bookkeeping_bytes();
    for (int i = 0; i < 100; ++i) {
        Pool temporary(1024);
        const auto a = *temporary.get();
        const auto b = *kept.get();
        temporary.free(a);
        kept.free(b);
        CHECK(temporary.bookkeeping_bytes() > without_caches);  // this thread's cache counts
    }
    CHECK(kept.available() == 1024);
    CHECK(drain(kept).size() == 1024);
}

TEST_CASE("ThreadCached: objects keep their identity through the caches",
          "[concurrent][thread_cached]") {
    struct Buffer {
        std::uint64_t words[8] = {};
    };
    ConcurrentObjectPool<Buffer, ThreadCached<objpool::Lifo>> pool(1024);
    Buffer* first = pool.acquire();
    first->words[0] = 42;
    pool.free(first);
    Buffer* again = pool.acquire();
    CHECK(again == first);  // last freed first out, and Reuse keeps the object
    CHECK(again->words[0] == 42);
    Buffer outside;
    CHECK_THROWS_AS(pool.free(&outside), objpool::BadFree);
    pool.free(again);
    CHECK_THROWS_AS(pool.free(again), objpool::BadFree);
}

namespace {

// Frees its id from a thread_local destructor that runs after the thread gave its caches back.
struct FreesAtThreadExit {
    ConcurrentIdPool<ThreadCached<objpool::Lifo>>* pool = nullptr;
    std::uint32_t id = 0;
    FreesAtThreadExit() = default;
    FreesAtThreadExit(const FreesAtThreadExit&) = delete;
    FreesAtThreadExit& operator=(const FreesAtThreadExit&) = delete;
    ~FreesAtThreadExit() {
        if (pool != nullptr) {
            pool->free(id);
            freed_late = pool->get().has_value();  // the shared list, directly
        }
    }
    static inline std::atomic<bool> freed_late{false};
};

}  // namespace

TEST_CASE("ThreadCached: a thread_local destructor may free after the caches went back",
          "[concurrent][thread_cached][lifetime]") {
    ConcurrentIdPool<ThreadCached<objpool::Lifo>> pool(1024);
    std::thread thread([&pool] {
        // Constructed before the thread's first use of a pool, so destroyed after its caches.
        thread_local FreesAtThreadExit holder;
        holder.pool = &pool;
        holder.id = *pool.get();
    });
    thread.join();
    CHECK(FreesAtThreadExit::freed_late);
    CHECK(pool.allocated() == 1);  // the id the destructor got last
}

TEST_CASE("ThreadCached: a failed construction is undone on top of the thread's cache",
          "[concurrent][thread_cached][exception_safety]") {
    struct Fussy {
        explicit Fussy(bool fail) {
            if (fail) {
                throw std::runtime_error("construction failed");
            }
        }
    };
    ConcurrentObjectPool<Fussy, ThreadCached<objpool::Fifo>, objpool::ConstructOnGet> pool(1024);
    Fussy* const first = pool.acquire(false);
    pool.free(first);
    CHECK_THROWS_AS(pool.acquire(true), std::runtime_error);
    CHECK(pool.available() == 1024);
    Fussy* const again = pool.acquire(false);
    CHECK(again == first);  // the same slot again, as if nothing had happened
    pool.free(again);
}

TEST_CASE("ThreadCached: the out bytes give every slot a byte of its own", "[thread_cached]") {
    // Sizes around the row-count steps (multiples of 64), and one of a pool's usual sizes.
    for (const std::size_t size :
         {std::size_t{0}, std::size_t{1}, std::size_t{63}, std::size_t{64}, std::size_t{127},
          std::size_t{128}, std::size_t{4'097}, std::size_t{65'539}}) {
        CAPTURE(size);
        const objpool::detail::ScatteredFlags flags(size);
        CHECK(flags.bytes() >= size);
        CHECK(flags.bytes() <= size + size / 64 + 1);
        // Each slot's byte is still 0 when its turn comes: no two slots share one.
        std::size_t shared = 0;
        for (std::size_t slot = 0; slot < size; ++slot) {
            shared += flags[slot].exchange(1) != 0 ? 1 : 0;
        }
        CHECK(shared == 0);
    }
}

TEMPLATE_LIST_TEST_CASE("ThreadCached: try_claim reaches the shared list and the own cache only",
                        "[concurrent][thread_cached][try_claim]", CachedPolicies) {
    constexpr std::size_t capacity = 1024;
    ConcurrentIdPool<TestType> pool(capacity);
    // A thread with no cache for the pool yet: free ids come from the shared list, out ones are
    // refused.
    on_other_thread([&] {
        CHECK(pool.try_claim(700));
        CHECK_FALSE(pool.try_claim(700));
        pool.free(700);  // into this thread's cache, dropped back at its exit
    });
    CHECK(pool.try_claim(700));
    CHECK_FALSE(pool.try_claim(700));

    // An id freed on this thread sits in its cache: claimed out of it, the others stay there.
    const auto a = pool.get();
    const auto b = pool.get();
    REQUIRE((a && b));
    pool.free(*a);
    pool.free(*b);
    CHECK(pool.try_claim(*a));
    CHECK(pool.is_allocated(*a));
    CHECK(pool.get() == b);           // the cache's top, untouched by the claim
    CHECK_FALSE(pool.try_claim(*b));  // out: not in the cache any more, not in the shared list

    // An id in another thread's cache is not claimed (get would not take it either).
    std::atomic<std::uint32_t> cached{0};
    std::atomic<bool> exit{false};
    std::thread holder([&] {
        const auto id = pool.get();
        REQUIRE(id);
        pool.free(*id);
        cached = *id;
        while (!exit) {
            std::this_thread::yield();
        }
    });
    while (cached == 0) {
        std::this_thread::yield();
    }
    CHECK_FALSE(pool.try_claim(cached));
    CHECK_FALSE(pool.is_allocated(cached));
    exit = true;
    holder.join();  // its exit returns its cache to the shared list
    CHECK(pool.try_claim(cached));

    // free_all empties every cache: the pool is as fresh, every id once.
    pool.free(*a);  // now in this thread's cache
    pool.free_all();
    CHECK(pool.available() == capacity);
    const auto ids = drain(pool);
    CHECK(ids.size() == capacity);
    CHECK(std::set<std::uint32_t>(ids.begin(), ids.end()).size() == capacity);
}
