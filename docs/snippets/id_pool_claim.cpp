// objpool::IdPool: claiming chosen ids, listing the ids out, and giving everything back.
#include <cassert>
#include <cstdint>
#include <objpool/objpool.hpp>
#include <vector>

int main() {
    objpool::IdPool<objpool::Fifo> ports(5, 8080);  // 8080 .. 8084

    // Ids restored after a restart, or configured: take exactly those.
    assert(ports.try_claim(8082));
    assert(!ports.try_claim(8082));  // out already
    assert(!ports.try_claim(9000));  // not one of the pool's ids

    // The others come in the order they would have come: the claimed one is passed over.
    assert(ports.get() == 8080u);
    assert(ports.get() == 8081u);
    assert(ports.get() == 8083u);

    std::vector<std::uint32_t> out;
    ports.for_each_allocated([&](std::uint32_t port) { out.push_back(port); });
    assert((out == std::vector<std::uint32_t>{8080, 8081, 8082, 8083}));  // ascending

    ports.free_all();  // as fresh: every id free, the same order again
    assert(ports.available() == 5);
    assert(ports.get() == 8080u);
}
