/// @file
/// @brief The contiguous, uninitialised block an ObjectPool builds its objects in.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <utility>

namespace objpool::detail {

/// @brief Raw storage for `capacity` objects of T, suitably aligned; constructs nothing.
template <class T>
class SlotStorage {
public:
    explicit SlotStorage(std::size_t capacity)
        : data_(capacity == 0 ? nullptr
                              : static_cast<T*>(::operator new (capacity * sizeof(T),
                                                                std::align_val_t{alignof(T)}))),
          bytes_(capacity * sizeof(T)) {}

    SlotStorage(const SlotStorage&) = delete;
    SlotStorage& operator=(const SlotStorage&) = delete;

    ~SlotStorage() {
        if (data_ != nullptr) {
            ::operator delete (data_, std::align_val_t{alignof(T)});
        }
    }

    /// Address of slot `slot`'s object (constructed or not).
    [[nodiscard]] T* at(std::size_t slot) const noexcept { return data_ + slot; }

    /// The slot `object` lives in, or `none` when it is not the address of one of the slots.
    [[nodiscard]] std::size_t slot_of(const T* object, std::size_t none) const noexcept {
        const std::size_t slot = index_of(object);
        return slot < bytes_ / sizeof(T) ? slot : none;
    }

    /// The slot `object` lives in, or a value of at least the capacity when it is not the
    /// address of one of the slots (one comparison with the capacity tells them apart).
    [[nodiscard]] std::size_t index_of(const T* object) const noexcept {
        const auto offset =
            reinterpret_cast<std::uintptr_t>(object) - reinterpret_cast<std::uintptr_t>(data_);
        if constexpr ((sizeof(T) & (sizeof(T) - 1)) == 0) {
            // Rotating instead of shifting moves a misaligned offset's low bits to the top, so
            // one comparison rejects both a misaligned and an out-of-range address.
            constexpr unsigned shift = log2(sizeof(T));
            constexpr unsigned width = sizeof(std::uintptr_t) * 8;
            return shift == 0 ? offset : (offset >> shift) | (offset << ((width - shift) % width));
        } else {
            // An offset past the block divides to at least the capacity.
            return offset % sizeof(T) != 0 ? static_cast<std::size_t>(-1) : offset / sizeof(T);
        }
    }

private:
    static constexpr unsigned log2(std::size_t power_of_two) noexcept {
        unsigned bits = 0;
        while (power_of_two > 1) {
            power_of_two /= 2;
            ++bits;
        }
        return bits;
    }

    T* data_;
    std::size_t bytes_;
};

}  // namespace objpool::detail
