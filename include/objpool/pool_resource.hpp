/// @file
/// @brief objpool::PoolResource: a std::pmr::memory_resource serving blocks of one size class
/// from an objpool free list.
#pragma once

// First: under C++14 its one clear #error comes before anything else fails.
#include "config.hpp"

#include <cinttypes>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory_resource>

#include "detail/bits.hpp"
#include "detail/block_array.hpp"
#include "detail/capacity.hpp"
#include "detail/sanitizer.hpp"
#include "policy.hpp"
#include "policy/lifo.hpp"

namespace objpool {

/// @brief A `std::pmr::memory_resource` that serves blocks of up to `block_size` bytes from
/// `capacity` blocks in one contiguous array, handed out and taken back by an objpool free list,
/// and forwards everything else to an upstream resource.
///
/// - `allocate(bytes, alignment)` with `bytes <= block_size()` and
///   `alignment <= block_alignment()` takes a free block; other sizes and alignments, and every
///   request once all blocks are out, go to `upstream_resource()`.
/// - `deallocate(p, bytes, alignment)` routes by address: a block of the array goes back to the
///   free list, any other pointer to upstream (with `bytes` and `alignment` as given).
/// - Two PoolResources compare equal only when they are the same object.
///
/// The array is allocated from upstream at construction, in one piece, and nothing is written to
/// it: with the default upstream (operator new) a large array comes as fresh pages that the
/// system commits only as blocks are first used, so a large capacity costs address space, not
/// memory. The free list's bookkeeping is the policy's (Lifo: 4 bytes a block, zero pages until
/// touched). Blocks are laid out every `block_size` bytes and aligned to block_alignment(), the
/// largest power of two that divides `block_size` (a multiple of `alignof(std::max_align_t)`
/// serves every ordinary alignment).
///
/// A bad deallocate, of a block that is not out (double free) or of an address inside the array
/// that is not the start of a block, cannot be a std::pmr error (containers deallocate from
/// destructors): it changes nothing and is reported through the error handler
/// (objpool::set_error_handler), whose default prints the message and aborts. Under
/// AddressSanitizer the blocks that are not out are poisoned, as ObjectPool's objects are.
///
/// Destroying the resource gives the array back to upstream, whether or not blocks are still
/// out; using a block afterwards is undefined behaviour. Requests forwarded to upstream are not
/// tracked: they belong to upstream. Not thread-safe, like
/// `std::pmr::unsynchronized_pool_resource`: one resource is used by one thread at a time.
///
/// ```cpp
/// objpool::PoolResource resource(32, 100'000);   // Lifo: the block freed last comes back first
/// std::pmr::list<int> list(&resource);           // its nodes (24 bytes) come from the pool
/// ```
///
/// @tparam Policy the free-list policy (see objpool/policy.hpp): Lifo by default, the fastest
/// for churn and the one whose block is most likely still in cache; Fifo and Bitmap (the lowest
/// free block first, which keeps the blocks in use dense) and user policies plug in as for the
/// pools.
template <class Policy = Lifo>
class PoolResource final : public std::pmr::memory_resource {
public:
    /// @brief The policy's free list (a policy without one fails to compile with an objpool:
    /// message).
    using FreeList = typename detail::checked_free_list<Policy>::type;

    /// @brief A resource serving `capacity` blocks of `block_size` bytes, forwarding the rest to
    /// `upstream`.
    /// @param block_size the largest request served from the pool, in bytes; also the distance
    /// between blocks, which decides their alignment.
    /// @param capacity the number of blocks, fixed for the resource's lifetime (0: everything is
    /// forwarded).
    /// @param upstream where the array and every request the pool does not serve come from; it
    /// must outlive the resource.
    /// @pre `upstream != nullptr`.
    /// @throws std::invalid_argument when `block_size` is 0; std::length_error when `capacity`
    /// exceeds objpool::max_capacity or the array does not fit in a std::size_t; std::bad_alloc
    /// (or what `upstream->allocate` throws) when the memory cannot be had.
    /// @par Complexity
    /// O(1) besides the allocations: no per-block work.
    PoolResource(std::size_t block_size, std::size_t capacity,
                 std::pmr::memory_resource* upstream = std::pmr::get_default_resource())
        : free_list_(detail::checked_capacity(capacity)),
          blocks_(block_size, capacity, checked_upstream(upstream)) {
        detail::poison(blocks_.data(), blocks_.bytes());
    }

    PoolResource(const PoolResource&) = delete;
    PoolResource& operator=(const PoolResource&) = delete;

    /// @brief Gives the block array back to upstream (blocks still out included).
    /// @par Complexity
    /// O(1) besides the deallocations.
    ~PoolResource() override { detail::unpoison(blocks_.data(), blocks_.bytes()); }

