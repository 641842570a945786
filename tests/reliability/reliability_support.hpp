// Shared by the reliability tests: the policies under test, including a user-defined one.
#pragma once

#include <cstddef>
#include <tuple>
#include <vector>

#include <objpool/objpool.hpp>

#include "reference_model.hpp"

namespace objpool_reliability {

/// A user-defined policy without unacquire(): freed slots on a stack, never-used slots from a
/// watermark. Its release() is an exact undo of acquire(), which is all the pools then need.
struct UserStack {
    class FreeList {
    public:
        explicit FreeList(std::size_t capacity) : out_(capacity, false) {
            freed_.reserve(capacity);
        }
        std::size_t acquire() noexcept {
            std::size_t slot;
            if (!freed_.empty()) {
                slot = freed_.back();
                freed_.pop_back();
            } else if (fresh_ < out_.size()) {
                slot = fresh_++;
            } else {
                return out_.size();
            }
            out_[slot] = true;
            return slot;
        }
        bool release(std::size_t slot) noexcept {
            if (!out_[slot]) {
                return false;
            }
            out_[slot] = false;
            freed_.push_back(slot);  // reserved for every slot: cannot allocate
            return true;
        }
        [[nodiscard]] bool is_allocated(std::size_t slot) const noexcept { return out_[slot]; }
        [[nodiscard]] std::size_t capacity() const noexcept { return out_.size(); }
        [[nodiscard]] std::size_t available() const noexcept {
            return out_.size() - fresh_ + freed_.size();
        }
        [[nodiscard]] std::size_t bookkeeping_bytes() const noexcept {
            return freed_.capacity() * sizeof(std::size_t);
        }

    private:
        std::vector<bool> out_;
        std::vector<std::size_t> freed_;
        std::size_t fresh_ = 0;
    };
};

template <>
struct order_of<UserStack> {
    static constexpr Order value = Order::lifo;
};

/// Every built-in policy and the user-defined one.
using Policies = std::tuple<objpool::Fifo, objpool::Lifo, objpool::Bitmap, UserStack>;

}  // namespace objpool_reliability
