// set_error_handler: installing, restoring and the default.
#include <objpool_catch.hpp>

#include "test_support.hpp"

namespace {
void quiet(const char*) noexcept {}
void other(const char*) noexcept {}
}  // namespace

TEST_CASE("set_error_handler returns the previous handler; nullptr restores the default",
          "[errors]") {
    const objpool::ErrorHandler original = objpool::set_error_handler(&quiet);
    CHECK(original != nullptr);
    CHECK(objpool::set_error_handler(&other) == &quiet);
    CHECK(objpool::set_error_handler(nullptr) == &other);
    CHECK(objpool::set_error_handler(original) == original);  // nullptr gave back the default
}
