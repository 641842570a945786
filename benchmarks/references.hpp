/// @file
/// @brief Reference implementations the benchmarks measure objpool against: the bare limit
/// references (written as plainly as possible, with the same double-free check objpool makes)
/// and a faithful port of the assignment's reference design (the naive baseline).
///
/// Every reference hands out indices `0 .. n-1`; `get` returns `n` when nothing is free and
/// `free` returns false (changing nothing) for an index that is not out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <unordered_set>
#include <vector>

namespace objpool_bench {

/// One bit a slot, set while the slot is out.
class BitVector {
public:
    explicit BitVector(std::size_t bits) : words_((bits + 63) / 64) {}
    [[nodiscard]] bool test(std::size_t bit) const noexcept {
        return ((words_[bit / 64] >> (bit % 64)) & 1U) != 0;
    }
    void set(std::size_t bit) noexcept { words_[bit / 64] |= std::uint64_t{1} << (bit % 64); }
    void clear(std::size_t bit) noexcept { words_[bit / 64] &= ~(std::uint64_t{1} << (bit % 64)); }
    [[nodiscard]] std::size_t bytes() const noexcept { return words_.size() * 8; }

private:
    std::vector<std::uint64_t> words_;
};

/// Bare checked LIFO: a stack pre-filled with every index (0 on top) and an allocation bit a
/// slot for the double-free check. The limit reference for objpool::Lifo.
class BareLifoStack {
public:
    explicit BareLifoStack(std::size_t n) : stack_(n), out_(n), top_(n), capacity_(n) {
        for (std::size_t i = 0; i < n; ++i) {
            stack_[i] = static_cast<std::uint32_t>(n - 1 - i);
        }
    }
    std::size_t get() noexcept {
        if (top_ == 0) {
            return capacity_;
        }
        const std::size_t slot = stack_[--top_];
        out_.set(slot);
        return slot;
    }
    bool free(std::size_t slot) noexcept {
        if (slot >= capacity_ || !out_.test(slot)) {
            return false;
        }
        out_.clear(slot);
        stack_[top_++] = static_cast<std::uint32_t>(slot);
        return true;
    }

private:
    std::vector<std::uint32_t> stack_;
    BitVector out_;
    std::size_t top_;
    std::size_t capacity_;
};

/// Bare checked FIFO: a ring pre-filled with every index in ascending order and an allocation
/// bit a slot. The limit reference for objpool::Fifo.
class BareRing {
public:
    explicit BareRing(std::size_t n) : ring_(n), out_(n), queued_(n), capacity_(n) {
        for (std::size_t i = 0; i < n; ++i) {
            ring_[i] = static_cast<std::uint32_t>(i);
        }
    }
    std::size_t get() noexcept {
        if (queued_ == 0) {
            return capacity_;
        }
        const std::size_t slot = ring_[head_];
        head_ = head_ + 1 == capacity_ ? 0 : head_ + 1;
        --queued_;
        out_.set(slot);
        return slot;
    }
    bool free(std::size_t slot) noexcept {
        if (slot >= capacity_ || !out_.test(slot)) {
            return false;
        }
        out_.clear(slot);
        ring_[tail_] = static_cast<std::uint32_t>(slot);
        tail_ = tail_ + 1 == capacity_ ? 0 : tail_ + 1;
        ++queued_;
        return true;
    }

private:
    std::vector<std::uint32_t> ring_;
    BitVector out_;
    std::size_t head_ = 0;
    std::size_t tail_ = 0;
    std::size_t queued_;
    std::size_t capacity_;
};

/// Bare flat bitmap: one bit a slot (set while out) and the index of the lowest word that may
/// have a clear bit; get scans forward from it for the lowest free slot. No hierarchy: the
/// limit reference for a bitmap that hands out the lowest free slot.
class BareBitmap {
public:
    explicit BareBitmap(std::size_t n) : words_((n + 63) / 64), capacity_(n) {
        if (n % 64 != 0) {
            words_.back() = ~std::uint64_t{0} << (n % 64);
        }
    }
    std::size_t get() noexcept {
        const std::size_t count = words_.size();
        std::size_t word = hint_;
        while (word < count && words_[word] == ~std::uint64_t{0}) {
            ++word;
        }
        hint_ = word;
        if (word == count) {
            return capacity_;
        }
        const auto bit = static_cast<std::size_t>(__builtin_ctzll(~words_[word]));
        words_[word] |= std::uint64_t{1} << bit;
        return word * 64 + bit;
    }
    bool free(std::size_t slot) noexcept {
        if (slot >= capacity_) {
            return false;
        }
        std::uint64_t& word = words_[slot / 64];
        const std::uint64_t bit = std::uint64_t{1} << (slot % 64);
        if ((word & bit) == 0) {
            return false;
        }
        word &= ~bit;
        if (slot / 64 < hint_) {
            hint_ = slot / 64;
        }
        return true;
    }

private:
    std::vector<std::uint64_t> words_;
    std::size_t hint_ = 0;
    std::size_t capacity_;
};

/// Variable-depth bitmap tree: the same 64-ary hierarchy as objpool::Bitmap (level 0 one bit a
/// slot, each upper bit set while the word below is full), written the general way, as a vector
/// of levels walked by loops whose trip count is only known at run time. The reference for
/// objpool::Bitmap.
class VariableDepthBitmap {
public:
    explicit VariableDepthBitmap(std::size_t n) : capacity_(n) {
        std::size_t entries = n;
        do {
            const std::size_t words = (entries + 63) / 64;
            levels_.emplace_back(words, 0);
            if (entries % 64 != 0) {
                levels_.back().back() = ~std::uint64_t{0} << (entries % 64);
            }
            entries = words;
        } while (entries > 1);
    }
    std::size_t get() noexcept {
        if (levels_.back()[0] == ~std::uint64_t{0}) {
            return capacity_;
        }
        std::size_t index = 0;
        for (std::size_t level = levels_.size(); level-- > 0;) {
            index = index * 64 + static_cast<std::size_t>(__builtin_ctzll(~levels_[level][index]));
        }
        const std::size_t slot = index;
        for (auto& level : levels_) {
            std::uint64_t& word = level[index / 64];
            word |= std::uint64_t{1} << (index % 64);
            if (word != ~std::uint64_t{0}) {
                break;
            }
            index /= 64;
        }
        return slot;
    }
    bool free(std::size_t slot) noexcept {
        if (slot >= capacity_) {
            return false;
        }
        std::size_t index = slot;
        for (std::size_t level = 0; level < levels_.size(); ++level) {
            std::uint64_t& word = levels_[level][index / 64];
            const std::uint64_t bit = std::uint64_t{1} << (index % 64);
            if (level == 0 && (word & bit) == 0) {
                return false;
            }
            const bool was_full = word == ~std::uint64_t{0};
            word &= ~bit;
            if (!was_full) {
                break;
            }
            index /= 64;
        }
        return true;
    }

private:
    std::vector<std::vector<std::uint64_t>> levels_;
    std::size_t capacity_;
};

/// A faithful C++ port of the assignment's reference design: a deque of never-used ids, a hash
/// set of allocated ids and a deque of freed ids. get takes a never-used id first, then the
/// oldest freed one; free refuses an id that is not in the allocated set.
class NaivePort {
public:
    explicit NaivePort(std::size_t n) : capacity_(n) {
        for (std::size_t i = 0; i < n; ++i) {
            never_used_.push_back(static_cast<std::uint32_t>(i));
        }
    }
    std::size_t get() {
        std::uint32_t id;
        if (!never_used_.empty()) {
            id = never_used_.front();
            never_used_.pop_front();
        } else if (!freed_.empty()) {
            id = freed_.front();
            freed_.pop_front();
        } else {
            return capacity_;
        }
        allocated_.insert(id);
        return id;
    }
    bool free(std::size_t id) {
        if (allocated_.erase(static_cast<std::uint32_t>(id)) == 0) {
            return false;
        }
        freed_.push_back(static_cast<std::uint32_t>(id));
        return true;
    }

private:
    std::deque<std::uint32_t> never_used_;
    std::unordered_set<std::uint32_t> allocated_;
    std::deque<std::uint32_t> freed_;
    std::size_t capacity_;
};

}  // namespace objpool_bench
