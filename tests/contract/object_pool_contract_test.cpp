// The object pool contract, over every family x policy (pool_kinds.hpp): lazy construction and
// reuse, leases and raw pointers, ids, exhaustion, refused frees that change nothing, the strong
// guarantee with an in-place undo (a failed construction leaves the order of later ids as it
// was), the reset hook, the destructor's report, and ASan poisoning of objects that are not out.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <asan_probe.hpp>
#include <objpool/detail/sanitizer.hpp>
#include <objpool_catch.hpp>

#include "pool_kinds.hpp"

using objpool::BadFree;
using objpool::ConstructOnGet;
using objpool_contract::address_text;
using objpool_contract::AllKinds;
using objpool_contract::bad_free_of;

namespace {

// 24 bytes: a multiple of ASan's 8-byte granule, so that every family poisons it.
struct Block {
    std::uint64_t words[3] = {1, 2, 3};
};

// Counts live objects; its constructor throws when told to.
struct Tracked {
    static inline int live = 0;
    static inline bool fail_next = false;
    std::uint64_t value;
    explicit Tracked(std::uint64_t initial = 0) : value(initial) {
        if (fail_next) {
            fail_next = false;
            throw std::runtime_error("construction failed");
        }
        ++live;
    }
    Tracked(const Tracked&) = delete;
    Tracked& operator=(const Tracked&) = delete;
    ~Tracked() { --live; }
};

// Everything observable about an object pool, to prove that a call changed nothing.
template <class Pool>
struct Snapshot {
    std::size_t available;
    std::size_t high_water_mark;
    std::vector<bool> out;

    explicit Snapshot(const Pool& pool)
        : available(pool.available()), high_water_mark(pool.high_water_mark()) {
        for (std::size_t id = 1; id <= pool.capacity(); ++id) {
            out.push_back(pool.is_allocated(id));
        }
    }
    bool operator==(const Snapshot& other) const {
        return available == other.available && high_water_mark == other.high_water_mark &&
               out == other.out;
    }
};

// The ids `count` gets hand out.
template <class Pool, class... Args>
std::vector<std::size_t> ids_of_gets(Pool& pool, std::size_t count, const Args&... args) {
    std::vector<std::size_t> ids;
    for (std::size_t get = 0; get < count; ++get) {
        ids.push_back(pool.id_of(pool.acquire(args...)));
    }
    return ids;
}

// Gives back every object that is out.
template <class Pool>
void free_all(Pool& pool) {
    for (std::size_t id = 1; id <= pool.capacity(); ++id) {
        if (pool.is_allocated(id)) {
            pool.free(pool.find(id));
        }
    }
}

#if OBJPOOL_ASAN_POISONING
using objpool_support::addressable;
using objpool_support::poisoned;
#endif

}  // namespace

TEMPLATE_LIST_TEST_CASE("An object pool builds each object on first use and reuses it",
                        "[contract][object_pool]", AllKinds) {
    using Pool = typename TestType::template ObjectPool<Tracked>;
    Tracked::live = 0;
    {
        std::vector<std::size_t> built;
        Pool pool(3, [&](std::size_t id) {
            built.push_back(id);
            return Tracked(id * 100);
        });
        STATIC_REQUIRE(Pool::is_thread_safe == TestType::concurrent);
        CHECK(pool.capacity() == 3);
        CHECK(pool.high_water_mark() == 0);
        CHECK(pool.bookkeeping_bytes() > 0);
        CHECK(Tracked::live == 0);  // nothing built at creation

        auto lease = pool.get();
        REQUIRE(lease);
        const std::size_t id = lease.id();
        CHECK(built == std::vector<std::size_t>{id});  // the factory got the object's id
        CHECK(lease->value == id * 100);
        Tracked* const address = lease.get();
        lease->value = 7;
        CHECK(pool.find(id) == address);
        CHECK(pool.is_allocated(id));
        CHECK(pool.allocated() == 1);
        lease = {};  // gives it back
        CHECK_FALSE(pool.is_allocated(id));
        CHECK(pool.find(id) == nullptr);
        CHECK(std::as_const(pool).find(id) == nullptr);

        // Whichever order the policy hands them out in, that object comes back as it was.
        std::vector<Tracked*> all;
        for (int get = 0; get < 3; ++get) {
            all.push_back(pool.acquire());
        }
        CHECK(pool.find(id) == address);
        CHECK(address->value == 7);
        CHECK(pool.high_water_mark() == 3);
        for (Tracked* const object : all) {
            pool.free(object);
        }
        CHECK(built.size() == pool.high_water_mark());
        CHECK(Tracked::live == static_cast<int>(pool.high_water_mark()));
    }
    CHECK(Tracked::live == 0);  // the pool destroyed what it built
}

