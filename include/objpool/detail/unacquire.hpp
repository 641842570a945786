/// @file
/// @brief Undoing an acquire() whose object could not be built: the strong guarantee's core.
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>

namespace objpool::detail {

/// Whether `List` has the optional `void unacquire(std::size_t slot) noexcept`.
template <class List, class = void>
struct has_unacquire : std::false_type {};
template <class List>
struct has_unacquire<List, std::void_t<decltype(std::declval<List&>().unacquire(std::size_t{}))>>
    : std::bool_constant<noexcept(std::declval<List&>().unacquire(std::size_t{}))> {};

/// Puts `slot`, just returned by `list.acquire()`, back so that the list is as it was before
/// that call: the next acquire() returns `slot` again. A policy whose release() already does
/// that (a stack, a lowest-first bitmap) needs no `unacquire`; one that queues released slots
/// (Fifo) must provide it, or a failed construction would reorder the slots it hands out.
template <class List>
void unacquire(List& list, std::size_t slot) noexcept {
    if constexpr (has_unacquire<List>::value) {
        list.unacquire(slot);
    } else {
        static_cast<void>(list.release(slot));
    }
}

}  // namespace objpool::detail
