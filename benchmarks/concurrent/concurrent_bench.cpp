// The thread-safe pools against the allocators and lock-free containers a user would otherwise
// build a pool from, per thread count (1, 2, 4, 8 by default, up to 4x oversubscribed on a 2-core
// machine; --threads=1,2,4,8,16 chooses others).
//
// Workloads (one get+free pair an iteration, every thread the same number of iterations):
// - "same-thread": every thread keeps 4 handles out and frees its oldest, then gets a new one.
// - "cross-thread": every thread gets a handle and swaps it (an atomic exchange) into a slot of
//   a shared table of 1024 handles, chosen by a per-thread pseudo-random sequence, then frees
//   the handle it took out, which another thread got whenever there are several. The table is
//   filled before the threads start and emptied after they end, outside the timing.
// Object peers write to each object they get (first and last word) and read it back before
// freeing it, checking that it still holds what its getter wrote: no allocator gets away with
// handing out memory nobody uses, and a peer that hands one object to two holders fails the
// run. Id peers hand out ids 1 .. capacity (0 is never valid).
//
// The metric: Google Benchmark starts the threads together at a barrier, each times its own
// loop in wall-clock time (UseRealTime) and reports its iterations as items; items_per_second
// is the pairs of all threads divided by the mean of the threads' times, so 1e9 /
// items_per_second (what benchmarks/concurrent/render.py reports, and the "Time" column) is the
// wall-clock time per pair, all threads together. Lower is better; with perfect scaling it
// halves from 1 to 2 threads on 2 cores.
//
// Names are "<workload>/<implementation>/real_time/threads:<t>". The pools have a capacity of
// 65536, which neither workload comes near (at most 1024 + 8 out), so no get fails or waits.
#include <benchmark/benchmark.h>
#include <concurrentqueue/concurrentqueue.h>
#include <dlfcn.h>
#include <jemalloc/jemalloc.h>
#include <mimalloc.h>
#include <tbb/scalable_allocator.h>
#include <unistd.h>
#include <boost/lockfree/queue.hpp>
#include <boost/lockfree/stack.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <memory_resource>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include <objpool/objpool.hpp>

