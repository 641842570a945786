/// @file
/// @brief objpool::HandlePool: checked handles {slot, generation} that detect stale use in O(1).
#pragma once

// First: under C++14 its one clear #error comes before anything else fails.
#include "config.hpp"

#include <cinttypes>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <optional>
#include <type_traits>

#include "detail/capacity.hpp"
#include "detail/zeroed_array.hpp"
#include "error.hpp"
#include "policy.hpp"

namespace objpool {

/// @brief A checked handle: a slot and the generation the slot had when it was handed out.
///
/// Plain data, cheap to copy and compare. It stays valid until it is freed; after that every
/// copy of it is *stale*, and HandlePool refuses it even once the slot has been handed out
/// again (under a newer generation).
/// @tparam Generation the unsigned integer type of the generation counter.
template <class Generation>
struct Handle {
    /// @brief The slot, 0 .. capacity-1: an index for arrays kept beside the pool.
    std::uint32_t slot = 0;
    /// @brief The slot's generation when this handle was handed out.
    Generation generation = 0;

    /// @brief Whether both name the same slot and generation.
    friend constexpr bool operator==(const Handle& a, const Handle& b) noexcept {
        return a.slot == b.slot && a.generation == b.generation;
    }
    /// @brief Whether they differ in slot or generation.
    friend constexpr bool operator!=(const Handle& a, const Handle& b) noexcept {
        return !(a == b);
    }
};

/// @brief A pool of `capacity` slots handed out as checked handles: each slot carries a
/// generation counter, bumped by every free, so a free or lookup through a handle that was
/// already freed (a *stale* handle) is detected in O(1), even after the slot has been reused.
///
/// The wrap rule: a slot's generation counts 0, 1, ..., 2^GenerationBits - 2. When a handle
/// of the last generation is freed, the slot is **retired**: it is never handed out again, so
/// no generation is ever reused and a stale handle can never become valid again. A retired slot
/// still counts in capacity(), never in available() nor allocated(); retired() counts them.
/// With 16 bits a slot serves 65 535 handles before it retires; choose the width from how often
/// a slot is reused over the pool's life (32 bits: 4 billion uses a slot).
///
/// Which free slot comes next is the Policy's choice, as for objpool::IdPool; a policy that
/// delays reuse (objpool::Fifo) spreads the generations evenly over the slots, so slots retire
/// as late as possible. Handles of another pool are not detected (a handle is only two numbers).
///
/// Memory: the policy's bookkeeping plus one Generation a slot, zeroed at creation (no per-slot
/// work). get and free never allocate. Not thread-safe: one pool is used by one thread at a
/// time.
///
/// @tparam Policy the free-list policy (see objpool/policy.hpp).
/// @tparam Generation an unsigned integer type holding the generation counter.
/// @tparam GenerationBits how many bits of Generation the counter uses (1 .. its width; fewer
/// bits retire slots sooner, which the tests use).
template <class Policy, class Generation = std::uint16_t,
          unsigned GenerationBits = static_cast<unsigned>(std::numeric_limits<Generation>::digits)>
class HandlePool {
    static_assert(std::is_integral_v<Generation> && std::is_unsigned_v<Generation> &&
                      !std::is_same_v<Generation, bool>,
                  "objpool: HandlePool's Generation must be an unsigned integer type");
    static_assert(GenerationBits >= 1 &&
                      GenerationBits <=
                          static_cast<unsigned>(std::numeric_limits<Generation>::digits),
                  "objpool: GenerationBits must be between 1 and the width of Generation");

public:
    /// @brief The policy's free list.
    using FreeList = typename detail::checked_free_list<Policy>::type;
    /// @brief The generation type.
    using generation_type = Generation;
    /// @brief The handle get() returns.
    using handle_type = Handle<Generation>;

    /// @brief The generation a slot is retired at; handles carry only lower generations.
    static constexpr Generation retired_generation = static_cast<Generation>(
        GenerationBits == static_cast<unsigned>(std::numeric_limits<Generation>::digits)
            ? std::numeric_limits<Generation>::max()
            : (Generation{1} << (GenerationBits % std::numeric_limits<Generation>::digits)) - 1U);

    /// @brief `capacity` slots, all available, every one at generation 0.
    /// @par Complexity
    /// O(1) besides the allocations (no per-slot work for the built-in policies).
    /// @throws std::length_error when `capacity` exceeds objpool::max_capacity; std::bad_alloc.
    explicit HandlePool(std::size_t capacity)
        : slots_(detail::checked_capacity(capacity)), generations_(capacity) {}

    /// @brief A handle to an available slot, now out; std::nullopt when none is available
    /// (every slot out or retired).
    /// @par Complexity
    /// O(1) for Fifo and Lifo, O(log64 n) for Bitmap. Never allocates.
    [[nodiscard]] std::optional<handle_type> get() noexcept {
        const std::size_t slot = slots_.acquire();
        if (slot == slots_.capacity()) {
            return std::nullopt;
        }
        return handle_type{static_cast<std::uint32_t>(slot), generations_[slot]};
    }

