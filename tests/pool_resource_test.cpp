// PoolResource over every policy: what is served from the pool, what goes upstream, std::pmr
// containers on top, alignment, exhaustion, and bad deallocates.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <list>
#include <map>
#include <memory_resource>
#include <new>
#include <set>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <objpool_catch.hpp>

#include <objpool/detail/sanitizer.hpp>

#include "test_support.hpp"

using objpool::PoolResource;
using objpool_test::AllPolicies;

namespace {

// Forwards to new/delete and remembers what it was asked: the calls, and the blocks still out.
class CountingResource final : public std::pmr::memory_resource {
public:
    std::size_t allocations = 0;
    std::size_t deallocations = 0;
    std::size_t last_bytes = 0;
    std::size_t last_alignment = 0;
    std::set<void*> outstanding;

private:
    void* do_allocate(std::size_t bytes, std::size_t alignment) override {
        void* const address = std::pmr::new_delete_resource()->allocate(bytes, alignment);
        ++allocations;
        last_bytes = bytes;
        last_alignment = alignment;
        outstanding.insert(address);
        return address;
    }
    void do_deallocate(void* address, std::size_t bytes, std::size_t alignment) override {
        ++deallocations;
        last_bytes = bytes;
        last_alignment = alignment;
        REQUIRE(outstanding.erase(address) == 1);  // only what it handed out comes back
        std::pmr::new_delete_resource()->deallocate(address, bytes, alignment);
    }
    [[nodiscard]] bool do_is_equal(const std::pmr::memory_resource& other) const noexcept override {
        return this == &other;
    }
};

// Records the last message the error handler received (and returns, so the call goes on).
char reported[256];
void record(const char* message) noexcept {
    std::strncpy(reported, message, sizeof reported - 1);
}

struct RecordErrors {
    objpool::ErrorHandler previous = objpool::set_error_handler(&record);
    RecordErrors() { reported[0] = '\0'; }
    RecordErrors(const RecordErrors&) = delete;
    RecordErrors& operator=(const RecordErrors&) = delete;
    ~RecordErrors() { objpool::set_error_handler(previous); }
};

// Whether the last report names PoolResource, an address, and ends with `reason`.
bool reported_ends_with(const std::string& reason) {
    const std::string message = reported;
    CAPTURE(message);
    const std::string prefix = "objpool: PoolResource cannot deallocate 0x";
    return message.compare(0, prefix.size(), prefix) == 0 && message.size() > reason.size() &&
           message.compare(message.size() - reason.size(), reason.size(), reason) == 0;
}

bool aligned_to(const void* address, std::size_t alignment) {
    return reinterpret_cast<std::uintptr_t>(address) % alignment == 0;
}

}  // namespace

TEMPLATE_LIST_TEST_CASE("PoolResource serves its size class from one array taken upstream",
                        "[pool_resource]", AllPolicies) {
    CountingResource upstream;
    {
        PoolResource<TestType> resource(64, 4, &upstream);
        // The array, in one piece, aligned to the blocks.
        CHECK(upstream.allocations == 1);
        CHECK(upstream.last_bytes == 256);
        CHECK(upstream.last_alignment == 64);
        CHECK(resource.block_size() == 64);
        CHECK(resource.block_alignment() == 64);
        CHECK(resource.capacity() == 4);
        CHECK(resource.available() == 4);
        CHECK(resource.upstream_resource() == &upstream);

        std::set<void*> blocks;
        for (std::size_t bytes : {64, 1, 0, 33}) {
            void* const block = resource.allocate(bytes, 8);
            CHECK(resource.owns(block));
            CHECK(aligned_to(block, 64));
            blocks.insert(block);
        }
        CHECK(blocks.size() == 4);  // distinct blocks, a zero-byte request included
        CHECK(resource.allocated() == 4);
        CHECK(resource.available() == 0);
        CHECK(upstream.allocations == 1);  // nothing forwarded yet

        // Exhausted: forwarded, with the caller's size and alignment.
        void* const forwarded = resource.allocate(64, 8);
        CHECK_FALSE(resource.owns(forwarded));
        CHECK(upstream.allocations == 2);
        CHECK(upstream.last_bytes == 64);
        CHECK(upstream.last_alignment == 8);
        resource.deallocate(forwarded, 64, 8);
        CHECK(upstream.deallocations == 1);
        CHECK(upstream.last_bytes == 64);

        for (void* block : blocks) {
            resource.deallocate(block, 64, 8);
        }
        CHECK(resource.available() == 4);
        CHECK(upstream.deallocations == 1);  // blocks went back to the free list, not upstream
        CHECK(resource.owns(resource.allocate(64, 64)));
    }
    // The array went back, a block still out included.
    CHECK(upstream.deallocations == 2);
    CHECK(upstream.outstanding.empty());
}

