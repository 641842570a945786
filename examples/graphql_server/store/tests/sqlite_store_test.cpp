// What only a durable store shows: SQLite across reopening, several connections on one file, and
// SIGKILL of a process in the middle of its gets.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <objpool/objpool.hpp>
#include <objpool_catch.hpp>

#include "store_backends.hpp"

extern char** environ;

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

namespace {

// A child process whose stdout is the read end of a pipe.
class Child {
public:
    explicit Child(std::vector<std::string> arguments) {
        int fds[2];
        REQUIRE(pipe(fds) == 0);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
        posix_spawn_file_actions_addclose(&actions, fds[0]);
        posix_spawn_file_actions_addclose(&actions, fds[1]);
        std::vector<char*> argv;
        for (auto& argument : arguments)
            argv.push_back(argument.data());
        argv.push_back(nullptr);
        const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        close(fds[1]);
        output_ = fdopen(fds[0], "r");
        REQUIRE(rc == 0);
        REQUIRE(output_ != nullptr);
    }
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;
    ~Child() {
        if (pid_ > 0) {
            kill(pid_, SIGKILL);
            wait();
        }
        if (output_ != nullptr)
            fclose(output_);
    }

    // The next id the child acknowledged, or 0 at the end of its output.
    Id next_id() {
        unsigned long id = 0;
        return std::fscanf(output_, "%lu", &id) == 1 ? static_cast<Id>(id) : 0;
    }

    int wait() {
        int status = 0;
        waitpid(pid_, &status, 0);
        pid_ = -1;
        return status;
    }

    void kill_hard() { REQUIRE(kill(pid_, SIGKILL) == 0); }

private:
    pid_t pid_ = -1;
    FILE* output_ = nullptr;
};

}  // namespace

TEST_CASE("sqlite: SIGKILL mid-way through gets loses no acknowledged id and duplicates none",
          "[sqlite][kill]") {
    SqliteBackend backend;
    // Far more than the child gets through before it is killed.
    constexpr std::size_t capacity = 100000;
    {
        auto store = backend.open();
        store->create("p", capacity, Policy::Lifo);
        // Some ids given back first, so that the child takes freed ids as well as never-used ones.
        std::vector<Id> taken;
        for (int i = 0; i < 100; ++i)
            taken.push_back(*store->get("p"));
        for (std::size_t i = 0; i < taken.size(); i += 2)
            CHECK(store->free("p", taken[i]));
    }
    std::set<Id> ledger;  // what anyone was told it holds
    for (Id id = 2; id <= 100; id += 2)
        ledger.insert(id);
    bool duplicate = false;

    Child child({OBJPOOL_STORE_GET_LOOP, backend.file(), "p", "4"});
    // Meanwhile this process takes ids from the same file, as another replica would.
    auto store = backend.open();
    constexpr int before_kill = 250;
    for (int i = 0; i < before_kill; ++i) {
        const Id id = child.next_id();
        REQUIRE(id != 0);
        duplicate |= !ledger.insert(id).second;
        if (i % 20 == 0) {
            const auto mine = store->get("p");
            REQUIRE(mine);
            duplicate |= !ledger.insert(*mine).second;
        }
    }
    child.kill_hard();
    const int status = child.wait();
    CHECK(WIFSIGNALED(status));
    // Lines written before the kill are acknowledged gets too.
    while (const Id id = child.next_id())
        duplicate |= !ledger.insert(id).second;
    CHECK_FALSE(duplicate);

    store.reset();
    store = backend.open();  // as after a restart
    for (const Id id : ledger) {
        INFO("id " << id);
        CHECK(store->is_allocated("p", id));
    }
    for (int i = 0; i < 50; ++i)
        duplicate |= !ledger.insert(*store->get("p")).second;
    CHECK_FALSE(duplicate);
    // A get committed whose answer died with the child leaks its id: at most one a child thread.
    const auto stats = store->stats("p");
    CHECK(stats->allocated >= ledger.size());
    CHECK(stats->allocated - ledger.size() <= 4);
}
