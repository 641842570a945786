// Conan's (and the vcpkg port check's) test program: objpool's headers are found, compile and
// work, and the package's version is the headers' version.
#include <cstdio>
#include <objpool/objpool.hpp>

int main() {
    objpool::IdPool<objpool::Fifo> ids(2);
    objpool::ObjectPool<int, objpool::Bitmap> objects(2);
    const auto id = ids.get();
    const auto lease = objects.get();
    const bool ok = id == std::optional<std::uint32_t>{1} && lease.id() == 1 && ids.try_free(1) &&
                    !ids.try_free(1);
    std::printf("objpool %d.%d.%d: %s\n", OBJPOOL_VERSION_MAJOR, OBJPOOL_VERSION_MINOR,
                OBJPOOL_VERSION_PATCH, ok ? "ok" : "FAILED");
    return ok ? 0 : 1;
}