TEMPLATE_LIST_TEST_CASE("PoolResource forwards other sizes and alignments upstream",
                        "[pool_resource]", AllPolicies) {
    CountingResource upstream;
    PoolResource<TestType> resource(24, 8, &upstream);
    CHECK(resource.block_alignment() == 8);  // 24 = 3 * 8

    void* const large = resource.allocate(25, 8);
    CHECK(upstream.allocations == 2);
    CHECK(upstream.last_bytes == 25);
    void* const overaligned = resource.allocate(16, 16);
    CHECK(upstream.allocations == 3);
    CHECK(upstream.last_alignment == 16);
    CHECK(aligned_to(overaligned, 16));
    CHECK_FALSE(resource.owns(large));
    CHECK_FALSE(resource.owns(overaligned));
    CHECK(resource.allocated() == 0);

    void* const small = resource.allocate(24, 8);
    CHECK(resource.owns(small));
    CHECK(aligned_to(small, 8));
    CHECK(upstream.allocations == 3);

    resource.deallocate(overaligned, 16, 16);
    CHECK(upstream.last_alignment == 16);
    resource.deallocate(large, 25, 8);
    CHECK(upstream.last_bytes == 25);
    resource.deallocate(small, 24, 8);
    CHECK(upstream.deallocations == 2);
    CHECK(resource.allocated() == 0);
}

TEMPLATE_LIST_TEST_CASE("PoolResource tells its blocks from every other address", "[pool_resource]",
                        AllPolicies) {
    // Odd, power-of-two and mixed block sizes: the address -> block arithmetic differs.
    for (std::size_t block_size : {1, 3, 8, 24, 40, 48, 64, 96}) {
        CAPTURE(block_size);
        PoolResource<TestType> resource(block_size, 5);
        std::vector<std::byte*> blocks;
        for (int i = 0; i < 5; ++i) {
            blocks.push_back(static_cast<std::byte*>(resource.allocate(block_size, 1)));
            CHECK(aligned_to(blocks.back(), resource.block_alignment()));
        }
        std::byte* const first = *std::min_element(blocks.begin(), blocks.end());
        for (std::size_t offset = 0; offset < 5 * block_size; ++offset) {
            CHECK(resource.owns(first + offset) == (offset % block_size == 0));
        }
        CHECK_FALSE(resource.owns(first + 5 * block_size));
        CHECK_FALSE(resource.owns(first - block_size));
        CHECK_FALSE(resource.owns(first - 1));
        CHECK_FALSE(resource.owns(nullptr));
        for (std::byte* block : blocks) {
            resource.deallocate(block, block_size, 1);
        }
    }
}

