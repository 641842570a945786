// objpool::HandlePool: checked handles {slot, generation}; a stale handle is refused in O(1).
#include <cassert>
#include <cstdint>
#include <objpool/objpool.hpp>
#include <string>
#include <vector>

int main() {
    objpool::HandlePool<objpool::Lifo> handles(2);
    std::vector<std::string> names(handles.capacity());  // kept beside the pool, by slot

    const auto alice = handles.get();
    assert(alice && alice->slot == 0 && alice->generation == 0);
    names[alice->slot] = "alice";
    assert(handles.is_valid(*alice) && handles.find(*alice) == std::size_t{0});

    handles.free(*alice);                // every copy of the handle is stale now
    const auto bob = handles.get();      // Lifo: the same slot, next generation
    assert(bob->slot == alice->slot && bob->generation == 1);
    assert(!handles.is_valid(*alice) && !handles.find(*alice));

    try {
        handles.free(*alice);  // stale: refused, nothing changes
        assert(false);
    } catch (const objpool::BadFree& error) {
        assert(error.reason() == objpool::BadFree::Reason::not_allocated);
        assert(std::string(error.what()) ==
               "objpool: cannot free handle {slot 0, generation 0}: stale (the slot is at "
               "generation 1)");
    }
    assert(!handles.try_free(objpool::Handle<std::uint16_t>{7, 0}));  // not a slot of this pool
    assert(handles.allocated() == 1 && handles.retired() == 0);
}
