// objpool::Reuse (the default lifecycle): built once on first use, reset on every free,
// destroyed with the pool.
#include <cassert>
#include <cstddef>
#include <objpool/objpool.hpp>
#include <string>

struct Connection {
    explicit Connection(std::string peer) : peer(std::move(peer)) {}  // no default constructor
    std::string peer;
    int requests = 0;
};

int main() {
    int built = 0;
    objpool::ObjectPool<Connection, objpool::Lifo> pool(
        8,
        [&built](std::size_t id) {  // factory: called with the id, once a slot
            ++built;
            return Connection("db-" + std::to_string(id));
        },
        [](Connection& connection) { connection.requests = 0; });  // reset hook: on every free

    {
        auto lease = pool.get();
        assert(lease->peer == "db-1" && built == 1);
        lease->requests = 3;
    }  // reset, not destroyed
    auto again = pool.get();  // the same object, reset; the factory is not called
    assert(again->peer == "db-1" && again->requests == 0 && built == 1);
    assert(pool.high_water_mark() == 1);  // objects constructed so far
}
