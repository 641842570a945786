// objpool_store_get_loop STORE POOL THREADS: takes ids from pool POOL of the store STORE (as
// open_store reads it: sqlite:PATH, redis://HOST:PORT) on THREADS threads until it is exhausted,
// writing each id to stdout, one line per acknowledged get, as soon as get returns. The kill test
// kills it with SIGKILL mid-way.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "pool_store.hpp"

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: %s STORE POOL THREADS\n", argv[0]);
        return 2;
    }
    const auto store = objpool_graphql::store::open_store(argv[1], 1U << 20);
    const std::string pool = argv[2];
    std::vector<std::thread> threads;
    for (int thread = 0; thread < std::atoi(argv[3]); ++thread) {
        threads.emplace_back([&] {
            while (const auto id = store->get(pool)) {
                // One write(2) a line: lines from several threads never interleave on a pipe.
                const std::string line = std::to_string(*id) + "\n";
                if (write(STDOUT_FILENO, line.data(), line.size()) !=
                    static_cast<ssize_t>(line.size())) {
                    std::abort();
                }
            }
        });
    }
    for (auto& thread : threads)
        thread.join();
    return 0;
}
