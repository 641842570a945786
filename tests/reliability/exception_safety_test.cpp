// The strong guarantee under injected failures: a constructor, factory or reset hook that throws
// on the k-th call, for random k, leaves the pool's whole observable state as it was, which a
// reference model of the policy's order predicts after every operation.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <random>
#include <stdexcept>
#include <utility>
#include <vector>

#include <objpool/objpool.hpp>
#include <objpool_catch.hpp>

#include "reference_model.hpp"
#include "reliability_support.hpp"

using objpool_reliability::object_pool_mismatch;
using objpool_reliability::order_of;
using objpool_reliability::ReferenceModel;

namespace {

struct Injected : std::runtime_error {
    Injected() : std::runtime_error("injected failure") {}
};

// Counts the calls that may throw; the k-th one after arm(k) throws.
struct Injector {
    static inline long countdown = 0;  // 0: disarmed
    static inline long thrown = 0;
    static void arm(long calls) { countdown = calls; }
    static void point() {
        if (countdown > 0 && --countdown == 0) {
            ++thrown;
            throw Injected();
        }
    }
};

// Counts live objects, so a leaked or doubly destroyed object shows; `id` says which slot it
// was built for, `clean` whether the reset hook ran since the last user wrote to it.
struct Fragile {
    static inline long live = 0;
    std::size_t id = 0;
    bool clean = true;
    Fragile() {
        Injector::point();
        ++live;
    }
    explicit Fragile(std::size_t id_) : id(id_) {
        Injector::point();
        ++live;
    }
    Fragile(Fragile&& other) noexcept : id(other.id), clean(other.clean) { ++live; }
    Fragile(const Fragile&) = delete;
    Fragile& operator=(const Fragile&) = delete;
    Fragile& operator=(Fragile&&) = delete;
    ~Fragile() { --live; }
};

enum class Mode { default_constructed, factory_and_reset, construct_on_get };

template <class Policy, class Lifecycle>
struct Harness {
    using Pool = objpool::ObjectPool<Fragile, Policy, Lifecycle>;
    static constexpr bool reuses = std::is_same_v<Lifecycle, objpool::Reuse>;

    static std::unique_ptr<Pool> make(std::size_t capacity, Mode mode) {
        if constexpr (reuses) {
            if (mode == Mode::factory_and_reset) {
                return std::make_unique<Pool>(
                    capacity,
                    [](std::size_t id) {
                        Injector::point();
                        return Fragile(id);
                    },
                    [](Fragile& object) {
                        Injector::point();
                        object.clean = true;
                    });
            }
        }
        return std::make_unique<Pool>(capacity);
    }

    static typename Pool::lease_type get(Pool& pool) {
        if constexpr (reuses) {
            return pool.get();
        } else {
            return pool.get(std::size_t{0});
        }
    }

