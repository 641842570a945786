// Shared by the core tests: the policies under test and small helpers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <objpool/objpool.hpp>

#include "vector_stack.hpp"

namespace objpool_test {

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
