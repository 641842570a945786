// What a large capacity costs: the resident memory (RSS) and address space of pools of 10^8
// slots, after creation and after 1,000 objects, ids or blocks were handed out (and kept out).
// Prints one Markdown table row per pool; Linux only (/proc/self/statm). The objects, ids and
// blocks stay out until their pool is destroyed.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>

#include <sys/wait.h>
#include <unistd.h>

#include <objpool/objpool.hpp>

namespace {

constexpr std::size_t capacity = 100'000'000;
constexpr std::size_t used = 1'000;

struct Payload {
    std::uint64_t words[8];  // 64 bytes, as in the timed benchmarks
};

struct Memory {
    double resident_kib;
    double virtual_mib;
};

Memory memory() {
    std::ifstream statm("/proc/self/statm");
    std::size_t total_pages = 0;
    std::size_t resident_pages = 0;
    statm >> total_pages >> resident_pages;
    const auto page = static_cast<double>(sysconf(_SC_PAGESIZE));
    return {double(resident_pages) * page / 1024.0, double(total_pages) * page / 1048576.0};
}

// A write the compiler cannot drop: the object's memory is touched, as a user's would be.
void touch(Payload* object, std::size_t value) {
    static_cast<volatile std::uint64_t&>(object->words[0]) = value;
}

// In a child process of its own (a fresh C library heap each time: glibc raises its mmap
// threshold when a large block is freed, which would change how the next pool's arrays are
// allocated), builds a pool of `used` slots and uses it (the code and the C library's paths run
// once, so that their one-off page-ins are not counted), then builds one of `capacity` with
// `create`, hands out `used` with `use`, and prints the deltas.
template <class Create, class Use>
void measure(const char* name, Create create, Use use) {
    std::fflush(stdout);
    const pid_t child = fork();
    if (child != 0) {
        int status = 0;
        waitpid(child, &status, 0);
        return;
    }
    {
        auto warm_up = create(used);
        use(*warm_up);
    }
    const Memory before = memory();
    auto pool = create(capacity);
    const Memory created = memory();
    use(*pool);
    const Memory after = memory();
    std::printf("| %s | %.0f | %.0f | %.0f |\n", name, created.virtual_mib - before.virtual_mib,
                created.resident_kib - before.resident_kib,
                after.resident_kib - before.resident_kib);
    std::fflush(stdout);
    _exit(0);
}

}  // namespace

int main() {
    std::printf(
        "| pool of 10^8 slots | address space, MiB | RSS after creation, KiB | "
        "RSS after %zu used, KiB |\n|---|---:|---:|---:|\n",
        used);
    measure(
        "ObjectPool<Payload (64 bytes), Lifo>",
        [](std::size_t size) {
            return std::make_unique<objpool::ObjectPool<Payload, objpool::Lifo>>(size);
        },
        [&](auto& pool) {
            for (std::size_t i = 0; i < used; ++i) {
                Payload* const object = pool.acquire();
                touch(object, i);
            }
        });
    measure(
        "IdPool<Lifo>",
        [](std::size_t size) {
            return std::make_unique<objpool::IdPool<objpool::Lifo, std::uint32_t>>(size);
        },
        [&](auto& pool) {
            for (std::size_t i = 0; i < used; ++i) {
                static_cast<void>(pool.get());
            }
        });
    measure(
        "IdPool<Fifo>",
        [](std::size_t size) {
            return std::make_unique<objpool::IdPool<objpool::Fifo, std::uint32_t>>(size);
        },
        [&](auto& pool) {
            for (std::size_t i = 0; i < used; ++i) {
                static_cast<void>(pool.get());
            }
        });
    measure(
        "IdPool<Bitmap>",
        [](std::size_t size) {
            return std::make_unique<objpool::IdPool<objpool::Bitmap, std::uint32_t>>(size);
        },
        [&](auto& pool) {
            for (std::size_t i = 0; i < used; ++i) {
                static_cast<void>(pool.get());
            }
        });
    measure(
        "PoolResource<Lifo> (64-byte blocks)",
        [](std::size_t size) {
            return std::make_unique<objpool::PoolResource<objpool::Lifo>>(64, size);
        },
        [&](auto& resource) {
            for (std::size_t i = 0; i < used; ++i) {
                touch(static_cast<Payload*>(resource.allocate(64, 8)), i);
            }
        });
    return 0;
}