TEMPLATE_LIST_TEST_CASE("An object pool maps ids and objects, and is exhausted at capacity",
                        "[contract][object_pool]", AllKinds) {
    using Pool = typename TestType::template ObjectPool<Block>;
    Pool pool(3);
    std::vector<typename Pool::lease_type> leases;
    for (std::size_t get = 1; get <= 3; ++get) {
        leases.push_back(pool.get());
        REQUIRE(leases.back());
        const std::size_t id = leases.back().id();
        CHECK((id >= 1 && id <= 3));
        if constexpr (objpool_contract::ascending_when_fresh_v<typename TestType::policy>) {
            CHECK(id == get);
        }
        CHECK(pool.id_of(leases.back().get()) == id);
        CHECK(pool.find(id) == leases.back().get());
    }
    CHECK(pool.available() == 0);
    CHECK_FALSE(pool.get());
    CHECK(pool.acquire() == nullptr);
    CHECK(pool.id_of(nullptr) == 0);
    Block outside;
    CHECK(pool.id_of(&outside) == 0);
    CHECK(pool.find(0) == nullptr);
    CHECK(pool.find(4) == nullptr);
    CHECK_FALSE(pool.is_allocated(0));

    const std::size_t freed = leases[1].id();
    pool.free(leases[1]);
    CHECK_FALSE(leases[1]);
    CHECK(pool.available() == 1);
    auto back = pool.get();
    CHECK(back.id() == freed);
}

TEMPLATE_LIST_TEST_CASE("Objects of any alignment are aligned in the pool",
                        "[contract][object_pool]", AllKinds) {
    struct alignas(64) Line {
        char bytes[64];
    };
    typename TestType::template ObjectPool<Line> pool(3);
    std::vector<typename decltype(pool)::lease_type> lines;
    for (int get = 0; get < 3; ++get) {
        lines.push_back(pool.get());
        REQUIRE(lines.back());
        CHECK(reinterpret_cast<std::uintptr_t>(lines.back().get()) % 64 == 0);
    }
}

TEMPLATE_LIST_TEST_CASE("An object pool refuses a bad free with BadFree and changes nothing",
                        "[contract][object_pool][errors]", AllKinds) {
    using Pool = typename TestType::template ObjectPool<Block>;
    Pool pool(4);
    Pool other(1);
    Block* const freed = pool.acquire();
    Block* const out = pool.acquire();
    auto lease = pool.get();
    auto foreign_lease = other.get();
    pool.free(freed);
    const Snapshot<Pool> before(pool);

    SECTION("double free") {
        const auto [message, reason] = bad_free_of([&] { pool.free(freed); });
        CHECK(message == "objpool: cannot free object id " + std::to_string(pool.id_of(freed)) +
                             " at " + address_text(freed) + ": not allocated");
        CHECK(reason == BadFree::Reason::not_allocated);
        CHECK_FALSE(pool.try_free(freed));
    }
    SECTION("an object never handed out") {
        // The one slot of the four that was never handed out.
        Block* const first = out - (pool.id_of(out) - 1);
        std::size_t never_id = 1;
        while (never_id == pool.id_of(freed) || never_id == pool.id_of(out) ||
               never_id == lease.id()) {
            ++never_id;
        }
        Block* const never = first + (never_id - 1);
        const auto [message, reason] = bad_free_of([&] { pool.free(never); });
        CHECK(message == "objpool: cannot free object id " + std::to_string(never_id) + " at " +
                             address_text(never) + ": not allocated");
        CHECK(reason == BadFree::Reason::not_allocated);
    }
    SECTION("a foreign pointer, null, one past the end, the middle of an object") {
        Block outside;
        Block* const past_end = out - (pool.id_of(out) - 1) + 4;
        Block* const middle = reinterpret_cast<Block*>(reinterpret_cast<char*>(out) + 8);
        for (Block* const pointer : {&outside, static_cast<Block*>(nullptr), past_end, middle}) {
            const auto [message, reason] = bad_free_of([&] { pool.free(pointer); });
            CHECK(message == "objpool: cannot free object at " + address_text(pointer) +
                                 ": not an object of this pool");
            CHECK(reason == BadFree::Reason::out_of_range);
            CHECK_FALSE(pool.try_free(pointer));
        }
    }
    SECTION("another pool's object and lease") {
        const auto [message, reason] = bad_free_of([&] { pool.free(foreign_lease.get()); });
        CHECK(message == "objpool: cannot free object at " + address_text(foreign_lease.get()) +
                             ": not an object of this pool");
        CHECK(reason == BadFree::Reason::out_of_range);
        const auto [lease_message, lease_reason] = bad_free_of([&] { pool.free(foreign_lease); });
        CHECK(lease_message == "objpool: cannot free a lease of another pool");
        CHECK(lease_reason == BadFree::Reason::out_of_range);
        CHECK(foreign_lease);
    }
    SECTION("an empty lease") {
        typename Pool::lease_type empty;
        const auto [message, reason] = bad_free_of([&] { pool.free(empty); });
        CHECK(message == "objpool: cannot free an empty lease");
        CHECK(reason == BadFree::Reason::not_allocated);
    }
    CHECK(Snapshot<Pool>(pool) == before);
    CHECK(pool.is_allocated(pool.id_of(out)));
    CHECK(lease);
    pool.free(out);
}

