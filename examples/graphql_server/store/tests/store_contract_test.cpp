// The contract every PoolStore keeps, run over each store (store_backends.hpp).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include <objpool/objpool.hpp>
#include <objpool_catch.hpp>

#include "store_backends.hpp"

using namespace store_test;
using namespace std::chrono_literals;

namespace {

std::vector<Id> drain(PoolStore& store, const std::string& pool) {
    std::vector<Id> ids;
    while (const auto id = store.get(pool))
        ids.push_back(*id);
    return ids;
}

void require_stats(PoolStore& store, const std::string& pool, std::size_t capacity,
                   std::size_t allocated) {
    const auto stats = store.stats(pool);
    REQUIRE(stats);
    CHECK(stats->capacity == capacity);
    CHECK(stats->allocated == allocated);
    CHECK(stats->available == capacity - allocated);
}

// Replays one seeded mix of gets and frees on the store and on objpool::IdPool<Library> and
// requires the same answer to every call.
template <class Library>
void require_library_order(PoolStore& store, Policy policy, int steps) {
    constexpr std::size_t capacity = 16;
    store.create("replay", capacity, policy);
    objpool::IdPool<Library> library(capacity, 1);
    std::mt19937 random(17);
    std::vector<Id> out;
    for (int step = 0; step < steps; ++step) {
        const bool get = out.empty() || (out.size() < capacity && random() % 3 != 0);
        if (get) {
            const auto expected = library.get();
            const auto actual = store.get("replay");
            REQUIRE(actual == expected);
            out.push_back(*actual);
        } else {
            const std::size_t index = random() % out.size();
            const Id id = out[index];
            out.erase(out.begin() + static_cast<std::ptrdiff_t>(index));
            library.free(id);
            REQUIRE(store.free("replay", id));
        }
    }
    require_stats(store, "replay", capacity, out.size());
}

}  // namespace

TEMPLATE_TEST_CASE("store: create, stats, all and erase", "[store]", STORE_BACKENDS) {
    TestType backend;
    auto store = backend.open();
    CHECK_NOTHROW(store->ping());
    CHECK(store->all().empty());
    const PoolStats created = store->create("b", 10, Policy::Lifo);
    CHECK(created.name == "b");
    CHECK(created.policy == Policy::Lifo);
    CHECK(created.capacity == 10);
    CHECK(created.available == 10);
    CHECK(created.allocated == 0);
    store->create("a", 3, Policy::Bitmap);
    const auto pools = store->all();
    REQUIRE(pools.size() == 2);
    CHECK(pools[0].name == "a");
    CHECK(pools[1].name == "b");
    CHECK(pools[1].policy == Policy::Lifo);

    CHECK_THROWS_AS(store->create("a", 5, Policy::Fifo), PoolExists);
    require_stats(*store, "a", 3, 0);

    store->erase("a");
    CHECK_FALSE(store->stats("a"));
    CHECK_THROWS_AS(store->erase("a"), NoSuchPool);
    store->create("a", 2, Policy::Fifo);  // the name is free again, with a fresh pool
    CHECK(drain(*store, "a") == std::vector<Id>{1, 2});
}

TEMPLATE_TEST_CASE("store: a pool of any capacity up to the maximum is created at once", "[store]",
                   STORE_BACKENDS) {
    TestType backend;
    auto store = backend.open();
    store->create("big", static_cast<long long>(store->max_capacity()), Policy::Fifo);
    require_stats(*store, "big", store->max_capacity(), 0);
    CHECK(store->get("big") == Id{1});
    CHECK_FALSE(store->is_allocated("big", static_cast<long long>(store->max_capacity())));
}

TEMPLATE_TEST_CASE("store: bad capacities are refused", "[store]", STORE_BACKENDS) {
    TestType backend;
    auto store = backend.open();
    const auto too_big = static_cast<long long>(store->max_capacity()) + 1;
    for (const long long capacity : {0LL, -1LL, too_big, 1LL << 40}) {
        CHECK_THROWS_AS(store->create("p", capacity, Policy::Fifo), BadCapacity);
    }
    CHECK(store->all().empty());
}

