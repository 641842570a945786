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
        const auto offset =
            reinterpret_cast<std::uintptr_t>(object) - reinterpret_cast<std::uintptr_t>(data_);
        if (offset >= bytes_ || offset % sizeof(T) != 0) {
            return none;
        }
        return offset / sizeof(T);
    }

private:
    T* data_;
    std::size_t bytes_;
};

}  // namespace objpool::detail
