// A user-defined policy plugs in exactly like the built-in ones (it also runs the whole
// contract suite through objpool_test::AllPolicies); these check the interface checks.
#include <cstddef>

#include <objpool_catch.hpp>

#include "test_support.hpp"

namespace {

struct NoFreeList {};

struct WrongAcquire {
    class FreeList {
    public:
        explicit FreeList(std::size_t) {}
        int acquire() noexcept { return 0; }  // must return std::size_t
        bool release(std::size_t) noexcept { return false; }
        [[nodiscard]] bool is_allocated(std::size_t) const noexcept { return false; }
        [[nodiscard]] std::size_t capacity() const noexcept { return 0; }
        [[nodiscard]] std::size_t available() const noexcept { return 0; }
        [[nodiscard]] std::size_t bookkeeping_bytes() const noexcept { return 0; }
    };
};

struct ThrowingRelease {
    class FreeList {
    public:
        explicit FreeList(std::size_t) {}
        std::size_t acquire() noexcept { return 0; }
        bool release(std::size_t) { return false; }  // must be noexcept
        [[nodiscard]] bool is_allocated(std::size_t) const noexcept { return false; }
        [[nodiscard]] std::size_t capacity() const noexcept { return 0; }
        [[nodiscard]] std::size_t available() const noexcept { return 0; }
        [[nodiscard]] std::size_t bookkeeping_bytes() const noexcept { return 0; }
    };
};

}  // namespace

TEST_CASE("is_policy_v accepts the built-in and user policies and rejects the rest", "[policy]") {
    STATIC_REQUIRE(objpool::is_policy_v<objpool::Fifo>);
    STATIC_REQUIRE(objpool::is_policy_v<objpool::Lifo>);
    STATIC_REQUIRE(objpool::is_policy_v<objpool::Bitmap>);
    STATIC_REQUIRE(objpool::is_policy_v<objpool_test::VectorStack>);
    STATIC_REQUIRE_FALSE(objpool::is_policy_v<NoFreeList>);
    STATIC_REQUIRE_FALSE(objpool::is_policy_v<WrongAcquire>);
    STATIC_REQUIRE_FALSE(objpool::is_policy_v<ThrowingRelease>);
    STATIC_REQUIRE_FALSE(objpool::is_policy_v<int>);
#if defined(__cpp_concepts) && __cpp_concepts >= 201907L
    STATIC_REQUIRE(objpool::FreeListPolicy<objpool::Bitmap>);
    STATIC_REQUIRE_FALSE(objpool::FreeListPolicy<WrongAcquire>);
#endif
}

TEST_CASE("A user policy decides the order and the pools do the rest", "[policy]") {
    objpool::ObjectPool<int, objpool_test::VectorStack> pool(3);
    int* a = pool.acquire();
    int* b = pool.acquire();
    pool.free(a);
    pool.free(b);
    int* again = pool.acquire();
    CHECK(again == b);                                // the user's stack: last freed first
    CHECK_THROWS_AS(pool.free(a), objpool::BadFree);  // the pools' checks come for free
    pool.free(again);
    CHECK(pool.bookkeeping_bytes() > 0);
}
