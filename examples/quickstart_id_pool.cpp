#include <cassert>
#include <objpool/objpool.hpp>

int main() {
    objpool::IdPool<objpool::Fifo> ids(3);  // manages the ids 1, 2, 3
    auto a = ids.get();                     // std::optional holding 1
    auto b = ids.get();                     // 2
    ids.free(*a);                           // 1 is available again
    assert(ids.is_allocated(*b) && ids.available() == 2);

    assert(!ids.try_free(*a));  // not out: false, and nothing changes
    try {
        ids.free(42);  // out of range: throws, and nothing changes
    } catch (const objpool::BadFree& error) {
        // error.what(): "objpool: cannot free id 42: out of range [1, 3]"
    }
}