namespace {

using objpool::Bitmap;
using objpool::Counted;
using objpool::Fifo;
using objpool::Lifo;
using objpool::Locked;
using objpool::ThreadCached;

constexpr std::size_t capacity = 65'536;
constexpr std::size_t held_per_thread = 4;
constexpr std::size_t table_size = 1'024;  // a power of two: the slot is a masked random number

// A 64-byte object, the size a small pooled object (a connection handle, a request) has.
struct Object {
    std::uint64_t words[8];
};
static_assert(sizeof(Object) == 64);

using Id = std::uint32_t;

// ---------------------------------------------------------------------------------------------
// What the workloads do with a handle.

std::uint64_t stamp_of(const Object* object) {
    return reinterpret_cast<std::uintptr_t>(object);
}

// Write to a fresh object as its user would (both ends: an allocator's 64 bytes may straddle
// two cache lines); an id carries nothing to write.
void use(Object* object) {
    object->words[0] = stamp_of(object);
    object->words[7] = stamp_of(object);
}
void use(Id) {}

// Read back what use() wrote before the handle is freed: false when the peer handed the object
// to another holder meanwhile.
bool still_ours(const Object* object) {
    return object->words[0] == stamp_of(object) && object->words[7] == stamp_of(object);
}
bool still_ours(Id) {
    return true;
}

// ---------------------------------------------------------------------------------------------
// The implementations. Each is a type with a name(), a Handle (Object* or Id, where a value-
// initialised Handle means "none"), get() and free(Handle), and thread_safe (false: measured
// at one thread only, as the single-threaded reference). Adding one is one line in Peers below.

template <class Policy>
struct PolicyName;
template <>
struct PolicyName<Lifo> {
    static std::string get() { return "Lifo"; }
};
template <>
struct PolicyName<Fifo> {
    static std::string get() { return "Fifo"; }
};
template <>
struct PolicyName<Bitmap> {
    static std::string get() { return "Bitmap"; }
};
template <class Policy>
struct PolicyName<Locked<Policy>> {
    static std::string get() { return "Locked<" + PolicyName<Policy>::get() + ">"; }
};
template <class Policy>
struct PolicyName<Counted<Policy>> {
    static std::string get() { return "Counted<" + PolicyName<Policy>::get() + ">"; }
};
template <class Policy, std::size_t CacheCapacity>
struct PolicyName<ThreadCached<Policy, CacheCapacity>> {
    static std::string get() {
        const bool default_capacity =
            std::is_same_v<ThreadCached<Policy>, ThreadCached<Policy, CacheCapacity>>;
        return "ThreadCached<" + PolicyName<Policy>::get() +
               (default_capacity ? std::string() : ", " + std::to_string(CacheCapacity)) + ">";
    }
};

// objpool's raw-pointer interface (acquire / free(T*)), the counterpart of malloc / free.
template <template <class, class, class...> class Pool, class Policy, bool ThreadSafe>
struct ObjectPoolImpl {
    using Handle = Object*;
    static constexpr bool thread_safe = ThreadSafe;
    static std::string name() {
        return std::string(ThreadSafe ? "ConcurrentObjectPool" : "ObjectPool") + "<T, " +
               PolicyName<Policy>::get() + ">";
    }
    Pool<Object, Policy> pool{capacity};
    Handle get() { return pool.acquire(); }
    void free(Handle object) { pool.free(object); }
};

template <template <class, class...> class Pool, class Policy, bool ThreadSafe>
struct IdPoolImpl {
    using Handle = Id;
    static constexpr bool thread_safe = ThreadSafe;
    static std::string name() {
        return std::string(ThreadSafe ? "ConcurrentIdPool" : "IdPool") + "<" +
               PolicyName<Policy>::get() + ">";
    }
    Pool<Policy, Id> pool{capacity};
    Handle get() { return pool.get().value_or(Id{}); }
    void free(Handle id) { pool.free(id); }
};

template <class Policy>
using ConcurrentObjectPool = ObjectPoolImpl<objpool::ConcurrentObjectPool, Policy, true>;
template <class Policy>
using ConcurrentIdPool = IdPoolImpl<objpool::ConcurrentIdPool, Policy, true>;
template <class Policy>
using ObjectPool = ObjectPoolImpl<objpool::ObjectPool, Policy, false>;
template <class Policy>
using IdPool = IdPoolImpl<objpool::IdPool, Policy, false>;

struct GlibcNewDelete {
    using Handle = Object*;
    static constexpr bool thread_safe = true;
    static std::string name() { return "glibc new/delete"; }
    Handle get() { return new Object; }
    void free(Handle object) { delete object; }
};

// Debian's libmimalloc and libjemalloc export malloc, free and operator new themselves: linked
// into this program they would replace glibc's allocator for everything in it, the glibc peer
// included. So they are loaded with dlopen(RTLD_LOCAL), which keeps their symbols out of the
// global scope, and called through the pointers dlsym gives (a call through the PLT, as linking
// would make, is an indirect call too).
class SharedLibrary {
public:
    explicit SharedLibrary(const char* path) : handle_(dlopen(path, RTLD_NOW | RTLD_LOCAL)) {
        if (handle_ == nullptr) {
            throw std::runtime_error(dlerror());
        }
    }
    SharedLibrary(const SharedLibrary&) = delete;
    SharedLibrary& operator=(const SharedLibrary&) = delete;
    // Never dlclose: allocators keep per-thread state whose destructors run at thread exit.

