// ASCII text helpers for the HTTP layer: header names, media types and auth schemes are ASCII and
// compared without regard to case; values and token-file lines are trimmed of blanks.
#pragma once

#include <cstddef>
#include <string_view>

namespace objpool_graphql {

/// @brief `c` in lower case when it is an ASCII capital, else `c`. std::tolower consults the locale
/// on every call, which showed up in profiles of the header lookups.
[[nodiscard]] constexpr char ascii_lower(char c) noexcept {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

/// @brief Whether `a` and `b` are equal, ASCII letters compared without regard to case.
/// @par Complexity
/// O(min(a.size(), b.size())).
[[nodiscard]] constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (ascii_lower(a[i]) != ascii_lower(b[i])) {
            return false;
        }
    }
    return true;
}

/// @brief `s` without the leading and trailing characters found in `blanks` (by default HTTP's
/// optional whitespace: space and tab).
[[nodiscard]] constexpr std::string_view trim(std::string_view s,
                                              std::string_view blanks = " \t") noexcept {
    const auto first = s.find_first_not_of(blanks);
    if (first == std::string_view::npos) {
        return {};
    }
    return s.substr(first, s.find_last_not_of(blanks) - first + 1);
}

}  // namespace objpool_graphql