#ifndef NDEBUG  // the destructor's report of objects out is a debug-build check
namespace {
std::vector<std::string> reported;
void record(const char* message) noexcept {
    reported.emplace_back(message);
}
}  // namespace
#endif

TEMPLATE_LIST_TEST_CASE("ConstructOnGet builds from get's arguments and destroys on free",
                        "[contract][object_pool][lifecycle]", AllKinds) {
    using Pool = typename TestType::template ObjectPool<Tracked, ConstructOnGet>;
    Tracked::live = 0;
    {
        Pool pool(2);
        auto lease = pool.get(std::uint64_t{42});
        REQUIRE(lease);
        CHECK(lease->value == 42);
        Tracked* const raw = pool.acquire(std::uint64_t{7});
        CHECK(Tracked::live == 2);
        pool.free(raw);
        CHECK(Tracked::live == 1);
        // A lease's object is refused by the raw layer: the lease gives it back.
        CHECK_FALSE(pool.try_free(lease.get()));
        CHECK(Tracked::live == 1);
        lease = {};
        CHECK(Tracked::live == 0);
        CHECK(pool.available() == 2);
    }
    CHECK(Tracked::live == 0);
}

TEMPLATE_LIST_TEST_CASE(
    "A failed construction is undone in place: later ids come in the same order",
    "[contract][object_pool][exception_safety]", AllKinds) {
    using Constructing = typename TestType::template ObjectPool<Tracked, ConstructOnGet>;
    using Reusing = typename TestType::template ObjectPool<Tracked>;
    Tracked::live = 0;
    {
        // Two pools through the same calls, except that one get of the first throws.
        Constructing failing(5);
        Constructing twin(5);
        for (Constructing* pool : {&failing, &twin}) {
            Tracked* const first = pool->acquire(std::uint64_t{1});
            Tracked* const second = pool->acquire(std::uint64_t{2});
            static_cast<void>(pool->acquire(std::uint64_t{3}));
            pool->free(second);
            pool->free(first);
        }
        const Snapshot<Constructing> before(failing);
        Tracked::fail_next = true;
        CHECK_THROWS_AS(failing.get(std::uint64_t{9}), std::runtime_error);
        CHECK(Snapshot<Constructing>(failing) == before);
        CHECK(ids_of_gets(failing, 4, std::uint64_t{0}) == ids_of_gets(twin, 4, std::uint64_t{0}));
        free_all(failing);
        free_all(twin);
    }
    {
        // Reuse: construction happens on a slot's first use, so the failing get is the first.
        bool fail = true;
        Reusing failing(4, [&](std::size_t id) {
            if (std::exchange(fail, false)) {
                throw std::runtime_error("factory failed");
            }
            return Tracked(id);
        });
        Reusing twin(4);
        CHECK_THROWS_AS(failing.get(), std::runtime_error);
        CHECK(failing.available() == 4);
        CHECK(failing.high_water_mark() == 0);
        CHECK(ids_of_gets(failing, 4) == ids_of_gets(twin, 4));
        CHECK(failing.find(1)->value == 1);  // built by the factory on the retry
        free_all(failing);
        free_all(twin);
    }
    CHECK(Tracked::live == 0);
}

