// objpool::ConcurrentObjectPool: pooled objects shared by threads; a free hands the object over.
#include <cassert>
#include <chrono>
#include <objpool/objpool.hpp>
#include <string>
#include <thread>
#include <vector>

struct Connection {
    std::string peer;
    int requests = 0;
};

int main() {
    objpool::ConcurrentObjectPool<Connection, objpool::Bitmap> pool(
        2, [](std::size_t id) { return Connection{"db-" + std::to_string(id)}; });

    std::vector<std::thread> workers;
    for (int worker = 0; worker < 4; ++worker) {
        workers.emplace_back([&pool] {
            for (int round = 0; round < 500; ++round) {
                // Two connections for four threads: wait for one instead of failing.
                auto connection = pool.get_for(std::chrono::seconds(10));
                assert(connection);
                ++connection->requests;  // the previous holder's writes are visible here
            }  // the lease gives the connection back, waking a waiting thread
        });
    }
    for (std::thread& worker : workers) {
        worker.join();
    }
    assert(pool.available() == 2 && pool.allocated() == 0);
    assert(pool.find(1) == nullptr);  // not out

    Connection* const first = pool.acquire();
    Connection* const second = pool.acquire();
    assert(first->peer == "db-1");  // Bitmap: the lowest free id when no call is in flight
    assert(first->requests + second->requests == 2000);  // every request counted once
    pool.free(first);
    pool.free(second);
}
