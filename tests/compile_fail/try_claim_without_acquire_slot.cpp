// Must not compile: try_claim on a pool whose free list has no acquire_slot (the rest of the pool
// compiles: only the call is refused).
#include <objpool/objpool.hpp>

#include "../vector_stack.hpp"

int main() {
    objpool::IdPool<objpool_test::VectorStack> pool(4);
    pool.free_all();  // the fallback of reset(): fine
    return pool.try_claim(2) ? 1 : 0;
}
