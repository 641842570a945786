// A policy of your own: hand out freed ids in random order, so that an id seen once says
// nothing about which id comes next. It is written only against objpool/policy.hpp and plugs
// into IdPool and ObjectPool exactly like objpool::Fifo, Lifo and Bitmap.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <random>
#include <vector>

#include <objpool/objpool.hpp>

struct RandomReuse {
    class FreeList {
    public:
        explicit FreeList(std::size_t capacity) : out_(capacity) { freed_.reserve(capacity); }

        // Never-used slots first, in ascending order (policy.hpp's one ordering rule), then a
        // freed slot chosen at random.
        std::size_t acquire() noexcept {
            std::size_t slot;
            if (fresh_ < out_.size()) {
                slot = fresh_++;
            } else if (!freed_.empty()) {
                const std::size_t pick = random_() % freed_.size();
                slot = freed_[pick];
                freed_[pick] = freed_.back();
                freed_.pop_back();
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
            freed_.push_back(static_cast<std::uint32_t>(slot));  // reserved: never allocates
            return true;
        }

        [[nodiscard]] bool is_allocated(std::size_t slot) const noexcept { return out_[slot]; }
        [[nodiscard]] std::size_t capacity() const noexcept { return out_.size(); }
        [[nodiscard]] std::size_t available() const noexcept {
            return out_.size() - fresh_ + freed_.size();
        }
        [[nodiscard]] std::size_t bookkeeping_bytes() const noexcept {
            return freed_.capacity() * sizeof(std::uint32_t) + (out_.size() + 7) / 8;
        }

    private:
        std::vector<bool> out_;
        std::vector<std::uint32_t> freed_;
        std::size_t fresh_ = 0;
        std::minstd_rand random_{std::random_device{}()};
    };
};

static_assert(objpool::is_policy_v<RandomReuse>);

int main() {
    objpool::IdPool<RandomReuse> ids(8);
    std::vector<std::uint32_t> out;
    while (auto id = ids.get()) {
        out.push_back(*id);
    }
    for (const std::uint32_t id : out) {
        ids.free(id);
    }
    std::printf("after freeing 1..8, ids come back as:");
    while (auto id = ids.get()) {
        std::printf(" %u", static_cast<unsigned>(*id));
    }
    std::printf("\n");
    return ids.available() == 0 && !ids.try_free(9) ? 0 : 1;
}
