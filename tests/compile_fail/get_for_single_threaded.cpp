// Must not compile: waiting for a free belongs to the concurrent pools.
#include <chrono>

#include <objpool/objpool.hpp>

int main() {
    objpool::IdPool<objpool::Lifo> pool(4);
    return pool.get_for(std::chrono::milliseconds(1)).has_value() ? 0 : 1;
}