TEMPLATE_LIST_TEST_CASE("A reset hook that throws leaves the object out",
                        "[contract][object_pool][exception_safety]", AllKinds) {
    bool fail = true;
    int resets = 0;
    typename TestType::template ObjectPool<Block> pool(
        2, [](std::size_t) { return Block{}; },
        [&](Block& block) {
            if (std::exchange(fail, false)) {
                throw std::runtime_error("reset failed");
            }
            block.words[0] = 0;
            ++resets;
        });
    auto lease = pool.get();
    REQUIRE(lease);
    const std::size_t id = lease.id();
    CHECK_THROWS_AS(pool.free(lease), std::runtime_error);
    CHECK(lease);  // the lease keeps it
    CHECK(pool.is_allocated(id));
    CHECK(pool.available() == 1);
    pool.free(lease);
    CHECK(resets == 1);
    CHECK_FALSE(pool.is_allocated(id));
    CHECK(pool.available() == 2);
}

TEMPLATE_LIST_TEST_CASE("Destroying a pool with objects out reports it and destroys them",
                        "[contract][object_pool]", AllKinds) {
#ifndef NDEBUG
    reported.clear();
    const auto previous = objpool::set_error_handler(&record);
    Tracked::live = 0;
    {
        typename TestType::template ObjectPool<Tracked, ConstructOnGet> pool(3);
        static_cast<void>(pool.acquire(std::uint64_t{1}));
        static_cast<void>(pool.acquire(std::uint64_t{2}));
    }
    objpool::set_error_handler(previous);
    CHECK(Tracked::live == 0);
    const std::string name = TestType::concurrent ? "ConcurrentObjectPool" : "ObjectPool";
    CHECK(reported ==
          std::vector<std::string>{"objpool: " + name + " destroyed while 2 objects are out"});
#endif
}

TEMPLATE_LIST_TEST_CASE("Under ASan exactly the objects that are out are addressable",
                        "[contract][object_pool][asan]", AllKinds) {
#if OBJPOOL_ASAN_POISONING
    SECTION("Reuse") {
        typename TestType::template ObjectPool<Block> pool(3);
        Block* const first = pool.acquire();
        CHECK(addressable(first, sizeof(Block)));
        CHECK(poisoned(first + 1, 2 * sizeof(Block)));  // never handed out
        pool.free(first);
        CHECK(poisoned(first, sizeof(Block)));
        Block* const again = pool.acquire();
        CHECK(addressable(again, sizeof(Block)));
        pool.free(again);
    }
    SECTION("ConstructOnGet, with a constructor that throws") {
        typename TestType::template ObjectPool<Tracked, ConstructOnGet> pool(2);
        Tracked::fail_next = true;
        CHECK_THROWS_AS(pool.acquire(std::uint64_t{1}), std::runtime_error);
        Tracked* const object = pool.acquire(std::uint64_t{2});
        REQUIRE(object != nullptr);
        CHECK(addressable(object, sizeof(Tracked)));
        CHECK(poisoned(object + 1, sizeof(Tracked)));
        pool.free(object);
        CHECK(poisoned(object, sizeof(Tracked)));
    }
#else
    // Without ASan the hooks compile to nothing: a pool's objects stay plain memory.
    typename TestType::template ObjectPool<Block> pool(1);
    Block* const block = pool.acquire();
    pool.free(block);
    CHECK(OBJPOOL_ASAN_POISONING == 0);
#endif
}

namespace {

// A Reuse pool of Tracked whose factory counts what it builds (value: the id) and fails when
// told to; the validation hook, when installed, rejects objects whose value is 0 ("broken")
// and throws when told to.
template <class Kind>
struct Connections {
    using Pool = typename Kind::template ObjectPool<Tracked>;
    std::size_t built = 0;
    std::size_t validated = 0;
    bool fail_build = false;
    bool fail_validation = false;
    Pool pool;

