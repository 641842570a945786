#include <cassert>
#include <objpool/objpool.hpp>
#include <string>

struct Connection {
    std::string peer;
};

int main() {
    objpool::ObjectPool<Connection, objpool::Lifo> pool(64);  // no Connection built yet
    {
        auto lease = pool.get();  // builds object 1 on first use
        lease->peer = "db-1";
        assert(lease.id() == 1);
    }                                  // back in the pool, not destroyed
    Connection* raw = pool.acquire();  // the raw layer: same object again
    assert(raw->peer == "db-1");
    pool.free(raw);  // pool.free(raw) again would throw BadFree
}
