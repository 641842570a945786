// Stress tests: many threads getting and freeing from one pool, with a per-slot owner marker
// that proves no slot is ever held by two threads, plain (non-atomic) payloads that let
// ThreadSanitizer check the hand-over from one holder to the next, and racing double frees.
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include <objpool_catch.hpp>

#include "concurrent_support.hpp"

using objpool::BadFree;
using objpool::ConcurrentIdPool;
using objpool::ConcurrentObjectPool;
using objpool_concurrent_test::AllPolicies;
using objpool_concurrent_test::CachedPolicies;
using objpool_concurrent_test::ExactPolicies;
using objpool_concurrent_test::Random;
using objpool_concurrent_test::run_threads;
using objpool_concurrent_test::stress_operations;
using objpool_concurrent_test::throws_bad_free;

namespace {

constexpr unsigned thread_counts[] = {2, 4, 8};

// What every stress thread reports; merged after the run.
struct Tally {
    std::size_t gets = 0;
    std::size_t frees = 0;
    std::size_t failed_gets = 0;
    std::size_t errors = 0;  // owner marker or payload mismatches, out-of-range counts
};

// A spin barrier for a fixed number of threads, reusable round after round.
class Barrier {
public:
    explicit Barrier(unsigned threads) : threads_(threads) {}
    void arrive_and_wait() {
        const unsigned generation = generation_.load(std::memory_order_acquire);
        if (arrived_.fetch_add(1, std::memory_order_acq_rel) + 1 == threads_) {
            arrived_.store(0, std::memory_order_relaxed);
            generation_.fetch_add(1, std::memory_order_acq_rel);
            return;
        }
        while (generation_.load(std::memory_order_acquire) == generation) {
            std::this_thread::yield();
        }
    }

private:
    const unsigned threads_;
    std::atomic<unsigned> arrived_{0};
    std::atomic<unsigned> generation_{0};
};

}  // namespace

namespace {

// `threads` threads get and free ids of one pool of `capacity` ids, each holding up to
// `hold_at_most` at once, for stress_operations() get/free calls in total; checks exclusivity,
// the hand-over of plain data, and the counts at the end. Returns the ids drained at the end,
// in the order get handed them out.
template <class Policy>
std::vector<std::uint32_t> id_stress(unsigned threads, std::size_t capacity,
                                     std::size_t hold_at_most) {
    const std::size_t operations = stress_operations();
    ConcurrentIdPool<Policy> pool(capacity);
    std::vector<std::atomic<unsigned>> owner(capacity);  // 0: free, else thread + 1
    std::vector<std::uint64_t> payload(capacity);        // plain: TSan checks hand-over
    std::vector<Tally> tallies(threads);

    run_threads(threads, [&](unsigned index) {
        Tally& tally = tallies[index];
        Random random(index + 1);
        std::vector<std::uint32_t> held;
        const unsigned me = index + 1;
        const std::size_t my_operations = operations / threads + 1;
        while (tally.gets + tally.frees < my_operations) {
            const bool want_get =
                held.empty() || (held.size() < hold_at_most && random.below(2) == 0);
            if (want_get) {
                const auto id = pool.get();
                if (!id) {
                    ++tally.failed_gets;
                    if (held.empty()) {
                        continue;
                    }
                } else {
                    ++tally.gets;
                    const std::size_t slot = *id - 1;
                    // relaxed: the marker must not add synchronisation of its own; the
                    // read-modify-write alone proves exclusivity.
                    if (slot >= capacity ||
                        owner[slot].exchange(me, std::memory_order_relaxed) != 0) {
                        ++tally.errors;
                        continue;
                    }
                    payload[slot] = (std::uint64_t{me} << 32) | tally.gets;
                    held.push_back(*id);
                    continue;
                }
            }
            const std::size_t pick = random.below(held.size());
            const std::uint32_t id = held[pick];
            held[pick] = held.back();
            held.pop_back();
            const std::size_t slot = id - 1;
            if ((payload[slot] >> 32) != me ||
                owner[slot].exchange(0, std::memory_order_relaxed) != me) {
                ++tally.errors;
            }
            payload[slot] = 0;
            pool.free(id);
            ++tally.frees;
            if (pool.allocated() > capacity || pool.available() > capacity) {
                ++tally.errors;
            }
        }
        for (const auto id : held) {
            owner[id - 1].store(0, std::memory_order_relaxed);
            pool.free(id);
            ++tally.frees;
        }
    });

    Tally total;
    for (const auto& tally : tallies) {
        total.gets += tally.gets;
        total.frees += tally.frees;
        total.failed_gets += tally.failed_gets;
        total.errors += tally.errors;
    }
    CHECK(total.errors == 0);
    CHECK(total.gets + total.frees >= operations);
    CHECK(total.gets == total.frees);
    CHECK(pool.available() == capacity);
    CHECK(pool.allocated() == 0);
    for (std::uint32_t id = 1; id <= capacity; ++id) {
        CHECK_FALSE(pool.is_allocated(id));
    }
    std::vector<std::uint32_t> drained;
    while (const auto id = pool.get()) {
        drained.push_back(*id);
    }
    const std::set<std::uint32_t> distinct(drained.begin(), drained.end());
    CHECK(drained.size() == capacity);  // every id is still there, once
    CHECK(distinct.size() == capacity);
    CHECK(*distinct.begin() == 1);
    CHECK(*distinct.rbegin() == capacity);
    return drained;
}

}  // namespace

