/// @file
/// @brief The free-list policy interface, checked at compile time.
///
/// A policy is a tag type with a nested `FreeList` class that keeps track of which of the
/// slots `0 .. capacity-1` are free and decides which one `get` hands out next. The pools
/// add ids, objects and error reporting on top; a user policy plugs in exactly like
/// objpool::Fifo, objpool::Lifo and objpool::Bitmap.
///
/// For `L` = `Policy::FreeList`, `list` an `L`, `clist` a `const L` and `slot` a `std::size_t`:
///
/// - `L(capacity)`: every slot free; should do no per-slot work.
/// - `list.acquire()`, `std::size_t`, `noexcept`: marks a free slot allocated and returns it;
///   returns `clist.capacity()` when none is free.
/// - `list.release(slot)`, `bool`, `noexcept`: if `slot` is allocated, frees it and returns
///   true; otherwise returns false and changes nothing. Precondition: `slot < capacity()`.
/// - `clist.is_allocated(slot)`, `bool`, `noexcept`: whether `slot` is out.
///   Precondition: `slot < capacity()`.
/// - `clist.capacity()`, `clist.available()`: the number of slots, of free slots.
/// - `clist.bookkeeping_bytes()`: heap bytes the list uses.
/// - Optional: `list.unacquire(slot)`, `noexcept`: undoes the acquire() that just returned
///   `slot`, so that the next acquire() returns it again. ObjectPool calls it when the object's
///   construction throws. Without it, release() is called instead, which is the same thing for
///   a stack or a lowest-first policy but would requeue the slot in a queue (see Fifo).
///
/// One ordering rule: a slot that has never been handed out is handed out only after every
/// lower-numbered slot has been (the lowest never-used slot comes first). ObjectPool relies on
/// it to construct objects lazily with a single watermark.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

namespace objpool {

/// @brief The largest capacity a pool accepts: slot indices are stored in 32 bits.
inline constexpr std::size_t max_capacity = 0xFFFF'FFFFU;

namespace detail {

template <class Policy, class = void>
struct has_free_list : std::false_type {};
template <class Policy>
struct has_free_list<Policy, std::void_t<typename Policy::FreeList>> : std::true_type {};

template <class List, class = void>
struct has_acquire : std::false_type {};
template <class List>
struct has_acquire<List, std::void_t<decltype(std::declval<List&>().acquire())>>
    : std::bool_constant<std::is_same_v<decltype(std::declval<List&>().acquire()),
                                        std::size_t>&& noexcept(std::declval<List&>().acquire())> {
};

template <class List, class = void>
struct has_release : std::false_type {};
template <class List>
struct has_release<List, std::void_t<decltype(std::declval<List&>().release(std::size_t{}))>>
    : std::bool_constant<
          std::is_same_v<decltype(std::declval<List&>().release(std::size_t{})), bool>&& noexcept(
              std::declval<List&>().release(std::size_t{}))> {};

template <class List, class = void>
struct has_queries : std::false_type {};
template <class List>
struct has_queries<List,
                   std::void_t<decltype(std::declval<const List&>().is_allocated(std::size_t{})),
                               decltype(std::declval<const List&>().capacity()),
                               decltype(std::declval<const List&>().available()),
                               decltype(std::declval<const List&>().bookkeeping_bytes())>>
    : std::bool_constant<
          std::is_same_v<decltype(std::declval<const List&>().is_allocated(std::size_t{})),
                         bool>&& noexcept(std::declval<const List&>()
                                              .is_allocated(std::size_t{})) &&
          std::is_convertible_v<decltype(std::declval<const List&>().capacity()), std::size_t> &&
          std::is_convertible_v<decltype(std::declval<const List&>().available()), std::size_t> &&
          std::is_convertible_v<decltype(std::declval<const List&>().bookkeeping_bytes()),
                                std::size_t>> {};

template <class Policy, bool = has_free_list<Policy>::value>
struct free_list_checks {
    static constexpr bool constructible = false;
    static constexpr bool acquire = false;
    static constexpr bool release = false;
    static constexpr bool queries = false;
};
template <class Policy>
struct free_list_checks<Policy, true> {
    using List = typename Policy::FreeList;
    static constexpr bool constructible = std::is_constructible_v<List, std::size_t>;
    static constexpr bool acquire = has_acquire<List>::value;
    static constexpr bool release = has_release<List>::value;
    static constexpr bool queries = has_queries<List>::value;
};

/// Fails to compile, with one readable message per missing piece, unless Policy is a policy.
template <class Policy>
constexpr bool check_policy() {
    using checks = free_list_checks<Policy>;
    static_assert(has_free_list<Policy>::value,
                  "objpool: a policy must declare a nested type FreeList (see objpool/policy.hpp)");
    static_assert(!has_free_list<Policy>::value || checks::constructible,
                  "objpool: Policy::FreeList must be constructible from a std::size_t capacity");
    static_assert(!has_free_list<Policy>::value || checks::acquire,
                  "objpool: Policy::FreeList must have std::size_t acquire() noexcept");
    static_assert(!has_free_list<Policy>::value || checks::release,
                  "objpool: Policy::FreeList must have bool release(std::size_t slot) noexcept");
    static_assert(!has_free_list<Policy>::value || checks::queries,
                  "objpool: Policy::FreeList must have bool is_allocated(std::size_t) const "
                  "noexcept, capacity(), available() and bookkeeping_bytes() const");
    return true;
}

}  // namespace detail

/// @brief True when `Policy` meets the policy interface documented in objpool/policy.hpp.
template <class Policy>
inline constexpr bool is_policy_v =
    detail::free_list_checks<Policy>::constructible&& detail::free_list_checks<Policy>::acquire&&
        detail::free_list_checks<Policy>::release&& detail::free_list_checks<Policy>::queries;

#if defined(__cpp_concepts) && __cpp_concepts >= 201907L
/// @brief C++20 concept form of objpool::is_policy_v, for constraining user code.
template <class Policy>
concept FreeListPolicy = is_policy_v<Policy>;
#endif

}  // namespace objpool