    explicit Connections(std::size_t capacity, bool validating = false)
        : pool(
              capacity,
              [this](std::size_t id) {
                  if (std::exchange(fail_build, false)) {
                      throw std::runtime_error("factory failed");
                  }
                  ++built;
                  return Tracked(id);
              },
              {},
              validating ? typename Pool::Validate([this](Tracked& object) {
                  ++validated;
                  if (std::exchange(fail_validation, false)) {
                      throw std::runtime_error("validation failed");
                  }
                  return object.value != 0;
              })
                         : typename Pool::Validate()) {}
};

}  // namespace

TEMPLATE_LIST_TEST_CASE(
    "discard destroys an object now, and with Reuse its slot's next get builds anew",
    "[contract][object_pool][discard]", AllKinds) {
    Tracked::live = 0;
    SECTION("Reuse, through a lease and through a raw pointer") {
        Connections<TestType> connections(1);
        auto& pool = connections.pool;
        auto lease = pool.get();
        REQUIRE(lease);
        lease->value = 7;
        pool.discard(lease);
        CHECK_FALSE(lease);
        CHECK(Tracked::live == 0);
        CHECK(pool.available() == 1);
        CHECK_FALSE(pool.is_allocated(1));
        Tracked* const raw = pool.acquire();
        REQUIRE(raw != nullptr);
        CHECK(connections.built == 2);
        CHECK(raw->value == 1);  // a new object, built by the factory
        pool.discard(raw);
        CHECK(Tracked::live == 0);
        CHECK(pool.high_water_mark() == 1);
        // A failing rebuild leaves the slot empty and free; the next get builds it.
        connections.fail_build = true;
        CHECK_THROWS_AS(pool.get(), std::runtime_error);
        CHECK(pool.available() == 1);
        CHECK(pool.acquire() == raw);
        CHECK(connections.built == 3);
        pool.free(raw);
    }
    SECTION("ConstructOnGet") {
        typename TestType::template ObjectPool<Tracked, ConstructOnGet> pool(2);
        Tracked* const raw = pool.acquire(std::uint64_t{5});
        auto lease = pool.get(std::uint64_t{6});
        pool.discard(raw);
        pool.discard(lease);
        CHECK(Tracked::live == 0);
        CHECK(pool.available() == 2);
    }
    CHECK(Tracked::live == 0);  // the pools destroyed nothing twice
}

TEMPLATE_LIST_TEST_CASE("discard refuses a bad object with BadFree and changes nothing",
                        "[contract][object_pool][discard][errors]", AllKinds) {
    using Pool = typename TestType::template ObjectPool<Block>;
    Pool pool(4);
    Pool other(1);
    Block* const discarded = pool.acquire();
    auto lease = pool.get();
    auto foreign_lease = other.get();
    pool.discard(discarded);
    const Snapshot<Pool> before(pool);

    SECTION("double discard") {
        const auto [message, reason] = bad_free_of([&] { pool.discard(discarded); });
        CHECK(message == "objpool: cannot discard object id " +
                             std::to_string(pool.id_of(discarded)) + " at " +
                             address_text(discarded) + ": not allocated");
        CHECK(reason == BadFree::Reason::not_allocated);
        CHECK(bad_free_of([&] { pool.free(discarded); }).second == BadFree::Reason::not_allocated);
    }
    SECTION("a foreign object, null") {
        Block outside;
        for (Block* const pointer : {&outside, static_cast<Block*>(nullptr), foreign_lease.get()}) {
            const auto [message, reason] = bad_free_of([&] { pool.discard(pointer); });
            CHECK(message == "objpool: cannot discard object at " + address_text(pointer) +
                                 ": not an object of this pool");
            CHECK(reason == BadFree::Reason::out_of_range);
        }
    }
    SECTION("a lease's object through the raw layer") {
        const auto [message, reason] = bad_free_of([&] { pool.discard(lease.get()); });
        CHECK(message == "objpool: cannot discard object id " + std::to_string(lease.id()) +
                             " at " + address_text(lease.get()) +
                             ": held by a lease (give it back through the lease, or release() "
                             "it first)");
        CHECK(reason == BadFree::Reason::leased);
    }
    SECTION("an empty lease, another pool's lease") {
        typename Pool::lease_type empty;
        const auto [message, reason] = bad_free_of([&] { pool.discard(empty); });
        CHECK(message == "objpool: cannot discard an empty lease");
        CHECK(reason == BadFree::Reason::not_allocated);
        const auto [foreign_message, foreign_reason] =
            bad_free_of([&] { pool.discard(foreign_lease); });
        CHECK(foreign_message == "objpool: cannot discard a lease of another pool");
        CHECK(foreign_reason == BadFree::Reason::out_of_range);
        CHECK(foreign_lease);
    }
    CHECK(Snapshot<Pool>(pool) == before);
    CHECK(lease);
}

