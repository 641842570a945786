// Compact JSON text of a response, written straight into a string: the same text as nlohmann's
// dump(-1, ' ', false, error_handler_t::replace), at a fraction of the cost for the small documents
// the server sends (nlohmann's serializer allocates a shared output adapter and consults the
// locale on every call, which was a tenth of a request's instructions).
#pragma once

#include <charconv>
#include <string>
#include <type_traits>

#include <nlohmann/json.hpp>

namespace objpool_graphql {

/// @brief Appends `value` as compact JSON text to `out`: no spaces, members in the value's
/// order, strings escaped as nlohmann escapes them (non-ASCII UTF-8 kept, invalid UTF-8
/// replaced by U+FFFD), numbers as nlohmann prints them.
/// Linear in the size of the text. Works with nlohmann::json and nlohmann::ordered_json.
template <class Json>
void append_json(std::string& out, const Json& value);

/// @brief append_json() into a new string.
template <class Json>
[[nodiscard]] std::string json_text(const Json& value) {
    std::string out;
    out.reserve(256);  // most responses fit: no reallocation while writing
    append_json(out, value);
    return out;
}

/// @brief Appends the decimal digits of `value` (with a '-' if negative) to `out`, as
/// std::to_string would but without a temporary string. O(digits), no allocation beyond `out`'s.
template <class Integer>
void append_decimal(std::string& out, Integer value) {
    static_assert(std::is_integral_v<Integer> && sizeof(Integer) <= 8);
    char digits[24];  // 20 digits and a sign at most
    const auto result = std::to_chars(digits, digits + sizeof digits, value);
    out.append(digits, result.ptr);
}

extern template void append_json(std::string&, const nlohmann::json&);
extern template void append_json(std::string&, const nlohmann::ordered_json&);

}  // namespace objpool_graphql
