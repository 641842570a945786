// The Id type: any integer type that holds first + count - 1 (std::uint32_t by default).
#include <cassert>
#include <cstdint>
#include <objpool/objpool.hpp>
#include <stdexcept>

int main() {
    objpool::IdPool<objpool::Fifo, std::uint8_t> small(255);  // ids 1..255: fits in 8 bits
    assert(small.get() == std::uint8_t{1});

    objpool::IdPool<objpool::Lifo, std::int64_t> signed_ids(3, -1);  // ids -1, 0, 1
    assert(signed_ids.get() == -1 && signed_ids.get() == 0 && signed_ids.get() == 1);
    assert(!signed_ids.is_allocated(2) && !signed_ids.try_free(-2));

    try {
        objpool::IdPool<objpool::Fifo, std::uint8_t> too_big(256);  // 256 does not fit
        assert(false);
    } catch (const std::length_error&) {
    }
    try {
        objpool::IdPool<objpool::Fifo, std::uint8_t> too_high(10, 250);  // 259 does not fit
        assert(false);
    } catch (const std::length_error&) {
    }
}