    /// @brief Gives back the slot of `handle`, whose copies all become stale; the slot is
    /// retired instead when `handle` had its last generation (see the class's wrap rule).
    /// @pre Nothing: any handle may be passed.
    /// @throws objpool::BadFree with reason out_of_range when the slot is not one of this
    /// pool's, not_allocated when the handle is stale (freed already, or never handed out);
    /// the pool is then unchanged.
    /// @par Complexity
    /// O(1) for Fifo and Lifo, O(log64 n) for Bitmap. Never allocates.
    void free(handle_type handle) {
        if (handle.slot >= capacity()) {
            raise_bad_free(handle, BadFree::Reason::out_of_range);
        }
        if (!give_back(handle)) {
            raise_bad_free(handle, BadFree::Reason::not_allocated);
        }
    }

    /// @brief As free(), but returns whether `handle` was valid (false changes nothing).
    /// @par Complexity
    /// As free().
    bool try_free(handle_type handle) noexcept {
        return handle.slot < capacity() && give_back(handle);
    }

    /// @brief Whether `handle` is out: handed out by this pool and not freed since.
    /// @par Complexity
    /// O(1).
    [[nodiscard]] bool is_valid(handle_type handle) const noexcept {
        return handle.slot < capacity() && valid_in_range(handle);
    }

    /// @brief The slot of `handle` if it is valid, else std::nullopt: the checked way to index
    /// arrays kept beside the pool.
    /// @par Complexity
    /// O(1).
    [[nodiscard]] std::optional<std::size_t> find(handle_type handle) const noexcept {
        if (!is_valid(handle)) {
            return std::nullopt;
        }
        return handle.slot;
    }

    /// @brief The generation `slot` hands out next (or retired_generation once retired).
    /// @pre `slot < capacity()`.
    /// @par Complexity
    /// O(1).
    [[nodiscard]] Generation generation(std::size_t slot) const noexcept {
        return generations_[slot];
    }

    /// @brief The number of slots, retired ones included.
    [[nodiscard]] std::size_t capacity() const noexcept { return slots_.capacity(); }
    /// @brief The number of handles get() can still hand out (retired slots excluded).
    [[nodiscard]] std::size_t available() const noexcept { return slots_.available(); }
    /// @brief The number of handles out.
    [[nodiscard]] std::size_t allocated() const noexcept {
        return capacity() - available() - retired_;
    }
    /// @brief The number of slots retired by the wrap rule: never handed out again.
    [[nodiscard]] std::size_t retired() const noexcept { return retired_; }
    /// @brief Heap bytes of bookkeeping: the policy's free list and the generations.
    [[nodiscard]] std::size_t bookkeeping_bytes() const noexcept {
        return slots_.bookkeeping_bytes() + generations_.bytes();
    }

private:
    // A retired slot stays allocated in the free list with generation retired_generation,
    // which no handle handed out carries.
    [[nodiscard]] bool valid_in_range(handle_type handle) const noexcept {
        return generations_[handle.slot] == handle.generation &&
               handle.generation != retired_generation && slots_.is_allocated(handle.slot);
    }

    bool give_back(handle_type handle) noexcept {
        if (!valid_in_range(handle)) {
            return false;
        }
        const auto next = static_cast<Generation>(handle.generation + 1U);
        generations_[handle.slot] = next;
        if (next == retired_generation) {
            ++retired_;  // never released: the free list will not hand it out again
            return true;
        }
        return slots_.release(handle.slot);
    }

    [[noreturn]] void raise_bad_free(handle_type handle, BadFree::Reason reason) const {
        // snprintf into buffers: no allocation before the throw, no temporaries to destroy.
        char why[64];
        if (reason == BadFree::Reason::out_of_range) {
            static_cast<void>(
                std::snprintf(why, sizeof why, "slot out of range (capacity %zu)", capacity()));
        } else if (generations_[handle.slot] == retired_generation) {
            static_cast<void>(std::snprintf(why, sizeof why, "stale (the slot is retired)"));
        } else if (handle.generation == generations_[handle.slot]) {
            static_cast<void>(std::snprintf(why, sizeof why, "not allocated"));
        } else {
            static_cast<void>(
                std::snprintf(why, sizeof why, "stale (the slot is at generation %llu)",
                              static_cast<unsigned long long>(generations_[handle.slot])));
        }
        char message[160];
        static_cast<void>(
            std::snprintf(message, sizeof message,
                          "objpool: cannot free handle {slot %" PRIu32 ", generation %llu}: %s",
                          handle.slot, static_cast<unsigned long long>(handle.generation), why));
        detail::raise<BadFree>(reason, static_cast<const char*>(message));
    }

    FreeList slots_;
    detail::ZeroedArray<Generation> generations_;
    std::size_t retired_ = 0;
};

}  // namespace objpool
