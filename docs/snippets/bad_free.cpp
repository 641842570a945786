// objpool::BadFree: what a free of something that is not out throws; the pool is unchanged.
#include <cassert>
#include <objpool/objpool.hpp>
#include <stdexcept>
#include <string>

int main() {
    objpool::IdPool<objpool::Fifo> ids(3);
    const auto id = *ids.get();  // 1
    ids.free(id);
    try {
        ids.free(id);  // a double free
        assert(false);
    } catch (const objpool::BadFree& error) {
        assert(error.reason() == objpool::BadFree::Reason::not_allocated);
        assert(std::string(error.what()) == "objpool: cannot free id 1: not allocated");
    }
    try {
        ids.free(0);
        assert(false);
    } catch (const std::invalid_argument& error) {  // BadFree is an std::invalid_argument
        assert(std::string(error.what()) == "objpool: cannot free id 0: out of range [1, 3]");
    }
    assert(ids.available() == 3 && ids.allocated() == 0);  // unchanged by the refused frees
}
