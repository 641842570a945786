// Shared by the core tests: the policies under test and small helpers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <objpool/objpool.hpp>

namespace objpool_test {

/// A user-defined policy, written only against objpool/policy.hpp: freed slots on a
/// std::vector used as a stack, never-used slots from a watermark.
struct VectorStack {
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
            freed_.push_back(slot);  // cannot allocate: reserved for every slot
            return true;
        }

        [[nodiscard]] bool is_allocated(std::size_t slot) const noexcept { return out_[slot]; }
        [[nodiscard]] std::size_t capacity() const noexcept { return out_.size(); }
        [[nodiscard]] std::size_t available() const noexcept {
            return out_.size() - fresh_ + freed_.size();
        }
        [[nodiscard]] std::size_t bookkeeping_bytes() const noexcept {
            return freed_.capacity() * sizeof(std::size_t) + out_.capacity() / 8;
        }

    private:
        std::vector<bool> out_;
        std::vector<std::size_t> freed_;
        std::size_t fresh_ = 0;
    };
};

/// The built-in policies and the user-defined one: every contract test runs over all of them.
using AllPolicies = std::tuple<objpool::Fifo, objpool::Lifo, objpool::Bitmap, VectorStack>;

/// Runs `action`, which must throw objpool::BadFree; returns the error's message and reason.
template <class Action>
std::pair<std::string, objpool::BadFree::Reason> bad_free_of(Action&& action) {
    try {
        std::forward<Action>(action)();
    } catch (const objpool::BadFree& error) {
        return {error.what(), error.reason()};
    }
    return {"(no objpool::BadFree thrown)", objpool::BadFree::Reason::out_of_range};
}

/// Resident memory of this process in bytes (Linux), 0 where unknown.
std::size_t resident_bytes();

}  // namespace objpool_test
