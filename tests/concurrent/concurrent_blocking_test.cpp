// Blocking acquisition: get_for / get_until wake up on free, time out when nothing is freed,
// and lose no wake-up when many threads wait.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <thread>
#include <vector>

#include <objpool_catch.hpp>

#include "concurrent_support.hpp"

using objpool::ConcurrentIdPool;
using objpool::ConcurrentObjectPool;
using objpool_concurrent_test::AllPolicies;
using objpool_concurrent_test::run_threads;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

TEMPLATE_LIST_TEST_CASE("ConcurrentIdPool::get_for is woken by free", "[concurrent][blocking]",
                        AllPolicies) {
    ConcurrentIdPool<TestType> pool(1);
    const auto id = pool.get();
    REQUIRE(id);
    std::atomic<bool> waiting{false};
    std::optional<std::uint32_t> got;
    Clock::duration waited{};
    std::thread waiter([&] {
        waiting.store(true);
        const auto start = Clock::now();
        got = pool.get_for(std::chrono::seconds(30));
        waited = Clock::now() - start;
    });
    while (!waiting.load()) {
        std::this_thread::yield();
    }
    std::this_thread::sleep_for(milliseconds(50));  // let it fall asleep (not required)
    pool.free(*id);
    waiter.join();
    CHECK(got == id);
    CHECK(waited < std::chrono::seconds(10));  // woken by the free, not by the timeout
    CHECK(pool.available() == 0);
}

TEMPLATE_LIST_TEST_CASE("ConcurrentIdPool::get_for and get_until time out when nothing is freed",
                        "[concurrent][blocking]", AllPolicies) {
    ConcurrentIdPool<TestType> pool(2);
    static_cast<void>(pool.get());
    static_cast<void>(pool.get());

    auto start = Clock::now();
    CHECK_FALSE(pool.get_for(milliseconds(60)).has_value());
    CHECK(Clock::now() - start >= milliseconds(60));

    start = Clock::now();
    CHECK_FALSE(pool.get_until(start + milliseconds(40)).has_value());
    CHECK(Clock::now() - start >= milliseconds(40));

    // A deadline on another clock, one in the past, a zero and a huge timeout.
    CHECK_FALSE(pool.get_until(std::chrono::system_clock::now() + milliseconds(10)).has_value());
    CHECK_FALSE(pool.get_until(Clock::now() - milliseconds(10)).has_value());
    CHECK_FALSE(pool.get_for(milliseconds(0)).has_value());
    pool.free(2);
    CHECK(pool.get_for(Clock::duration::max()) == std::optional<std::uint32_t>{2});
    CHECK(pool.available() == 0);
}

TEMPLATE_LIST_TEST_CASE("ConcurrentIdPool: many waiters, no lost wake-up",
                        "[concurrent][blocking]", AllPolicies) {
    // More threads than ids, each taking and giving back with get_for: a lost wake-up would
    // leave a thread asleep until its (long) timeout while ids are free.
    const unsigned threads = 8;
    const std::size_t capacity = 2;
    const int rounds = 300;
    ConcurrentIdPool<TestType> pool(capacity);
    std::atomic<int> timeouts{0};
    std::atomic<int> errors{0};
    std::vector<std::atomic<unsigned>> owner(capacity);
    const auto start = Clock::now();
    run_threads(threads, [&](unsigned index) {
        for (int round = 0; round < rounds; ++round) {
            const auto id = pool.get_for(std::chrono::seconds(20));
            if (!id) {
                timeouts.fetch_add(1);
                continue;
            }
            if (owner[*id - 1].exchange(index + 1, std::memory_order_relaxed) != 0) {
                errors.fetch_add(1);
            }
            std::this_thread::yield();
            owner[*id - 1].store(0, std::memory_order_relaxed);
            pool.free(*id);
        }
    });
    CHECK(timeouts.load() == 0);
    CHECK(errors.load() == 0);
    CHECK(Clock::now() - start < std::chrono::seconds(20));
    CHECK(pool.available() == capacity);
}

TEMPLATE_LIST_TEST_CASE("ConcurrentObjectPool::get_for is woken by free and times out",
                        "[concurrent][blocking][object_pool]", AllPolicies) {
    ConcurrentObjectPool<int, TestType> pool(1);
    auto lease = pool.get();
    REQUIRE(lease);
    *lease = 42;

    auto start = Clock::now();
    CHECK_FALSE(pool.get_for(milliseconds(50)));
    CHECK(Clock::now() - start >= milliseconds(50));
    CHECK(pool.acquire_until(Clock::now() + milliseconds(5)) == nullptr);

    int seen = 0;
    std::thread waiter([&] {
        auto mine = pool.get_for(std::chrono::seconds(30));
        seen = mine ? *mine : -1;
    });
    std::this_thread::sleep_for(milliseconds(30));
    lease = {};  // the lease's destructor wakes the waiter
    waiter.join();
    CHECK(seen == 42);  // Reuse: the same object, as the last holder left it

    ConcurrentObjectPool<int, TestType, objpool::ConstructOnGet> constructing(1);
    int* const first = constructing.acquire(1);
    std::thread constructor([&] {
        int* const second = constructing.acquire_for(std::chrono::seconds(30), 7);
        seen = second ? *second : -1;
        if (second) {
            constructing.free(second);
        }
    });
    std::this_thread::sleep_for(milliseconds(30));
    constructing.free(first);
    constructor.join();
    CHECK(seen == 7);  // constructed from the arguments after the wait
}