TEMPLATE_LIST_TEST_CASE(
    "The validation hook rebuilds a rejected idle object before get hands it out",
    "[contract][object_pool][validation]", AllKinds) {
    Tracked::live = 0;
    {
        Connections<TestType> connections(1, true);
        auto& pool = connections.pool;
        Tracked* const object = pool.acquire();
        CHECK(connections.validated == 0);  // a new object is not validated
        object->value = 0;                  // it breaks while out
        pool.free(object);

        auto lease = pool.get();
        CHECK(connections.validated == 1);
        CHECK(connections.built == 2);  // rejected, destroyed, rebuilt in place
        CHECK(lease.get() == object);
        CHECK(lease->value == 1);
        CHECK(Tracked::live == 1);
        lease = {};
        CHECK(pool.get().get() == object);  // accepted: handed out as it is
        CHECK(connections.validated == 2);
        CHECK(connections.built == 2);

        SECTION("a validation hook that throws leaves the pool unchanged") {
            pool.acquire()->value = 42;
            pool.free(object);
            const Snapshot<typename Connections<TestType>::Pool> before(pool);
            connections.fail_validation = true;
            CHECK_THROWS_AS(pool.get(), std::runtime_error);
            CHECK(Snapshot<typename Connections<TestType>::Pool>(pool) == before);
            CHECK(Tracked::live == 1);
            Tracked* const again = pool.acquire();
            CHECK(again == object);
            CHECK(again->value == 42);  // untouched
            pool.free(again);
        }
        SECTION("a factory that throws while rebuilding leaves the slot free and empty") {
            pool.acquire()->value = 0;
            pool.free(object);
            connections.fail_build = true;
            CHECK_THROWS_AS(pool.get(), std::runtime_error);
            CHECK(Tracked::live == 0);  // the rejected object is gone
            CHECK(pool.available() == 1);
            CHECK_FALSE(pool.is_allocated(1));
            const std::size_t validated = connections.validated;
            Tracked* const again = pool.acquire();
            CHECK(again == object);
            CHECK(again->value == 1);
            CHECK(connections.validated == validated);  // built, so not validated
            pool.free(again);
        }
    }
    CHECK(Tracked::live == 0);
}

TEMPLATE_LIST_TEST_CASE("prefill builds idle objects ahead of the gets",
                        "[contract][object_pool][prefill]", AllKinds) {
    Tracked::live = 0;
    {
        Connections<TestType> connections(4);
        auto& pool = connections.pool;
        CHECK(pool.prefill(2) == 2);
        CHECK(connections.built == 2);
        CHECK(Tracked::live == 2);
        CHECK(pool.available() == 4);
        CHECK(pool.allocated() == 0);
        CHECK(pool.high_water_mark() == 2);
        if constexpr (objpool_contract::ascending_when_fresh_v<typename TestType::policy>) {
            auto first = pool.get();
            auto second = pool.get();
            CHECK(connections.built == 2);  // both were built by prefill
            CHECK(first->value + second->value == 1 + 2);
        }
        CHECK(pool.prefill(10) == 2);  // only two slots had no object
        CHECK(pool.prefill(1) == 0);
        CHECK(connections.built == 4);

        Tracked* const broken = pool.acquire();
        pool.discard(broken);
        CHECK(Tracked::live == 3);
        connections.fail_build = true;
        CHECK_THROWS_AS(pool.prefill(1), std::runtime_error);
        CHECK(Tracked::live == 3);
        CHECK(pool.available() == 4);
        CHECK(pool.prefill(1) == 1);  // the discarded slot is built again
        CHECK(Tracked::live == 4);
    }
    CHECK(Tracked::live == 0);
}