TEMPLATE_LIST_TEST_CASE("ConcurrentIdPool: no id is ever held twice, counts add up",
                        "[concurrent][stress]", AllPolicies) {
    for (const unsigned threads : thread_counts) {
        CAPTURE(threads);
        // Few ids for many holders: the pool runs empty often, so both the exhausted path and
        // the hand-over of recently freed ids are exercised.
        id_stress<TestType>(threads, 3 * threads, 6);
    }
}

TEMPLATE_TEST_CASE("ConcurrentIdPool<Fifo>: no id is ever held twice on a large ring",
                   "[concurrent][stress][fifo]", objpool::Fifo) {
    // 5000 ids: a ring of 8192 cells with positions and ids scattered over cache lines; the
    // holders keep it near empty, so every lap's cells are read and rewritten under contention.
    constexpr std::size_t capacity = 5000;
    for (const unsigned threads : thread_counts) {
        CAPTURE(threads);
        id_stress<TestType>(threads, capacity, capacity / threads);
    }
}

TEMPLATE_TEST_CASE("ConcurrentIdPool<Bitmap>: summary hints are exact again once quiescent",
                   "[concurrent][stress][bitmap]", objpool::Bitmap) {
    // Capacities with two and three levels of hints, and holders that together want more ids
    // than there are, so that words keep flipping between full and not full.
    for (const std::size_t capacity : {std::size_t{200}, std::size_t{4100}}) {
        for (const unsigned threads : thread_counts) {
            CAPTURE(capacity, threads);
            const auto drained =
                id_stress<TestType>(threads, capacity, capacity / threads + capacity / 8);
            // Quiescent: the lowest free id every time, i.e. 1, 2, 3, ...
            bool ascending = true;
            for (std::size_t i = 0; i < drained.size(); ++i) {
                ascending = ascending && drained[i] == i + 1;
            }
            CHECK(ascending);
        }
    }
}

// Each thread holds at most `hold` ids and the pool has threads * hold + 1 more than
// `cached_per_thread` for each other thread, so at every moment at least one id is free outside
// the other threads' caches and every get must succeed: an exhausted answer built on stale hints
// or counts would show here. Nearly full pools keep Bitmap's leaf words full, so its refills
// (releases into full words) and exhaustion scans run all the time.
template <class Policy>
void check_no_false_exhaustion(std::size_t cached_per_thread) {
    for (const std::size_t hold : {std::size_t{40}, std::size_t{1100}}) {
        for (const unsigned threads : thread_counts) {
            CAPTURE(hold, threads);
            const std::size_t capacity = threads * hold + 1 + (threads - 1) * cached_per_thread;
            ConcurrentIdPool<Policy> pool(capacity);
            const std::size_t rounds = stress_operations() / 2 / threads;
            std::vector<std::size_t> failures(threads, 0);
            run_threads(threads, [&](unsigned me) {
                Random random(me + 7);
                std::vector<std::uint32_t> held;
                held.reserve(hold);
                for (std::size_t round = 0; round < rounds; ++round) {
                    while (held.size() < hold) {
                        const auto id = pool.get();
                        if (!id) {
                            ++failures[me];
                            break;
                        }
                        held.push_back(*id);
                    }
                    if (held.empty()) {
                        continue;
                    }
                    const std::size_t pick = random.below(held.size());
                    pool.free(held[pick]);
                    held[pick] = held.back();
                    held.pop_back();
                }
                for (const auto id : held) {
                    pool.free(id);
                }
            });
            std::size_t total = 0;
            for (const std::size_t count : failures) {
                total += count;
            }
            CHECK(total == 0);
            CHECK(pool.available() == capacity);
        }
    }
}

