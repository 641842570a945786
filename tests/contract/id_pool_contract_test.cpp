// The id pool contract, over every family x policy (pool_kinds.hpp): ids handed out once,
// exhaustion, the queries, and refused frees that name the id and change nothing.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <objpool_catch.hpp>

#include "id_pool_inspection.hpp"
#include "pool_kinds.hpp"

using objpool::BadFree;
using objpool_contract::AllKinds;
using objpool_contract::bad_free_of;

using objpool_support::drain;
using objpool_support::Snapshot;

TEMPLATE_LIST_TEST_CASE("An id pool hands out first .. first+n-1, each once, then nothing",
                        "[contract][id_pool]", AllKinds) {
    using Pool = typename TestType::template IdPool<>;
    STATIC_REQUIRE(Pool::is_thread_safe == TestType::concurrent);
    Pool pool(5, 10);
    CHECK(pool.capacity() == 5);
    CHECK(pool.first() == 10);
    CHECK(pool.available() == 5);
    CHECK(pool.allocated() == 0);
    CHECK(pool.bookkeeping_bytes() > 0);

    const auto ids = drain(pool);
    if constexpr (objpool_contract::ascending_when_fresh_v<typename TestType::policy>) {
        CHECK(ids == std::vector<std::uint32_t>{10, 11, 12, 13, 14});
    } else {
        CHECK(std::set<std::uint32_t>(ids.begin(), ids.end()) ==
              std::set<std::uint32_t>{10, 11, 12, 13, 14});
    }
    CHECK(pool.available() == 0);
    CHECK(pool.allocated() == 5);
    CHECK_FALSE(pool.get().has_value());
    for (const auto id : ids) {
        CHECK(pool.is_allocated(id));
    }

    pool.free(12);
    CHECK_FALSE(pool.is_allocated(12));
    CHECK(pool.available() == 1);
    CHECK(pool.get() == std::optional<std::uint32_t>{12});
    CHECK(pool.try_free(14));
    CHECK(pool.try_free(10));
    const auto again = drain(pool);
    CHECK(std::set<std::uint32_t>(again.begin(), again.end()) == std::set<std::uint32_t>{10, 14});
}

TEMPLATE_LIST_TEST_CASE("An id pool works with signed ids and a negative first id",
                        "[contract][id_pool]", AllKinds) {
    typename TestType::template IdPool<std::int64_t> pool(3, -1);
    const auto ids = drain(pool);
    CHECK(std::set<std::int64_t>(ids.begin(), ids.end()) == std::set<std::int64_t>{-1, 0, 1});
    pool.free(0);
    CHECK(pool.get() == std::optional<std::int64_t>{0});
    CHECK_FALSE(pool.is_allocated(-2));
    CHECK_FALSE(pool.is_allocated(2));
}

TEMPLATE_LIST_TEST_CASE("An id pool refuses a bad free with BadFree and changes nothing",
                        "[contract][id_pool][errors]", AllKinds) {
    using Pool = typename TestType::template IdPool<>;
    Pool pool(4);
    const auto one = pool.get();
    const auto two = pool.get();
    REQUIRE((one && two));
    pool.free(*one);
    const Snapshot<Pool> before(pool);

    SECTION("double free") {
        const auto [message, reason] = bad_free_of([&] { pool.free(*one); });
        CHECK(message == "objpool: cannot free id " + std::to_string(*one) + ": not allocated");
        CHECK(reason == BadFree::Reason::not_allocated);
    }
    SECTION("an id never handed out") {
        std::uint32_t never = 1;
        while (never == *one || never == *two) {
            ++never;
        }
        const auto [message, reason] = bad_free_of([&] { pool.free(never); });
        CHECK(message == "objpool: cannot free id " + std::to_string(never) + ": not allocated");
        CHECK(reason == BadFree::Reason::not_allocated);
    }
    SECTION("an id below the range") {
        const auto [message, reason] = bad_free_of([&] { pool.free(0); });
        CHECK(message == "objpool: cannot free id 0: out of range [1, 4]");
        CHECK(reason == BadFree::Reason::out_of_range);
    }
    SECTION("an id above the range") {
        const auto [message, reason] = bad_free_of([&] { pool.free(5); });
        CHECK(message == "objpool: cannot free id 5: out of range [1, 4]");
        CHECK(reason == BadFree::Reason::out_of_range);
    }
    SECTION("the largest id") {
        const auto [message, reason] =
            bad_free_of([&] { pool.free(std::numeric_limits<std::uint32_t>::max()); });
        CHECK(message == "objpool: cannot free id 4294967295: out of range [1, 4]");
        CHECK(reason == BadFree::Reason::out_of_range);
    }
    SECTION("try_free answers false instead") {
        CHECK_FALSE(pool.try_free(*one));
        CHECK_FALSE(pool.try_free(0));
        CHECK_FALSE(pool.try_free(5));
    }
    CHECK(Snapshot<Pool>(pool) == before);
    CHECK(pool.is_allocated(*two));
}

TEMPLATE_LIST_TEST_CASE("An empty id pool hands out nothing and says so in BadFree",
                        "[contract][id_pool][errors]", AllKinds) {
    typename TestType::template IdPool<> pool(0);
    CHECK(pool.capacity() == 0);
    CHECK_FALSE(pool.get().has_value());
    CHECK_FALSE(pool.is_allocated(1));
    const auto [message, reason] = bad_free_of([&] { pool.free(1); });
    CHECK(message == "objpool: cannot free id 1: out of range (the pool is empty)");
    CHECK(reason == BadFree::Reason::out_of_range);
}

TEMPLATE_LIST_TEST_CASE("An id pool refuses ranges that do not fit", "[contract][id_pool][errors]",
                        AllKinds) {
    using Small = typename TestType::template IdPool<std::uint8_t>;
    CHECK_THROWS_WITH(Small(256), "objpool: 256 ids from 1 do not fit in the id type");
    CHECK_THROWS_WITH(Small(10, 250), "objpool: 10 ids from 250 do not fit in the id type");
    CHECK(Small(255).capacity() == 255);
    using Pool = typename TestType::template IdPool<std::uint64_t>;
    CHECK_THROWS_AS(Pool(objpool::max_capacity + 1), std::length_error);
}
