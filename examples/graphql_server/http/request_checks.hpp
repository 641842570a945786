// Checks of request parameters made before they are parsed or executed.
//
// Nesting: the engine walks and prints variable values recursively (e.g. quoting an invalid
// value in an error message), so a 100,000-deep array in a 200 kB body would otherwise exhaust
// a thread's stack.
// UTF-8: a GraphQL document is Unicode text. POST bodies are checked by the JSON parser; GET
// parameters are percent-decoded bytes and are checked here.
#pragma once

#include <cstddef>
#include <string_view>

namespace objpool_graphql {

/// @brief The deepest array/object nesting accepted in a request body or `variables` parameter.
/// No input type of the schema nests; 64 leaves room for clients that send extra data.
inline constexpr std::size_t max_json_depth = 64;

/// @brief Whether the brackets of `text` (outside JSON strings) nest deeper than `limit`.
/// Does not validate the JSON: a malformed text within the limit is left to the parser.
/// @par Complexity
/// O(text.size()), no allocation.
[[nodiscard]] inline bool json_nests_deeper_than(std::string_view text,
                                                 std::size_t limit) noexcept {
    std::size_t depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') {
                ++i;  // the escaped character cannot end the string
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > limit) {
                return true;
            }
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return false;
}

/// @brief Whether `text` is well-formed UTF-8 (no overlong forms, surrogates or code points
/// above U+10FFFF).
/// @par Complexity
/// O(text.size()), no allocation.
[[nodiscard]] inline bool is_valid_utf8(std::string_view text) noexcept {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto lead = static_cast<unsigned char>(text[i]);
        if (lead < 0x80) {
            ++i;
            continue;
        }
        std::size_t length = 0;
        unsigned char low = 0x80;  // the range of the second byte, per RFC 3629's table
        unsigned char high = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            length = 2;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            length = 3;
            if (lead == 0xE0) {
                low = 0xA0;  // overlong
            }
            if (lead == 0xED) {
                high = 0x9F;  // surrogates
            }
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            length = 4;
            if (lead == 0xF0) {
                low = 0x90;  // overlong
            }
            if (lead == 0xF4) {
                high = 0x8F;  // above U+10FFFF
            }
        } else {
            return false;
        }
        if (text.size() - i < length) {
            return false;
        }
        const auto second = static_cast<unsigned char>(text[i + 1]);
        if (second < low || second > high) {
            return false;
        }
        for (std::size_t k = 2; k < length; ++k) {
            if ((static_cast<unsigned char>(text[i + k]) & 0xC0U) != 0x80U) {
                return false;
            }
        }
        i += length;
    }
    return true;
}

}  // namespace objpool_graphql
