// objpool::ObjectPool: objects with stable addresses and ids 1..capacity, through leases or
// raw pointers.
#include <cassert>
#include <objpool/objpool.hpp>
#include <string>

struct Buffer {
    std::string data;
};

int main() {
    objpool::ObjectPool<Buffer, objpool::Lifo> pool(2);
    assert(pool.capacity() == 2 && pool.high_water_mark() == 0);  // nothing built yet

    Buffer* first = nullptr;
    {
        auto lease = pool.get();  // builds object 1 (default construction)
        assert(lease && lease.id() == 1 && pool.find(1) == lease.get());
        lease->data = "kept";
        first = lease.get();
    }  // the lease gives the object back; with Reuse it is not destroyed
    assert(pool.allocated() == 0 && pool.find(1) == nullptr);

    Buffer* raw = pool.acquire();  // Lifo: the object freed last, as it was left
    assert(raw == first && raw->data == "kept" && pool.id_of(raw) == 1);
    Buffer* second = pool.acquire();  // builds object 2
    assert(pool.acquire() == nullptr);  // exhausted: nullptr (get() gives an empty lease)
    assert(pool.high_water_mark() == 2);

    pool.free(raw);
    try {
        pool.free(raw);  // not out any more
        assert(false);
    } catch (const objpool::BadFree& error) {
        assert(error.reason() == objpool::BadFree::Reason::not_allocated);
    }
    Buffer outsider;
    assert(pool.id_of(&outsider) == 0 && !pool.try_free(&outsider));
    pool.free(second);
}
