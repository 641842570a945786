// Preconditions of unchecked calls: OBJPOOL_ASSERT is made to throw, so a broken precondition
// is observable instead of fatal.
#include <stdexcept>
#include <string>

#define OBJPOOL_ASSERT(condition, message) \
    ((condition) ? static_cast<void>(0) : throw std::logic_error(message))

#include <objpool/objpool.hpp>

#include <objpool_catch.hpp>

TEST_CASE("Dereferencing an empty lease breaks a precondition", "[lease][assert]") {
    objpool::ObjectPool<std::string, objpool::Lifo> pool(1);
    auto held = pool.get();
    auto empty = pool.get();
    REQUIRE_FALSE(empty);
    CHECK_THROWS_AS(*empty, std::logic_error);
    CHECK_THROWS_AS(empty->size(), std::logic_error);
    CHECK_NOTHROW(held->size());
}

namespace {
// Hands out a never-used slot before a lower one, breaking the ordering rule of policy.hpp.
struct OutOfOrder {
    class FreeList {
    public:
        explicit FreeList(std::size_t capacity) : list_(capacity) {
            list_.acquire();  // slot 0 is skipped: the first slot handed out is 1
        }
        std::size_t acquire() noexcept { return list_.acquire(); }
        bool release(std::size_t slot) noexcept { return list_.release(slot); }
        [[nodiscard]] bool is_allocated(std::size_t slot) const noexcept {
            return list_.is_allocated(slot);
        }
        [[nodiscard]] std::size_t capacity() const noexcept { return list_.capacity(); }
        [[nodiscard]] std::size_t available() const noexcept { return list_.available(); }
        [[nodiscard]] std::size_t bookkeeping_bytes() const noexcept {
            return list_.bookkeeping_bytes();
        }

    private:
        objpool::Lifo::FreeList list_;
    };
};
}  // namespace

TEST_CASE("A policy breaking the ordering rule is caught", "[policy][assert]") {
    // The broken policy leaves a slot out, which the pool's destructor would report.
    const objpool::ErrorHandler previous = objpool::set_error_handler([](const char*) noexcept {});
    {
        objpool::ObjectPool<int, OutOfOrder> pool(4);
        CHECK_THROWS_WITH(pool.acquire(), "the policy handed out a never-used slot out of order");
    }
    objpool::set_error_handler(previous);
}

TEST_CASE("A PoolResource needs an upstream resource", "[pool_resource][assert]") {
    CHECK_THROWS_WITH(objpool::PoolResource<objpool::Lifo>(16, 4, nullptr),
                      "PoolResource needs an upstream resource");
    // With the throwing OBJPOOL_ASSERT the constructor is another function than in the other
    // tests: its other outcomes, success and a refused block size, are checked here too.
    CHECK_THROWS_AS(objpool::PoolResource<objpool::Lifo>(0, 4), std::invalid_argument);
    const objpool::PoolResource<objpool::Lifo> resource(16, 4);
    CHECK(resource.available() == 4);
}

TEST_CASE("An empty IdLease has no id to give or release", "[id_lease][assert]") {
    objpool::IdPool<objpool::Lifo> pool(1);
    auto held = pool.lease();
    auto empty = pool.lease();
    REQUIRE_FALSE(empty);
    CHECK_THROWS_WITH(empty.id(), "the id of an empty IdLease");
    CHECK_THROWS_WITH(empty.release(), "release() of an empty IdLease");
    CHECK(held.id() == 1);
}
