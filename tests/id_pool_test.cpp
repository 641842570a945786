// IdPool's contract, run over every policy (the built-in ones and a user-defined one).
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <stdexcept>
#include <vector>

#include <id_pool_inspection.hpp>
#include <objpool_catch.hpp>

#include "test_support.hpp"

using objpool::BadFree;
using objpool::IdPool;
using objpool_support::drain;
using objpool_support::Snapshot;
using objpool_test::AllPolicies;
using objpool_test::bad_free_of;

TEMPLATE_LIST_TEST_CASE("IdPool's BadFree is an std::invalid_argument", "[id_pool][errors]",
                        AllPolicies) {
    IdPool<TestType> pool(1);
    CHECK_THROWS_AS(pool.free(1), std::invalid_argument);
    CHECK_THROWS_AS(pool.free(1), BadFree);
    IdPool<TestType> empty(0);
    CHECK(bad_free_of([&] { empty.free(1); }).first ==
          "objpool: cannot free id 1: out of range (the pool is empty)");
}

// Order: which free id comes next is each policy's promise.

TEST_CASE("Fifo hands out never-used ids first and then freed ids in the order they were freed",
          "[id_pool][fifo]") {
    IdPool<objpool::Fifo> pool(6);
    for (int i = 0; i < 4; ++i) {
        CHECK(pool.get().has_value());  // 1..4 out, 5 and 6 never used
    }
    pool.free(3);
    pool.free(1);
    pool.free(4);
    CHECK(drain(pool) == std::vector<std::uint32_t>{5, 6, 3, 1, 4});
    pool.free(6);
    pool.free(3);
    pool.free(5);
    CHECK(drain(pool) == std::vector<std::uint32_t>{6, 3, 5});
}

TEST_CASE("Fifo's ring wraps around many times", "[id_pool][fifo]") {
    IdPool<objpool::Fifo> pool(3);
    drain(pool);
    std::uint32_t expected = 1;
    for (int round = 0; round < 10; ++round) {
        pool.free(expected);
        const auto id = pool.get();
        REQUIRE(id.has_value());
        CHECK(*id == expected);
        expected = expected % 3 + 1;
    }
}

TEST_CASE("Lifo hands out the most recently freed id", "[id_pool][lifo]") {
    IdPool<objpool::Lifo> pool(6);
    for (int i = 0; i < 4; ++i) {
        CHECK(pool.get().has_value());
    }
    pool.free(3);
    pool.free(1);
    pool.free(4);
    CHECK(drain(pool) == std::vector<std::uint32_t>{4, 1, 3, 5, 6});
}

TEST_CASE("Bitmap hands out the lowest free id", "[id_pool][bitmap]") {
    IdPool<objpool::Bitmap> pool(6);
    for (int i = 0; i < 4; ++i) {
        CHECK(pool.get().has_value());
    }
    pool.free(3);
    pool.free(1);
    pool.free(4);
    CHECK(drain(pool) == std::vector<std::uint32_t>{1, 3, 4, 5, 6});
}

TEST_CASE("Bitmap finds the lowest free id across every level", "[id_pool][bitmap]") {
    // 64^3 + 5 ids: four levels, with partial words at every level.
    const std::size_t count = 64 * 64 * 64 + 5;
    IdPool<objpool::Bitmap> pool(count);
    CHECK(drain(pool).size() == count);
    for (const std::uint32_t id : {262'145U, 4'096U, 4'097U, 70'000U, 1U, 64U, 65U}) {
        pool.free(id);
    }
    CHECK(drain(pool) == std::vector<std::uint32_t>{1, 64, 65, 4'096, 4'097, 70'000, 262'145});
    pool.free(static_cast<std::uint32_t>(count));
    CHECK(pool.get() == std::optional<std::uint32_t>{static_cast<std::uint32_t>(count)});
    CHECK_FALSE(pool.get().has_value());
}

TEMPLATE_LIST_TEST_CASE("A pool of 10 million ids is created without per-id work",
                        "[id_pool][memory]", AllPolicies) {
    if constexpr (!std::is_same_v<TestType, objpool_test::VectorStack>) {
        const std::size_t count = 10'000'000;
        const std::size_t before = objpool_test::resident_bytes();
        IdPool<TestType> pool(count);
        const std::size_t after = objpool_test::resident_bytes();
        // The bookkeeping is reserved but untouched: resident memory grows by far less than it.
        CHECK(pool.bookkeeping_bytes() >= count / 8);
#if !defined(__SANITIZE_ADDRESS__) && !defined(OBJPOOL_TEST_SANITIZED)
        CHECK(after - before < pool.bookkeeping_bytes() / 4);
#endif
        CHECK(pool.get() == std::optional<std::uint32_t>{1});
        pool.free(1);
        CHECK(pool.available() == count);
        static_cast<void>(after);
        static_cast<void>(before);
    }
}

TEST_CASE("Bookkeeping per id is as documented", "[id_pool][memory]") {
    const std::size_t count = 1'000'000;
    CHECK(IdPool<objpool::Fifo>(count).bookkeeping_bytes() <= count * 4 + count / 8 + 8);
    CHECK(IdPool<objpool::Lifo>(count).bookkeeping_bytes() <= count * 4 + count / 8 + 8);
    // 1 bit a slot at level 0, plus 1/64 of that above, rounded up to words.
    CHECK(IdPool<objpool::Bitmap>(count).bookkeeping_bytes() <= count / 8 + count / 8 / 63 + 8 * 4);
}
