// ObjectPool with the default Reuse lifecycle, over every policy: leases, the raw layer, ids,
// lazy construction, the factory and reset hook, errors.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <objpool_catch.hpp>

#include "test_support.hpp"

using objpool::BadFree;
using objpool::ObjectPool;
using objpool_test::AllPolicies;
using objpool_test::bad_free_of;

namespace {

struct Counts {
    int constructed = 0;
    int destroyed = 0;
    int reset = 0;
};

// Counts its constructions and destructions into the Counts the test points it at.
struct Tracked {
    static inline Counts* counts = nullptr;
    int value = 7;
    Tracked() { ++counts->constructed; }
    Tracked(const Tracked&) = delete;
    Tracked& operator=(const Tracked&) = delete;
    ~Tracked() { ++counts->destroyed; }
};

struct Widget {
    std::size_t id;
    std::string name;
    Widget(std::size_t id_, std::string name_) : id(id_), name(std::move(name_)) {}
};

struct alignas(64) CacheLine {
    unsigned char bytes[64];
};

}  // namespace

TEMPLATE_LIST_TEST_CASE("ObjectPool constructs each object the first time it is handed out",
                        "[object_pool][reuse]", AllPolicies) {
    Counts counts;
    Tracked::counts = &counts;
    {
        ObjectPool<Tracked, TestType> pool(3);  // all used, so Fifo reuses too
        CHECK(counts.constructed == 0);         // creating the pool builds nothing
        CHECK(pool.high_water_mark() == 0);
        {
            auto first = pool.get();
            auto second = pool.get();
            auto third = pool.get();
            CHECK(counts.constructed == 3);
            CHECK(pool.allocated() == 3);
            first->value = 42;
        }
        CHECK(pool.allocated() == 0);  // the leases gave them back
        CHECK(counts.destroyed == 0);  // ... without destroying them
        {
            auto again = pool.get();
            auto more = pool.get();
            auto yet_more = pool.get();
            CHECK(counts.constructed == 3);  // reused, not rebuilt
        }
        CHECK(pool.high_water_mark() == 3);
    }
    CHECK(counts.destroyed == 3);  // the pool destroys exactly what it built
}

TEMPLATE_LIST_TEST_CASE("Objects keep their state and address across reuse", "[object_pool][reuse]",
                        AllPolicies) {
    ObjectPool<int, TestType> pool(1);
    int* address = nullptr;
    {
        auto lease = pool.get();
        REQUIRE(lease);
        CHECK(*lease == 0);  // default construction value-initialises
        *lease = 5;
        address = lease.get();
    }
    auto lease = pool.get();
    CHECK(lease.get() == address);
    CHECK(*lease == 5);
    CHECK(lease.id() == 1);
}

TEMPLATE_LIST_TEST_CASE("Leases are move-only and give their object back once",
                        "[object_pool][lease]", AllPolicies) {
    using Pool = ObjectPool<int, TestType>;
    using Lease = typename Pool::lease_type;
    STATIC_REQUIRE_FALSE(std::is_copy_constructible_v<Lease>);
    STATIC_REQUIRE_FALSE(std::is_copy_assignable_v<Lease>);
    STATIC_REQUIRE(std::is_nothrow_move_constructible_v<Lease>);
    STATIC_REQUIRE(std::is_nothrow_move_assignable_v<Lease>);

    Pool pool(2);
    auto a = pool.get();
    const std::size_t a_id = a.id();
    Lease moved(std::move(a));
    CHECK_FALSE(a);  // NOLINT(bugprone-use-after-move): a moved-from lease is empty
    CHECK(a.id() == 0);
    CHECK(a.get() == nullptr);
    CHECK(moved.id() == a_id);
    CHECK(pool.allocated() == 1);

    auto b = pool.get();
    CHECK(pool.allocated() == 2);
    b = std::move(moved);  // b's own object goes back, b takes moved's
    CHECK(pool.allocated() == 1);
    CHECK(b.id() == a_id);
    CHECK(pool.is_allocated(a_id));

    Lease empty;
    CHECK_FALSE(empty);
    empty = std::move(b);
    CHECK(empty.id() == a_id);
}

TEMPLATE_LIST_TEST_CASE("free(lease) gives the object back early", "[object_pool][lease]",
                        AllPolicies) {
    ObjectPool<int, TestType> pool(3);
    auto lease = pool.get();
    const std::size_t id = lease.id();
    pool.free(lease);
    CHECK_FALSE(lease);
    CHECK_FALSE(pool.is_allocated(id));
    CHECK(pool.available() == 3);

    const auto [message, reason] = bad_free_of([&] { pool.free(lease); });
    CHECK(message == "objpool: cannot free an empty lease");
    CHECK(reason == BadFree::Reason::not_allocated);

    ObjectPool<int, TestType> other(3);
    auto foreign = other.get();
    const auto [foreign_message, foreign_reason] = bad_free_of([&] { pool.free(foreign); });
    CHECK(foreign_message == "objpool: cannot free a lease of another pool");
    CHECK(foreign_reason == BadFree::Reason::out_of_range);
    CHECK(foreign);  // untouched
    CHECK(other.allocated() == 1);
}