TEMPLATE_LIST_TEST_CASE("prefill keeps what it built when the factory throws",
                        "[contract][object_pool][prefill][exception_safety]", AllKinds) {
    Tracked::live = 0;
    {
        Connections<TestType> connections(3);
        auto& pool = connections.pool;
        pool.free(pool.acquire());  // slot of id 1 built
        connections.fail_build = true;
        CHECK_THROWS_AS(pool.prefill(2), std::runtime_error);
        CHECK(Tracked::live == 1);
        CHECK(pool.available() == 3);
        CHECK(pool.prefill(5) == 2);
        CHECK(Tracked::live == 3);
    }
    CHECK(Tracked::live == 0);
}

TEMPLATE_LIST_TEST_CASE(
    "for_each_idle visits the idle objects and may discard them, for_each_allocated the "
    "objects out",
    "[contract][object_pool][iteration]", AllKinds) {
    Tracked::live = 0;
    {
        Connections<TestType> connections(5);
        auto& pool = connections.pool;
        auto first = pool.get();
        auto second = pool.get();
        auto third = pool.get();
        const std::size_t idle_id = second.id();
        second = {};
        std::vector<std::size_t> visited;
        pool.for_each_idle([&](Tracked& object) { visited.push_back(pool.id_of(&object)); });
        CHECK(visited == std::vector<std::size_t>{idle_id});  // never-built slots are skipped
        visited.clear();
        pool.for_each_allocated([&](Tracked& object) { visited.push_back(pool.id_of(&object)); });
        std::vector<std::size_t> out{first.id(), third.id()};
        std::sort(out.begin(), out.end());
        CHECK(visited == out);  // ascending

        // A visit that throws: the object stays idle and intact (an idle object is poisoned
        // under ASan: only a visit may read it).
        CHECK_THROWS_AS(pool.for_each_idle([](Tracked& object) {
            object.value += 1000;
            throw std::runtime_error("ping");
        }),
                        std::runtime_error);
        CHECK(Tracked::live == 3);
        std::uint64_t seen = 0;
        pool.for_each_idle([&](const Tracked& object) { seen = object.value; });
        CHECK(seen == idle_id + 1000);

        // A visit returning false discards the object: its slot's next get builds anew.
        pool.for_each_idle([](const Tracked&) { return false; });  // every idle one is closed
        CHECK(Tracked::live == 2);
        std::size_t visits = 0;
        pool.for_each_idle([&](Tracked&) { ++visits; });
        CHECK(visits == 0);
        CHECK(pool.available() == 3);
        const std::size_t built = connections.built;
        std::vector<typename decltype(connections)::Pool::lease_type> rest;
        while (auto lease = pool.get()) {
            rest.push_back(std::move(lease));
        }
        CHECK(connections.built == built + 3);  // the discarded slot and the two never used

        // for_each_allocated's visit may free the object it is given (the raw ones here).
        Tracked* const raw = rest.back().release();
        visits = 0;
        pool.for_each_allocated([&](Tracked& object) {
            ++visits;
            static_cast<void>(pool.try_free(&object));
        });
        CHECK(visits == 5);
        CHECK(pool.available() == 1);
        CHECK_FALSE(pool.is_allocated(pool.id_of(raw)));
    }
    CHECK(Tracked::live == 0);
    {
        typename TestType::template ObjectPool<Tracked, ConstructOnGet> pool(3);
        auto lease = pool.get(std::uint64_t{9});
        std::vector<std::uint64_t> values;
        pool.for_each_allocated([&](const Tracked& object) { values.push_back(object.value); });
        CHECK(values == std::vector<std::uint64_t>{9});
    }
    CHECK(Tracked::live == 0);
}

