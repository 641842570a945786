// objpool::Counted: a pool that counts its gets, frees and waits (PoolStatistics).
#include <cassert>
#include <chrono>
#include <objpool/objpool.hpp>

int main() {
    objpool::ConcurrentIdPool<objpool::Counted<objpool::ThreadCached<objpool::Lifo>>> ports(2);
    const auto first = ports.get();
    const auto second = ports.get();
    assert(first && second);
    assert(!ports.get_for(std::chrono::milliseconds(5)));  // exhausted: sleeps, then fails
    ports.free(*first);
    assert(!ports.try_free(*first));  // already free: refused

    const objpool::PoolStatistics counted = ports.statistics();
    assert(counted.gets == 2 && counted.failed_gets == 1);
    assert(counted.frees == 1 && counted.refused_frees == 1);
    assert(counted.waits == 1 && counted.wait_time >= std::chrono::milliseconds(1));
}
