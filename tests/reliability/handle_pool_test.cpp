// Checked handles: stale handles are refused after reuse, and the wrap rule retires a slot
// instead of reusing a generation.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <objpool/handle_pool.hpp>
#include <objpool_catch.hpp>

#include "reference_model.hpp"
#include "reliability_support.hpp"

using objpool::BadFree;
using objpool::HandlePool;
using objpool_reliability::order_of;
using objpool_reliability::ReferenceModel;

namespace {

template <class Action>
std::pair<std::string, BadFree::Reason> bad_free_of(Action&& action) {
    try {
        action();
    } catch (const BadFree& error) {
        return {error.what(), error.reason()};
    }
    return {"(no objpool::BadFree thrown)", BadFree::Reason::out_of_range};
}

}  // namespace

TEMPLATE_LIST_TEST_CASE("A stale handle is refused after its slot is reused",
                        "[reliability][handles]", objpool_reliability::Policies) {
    HandlePool<TestType> pool(1);
    const auto first = pool.get();
    REQUIRE(first);
    CHECK(first->slot == 0);
    CHECK(first->generation == 0);
    pool.free(*first);
    const auto second = pool.get();
    REQUIRE(second);
    CHECK(second->slot == 0);  // the same slot, under a new generation
    CHECK(second->generation == 1);
    CHECK(*first != *second);

    CHECK_FALSE(pool.is_valid(*first));
    CHECK_FALSE(pool.find(*first).has_value());
    CHECK(pool.find(*second) == std::optional<std::size_t>(0));
    const auto refused = bad_free_of([&] { pool.free(*first); });
    CHECK(
        refused.first ==
        "objpool: cannot free handle {slot 0, generation 0}: stale (the slot is at generation 1)");
    CHECK(refused.second == BadFree::Reason::not_allocated);
    CHECK_FALSE(pool.try_free(*first));
    CHECK(pool.is_valid(*second));  // nothing changed
    CHECK(pool.allocated() == 1);
    CHECK(pool.try_free(*second));
    CHECK_FALSE(pool.try_free(*second));  // a double free is a stale use too
    CHECK(pool.allocated() == 0);
    CHECK(pool.available() == 1);
}