    template <class Function>
    Function* function(const char* name) const {
        void* address = dlsym(handle_, name);
        if (address == nullptr) {
            throw std::runtime_error(std::string("no ") + name + " in the allocator library");
        }
        return reinterpret_cast<Function*>(address);
    }

private:
    void* handle_;
};

// The signatures the libraries are called through, checked against their headers (in sizeof,
// which names the functions without linking them).
using AllocateFunction = void*(std::size_t);
using FreeFunction = void(void*);
using AllocateWithFlagsFunction = void*(std::size_t, int);
using FreeWithFlagsFunction = void(void*, int);
static_assert(sizeof(static_cast<AllocateFunction*>(&mi_malloc)) != 0);
static_assert(sizeof(static_cast<FreeFunction*>(&mi_free)) != 0);
static_assert(sizeof(static_cast<AllocateWithFlagsFunction*>(&mallocx)) != 0);
static_assert(sizeof(static_cast<FreeWithFlagsFunction*>(&dallocx)) != 0);

struct Mimalloc {
    using Handle = Object*;
    static constexpr bool thread_safe = true;
    static std::string name() { return "mimalloc mi_malloc/mi_free"; }
    static inline AllocateFunction* allocate = nullptr;
    static inline FreeFunction* deallocate = nullptr;
    static void load(const SharedLibrary& library) {
        allocate = library.function<AllocateFunction>("mi_malloc");
        deallocate = library.function<FreeFunction>("mi_free");
    }
    Handle get() { return static_cast<Object*>(allocate(sizeof(Object))); }
    void free(Handle object) { deallocate(object); }
};

struct Jemalloc {
    using Handle = Object*;
    static constexpr bool thread_safe = true;
    static std::string name() { return "jemalloc mallocx/dallocx"; }
    static inline AllocateWithFlagsFunction* allocate = nullptr;
    static inline FreeWithFlagsFunction* deallocate = nullptr;
    static void load(const SharedLibrary& library) {
        allocate = library.function<AllocateWithFlagsFunction>("mallocx");
        deallocate = library.function<FreeWithFlagsFunction>("dallocx");
    }
    Handle get() { return static_cast<Object*>(allocate(sizeof(Object), 0)); }
    void free(Handle object) { deallocate(object, 0); }
};

// libtbbmalloc exports only scalable_* (the replacement of malloc is libtbbmalloc_proxy), so it
// is linked.
struct TbbScalableMalloc {
    using Handle = Object*;
    static constexpr bool thread_safe = true;
    static std::string name() { return "TBB scalable_malloc/scalable_free"; }
    Handle get() { return static_cast<Object*>(scalable_malloc(sizeof(Object))); }
    void free(Handle object) { scalable_free(object); }
};

struct SynchronizedPoolResource {
    using Handle = Object*;
    static constexpr bool thread_safe = true;
    static std::string name() { return "std::pmr::synchronized_pool_resource"; }
    std::pmr::synchronized_pool_resource resource;
    Handle get() {
        return static_cast<Object*>(resource.allocate(sizeof(Object), alignof(Object)));
    }
    void free(Handle object) { resource.deallocate(object, sizeof(Object), alignof(Object)); }
};

// Id free lists built from lock-free containers the usual way: filled with 1 .. capacity,
// get = pop, free = push. None checks a double free or an out-of-range id.
struct MoodycamelQueueIds {
    using Handle = Id;
    static constexpr bool thread_safe = true;
    static std::string name() { return "moodycamel::ConcurrentQueue ids"; }
    moodycamel::ConcurrentQueue<Id> queue{capacity};
    MoodycamelQueueIds() {
        for (std::size_t id = 1; id <= capacity; ++id) {
            queue.enqueue(static_cast<Id>(id));
        }
    }
    Handle get() {
        Id id{};
        return queue.try_dequeue(id) ? id : Id{};
    }
    // enqueue allocates a block only when every block the queue has is full, which a queue
    // that held all the ids once never is again.
    void free(Handle id) { queue.enqueue(id); }
};

// Both reserve a node for every id up front, and bounded_push never allocates: a push that
// found no node would fail the run.
struct BoostStackIds {
    using Handle = Id;
    static constexpr bool thread_safe = true;
    static std::string name() { return "boost::lockfree::stack ids"; }
    boost::lockfree::stack<Id> stack{capacity};
    BoostStackIds() {
        for (std::size_t id = capacity; id >= 1; --id) {
            push(static_cast<Id>(id));
        }
    }
    Handle get() {
        Id id{};
        return stack.pop(id) ? id : Id{};
    }
    void free(Handle id) { push(id); }
    void push(Id id) {
        if (!stack.bounded_push(id)) {
            throw std::logic_error("boost::lockfree::stack ran out of nodes");
        }
    }
};

struct BoostQueueIds {
    using Handle = Id;
    static constexpr bool thread_safe = true;
    static std::string name() { return "boost::lockfree::queue ids"; }
    boost::lockfree::queue<Id> queue{capacity};
    BoostQueueIds() {
        for (std::size_t id = 1; id <= capacity; ++id) {
            push(static_cast<Id>(id));
        }
    }
    Handle get() {
        Id id{};
        return queue.pop(id) ? id : Id{};
    }
    void free(Handle id) { push(id); }
    void push(Id id) {
        if (!queue.bounded_push(id)) {
            throw std::logic_error("boost::lockfree::queue ran out of nodes");
        }
    }
};

// Every implementation, in the order of the report: one line each.
using Peers = std::tuple<                               //
    ConcurrentObjectPool<Lifo>,                         //
    ConcurrentObjectPool<Fifo>,                         //
    ConcurrentObjectPool<Bitmap>,                       //
    ConcurrentObjectPool<Locked<Lifo>>,                 //
    ConcurrentObjectPool<ThreadCached<Lifo>>,           //
    ConcurrentObjectPool<ThreadCached<Fifo>>,           //
    ConcurrentObjectPool<ThreadCached<Bitmap>>,         //
    ConcurrentObjectPool<ThreadCached<Lifo, 16>>,       //
    ConcurrentObjectPool<ThreadCached<Lifo, 256>>,      //
    ConcurrentObjectPool<Counted<ThreadCached<Lifo>>>,  //
    GlibcNewDelete,                                     //
    Mimalloc,                                           //
    Jemalloc,                                           //
    TbbScalableMalloc,                                  //
    SynchronizedPoolResource,                           //
    ConcurrentIdPool<Lifo>,                             //
    ConcurrentIdPool<Fifo>,                             //
    ConcurrentIdPool<Bitmap>,                           //
    ConcurrentIdPool<Locked<Lifo>>,                     //
    ConcurrentIdPool<Locked<Fifo>>,                     //
    ConcurrentIdPool<Locked<Bitmap>>,                   //
    ConcurrentIdPool<ThreadCached<Lifo>>,               //
    ConcurrentIdPool<ThreadCached<Fifo>>,               //
    ConcurrentIdPool<ThreadCached<Bitmap>>,             //
    ConcurrentIdPool<Counted<Lifo>>,                    //
    MoodycamelQueueIds,                                 //
    BoostStackIds,                                      //
    BoostQueueIds,                                      //
    ObjectPool<Lifo>,                                   //
    IdPool<Lifo>,                                       //
    IdPool<Fifo>,                                       //
    IdPool<Bitmap>>;

// ---------------------------------------------------------------------------------------------
// The harness.

// What all threads of one run share: made by Setup and destroyed by Teardown, which run once
// per run outside the threads and outside the timing.
template <class Impl>
struct Shared {
    using Handle = typename Impl::Handle;
    static inline std::unique_ptr<Impl> impl;
    static inline std::unique_ptr<std::atomic<Handle>[]> table;

