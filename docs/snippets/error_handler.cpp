// objpool::set_error_handler: where objpool reports what it cannot throw. Here: a pool
// destroyed while an object is still out, which debug builds (no NDEBUG) report.
#include <cassert>
#include <cstring>
#include <objpool/objpool.hpp>

namespace {
int reports = 0;
void count_report(const char* message) noexcept {
    assert(std::strcmp(message, "objpool: ObjectPool destroyed while 1 objects are out") == 0);
    ++reports;  // returning lets the destructor go on and destroy the object
}
}  // namespace

int main() {
    const objpool::ErrorHandler previous = objpool::set_error_handler(&count_report);
    {
        objpool::ObjectPool<int, objpool::Lifo> pool(4);
        int* leaked = pool.acquire();
        *leaked = 1;
    }  // destroyed with object 1 out
    assert(reports == 1);
    objpool::set_error_handler(previous);  // nullptr would restore the default: print and abort
}
