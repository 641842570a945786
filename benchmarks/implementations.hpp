/// @file
/// @brief Every implementation the benchmarks run, behind one small interface, and the list of
/// them all (for_each_implementation).
///
/// An implementation `I` has `I(n)` (room for n objects or ids), `I::Handle`, `Handle get()`
/// (aborts when the pool is exhausted: the workloads never exhaust a pool, so that branch is
/// a predictable check every implementation pays), `void free(Handle&)` (gives the handle's
/// object or id back; a checking implementation aborts or throws on a bad free) and a `name`
/// (a `static constexpr const char*`, or a static function returning std::string).
///
/// Every get and free here is forced inline (OBJPOOL_BENCH_INLINE) into the workload loops, as
/// a program's own direct call of the library's get and free is: left to the compiler, whether
/// a wrapper is inlined decided some rows (ObjectPool lease<Lifo, Reuse> churn: 71
/// instructions a pair through calls to the wrapper, 54 with it inlined; clang 14).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory_resource>
#include <string>
#include <type_traits>
#include <utility>

#include <objpool/objpool.hpp>

#include "references.hpp"

#if OBJPOOL_BENCH_HAVE_BOOST
#include <boost/pool/object_pool.hpp>
#include <boost/pool/pool.hpp>
#endif
#if OBJPOOL_BENCH_HAVE_FOONATHAN
#include <foonathan/memory/memory_pool.hpp>
#include <foonathan/memory/namespace_alias.hpp>
#endif

#define OBJPOOL_BENCH_INLINE [[gnu::always_inline]] inline

namespace objpool_bench {

/// The 64-byte object the object pools hold. Constructing it zeroes it.
struct Payload {
    std::uint64_t words[8] = {};
};
static_assert(sizeof(Payload) == 64, "the benchmarks' object is 64 bytes");

[[noreturn, gnu::noinline, gnu::cold]] inline void fail(const char* what) {
    std::fprintf(stderr, "objpool benchmarks: %s\n", what);
    std::abort();
}

inline const char* policy_name(objpool::Fifo /*unused*/) {
    return "Fifo";
}
inline const char* policy_name(objpool::Lifo /*unused*/) {
    return "Lifo";
}
inline const char* policy_name(objpool::Bitmap /*unused*/) {
    return "Bitmap";
}
template <class Policy>
std::string policy_name(objpool::Counted<Policy> /*unused*/) {
    return std::string("Counted<") + policy_name(Policy{}) + ">";
}

template <class Policy, class Lifecycle>
std::string layer_name(const char* layer, Policy policy, Lifecycle /*unused*/) {
    return std::string(layer) + "<" + policy_name(policy) +
           (std::is_same_v<Lifecycle, objpool::Reuse> ? ", Reuse>" : ", ConstructOnGet>");
}

// ---------------------------------------------------------------------------------------------
// objpool

/// `IdPool<Policy>`: get() and the checked free(id).
template <class Policy>
struct IdPoolImpl {
    using Handle = std::uint32_t;
    using Pool = objpool::IdPool<Policy>;
    static std::string name() { return std::string("IdPool<") + policy_name(Policy{}) + ">"; }

    explicit IdPoolImpl(std::size_t n) : pool(n) {}
    OBJPOOL_BENCH_INLINE Handle get() noexcept {
        const auto id = pool.get();
        if (!id) {
            fail("IdPool exhausted");
        }
        return *id;
    }
    OBJPOOL_BENCH_INLINE void free(Handle& id) { pool.free(id); }

    Pool pool;
};

/// `ObjectPool<Payload, Policy, Lifecycle>` through leases: get() returns a Lease, and the
/// Lease's destructor gives the object back (the RAII path).
template <class Policy, class Lifecycle>
struct LeaseImpl {
    using Pool = objpool::ObjectPool<Payload, Policy, Lifecycle>;
    using Handle = typename Pool::lease_type;
    static std::string name() { return layer_name("ObjectPool lease", Policy{}, Lifecycle{}); }

    explicit LeaseImpl(std::size_t n) : pool(n) {}
    OBJPOOL_BENCH_INLINE Handle get() {
        Handle lease = pool.get();
        if (!lease) {
            fail("ObjectPool exhausted");
        }
        return lease;
    }
    OBJPOOL_BENCH_INLINE void free(Handle& lease) noexcept { Handle released(std::move(lease)); }

