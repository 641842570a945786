// A client process (objpool_store_get_loop) killed with SIGKILL in the middle of its gets, while
// this process takes ids from the same store as another replica would.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include <objpool_catch.hpp>

#include "store_backends.hpp"

using namespace store_test;

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

TEMPLATE_TEST_CASE(
    "store: a client killed with SIGKILL mid-way through its gets loses no acknowledged id "
    "and duplicates none",
    "[store][kill]", DURABLE_STORE_BACKENDS) {
    TestType backend;
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

    Child child({OBJPOOL_STORE_GET_LOOP, backend.spec(), "p", "4"});
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
    store = backend.open();  // as after a restart of this process
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
