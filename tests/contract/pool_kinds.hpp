// The pool kinds the contract suite runs over: every family (single-threaded, concurrent) x
// every policy, including user-defined ones. A kind names the id and object pool types of one
// family and policy, so that each test case is written once.
#pragma once

#include <algorithm>
#include <cinttypes>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <objpool/objpool.hpp>

#include "../vector_stack.hpp"

namespace objpool_contract {

/// A user-defined FIFO policy written against objpool/free_list_traits.hpp only, with its own
/// unacquire(), acquire_slot() and reset(): never-used slots first (ascending), then freed slots
/// in the order they were freed; a slot taken by acquire_slot() stays where it is and acquire()
/// passes over it. objpool_test::VectorStack is the other user policy, with none of the optional
/// members (its release() is the exact undo; free_all falls back to releasing each out slot; an
/// id pool over it has no try_claim).
struct UserQueue {
    class FreeList {
    public:
        explicit FreeList(std::size_t capacity)
            : ring_(capacity), out_(capacity, false), taken_(capacity, false) {}

        std::size_t acquire() noexcept {
            for (;;) {
                std::size_t slot = capacity();
                last_was_fresh_ = fresh_ < capacity();
                if (last_was_fresh_) {
                    slot = fresh_++;
                } else if (queued_ != 0) {
                    slot = ring_[head_];
                    head_ = (head_ + 1) % capacity();
                    --queued_;
                } else {
                    return capacity();
                }
                if (taken_[slot]) {  // taken by acquire_slot while waiting here: pass over it
                    taken_[slot] = false;
                    --taken_waiting_;
                    continue;
                }
                out_[slot] = true;
                return slot;
            }
        }

        bool acquire_slot(std::size_t slot) noexcept {
            if (out_[slot]) {
                return false;
            }
            out_[slot] = true;
            taken_[slot] = true;
            ++taken_waiting_;
            return true;
        }

        void reset() noexcept {
            std::fill(out_.begin(), out_.end(), false);
            std::fill(taken_.begin(), taken_.end(), false);
            fresh_ = 0;
            head_ = 0;
            queued_ = 0;
            taken_waiting_ = 0;
        }

        bool release(std::size_t slot) noexcept {
            if (!out_[slot]) {
                return false;
            }
            out_[slot] = false;
            if (taken_[slot]) {  // still waiting at its old place: free there again
                taken_[slot] = false;
                --taken_waiting_;
                return true;
            }
            ring_[(head_ + queued_) % capacity()] = slot;
            ++queued_;
            return true;
        }

        void unacquire(std::size_t slot) noexcept {
            out_[slot] = false;
            if (last_was_fresh_) {
                --fresh_;
            } else {
                head_ = (head_ + capacity() - 1) % capacity();
                ++queued_;
            }
        }

        [[nodiscard]] bool is_allocated(std::size_t slot) const noexcept { return out_[slot]; }
        [[nodiscard]] std::size_t capacity() const noexcept { return out_.size(); }
        [[nodiscard]] std::size_t available() const noexcept {
            return capacity() - fresh_ + queued_ - taken_waiting_;
        }
        [[nodiscard]] std::size_t bookkeeping_bytes() const noexcept {
            return ring_.capacity() * sizeof(std::size_t) + out_.capacity() / 8;
        }

    private:
        std::vector<std::size_t> ring_;
        std::vector<bool> out_;
        std::vector<bool> taken_;  // taken by acquire_slot, still in the ring or above fresh_
        std::size_t fresh_ = 0;    // slots below it have been handed out
        std::size_t head_ = 0;
        std::size_t queued_ = 0;
        std::size_t taken_waiting_ = 0;
        bool last_was_fresh_ = false;
    };
};

static_assert(objpool::is_policy_v<UserQueue>);
static_assert(objpool::free_list_traits<UserQueue::FreeList>::has_unacquire);
static_assert(objpool::free_list_traits<UserQueue::FreeList>::has_acquire_slot);
static_assert(!objpool::free_list_traits<objpool_test::VectorStack::FreeList>::has_acquire_slot);

/// The single-threaded pools of `Policy`.
template <class Policy>
struct SingleThreaded {
    using policy = Policy;
    static constexpr bool concurrent = false;
    template <class Id = std::uint32_t>
    using IdPool = objpool::IdPool<Policy, Id>;
    template <class T, class Lifecycle = objpool::Reuse>
    using ObjectPool = objpool::ObjectPool<T, Policy, Lifecycle>;
};

/// The concurrent pools of `Policy`.
template <class Policy>
struct Concurrent {
    using policy = Policy;
    static constexpr bool concurrent = true;
    template <class Id = std::uint32_t>
    using IdPool = objpool::ConcurrentIdPool<Policy, Id>;
    template <class T, class Lifecycle = objpool::Reuse>
    using ObjectPool = objpool::ConcurrentObjectPool<T, Policy, Lifecycle>;
};

/// The single-threaded policies: the built-in ones and two user-defined ones.
using SingleThreadedPolicies =
    std::tuple<objpool::Fifo, objpool::Lifo, objpool::Bitmap, objpool_test::VectorStack, UserQueue>;

/// The concurrent policies: the lock-free free lists, the locked baseline over a built-in and a
/// user-defined policy, and the thread-cached wrappers. A concurrent policy added to the library
/// goes here and runs through the whole contract.
using ConcurrentPolicies =
    std::tuple<objpool::Fifo, objpool::Lifo, objpool::Bitmap, objpool::Locked<objpool::Fifo>,
               objpool::Locked<objpool::Bitmap>, objpool::Locked<UserQueue>,
               objpool::ThreadCached<objpool::Lifo>, objpool::ThreadCached<objpool::Fifo>,
               objpool::ThreadCached<objpool::Bitmap>>;

template <template <class> class Family, class Policies>
struct kinds_of;
template <template <class> class Family, class... Policies>
struct kinds_of<Family, std::tuple<Policies...>> {
    using type = std::tuple<Family<Policies>...>;
};

template <class First, class Second>
struct concatenated;
template <class... First, class... Second>
struct concatenated<std::tuple<First...>, std::tuple<Second...>> {
    using type = std::tuple<First..., Second...>;
};

/// Whether a fresh pool of `Policy` hands out its slots in ascending order, as every policy above
/// does: specialise it as false for a policy that does not (a per-thread cache may hand out a
/// batch in another order), and the tests then check the set of ids instead of their order.
template <class Policy>
inline constexpr bool ascending_when_fresh_v = true;

/// Every family x every policy.
using AllKinds =
    typename concatenated<typename kinds_of<SingleThreaded, SingleThreadedPolicies>::type,
                          typename kinds_of<Concurrent, ConcurrentPolicies>::type>::type;

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

/// How an address appears in a BadFree message.
inline std::string address_text(const void* address) {
    char text[2 + 2 * sizeof(void*) + 1];
    static_cast<void>(
        std::snprintf(text, sizeof text, "0x%" PRIxPTR, reinterpret_cast<std::uintptr_t>(address)));
    return text;
}

}  // namespace objpool_contract