TEMPLATE_LIST_TEST_CASE("Ids and objects map to each other in O(1)", "[object_pool]", AllPolicies) {
    ObjectPool<long, TestType> pool(4);
    std::vector<long*> objects;
    for (int i = 0; i < 4; ++i) {
        objects.push_back(pool.acquire());
    }
    for (std::size_t i = 0; i < objects.size(); ++i) {
        CHECK(pool.id_of(objects[i]) == i + 1);
        CHECK(pool.find(i + 1) == objects[i]);
        CHECK(pool.is_allocated(i + 1));
    }
    long outside = 0;
    CHECK(pool.id_of(&outside) == 0);
    CHECK(pool.id_of(nullptr) == 0);
    CHECK(pool.find(0) == nullptr);
    CHECK(pool.find(5) == nullptr);
    pool.free(objects[2]);
    CHECK(pool.find(3) == nullptr);      // not out
    CHECK(pool.id_of(objects[2]) == 3);  // still the slot's id
    const auto& const_pool = pool;
    CHECK(const_pool.find(1) == objects[0]);
    for (long* object : {objects[0], objects[1], objects[3]}) {
        pool.free(object);
    }
}

TEMPLATE_LIST_TEST_CASE("A factory builds objects that are not default-constructible",
                        "[object_pool][reuse]", AllPolicies) {
    STATIC_REQUIRE_FALSE(std::is_default_constructible_v<Widget>);
    int calls = 0;
    ObjectPool<Widget, TestType> pool(2, [&calls](std::size_t id) {
        ++calls;
        return Widget(id, "widget-" + std::to_string(id));
    });
    auto a = pool.get();
    auto b = pool.get();
    CHECK(calls == 2);
    CHECK(a->id == a.id());
    CHECK(b->name == "widget-" + std::to_string(b.id()));
    pool.free(a);
    auto c = pool.get();
    CHECK(calls == 2);  // reused
}

TEMPLATE_LIST_TEST_CASE("A factory can build objects that cannot be moved", "[object_pool][reuse]",
                        AllPolicies) {
    Counts counts;
    Tracked::counts = &counts;
    STATIC_REQUIRE_FALSE(std::is_move_constructible_v<Tracked>);
    {
        ObjectPool<Tracked, TestType> pool(2, [](std::size_t) { return Tracked(); });
        auto lease = pool.get();
        CHECK(counts.constructed == 1);
    }
    CHECK(counts.destroyed == 1);
}

TEMPLATE_LIST_TEST_CASE("The reset hook runs on every free", "[object_pool][reuse]", AllPolicies) {
    std::vector<int> reset_values;
    ObjectPool<int, TestType> pool(
        2, [](std::size_t id) { return static_cast<int>(id) * 100; },
        [&reset_values](int& value) {
            reset_values.push_back(value);
            value = -1;
        });
    {
        auto lease = pool.get();
        CHECK(*lease == 100);
        *lease = 3;
    }
    CHECK(reset_values == std::vector<int>{3});
    int* raw = pool.acquire();
    pool.free(raw);
    CHECK(reset_values.size() == 2);
    CHECK(bad_free_of([&] { pool.free(raw); }).second == BadFree::Reason::not_allocated);
    CHECK(reset_values.size() == 2);  // not run for a refused free
}

TEMPLATE_LIST_TEST_CASE("Pools of capacity 0 and 1", "[object_pool]", AllPolicies) {
    ObjectPool<int, TestType> empty(0);
    CHECK(empty.capacity() == 0);
    CHECK_FALSE(empty.get());
    CHECK(empty.acquire() == nullptr);
    CHECK(empty.find(1) == nullptr);
    CHECK(bad_free_of([&] { empty.free(nullptr); }).second == BadFree::Reason::out_of_range);

    ObjectPool<int, TestType> one(1);
    {
        auto lease = one.get();
        CHECK(lease.id() == 1);
        CHECK_FALSE(one.get());
    }
    CHECK(one.get().id() == 1);
}

TEMPLATE_LIST_TEST_CASE("A pool of 10 million objects is created without per-object work",
                        "[object_pool][memory]", AllPolicies) {
    Counts counts;
    Tracked::counts = &counts;
    const std::size_t before = objpool_test::resident_bytes();
    {
        ObjectPool<Tracked, TestType> pool(10'000'000);
        const std::size_t after = objpool_test::resident_bytes();
        CHECK(counts.constructed == 0);
#if !defined(__SANITIZE_ADDRESS__) && !defined(OBJPOOL_TEST_SANITIZED)
        // 40 MB of objects and over 1 MB of bookkeeping reserved; almost none of it touched.
        if constexpr (!std::is_same_v<TestType, objpool_test::VectorStack>) {
            CHECK(after - before < 1'000'000);
        }
#endif
        static_cast<void>(after);
        auto lease = pool.get();
        CHECK(lease.id() == 1);
        CHECK(counts.constructed == 1);
    }
    static_cast<void>(before);
    CHECK(counts.destroyed == 1);
}

TEMPLATE_LIST_TEST_CASE("ObjectPool refuses a capacity over the maximum", "[object_pool][errors]",
                        AllPolicies) {
    CHECK_THROWS_AS((ObjectPool<char, TestType>(objpool::max_capacity + 1)), std::length_error);
}
