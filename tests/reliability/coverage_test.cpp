// Paths the contract suites leave out, each with the behaviour it must have: the deeper Bitmap
// trees, a lease whose object was freed behind its back, T whose size is not a power of 2, a
// concurrent pool destroyed with objects out, and an allocation that fails.
#include <cstddef>
#include <cstdint>
#include <new>
#include <string>
#include <vector>

#include <objpool/detail/sanitizer.hpp>
#include <objpool/detail/zeroed_array.hpp>
#include <objpool/objpool.hpp>
#include <objpool_catch.hpp>

TEST_CASE("Bitmap trees of depth 4 to 6 hand out the lowest free id", "[reliability][coverage]") {
    // 64^3 + 1 slots need 4 levels, 64^4 + 1 need 5, 64^5 + 1 need 6, the most a capacity up to
    // 2^32 - 1 can need (zeroed pages: cheap to create, only the words used are touched).
    for (const std::size_t capacity :
         {std::size_t{262'145}, std::size_t{16'777'217}, std::size_t{1'073'741'825}}) {
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

TEST_CASE("A concurrent pool destroyed with objects out reports how many",
          "[reliability][coverage]") {
    static std::vector<std::string> messages;
    const objpool::ErrorHandler previous = objpool::set_error_handler(
        [](const char* message) noexcept { messages.emplace_back(message); });
    int destroyed = 0;
    struct Counted {
        int* destroyed = nullptr;
        Counted() = default;
        Counted(const Counted&) = delete;
        Counted& operator=(const Counted&) = delete;
        ~Counted() {
            if (destroyed != nullptr) {
                ++*destroyed;
            }
        }
    };
    {
        objpool::ConcurrentObjectPool<Counted, objpool::Fifo> pool(3);
        pool.acquire()->destroyed = &destroyed;
        pool.acquire()->destroyed = &destroyed;
    }
    objpool::set_error_handler(previous);
#ifdef NDEBUG
    CHECK(messages.empty());  // the check is compiled out
#else
    CHECK(messages == std::vector<std::string>{
                          "objpool: ConcurrentObjectPool destroyed while 2 objects are out"});
#endif
    CHECK(destroyed == 2);  // the destructor goes on and destroys the objects still out
}

TEST_CASE("A block whose size in bytes overflows throws std::bad_alloc",
          "[reliability][coverage]") {
    using Words = objpool::detail::ZeroedArray<std::uint64_t>;
    CHECK_THROWS_AS(Words(~std::size_t{0} / 4), std::bad_alloc);
    const Words empty(0);
    CHECK(empty.size() == 0);
    CHECK(empty.bytes() == 0);
}
