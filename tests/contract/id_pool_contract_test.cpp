// The id pool contract, over every family x policy (pool_kinds.hpp): ids handed out once,
// exhaustion, the queries, and refused frees that name the id and change nothing.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
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

TEMPLATE_LIST_TEST_CASE("An id pool of any size hands out first .. first+n-1, each once",
                        "[contract][id_pool]", AllKinds) {
    using Pool = typename TestType::template IdPool<>;
    // Sizes around the word boundaries of the bitmaps and the rings, and a range that ends at
    // the top of std::uint32_t.
    for (const std::size_t count : {std::size_t{0}, std::size_t{1}, std::size_t{5}, std::size_t{64},
                                    std::size_t{65}, std::size_t{1000}, std::size_t{4097}}) {
        for (const std::uint32_t first : {1U, 4000000000U}) {
            CAPTURE(count, first);
            Pool pool(count, first);
            CHECK(pool.capacity() == count);
            CHECK(pool.available() == count);
            CHECK(pool.allocated() == 0);
            CHECK(pool.first() == first);

            const auto ids = drain(pool);
            REQUIRE(ids.size() == count);
            std::vector<std::uint32_t> expected(count);
            for (std::size_t i = 0; i < count; ++i) {
                expected[i] = static_cast<std::uint32_t>(first + i);
            }
            if constexpr (objpool_contract::ascending_when_fresh_v<typename TestType::policy>) {
                CHECK(ids == expected);
            } else {
                CHECK(std::set<std::uint32_t>(ids.begin(), ids.end()) ==
                      std::set<std::uint32_t>(expected.begin(), expected.end()));
            }
            CHECK(std::all_of(ids.begin(), ids.end(),
                              [&](auto id) { return pool.is_allocated(id); }));
            CHECK_FALSE(pool.get().has_value());
            CHECK(pool.available() == 0);
            CHECK(pool.allocated() == count);

            for (const auto id : ids) {
                pool.free(id);
            }
            CHECK(pool.available() == count);
            CHECK(drain(pool).size() == count);  // every id comes back
        }
    }
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

namespace {

template <class Pool>
constexpr bool can_claim_v = objpool::free_list_traits<typename Pool::FreeList>::has_acquire_slot;

// Puts the pool in a state where freed ids wait in the policy's order: takes all 8 ids, then
// frees 6, 2, 7 (ids 1, 3, 4, 5, 8 stay out until `release_rest`).
template <class Pool>
void churn(Pool& pool, bool release_rest) {
    REQUIRE(drain(pool).size() == 8);
    for (const std::uint32_t id : {6U, 2U, 7U}) {
        pool.free(id);
    }
    if (release_rest) {
        for (const std::uint32_t id : {4U, 1U}) {
            pool.free(id);
        }
    }
}

template <class Ids>
Ids without(Ids ids, typename Ids::value_type id) {
    ids.erase(std::find(ids.begin(), ids.end(), id));
    return ids;
}

std::vector<std::uint32_t> allocated_ids(const std::vector<bool>& out) {
    std::vector<std::uint32_t> ids;
    for (std::size_t slot = 0; slot < out.size(); ++slot) {
        if (out[slot]) {
            ids.push_back(static_cast<std::uint32_t>(slot + 1));
        }
    }
    return ids;
}

}  // namespace

TEMPLATE_LIST_TEST_CASE("try_claim takes exactly that id and leaves the others' order",
                        "[contract][id_pool][try_claim]", AllKinds) {
    using Pool = typename TestType::template IdPool<>;
    if constexpr (can_claim_v<Pool>) {
        // `reference` gets the same calls but the claim: the others come out in its order.
        for (const bool after_frees : {false, true}) {
            for (const std::uint32_t claimed : {1U, 2U, 5U, 7U, 8U}) {
                CAPTURE(after_frees, claimed);
                Pool pool(8);
                Pool reference(8);
                if (after_frees) {
                    churn(pool, true);
                    churn(reference, true);
                }
                const bool was_free = !pool.is_allocated(claimed);
                const auto available = pool.available();
                CHECK(pool.try_claim(claimed) == was_free);
                CHECK(pool.is_allocated(claimed));
                CHECK(pool.available() == available - (was_free ? 1 : 0));
                CHECK_FALSE(pool.try_claim(claimed));
                const auto expected = drain(reference);
                CHECK(drain(pool) == (was_free ? without(expected, claimed) : expected));
                CHECK(pool.available() == 0);
                CHECK_FALSE(pool.try_claim(claimed));
                // The claimed id is out like any other: freed once, refused the second time.
                CHECK(pool.try_free(claimed));
                CHECK_FALSE(pool.try_free(claimed));
                CHECK(pool.get() == std::optional<std::uint32_t>{claimed});
            }
        }
    }
}

TEMPLATE_LIST_TEST_CASE("try_claim can take every id: a pool filled by claims is exhausted",
                        "[contract][id_pool][try_claim]", AllKinds) {
    using Pool = typename TestType::template IdPool<>;
    if constexpr (can_claim_v<Pool>) {
        // More than two 64-bit words, claimed from the top: each claim is an id get would not
        // hand out next, and the claims fill whole words of a bitmap.
        constexpr std::uint32_t capacity = 130;
        Pool pool(capacity);
        for (std::uint32_t id = capacity; id >= 1; --id) {
            REQUIRE(pool.try_claim(id));
        }
        CHECK(pool.available() == 0);
        CHECK_FALSE(pool.get().has_value());
        CHECK_FALSE(pool.try_claim(65));
        pool.free(65);
        CHECK(pool.get() == std::optional<std::uint32_t>{65});
        CHECK_FALSE(pool.get().has_value());
    }
}

TEMPLATE_LIST_TEST_CASE("An id claimed and freed before get reached it is free again, once",
                        "[contract][id_pool][try_claim]", AllKinds) {
    using Pool = typename TestType::template IdPool<>;
    if constexpr (can_claim_v<Pool>) {
        for (const bool after_frees : {false, true}) {
            CAPTURE(after_frees);
            Pool pool(8);
            if (after_frees) {
                churn(pool, false);  // 6, 2, 7 free; 1, 3, 4, 5, 8 out
            }
            const std::uint32_t claimed = after_frees ? 2 : 3;
            REQUIRE(pool.try_claim(claimed));
            pool.free(claimed);
            CHECK_FALSE(pool.is_allocated(claimed));
            REQUIRE(pool.try_claim(claimed));  // and again
            pool.free(claimed);
            const auto available = pool.available();
            auto ids = drain(pool);
            CHECK(ids.size() == available);
            std::sort(ids.begin(), ids.end());
            CHECK(std::adjacent_find(ids.begin(), ids.end()) == ids.end());
            CHECK(std::count(ids.begin(), ids.end(), claimed) == 1);
        }
    }
}

TEMPLATE_LIST_TEST_CASE("try_claim refuses ids that are out or out of range and changes nothing",
                        "[contract][id_pool][try_claim][errors]", AllKinds) {
    using Pool = typename TestType::template IdPool<>;
    if constexpr (can_claim_v<Pool>) {
        Pool pool(4);
        const auto one = pool.get();
        REQUIRE(one);
        const Snapshot<Pool> before(pool);
        CHECK_FALSE(pool.try_claim(*one));
        CHECK_FALSE(pool.try_claim(0));
        CHECK_FALSE(pool.try_claim(5));
        CHECK_FALSE(pool.try_claim(std::numeric_limits<std::uint32_t>::max()));
        CHECK(Snapshot<Pool>(pool) == before);

        typename TestType::template IdPool<std::int64_t> negative(3, -1);
        CHECK_FALSE(negative.try_claim(-2));
        CHECK(negative.try_claim(-1));
        CHECK(negative.try_claim(1));
        CHECK(drain(negative) == std::vector<std::int64_t>{0});

        Pool empty(0);
        CHECK_FALSE(empty.try_claim(1));
    }
}

TEMPLATE_LIST_TEST_CASE("free_all makes the pool as fresh", "[contract][id_pool][free_all]",
                        AllKinds) {
    using Pool = typename TestType::template IdPool<>;
    Pool fresh(8, 10);
    const auto fresh_order = drain(fresh);
    for (const bool busy : {false, true}) {
        CAPTURE(busy);
        Pool pool(8, 10);
        if (busy) {
            REQUIRE(drain(pool).size() == 8);
            pool.free(13);
            pool.free(11);
            REQUIRE(pool.get());  // 11 or 13, by policy
            if constexpr (can_claim_v<Pool>) {
                pool.free(15);
                pool.free(16);
                REQUIRE(pool.try_claim(16));  // a claimed id waiting in the list
            }
        }
        pool.free_all();
        CHECK(pool.available() == 8);
        CHECK(pool.allocated() == 0);
        for (std::uint32_t id = 10; id < 18; ++id) {
            CHECK_FALSE(pool.is_allocated(id));
        }
        std::size_t visited = 0;
        pool.for_each_allocated([&](std::uint32_t) { ++visited; });
        CHECK(visited == 0);
        // A list without reset() falls back to freeing the ids that were out: the set is whole
        // but the order is that list's order for those frees.
        if constexpr (objpool::free_list_traits<typename Pool::FreeList>::has_reset) {
            CHECK(drain(pool) == fresh_order);
        } else {
            auto ids = drain(pool);
            std::sort(ids.begin(), ids.end());
            auto sorted = fresh_order;
            std::sort(sorted.begin(), sorted.end());
            CHECK(ids == sorted);
        }
        CHECK_FALSE(pool.get().has_value());
        pool.free(12);
        CHECK(pool.get() == std::optional<std::uint32_t>{12});
    }
    Pool empty(0);
    empty.free_all();
    CHECK(empty.available() == 0);
}

TEMPLATE_LIST_TEST_CASE("An IdLease holds an id until it is destroyed or released",
                        "[contract][id_pool][id_lease]", AllKinds) {
    using Pool = typename TestType::template IdPool<>;
    STATIC_REQUIRE(std::is_nothrow_move_constructible_v<objpool::IdLease<Pool>>);
    STATIC_REQUIRE(!std::is_copy_constructible_v<objpool::IdLease<Pool>>);
    STATIC_REQUIRE(!std::is_copy_assignable_v<objpool::IdLease<Pool>>);
    Pool pool(2);
    {
        auto first = pool.lease();
        REQUIRE(first);
        CHECK(first.id() == 1);
        CHECK(pool.is_allocated(1));
        auto second = pool.lease();
        REQUIRE(second);
        CHECK(second.id() == 2);

        auto none = pool.lease();  // exhausted: empty
        CHECK_FALSE(none);

        objpool::IdLease<Pool> moved(std::move(first));
        CHECK_FALSE(first);  // NOLINT(bugprone-use-after-move): moved-from is empty, by contract
        CHECK(moved.id() == 1);
        CHECK(pool.allocated() == 2);

        moved = std::move(second);  // gives 1 back, takes 2 over
        CHECK_FALSE(pool.is_allocated(1));
        CHECK(pool.is_allocated(2));
        CHECK(moved.id() == 2);
        auto& self = moved;
        moved = std::move(self);  // self-move keeps the id
        CHECK(moved.id() == 2);

        const auto released = moved.release();
        CHECK(released == 2);
        CHECK_FALSE(moved);
        CHECK(pool.is_allocated(2));  // still out: the caller owns it now
        pool.free(released);

        objpool::IdLease<Pool> empty;
        CHECK_FALSE(empty);
        empty = pool.lease();
        CHECK(empty);
    }
    CHECK(pool.available() == 2);  // every lease gave its id back
}

TEMPLATE_LIST_TEST_CASE("An IdLease whose id was freed behind it reports it and frees nothing",
                        "[contract][id_pool][id_lease][errors]", AllKinds) {
    using Pool = typename TestType::template IdPool<>;
    static std::vector<std::string> reported;
    reported.clear();
    Pool pool(2);
    auto lease = pool.lease();
    REQUIRE(lease);
    pool.free(lease.id());
    const auto other = pool.get();  // may be the same id: the lease must not free it
    REQUIRE(other);
    const auto previous = objpool::set_error_handler(
        [](const char* message) noexcept { reported.push_back(message); });
    lease = {};
    objpool::set_error_handler(previous);
    if (*other == 1) {
        CHECK(reported.empty());  // the lease frees an id that is out: it cannot tell
        CHECK_FALSE(pool.is_allocated(1));
    } else {
        CHECK(reported == std::vector<std::string>{
                              "objpool: an IdLease's id was freed through the pool before the "
                              "lease"});
        CHECK(pool.is_allocated(*other));
    }
}

TEMPLATE_LIST_TEST_CASE("for_each_allocated visits the ids that are out, ascending",
                        "[contract][id_pool][for_each_allocated]", AllKinds) {
    using Pool = typename TestType::template IdPool<>;
    Pool pool(8);
    std::vector<std::uint32_t> visited;
    const auto visit = [&](std::uint32_t id) { visited.push_back(id); };
    pool.for_each_allocated(visit);
    CHECK(visited.empty());

    churn(pool, false);  // 1, 3, 4, 5, 8 out
    if constexpr (can_claim_v<Pool>) {
        REQUIRE(pool.try_claim(6));
    } else {
        REQUIRE(drain(pool).size() == 3);
        pool.free(2);
        pool.free(7);
    }
    const Snapshot<Pool> now(pool);
    pool.for_each_allocated(visit);
    CHECK(visited == std::vector<std::uint32_t>{1, 3, 4, 5, 6, 8});
    CHECK(visited == allocated_ids(now.out));

    // f may free the id it is given.
    pool.for_each_allocated([&](std::uint32_t id) { pool.free(id); });
    CHECK(pool.allocated() == 0);

    // What f throws propagates and ends the visit.
    REQUIRE(pool.get());
    REQUIRE(pool.get());
    std::size_t calls = 0;
    CHECK_THROWS_AS(pool.for_each_allocated([&](std::uint32_t) {
        ++calls;
        throw std::runtime_error("stop");
    }),
                    std::runtime_error);
    CHECK(calls == 1);
}
