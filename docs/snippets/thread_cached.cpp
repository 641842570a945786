// objpool::ThreadCached: a per-thread cache of free slots in front of a concurrent free list.
#include <cassert>
#include <cstdint>
#include <objpool/objpool.hpp>
#include <thread>
#include <vector>

struct Buffer {
    std::uint64_t words[8] = {};
};

int main() {
    // A get+free pair on one thread stays in that thread's cache: no shared cache line written.
    objpool::ConcurrentObjectPool<Buffer, objpool::ThreadCached<objpool::Lifo>> buffers(4096);

    std::vector<std::thread> workers;
    for (int worker = 0; worker < 2; ++worker) {
        workers.emplace_back([&buffers] {
            for (int round = 0; round < 1000; ++round) {
                auto lease = buffers.get();  // returned to this thread's cache when it goes
                assert(lease);
                lease->words[0] = static_cast<std::uint64_t>(round);
            }
        });  // a thread that exits gives its cache back to the pool
    }
    for (std::thread& worker : workers) {
        worker.join();
    }
    assert(buffers.available() == 4096);

    // Per thread, the id freed last comes back first; the double-free check stays exact.
    objpool::ConcurrentIdPool<objpool::ThreadCached<objpool::Bitmap>> ids(1024);
    const std::uint32_t a = *ids.get();
    const std::uint32_t b = *ids.get();
    ids.free(a);
    ids.free(b);
    assert(ids.get() == b && ids.get() == a);
    assert(!ids.try_free(1000));  // never handed out: refused, nothing changes
}
