// objpool::PoolResource: std::pmr containers take their nodes from one array of blocks.
#include <cassert>
#include <list>
#include <map>
#include <memory_resource>
#include <objpool/objpool.hpp>

int main() {
    // 1,000 blocks of 48 bytes (aligned to 16): list and map nodes fit, so both are served here.
    objpool::PoolResource resource(48, 1'000);  // objpool::PoolResource<objpool::Lifo>
    assert(resource.block_alignment() == 16);

    std::pmr::list<int> list(&resource);
    std::pmr::map<int, int> map(&resource);
    for (int i = 0; i < 100; ++i) {
        list.push_back(i);
        map.emplace(i, i * i);
    }
    assert(resource.allocated() == 200 && resource.available() == 800);

    list.pop_front();     // its node goes back to the free list ...
    list.push_back(100);  // ... and, with Lifo, comes out again first
    assert(resource.allocated() == 200);

    // A request larger than a block (or more aligned) goes to the upstream resource.
    void* large = resource.allocate(4096, 8);
    assert(!resource.owns(large) && resource.allocated() == 200);
    resource.deallocate(large, 4096, 8);  // routed back upstream by its address

    list.clear();
    map.clear();
    assert(resource.allocated() == 0);
}
