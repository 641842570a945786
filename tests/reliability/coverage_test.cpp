// Paths the contract suites leave out, each with the behaviour it must have: the deeper Bitmap
// trees, a lease whose object was freed behind its back, and T whose size is not a power of 2.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <objpool/objpool.hpp>
#include <objpool_catch.hpp>

TEST_CASE("Bitmap trees of depth 4 and 5 hand out the lowest free id", "[reliability][coverage]") {
    // 64^3 + 1 slots need 4 levels, 64^4 + 1 need 5 (zeroed pages: cheap to create).
    for (const std::size_t capacity : {std::size_t{262'145}, std::size_t{16'777'217}}) {
        objpool::IdPool<objpool::Bitmap> pool(capacity);
        std::vector<std::uint32_t> ids;
        for (int i = 0; i < 130; ++i) {
            ids.push_back(*pool.get());
        }
        CHECK(ids.back() == 130);
        pool.free(65);
        pool.free(3);
        CHECK(*pool.get() == 3);
        CHECK(*pool.get() == 65);
        CHECK(pool.try_free(130));
        CHECK_FALSE(pool.try_free(130));
        CHECK(pool.allocated() == 129);
    }
}

TEST_CASE("A lease whose object was freed through free(T*) reports it when it ends",
          "[reliability][coverage]") {
    static std::vector<std::string> messages;
    const objpool::ErrorHandler previous = objpool::set_error_handler(
        [](const char* message) noexcept { messages.emplace_back(message); });
    {
        objpool::ObjectPool<int, objpool::Lifo> pool(2);
        auto lease = pool.get();
        pool.free(lease.get());  // behind the lease's back
    }                            // the lease ends first and finds its object already free
    objpool::set_error_handler(previous);
    CHECK(messages == std::vector<std::string>{
                          "objpool: a lease's object was freed through free(T*) before the lease"});
}

TEST_CASE("Objects whose size is not a power of 2 convert to ids exactly",
          "[reliability][coverage]") {
    struct Odd {
        char bytes[24];
    };
    objpool::ObjectPool<Odd, objpool::Fifo> pool(3);
    Odd* first = pool.acquire();
    Odd* second = pool.acquire();
    CHECK(pool.id_of(second) == 2);
    CHECK(pool.id_of(reinterpret_cast<Odd*>(reinterpret_cast<char*>(second) + 8)) == 0);
    CHECK(pool.id_of(first + 3) == 0);
    CHECK_FALSE(pool.try_free(first + 3));
    pool.free(first);
    pool.free(second);
}
