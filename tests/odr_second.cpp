// See odr_first.cpp.
#include <objpool/objpool.hpp>

std::size_t odr_second_capacity() {
    objpool::IdPool<objpool::Bitmap> pool(11);
    objpool::ObjectPool<int, objpool::Fifo> objects(3);
    return pool.capacity() + objects.capacity();
}