TEMPLATE_LIST_TEST_CASE("ConcurrentIdPool: get never reports exhaustion while an id is free",
                        "[concurrent][stress][exhaustion]", ExactPolicies) {
    check_no_false_exhaustion<TestType>(0);
}

TEMPLATE_LIST_TEST_CASE(
    "ConcurrentIdPool<ThreadCached>: get fails only while other caches hold the free ids",
    "[concurrent][stress][exhaustion][thread_cached]", CachedPolicies) {
    // The documented bound: at most the cache capacity (64 at most) in each other thread.
    check_no_false_exhaustion<TestType>(64);
}

TEMPLATE_LIST_TEST_CASE("ConcurrentIdPool: counts stay exact with more threads than stripes",
                        "[concurrent][stress][counter]", AllPolicies) {
    // 24 threads at once (more than the 15 exclusive counter stripes, so some share the last
    // one), then three more waves of 8 (threads that exit give their stripe to later ones).
    constexpr std::size_t capacity = 64;
    ConcurrentIdPool<TestType> pool(capacity);
    const std::size_t per_thread = stress_operations() / 64 + 1;
    const auto churn = [&](unsigned) {
        for (std::size_t i = 0; i < per_thread; ++i) {
            if (const auto id = pool.get()) {
                pool.free(*id);
            }
        }
    };
    run_threads(24, churn);
    CHECK(pool.available() == capacity);
    for (int wave = 0; wave < 3; ++wave) {
        const auto first = pool.get();
        REQUIRE(first.has_value());
        run_threads(8, churn);
        CHECK(pool.available() == capacity - 1);
        pool.free(*first);
    }
    CHECK(pool.available() == capacity);
    CHECK(pool.allocated() == 0);
}

TEMPLATE_LIST_TEST_CASE("ConcurrentIdPool: of two racing frees of one id exactly one wins",
                        "[concurrent][stress][double_free]", AllPolicies) {
    const std::size_t rounds = std::max<std::size_t>(stress_operations() / 50, 1000);
    ConcurrentIdPool<TestType> pool(4);
    Barrier barrier(2);
    std::atomic<std::uint32_t> shared_id{0};
    std::atomic<unsigned> winners{0};
    std::atomic<std::size_t> bad_rounds{0};

    run_threads(2, [&](unsigned index) {
        for (std::size_t round = 0; round < rounds; ++round) {
            if (index == 0) {
                shared_id.store(*pool.get(), std::memory_order_relaxed);
                winners.store(0, std::memory_order_relaxed);
            }
            barrier.arrive_and_wait();
            const std::uint32_t id = shared_id.load(std::memory_order_relaxed);
            // Alternate the two ways to free, so that free vs free, free vs try_free and
            // try_free vs try_free all race.
            bool won;
            if ((round + index) % 3 == 0) {
                won = pool.try_free(id);
            } else {
                BadFree::Reason reason{};
                won = !throws_bad_free([&] { pool.free(id); }, &reason);
                if (!won && reason != BadFree::Reason::not_allocated) {
                    bad_rounds.fetch_add(1);
                }
            }
            if (won) {
                winners.fetch_add(1, std::memory_order_relaxed);
            }
            barrier.arrive_and_wait();
            if (index == 0 && (winners.load(std::memory_order_relaxed) != 1 ||
                               pool.is_allocated(id) || pool.available() != 4)) {
                bad_rounds.fetch_add(1);
            }
        }
    });
    CHECK(bad_rounds.load() == 0);
    CHECK(pool.available() == 4);
}

