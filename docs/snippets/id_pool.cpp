// objpool::IdPool: ids first .. first+count-1, handed out at most once until freed.
#include <cassert>
#include <cstdint>
#include <objpool/objpool.hpp>
#include <stdexcept>

int main() {
    objpool::IdPool<objpool::Bitmap> ports(3, 8080);  // the ids 8080, 8081, 8082
    assert(ports.capacity() == 3 && ports.first() == 8080);

    const std::optional<std::uint32_t> a = ports.get();  // 8080: Bitmap hands out the lowest
    const std::optional<std::uint32_t> b = ports.get();  // 8081
    assert(a == 8080u && b == 8081u);
    assert(ports.allocated() == 2 && ports.available() == 1);
    assert(ports.is_allocated(8081) && !ports.is_allocated(8082) && !ports.is_allocated(1));

    ports.free(8080);
    assert(ports.get() == 8080u);  // the lowest free id again
    assert(ports.get() == 8082u);
    assert(!ports.get());  // all out: std::nullopt, nothing else happens

    try {
        ports.free(9000);  // not one of the pool's ids
        assert(false);
    } catch (const objpool::BadFree& error) {
        assert(error.reason() == objpool::BadFree::Reason::out_of_range);
    }
    assert(ports.try_free(8081));   // was out: now free
    assert(!ports.try_free(8081));  // not out any more: false, no change

    try {
        objpool::IdPool<objpool::Fifo, std::uint8_t> too_many(300);  // ids 1..300 in 8 bits
        assert(false);
    } catch (const std::length_error&) {
    }
}
