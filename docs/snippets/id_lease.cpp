// objpool::IdLease: an id that goes back to its pool when the lease is destroyed.
#include <cassert>
#include <cstdint>
#include <objpool/objpool.hpp>
#include <utility>

int main() {
    objpool::IdPool<objpool::Lifo> sessions(2);
    {
        objpool::IdLease<objpool::IdPool<objpool::Lifo>> first = sessions.lease();
        auto second = sessions.lease();
        assert(first && second && first.id() == 1 && second.id() == 2);
        assert(!sessions.lease());  // exhausted: an empty lease

        auto moved = std::move(first);  // move-only; `first` is empty now
        assert(!first && moved.id() == 1);

        const std::uint32_t kept = second.release();  // out still, no longer the lease's
        assert(!second && sessions.is_allocated(kept));
        sessions.free(kept);
    }  // `moved` gives id 1 back here
    assert(sessions.available() == 2);
}
