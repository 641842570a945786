#include <objpool_catch.hpp>

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "pool_registry.hpp"

using objpool_graphql::BadCapacity;
using objpool_graphql::NoSuchPool;
using objpool_graphql::Policy;
using objpool_graphql::PoolExists;
using objpool_graphql::PoolRegistry;

TEST_CASE("registry: create, get, free, erase", "[registry]") {
    PoolRegistry registry(100);
    const auto created = registry.create("a", 3, Policy::Fifo);
    CHECK(created.name == "a");
    CHECK(created.capacity == 3);
    CHECK(created.available == 3);
    CHECK(created.allocated == 0);

    const auto first = registry.get("a");
    REQUIRE(first);
    CHECK(*first >= 1);
    CHECK(*first <= 3);
    CHECK(registry.is_allocated("a", *first));
    CHECK(registry.stats("a")->allocated == 1);
    CHECK(registry.free("a", *first));
    CHECK_FALSE(registry.free("a", *first));  // not out any more
    CHECK_FALSE(registry.is_allocated("a", *first));

    registry.erase("a");
    CHECK_FALSE(registry.stats("a"));
    CHECK_THROWS_AS(registry.erase("a"), NoSuchPool);
}

TEST_CASE("registry: ids run 1..capacity and exhaustion gives nullopt", "[registry]") {
    PoolRegistry registry(100);
    registry.create("p", 5, Policy::Bitmap);
    std::set<std::uint32_t> ids;
    for (int i = 0; i < 5; ++i) {
        const auto id = registry.get("p");
        REQUIRE(id);
        ids.insert(*id);
    }
    CHECK(ids == std::set<std::uint32_t>{1, 2, 3, 4, 5});
    CHECK_FALSE(registry.get("p"));
    CHECK(registry.stats("p")->available == 0);
}

TEST_CASE("registry: out-of-range ids are never allocated and cannot be freed", "[registry]") {
    PoolRegistry registry(100);
    registry.create("p", 5, Policy::Lifo);
    for (long long id : {0LL, -1LL, 6LL, 4294967296LL, -4294967295LL}) {
        CHECK_FALSE(registry.is_allocated("p", id));
        CHECK_FALSE(registry.free("p", id));
    }
    CHECK(registry.stats("p")->available == 5);
}

TEST_CASE("registry: errors", "[registry]") {
    PoolRegistry registry(10);
    registry.create("p", 10, Policy::Fifo);
    CHECK_THROWS_AS(registry.create("p", 1, Policy::Fifo), PoolExists);
    CHECK_THROWS_AS(registry.create("q", 0, Policy::Fifo), BadCapacity);
    CHECK_THROWS_AS(registry.create("q", -5, Policy::Fifo), BadCapacity);
    CHECK_THROWS_AS(registry.create("q", 11, Policy::Fifo), BadCapacity);
    CHECK_FALSE(registry.stats("q"));
    CHECK_THROWS_AS(registry.get("nope"), NoSuchPool);
    CHECK_THROWS_AS(registry.free("nope", 1), NoSuchPool);
    CHECK_THROWS_AS(registry.is_allocated("nope", 1), NoSuchPool);
}

TEST_CASE("registry: policies hand ids out in their order", "[registry]") {
    PoolRegistry registry(100);
    registry.create("lifo", 10, Policy::Lifo);
    registry.create("bitmap", 10, Policy::Bitmap);
    registry.create("fifo", 10, Policy::Fifo);

    const auto a = *registry.get("lifo");
    const auto b = *registry.get("lifo");
    REQUIRE(registry.free("lifo", a));
    CHECK(*registry.get("lifo") == a);  // the most recently freed comes back first
    (void)b;

    for (int i = 0; i < 3; ++i)
        (void)registry.get("bitmap");
    REQUIRE(registry.free("bitmap", 2));
    CHECK(*registry.get("bitmap") == 2);  // the lowest free id

    const auto first = *registry.get("fifo");
    REQUIRE(registry.free("fifo", first));
    CHECK(*registry.get("fifo") != first);  // the id freed last waits behind the others

    CHECK(registry.stats("lifo")->policy == Policy::Lifo);
    CHECK(registry.stats("bitmap")->policy == Policy::Bitmap);
}