TEMPLATE_LIST_TEST_CASE("Lease::release and adopt move an object between the layers",
                        "[contract][object_pool][lease]", AllKinds) {
    using Pool = typename TestType::template ObjectPool<Block>;
    Pool pool(3);
    auto lease = pool.get();
    REQUIRE(lease);
    const std::size_t id = lease.id();
    Block* const raw = lease.release();
    CHECK_FALSE(lease);
    CHECK(lease.release() == nullptr);  // an empty lease releases nothing
    CHECK(pool.is_allocated(id));
    CHECK(pool.available() == 2);

    auto adopted = pool.adopt(raw);
    CHECK(adopted.get() == raw);
    CHECK(adopted.id() == id);

    SECTION("free(T*) of a leased object is refused at the free, and changes nothing") {
        const Snapshot<Pool> before(pool);
        const auto [message, reason] = bad_free_of([&] { pool.free(raw); });
        CHECK(message == "objpool: cannot free object id " + std::to_string(id) + " at " +
                             address_text(raw) +
                             ": held by a lease (give it back through the lease, or release() "
                             "it first)");
        CHECK(reason == BadFree::Reason::leased);
        CHECK_FALSE(pool.try_free(raw));
        CHECK(Snapshot<Pool>(pool) == before);
        adopted = {};  // the lease gives it back, once
        CHECK_FALSE(pool.is_allocated(id));
        CHECK(pool.available() == 3);
    }
    SECTION("adopt refuses what is not a raw object out, and changes nothing") {
        Block* const freed = pool.acquire();
        pool.free(freed);
        Block outside;
        const Snapshot<Pool> before(pool);
        const auto [leased_message, leased_reason] = bad_free_of([&] { (void)pool.adopt(raw); });
        CHECK(leased_message == "objpool: cannot adopt object id " + std::to_string(id) + " at " +
                                    address_text(raw) +
                                    ": held by a lease (give it back through the lease, or "
                                    "release() it first)");
        CHECK(leased_reason == BadFree::Reason::leased);
        const auto [free_message, free_reason] = bad_free_of([&] { (void)pool.adopt(freed); });
        CHECK(free_message == "objpool: cannot adopt object id " +
                                  std::to_string(pool.id_of(freed)) + " at " + address_text(freed) +
                                  ": not allocated");
        CHECK(free_reason == BadFree::Reason::not_allocated);
        for (Block* const pointer : {&outside, static_cast<Block*>(nullptr)}) {
            const auto [message, reason] = bad_free_of([&] { (void)pool.adopt(pointer); });
            CHECK(message == "objpool: cannot adopt object at " + address_text(pointer) +
                                 ": not an object of this pool");
            CHECK(reason == BadFree::Reason::out_of_range);
        }
        CHECK(Snapshot<Pool>(pool) == before);
        // Released again, the object is a raw one: free(T*) takes it.
        CHECK(adopted.release() == raw);
        pool.free(raw);
        CHECK(pool.available() == 3);
    }
}

TEMPLATE_LIST_TEST_CASE("get_shared hands out an object that its last shared_ptr gives back",
                        "[contract][object_pool][shared_ptr]", AllKinds) {
    Tracked::live = 0;
    {
        Connections<TestType> connections(2);
        auto& pool = connections.pool;
        std::shared_ptr<Tracked> shared = pool.get_shared();
        REQUIRE(shared);
        const std::size_t id = pool.id_of(shared.get());
        CHECK(pool.is_allocated(id));
        std::weak_ptr<Tracked> watcher = shared;
        auto copy = shared;
        shared.reset();
        CHECK(pool.is_allocated(id));  // a copy still holds it
        const auto [message, reason] = bad_free_of([&] { pool.free(copy.get()); });
        CHECK(reason == BadFree::Reason::leased);
        CHECK(message.find(": held by a lease") != std::string::npos);
        CHECK_FALSE(pool.try_free(copy.get()));
        auto other = pool.get_shared();
        CHECK_FALSE(pool.get_shared());  // exhausted: an empty pointer
        copy.reset();  // the last owner: the object goes back, the weak_ptr expires
        CHECK(watcher.expired());
        CHECK_FALSE(pool.is_allocated(id));
        CHECK(pool.available() == 1);
        CHECK(Tracked::live == 2);  // Reuse: kept for the next get
    }
    CHECK(Tracked::live == 0);
    {
        typename TestType::template ObjectPool<Tracked, ConstructOnGet> pool(1);
        auto shared = pool.get_shared(std::uint64_t{3});
        REQUIRE(shared);
        CHECK(shared->value == 3);
        shared.reset();
        CHECK(Tracked::live == 0);
        CHECK(pool.available() == 1);
    }
}
