// Built with -fno-exceptions. get, try_free and the queries work as usual; a call that would
// throw passes its message to the error handler, then objpool calls std::abort() -- unless the
// handler ends the program first, as this one does.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <objpool/objpool.hpp>

static_assert(OBJPOOL_HAS_EXCEPTIONS == 0, "this snippet is built with -fno-exceptions");

void exit_on_error(const char* message) noexcept {
    std::fprintf(stderr, "fatal: %s\n", message);
    const bool expected = std::strcmp(message, "objpool: cannot free id 2: not allocated") == 0;
    std::_Exit(expected ? EXIT_SUCCESS : EXIT_FAILURE);
}

int main() {
    objpool::set_error_handler(&exit_on_error);
    objpool::IdPool<objpool::Lifo> ids(4);
    const auto id = ids.get();                     // 1
    if (!id || ids.try_free(2) || !ids.try_free(*id)) {  // no exceptions involved
        return EXIT_FAILURE;
    }
    ids.free(2);  // not out: the handler runs and never returns
    return EXIT_FAILURE;  // not reached
}