TEST_CASE("registry: all() lists pools by name", "[registry]") {
    PoolRegistry registry(100);
    registry.create("b", 1, Policy::Fifo);
    registry.create("a", 2, Policy::Fifo);
    registry.create("c", 3, Policy::Fifo);
    const auto all = registry.all();
    REQUIRE(all.size() == 3);
    CHECK(all[0].name == "a");
    CHECK(all[1].name == "b");
    CHECK(all[2].name == "c");
    CHECK(all[2].capacity == 3);
}

TEST_CASE("registry: policy names round-trip", "[registry]") {
    for (auto policy : {Policy::Fifo, Policy::Lifo, Policy::Bitmap}) {
        CHECK(objpool_graphql::parse_policy(objpool_graphql::policy_name(policy)) == policy);
    }
    CHECK_FALSE(objpool_graphql::parse_policy("fifo"));
}

TEST_CASE("registry: concurrent clients never get the same id", "[registry][concurrency]") {
    PoolRegistry registry(100000);
    registry.create("shared", 10000, Policy::Fifo);
    registry.create("other", 10000, Policy::Bitmap);
    constexpr int threads = 4;
    constexpr int per_thread = 2000;
    std::vector<std::vector<std::uint32_t>> got(threads);
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i) {
                const auto id = registry.get("shared");
                if (id)
                    got[t].push_back(*id);
                // Churn on another pool and the map at the same time.
                if (const auto other = registry.get("other"))
                    registry.free("other", *other);
                if (i % 100 == 0)
                    (void)registry.all();
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
    CHECK(registry.stats("shared")->allocated == total);
    CHECK(registry.stats("other")->allocated == 0);
}

TEST_CASE("registry: a pool erased while in use stays valid for that use",
          "[registry][concurrency]") {
    PoolRegistry registry(1000);
    std::thread creator([&] {
        for (int i = 0; i < 200; ++i) {
            try {
                registry.create("flip", 100, Policy::Fifo);
            } catch (const PoolExists&) {
            }
            try {
                registry.erase("flip");
            } catch (const NoSuchPool&) {
            }
        }
    });
    int seen = 0;
    for (int i = 0; i < 2000; ++i) {
        try {
            if (registry.get("flip"))
                ++seen;
        } catch (const NoSuchPool&) {
        }
    }
    creator.join();
    CHECK(seen >= 0);
}

// The pool is far smaller than the number of gets, so every id is handed out, freed and handed
// out again many times; an owner table (one atomic flag per id) catches any id out twice.
TEST_CASE("registry: get/free churn on one small pool never hands an id out twice",
          "[registry][concurrency]") {
    constexpr std::size_t capacity = 16;
    constexpr int threads = 4;
    constexpr int rounds = 20000;
    for (auto policy : {Policy::Fifo, Policy::Lifo, Policy::Bitmap}) {
        CAPTURE(objpool_graphql::policy_name(policy));
        PoolRegistry registry(1000);
        registry.create("small", capacity, policy);
        std::vector<std::atomic<int>> owner(capacity + 1);
        std::atomic<int> duplicates{0};
        std::atomic<int> bad_frees{0};
        std::atomic<long> handed_out{0};
        std::vector<std::thread> workers;
        for (int t = 0; t < threads; ++t) {
            workers.emplace_back([&, t] {
                std::vector<std::uint32_t> held;
                for (int i = 0; i < rounds; ++i) {
                    if (const auto id = registry.get("small")) {
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
                        if (!registry.is_allocated("small", id))
                            bad_frees.fetch_add(1);
                        owner[id].store(0);
                        if (!registry.free("small", id))
                            bad_frees.fetch_add(1);
                    }
                }
                for (const auto id : held) {
                    owner[id].store(0);
                    if (!registry.free("small", id))
                        bad_frees.fetch_add(1);
                }
            });
        }
        for (auto& worker : workers)
            worker.join();
        CHECK(duplicates.load() == 0);
        CHECK(bad_frees.load() == 0);
        CHECK(handed_out.load() > static_cast<long>(capacity) * 10);  // ids really were reused
        const auto stats = registry.stats("small");
        CHECK(stats->available == capacity);
        CHECK(stats->allocated == 0);
    }
}

