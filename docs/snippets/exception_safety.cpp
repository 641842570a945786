// A constructor or factory that throws leaves the pool unchanged; so does a throwing reset
// hook, which leaves the object out.
#include <cassert>
#include <cstddef>
#include <objpool/objpool.hpp>
#include <stdexcept>

struct Session {
    int uses = 0;
};

int main() {
    bool fail = true;
    objpool::ObjectPool<Session, objpool::Bitmap> pool(
        4,
        [&fail](std::size_t) {
            if (fail) {
                throw std::runtime_error("backend down");
            }
            return Session{};
        },
        [](Session& session) {
            if (session.uses > 1) {
                throw std::runtime_error("cannot reset");
            }
        });

    try {
        (void)pool.get();
        assert(false);
    } catch (const std::runtime_error&) {
    }
    assert(pool.allocated() == 0 && pool.high_water_mark() == 0);  // unchanged

    fail = false;
    Session* session = pool.acquire();
    session->uses = 2;
    try {
        pool.free(session);
        assert(false);
    } catch (const std::runtime_error&) {
    }
    assert(pool.is_allocated(1));  // still out
    session->uses = 0;
    pool.free(session);  // now it goes back
    assert(pool.allocated() == 0);
}
