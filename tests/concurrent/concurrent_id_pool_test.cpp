// ConcurrentIdPool over every concurrent policy at sizes where the algorithms change (bitmap
// levels, the Fifo ring's scattering), and what each policy promises about order. The contract
// every pool shares is in tests/contract.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <limits>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <id_pool_inspection.hpp>
#include <objpool_catch.hpp>

#include "concurrent_support.hpp"

using objpool::BadFree;
using objpool::ConcurrentIdPool;
using objpool_concurrent_test::AllPolicies;
using objpool_concurrent_test::throws_bad_free;
using objpool_support::drain;
using objpool_support::Snapshot;

namespace {

// A concurrent policy of the user's own, through the nested-type route: a Locked free list
// renamed, proving that the trait picks up Policy::ConcurrentFreeList.
struct UserPolicy {
    using ConcurrentFreeList = objpool::Locked<objpool::Lifo>::ConcurrentFreeList;
};

}  // namespace

static_assert(objpool::is_concurrent_policy_v<objpool::Fifo>);
static_assert(objpool::is_concurrent_policy_v<objpool::Lifo>);
static_assert(objpool::is_concurrent_policy_v<objpool::Bitmap>);
static_assert(objpool::is_concurrent_policy_v<objpool::Locked<objpool::Bitmap>>);
static_assert(objpool::is_concurrent_policy_v<UserPolicy>);
static_assert(!objpool::is_concurrent_policy_v<int>);
// Lifo, Fifo and Bitmap publish with seq_cst read-modify-writes that an exhausted acquire reads
// with seq_cst loads (no fence on free); Locked publishes through a mutex and gets the fence.
static_assert(objpool::free_list_traits<objpool::concurrent::LifoFreeList>::publishes_seq_cst);
static_assert(objpool::free_list_traits<objpool::concurrent::FifoFreeList>::publishes_seq_cst);
static_assert(objpool::free_list_traits<objpool::concurrent::BitmapFreeList>::publishes_seq_cst);
static_assert(!objpool::free_list_traits<
              objpool::Locked<objpool::Lifo>::ConcurrentFreeList>::publishes_seq_cst);
static_assert(
    std::is_same_v<ConcurrentIdPool<objpool::Lifo>::FreeList, objpool::concurrent::LifoFreeList>);

TEMPLATE_LIST_TEST_CASE("ConcurrentIdPool creation does no per-id work", "[concurrent][contract]",
                        AllPolicies) {
    // 10^7 ids: zero pages cost nothing until used, so only the ids handed out are touched.
    ConcurrentIdPool<TestType> pool(10'000'000);
    CHECK(pool.get() == std::optional<std::uint32_t>{1});
    CHECK(pool.get() == std::optional<std::uint32_t>{2});
    pool.free(1);
    CHECK(pool.available() == 10'000'000 - 1);
}

TEST_CASE("ConcurrentIdPool<Lifo> hands out the most recently freed id first",
          "[concurrent][lifo]") {
    ConcurrentIdPool<objpool::Lifo> pool(5);
    for (int i = 0; i < 4; ++i) {
        static_cast<void>(pool.get());
    }
    pool.free(2);
    pool.free(4);
    pool.free(1);
    CHECK(pool.get() == std::optional<std::uint32_t>{1});
    CHECK(pool.get() == std::optional<std::uint32_t>{4});
    CHECK(pool.get() == std::optional<std::uint32_t>{2});
    CHECK(pool.get() == std::optional<std::uint32_t>{5});  // then the never-used one
    CHECK_FALSE(pool.get());
}

TEST_CASE("ConcurrentIdPool<Fifo> hands out never-used ids first, then the longest freed",
          "[concurrent][fifo]") {
    ConcurrentIdPool<objpool::Fifo> pool(5);
    for (int i = 0; i < 3; ++i) {
        static_cast<void>(pool.get());
    }
    pool.free(2);
    pool.free(3);
    pool.free(1);
    CHECK(pool.get() == std::optional<std::uint32_t>{4});
    CHECK(pool.get() == std::optional<std::uint32_t>{5});
    CHECK(pool.get() == std::optional<std::uint32_t>{2});
    CHECK(pool.get() == std::optional<std::uint32_t>{3});
    pool.free(3);
    CHECK(pool.get() == std::optional<std::uint32_t>{1});
    CHECK(pool.get() == std::optional<std::uint32_t>{3});
    CHECK_FALSE(pool.get());
}

