// Bearer-token authentication (RFC 6750) for --auth-token-file: the token file's format, the
// Authorization header, a comparison whose time does not depend on the token's bytes, and the
// token set that SIGHUP replaces while requests are being checked on other threads.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace objpool_graphql {

/// @brief A token file that cannot be used: unreadable, holding no token, or a line that is not a
/// token. The message names the file and the line, never a token.
class TokenFileError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// @brief The tokens a server accepts; never empty once loaded.
using TokenSet = std::vector<std::string>;

/// @brief Parses the text of a token file: one token a line; spaces, tabs and a CR around a line
/// are trimmed; blank lines and lines starting with '#' are skipped. A token is an RFC 6750
/// b64token: letters, digits and `-._~+/`, then any number of `=`.
/// @param text the file's contents.
/// @param origin names the file in error messages.
/// @return the tokens, in file order (duplicates kept; they change nothing).
/// @throws TokenFileError for a line that is not a token (the message gives its number and what
/// is wrong, not its text), or when the text holds no token.
/// @par Complexity
/// O(text.size()).
[[nodiscard]] TokenSet parse_token_file(std::string_view text, std::string_view origin);

/// @brief Reads and parses the token file at `path` (see parse_token_file()).
/// @throws TokenFileError when the file cannot be opened or read, or as parse_token_file().
[[nodiscard]] TokenSet load_token_file(const std::string& path);

/// @brief Whether `presented` equals `expected`, in a time that depends only on
/// `presented.size()`: every byte is looked at whatever the others hold, so the time tells
/// nothing about where two tokens differ, nor about `expected`'s length.
/// @par Complexity
/// O(presented.size()), no allocation.
[[nodiscard]] bool constant_time_equals(std::string_view expected,
                                        std::string_view presented) noexcept;

/// @brief The token of an Authorization header value `Bearer <token>` (the scheme in any case,
/// one or more spaces after it, spaces around the value ignored); empty for `Bearer` alone;
/// nullopt for another scheme. The token is returned as sent, even when it is not a b64token.
[[nodiscard]] std::optional<std::string_view> bearer_token(std::string_view authorization) noexcept;

/// @brief What an Authorization header amounts to.
enum class AuthResult {
    Accepted,       ///< a bearer token of the current set
    NoCredentials,  ///< no Authorization header, or one of another scheme
    InvalidToken,   ///< a bearer token that is not in the set (or malformed)
};

/// @brief The tokens of one token file, replaced as a whole by reload().
/// Thread-safe: check() may run on any number of threads while reload() runs on another; each
/// check sees either the old set or the new one, entirely.
class BearerAuth {
public:
    /// @brief Loads `token_file` (see load_token_file()).
    /// @throws TokenFileError when it cannot be used: a server must not start without tokens.
    explicit BearerAuth(std::string token_file);

    /// @brief Checks the value of a request's Authorization header (nullopt: no header). The
    /// presented token is compared with every token of the set, without stopping at a match.
    /// @par Complexity
    /// O(tokens × presented token's length).
    [[nodiscard]] AuthResult check(std::optional<std::string_view> authorization) const;

    /// @brief Reads the token file again. When it can be used, its tokens replace the current
    /// ones; otherwise the current ones stay.
    /// @return one line for the server's log saying which happened and why (token counts, never
    /// tokens).
    std::string reload();

    /// @brief The number of tokens now accepted.
    [[nodiscard]] std::size_t size() const;

    /// @brief The token file's path, as given.
    [[nodiscard]] const std::string& token_file() const noexcept { return token_file_; }

private:
    [[nodiscard]] std::shared_ptr<const TokenSet> current() const;

    std::string token_file_;
    // A check copies the pointer under the lock and compares outside it; a reload swaps the
    // pointer under the lock, and the old set lives on until the last check using it ends.
    mutable std::mutex mutex_;
    std::shared_ptr<const TokenSet> tokens_;  // guarded by mutex_
};

}  // namespace objpool_graphql
