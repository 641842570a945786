// A randomized test per policy: 120,000 get/free/try_free/try_claim/free_all operations checked
// step by step against a model that predicts exactly which id each policy hands out next.
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

// The model: the ids that are out, and each policy's order of the free ones. Fifo and Lifo keep
// every free id in a queue or stack (never-used ones first, ascending); an id taken by
// try_claim stays where it was, marked, until get passes over it, and an id freed while still
// marked is free at that place again. Bitmap hands out the lowest free id.
template <class Policy>
class Model {
public:
    explicit Model(std::uint32_t count) : count_(count) { make_fresh(); }

    static constexpr bool can_claim =
        objpool::free_list_traits<typename Policy::FreeList>::has_acquire_slot;

    std::optional<std::uint32_t> get() {
        std::optional<std::uint32_t> id;
        if (is_bitmap) {
            if (!free_.empty()) {
                id = *free_.begin();
                free_.erase(free_.begin());
            }
        } else if (!is_fifo || out_.size() < count_) {
            // Fifo checks its count of free ids first; the stacks pop until they find one,
            // passing over (and dropping) the claimed ids still waiting even when none is free.
            while (!waiting_.empty() && !id) {
                const std::uint32_t next = is_fifo ? waiting_.front() : waiting_.back();
                if (is_fifo) {
                    waiting_.pop_front();
                } else {
                    waiting_.pop_back();
                }
                if (claimed_waiting_.erase(next) == 0) {
                    id = next;
                }
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
        if (is_bitmap) {
            free_.insert(id);
        } else if (claimed_waiting_.erase(id) == 0) {
            waiting_.push_back(id);  // else: it never left its place
        }
        return true;
    }

    bool claim(std::uint32_t id) {
        if (id < 1 || id > count_ || out_.count(id) != 0) {
            return false;
        }
        out_.insert(id);
        if (is_bitmap) {
            free_.erase(id);
        } else {
            claimed_waiting_.insert(id);
        }
        return true;
    }

    // A list with reset() starts afresh; the fallback frees each id that is out, ascending.
    void free_all() {
        if constexpr (objpool::free_list_traits<typename Policy::FreeList>::has_reset) {
            make_fresh();
        } else {
            const std::vector<std::uint32_t> ids(out_.begin(), out_.end());
            for (const auto id : ids) {
                free(id);
            }
        }
    }

    [[nodiscard]] const std::set<std::uint32_t>& out() const { return out_; }

private:
    void make_fresh() {
        out_.clear();
        free_.clear();
        waiting_.clear();
        claimed_waiting_.clear();
        for (std::uint32_t id = 1; id <= count_; ++id) {
            free_.insert(id);
            // Lifo's top is the back: the never-used ids come out ascending either way.
            waiting_.push_back(is_fifo ? id : count_ + 1 - id);
        }
    }

    static constexpr bool is_fifo = std::is_same_v<Policy, objpool::Fifo>;
    static constexpr bool is_bitmap = std::is_same_v<Policy, objpool::Bitmap>;

    std::uint32_t count_;
    std::set<std::uint32_t> out_;
    std::set<std::uint32_t> free_;             // Bitmap
    std::deque<std::uint32_t> waiting_;        // Fifo (front first) and the stacks (back first)
    std::set<std::uint32_t> claimed_waiting_;  // claimed, still in waiting_
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
    std::uniform_int_distribution<int> rare(0, 999);

    for (int step = 0; step < 120'000; ++step) {
        const int kind = operation(random);
        // Phases bias the mix so that the pool fills up and drains again.
        const bool filling = (step / 5'000) % 2 == 0;
        if (rare(random) == 0) {
            pool.free_all();
            model.free_all();
        } else if (kind < (filling ? 50 : 30)) {
            const auto expected = model.get();
            const auto got = pool.get();
            REQUIRE(got == expected);
        } else if (kind < (filling ? 60 : 40)) {
            // Any id: free ones (never used, freed, or claimed and freed again), out, outside.
            const std::uint32_t id = any_id(random);
            if constexpr (Model<TestType>::can_claim) {
                REQUIRE(pool.try_claim(id) == model.claim(id));
            }
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
        if (step % 1'000 == 0) {
            std::vector<std::uint32_t> visited;
            pool.for_each_allocated([&](std::uint32_t id) { visited.push_back(id); });
            REQUIRE(visited == std::vector<std::uint32_t>(model.out().begin(), model.out().end()));
        }
    }
    for (std::uint32_t id = 0; id <= count + 1; ++id) {
        CHECK(pool.is_allocated(id) == (model.out().count(id) == 1));
    }
}
