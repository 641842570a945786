// Paths the contract suites leave out, each with the behaviour it must have: the deeper Bitmap
// trees, a free(T*) behind a lease's back, T whose size is not a power of 2, a
// concurrent pool destroyed with objects out, an allocation that fails, the default error
// handler restored, handle comparison, const find, and a policy that breaks the ordering rule.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include <objpool/detail/concurrent_waiters.hpp>
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

TEST_CASE("free(T*) behind a lease's back is refused at the free, and the lease ends cleanly",
          "[reliability][coverage]") {
    static std::vector<std::string> messages;
    const objpool::ErrorHandler previous = objpool::set_error_handler(
        [](const char* message) noexcept { messages.emplace_back(message); });
    {
        objpool::ObjectPool<int, objpool::Lifo> pool(2);
        auto lease = pool.get();
        CHECK_THROWS_AS(pool.free(lease.get()), objpool::BadFree);  // behind the lease's back
        CHECK(pool.is_allocated(1));
    }  // the lease ends first and gives its object back
    objpool::set_error_handler(previous);
    CHECK(messages.empty());
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

TEST_CASE("A block whose size in bytes overflows throws std::bad_alloc",
          "[reliability][coverage]") {
    using Words = objpool::detail::ZeroedArray<std::uint64_t>;
    CHECK_THROWS_AS(Words(~std::size_t{0} / 4), std::bad_alloc);
    const Words empty(0);
    CHECK(empty.size() == 0);
    CHECK(empty.bytes() == 0);
}

// Sanitizers do not let calloc return null: ASan reports the request, TSan's calloc aborts.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define OBJPOOL_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
#define OBJPOOL_TEST_SANITIZED 1
#endif
#endif

#ifndef OBJPOOL_TEST_SANITIZED
TEST_CASE("A block that cannot be allocated throws std::bad_alloc", "[reliability][coverage]") {
    // 2^62 bytes: no overflow, but more than any address space; volatile, so that the compiler
    // does not see the size (g++ warns about a constant allocation this large).
    volatile std::size_t elements = std::size_t{1} << 59;
    using Words = objpool::detail::ZeroedArray<std::uint64_t>;
    CHECK_THROWS_AS(Words(elements), std::bad_alloc);
}
#endif

TEST_CASE("set_error_handler(nullptr) restores the default handler", "[reliability][coverage]") {
    const objpool::ErrorHandler previous = objpool::set_error_handler(nullptr);
    const objpool::ErrorHandler installed = objpool::set_error_handler(previous);
    CHECK(installed == &objpool::detail::default_error_handler);
}

TEST_CASE("Handles compare by slot and generation", "[reliability][coverage]") {
    using Handle = objpool::Handle<std::uint16_t>;
    const Handle handle{1, 2};
    CHECK(handle == Handle{1, 2});
    CHECK_FALSE(handle != Handle{1, 2});
    CHECK(handle != Handle{2, 2});  // another slot
    CHECK(handle != Handle{1, 3});  // the same slot, another generation
    CHECK_FALSE(handle == Handle{1, 3});
}

TEST_CASE("find() on a const pool returns null for an id that is not out",
          "[reliability][coverage]") {
    objpool::ObjectPool<int, objpool::Lifo> pool(2);
    int* object = pool.acquire();
    const auto& view = pool;
    CHECK(view.find(1) == object);
    CHECK(view.find(2) == nullptr);  // never handed out
    CHECK(view.find(0) == nullptr);  // out of range
    CHECK(view.find(3) == nullptr);
    pool.free(object);
    CHECK(view.find(1) == nullptr);  // freed
}

namespace {

// Breaks the ordering rule of objpool/policy.hpp: hands out the highest free slot first, so a
// never-used slot comes before lower ones.
struct HighestFirst {
    class FreeList {
    public:
        explicit FreeList(std::size_t capacity) : out_(capacity, false) {}
        std::size_t acquire() noexcept {
            for (std::size_t slot = out_.size(); slot-- > 0;) {
                if (!out_[slot]) {
                    out_[slot] = true;
                    return slot;
                }
            }
            return out_.size();
        }
        bool release(std::size_t slot) noexcept {
            if (!out_[slot]) {
                return false;
            }
            out_[slot] = false;
            return true;
        }
        [[nodiscard]] bool is_allocated(std::size_t slot) const noexcept { return out_[slot]; }
        [[nodiscard]] std::size_t capacity() const noexcept { return out_.size(); }
        [[nodiscard]] std::size_t available() const noexcept {
            std::size_t free = 0;
            for (const bool out : out_) {
                free += out ? 0 : 1;
            }
            return free;
        }
        [[nodiscard]] std::size_t bookkeeping_bytes() const noexcept { return 0; }

    private:
        std::vector<bool> out_;
    };
};

}  // namespace

TEST_CASE("A policy that hands out a never-used slot out of order is reported",
          "[reliability][coverage]") {
    static std::vector<std::string> messages;
    const objpool::ErrorHandler previous = objpool::set_error_handler(
        [](const char* message) noexcept { messages.emplace_back(message); });
    {
        objpool::ObjectPool<int, HighestFirst> pool(2);
        int* object = pool.acquire();  // slot 1 before slot 0: not constructed, reported
        CHECK(pool.id_of(object) == 2);
        CHECK(pool.high_water_mark() == 0);
        pool.free(object);
    }
    objpool::set_error_handler(previous);
#ifdef NDEBUG
    CHECK(messages.empty());  // OBJPOOL_ASSERT is compiled out
#else
    CHECK(messages == std::vector<std::string>{"objpool: assertion failed: the policy handed out "
                                               "a never-used slot out of order"});
#endif
}

TEST_CASE("A relative timeout becomes a deadline that saturates instead of overflowing",
          "[reliability][coverage]") {
    using Clock = std::chrono::steady_clock;
    using objpool::detail::deadline_after;
    const auto before = Clock::now();
    CHECK(deadline_after(std::chrono::milliseconds(0)) >= before);  // zero: now
    CHECK(deadline_after(std::chrono::seconds(-5)) >= before);      // negative: now
    CHECK(deadline_after(std::chrono::duration<double>(-1.5)) >= before);
    CHECK(deadline_after(std::chrono::hours::max()) == Clock::time_point::max());
    CHECK(deadline_after(std::chrono::duration<double>(1e300)) == Clock::time_point::max());
    const auto soon = deadline_after(std::chrono::milliseconds(250));
    CHECK(soon >= before + std::chrono::milliseconds(250));
    CHECK(soon < Clock::time_point::max());
    CHECK(deadline_after(std::chrono::duration<double>(0.25)) >=
          before + std::chrono::milliseconds(250));
}

TEST_CASE("A concurrent object pool's high-water mark stays put when a lower slot is first used",
          "[reliability][coverage]") {
    // Under ThreadCached, each thread's cache takes never-used slots in batches, so a thread may
    // use slot 1 for the first time after another thread has used slot 33.
    objpool::ConcurrentObjectPool<std::uint64_t, objpool::ThreadCached<objpool::Lifo>> pool(1024);
    std::atomic<int> step{0};
    std::uint64_t* first = nullptr;
    std::uint64_t* second = nullptr;
    std::thread other([&] {
        first = pool.acquire();  // its cache takes the first batch of never-used slots
        step = 1;
        while (step != 2) {
            std::this_thread::yield();
        }
        second = pool.acquire();  // first use of a slot below the mark
    });
    while (step != 1) {
        std::this_thread::yield();
    }
    std::uint64_t* const high = pool.acquire();  // from the next batch
    step = 2;
    other.join();
    CHECK(pool.id_of(second) < pool.id_of(high));
    CHECK(pool.high_water_mark() == pool.id_of(high));
    pool.free(first);
    pool.free(second);
    pool.free(high);
}
