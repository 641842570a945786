// objpool::Lease: move-only, gives its object back when destroyed or freed.
#include <cassert>
#include <objpool/objpool.hpp>
#include <utility>
#include <vector>

int main() {
    objpool::ObjectPool<std::vector<int>, objpool::Fifo> pool(2);
    using Lease = objpool::ObjectPool<std::vector<int>, objpool::Fifo>::lease_type;

    Lease a = pool.get();
    a->push_back(7);
    Lease b = std::move(a);  // a is now empty; the object stays out
    assert(!a && a.id() == 0 && a.get() == nullptr);
    assert(b && b.id() == 1 && (*b)[0] == 7);

    Lease c = pool.get();
    assert(!pool.get());  // exhausted: an empty lease
    c = std::move(b);     // c's old object (id 2) goes back, then c takes id 1
    assert(c.id() == 1 && pool.allocated() == 1);

    pool.free(c);  // back now; c is empty
    assert(!c && pool.allocated() == 0);
    try {
        pool.free(c);  // an empty lease
        assert(false);
    } catch (const objpool::BadFree&) {
    }
}