TEMPLATE_TEST_CASE("store: unknown pools", "[store]", STORE_BACKENDS) {
    TestType backend;
    auto store = backend.open();
    CHECK_THROWS_AS(store->get("none"), NoSuchPool);
    CHECK_THROWS_AS(store->free("none", 1), NoSuchPool);
    CHECK_THROWS_AS(store->is_allocated("none", 1), NoSuchPool);
    CHECK_THROWS_AS(store->erase("none"), NoSuchPool);
    CHECK_THROWS_AS(store->acquire_lease("none", 1s), NoSuchPool);
    CHECK_THROWS_AS(store->renew_lease("none", 1, 1, 1s), NoSuchPool);
    CHECK_THROWS_AS(store->release_lease("none", 1, 1), NoSuchPool);
    CHECK_FALSE(store->stats("none"));
    const std::string long_name(5000, 'x');
    try {
        store->get(long_name);
        FAIL("no exception");
    } catch (const NoSuchPool& error) {
        CHECK(std::string(error.what()).size() < 200);  // the name is cut in the message
    }
}

TEMPLATE_TEST_CASE("store: each policy hands ids out in the library's order", "[store]",
                   STORE_BACKENDS) {
    TestType backend;
    auto store = backend.open();
    SECTION("FIFO: never-used ascending, then the freed in the order they were freed") {
        store->create("p", 5, Policy::Fifo);
        CHECK(drain(*store, "p").size() == 5);
        for (const Id id : {4, 2, 5})
            CHECK(store->free("p", id));
        CHECK(drain(*store, "p") == std::vector<Id>{4, 2, 5});
        store->erase("p");
        store->create("p", 5, Policy::Fifo);
        CHECK(store->get("p") == Id{1});
        CHECK(store->get("p") == Id{2});
        CHECK(store->free("p", 1));
        CHECK(drain(*store, "p") == std::vector<Id>{3, 4, 5, 1});
    }
    SECTION("LIFO: the most recently freed, else the lowest never-used") {
        store->create("p", 5, Policy::Lifo);
        CHECK(drain(*store, "p").size() == 5);
        store->erase("p");
        store->create("p", 5, Policy::Lifo);
        CHECK(store->get("p") == Id{1});
        CHECK(store->get("p") == Id{2});
        CHECK(store->get("p") == Id{3});
        CHECK(store->free("p", 1));
        CHECK(store->free("p", 3));
        CHECK(drain(*store, "p") == std::vector<Id>{3, 1, 4, 5});
    }
    SECTION("BITMAP: the lowest free id") {
        store->create("p", 5, Policy::Bitmap);
        CHECK(drain(*store, "p") == std::vector<Id>{1, 2, 3, 4, 5});
        for (const Id id : {4, 2, 5})
            CHECK(store->free("p", id));
        CHECK(drain(*store, "p") == std::vector<Id>{2, 4, 5});
    }
    SECTION("a seeded mix of gets and frees matches objpool::IdPool") {
        SECTION("FIFO") {
            require_library_order<objpool::Fifo>(*store, Policy::Fifo, 120);
        }
        SECTION("LIFO") {
            require_library_order<objpool::Lifo>(*store, Policy::Lifo, 120);
        }
        SECTION("BITMAP") {
            require_library_order<objpool::Bitmap>(*store, Policy::Bitmap, 120);
        }
    }
}

