#include "test_support.hpp"

#include <fstream>

#include <unistd.h>

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace objpool_test {

std::size_t resident_bytes() {
#ifdef __GLIBC__
    // glibc raises its mmap threshold once a large block is freed; calloc then serves large
    // zeroed arrays from recycled heap memory and clears them, touching every page, whatever the
    // pool does (a pool's extra array, such as the object pools' "leased" marks, made the memory
    // tests depend on which tests ran before). Fixed at the default before the first measurement,
    // every array of 128 KiB or more comes as fresh zero pages, the case the tests measure.
    static const bool threshold_fixed = mallopt(M_MMAP_THRESHOLD, 128 * 1024) == 1;
    static_cast<void>(threshold_fixed);
#endif
    std::ifstream statm("/proc/self/statm");
    std::size_t total_pages = 0;
    std::size_t resident_pages = 0;
    if (!(statm >> total_pages >> resident_pages)) {
        return 0;
    }
    return resident_pages * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

}  // namespace objpool_test