    Pool pool;
};

/// `ObjectPool<Payload, Policy, Lifecycle>` through the raw layer: acquire() and the checked
/// free(T*).
template <class Policy, class Lifecycle>
struct RawImpl {
    using Pool = objpool::ObjectPool<Payload, Policy, Lifecycle>;
    using Handle = Payload*;
    static std::string name() { return layer_name("ObjectPool raw", Policy{}, Lifecycle{}); }

    explicit RawImpl(std::size_t n) : pool(n) {}
    OBJPOOL_BENCH_INLINE Handle get() {
        Payload* const object = pool.acquire();
        if (object == nullptr) {
            fail("ObjectPool exhausted");
        }
        return object;
    }
    OBJPOOL_BENCH_INLINE void free(Handle& object) { pool.free(object); }

    Pool pool;
};

// ---------------------------------------------------------------------------------------------
// Peers

/// `new Payload` / `delete`: glibc malloc (its tcache catches some double frees, not all).
struct NewDelete {
    using Handle = Payload*;
    static constexpr const char* name = "new/delete";
    explicit NewDelete(std::size_t /*n*/) {}
    OBJPOOL_BENCH_INLINE Handle get() { return new Payload; }
    OBJPOOL_BENCH_INLINE void free(Handle& object) noexcept { delete object; }
};

/// `std::pmr::unsynchronized_pool_resource` over the default upstream: allocate/deallocate of
/// 64 bytes, nothing constructed, no checks.
struct PmrPool {
    using Handle = Payload*;
    static constexpr const char* name = "std::pmr pool";
    explicit PmrPool(std::size_t /*n*/) {}
    OBJPOOL_BENCH_INLINE Handle get() {
        return static_cast<Payload*>(resource.allocate(sizeof(Payload), alignof(Payload)));
    }
    OBJPOOL_BENCH_INLINE void free(Handle& object) noexcept {
        resource.deallocate(object, sizeof(Payload), alignof(Payload));
    }
    std::pmr::unsynchronized_pool_resource resource;
};

#if OBJPOOL_BENCH_HAVE_BOOST
/// `boost::object_pool<Payload>` sized for n: construct() / destroy(), no checks. destroy()
/// keeps the free list ordered, which costs O(free chunks below the address).
struct BoostObjectPool {
    using Handle = Payload*;
    static constexpr const char* name = "boost::object_pool";
    explicit BoostObjectPool(std::size_t n) : pool(n) {}
    OBJPOOL_BENCH_INLINE Handle get() {
        Payload* const object = pool.construct();
        if (object == nullptr) {
            fail("boost::object_pool exhausted");
        }
        return object;
    }
    OBJPOOL_BENCH_INLINE void free(Handle& object) noexcept { pool.destroy(object); }
    boost::object_pool<Payload> pool;
};

/// `boost::pool<>` of 64-byte chunks sized for n: malloc() / free(), nothing constructed, no
/// checks.
struct BoostPool {
    using Handle = Payload*;
    static constexpr const char* name = "boost::pool<>";
    explicit BoostPool(std::size_t n) : pool(sizeof(Payload), n) {}
    OBJPOOL_BENCH_INLINE Handle get() {
        void* const chunk = pool.malloc();
        if (chunk == nullptr) {
            fail("boost::pool exhausted");
        }
        return static_cast<Payload*>(chunk);
    }
    OBJPOOL_BENCH_INLINE void free(Handle& object) noexcept { pool.free(object); }
    boost::pool<> pool;
};
#endif

#if OBJPOOL_BENCH_HAVE_FOONATHAN
/// `foonathan::memory::memory_pool<node_pool>` with one block of n 64-byte nodes:
/// allocate_node() / deallocate_node(), nothing constructed; Debian's build has every debug
/// check off.
struct FoonathanNodePool {
    using Handle = Payload*;
    using Pool = foonathan::memory::memory_pool<foonathan::memory::node_pool>;
    static constexpr const char* name = "foonathan node_pool";
    explicit FoonathanNodePool(std::size_t n)
        : pool(sizeof(Payload), Pool::min_block_size(sizeof(Payload), n)) {}
    OBJPOOL_BENCH_INLINE Handle get() { return static_cast<Payload*>(pool.allocate_node()); }
    OBJPOOL_BENCH_INLINE void free(Handle& object) noexcept { pool.deallocate_node(object); }
    Pool pool;
};
#endif

// ---------------------------------------------------------------------------------------------
// References (references.hpp): indices 0 .. n-1, get returns n when empty, free returns false
// on a bad free.

template <class Reference>
struct ReferenceImpl {
    using Handle = std::size_t;
    explicit ReferenceImpl(std::size_t n) : reference(n), capacity(n) {}
    OBJPOOL_BENCH_INLINE Handle get() {
        const std::size_t index = reference.get();
        if (index == capacity) {
            fail("reference exhausted");
        }
        return index;
    }
    OBJPOOL_BENCH_INLINE void free(Handle& index) {
        if (!reference.free(index)) {
            fail("bad free");
        }
    }
    Reference reference;
    std::size_t capacity;
};

struct BareLifo : ReferenceImpl<BareLifoStack> {
    static constexpr const char* name = "bare LIFO stack";
    using ReferenceImpl::ReferenceImpl;
};
struct BareFifo : ReferenceImpl<BareRing> {
    static constexpr const char* name = "bare ring";
    using ReferenceImpl::ReferenceImpl;
};
struct BareFlatBitmap : ReferenceImpl<BareBitmap> {
    static constexpr const char* name = "bare bitmap";
    using ReferenceImpl::ReferenceImpl;
};
struct VarDepthBitmap : ReferenceImpl<VariableDepthBitmap> {
    static constexpr const char* name = "variable-depth bitmap";
    using ReferenceImpl::ReferenceImpl;
};
struct Naive : ReferenceImpl<NaivePort> {
    static constexpr const char* name = "naive deque+set";
    using ReferenceImpl::ReferenceImpl;
};

// ---------------------------------------------------------------------------------------------

/// The name of an implementation as the reports show it, e.g. "IdPool<Lifo>",
/// "ObjectPool raw<Bitmap, ConstructOnGet>".
template <class Impl>
std::string implementation_name() {
    if constexpr (std::is_same_v<decltype(Impl::name), const char* const>) {
        return Impl::name;
    } else {
        return Impl::name();
    }
}

/// A type as a value, to pass to the visitor of for_each_implementation.
template <class T>
struct Type {
    using type = T;
};

/// Calls `visit(Type<I>{})` for every implementation, objpool's first.
template <class Visitor>
void for_each_implementation(Visitor&& visit) {
    visit(Type<IdPoolImpl<objpool::Fifo>>{});
    visit(Type<IdPoolImpl<objpool::Lifo>>{});
    visit(Type<IdPoolImpl<objpool::Bitmap>>{});
    visit(Type<IdPoolImpl<objpool::Counted<objpool::Lifo>>>{});
    visit(Type<RawImpl<objpool::Fifo, objpool::Reuse>>{});
    visit(Type<RawImpl<objpool::Lifo, objpool::Reuse>>{});
    visit(Type<RawImpl<objpool::Bitmap, objpool::Reuse>>{});
    visit(Type<RawImpl<objpool::Counted<objpool::Lifo>, objpool::Reuse>>{});
    visit(Type<RawImpl<objpool::Fifo, objpool::ConstructOnGet>>{});
    visit(Type<RawImpl<objpool::Lifo, objpool::ConstructOnGet>>{});
    visit(Type<RawImpl<objpool::Bitmap, objpool::ConstructOnGet>>{});
    visit(Type<LeaseImpl<objpool::Fifo, objpool::Reuse>>{});
    visit(Type<LeaseImpl<objpool::Lifo, objpool::Reuse>>{});
    visit(Type<LeaseImpl<objpool::Bitmap, objpool::Reuse>>{});
    visit(Type<LeaseImpl<objpool::Fifo, objpool::ConstructOnGet>>{});
    visit(Type<LeaseImpl<objpool::Lifo, objpool::ConstructOnGet>>{});
    visit(Type<LeaseImpl<objpool::Bitmap, objpool::ConstructOnGet>>{});
    visit(Type<BareLifo>{});
    visit(Type<BareFifo>{});
    visit(Type<BareFlatBitmap>{});
    visit(Type<VarDepthBitmap>{});
    visit(Type<NewDelete>{});
    visit(Type<PmrPool>{});
#if OBJPOOL_BENCH_HAVE_BOOST
    visit(Type<BoostPool>{});
    visit(Type<BoostObjectPool>{});
#endif
#if OBJPOOL_BENCH_HAVE_FOONATHAN
    visit(Type<FoonathanNodePool>{});
#endif
    visit(Type<Naive>{});
}

/// True for implementations that hand out objects (as opposed to ids or indices).
template <class Impl>
inline constexpr bool holds_objects =
    std::is_pointer_v<typename Impl::Handle> || !std::is_integral_v<typename Impl::Handle>;

}  // namespace objpool_bench
