#include <objpool_catch.hpp>

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "memory_store.hpp"

using objpool_graphql::store::BadCapacity;
using objpool_graphql::store::MemoryStore;
using objpool_graphql::store::NoSuchPool;
using objpool_graphql::store::Policy;
using objpool_graphql::store::PoolExists;

TEST_CASE("memory store: out-of-range ids are never allocated and cannot be freed", "[memory]") {
    MemoryStore store(100);
    store.create("p", 5, Policy::Lifo);
    for (long long id : {0LL, -1LL, 6LL, 4294967296LL, -4294967295LL}) {
        CHECK_FALSE(store.is_allocated("p", id));
        CHECK_FALSE(store.free("p", id));
    }
    CHECK(store.stats("p")->available == 5);
}

TEST_CASE("memory store: policy names round-trip", "[memory]") {
    for (auto policy : {Policy::Fifo, Policy::Lifo, Policy::Bitmap}) {
        CHECK(objpool_graphql::store::parse_policy(objpool_graphql::store::policy_name(policy)) ==
              policy);
    }
    CHECK_FALSE(objpool_graphql::store::parse_policy("fifo"));
}

TEST_CASE("memory store: concurrent clients never get the same id", "[memory][concurrency]") {
    MemoryStore store(100000);
    store.create("shared", 10000, Policy::Fifo);
    store.create("other", 10000, Policy::Bitmap);
    constexpr int threads = 4;
    constexpr int per_thread = 2000;
    std::vector<std::vector<std::uint32_t>> got(threads);
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i) {
                const auto id = store.get("shared");
                if (id)
                    got[t].push_back(*id);
                // Churn on another pool and the map at the same time.
                if (const auto other = store.get("other"))
                    store.free("other", *other);
                if (i % 100 == 0)
                    (void)store.all();
            }
        });
    }
    for (auto& worker : workers)
        worker.join();
    std::set<std::uint32_t> unique;
    std::size_t total = 0;
    for (const auto& ids : got) {
        total += ids.size();
        unique.insert(ids.begin(), ids.end());
    }
    CHECK(total == threads * per_thread);
    CHECK(unique.size() == total);
    CHECK(store.stats("shared")->allocated == total);
    CHECK(store.stats("other")->allocated == 0);
}

TEST_CASE("memory store: a pool erased while in use stays valid for that use",
          "[memory][concurrency]") {
    MemoryStore store(1000);
    std::thread creator([&] {
        for (int i = 0; i < 200; ++i) {
            try {
                store.create("flip", 100, Policy::Fifo);
            } catch (const PoolExists&) {
            }
            try {
                store.erase("flip");
            } catch (const NoSuchPool&) {
            }
        }
    });
    int seen = 0;
    for (int i = 0; i < 2000; ++i) {
        try {
            if (store.get("flip"))
                ++seen;
        } catch (const NoSuchPool&) {
        }
    }
    creator.join();
    CHECK(seen >= 0);
}

// The pool is far smaller than the number of gets, so every id is handed out, freed and handed
// out again many times; an owner table (one atomic flag per id) catches any id out twice.
TEST_CASE("memory store: get/free churn on one small pool never hands an id out twice",
          "[memory][concurrency]") {
    constexpr std::size_t capacity = 16;
    constexpr int threads = 4;
    constexpr int rounds = 20000;
    for (auto policy : {Policy::Fifo, Policy::Lifo, Policy::Bitmap}) {
        CAPTURE(objpool_graphql::store::policy_name(policy));
        MemoryStore store(1000);
        store.create("small", capacity, policy);
        std::vector<std::atomic<int>> owner(capacity + 1);
        std::atomic<int> duplicates{0};
        std::atomic<int> bad_frees{0};
        std::atomic<long> handed_out{0};
        std::vector<std::thread> workers;
        for (int t = 0; t < threads; ++t) {
            workers.emplace_back([&, t] {
                std::vector<std::uint32_t> held;
                for (int i = 0; i < rounds; ++i) {
                    if (const auto id = store.get("small")) {
                        int expected = 0;
                        if (*id < 1 || *id > capacity ||
                            !owner[*id].compare_exchange_strong(expected, t + 1)) {
                            duplicates.fetch_add(1);
                        } else {
                            held.push_back(*id);
                            handed_out.fetch_add(1);
                        }
                    }
                    // Hold up to 3 ids, then give the oldest back.
                    if (held.size() > 3 || (!held.empty() && i % 2 == 0)) {
                        const auto id = held.front();
                        held.erase(held.begin());
                        if (!store.is_allocated("small", id))
                            bad_frees.fetch_add(1);
                        owner[id].store(0);
                        if (!store.free("small", id))
                            bad_frees.fetch_add(1);
                    }
                }
                for (const auto id : held) {
                    owner[id].store(0);
                    if (!store.free("small", id))
                        bad_frees.fetch_add(1);
                }
            });
        }
        for (auto& worker : workers)
            worker.join();
        CHECK(duplicates.load() == 0);
        CHECK(bad_frees.load() == 0);
        CHECK(handed_out.load() > static_cast<long>(capacity) * 10);  // ids really were reused
        const auto stats = store.stats("small");
        CHECK(stats->available == capacity);
        CHECK(stats->allocated == 0);
    }
}

