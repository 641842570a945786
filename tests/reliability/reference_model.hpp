// A reference model of every built-in policy's order, and a comparison of a pool's whole
// observable state with it. Shared by the reliability tests and the fuzz targets.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <set>
#include <vector>

#include <objpool/policy/bitmap.hpp>
#include <objpool/policy/fifo.hpp>
#include <objpool/policy/lifo.hpp>

namespace objpool_reliability {

/// Which slot a policy hands out next.
enum class Order {
    fifo,    ///< never-used slots ascending, then freed slots, the one freed longest ago first
    lifo,    ///< the slot freed most recently, else never-used slots ascending
    lowest,  ///< the lowest free slot
};

/// The Order of a policy; specialise it for a test's own policies.
template <class Policy>
struct order_of;
template <>
struct order_of<objpool::Fifo> {
    static constexpr Order value = Order::fifo;
};
template <>
struct order_of<objpool::Lifo> {
    static constexpr Order value = Order::lifo;
};
template <>
struct order_of<objpool::Bitmap> {
    static constexpr Order value = Order::lowest;
};

/// Slots 0 .. capacity-1 handed out in a policy's order, written as plainly as possible.
class ReferenceModel {
public:
    ReferenceModel(std::size_t capacity, Order order) : out_(capacity, false), order_(order) {}

    /// The slot get() must hand out, now out; nullopt when none is free. A slot taken by
    /// claim() is passed over where it waits (never-used, or freed and queued).
    std::optional<std::size_t> get() {
        // Fifo checks its count of free slots first; the stacks pop until they find one, passing
        // over (and dropping) the claimed slots still waiting even when none is free.
        if (order_ == Order::fifo && available() == 0) {
            return std::nullopt;
        }
        for (;;) {
            const auto slot = next();
            if (!slot || claimed_waiting_.erase(*slot) == 0) {
                if (slot) {
                    out_[*slot] = true;
                }
                return slot;
            }
        }
    }

    /// Takes `slot` if it is a slot and free (an id pool's try_claim): it stays where it waits,
    /// marked; returns whether it was taken.
    bool claim(std::size_t slot) {
        if (slot >= out_.size() || out_[slot]) {
            return false;
        }
        out_[slot] = true;
        if (free_set_.erase(slot) == 0) {  // lowest order: a freed slot leaves the set
            claimed_waiting_.insert(slot);
        }
        return true;
    }

    /// Every slot free and never used, as at construction (an id pool's free_all).
    void reset() {
        out_.assign(out_.size(), false);
        freed_.clear();
        free_set_.clear();
        claimed_waiting_.clear();
        fresh_ = 0;
    }

private:
    // The next waiting slot in the policy's order, taken off its queue (claimed ones included).
    std::optional<std::size_t> next() {
        std::size_t slot;
        if (order_ == Order::lowest) {
            if (free_set_.empty() && fresh_ == out_.size()) {
                return std::nullopt;
            }
            // Every freed slot is below fresh_, so the lowest free slot is the lowest freed
            // one if any, else the lowest never-used one.
            if (!free_set_.empty()) {
                slot = *free_set_.begin();
                free_set_.erase(free_set_.begin());
            } else {
                slot = fresh_++;
            }
        } else if (order_ == Order::fifo) {
            if (fresh_ < out_.size()) {
                slot = fresh_++;
            } else if (!freed_.empty()) {
                slot = freed_.front();
                freed_.pop_front();
            } else {
                return std::nullopt;
            }
        } else {
            if (!freed_.empty()) {
                slot = freed_.back();
                freed_.pop_back();
            } else if (fresh_ < out_.size()) {
                slot = fresh_++;
            } else {
                return std::nullopt;
            }
        }
        return slot;
    }

public:
    /// Frees `slot` if it is a slot and out; returns whether it was (false changes nothing). A
    /// claimed slot that still waits is free again where it waits.
    bool free(std::size_t slot) {
        if (slot >= out_.size() || !out_[slot]) {
            return false;
        }
        out_[slot] = false;
        if (claimed_waiting_.erase(slot) != 0) {
            return true;
        }
        if (order_ == Order::lowest) {
            free_set_.insert(slot);
        } else {
            freed_.push_back(slot);
        }
        return true;
    }

