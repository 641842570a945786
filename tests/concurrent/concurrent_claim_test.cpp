// try_claim under races: claimers of one id, getters draining the pool, over every concurrent
// policy. Exactly one thread ends up with the id, and no id is ever out twice. The rounds are
// reset with free_all between them (its precondition: no call in flight).
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <thread>
#include <vector>

#include <objpool_catch.hpp>

#include "concurrent_support.hpp"

using objpool::ConcurrentIdPool;
using objpool_concurrent_test::AllPolicies;
using objpool_concurrent_test::Random;
using objpool_concurrent_test::run_threads;

namespace {

// All threads wait here until the last one arrives; reusable round after round.
class Barrier {
public:
    explicit Barrier(unsigned threads) : threads_(threads) {}

    void arrive_and_wait() {
        const unsigned generation = generation_.load();
        if (arrived_.fetch_add(1) + 1 == threads_) {
            arrived_.store(0);
            generation_.fetch_add(1);
            return;
        }
        while (generation_.load() == generation) {
            std::this_thread::yield();
        }
    }

private:
    const unsigned threads_;
    std::atomic<unsigned> arrived_{0};
    std::atomic<unsigned> generation_{0};
};

std::size_t claim_rounds() {
#ifdef OBJPOOL_TEST_TSAN
    return 300;
#else
    return 2'000;
#endif
}

}  // namespace

TEMPLATE_LIST_TEST_CASE("ConcurrentIdPool: claims of one id racing gets and claims, one winner",
                        "[concurrent][try_claim]", AllPolicies) {
    // Small enough that ThreadCached keeps no caches (under 32 ids), so get drains every id and
    // the claimed id is free where every thread can reach it.
    constexpr std::uint32_t count = 12;
    constexpr unsigned claimers = 2;
    constexpr unsigned getters = 2;
    constexpr unsigned threads = claimers + getters;
    ConcurrentIdPool<TestType> pool(count);
    Barrier barrier(threads);
    std::vector<std::vector<std::uint32_t>> held(threads);
    std::uint32_t target = 1;
    std::size_t failures = 0;
    Random random(7);

    run_threads(threads, [&](unsigned index) {
        for (std::size_t round = 0; round < claim_rounds(); ++round) {
            if (index == 0) {
                // A fresh pool, then (most rounds) some ids out and some freed in a random order,
                // so that the target waits somewhere inside the stack or ring.
                pool.free_all();
                std::vector<std::uint32_t> out;
                const std::size_t taken = random.below(count + 1);
                for (std::size_t i = 0; i < taken; ++i) {
                    out.push_back(*pool.get());
                }
                std::vector<std::uint32_t> kept;
                std::vector<std::uint32_t> freed;
                for (const auto id : out) {
                    (random.below(2) == 0 ? kept : freed).push_back(id);
                }
                std::reverse(freed.begin(), freed.end());
                for (const auto id : freed) {
                    pool.free(id);
                }
                std::vector<std::uint32_t> free_ids;
                for (std::uint32_t id = 1; id <= count; ++id) {
                    if (!pool.is_allocated(id)) {
                        free_ids.push_back(id);
                    }
                }
                target = free_ids.empty() ? static_cast<std::uint32_t>(1 + random.below(count))
                                          : free_ids[random.below(free_ids.size())];
                for (auto& ids : held) {
                    ids.clear();
                }
                held[0] = kept;  // out before the race: count them as held by thread 0
            }
            barrier.arrive_and_wait();
            if (index < claimers) {
                if (pool.try_claim(target)) {
                    held[index].push_back(target);
                }
            } else {
                while (const auto id = pool.get()) {
                    held[index].push_back(*id);
                }
            }
            barrier.arrive_and_wait();
            if (index == 0) {
                std::vector<std::uint32_t> all;
                for (const auto& ids : held) {
                    all.insert(all.end(), ids.begin(), ids.end());
                }
                std::sort(all.begin(), all.end());
                // The getters drained the pool: every id is out exactly once.
                std::vector<std::uint32_t> every(count);
                for (std::uint32_t id = 1; id <= count; ++id) {
                    every[id - 1] = id;
                }
                failures += all == every ? 0 : 1;
                failures += pool.available() == 0 ? 0 : 1;
            }
        }
    });
    CHECK(failures == 0);
}

TEMPLATE_LIST_TEST_CASE("ConcurrentIdPool: an id freed by one thread is claimed by one other",
                        "[concurrent][try_claim]", AllPolicies) {
    // Thread 0 frees the id; the others claim it again and again; one gets it, frees it, and
    // the claims go on. Never two holders at once: each holder checks it is alone.
    constexpr std::uint32_t count = 1000;
    constexpr unsigned threads = 4;
    constexpr std::uint32_t target = 500;
    ConcurrentIdPool<TestType> pool(count);
    REQUIRE(pool.try_claim(target));
    std::atomic<unsigned> holders{1};
    std::atomic<std::size_t> wins{0};
    std::atomic<bool> overlap{false};
    const std::size_t handovers = claim_rounds();
    run_threads(threads, [&](unsigned index) {
        if (index == 0) {
            holders.fetch_sub(1);
            pool.free(target);
        }
        while (wins.load() < handovers) {
            if (pool.try_claim(target)) {
                if (holders.fetch_add(1) != 0) {
                    overlap.store(true);
                }
                wins.fetch_add(1);
                holders.fetch_sub(1);
                pool.free(target);
            } else if (const auto id = pool.get()) {
                // Gets compete too (through the shared list or the thread's cache).
                if (*id == target && holders.fetch_add(1) != 0) {
                    overlap.store(true);
                }
                if (*id == target) {
                    holders.fetch_sub(1);
                }
                pool.free(*id);
            }
        }
    });
    CHECK_FALSE(overlap.load());
    CHECK(wins.load() >= handovers);
    CHECK(pool.allocated() == 0);
}