namespace {

// A pooled object with plain fields: the holder writes them, the next holder reads them.
struct Connection {
    unsigned owner = 0;
    std::uint64_t uses = 0;
    static inline std::atomic<int> live{0};
    Connection() { live.fetch_add(1, std::memory_order_relaxed); }
    explicit Connection(unsigned first_owner) : owner(first_owner) {
        live.fetch_add(1, std::memory_order_relaxed);
    }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    ~Connection() { live.fetch_sub(1, std::memory_order_relaxed); }
};

template <class Lifecycle, class Policy>
void object_stress(unsigned threads) {
    const std::size_t capacity = 2 * threads;
    const std::size_t operations = stress_operations() / 2;
    std::atomic<std::size_t> resets{0};
    std::vector<Tally> tallies(threads);
    {
        std::unique_ptr<ConcurrentObjectPool<Connection, Policy, Lifecycle>> pool;
        if constexpr (std::is_same_v<Lifecycle, objpool::Reuse>) {
            pool = std::make_unique<ConcurrentObjectPool<Connection, Policy, Lifecycle>>(
                capacity, [](std::size_t) { return Connection(); },
                [&](Connection& connection) {
                    connection.owner = 0;  // the hook runs while the object is nobody's
                    resets.fetch_add(1, std::memory_order_relaxed);
                });
        } else {
            pool = std::make_unique<ConcurrentObjectPool<Connection, Policy, Lifecycle>>(capacity);
        }
        std::vector<std::atomic<unsigned>> owner(capacity);

        run_threads(threads, [&](unsigned index) {
            Tally& tally = tallies[index];
            Random random(index + 7);
            const unsigned me = index + 1;
            std::vector<typename ConcurrentObjectPool<Connection, Policy, Lifecycle>::lease_type>
                held;
            while (tally.gets + tally.frees < operations / threads + 1) {
                if (held.empty() || (held.size() < 4 && random.below(2) == 0)) {
                    auto lease = [&] {
                        if constexpr (std::is_same_v<Lifecycle, objpool::Reuse>) {
                            return pool->get();
                        } else {
                            return pool->get(0U);
                        }
                    }();
                    if (!lease) {
                        ++tally.failed_gets;
                        if (held.empty()) {
                            continue;
                        }
                    } else {
                        ++tally.gets;
                        const std::size_t slot = lease.id() - 1;
                        if (owner[slot].exchange(me, std::memory_order_relaxed) != 0 ||
                            lease->owner != 0) {
                            ++tally.errors;
                        }
                        lease->owner = me;
                        ++lease->uses;
                        held.push_back(std::move(lease));
                        continue;
                    }
                }
                const std::size_t pick = random.below(held.size());
                auto& lease = held[pick];
                if (lease->owner != me ||
                    owner[lease.id() - 1].exchange(0, std::memory_order_relaxed) != me) {
                    ++tally.errors;
                }
                if constexpr (!std::is_same_v<Lifecycle, objpool::Reuse>) {
                    lease->owner = 0;  // ConstructOnGet: the next object is a fresh one anyway
                }
                if (random.below(2) == 0) {
                    pool->free(lease);  // explicit free
                } else {
                    lease = {};  // the lease's destructor path
                }
                held[pick] = std::move(held.back());
                held.pop_back();
                ++tally.frees;
            }
            for (auto& lease : held) {
                owner[lease.id() - 1].store(0, std::memory_order_relaxed);
                lease->owner = 0;
                ++tally.frees;
            }
        });

        CHECK(pool->available() == capacity);
        CHECK(pool->high_water_mark() <= capacity);
        if constexpr (std::is_same_v<Lifecycle, objpool::Reuse>) {
            CHECK(Connection::live.load() == static_cast<int>(pool->high_water_mark()));
        } else {
            CHECK(Connection::live.load() == 0);
        }
    }
    CHECK(Connection::live.load() == 0);  // the pool destroyed what it constructed
    Tally total;
    for (const auto& tally : tallies) {
        total.gets += tally.gets;
        total.frees += tally.frees;
        total.errors += tally.errors;
    }
    CHECK(total.errors == 0);
    CHECK(total.gets == total.frees);
    if constexpr (std::is_same_v<Lifecycle, objpool::Reuse>) {
        CHECK(resets.load() == total.frees);
    }
}

}  // namespace

TEMPLATE_LIST_TEST_CASE("ConcurrentObjectPool (Reuse): objects are handed over intact",
                        "[concurrent][stress][object_pool]", AllPolicies) {
    for (const unsigned threads : thread_counts) {
        CAPTURE(threads);
        object_stress<objpool::Reuse, TestType>(threads);
    }
}

TEMPLATE_LIST_TEST_CASE("ConcurrentObjectPool (ConstructOnGet): objects are handed over intact",
                        "[concurrent][stress][object_pool]", AllPolicies) {
    for (const unsigned threads : thread_counts) {
        CAPTURE(threads);
        object_stress<objpool::ConstructOnGet, TestType>(threads);
    }
}