    static Fragile* acquire(Pool& pool) {
        if constexpr (reuses) {
            return pool.acquire();
        } else {
            return pool.acquire(std::size_t{0});
        }
    }
};

// One run of `operations` random operations; returns the number of failures injected.
template <class Policy, class Lifecycle>
long run(Mode mode, std::uint32_t seed, int operations) {
    using H = Harness<Policy, Lifecycle>;
    using Pool = typename H::Pool;
    std::mt19937 random(seed);
    const auto pick = [&random](std::size_t bound) {
        return std::uniform_int_distribution<std::size_t>(0, bound - 1)(random);
    };
    const std::size_t capacity = 1 + pick(12);
    const long thrown_before = Injector::thrown;
    Fragile::live = 0;
    {
        Injector::arm(0);
        auto pool = H::make(capacity, mode);
        ReferenceModel model(capacity, order_of<Policy>::value);
        Fragile* base = nullptr;  // learnt from the first object handed out
        const auto address = [&base](std::size_t slot) -> Fragile* {
            return base == nullptr ? nullptr : base + slot;
        };
        std::vector<typename Pool::lease_type> leases;
        std::vector<Fragile*> raw;
        const auto check = [&](const char* after) {
            INFO("after " << after << ", capacity " << capacity << ", seed " << seed);
            const char* mismatch = object_pool_mismatch(*pool, model, address);
            REQUIRE(mismatch == nullptr);
            REQUIRE(Fragile::live ==
                    static_cast<long>(H::reuses ? pool->high_water_mark() : pool->allocated()));
        };
        for (int operation = 0; operation < operations; ++operation) {
            Injector::arm(static_cast<long>(1 + pick(4)));
            switch (pick(6)) {
                case 0:
                case 1: {  // get: a lease or a raw pointer
                    const bool as_lease = pick(2) == 0;
                    Fragile* object = nullptr;
                    try {
                        if (as_lease) {
                            auto lease = H::get(*pool);
                            object = lease.get();
                            if (object != nullptr) {
                                leases.push_back(std::move(lease));
                            }
                        } else {
                            object = H::acquire(*pool);
                            if (object != nullptr) {
                                raw.push_back(object);
                            }
                        }
                    } catch (const Injected&) {
                        check("a get that threw");  // the model did not move either
                        break;
                    }
                    const auto expected = model.get();
                    REQUIRE(expected.has_value() == (object != nullptr));
                    if (object != nullptr) {
                        base = base != nullptr ? base : object - *expected;
                        REQUIRE(object == base + *expected);
                        if (mode == Mode::factory_and_reset) {
                            REQUIRE(object->id == *expected + 1);  // built for its slot
                            REQUIRE(object->clean);                // reset since its last use
                        }
                        object->clean = false;
                    }
                    check("get");
                    break;
                }
                case 2:
                case 3: {  // free an object that is out, through free() or try_free()
                    const std::size_t total = leases.size() + raw.size();
                    if (total == 0) {
                        break;
                    }
                    const std::size_t index = pick(total);
                    const bool use_try = pick(2) == 0;
                    Fragile* object =
                        index < leases.size() ? leases[index].get() : raw[index - leases.size()];
                    try {
                        if (index < leases.size()) {
                            pool->free(leases[index]);
                            REQUIRE_FALSE(leases[index]);
                            leases.erase(leases.begin() + static_cast<std::ptrdiff_t>(index));
                        } else if (use_try) {
                            const bool freed = pool->try_free(object);
                            REQUIRE(freed);
                            raw.erase(raw.begin() +
                                      static_cast<std::ptrdiff_t>(index - leases.size()));
                        } else {
                            pool->free(object);
                            raw.erase(raw.begin() +
                                      static_cast<std::ptrdiff_t>(index - leases.size()));
                        }
                    } catch (const Injected&) {
                        if (index < leases.size()) {
                            REQUIRE(leases[index].get() == object);  // the lease keeps it
                        }
                        check("a free whose reset hook threw");
                        break;
                    }
                    REQUIRE(model.free(static_cast<std::size_t>(object - base)));
                    check("free");
                    break;
                }
                case 4: {  // free something that is not out: refused, nothing changes
                    Injector::arm(0);
                    if (base == nullptr) {
                        break;
                    }
                    const std::size_t slot = pick(capacity);
                    if (model.is_allocated(slot)) {
                        break;
                    }
                    REQUIRE_FALSE(pool->try_free(base + slot));
                    REQUIRE_THROWS_AS(pool->free(base + slot), objpool::BadFree);
                    REQUIRE_THROWS_AS(pool->free(base + capacity), objpool::BadFree);
                    check("a refused free");
                    break;
                }
                default: {  // a lease goes out of scope (a throwing reset would terminate)
                    Injector::arm(0);
                    if (leases.empty()) {
                        break;
                    }
                    const std::size_t index = pick(leases.size());
                    const std::size_t slot = static_cast<std::size_t>(leases[index].get() - base);
                    leases.erase(leases.begin() + static_cast<std::ptrdiff_t>(index));
                    REQUIRE(model.free(slot));
                    check("a lease's destruction");
                    break;
                }
            }
        }
        Injector::arm(0);
        leases.clear();
        for (Fragile* object : raw) {
            pool->free(object);
        }
    }
    REQUIRE(Fragile::live == 0);  // the pool destroyed exactly what it built
    return Injector::thrown - thrown_before;
}

template <class Policy>
void run_all(long& injected) {
    for (std::uint32_t seed = 1; seed <= 100; ++seed) {
        injected += run<Policy, objpool::Reuse>(Mode::default_constructed, seed, 300);
        injected += run<Policy, objpool::Reuse>(Mode::factory_and_reset, seed, 300);
        injected += run<Policy, objpool::ConstructOnGet>(Mode::construct_on_get, seed, 300);
    }
}

}  // namespace

TEMPLATE_LIST_TEST_CASE("A constructor, factory or reset hook that throws changes nothing",
                        "[reliability][exceptions]", objpool_reliability::Policies) {
    long injected = 0;
    run_all<TestType>(injected);
    // 100 seeds x 3 modes x 300 operations: the failures must really have happened, and often.
    CHECK(injected > 4000);
}

TEMPLATE_LIST_TEST_CASE("A failed construction hands the same slot out next",
                        "[reliability][exceptions]", objpool_reliability::Policies) {
    // Fifo with never-used slots left: the slot whose object could not be built is the next
    // one handed out, not queued behind the others (and with Reuse, never skipped unbuilt).
    objpool::ObjectPool<Fragile, TestType> pool(4);
    Fragile::live = 0;
    Injector::arm(0);
    auto first = pool.get();
    Injector::arm(1);
    CHECK_THROWS_AS(pool.get(), Injected);
    CHECK(pool.high_water_mark() == 1);
    auto second = pool.get();
    CHECK(second.id() == 2);
    auto third = pool.get();
    CHECK(third.id() == 3);
    CHECK(Fragile::live == 3);
    pool.free(second);
    pool.free(third);
    Injector::arm(1);
    objpool::ObjectPool<Fragile, TestType, objpool::ConstructOnGet> other(3);
    CHECK_THROWS_AS(other.get(std::size_t{7}), Injected);
    auto built = other.get(std::size_t{8});
    CHECK(built.id() == 1);
    CHECK(built->id == 8);
}
