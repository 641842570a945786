// With odr_second.cpp: the headers can be included and the same templates instantiated in
// two translation units of one program without multiple-definition errors.
#include <objpool/objpool.hpp>

#include <objpool_catch.hpp>

std::size_t odr_second_capacity();

std::size_t odr_first_capacity() {
    objpool::IdPool<objpool::Bitmap> pool(11);
    objpool::ObjectPool<int, objpool::Fifo> objects(3);
    return pool.capacity() + objects.capacity();
}

TEST_CASE("Two translation units use the same pool types", "[odr]") {
    CHECK(odr_first_capacity() == 14);
    CHECK(odr_second_capacity() == 14);
}