TEMPLATE_TEST_CASE("store: exhaustion and refused frees change nothing", "[store]",
                   STORE_BACKENDS) {
    TestType backend;
    auto store = backend.open();
    store->create("p", 4, Policy::Fifo);
    CHECK(drain(*store, "p") == std::vector<Id>{1, 2, 3, 4});
    CHECK_FALSE(store->get("p"));
    require_stats(*store, "p", 4, 4);

    CHECK(store->free("p", 3));
    CHECK_FALSE(store->free("p", 3));  // double free
    for (const long long bad : {0LL, -1LL, 5LL, 1LL << 33}) {
        CHECK_FALSE(store->free("p", bad));
        CHECK_FALSE(store->is_allocated("p", bad));
    }
    require_stats(*store, "p", 4, 3);
    CHECK_FALSE(store->is_allocated("p", 3));
    CHECK(store->is_allocated("p", 4));
    CHECK(store->get("p") == Id{3});
    CHECK_FALSE(store->get("p"));

    store->create("fresh", 4, Policy::Bitmap);
    CHECK_FALSE(store->free("fresh", 2));  // never handed out
    CHECK(drain(*store, "fresh") == std::vector<Id>{1, 2, 3, 4});
}

TEMPLATE_TEST_CASE("store: leases", "[store][lease]", STORE_BACKENDS) {
    TestType backend;
    auto store = backend.open();
    store->create("p", 3, Policy::Fifo);

    const auto first = store->acquire_lease("p", 60s);
    REQUIRE(first);
    CHECK(first->id == 1);
    CHECK(first->expires_at > std::chrono::system_clock::now() + 50s);
    CHECK(store->is_allocated("p", first->id));
    CHECK_FALSE(store->free("p", first->id));  // only its lease gives it back
    require_stats(*store, "p", 3, 1);

    const auto second = store->acquire_lease("p", 60s);
    REQUIRE(second);
    CHECK(second->token > first->token);

    SECTION("a wrong token changes nothing") {
        CHECK_THROWS_AS(store->renew_lease("p", first->id, second->token, 60s), StaleLease);
        CHECK_THROWS_AS(store->release_lease("p", first->id, first->token + 1000), StaleLease);
        CHECK_THROWS_AS(store->release_lease("p", 3, first->token), StaleLease);  // not leased
        CHECK_THROWS_AS(store->release_lease("p", 0, first->token), StaleLease);
        CHECK_THROWS_AS(store->release_lease("p", 99, first->token), StaleLease);
        CHECK(store->is_allocated("p", first->id));
        require_stats(*store, "p", 3, 2);
        store->release_lease("p", first->id, first->token);  // still held: the right token works
    }
    SECTION("renew keeps id and token and moves the deadline") {
        const Lease renewed = store->renew_lease("p", first->id, first->token, 120s);
        CHECK(renewed.id == first->id);
        CHECK(renewed.token == first->token);
        CHECK(renewed.expires_at > first->expires_at);
        store->release_lease("p", first->id, first->token);
    }
    SECTION("ttl out of range") {
        CHECK_THROWS_AS(store->acquire_lease("p", 0ms), BadTtl);
        CHECK_THROWS_AS(store->acquire_lease("p", -5ms), BadTtl);
        CHECK_THROWS_AS(store->acquire_lease("p", max_lease_ttl + 1ms), BadTtl);
        CHECK_THROWS_AS(store->renew_lease("p", first->id, first->token, 0ms), BadTtl);
        require_stats(*store, "p", 3, 2);
        store->release_lease("p", first->id, first->token);
    }
    // Released: the id is free, and its token is stale.
    CHECK_FALSE(store->is_allocated("p", first->id));
    require_stats(*store, "p", 3, 1);
    CHECK_THROWS_AS(store->release_lease("p", first->id, first->token), StaleLease);
    CHECK_THROWS_AS(store->renew_lease("p", first->id, first->token, 1s), StaleLease);

    // Tokens keep increasing, also for an id leased again.
    LeaseToken last = second->token;
    for (int round = 0; round < 3; ++round) {
        const auto lease = store->acquire_lease("p", 60s);
        REQUIRE(lease);
        CHECK(lease->token > last);
        last = lease->token;
        store->release_lease("p", lease->id, lease->token);
    }
    store->acquire_lease("p", 60s);
    store->acquire_lease("p", 60s);
    CHECK_FALSE(store->acquire_lease("p", 60s));  // exhausted
    CHECK_FALSE(store->get("p"));
}