    /// @brief The largest request, in bytes, served from the pool.
    [[nodiscard]] std::size_t block_size() const noexcept { return blocks_.block_size(); }
    /// @brief The largest alignment served from the pool: the largest power of two dividing
    /// block_size().
    [[nodiscard]] std::size_t block_alignment() const noexcept { return blocks_.alignment(); }
    /// @brief The number of blocks.
    [[nodiscard]] std::size_t capacity() const noexcept { return free_list_.capacity(); }
    /// @brief The number of blocks not out: how many more requests the pool serves before
    /// forwarding everything to upstream.
    [[nodiscard]] std::size_t available() const noexcept { return free_list_.available(); }
    /// @brief The number of blocks out.
    [[nodiscard]] std::size_t allocated() const noexcept { return capacity() - available(); }
    /// @brief Whether `address` is the start of one of the pool's blocks, out or not (false for
    /// anything upstream served).
    /// @par Complexity
    /// O(1).
    [[nodiscard]] bool owns(const void* address) const noexcept {
        return blocks_.index_of(address) < capacity();
    }
    /// @brief The resource that supplies the array and serves what the pool does not.
    [[nodiscard]] std::pmr::memory_resource* upstream_resource() const noexcept {
        return blocks_.upstream();
    }
    /// @brief Heap bytes of bookkeeping (the policy's free list), the blocks aside.
    [[nodiscard]] std::size_t bookkeeping_bytes() const noexcept {
        return free_list_.bookkeeping_bytes();
    }

protected:
    /// @brief A free block when `bytes <= block_size()`, `alignment <= block_alignment()` and
    /// one is left; otherwise `upstream_resource()->allocate(bytes, alignment)`.
    /// @pre `alignment` is a power of two (as for every memory_resource).
    /// @throws only what upstream's allocate throws (std::bad_alloc for the default upstream).
    /// @par Complexity
    /// The policy's get: O(1) for Lifo and Fifo, O(log64 n) for Bitmap; never allocates unless
    /// forwarding.
    void* do_allocate(std::size_t bytes, std::size_t alignment) override {
        if (bytes <= blocks_.block_size() && alignment <= blocks_.alignment()) {
            const std::size_t block = free_list_.acquire();
            if (block != free_list_.capacity()) {
                std::byte* const address = blocks_.at(block);
                detail::unpoison(address, blocks_.block_size());
                return address;
            }
        }
        return blocks_.upstream()->allocate(bytes, alignment);
    }

    /// @brief Gives `address` back: a block of the array to the free list, anything else to
    /// `upstream_resource()->deallocate(address, bytes, alignment)`.
    ///
    /// A block that is not out, or an address inside the array that is not the start of a
    /// block, changes nothing and is reported through the error handler (which by default
    /// aborts).
    /// @pre `address` came from `allocate(bytes, alignment)` on this resource (or one equal to
    /// it) and was not deallocated since; a pointer upstream did not hand out is upstream's
    /// undefined behaviour.
    /// @throws only what upstream's deallocate throws.
    /// @par Complexity
    /// The policy's free: O(1) for Lifo and Fifo, O(log64 n) for Bitmap.
    void do_deallocate(void* address, std::size_t bytes, std::size_t alignment) override {
        const std::size_t block = blocks_.index_of(address);
        if (block < free_list_.capacity()) {
            if (free_list_.release(block)) {
                detail::poison(address, blocks_.block_size());
                return;
            }
            report_bad_deallocate(address, "block not allocated");
            return;
        }
        if (blocks_.contains(address)) {
            report_bad_deallocate(address, "not the start of a block");
            return;
        }
        blocks_.upstream()->deallocate(address, bytes, alignment);
    }

    /// @brief Identity: memory from one PoolResource can be given back only to that one.
    [[nodiscard]] bool do_is_equal(const std::pmr::memory_resource& other) const noexcept override {
        return this == &other;
    }

private:
    static std::pmr::memory_resource* checked_upstream(std::pmr::memory_resource* upstream) {
        OBJPOOL_ASSERT(upstream != nullptr, "PoolResource needs an upstream resource");
        return upstream;
    }

    OBJPOOL_DETAIL_NOINLINE static void report_bad_deallocate(const void* address,
                                                              const char* reason) noexcept {
        char message[128];
        static_cast<void>(std::snprintf(
            message, sizeof message, "objpool: PoolResource cannot deallocate 0x%" PRIxPTR ": %s",
            reinterpret_cast<std::uintptr_t>(address), reason));
        detail::report_error(message);
    }

    FreeList free_list_;
    detail::BlockArray blocks_;
};

}  // namespace objpool