TEMPLATE_LIST_TEST_CASE("ConcurrentObjectPool: of two racing frees of one object exactly one wins",
                        "[concurrent][stress][double_free][object_pool]", AllPolicies) {
    const std::size_t rounds = std::max<std::size_t>(stress_operations() / 100, 1000);
    std::atomic<std::size_t> resets{0};
    ConcurrentObjectPool<Connection, TestType> pool(
        2, [](std::size_t) { return Connection(); },
        [&](Connection&) { resets.fetch_add(1, std::memory_order_relaxed); });
    Barrier barrier(2);
    std::atomic<Connection*> shared{nullptr};
    std::atomic<unsigned> winners{0};
    std::atomic<std::size_t> bad_rounds{0};

    run_threads(2, [&](unsigned index) {
        for (std::size_t round = 0; round < rounds; ++round) {
            if (index == 0) {
                shared.store(pool.acquire(), std::memory_order_relaxed);
                winners.store(0, std::memory_order_relaxed);
            }
            barrier.arrive_and_wait();
            Connection* const object = shared.load(std::memory_order_relaxed);
            const bool won = (round + index) % 2 == 0
                                 ? pool.try_free(object)
                                 : !throws_bad_free([&] { pool.free(object); });
            if (won) {
                winners.fetch_add(1, std::memory_order_relaxed);
            }
            barrier.arrive_and_wait();
            if (index == 0 &&
                (winners.load(std::memory_order_relaxed) != 1 || pool.available() != 2)) {
                bad_rounds.fetch_add(1);
            }
        }
    });
    CHECK(bad_rounds.load() == 0);
    CHECK(resets.load() == rounds);  // the reset hook ran once per round, never twice
}

TEMPLATE_LIST_TEST_CASE(
    "ConcurrentObjectPool: of a racing discard and free of one object exactly one wins",
    "[concurrent][stress][double_free][object_pool][discard]", AllPolicies) {
    const std::size_t rounds = std::max<std::size_t>(stress_operations() / 100, 1000);
    std::atomic<std::size_t> resets{0};
    std::atomic<std::size_t> builds{0};
    Connection::live.store(0);
    {
        ConcurrentObjectPool<Connection, TestType> pool(
            2,
            [&](std::size_t) {
                builds.fetch_add(1, std::memory_order_relaxed);
                return Connection();
            },
            [&](Connection&) { resets.fetch_add(1, std::memory_order_relaxed); });
        Barrier barrier(2);
        std::atomic<Connection*> shared{nullptr};
        std::atomic<unsigned> winners{0};
        std::atomic<std::size_t> discards_won{0};
        std::atomic<std::size_t> bad_rounds{0};

        run_threads(2, [&](unsigned index) {
            for (std::size_t round = 0; round < rounds; ++round) {
                if (index == 0) {
                    shared.store(pool.acquire(), std::memory_order_relaxed);
                    winners.store(0, std::memory_order_relaxed);
                }
                barrier.arrive_and_wait();
                Connection* const object = shared.load(std::memory_order_relaxed);
                // One thread discards, the other frees (both ways in turn); a loser is told
                // the object is not out.
                bool won;
                BadFree::Reason reason = BadFree::Reason::not_allocated;
                if ((round + index) % 2 == 0) {
                    won = !throws_bad_free([&] { pool.discard(object); }, &reason);
                    if (won) {
                        discards_won.fetch_add(1, std::memory_order_relaxed);
                    }
                } else if (round % 4 < 2) {
                    won = pool.try_free(object);
                } else {
                    won = !throws_bad_free([&] { pool.free(object); }, &reason);
                }
                if (won) {
                    winners.fetch_add(1, std::memory_order_relaxed);
                } else if (reason != BadFree::Reason::not_allocated) {
                    bad_rounds.fetch_add(1);
                }
                barrier.arrive_and_wait();
                if (index == 0 &&
                    (winners.load(std::memory_order_relaxed) != 1 || pool.available() != 2)) {
                    bad_rounds.fetch_add(1);
                }
            }
        });
        CHECK(bad_rounds.load() == 0);
        // Every object was destroyed or reset once: what a discard destroyed was built again.
        CHECK(resets.load() + discards_won.load() == rounds);
        CHECK(builds.load() - discards_won.load() ==
              static_cast<std::size_t>(Connection::live.load()));
        CHECK(discards_won.load() > 0);
    }
    CHECK(Connection::live.load() == 0);  // nothing destroyed twice, nothing leaked
}
