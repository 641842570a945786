// Compiled with -fno-exceptions: every non-throwing call works as usual, for every policy and
// both lifecycles. No Catch2 (it needs exceptions): plain checks, and a non-zero exit on failure.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include <objpool/handle_pool.hpp>
#include <objpool/objpool.hpp>

#include "reference_model.hpp"
#include "reliability_support.hpp"

#if OBJPOOL_HAS_EXCEPTIONS
#error "this test must be compiled with -fno-exceptions"
#endif

namespace {

int failures = 0;
int checks = 0;

void check(bool condition, const char* what, int line) {
    ++checks;
    if (!condition) {
        ++failures;
        std::fprintf(stderr, "no_exceptions_test.cpp:%d: check failed: %s\n", line, what);
    }
}
#define CHECK(condition) check((condition), #condition, __LINE__)

using objpool_reliability::order_of;
using objpool_reliability::ReferenceModel;

template <class Policy>
void id_pool() {
    objpool::IdPool<Policy> pool(5, 10);
    ReferenceModel model(5, order_of<Policy>::value);
    // A fixed script that reaches exhaustion and reuse: get x5, get (none), free 12, 10, 99,
    // 12 again, get x3.
    for (int i = 0; i < 6; ++i) {
        const auto id = pool.get();
        const auto slot = model.get();
        CHECK(id.has_value() == slot.has_value());
        CHECK(!id || *id == 10 + *slot);
    }
    for (const unsigned id : {12U, 10U, 99U, 12U, 9U, 0U}) {
        CHECK(pool.try_free(id) == model.free(id - 10));
        CHECK(objpool_reliability::id_pool_mismatch(pool, model) == nullptr);
    }
    for (int i = 0; i < 3; ++i) {
        const auto id = pool.get();
        const auto slot = model.get();
        CHECK(id.has_value() == slot.has_value());
        CHECK(!id || *id == 10 + *slot);
    }
    CHECK(objpool_reliability::id_pool_mismatch(pool, model) == nullptr);
    CHECK(pool.first() == 10);
    CHECK(pool.bookkeeping_bytes() > 0);
    pool.free(11);  // a valid free needs no exceptions either
    CHECK(!pool.is_allocated(11));
}

struct Tracked {
    static inline int live = 0;
    std::string name;
    Tracked() : name("default") { ++live; }
    explicit Tracked(std::string name_) : name(std::move(name_)) { ++live; }
    Tracked(const Tracked&) = delete;
    Tracked& operator=(const Tracked&) = delete;
    ~Tracked() { --live; }
};

template <class Policy>
void object_pool_reuse() {
    Tracked::live = 0;
    {
        int resets = 0;
        objpool::ObjectPool<Tracked, Policy> pool(
            3, [](std::size_t id) { return Tracked("object " + std::to_string(id)); },
            [&resets](Tracked& object) {
                ++resets;
                object.name += " reset";
            });
        ReferenceModel model(3, order_of<Policy>::value);
        Tracked* a = pool.acquire();
        model.get();
        CHECK(a != nullptr && a->name == "object 1");
        {
            auto lease = pool.get();
            model.get();
            CHECK(lease && lease.id() == 2 && lease->name == "object 2");
        }  // back through the lease
        model.free(1);
        CHECK(resets == 1);
        CHECK(pool.try_free(a));
        model.free(0);
        CHECK(!pool.try_free(a));        // not out
        CHECK(!pool.try_free(a + 3));    // past the block
        CHECK(!pool.try_free(nullptr));  // foreign
        const auto address = [a](std::size_t slot) { return a + slot; };
        CHECK(objpool_reliability::object_pool_mismatch(pool, model, address) == nullptr);
        Tracked* b = pool.acquire();
        const auto expected = model.get();
        CHECK(expected && b == a + *expected);
        // Fifo takes the never-used slot 3 first; the others reuse a reset object.
        CHECK(b->name ==
              (*expected == 2 ? "object 3" : "object " + std::to_string(*expected + 1) + " reset"));
        CHECK(pool.id_of(b) == *expected + 1 && pool.find(*expected + 1) == b);
        CHECK(objpool_reliability::object_pool_mismatch(pool, model, address) == nullptr);
        pool.free(b);
        CHECK(Tracked::live == static_cast<int>(pool.high_water_mark()));
    }
    CHECK(Tracked::live == 0);
}

template <class Policy>
void object_pool_construct_on_get() {
    Tracked::live = 0;
    {
        objpool::ObjectPool<Tracked, Policy, objpool::ConstructOnGet> pool(2);
        auto first = pool.get("first");
        Tracked* second = pool.acquire("second");
        CHECK(Tracked::live == 2);
        CHECK(!pool.get("none") && pool.acquire("none") == nullptr);
        CHECK(pool.available() == 0 && pool.allocated() == 2);
        CHECK(pool.try_free(second));
        CHECK(Tracked::live == 1);
        CHECK(!pool.try_free(second));
        CHECK(!pool.is_allocated(pool.id_of(second)) && pool.is_allocated(first.id()));
        pool.free(first);
        CHECK(!first && Tracked::live == 0);
        CHECK(pool.high_water_mark() == 2);
    }
    CHECK(Tracked::live == 0);
}

template <class Policy>
void handle_pool() {
    objpool::HandlePool<Policy, std::uint8_t, 2> pool(2);
    const auto first = pool.get();
    CHECK(first && first->generation == 0);
    CHECK(pool.try_free(*first));
    CHECK(!pool.try_free(*first));  // stale
    CHECK(!pool.is_valid(*first) && !pool.find(*first));
    for (int use = 0; use < 5; ++use) {  // 6 handles in all: both slots retire
        const auto handle = pool.get();
        CHECK(handle && pool.is_valid(*handle));
        pool.free(*handle);
    }
    CHECK(!pool.get() && pool.retired() == 2 && pool.available() == 0 && pool.allocated() == 0);
}

template <class... Policies>
void for_every(std::tuple<Policies...>*) {
    (handle_pool<Policies>(), ...);
    (id_pool<Policies>(), ...);
    (object_pool_reuse<Policies>(), ...);
    (object_pool_construct_on_get<Policies>(), ...);
}

#ifndef NDEBUG
std::vector<std::string> reported;
void record(const char* message) noexcept {
    reported.emplace_back(message);
}
#endif

}  // namespace

int main() {
    for_every(static_cast<objpool_reliability::Policies*>(nullptr));
#ifndef NDEBUG
    // The one report that does not abort: a pool destroyed with objects out.
    const objpool::ErrorHandler previous = objpool::set_error_handler(&record);
    {
        objpool::ObjectPool<int, objpool::Lifo> pool(2);
        static_cast<void>(pool.acquire());
    }
    objpool::set_error_handler(previous);
    CHECK(reported.size() == 1 &&
          reported[0] == "objpool: ObjectPool destroyed while 1 objects are out");
#endif
    std::printf("%d checks, %d failed\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
