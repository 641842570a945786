// A randomized test per policy: 100,000+ get/free/try_free operations checked step by step
// against a model that predicts exactly which id each policy hands out next.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <iterator>
#include <optional>
#include <random>
#include <set>
#include <type_traits>
#include <vector>

#include <objpool_catch.hpp>

#include "test_support.hpp"

namespace {

// The model: a std::set of ids that are out, and each policy's order of the free ones.
template <class Policy>
class Model {
public:
    explicit Model(std::uint32_t count) : count_(count) {}

    std::optional<std::uint32_t> get() {
        std::optional<std::uint32_t> id;
        if (fresh_ <= count_ && (is_fifo || freed_.empty())) {
            id = fresh_++;
        } else if (!freed_.empty()) {
            if (is_fifo) {
                id = freed_.front();
                freed_.pop_front();
            } else if (is_lifo) {
                id = freed_.back();
                freed_.pop_back();
            } else {  // Bitmap: the lowest free id (freed ids are all below never-used ones)
                const auto lowest = std::min_element(freed_.begin(), freed_.end());
                id = *lowest;
                freed_.erase(lowest);
            }
        }
        if (id) {
            out_.insert(*id);
        }
        return id;
    }

    bool free(std::uint32_t id) {
        if (out_.erase(id) == 0) {
            return false;
        }
        freed_.push_back(id);
        return true;
    }

    [[nodiscard]] const std::set<std::uint32_t>& out() const { return out_; }

private:
    static constexpr bool is_fifo = std::is_same_v<Policy, objpool::Fifo>;
    static constexpr bool is_lifo =
        std::is_same_v<Policy, objpool::Lifo> || std::is_same_v<Policy, objpool_test::VectorStack>;

    std::uint32_t count_;
    std::uint32_t fresh_ = 1;
    std::deque<std::uint32_t> freed_;
    std::set<std::uint32_t> out_;
};

}  // namespace

TEMPLATE_LIST_TEST_CASE("IdPool matches the model over 120 000 random operations",
                        "[id_pool][model]", objpool_test::AllPolicies) {
    // Small enough that the pool often runs dry, large enough for two Bitmap levels.
    const std::uint32_t count = 200;
    objpool::IdPool<TestType> pool(count);
    Model<TestType> model(count);
    std::mt19937 random(20261123);
    std::uniform_int_distribution<int> operation(0, 99);
    std::uniform_int_distribution<std::uint32_t> any_id(0, count + 2);

    for (int step = 0; step < 120'000; ++step) {
        const int kind = operation(random);
        // Phases bias the mix so that the pool fills up and drains again.
        const bool filling = (step / 5'000) % 2 == 0;
        if (kind < (filling ? 60 : 35)) {
            const auto expected = model.get();
            const auto got = pool.get();
            REQUIRE(got == expected);
        } else {
            // Mostly ids that are out; also freed, never-used and out-of-range ones.
            std::uint32_t id = any_id(random);
            if (kind < 85 && !model.out().empty()) {
                auto it = model.out().begin();
                std::advance(it, static_cast<long>(id % model.out().size()));
                id = *it;
            }
            const bool expected = model.free(id);
            if (kind % 2 == 0) {
                REQUIRE(pool.try_free(id) == expected);
            } else if (expected) {
                pool.free(id);
            } else {
                REQUIRE_THROWS_AS(pool.free(id), objpool::BadFree);
            }
        }
        REQUIRE(pool.allocated() == model.out().size());
        REQUIRE(pool.available() == count - model.out().size());
    }
    for (std::uint32_t id = 0; id <= count + 1; ++id) {
        CHECK(pool.is_allocated(id) == (model.out().count(id) == 1));
    }
}