TEMPLATE_LIST_TEST_CASE("std::pmr containers take their nodes from a PoolResource",
                        "[pool_resource]", AllPolicies) {
    CountingResource upstream;
    PoolResource<TestType> resource(64, 100, &upstream);

    SECTION("list") {
        std::pmr::list<int> list(&resource);
        for (int i = 0; i < 100; ++i) {
            list.push_back(i);
        }
        CHECK(resource.allocated() == 100);
        CHECK(upstream.allocations == 1);
        for (int i = 0; i < 1000; ++i) {  // churn: every node comes back to the pool
            list.pop_front();
            list.push_back(i);
        }
        CHECK(resource.allocated() == 100);
        CHECK(list.front() == 900);
        CHECK(list.back() == 999);
        // Exhausted: the next nodes come from upstream, and go back there.
        for (int i = 0; i < 10; ++i) {
            list.push_back(i);
        }
        CHECK(upstream.allocations == 11);
        list.clear();
        CHECK(resource.allocated() == 0);
        CHECK(upstream.deallocations == 10);
    }
    SECTION("map") {
        std::pmr::map<int, int> map(&resource);
        for (int i = 0; i < 50; ++i) {
            map.emplace(i, i * i);
        }
        for (int i = 0; i < 50; i += 2) {
            map.erase(i);
        }
        CHECK(resource.allocated() == 25);
        for (int i = 100; i < 125; ++i) {
            map.emplace(i, i);
        }
        CHECK(resource.allocated() == 50);
        CHECK(map.at(7) == 49);
        CHECK(map.at(124) == 124);
        CHECK(map.size() == 50);
        CHECK(upstream.allocations == 1);
    }
    SECTION("vector: small buffers from the pool, the larger ones upstream") {
        std::pmr::vector<std::uint64_t> vector(&resource);
        for (std::uint64_t i = 0; i < 100; ++i) {
            vector.push_back(i);
        }
        CHECK(vector.capacity() * sizeof(std::uint64_t) > 64);
        CHECK_FALSE(resource.owns(vector.data()));
        CHECK(upstream.allocations > 1);
        for (std::uint64_t i = 0; i < 100; ++i) {
            CHECK(vector[i] == i);
        }
        vector.shrink_to_fit();
        vector.resize(4);
        vector.shrink_to_fit();
        CHECK(resource.owns(vector.data()));
        CHECK(vector[3] == 3);
    }
    SECTION("a polymorphic_allocator equals another only over the same resource") {
        PoolResource<TestType> other(64, 1);
        const std::pmr::polymorphic_allocator<int> mine(&resource);
        CHECK(mine == std::pmr::polymorphic_allocator<int>(&resource));
        CHECK(mine != std::pmr::polymorphic_allocator<int>(&other));
        CHECK(resource.is_equal(resource));
        CHECK_FALSE(resource.is_equal(other));
        CHECK_FALSE(resource.is_equal(upstream));
    }
    // Whatever the container did, upstream holds only the array at the end.
    CHECK(resource.allocated() == 0);
    CHECK(upstream.outstanding.size() == 1);
}

TEMPLATE_LIST_TEST_CASE("PoolResource reports a bad deallocate and changes nothing",
                        "[pool_resource][errors]", AllPolicies) {
    CountingResource upstream;
    PoolResource<TestType> resource(32, 4, &upstream);
    void* const block = resource.allocate(32, 8);
    void* const other = resource.allocate(32, 8);
    const RecordErrors errors;

    SECTION("a block deallocated twice") {
        resource.deallocate(block, 32, 8);
        resource.deallocate(block, 32, 8);
        CHECK(reported_ends_with(": block not allocated"));
        CHECK(resource.allocated() == 1);
        resource.deallocate(other, 32, 8);
    }
    SECTION("a block never handed out") {
        std::byte* const never = static_cast<std::byte*>(other) + 32 * (block < other ? 1 : -1);
        REQUIRE(resource.owns(never));
        resource.deallocate(never, 32, 8);
        CHECK(reported_ends_with(": block not allocated"));
        CHECK(resource.allocated() == 2);
        resource.deallocate(block, 32, 8);
        resource.deallocate(other, 32, 8);
    }
    SECTION("an address inside a block") {
        resource.deallocate(static_cast<std::byte*>(block) + 8, 24, 8);
        CHECK(reported_ends_with(": not the start of a block"));
        CHECK(resource.allocated() == 2);
        resource.deallocate(block, 32, 8);
        resource.deallocate(other, 32, 8);
    }
    CHECK(resource.allocated() == 0);
    CHECK(resource.available() == 4);
    CHECK(upstream.deallocations == 0);  // nothing bad reached upstream
}

TEMPLATE_LIST_TEST_CASE("PoolResource forwards a pointer it does not hold to upstream",
                        "[pool_resource]", AllPolicies) {
    CountingResource upstream;
    PoolResource<TestType> resource(32, 4, &upstream);
    // Memory from upstream directly, given back through the resource: it is not a block.
    void* const foreign = upstream.allocate(32, 8);
    resource.deallocate(foreign, 32, 8);
    CHECK(upstream.deallocations == 1);
    CHECK(upstream.outstanding.size() == 1);  // the array
    CHECK(resource.available() == 4);
}

