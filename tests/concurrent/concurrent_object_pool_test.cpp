// ConcurrentObjectPool's single-threaded contract (the same as ObjectPool's), over every
// concurrent policy.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <objpool_catch.hpp>

#include "concurrent_support.hpp"

using objpool::BadFree;
using objpool::ConcurrentObjectPool;
using objpool::ConstructOnGet;
using objpool_concurrent_test::AllPolicies;
using objpool_concurrent_test::throws_bad_free;

namespace {

// Counts constructions and destructions; can be told to throw on construction.
struct Tracked {
    static inline int live = 0;
    static inline int constructed = 0;
    static inline bool throw_next = false;
    int value;
    explicit Tracked(int initial = 0) : value(initial) {
        if (throw_next) {
            throw_next = false;
            throw std::runtime_error("construction failed");
        }
        ++live;
        ++constructed;
    }
    Tracked(const Tracked&) = delete;
    Tracked& operator=(const Tracked&) = delete;
    ~Tracked() { --live; }
    static void clear() { live = constructed = 0; }
};

}  // namespace

TEMPLATE_LIST_TEST_CASE("ConcurrentObjectPool (Reuse) constructs lazily and reuses objects",
                        "[concurrent][object_pool][contract]", AllPolicies) {
    Tracked::clear();
    {
        ConcurrentObjectPool<Tracked, TestType> pool(4);
        CHECK(Tracked::constructed == 0);  // creation does no per-object work
        CHECK(pool.capacity() == 4);
        CHECK(pool.available() == 4);
        auto a = pool.get();
        auto b = pool.get();
        REQUIRE((a && b));
        CHECK(a.id() == 1);
        CHECK(b.id() == 2);
        CHECK(pool.is_allocated(1));
        CHECK(pool.find(2) == b.get());
        CHECK(pool.id_of(a.get()) == 1);
        a->value = 5;
        Tracked* const address = a.get();
        pool.free(a);
        CHECK_FALSE(a);
        CHECK_FALSE(pool.is_allocated(1));
        CHECK(pool.find(1) == nullptr);
        CHECK(pool.allocated() == 1);
        CHECK(Tracked::constructed == 2);
        CHECK(pool.high_water_mark() == 2);
        Tracked* const raw = pool.acquire();
        if (raw == address) {
            CHECK(raw->value == 5);  // reused as the last free left it
        }
        pool.free(raw);
    }
    CHECK(Tracked::live == 0);  // the pool destroyed what it constructed
}

TEMPLATE_LIST_TEST_CASE("ConcurrentObjectPool refuses bad frees and leaves the pool unchanged",
                        "[concurrent][object_pool][contract]", AllPolicies) {
    ConcurrentObjectPool<int, TestType> pool(3);
    ConcurrentObjectPool<int, TestType> other(3);
    int* const a = pool.acquire();
    int* const b = pool.acquire();
    pool.free(a);
    const std::size_t available = pool.available();

    BadFree::Reason reason{};
    CHECK(throws_bad_free([&] { pool.free(a); }, &reason));
    CHECK(reason == BadFree::Reason::not_allocated);
    int outside = 0;
    CHECK(throws_bad_free([&] { pool.free(&outside); }, &reason));
    CHECK(reason == BadFree::Reason::out_of_range);
    CHECK(throws_bad_free([&] { pool.free(nullptr); }, &reason));
    CHECK(reason == BadFree::Reason::out_of_range);
    CHECK(throws_bad_free(
        [&] { pool.free(reinterpret_cast<int*>(reinterpret_cast<char*>(b) + 1)); }, &reason));
    CHECK(reason == BadFree::Reason::out_of_range);
    CHECK_FALSE(pool.try_free(a));
    CHECK_FALSE(pool.try_free(&outside));
    CHECK(pool.available() == available);
    CHECK(pool.is_allocated(2));
    CHECK_FALSE(pool.is_allocated(0));
    CHECK_FALSE(pool.is_allocated(4));

    auto lease = other.get();
    CHECK(throws_bad_free([&] { pool.free(lease); }, &reason));  // another pool's lease
    CHECK(reason == BadFree::Reason::out_of_range);
    CHECK(lease);
    decltype(lease) empty;
    CHECK(throws_bad_free([&] { other.free(empty); }, &reason));
    CHECK(reason == BadFree::Reason::not_allocated);
    CHECK(pool.try_free(b));
    CHECK(pool.available() == 3);
}

TEMPLATE_LIST_TEST_CASE("ConcurrentObjectPool gives the slot back when construction throws",
                        "[concurrent][object_pool][contract]", AllPolicies) {
    Tracked::clear();
    {
        ConcurrentObjectPool<Tracked, TestType> reusing(2);
        Tracked::throw_next = true;
        CHECK_THROWS_AS(reusing.get(), std::runtime_error);
        CHECK(reusing.available() == 2);
        auto a = reusing.get();
        auto b = reusing.get();
        CHECK((a && b));
        CHECK(Tracked::live == 2);

        ConcurrentObjectPool<Tracked, TestType, ConstructOnGet> constructing(1);
        Tracked::throw_next = true;
        CHECK_THROWS_AS(constructing.get(3), std::runtime_error);
        CHECK(constructing.available() == 1);
        auto c = constructing.get(9);
        REQUIRE(c);
        CHECK(c->value == 9);
        CHECK(Tracked::live == 3);
        constructing.free(c);
        CHECK(Tracked::live == 2);  // ConstructOnGet destroys on free
    }
    CHECK(Tracked::live == 0);
}

TEMPLATE_LIST_TEST_CASE("ConcurrentObjectPool: a throwing reset hook keeps the object out",
                        "[concurrent][object_pool][contract]", AllPolicies) {
    bool fail = true;
    ConcurrentObjectPool<int, TestType> pool(
        2, [](std::size_t id) { return static_cast<int>(id) * 10; },
        [&](int& value) {
            if (fail) {
                throw std::runtime_error("reset failed");
            }
            value = 0;
        });
    int* const object = pool.acquire();
    CHECK(*object == 10);  // built by the factory from the id
    CHECK_THROWS_AS(pool.free(object), std::runtime_error);
    CHECK(pool.is_allocated(1));
    CHECK(pool.available() == 1);
    fail = false;
    pool.free(object);
    CHECK_FALSE(pool.is_allocated(1));
    CHECK(*object == 0);  // reset before going back
}

TEMPLATE_LIST_TEST_CASE("ConcurrentObjectPool is exhausted at capacity and handles any alignment",
                        "[concurrent][object_pool][contract]", AllPolicies) {
    struct alignas(64) Wide {
        char bytes[64];
    };
    ConcurrentObjectPool<Wide, TestType> pool(3);
    std::vector<Wide*> objects;
    while (Wide* object = pool.acquire()) {
        CHECK(reinterpret_cast<std::uintptr_t>(object) % 64 == 0);
        objects.push_back(object);
    }
    CHECK(objects.size() == 3);
    CHECK_FALSE(pool.get());
    CHECK(pool.allocated() == 3);
    for (Wide* object : objects) {
        pool.free(object);
    }
    CHECK(pool.high_water_mark() == 3);
    CHECK(pool.bookkeeping_bytes() > 0);
    CHECK_THROWS_AS((ConcurrentObjectPool<int, TestType>(objpool::max_capacity + 1)),
                    std::length_error);
}
