// objpool::Counted: every pool family counts gets, failed gets, frees, refused frees and waits,
// once per call, error paths included.
#include <chrono>
#include <cstddef>
#include <stdexcept>
#include <thread>
#include <tuple>
#include <vector>

#include <objpool/objpool.hpp>

#include "objpool_catch.hpp"

using objpool::BadFree;
using objpool::Counted;
using objpool::PoolStatistics;
using namespace std::chrono_literals;

namespace {

using CountedIdPools = std::tuple<                                       //
    objpool::IdPool<Counted<objpool::Lifo>>,                             //
    objpool::IdPool<Counted<objpool::Fifo>>,                             //
    objpool::IdPool<Counted<objpool::Bitmap>>,                           //
    objpool::ConcurrentIdPool<Counted<objpool::Lifo>>,                   //
    objpool::ConcurrentIdPool<Counted<objpool::Fifo>>,                   //
    objpool::ConcurrentIdPool<Counted<objpool::Bitmap>>,                 //
    objpool::ConcurrentIdPool<Counted<objpool::Locked<objpool::Lifo>>>,  //
    objpool::ConcurrentIdPool<Counted<objpool::ThreadCached<objpool::Lifo>>>>;

struct Payload {
    int value = 0;
};

using CountedObjectPools = std::tuple<                                 //
    objpool::ObjectPool<Payload, Counted<objpool::Lifo>>,              //
    objpool::ObjectPool<Payload, Counted<objpool::Bitmap>>,            //
    objpool::ConcurrentObjectPool<Payload, Counted<objpool::Fifo>>,    //
    objpool::ConcurrentObjectPool<Payload, Counted<objpool::Bitmap>>,  //
    objpool::ConcurrentObjectPool<Payload, Counted<objpool::ThreadCached<objpool::Lifo>>>>;

struct Expected {
    std::uint64_t gets, failed_gets, frees, refused_frees;
};

void check(const PoolStatistics& counted, Expected expected) {
    CHECK(counted.gets == expected.gets);
    CHECK(counted.failed_gets == expected.failed_gets);
    CHECK(counted.frees == expected.frees);
    CHECK(counted.refused_frees == expected.refused_frees);
}

}  // namespace

TEMPLATE_LIST_TEST_CASE("Counted: claims and leases are gets, free_all keeps the counts",
                        "[statistics][try_claim]", CountedIdPools) {
    TestType pool(3);
    CHECK(pool.try_claim(2));        // a get
    CHECK_FALSE(pool.try_claim(2));  // refused: not counted
    CHECK_FALSE(pool.try_claim(9));  // out of range: not counted
    {
        auto lease = pool.lease();  // a get
        REQUIRE(lease);
        auto other = pool.lease();  // a get
        REQUIRE(other);
        CHECK_FALSE(pool.lease());  // a failed get
    }                               // two frees
    check(pool.statistics(), {3, 1, 2, 0});
    pool.free_all();
    check(pool.statistics(), {3, 1, 2, 0});
    CHECK(pool.available() == 3);
    CHECK(pool.get() == 1U);
}

TEMPLATE_LIST_TEST_CASE("Counted: an id pool counts each call once, refusals included",
                        "[statistics]", CountedIdPools) {
    TestType pool(3);
    check(pool.statistics(), {0, 0, 0, 0});
    CHECK(pool.statistics().waits == 0);
    CHECK(pool.statistics().wait_time == 0ns);

    const auto first = pool.get();
    const auto second = pool.get();
    const auto third = pool.get();
    REQUIRE((first && second && third));
    CHECK_FALSE(pool.get().has_value());
    check(pool.statistics(), {3, 1, 0, 0});

    pool.free(*first);
    CHECK_THROWS_AS(pool.free(*first), BadFree);  // not out
    CHECK_THROWS_AS(pool.free(0), BadFree);       // out of range
    CHECK_FALSE(pool.try_free(99));
    CHECK(pool.try_free(*second));
    check(pool.statistics(), {3, 1, 2, 3});
    CHECK(pool.allocated() == 1);
}

TEMPLATE_LIST_TEST_CASE("Counted: an object pool counts gets, leases and refused frees",
                        "[statistics]", CountedObjectPools) {
    TestType pool(2);
    Payload foreign;
    {
        auto lease = pool.get();
        Payload* raw = pool.acquire();
        REQUIRE((lease && raw != nullptr));
        CHECK_FALSE(pool.get());
        CHECK(pool.acquire() == nullptr);
        check(pool.statistics(), {2, 2, 0, 0});

        CHECK_THROWS_AS(pool.free(&foreign), BadFree);
        CHECK_FALSE(pool.try_free(&foreign));
        pool.free(raw);
        CHECK_THROWS_AS(pool.free(raw), BadFree);
        CHECK_FALSE(pool.try_free(raw));
        check(pool.statistics(), {2, 2, 1, 4});
    }  // the lease gives its object back: one more free
    check(pool.statistics(), {2, 2, 2, 4});

    // A discard is a free; a refused one (not out, or a lease's object) a refused free.
    Payload* broken = pool.acquire();
    REQUIRE(broken != nullptr);
    pool.discard(broken);
    CHECK_THROWS_AS(pool.discard(broken), BadFree);
    auto leased = pool.get();
    REQUIRE(leased);
    CHECK_THROWS_AS(pool.free(leased.get()), BadFree);
    pool.discard(leased);
    check(pool.statistics(), {4, 2, 4, 6});
}