TEST_CASE("registry: of threads freeing the same id at once, exactly one succeeds",
          "[registry][concurrency]") {
    constexpr int threads = 4;
    constexpr int rounds = 2000;
    for (auto policy : {Policy::Fifo, Policy::Lifo, Policy::Bitmap}) {
        CAPTURE(objpool_graphql::policy_name(policy));
        PoolRegistry registry(1000);
        registry.create("p", 8, policy);
        int failures = 0;
        for (int round = 0; round < rounds / 100; ++round) {
            std::vector<std::uint32_t> ids;
            while (const auto id = registry.get("p"))
                ids.push_back(*id);
            std::atomic<int> successes{0};
            std::vector<std::thread> workers;
            for (int t = 0; t < threads; ++t) {
                workers.emplace_back([&] {
                    for (const auto id : ids) {
                        if (registry.free("p", id))
                            successes.fetch_add(1);
                    }
                });
            }
            for (auto& worker : workers)
                worker.join();
            if (successes.load() != static_cast<int>(ids.size()))
                ++failures;
            if (registry.stats("p")->available != 8)
                ++failures;
        }
        CHECK(failures == 0);
    }
}

TEST_CASE("registry: erase while other threads get and free on the same pool",
          "[registry][concurrency]") {
    PoolRegistry registry(1000);
    std::atomic<bool> done{false};
    std::atomic<long> operations{0};
    std::vector<std::thread> users;
    for (int t = 0; t < 3; ++t) {
        users.emplace_back([&] {
            while (!done.load()) {
                try {
                    if (const auto id = registry.get("flip")) {
                        (void)registry.is_allocated("flip", *id);
                        (void)registry.free("flip",
                                            *id);  // false when the pool was replaced meanwhile
                    }
                    (void)registry.stats("flip");
                    operations.fetch_add(1);
                } catch (const NoSuchPool&) {
                }
            }
        });
    }
    for (int i = 0; i < 90; ++i) {
        const auto policy = i % 3 == 0 ? Policy::Fifo : i % 3 == 1 ? Policy::Lifo : Policy::Bitmap;
        registry.create("flip", 50, policy);
        std::this_thread::yield();
        registry.erase("flip");
    }
    done.store(true);
    for (auto& user : users)
        user.join();
    CHECK_FALSE(registry.stats("flip"));
    CHECK(operations.load() >= 0);
}

TEST_CASE("registry: snapshots under load always add up to the capacity",
          "[registry][concurrency]") {
    PoolRegistry registry(1000);
    registry.create("p", 64, Policy::Lifo);
    std::atomic<bool> done{false};
    std::thread churn([&] {
        while (!done.load()) {
            if (const auto id = registry.get("p"))
                (void)registry.free("p", *id);
        }
    });
    int bad = 0;
    for (int i = 0; i < 20000; ++i) {
        const auto stats = registry.stats("p");
        if (stats->available + stats->allocated != 64 || stats->available > 64)
            ++bad;
    }
    done.store(true);
    churn.join();
    CHECK(bad == 0);
}

TEST_CASE("registry: error messages quote at most 100 bytes of a name", "[registry]") {
    PoolRegistry registry(10);
    const std::string huge(1'000'000, 'x');
    try {
        (void)registry.get(huge);
        FAIL("no exception");
    } catch (const NoSuchPool& e) {
        CHECK(std::string(e.what()).size() < 200);
        CHECK(std::string(e.what()).find("(1000000 bytes)") != std::string::npos);
    }
    // Cut on a character boundary: 99 ASCII bytes, then a 2-byte character across byte 100.
    const std::string name = std::string(99, 'a') + "\xC3\xA9" + std::string(10, 'b');
    try {
        (void)registry.get(name);
        FAIL("no exception");
    } catch (const NoSuchPool& e) {
        CHECK(std::string(e.what()) ==
              "no pool named \"" + std::string(99, 'a') + "\"... (111 bytes)");
    }
    CHECK_THROWS_WITH(registry.get("short"), "no pool named \"short\"");
}
