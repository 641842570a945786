// Compiled with -fno-exceptions: a call that would throw reports through the error handler and
// aborts. `no_exceptions_abort <case>` makes one such call; ctest checks what it printed.
// A SIGABRT handler prints a marker, so the test sees that abort() ran, and exits with 3.
// In the coverage build (scripts/coverage.sh) it first writes the gcov counters, which an abort
// would lose: the lines that report and abort count as run (docs/reliability.md, Coverage).
#include <unistd.h>
#include <csignal>
#include <cstdio>
#include <cstring>

#include <objpool/objpool.hpp>

#if OBJPOOL_HAS_EXCEPTIONS
#error "this program must be compiled with -fno-exceptions"
#endif

#ifdef OBJPOOL_COVERAGE  // set by scripts/coverage.sh, which links with --coverage (libgcov)
extern "C" void __gcov_dump();
#endif

namespace {

extern "C" void on_abort(int) {
#ifdef OBJPOOL_COVERAGE
    __gcov_dump();
#endif
    const char marker[] = "no_exceptions_abort: abort() called\n";
    static_cast<void>(write(STDERR_FILENO, marker, sizeof marker - 1));
    _exit(3);
}

void custom_handler(const char* message) noexcept {
    std::fprintf(stderr, "custom handler: %s\n", message);
}

}  // namespace

int main(int argc, char** argv) {
    std::signal(SIGABRT, &on_abort);
    const char* which = argc > 1 ? argv[1] : "";
    if (std::strcmp(which, "id_pool_free") == 0) {
        objpool::IdPool<objpool::Fifo> pool(3);  // the default handler: print, abort
        pool.free(42);
    } else if (std::strcmp(which, "id_pool_double_free") == 0) {
        objpool::set_error_handler(&custom_handler);  // returns; abort follows anyway
        objpool::IdPool<objpool::Bitmap> pool(3);
        const auto id = pool.get();
        pool.free(*id);
        pool.free(*id);
    } else if (std::strcmp(which, "object_pool_free") == 0) {
        objpool::ObjectPool<int, objpool::Lifo, objpool::ConstructOnGet> pool(2);
        int* object = pool.acquire(7);
        pool.free(object);
        pool.free(object);
    } else if (std::strcmp(which, "capacity") == 0) {
        objpool::IdPool<objpool::Lifo> pool(objpool::max_capacity + 1);
    }
    std::fprintf(stderr, "no_exceptions_abort: the call returned\n");
    return 0;
}