    static void create_pool_only(const benchmark::State&) { impl = std::make_unique<Impl>(); }
    static void create_with_table(const benchmark::State&) {
        impl = std::make_unique<Impl>();
        table = std::make_unique<std::atomic<Handle>[]>(table_size);
        for (std::size_t slot = 0; slot < table_size; ++slot) {
            const Handle handle = impl->get();
            use(handle);
            table[slot].store(handle, std::memory_order_relaxed);
        }
    }
    static void destroy(const benchmark::State&) {
        if (table) {
            for (std::size_t slot = 0; slot < table_size; ++slot) {
                impl->free(table[slot].load(std::memory_order_relaxed));
            }
            table.reset();
        }
        impl.reset();
    }
};

// get() and use(), or false (and the run marked failed) when the implementation had none.
template <class Impl>
bool get_and_use(Impl& impl, typename Impl::Handle& handle, benchmark::State& state) {
    handle = impl.get();
    if (handle == typename Impl::Handle{}) {
        state.SkipWithError("get failed: the pool is sized never to run dry");
        return false;
    }
    use(handle);
    benchmark::DoNotOptimize(handle);
    return true;
}

// still_ours() and free(), or false (and the run marked failed) when another holder wrote to
// the object.
template <class Impl>
bool check_and_free(Impl& impl, typename Impl::Handle handle, benchmark::State& state) {
    if (!still_ours(handle)) {
        state.SkipWithError("an object was handed to two holders");
        return false;
    }
    impl.free(handle);
    return true;
}

template <class Impl>
void same_thread(benchmark::State& state) {
    Impl& impl = *Shared<Impl>::impl;
    typename Impl::Handle held[held_per_thread];
    std::size_t got = 0;
    while (got < held_per_thread && get_and_use(impl, held[got], state)) {
        ++got;
    }
    std::size_t oldest = 0;
    if (got == held_per_thread) {
        for (auto _ : state) {
            if (!check_and_free(impl, held[oldest], state) ||
                !get_and_use(impl, held[oldest], state)) {
                break;
            }
            oldest = (oldest + 1) % held_per_thread;
        }
    }
    for (std::size_t index = 0; index < got; ++index) {
        if (index != oldest || !state.error_occurred()) {
            impl.free(held[index]);
        }
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

// xorshift32: a slot sequence that costs a few instructions and differs per thread.
std::uint32_t next_random(std::uint32_t& state) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return state;
}

template <class Impl>
void cross_thread(benchmark::State& state) {
    using Handle = typename Impl::Handle;
    Impl& impl = *Shared<Impl>::impl;
    std::atomic<Handle>* table = Shared<Impl>::table.get();
    std::uint32_t random = 0x9e3779b9U * static_cast<std::uint32_t>(state.thread_index() + 1);
    for (auto _ : state) {
        Handle fresh{};
        if (!get_and_use(impl, fresh, state)) {
            break;
        }
        const std::size_t slot = next_random(random) & (table_size - 1);
        // acq_rel: the handle goes to, and comes from, a thread that reads its object.
        const Handle taken = table[slot].exchange(fresh, std::memory_order_acq_rel);
        if (!check_and_free(impl, taken, state)) {
            break;
        }
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

template <class Impl>
void add(const std::vector<int>& thread_counts, const char* workload,
         void (*run)(benchmark::State&), void (*setup)(const benchmark::State&)) {
    const std::string name = std::string(workload) + "/" + Impl::name();
    auto* benchmark = benchmark::RegisterBenchmark(name.c_str(), run)
                          ->Setup(setup)
                          ->Teardown(&Shared<Impl>::destroy)
                          ->UseRealTime();
    for (const int threads : thread_counts) {
        if (threads == 1 || Impl::thread_safe) {
            benchmark->Threads(threads);
        }
    }
}

template <class... Impls>
void add_all(std::tuple<Impls...>*, const std::vector<int>& thread_counts) {
    (add<Impls>(thread_counts, "same-thread", &same_thread<Impls>,
                &Shared<Impls>::create_pool_only),
     ...);
    (add<Impls>(thread_counts, "cross-thread", &cross_thread<Impls>,
                &Shared<Impls>::create_with_table),
     ...);
}

constexpr const char* threads_flag = "--threads=";
constexpr int most_threads = 256;  // the pools' capacity holds 1024 + 4 x 256 out

// The thread counts of --threads=1,2,4,8 (the default, for a 2-core machine), taken out of
// argv before Google Benchmark reads it; empty when the list is malformed.
std::vector<int> take_thread_counts(int& argc, char** argv) {
    std::vector<int> counts{1, 2, 4, 8};
    int kept = 1;
    for (int index = 1; index < argc; ++index) {
        if (std::strncmp(argv[index], threads_flag, std::strlen(threads_flag)) != 0) {
            argv[kept++] = argv[index];
            continue;
        }
        counts.clear();
        const char* cursor = argv[index] + std::strlen(threads_flag);
        while (true) {
            char* end = nullptr;
            const long count = std::strtol(cursor, &end, 10);
            if (end == cursor || count < 1 || count > most_threads ||
                (*end != ',' && *end != '\0')) {
                return {};
            }
            counts.push_back(static_cast<int>(count));
            if (*end == '\0') {
                break;
            }
            cursor = end + 1;
        }
    }
    argc = kept;
    argv[argc] = nullptr;
    return counts;
}

// Debian's libjemalloc keeps its thread state in initial-exec TLS, which a library loaded with
// dlopen can only take from glibc's static TLS surplus; the default surplus (512 bytes) is too
// small. The surplus is fixed when the program starts, so start over once with a larger one.
constexpr const char* static_tls_tunable = "glibc.rtld.optional_static_tls=16384";

void restart_with_larger_static_tls(char** argv) {
    const char* tunables = std::getenv("GLIBC_TUNABLES");
    if (tunables != nullptr && std::strstr(tunables, static_tls_tunable) != nullptr) {
        return;  // already restarted: the caller reports the error
    }
    const std::string value = tunables == nullptr || *tunables == '\0'
                                  ? std::string(static_tls_tunable)
                                  : std::string(tunables) + ":" + static_tls_tunable;
    setenv("GLIBC_TUNABLES", value.c_str(), 1);
    execv("/proc/self/exe", argv);
}

// Loaded once, never unloaded (see SharedLibrary).
void load_allocators(char** argv) {
    static const SharedLibrary mimalloc(OBJPOOL_BENCH_MIMALLOC_LIBRARY);
    Mimalloc::load(mimalloc);
    try {
        static const SharedLibrary jemalloc(OBJPOOL_BENCH_JEMALLOC_LIBRARY);
        Jemalloc::load(jemalloc);
    } catch (const std::runtime_error& error) {
        if (std::strstr(error.what(), "static TLS") != nullptr) {
            restart_with_larger_static_tls(argv);
        }
        throw;
    }
}

}  // namespace

int main(int argc, char** argv) {
    try {
        load_allocators(argv);
    } catch (const std::exception& error) {
        std::fprintf(stderr, "objpool_concurrent_bench: cannot load an allocator: %s\n",
                     error.what());
        return 1;
    }
    const std::vector<int> thread_counts = take_thread_counts(argc, argv);
    if (thread_counts.empty()) {
        std::fprintf(stderr, "objpool_concurrent_bench: %sN[,N...] takes thread counts 1 to %d\n",
                     threads_flag, most_threads);
        return 2;
    }
    add_all(static_cast<Peers*>(nullptr), thread_counts);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
        return 1;
    }
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
