// Fifo hands out never-used ids before freed ones: a freed id waits behind every fresh id.
#include <cassert>
#include <objpool/objpool.hpp>

int main() {
    objpool::IdPool<objpool::Fifo> fifo(4);
    objpool::IdPool<objpool::Lifo> lifo(4);
    objpool::IdPool<objpool::Bitmap> bitmap(4);

    fifo.free(*fifo.get());  // 1 out and back
    lifo.free(*lifo.get());
    bitmap.free(*bitmap.get());

    assert(*fifo.get() == 2);    // 2, 3, 4 come first; 1 only after them
    assert(*lifo.get() == 1);    // the id freed most recently
    assert(*bitmap.get() == 1);  // the lowest free id
}
