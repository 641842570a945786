// ObjectPool's ConstructOnGet lifecycle, exception safety, and destruction with objects out.
#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <objpool_catch.hpp>

#include "test_support.hpp"

using objpool::BadFree;
using objpool::ConstructOnGet;
using objpool::ObjectPool;
using objpool_test::AllPolicies;
using objpool_test::bad_free_of;

namespace {

struct Log {
    std::vector<std::string> events;
};

// Records its life; its constructor throws when asked to.
struct Recorded {
    static inline Log* log = nullptr;
    std::string name;
    explicit Recorded(std::string name_, bool fail = false) : name(std::move(name_)) {
        if (fail) {
            throw std::runtime_error("construction of " + name + " failed");
        }
        log->events.push_back("+" + name);
    }
    Recorded(const Recorded&) = delete;
    Recorded& operator=(const Recorded&) = delete;
    ~Recorded() { log->events.push_back("-" + name); }
};

}  // namespace

TEMPLATE_LIST_TEST_CASE("ConstructOnGet constructs from get's arguments and destroys on free",
                        "[object_pool][construct_on_get]", AllPolicies) {
    Log log;
    Recorded::log = &log;
    {
        ObjectPool<Recorded, TestType, ConstructOnGet> pool(3);
        CHECK(log.events.empty());
        {
            auto lease = pool.get("a");
            CHECK(lease->name == "a");
            Recorded* raw = pool.acquire(std::string("b"));
            CHECK(raw->name == "b");
            CHECK(log.events == std::vector<std::string>{"+a", "+b"});
            pool.free(raw);
            CHECK(log.events.back() == "-b");
            CHECK(bad_free_of([&] { pool.free(raw); }).second == BadFree::Reason::not_allocated);
            CHECK(log.events.size() == 3);  // a refused free destroys nothing
        }
        CHECK(log.events.back() == "-a");  // the lease destroyed it
        auto kept = pool.get("c");
        CHECK(pool.high_water_mark() >= 1);
        CHECK(pool.allocated() == 1);
        pool.free(kept);
    }
    CHECK(log.events == std::vector<std::string>{"+a", "+b", "-b", "-a", "+c", "-c"});
}

TEMPLATE_LIST_TEST_CASE("A throwing constructor leaves the pool unchanged",
                        "[object_pool][construct_on_get][errors]", AllPolicies) {
    Log log;
    Recorded::log = &log;
    ObjectPool<Recorded, TestType, ConstructOnGet> pool(2);
    auto first = pool.get("first");
    CHECK_THROWS_AS(pool.get("boom", true), std::runtime_error);
    CHECK(pool.allocated() == 1);
    CHECK(pool.available() == 1);
    CHECK_FALSE(pool.is_allocated(2));
    auto second = pool.get("second");
    CHECK(second.id() == 2);  // the slot went back and comes out again
    CHECK(log.events == std::vector<std::string>{"+first", "+second"});
}

TEMPLATE_LIST_TEST_CASE("A throwing factory leaves the pool unchanged",
                        "[object_pool][reuse][errors]", AllPolicies) {
    int calls = 0;
    ObjectPool<int, TestType> pool(2, [&calls](std::size_t id) {
        if (++calls == 2) {
            throw std::runtime_error("no");
        }
        return static_cast<int>(id);
    });
    auto a = pool.get();
    CHECK_THROWS_AS(pool.get(), std::runtime_error);
    CHECK(pool.allocated() == 1);
    CHECK(pool.high_water_mark() == 1);  // nothing was built
    auto b = pool.get();
    CHECK(*b == 2);
    CHECK(calls == 3);
}

TEMPLATE_LIST_TEST_CASE("A throwing reset hook leaves the object out",
                        "[object_pool][reuse][errors]", AllPolicies) {
    bool fail = true;
    ObjectPool<int, TestType> pool(
        2, [](std::size_t) { return 0; },
        [&fail](int&) {
            if (fail) {
                throw std::runtime_error("reset failed");
            }
        });
    int* object = pool.acquire();
    CHECK_THROWS_AS(pool.free(object), std::runtime_error);
    CHECK(pool.is_allocated(1));
    CHECK_THROWS_AS(pool.try_free(object), std::runtime_error);
    CHECK(pool.allocated() == 1);
    auto lease = pool.get();
    CHECK_THROWS_AS(pool.free(lease), std::runtime_error);
    CHECK(lease);  // the lease keeps its object
    fail = false;
    pool.free(object);
    pool.free(lease);
    CHECK(pool.allocated() == 0);
}

#ifndef NDEBUG
namespace {
std::vector<std::string>* reported = nullptr;
void record(const char* message) noexcept {
    reported->emplace_back(message);
}
}  // namespace

TEMPLATE_LIST_TEST_CASE("Destroying a pool with objects out reports it and destroys them",
                        "[object_pool][errors]", AllPolicies) {
    std::vector<std::string> messages;
    reported = &messages;
    const objpool::ErrorHandler previous = objpool::set_error_handler(&record);
    Log log;
    Recorded::log = &log;
    {
        ObjectPool<Recorded, TestType, ConstructOnGet> pool(3);
        static_cast<void>(pool.acquire("x"));
        static_cast<void>(pool.acquire("y"));
        pool.free(pool.acquire("z"));
    }
    objpool::set_error_handler(previous);
    CHECK(messages ==
          std::vector<std::string>{"objpool: ObjectPool destroyed while 2 objects are out"});
    CHECK(log.events == std::vector<std::string>{"+x", "+y", "+z", "-z", "-x", "-y"});
}
#endif
