// A user-defined policy shared by the test suites, written only against objpool/policy.hpp.
#pragma once

#include <cstddef>
#include <vector>

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

}  // namespace objpool_test