TEMPLATE_LIST_TEST_CASE("Handles that were never handed out are refused", "[reliability][handles]",
                        objpool_reliability::Policies) {
    HandlePool<TestType, std::uint32_t> pool(3);
    const auto held = pool.get();
    REQUIRE(held);
    const objpool::Handle<std::uint32_t> out_of_range{3, 0};
    const auto far = bad_free_of([&] { pool.free(out_of_range); });
    CHECK(far.first ==
          "objpool: cannot free handle {slot 3, generation 0}: slot out of range "
          "(capacity 3)");
    CHECK(far.second == BadFree::Reason::out_of_range);
    CHECK_FALSE(pool.is_valid(out_of_range));
    CHECK_FALSE(pool.try_free({0xFFFF'FFFFU, 0}));
    // Slot 2 is free at generation 0: a forged handle to it is not allocated.
    const std::uint32_t free_slot = held->slot == 2 ? 0 : 2;
    const auto forged = bad_free_of([&] { pool.free({free_slot, 0}); });
    CHECK(forged.first == "objpool: cannot free handle {slot " + std::to_string(free_slot) +
                              ", generation 0}: not allocated");
    CHECK(forged.second == BadFree::Reason::not_allocated);
    // A generation from the future is as stale as one from the past.
    CHECK_FALSE(pool.is_valid({held->slot, 5}));
    CHECK_FALSE(pool.try_free({held->slot, 5}));
    CHECK(pool.is_valid(*held));
    CHECK(pool.allocated() == 1);
    CHECK(pool.bookkeeping_bytes() >= 3 * sizeof(std::uint32_t));
    CHECK(pool.generation(held->slot) == 0);
}

TEMPLATE_LIST_TEST_CASE("The wrap rule: a slot whose generations are used up is retired",
                        "[reliability][handles]", objpool_reliability::Policies) {
    // Two bits: generations 0, 1, 2, then the slot retires (3 marks it).
    using Pool = HandlePool<TestType, std::uint8_t, 2>;
    STATIC_REQUIRE(Pool::retired_generation == 3);
    Pool pool(2);
    std::vector<objpool::Handle<std::uint8_t>> old;
    std::vector<int> uses(2, 0);
    for (int round = 0; round < 6; ++round) {
        const auto handle = pool.get();
        REQUIRE(handle);
        CHECK(handle->generation == uses[handle->slot]);  // 0, 1, 2 per slot, never wrapped
        ++uses[handle->slot];
        pool.free(*handle);
        old.push_back(*handle);
        const std::size_t retired = static_cast<std::size_t>(uses[0] == 3) + (uses[1] == 3 ? 1 : 0);
        CHECK(pool.retired() == retired);
        CHECK(pool.capacity() == 2);
        CHECK(pool.available() == 2 - retired);
        CHECK(pool.allocated() == 0);
    }
    CHECK(uses == std::vector<int>{3, 3});
    CHECK_FALSE(pool.get().has_value());  // every slot retired: nothing to hand out, ever
    CHECK(pool.available() == 0);
    CHECK(pool.retired() == 2);
    CHECK(pool.generation(0) == Pool::retired_generation);
    for (const auto& handle : old) {
        CHECK_FALSE(pool.is_valid(handle));
        CHECK_FALSE(pool.try_free(handle));
    }
    const auto refused = bad_free_of([&] { pool.free(old.back()); });
    CHECK(refused.first.find("stale (the slot is retired)") != std::string::npos);
    // Nor is the retired marker itself a valid generation.
    CHECK_FALSE(pool.is_valid({0, Pool::retired_generation}));
    CHECK_FALSE(pool.try_free({1, Pool::retired_generation}));
}

TEST_CASE("A retired slot is never handed out again while others keep serving",
          "[reliability][handles]") {
    // One bit: every slot serves one handle. Slot 0 retires at once; 1 .. 3 stay in use.
    HandlePool<objpool::Lifo, std::uint16_t, 1> pool(4);
    const auto first = pool.get();
    REQUIRE(first);
    pool.free(*first);
    CHECK(pool.retired() == 1);
    std::vector<objpool::Handle<std::uint16_t>> out;
    while (const auto handle = pool.get()) {
        CHECK(handle->slot != first->slot);
        out.push_back(*handle);
    }
    CHECK(out.size() == 3);
    CHECK(pool.allocated() == 3);
    CHECK(pool.available() == 0);
}

TEMPLATE_LIST_TEST_CASE("Handles follow the policy's order and the generations, at random",
                        "[reliability][handles]", objpool_reliability::Policies) {
    using Pool = HandlePool<TestType, std::uint8_t, 3>;  // generations 0 .. 6, retired at 7
    std::mt19937 random(42);
    for (int run = 0; run < 20; ++run) {
        const std::size_t capacity = 1 + random() % 9;
        Pool pool(capacity);
        ReferenceModel model(capacity, order_of<TestType>::value);
        std::vector<std::uint8_t> generations(capacity, 0);
        std::size_t retired = 0;
        std::vector<objpool::Handle<std::uint8_t>> out;
        std::vector<objpool::Handle<std::uint8_t>> stale;
        for (int step = 0; step < 400; ++step) {
            const unsigned choice = random() % 3;
            if (choice == 0) {
                const auto handle = pool.get();
                const auto slot = model.get();
                REQUIRE(handle.has_value() == slot.has_value());
                if (handle) {
                    CHECK(handle->slot == *slot);
                    CHECK(handle->generation == generations[*slot]);
                    out.push_back(*handle);
                }
            } else if (choice == 1 && !out.empty()) {
                const std::size_t index = random() % out.size();
                const auto handle = out[index];
                out.erase(out.begin() + static_cast<std::ptrdiff_t>(index));
                pool.free(handle);
                stale.push_back(handle);
                if (++generations[handle.slot] == Pool::retired_generation) {
                    ++retired;  // stays out in the model: never handed out again
                } else {
                    model.free(handle.slot);
                }
            } else if (!stale.empty()) {
                const auto handle = stale[random() % stale.size()];
                CHECK_FALSE(pool.is_valid(handle));
                CHECK(bad_free_of([&] { pool.free(handle); }).second ==
                      BadFree::Reason::not_allocated);
            }
            REQUIRE(pool.retired() == retired);
            REQUIRE(pool.available() == model.available());
            REQUIRE(pool.allocated() == out.size());
            for (const auto& handle : out) {
                REQUIRE(pool.find(handle) == std::optional<std::size_t>(handle.slot));
            }
        }
    }
}

TEST_CASE("HandlePool rejects a capacity over the maximum", "[reliability][handles]") {
    CHECK_THROWS_AS(HandlePool<objpool::Fifo>(objpool::max_capacity + 1), std::length_error);
    HandlePool<objpool::Bitmap, std::uint64_t> empty(0);
    CHECK_FALSE(empty.get().has_value());
    CHECK_FALSE(empty.is_valid({0, 0}));
    STATIC_REQUIRE(HandlePool<objpool::Bitmap, std::uint64_t>::retired_generation ==
                   0xFFFF'FFFF'FFFF'FFFFU);
    STATIC_REQUIRE(HandlePool<objpool::Fifo>::retired_generation == 0xFFFFU);
}
