// Which id each policy hands out: the same calls, three orders.
#include <cassert>
#include <cstdint>
#include <objpool/objpool.hpp>
#include <vector>

template <class Policy>
std::vector<std::uint32_t> order_after_frees() {
    objpool::IdPool<Policy> ids(5);
    for (int i = 0; i < 5; ++i) {
        (void)ids.get();  // before anything is freed: 1, 2, 3, 4, 5 for every policy
    }
    ids.free(4);
    ids.free(2);
    ids.free(5);
    std::vector<std::uint32_t> order;
    while (auto id = ids.get()) {
        order.push_back(*id);
    }
    return order;
}

int main() {
    assert((order_after_frees<objpool::Fifo>() == std::vector<std::uint32_t>{4, 2, 5}));
    assert((order_after_frees<objpool::Lifo>() == std::vector<std::uint32_t>{5, 2, 4}));
    assert((order_after_frees<objpool::Bitmap>() == std::vector<std::uint32_t>{2, 4, 5}));
}