    [[nodiscard]] bool is_allocated(std::size_t slot) const {
        return slot < out_.size() && out_[slot];
    }
    [[nodiscard]] std::size_t capacity() const { return out_.size(); }
    [[nodiscard]] std::size_t allocated() const {
        std::size_t count = 0;
        for (const bool out : out_) {
            count += out ? 1 : 0;
        }
        return count;
    }
    [[nodiscard]] std::size_t available() const { return capacity() - allocated(); }
    /// Distinct slots ever handed out (the ordering rule makes them 0 .. fresh-1).
    [[nodiscard]] std::size_t high_water_mark() const { return fresh_; }
    /// The out slots, ascending.
    [[nodiscard]] std::vector<std::size_t> out_slots() const {
        std::vector<std::size_t> slots;
        for (std::size_t slot = 0; slot < out_.size(); ++slot) {
            if (out_[slot]) {
                slots.push_back(slot);
            }
        }
        return slots;
    }

private:
    std::vector<bool> out_;
    std::deque<std::size_t> freed_;          // fifo: front is oldest; lifo: back is newest
    std::set<std::size_t> free_set_;         // lowest: freed slots
    std::set<std::size_t> claimed_waiting_;  // claimed, still queued or never used
    std::size_t fresh_ = 0;
    Order order_;
};

/// The first difference between an IdPool's observable state and the model (ids are
/// `first + slot`), or nullptr when they agree.
template <class IdPool>
const char* id_pool_mismatch(const IdPool& pool, const ReferenceModel& model) {
    if (pool.capacity() != model.capacity()) {
        return "capacity()";
    }
    if (pool.available() != model.available() || pool.allocated() != model.allocated()) {
        return "available() or allocated()";
    }
    using Id = typename IdPool::id_type;
    for (std::size_t slot = 0; slot < model.capacity(); ++slot) {
        if (pool.is_allocated(static_cast<Id>(pool.first() + slot)) != model.is_allocated(slot)) {
            return "is_allocated(id)";
        }
    }
    if (pool.is_allocated(static_cast<Id>(pool.first() - 1)) ||
        pool.is_allocated(static_cast<Id>(pool.first() + model.capacity()))) {
        return "is_allocated(id) outside the range";
    }
    return nullptr;
}

/// The first difference between an ObjectPool's observable state and the model (ids are
/// `slot + 1`), or nullptr when they agree. `address(slot)` is where slot's object lives
/// (nullptr while unknown, that is before the pool has handed out anything).
template <class ObjectPool, class Address>
const char* object_pool_mismatch(ObjectPool& pool, const ReferenceModel& model, Address address) {
    if (pool.capacity() != model.capacity()) {
        return "capacity()";
    }
    if (pool.available() != model.available() || pool.allocated() != model.allocated()) {
        return "available() or allocated()";
    }
    if (pool.high_water_mark() != model.high_water_mark()) {
        return "high_water_mark()";
    }
    for (std::size_t slot = 0; slot < model.capacity(); ++slot) {
        const bool out = model.is_allocated(slot);
        if (pool.is_allocated(slot + 1) != out) {
            return "is_allocated(id)";
        }
        if (pool.find(slot + 1) != (out ? address(slot) : nullptr)) {
            return "find(id)";
        }
        if (address(slot) != nullptr && pool.id_of(address(slot)) != slot + 1) {
            return "id_of(object)";
        }
    }
    if (pool.is_allocated(0) || pool.is_allocated(model.capacity() + 1) ||
        pool.find(0) != nullptr || pool.find(model.capacity() + 1) != nullptr) {
        return "is_allocated(id) or find(id) outside the range";
    }
    return nullptr;
}

}  // namespace objpool_reliability
