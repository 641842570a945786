// The tiny program every consumer test builds: it must compile against the installed or
// vendored headers and run correctly.
#include <objpool/objpool.hpp>

int main() {
    objpool::IdPool<objpool::Bitmap> ids(3);
    const auto first = ids.get();
    objpool::ObjectPool<int, objpool::Lifo> objects(2);
    auto lease = objects.get();
    const bool ok = first == std::optional<std::uint32_t>{1} && lease.id() == 1 &&
                    ids.try_free(1) && !ids.try_free(1) && OBJPOOL_VERSION_MAJOR >= 0;
    return ok ? 0 : 1;
}
