// objpool::Locked: any single-threaded policy made thread-safe with one std::mutex.
#include <cassert>
#include <cstdint>
#include <objpool/objpool.hpp>
#include <thread>
#include <vector>

int main() {
    // The lowest free id even under contention, as IdPool<Bitmap> with every call under a lock.
    objpool::ConcurrentIdPool<objpool::Locked<objpool::Bitmap>> ids(8);
    static_assert(objpool::is_concurrent_policy_v<objpool::Locked<objpool::Bitmap>>);

    std::vector<std::thread> workers;
    for (int worker = 0; worker < 2; ++worker) {
        workers.emplace_back([&ids] {
            for (int round = 0; round < 1000; ++round) {
                const std::optional<std::uint32_t> id = ids.get();
                assert(id);
                ids.free(*id);
            }
        });
    }
    for (std::thread& worker : workers) {
        worker.join();
    }
    assert(ids.get() == 1u && ids.get() == 2u);  // quiescent: the lowest free ids, in order
}