TEMPLATE_LIST_TEST_CASE("PoolResource with capacity 0 forwards everything", "[pool_resource]",
                        AllPolicies) {
    CountingResource upstream;
    PoolResource<TestType> resource(32, 0, &upstream);
    CHECK(upstream.allocations == 0);  // no array
    void* const forwarded = resource.allocate(32, 8);
    CHECK(upstream.allocations == 1);
    CHECK_FALSE(resource.owns(forwarded));
    resource.deallocate(forwarded, 32, 8);
    CHECK(upstream.outstanding.empty());

    PoolResource<TestType> nothing(32, 0, std::pmr::null_memory_resource());
    CHECK_THROWS_AS(nothing.allocate(8, 8), std::bad_alloc);
}

TEMPLATE_LIST_TEST_CASE("PoolResource's constructor refuses what it cannot build",
                        "[pool_resource][errors]", AllPolicies) {
    CHECK_THROWS_AS(PoolResource<TestType>(0, 4), std::invalid_argument);
    CHECK_THROWS_WITH(PoolResource<TestType>(0, 4),
                      "objpool: PoolResource needs a block size of at least 1");
    CHECK_THROWS_AS(PoolResource<TestType>(8, objpool::max_capacity + 1), std::length_error);
    if constexpr (sizeof(std::size_t) == 8) {
        CHECK_THROWS_WITH(PoolResource<TestType>(std::numeric_limits<std::size_t>::max() / 2, 3),
                          "objpool: PoolResource's blocks do not fit in memory");
    }
    CHECK_THROWS_AS(PoolResource<TestType>(8, 4, std::pmr::null_memory_resource()), std::bad_alloc);
}

TEST_CASE("PoolResource defaults: Lifo, the default resource upstream", "[pool_resource]") {
    PoolResource resource(48, 3);
    STATIC_REQUIRE(std::is_same_v<decltype(resource), PoolResource<objpool::Lifo>>);
    CHECK(resource.upstream_resource() == std::pmr::get_default_resource());
    CHECK(resource.block_alignment() == 16);
    CHECK(resource.bookkeeping_bytes() == 3 * sizeof(std::uint32_t));
}

TEST_CASE("PoolResource<Lifo> hands out the block freed last", "[pool_resource][lifo]") {
    PoolResource<objpool::Lifo> resource(16, 3);
    void* const a = resource.allocate(16, 8);
    void* const b = resource.allocate(16, 8);
    resource.deallocate(a, 16, 8);
    CHECK(resource.allocate(16, 8) == a);
    resource.deallocate(b, 16, 8);
    resource.deallocate(a, 16, 8);
}

TEST_CASE("PoolResource<Bitmap> hands out the lowest free block", "[pool_resource][bitmap]") {
    PoolResource<objpool::Bitmap> resource(16, 3);
    void* const a = resource.allocate(16, 8);
    void* const b = resource.allocate(16, 8);
    void* const c = resource.allocate(16, 8);
    resource.deallocate(c, 16, 8);
    resource.deallocate(a, 16, 8);
    CHECK(resource.allocate(16, 8) == a);
    resource.deallocate(b, 16, 8);
    resource.deallocate(a, 16, 8);
}

#if OBJPOOL_ASAN_POISONING
TEMPLATE_LIST_TEST_CASE("Under ASan, exactly the blocks that are out are addressable",
                        "[pool_resource][asan]", AllPolicies) {
    auto addressable = [](const void* block) {
        return __asan_region_is_poisoned(const_cast<void*>(block), 32) == nullptr;
    };
    auto poisoned = [](const void* block) {
        return __asan_address_is_poisoned(block) != 0 &&
               __asan_address_is_poisoned(static_cast<const char*>(block) + 31) != 0;
    };
    CountingResource upstream;
    PoolResource<TestType> resource(32, 3, &upstream);
    auto* const block = static_cast<std::byte*>(resource.allocate(32, 8));
    CHECK(addressable(block));
    std::byte* const neighbour = block + 32 * (block == *upstream.outstanding.begin() ? 1 : -1);
    REQUIRE(resource.owns(neighbour));
    CHECK(poisoned(neighbour));  // never handed out
    resource.deallocate(block, 32, 8);
    CHECK(poisoned(block));
}
#endif
