// OBJPOOL_ASSERT: defined before objpool is included, it decides what a failed precondition
// check does. Here it throws, as objpool's own tests make it do.
#include <cassert>
#include <stdexcept>
#include <string>
#define OBJPOOL_ASSERT(condition, message) \
    ((condition) ? static_cast<void>(0) : throw std::logic_error(message))
#include <objpool/objpool.hpp>

int main() {
    objpool::ObjectPool<int, objpool::Fifo> pool(1);
    auto lease = pool.get();
    auto empty = pool.get();  // exhausted: an empty lease
    assert(lease && !empty);
    try {
        *empty = 1;  // precondition: the lease is not empty
        assert(false);
    } catch (const std::logic_error& error) {
        assert(std::string(error.what()) == "dereferencing an empty lease");
    }
}
