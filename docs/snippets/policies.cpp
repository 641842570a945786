// The built-in policies, their bookkeeping memory and the compile-time policy check.
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <objpool/objpool.hpp>
#include <stdexcept>

struct NotAPolicy {};

int main() {
    static_assert(objpool::is_policy_v<objpool::Fifo> && objpool::is_policy_v<objpool::Lifo> &&
                  objpool::is_policy_v<objpool::Bitmap> && !objpool::is_policy_v<NotAPolicy>);

    const std::size_t n = 4096;
    objpool::IdPool<objpool::Lifo> lifo(n);
    objpool::IdPool<objpool::Fifo> fifo(n);
    objpool::IdPool<objpool::Bitmap> bitmap(n);
    assert(lifo.bookkeeping_bytes() == 4 * n);           // one 32-bit link a slot
    assert(fifo.bookkeeping_bytes() == 4 * n + n / 8);   // ring + one allocation bit a slot
    assert(bitmap.bookkeeping_bytes() == (64 + 1) * 8);  // 64 leaf words + 1 top word

    try {
        objpool::IdPool<objpool::Bitmap, std::uint64_t> huge(objpool::max_capacity + 1);
        assert(false);
    } catch (const std::length_error&) {  // at most 2^32 - 1 slots
    }
}
