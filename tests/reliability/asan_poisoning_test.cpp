// Under AddressSanitizer, exactly the objects that are out are addressable. In other builds
// these tests only check that poisoning is off (the hooks compile to nothing).
#include <cstddef>
#include <cstdint>
#include <stdexcept>

#include <asan_probe.hpp>
#include <objpool/detail/sanitizer.hpp>
#include <objpool/objpool.hpp>
#include <objpool_catch.hpp>

#include "reliability_support.hpp"

namespace {

struct Block {
    std::uint64_t words[3] = {1, 2, 3};
};

struct Throwing {
    std::uint64_t words[2] = {};
    explicit Throwing(bool fail) {
        if (fail) {
            throw std::runtime_error("no");
        }
    }
};

#if OBJPOOL_ASAN_POISONING
using objpool_support::addressable;
using objpool_support::poisoned;
#endif

}  // namespace

#if OBJPOOL_ASAN_POISONING

TEMPLATE_LIST_TEST_CASE("Under ASan only the objects that are out are addressable",
                        "[reliability][asan]", objpool_reliability::Policies) {
    SECTION("Reuse") {
        objpool::ObjectPool<Block, TestType> pool(3);
        Block* a = pool.acquire();
        CHECK(addressable(a, sizeof(Block)));
        CHECK(poisoned(a + 1, 2 * sizeof(Block)));  // never handed out
        {
            auto lease = pool.get();
            CHECK(addressable(lease.get(), sizeof(Block)));
        }
        CHECK(poisoned(a + 1, sizeof(Block)));  // back through the lease
        pool.free(a);
        CHECK(poisoned(a, sizeof(Block)));
        CHECK_FALSE(pool.try_free(a));  // a refused free touches nothing
        Block* again = pool.acquire();
        CHECK(addressable(again, sizeof(Block)));
        CHECK(again->words[2] == 3);  // the object survived, poisoned, and is whole again
        pool.free(again);
    }
    SECTION("ConstructOnGet, with a constructor that throws") {
        objpool::ObjectPool<Throwing, TestType, objpool::ConstructOnGet> pool(2);
        Throwing* a = pool.acquire(false);
        CHECK_THROWS_AS(pool.acquire(true), std::runtime_error);
        CHECK(poisoned(a + 1, sizeof(Throwing)));  // the failed slot is poisoned again
        CHECK(addressable(a, sizeof(Throwing)));
        pool.free(a);
        CHECK(poisoned(a, 2 * sizeof(Throwing)));
    }
    SECTION("A reset hook that throws leaves the object out and addressable") {
        bool fail = true;
        objpool::ObjectPool<Block, TestType> pool(
            2, [](std::size_t) { return Block{}; },
            [&fail](Block& block) {
                block.words[0] = 0;  // the hook runs on addressable memory
                if (fail) {
                    throw std::runtime_error("no");
                }
            });
        Block* a = pool.acquire();
        CHECK_THROWS_AS(pool.free(a), std::runtime_error);
        CHECK(addressable(a, sizeof(Block)));
        fail = false;
        pool.free(a);
        CHECK(poisoned(a, sizeof(Block)));
    }
}

#else

TEST_CASE("Without ASan the poisoning hooks are off", "[reliability][asan]") {
    STATIC_REQUIRE(OBJPOOL_ASAN_POISONING == 0);
    Block block;
    objpool::detail::poison(&block, sizeof block);  // no effect: still readable
    CHECK(block.words[1] == 2);
    objpool::detail::unpoison(&block, sizeof block);
}

#endif
