/// @file
/// @brief The contiguous array of equal blocks an objpool::PoolResource serves, taken from an
/// upstream std::pmr::memory_resource, and the address -> block index arithmetic.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory_resource>
#include <stdexcept>

#include "../error.hpp"

namespace objpool::detail {

/// @brief `capacity` blocks of `block_size` bytes back to back, aligned to the largest power of
/// two that divides `block_size`; one allocation from `upstream`, nothing written to it.
///
/// An upstream allocation this large comes as fresh pages from the C library (the default
/// resource is operator new, i.e. malloc), which the kernel commits only when a block is first
/// written: a large capacity costs address space, not memory.
class BlockArray {
public:
    /// @throws std::invalid_argument when `block_size` is 0; std::length_error when the array
    /// does not fit in a std::size_t; whatever `upstream->allocate` throws.
    BlockArray(std::size_t block_size, std::size_t capacity, std::pmr::memory_resource* upstream)
        : upstream_(upstream),
          block_size_(checked_block_size(block_size)),
          alignment_(block_size & (~block_size + 1)),
          bytes_(checked_bytes(block_size, capacity)),
          shift_(trailing_zeros(block_size)),
          odd_inverse_(inverse(static_cast<std::uintptr_t>(block_size >> shift_))) {
        if (bytes_ != 0) {
            data_ = static_cast<std::byte*>(upstream_->allocate(bytes_, alignment_));
        }
    }

    BlockArray(const BlockArray&) = delete;
    BlockArray& operator=(const BlockArray&) = delete;

    ~BlockArray() {
        if (data_ != nullptr) {
            upstream_->deallocate(data_, bytes_, alignment_);
        }
    }

    /// Address of block `index`.
    [[nodiscard]] std::byte* at(std::size_t index) const noexcept {
        return data_ + index * block_size_;
    }

    /// The index of the block that starts at `address`; a value of at least the capacity for
    /// any other address (outside the array, or inside but not at the start of a block).
    ///
    /// Exact division without a divide: with block_size = odd * 2^shift, rotating the offset
    /// right by `shift` moves any remainder bits of 2^shift to the top, and multiplying by the
    /// inverse of `odd` modulo 2^N maps the multiples of `odd` onto their quotients and every
    /// other value above (2^N - 1) / odd. Both land at or above the capacity, since the array
    /// fits in the address space: one comparison then tells a block from anything else.
    [[nodiscard]] std::size_t index_of(const void* address) const noexcept {
        const std::uintptr_t offset =
            reinterpret_cast<std::uintptr_t>(address) - reinterpret_cast<std::uintptr_t>(data_);
        constexpr unsigned width = std::numeric_limits<std::uintptr_t>::digits;
        const std::uintptr_t rotated = (offset >> shift_) | (offset << ((width - shift_) % width));
        return static_cast<std::size_t>(rotated * odd_inverse_);
    }

    /// Whether `address` lies inside the array (at the start of a block or not).
    [[nodiscard]] bool contains(const void* address) const noexcept {
        return reinterpret_cast<std::uintptr_t>(address) - reinterpret_cast<std::uintptr_t>(data_) <
               bytes_;
    }

    [[nodiscard]] std::size_t block_size() const noexcept { return block_size_; }
    [[nodiscard]] std::size_t alignment() const noexcept { return alignment_; }
    [[nodiscard]] std::size_t bytes() const noexcept { return bytes_; }
    [[nodiscard]] std::byte* data() const noexcept { return data_; }
    [[nodiscard]] std::pmr::memory_resource* upstream() const noexcept { return upstream_; }

private:
    static std::size_t checked_block_size(std::size_t block_size) {
        if (block_size == 0) {
            raise<std::invalid_argument>("objpool: PoolResource needs a block size of at least 1");
        }
        return block_size;
    }

    static std::size_t checked_bytes(std::size_t block_size, std::size_t capacity) {
        if (capacity > std::numeric_limits<std::size_t>::max() / block_size) {
            raise<std::length_error>("objpool: PoolResource's blocks do not fit in memory");
        }
        return block_size * capacity;
    }

    static unsigned trailing_zeros(std::size_t value) noexcept {
        unsigned zeros = 0;
        while ((value & 1U) == 0) {
            value >>= 1U;
            ++zeros;
        }
        return zeros;
    }

    // The inverse of odd `value` modulo 2^N by Newton's iteration: `value` itself is right in
    // its low 3 bits (odd squares are 1 mod 8), and each step doubles the correct bits.
    static std::uintptr_t inverse(std::uintptr_t value) noexcept {
        std::uintptr_t result = value;
        for (int step = 0; step < 5; ++step) {
            result *= 2 - value * result;
        }
        return result;
    }

    std::pmr::memory_resource* upstream_;
    std::size_t block_size_;
    std::size_t alignment_;  // the largest power of two dividing block_size_
    std::size_t bytes_;
    unsigned shift_;  // block_size_ == odd * 2^shift_
    std::uintptr_t odd_inverse_;
    std::byte* data_ = nullptr;
};

}  // namespace objpool::detail