TEST_CASE(
    "Counted: a get whose construction throws and a free whose reset throws count as "
    "neither",
    "[statistics]") {
    struct Fragile {
        explicit Fragile(bool fail) {
            if (fail) {
                throw std::runtime_error("construction failed");
            }
        }
    };
    objpool::ObjectPool<Fragile, Counted<objpool::Fifo>, objpool::ConstructOnGet> built(2);
    CHECK_THROWS_AS(built.acquire(true), std::runtime_error);
    Fragile* made = built.acquire(false);
    REQUIRE(made != nullptr);
    built.free(made);
    check(built.statistics(), {1, 0, 1, 0});

    bool fail_reset = true;
    objpool::ObjectPool<Payload, Counted<objpool::Lifo>> reused(2, {}, [&fail_reset](Payload&) {
        if (fail_reset) {
            throw std::runtime_error("reset failed");
        }
    });
    Payload* object = reused.acquire();
    CHECK_THROWS_AS(reused.free(object), std::runtime_error);
    fail_reset = false;
    reused.free(object);
    check(reused.statistics(), {1, 0, 1, 0});
}

TEST_CASE("Counted: a concurrent free whose reset throws leaves the object out, uncounted",
          "[statistics]") {
    bool fail_reset = true;
    objpool::ConcurrentObjectPool<Payload, Counted<objpool::ThreadCached<objpool::Lifo>>> pool(
        64, {}, [&fail_reset](Payload&) {
            if (fail_reset) {
                throw std::runtime_error("reset failed");
            }
        });
    Payload* object = pool.acquire();
    REQUIRE(object != nullptr);
    CHECK_THROWS_AS(pool.free(object), std::runtime_error);
    CHECK(pool.is_allocated(pool.id_of(object)));
    fail_reset = false;
    pool.free(object);
    check(pool.statistics(), {1, 0, 1, 0});
}

TEST_CASE("Counted: get_for counts its sleep, whether it ends with an id or not", "[statistics]") {
    objpool::ConcurrentIdPool<Counted<objpool::Lifo>> pool(1);
    const auto only = pool.get();
    REQUIRE(only);

    CHECK_FALSE(pool.get_for(20ms).has_value());
    PoolStatistics counted = pool.statistics();
    check(counted, {1, 1, 0, 0});
    CHECK(counted.waits == 1);
    CHECK(counted.wait_time >= 10ms);

    std::thread freer([&pool, &only] {
        std::this_thread::sleep_for(30ms);
        pool.free(*only);
    });
    const auto again = pool.get_for(10s);
    freer.join();
    CHECK(again == only);
    counted = pool.statistics();
    check(counted, {2, 1, 1, 0});
    CHECK(counted.waits == 2);

    // A get_for that finds an id at once does not sleep.
    pool.free(*again);
    CHECK(pool.get_for(1s).has_value());
    CHECK(pool.statistics().waits == 2);
}

TEST_CASE("Counted: an object pool's get_until counts its sleep", "[statistics]") {
    objpool::ConcurrentObjectPool<Payload, Counted<objpool::ThreadCached<objpool::Bitmap>>> pool(1);
    auto held = pool.get();
    REQUIRE(held);
    CHECK_FALSE(pool.get_until(std::chrono::steady_clock::now() + 20ms));
    const PoolStatistics counted = pool.statistics();
    check(counted, {1, 1, 0, 0});
    CHECK(counted.waits == 1);
    CHECK(counted.wait_time >= 10ms);
}

TEST_CASE("Counted: counts from many threads add up", "[statistics]") {
    objpool::ConcurrentIdPool<Counted<objpool::ThreadCached<objpool::Lifo>>> pool(1024);
    constexpr int threads = 4;
    constexpr int pairs = 5000;
    std::vector<std::thread> workers;
    for (int worker = 0; worker < threads; ++worker) {
        workers.emplace_back([&pool] {
            for (int pair = 0; pair < pairs; ++pair) {
                const auto id = pool.get();
                if (id) {
                    pool.free(*id);
                }
                CHECK_FALSE(pool.try_free(0));  // never an id of the pool
            }
        });
    }
    for (std::thread& worker : workers) {
        worker.join();
    }
    const PoolStatistics counted = pool.statistics();
    CHECK(counted.gets + counted.failed_gets == std::uint64_t{threads} * pairs);
    CHECK(counted.gets == counted.frees);
    CHECK(counted.refused_frees == std::uint64_t{threads} * pairs);
    CHECK(pool.available() == pool.capacity());
}

TEST_CASE("Counted: bookkeeping includes the counts", "[statistics]") {
    objpool::IdPool<objpool::Lifo> plain(64);
    objpool::IdPool<Counted<objpool::Lifo>> counted(64);
    CHECK(counted.bookkeeping_bytes() > plain.bookkeeping_bytes());
}
