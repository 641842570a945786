// Run by ctest in ASan builds only: each case uses an object that is not out, which ASan must
// report as use-after-poison. `asan_use_after_free <case>`; reaching the end is a failure.
#include <cstdint>
#include <cstdio>
#include <cstring>

#include <objpool/objpool.hpp>

namespace {

struct Payload {
    std::uint64_t first = 1;
    std::uint64_t second = 2;
};

// Keeps the load from being optimised away.
volatile std::uint64_t sink;

}  // namespace

int main(int argc, char** argv) {
    const char* which = argc > 1 ? argv[1] : "";
    if (std::strcmp(which, "reuse_freed") == 0) {
        objpool::ObjectPool<Payload, objpool::Lifo> pool(4);
        Payload* object = pool.acquire();
        pool.free(object);
        sink = object->second;  // freed: its storage is poisoned although the object lives on
    } else if (std::strcmp(which, "construct_on_get_freed") == 0) {
        objpool::ObjectPool<Payload, objpool::Fifo, objpool::ConstructOnGet> pool(4);
        Payload* object = pool.acquire();
        pool.free(object);
        object->first = 3;
    } else if (std::strcmp(which, "never_handed_out") == 0) {
        objpool::ObjectPool<Payload, objpool::Bitmap> pool(4);
        Payload* object = pool.acquire();
        sink = object[1].first;  // slot 2 was never handed out
        pool.free(object);
    } else if (std::strcmp(which, "lease_freed") == 0) {
        objpool::ObjectPool<Payload, objpool::Fifo> pool(
            4, [](std::size_t) { return Payload{}; }, [](Payload& object) { object.first = 0; });
        Payload* object = nullptr;
        {
            auto lease = pool.get();
            object = lease.get();
        }  // the lease gave it back, through the reset hook
        sink = object->first;
    }
    std::fprintf(stderr, "asan_use_after_free: no report\n");
    return 0;
}
