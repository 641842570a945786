// objpool::ConcurrentIdPool: the id pool from many threads, with an exact double-free check.
#include <cassert>
#include <chrono>
#include <cstdint>
#include <objpool/objpool.hpp>
#include <thread>
#include <vector>

int main() {
    objpool::ConcurrentIdPool<objpool::Lifo> sessions(64);  // ids 1..64, lock-free get and free

    std::vector<std::thread> workers;
    for (int worker = 0; worker < 4; ++worker) {
        workers.emplace_back([&sessions] {
            for (int round = 0; round < 1000; ++round) {
                const std::optional<std::uint32_t> id = sessions.get();
                assert(id && sessions.is_allocated(*id));
                sessions.free(*id);  // no other thread holds this id, so no BadFree
            }
        });
    }
    for (std::thread& worker : workers) {
        worker.join();
    }
    assert(sessions.available() == 64);

    // get_for waits (without spinning) until a free or the timeout.
    objpool::ConcurrentIdPool<objpool::Fifo> one(1);
    const std::optional<std::uint32_t> held = one.get();
    assert(held == 1u);
    assert(!one.get_for(std::chrono::milliseconds(1)));  // nothing freed in time
    std::thread freer([&one] { one.free(1); });
    assert(one.get_for(std::chrono::seconds(10)) == 1u);  // woken by the free
    freer.join();
    assert(!one.try_free(2));  // out of range: false, nothing changes
}