TEST_CASE("memory store: of threads freeing the same id at once, exactly one succeeds",
          "[memory][concurrency]") {
    constexpr int threads = 4;
    constexpr int rounds = 2000;
    for (auto policy : {Policy::Fifo, Policy::Lifo, Policy::Bitmap}) {
        CAPTURE(objpool_graphql::store::policy_name(policy));
        MemoryStore store(1000);
        store.create("p", 8, policy);
        int failures = 0;
        for (int round = 0; round < rounds / 100; ++round) {
            std::vector<std::uint32_t> ids;
            while (const auto id = store.get("p"))
                ids.push_back(*id);
            std::atomic<int> successes{0};
            std::vector<std::thread> workers;
            for (int t = 0; t < threads; ++t) {
                workers.emplace_back([&] {
                    for (const auto id : ids) {
                        if (store.free("p", id))
                            successes.fetch_add(1);
                    }
                });
            }
            for (auto& worker : workers)
                worker.join();
            if (successes.load() != static_cast<int>(ids.size()))
                ++failures;
            if (store.stats("p")->available != 8)
                ++failures;
        }
        CHECK(failures == 0);
    }
}

TEST_CASE("memory store: erase while other threads get and free on the same pool",
          "[memory][concurrency]") {
    MemoryStore store(1000);
    std::atomic<bool> done{false};
    std::atomic<long> operations{0};
    std::vector<std::thread> users;
    for (int t = 0; t < 3; ++t) {
        users.emplace_back([&] {
            while (!done.load()) {
                try {
                    if (const auto id = store.get("flip")) {
                        (void)store.is_allocated("flip", *id);
                        (void)store.free("flip",
                                         *id);  // false when the pool was replaced meanwhile
                    }
                    (void)store.stats("flip");
                    operations.fetch_add(1);
                } catch (const NoSuchPool&) {
                }
            }
        });
    }
    for (int i = 0; i < 90; ++i) {
        const auto policy = i % 3 == 0 ? Policy::Fifo : i % 3 == 1 ? Policy::Lifo : Policy::Bitmap;
        store.create("flip", 50, policy);
        std::this_thread::yield();
        store.erase("flip");
    }
    done.store(true);
    for (auto& user : users)
        user.join();
    CHECK_FALSE(store.stats("flip"));
    CHECK(operations.load() >= 0);
}

TEST_CASE("memory store: snapshots under load always add up to the capacity",
          "[memory][concurrency]") {
    MemoryStore store(1000);
    store.create("p", 64, Policy::Lifo);
    std::atomic<bool> done{false};
    std::thread churn([&] {
        while (!done.load()) {
            if (const auto id = store.get("p"))
                (void)store.free("p", *id);
        }
    });
    int bad = 0;
    for (int i = 0; i < 20000; ++i) {
        const auto stats = store.stats("p");
        if (stats->available + stats->allocated != 64 || stats->available > 64)
            ++bad;
    }
    done.store(true);
    churn.join();
    CHECK(bad == 0);
}

TEST_CASE("memory store: error messages quote at most 100 bytes of a name", "[memory]") {
    MemoryStore store(10);
    const std::string huge(1'000'000, 'x');
    try {
        (void)store.get(huge);
        FAIL("no exception");
    } catch (const NoSuchPool& e) {
        CHECK(std::string(e.what()).size() < 200);
        CHECK(std::string(e.what()).find("(1000000 bytes)") != std::string::npos);
    }
    // Cut on a character boundary: 99 ASCII bytes, then a 2-byte character across byte 100.
    const std::string name = std::string(99, 'a') + "\xC3\xA9" + std::string(10, 'b');
    try {
        (void)store.get(name);
        FAIL("no exception");
    } catch (const NoSuchPool& e) {
        CHECK(std::string(e.what()) ==
              "no pool named \"" + std::string(99, 'a') + "\"... (111 bytes)");
    }
    CHECK_THROWS_WITH(store.get("short"), "no pool named \"short\"");
}
