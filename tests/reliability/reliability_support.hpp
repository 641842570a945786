// Shared by the reliability tests: the policies under test, including a user-defined one.
#pragma once

#include <cstddef>
#include <tuple>
#include <vector>

#include <objpool/objpool.hpp>

#include "../vector_stack.hpp"
#include "reference_model.hpp"

namespace objpool_reliability {

/// The user-defined policy of the core tests (no unacquire(): its release() is an exact undo of
/// acquire(), which is all the pools then need).
using UserStack = objpool_test::VectorStack;

template <>
struct order_of<UserStack> {
    static constexpr Order value = Order::lifo;
};

/// Every built-in policy and the user-defined one.
using Policies = std::tuple<objpool::Fifo, objpool::Lifo, objpool::Bitmap, UserStack>;

}  // namespace objpool_reliability
