// Must not compile: a pool counts only over a policy wrapped in objpool::Counted.
#include <objpool/objpool.hpp>

int main() {
    objpool::IdPool<objpool::Lifo> pool(4);
    return static_cast<int>(pool.statistics().gets);
}
