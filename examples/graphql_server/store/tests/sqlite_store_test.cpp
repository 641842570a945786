// What only SQLite shows: the file reopened, two connections on one file, another writer's lock.
#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <sqlite3.h>

#include <objpool/objpool.hpp>
#include <objpool_catch.hpp>

#include "store_backends.hpp"

using namespace store_test;
using namespace std::chrono_literals;

TEST_CASE("sqlite: reopening the file finds every pool, id and lease as they were", "[sqlite]") {
    SqliteBackend backend;
    objpool::IdPool<objpool::Lifo> library(8, 1);
    LeaseToken token = 0;
    {
        auto store = backend.open();
        store->create("lifo", 8, Policy::Lifo);
        store->create("fifo", 4, Policy::Fifo);
        for (int i = 0; i < 5; ++i)
            CHECK(store->get("lifo") == library.get());
        for (const Id id : {2, 4, 1}) {
            CHECK(store->free("lifo", id));
            library.free(id);
        }
        CHECK(store->get("fifo") == Id{1});
        const auto lease = store->acquire_lease("fifo", 60s);
        REQUIRE(lease);
        CHECK(lease->id == 2);
        token = lease->token;
    }
    auto store = backend.open();
    const auto pools = store->all();
    REQUIRE(pools.size() == 2);
    CHECK(pools[0].name == "fifo");
    CHECK(pools[0].allocated == 2);
    CHECK(pools[1].name == "lifo");
    CHECK(pools[1].policy == Policy::Lifo);
    CHECK(pools[1].allocated == 2);
    CHECK(store->is_allocated("lifo", 3));
    CHECK(store->is_allocated("lifo", 5));
    CHECK_FALSE(store->is_allocated("lifo", 4));
    // The order goes on where it stopped.
    for (int i = 0; i < 6; ++i)
        CHECK(store->get("lifo") == library.get());
    CHECK_FALSE(store->get("lifo"));
    // The lease and its token survived; new tokens are larger.
    CHECK_FALSE(store->free("fifo", 2));
    const auto next = store->acquire_lease("fifo", 60s);
    REQUIRE(next);
    CHECK(next->token > token);
    store->release_lease("fifo", 2, token);
    CHECK_FALSE(store->is_allocated("fifo", 2));
}

TEST_CASE("sqlite: two stores on one file never hand an id out twice", "[sqlite][concurrency]") {
    SqliteBackend backend;
    auto first = backend.open();
    auto second = backend.open();
    first->create("p", 200, Policy::Bitmap);
    std::mutex ledger_mutex;
    std::set<Id> ledger;
    std::atomic<int> duplicates{0};
    std::vector<std::thread> workers;
    for (int worker = 0; worker < 4; ++worker) {
        PoolStore& store = worker % 2 == 0 ? *first : *second;
        workers.emplace_back([&] {
            for (int round = 0; round < 30; ++round) {
                const auto id = store.get("p");
                REQUIRE(id);
                {
                    std::lock_guard lock(ledger_mutex);
                    if (!ledger.insert(*id).second)
                        ++duplicates;
                }
                if (round % 3 == 0) {
                    {
                        std::lock_guard lock(ledger_mutex);
                        ledger.erase(*id);
                    }
                    CHECK(store.free("p", *id));
                }
            }
        });
    }
    for (auto& worker : workers)
        worker.join();
    CHECK(duplicates == 0);
    CHECK(first->stats("p")->allocated == ledger.size());
    CHECK(second->stats("p")->allocated == ledger.size());
}

TEST_CASE("sqlite: a write lock held past the busy timeout fails the calls with Unavailable",
          "[sqlite][unavailable]") {
    SqliteBackend backend;
    SqliteStore::Options options;
    options.busy_timeout = 50ms;
    SqliteStore store(backend.file(), test_max_capacity, options);
    store.create("p", 4, Policy::Fifo);
    CHECK(store.get("p") == Id{1});

    // Another process's writer, holding the lock.
    sqlite3* other = nullptr;
    REQUIRE(sqlite3_open(backend.file().c_str(), &other) == SQLITE_OK);
    REQUIRE(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
    CHECK_THROWS_AS(store.get("p"), Unavailable);
    CHECK_THROWS_AS(store.free("p", 1), Unavailable);
    REQUIRE(sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(other);

    // Nothing those calls asked for happened; the store works again.
    CHECK(store.is_allocated("p", 1));
    CHECK(store.get("p") == Id{2});
    CHECK(store.stats("p")->allocated == 2);
}
