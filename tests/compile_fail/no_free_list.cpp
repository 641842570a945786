// Must not compile: the policy has no FreeList.
#include <objpool/objpool.hpp>

struct NotAPolicy {};

int main() {
    objpool::IdPool<NotAPolicy> pool(4);
    return static_cast<int>(pool.capacity());
}