TEMPLATE_TEST_CASE("store: an expired lease gives its id back", "[store][lease]", STORE_BACKENDS) {
    TestType backend;
    auto store = backend.open();
    store->create("p", 1, Policy::Lifo);
    constexpr auto ttl = 100ms;
    const auto acquired = std::chrono::steady_clock::now();
    const auto lease = store->acquire_lease("p", ttl);
    REQUIRE(lease);
    const auto held = store->get("p");
    // Only meaningful while the lease certainly runs (a slow sanitizer build may be past it).
    if (std::chrono::steady_clock::now() < acquired + ttl - 20ms)
        CHECK_FALSE(held);
    std::this_thread::sleep_until(lease->expires_at + 20ms);  // by the store's clock
    if (held)
        REQUIRE(store->free("p", *held));
    SECTION("to get") {
        CHECK(store->get("p") == lease->id);
        // The old holder can neither renew nor release what is now someone else's.
        CHECK_THROWS_AS(store->renew_lease("p", lease->id, lease->token, 1s), StaleLease);
        CHECK_THROWS_AS(store->release_lease("p", lease->id, lease->token), StaleLease);
        CHECK(store->is_allocated("p", lease->id));
        CHECK(store->free("p", lease->id));
    }
    SECTION("to stats and to the next lease") {
        require_stats(*store, "p", 1, 0);
        const auto next = store->acquire_lease("p", 60s);
        REQUIRE(next);
        CHECK(next->id == lease->id);
        CHECK(next->token > lease->token);
        CHECK_THROWS_AS(store->release_lease("p", lease->id, lease->token), StaleLease);
        store->release_lease("p", next->id, next->token);
    }
    SECTION("to renew, which then fails") {
        CHECK_THROWS_AS(store->renew_lease("p", lease->id, lease->token, 1s), StaleLease);
        CHECK_FALSE(store->is_allocated("p", lease->id));
    }
}

TEMPLATE_TEST_CASE("store: concurrent gets, frees and leases never hand an id out twice",
                   "[store][concurrency]", STORE_BACKENDS) {
    TestType backend;
    auto store = backend.open();
    constexpr std::size_t capacity = 24;
    store->create("p", capacity, Policy::Fifo);
    // The ledger of acknowledged ids: a second holder of one id fails the insert.
    std::mutex ledger_mutex;
    std::set<Id> ledger;
    std::atomic<int> violations{0};  // a second holder, or a refused free of an id held
    const auto acknowledge = [&](Id id) {
        std::lock_guard lock(ledger_mutex);
        if (!ledger.insert(id).second)
            ++violations;
    };
    const auto forget = [&](Id id) {
        std::lock_guard lock(ledger_mutex);
        ledger.erase(id);
    };
    constexpr int threads = 4;
    const int rounds = TestType::durable ? 40 : 2000;
    std::vector<std::thread> workers;
    for (int worker = 0; worker < threads; ++worker) {
        workers.emplace_back([&, worker] {
            std::vector<Id> held;
            std::vector<Lease> leases;
            for (int round = 0; round < rounds; ++round) {
                if (worker == 0) {  // a lease holder among plain users
                    if (auto lease = store->acquire_lease("p", 60s)) {
                        acknowledge(lease->id);
                        leases.push_back(*lease);
                    }
                    if (leases.size() > 2) {
                        forget(leases.front().id);
                        store->release_lease("p", leases.front().id, leases.front().token);
                        leases.erase(leases.begin());
                    }
                    continue;
                }
                if (auto id = store->get("p")) {
                    acknowledge(*id);
                    held.push_back(*id);
                }
                if (held.size() > 3 || (round % 2 == 1 && !held.empty())) {
                    forget(held.front());
                    if (!store->free("p", held.front()))
                        ++violations;
                    held.erase(held.begin());
                }
            }
        });
    }
    for (auto& worker : workers)
        worker.join();
    CHECK(violations == 0);
    require_stats(*store, "p", capacity, ledger.size());
    for (const Id id : ledger)
        CHECK(store->is_allocated("p", id));
}