TEST_CASE("ConcurrentIdPool<Fifo> keeps its order over many laps of its ring",
          "[concurrent][fifo]") {
    // 5 ids: a ring of 128 cells. 4033 and 5000: rings of 8192 cells, where consecutive
    // positions and ids are scattered over cache lines; 4033 fills all but 64 of them.
    const std::size_t capacity = GENERATE(std::size_t{5}, std::size_t{4033}, std::size_t{5000});
    CAPTURE(capacity);
    ConcurrentIdPool<objpool::Fifo> pool(capacity);
    std::deque<std::uint32_t> held;      // ids out, oldest first
    std::deque<std::uint32_t> expected;  // ids freed, in freeing order
    for (std::uint32_t id = 1; id <= capacity; ++id) {
        expected.push_back(id);
    }
    std::uint64_t state = 12345;
    const auto next_random = [&state] {
        state = state * 6364136223846793005U + 1442695040888963407U;
        return static_cast<std::uint32_t>(state >> 33);
    };
    // At least 30 laps of the ring: gets and frees in random runs, the pool often emptied.
    for (std::size_t step = 0; step < 30 * 8192 / 4; ++step) {
        for (std::uint32_t n = next_random() % 8; n > 0; --n) {
            const auto id = pool.get();
            if (expected.empty()) {
                REQUIRE_FALSE(id);
                break;
            }
            REQUIRE(id == std::optional<std::uint32_t>{expected.front()});
            expected.pop_front();
            held.push_back(*id);
        }
        for (std::uint32_t n = next_random() % 8; n > 0 && !held.empty(); --n) {
            pool.free(held.front());
            expected.push_back(held.front());
            held.pop_front();
        }
        REQUIRE(pool.available() == expected.size());
    }
    for (const std::uint32_t id : expected) {
        REQUIRE(pool.get() == std::optional<std::uint32_t>{id});
    }
    CHECK_FALSE(pool.get());
}

TEMPLATE_TEST_CASE("ConcurrentIdPool<Bitmap> hands out the lowest free id when quiescent",
                   "[concurrent][bitmap]", objpool::Bitmap, objpool::Locked<objpool::Bitmap>) {
    for (const std::size_t count : {std::size_t{100}, std::size_t{5000}, std::size_t{300'000}}) {
        CAPTURE(count);
        ConcurrentIdPool<TestType> pool(count);
        objpool_concurrent_test::Random random(count);
        std::set<std::uint32_t> free_ids;
        for (std::size_t i = 0; i < count; ++i) {
            REQUIRE(pool.get().has_value());
        }
        for (int step = 0; step < 20'000; ++step) {
            const auto id = static_cast<std::uint32_t>(1 + random.below(count));
            if (free_ids.count(id) == 0) {
                pool.free(id);
                free_ids.insert(id);
            } else {
                REQUIRE(pool.get() == std::optional<std::uint32_t>{*free_ids.begin()});
                free_ids.erase(free_ids.begin());
            }
        }
    }
}

TEST_CASE("ConcurrentIdPool takes a user's concurrent policy", "[concurrent][contract]") {
    ConcurrentIdPool<UserPolicy> pool(3);
    CHECK(drain(pool) == std::vector<std::uint32_t>{1, 2, 3});
    pool.free(2);
    CHECK(pool.get() == std::optional<std::uint32_t>{2});
}

TEST_CASE("FifoFreeList::unacquire steps back, or releases when a later acquire came between",
          "[concurrent][fifo]") {
    objpool::concurrent::FifoFreeList list(4);
    const std::size_t first = list.acquire();
    list.unacquire(first);  // nothing came between: the same slot comes out next
    CHECK(list.available() == 4);
    CHECK_FALSE(list.is_allocated(first));
    CHECK(list.acquire() == first);
    const std::size_t second = list.acquire();
    list.unacquire(first);  // `second` came after it: `first` is queued last instead
    CHECK_FALSE(list.is_allocated(first));
    CHECK(list.is_allocated(second));
    std::vector<std::size_t> order;
    for (std::size_t slot = list.acquire(); slot != list.capacity(); slot = list.acquire()) {
        order.push_back(slot);
    }
    CHECK(order == std::vector<std::size_t>{2, 3, first});
}
