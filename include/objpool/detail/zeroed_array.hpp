/// @file
/// @brief A fixed-size array of zeroed trivial values, the storage behind every policy.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <type_traits>
#include <utility>

#include "raise.hpp"

namespace objpool::detail {

/// @brief An owning array of `size` zero-valued `T`, allocated with `std::calloc`.
///
/// calloc is used on purpose: for large sizes the C library maps fresh pages, which the
/// kernel zeroes lazily on first touch, so creating a pool of 10^7 slots costs no per-slot
/// work; a zero bit pattern is the initial state every policy is written for.
template <class T>
class ZeroedArray {
    static_assert(std::is_trivial_v<T>, "objpool: ZeroedArray holds trivial types only");

public:
    ZeroedArray() noexcept = default;

    /// @throws std::bad_alloc when the memory cannot be had.
    explicit ZeroedArray(std::size_t size) : size_(size) {
        if (size == 0) {
            return;
        }
        // Checked here rather than left to calloc: the answer is then the same under every
        // C library and sanitizer, and the compiler sees no call with an impossible size.
        if (size > std::numeric_limits<std::size_t>::max() / sizeof(T)) {
            raise_bad_alloc();
        }
        // calloc, not a container: large blocks come as zeroed pages, touched only when used.
        // NOLINTNEXTLINE(cppcoreguidelines-no-malloc)
        data_ = static_cast<T*>(std::calloc(size, sizeof(T)));
        if (data_ == nullptr) {
            raise_bad_alloc();
        }
    }

    /// `size` zero values, or an empty array when the memory cannot be had (no exception).
    ZeroedArray(std::size_t size, std::nothrow_t /*tag*/) noexcept
        : data_(static_cast<T*>(size <= std::numeric_limits<std::size_t>::max() / sizeof(T)
                                    // NOLINTNEXTLINE(cppcoreguidelines-no-malloc): as above
                                    ? std::calloc(size, sizeof(T))
                                    : nullptr)),
          size_(data_ != nullptr ? size : 0) {}

    ZeroedArray(ZeroedArray&& other) noexcept
        : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

    ZeroedArray& operator=(ZeroedArray&& other) noexcept {
        ZeroedArray moved(std::move(other));
        std::swap(data_, moved.data_);
        std::swap(size_, moved.size_);
        return *this;
    }

    ZeroedArray(const ZeroedArray&) = delete;
    ZeroedArray& operator=(const ZeroedArray&) = delete;

    ~ZeroedArray() { std::free(data_); }  // NOLINT(cppcoreguidelines-no-malloc): calloc's pair

    T& operator[](std::size_t index) noexcept { return data_[index]; }
    const T& operator[](std::size_t index) const noexcept { return data_[index]; }

    /// Every element back to zero, as at creation. O(size): every page gets written.
    void clear() noexcept {
        if (data_ != nullptr) {
            std::memset(static_cast<void*>(data_), 0, bytes());
        }
    }

    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    [[nodiscard]] std::size_t bytes() const noexcept { return size_ * sizeof(T); }

private:
    T* data_ = nullptr;
    std::size_t size_ = 0;
};

}  // namespace objpool::detail
