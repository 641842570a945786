// Tokenizer for GraphQL source text (executable documents and SDL alike).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "error.hpp"

namespace gql::detail {

enum class TokenKind {
    End,
    Bang,
    Dollar,
    Amp,
    ParenL,
    ParenR,
    Spread,
    Colon,
    Equals,
    At,
    BracketL,
    BracketR,
    BraceL,
    Pipe,
    BraceR,
    Name,
    Int,
    Float,
    String,
    BlockString,
};

/// @brief Human-readable form of a token kind, for error messages ("Name", "\"{\"").
std::string_view token_kind_name(TokenKind kind) noexcept;

struct Token {
    TokenKind kind = TokenKind::End;
    /// The token's source text (names, numbers, punctuators; raw text for strings).
    std::string_view text;
    /// The decoded value of a string or block string.
    std::string value;
    Location location;
};

/// @brief Produces tokens one at a time, skipping ignored tokens (whitespace, commas, comments).
///
/// Throws SyntaxError on invalid characters, malformed numbers or strings, and when more
/// than `max_tokens` tokens are read. Complexity: linear in the length of the source.
class Lexer {
public:
    Lexer(std::string_view source, std::size_t max_tokens) noexcept
        : source_(source), max_tokens_(max_tokens) {}

    /// @brief The next significant token (TokenKind::End at the end of the source).
    Token next();

private:
    [[nodiscard]] Location here() const noexcept;
    [[noreturn]] static void fail(const std::string& message, Location location);
    void skip_ignored();
    void new_line(std::size_t line_start);
    Token read_number(Location start);
    Token read_string(Location start);
    Token read_block_string(Location start);
    // Appends the escape sequence at position_ (a backslash) decoded to `out`.
    void read_escape(std::string& out);
    // Appends the source character at position_ to `out`, refusing control characters.
    void read_string_character(std::string& out);
    unsigned read_hex_digits(std::size_t count);

    std::string_view source_;
    std::size_t max_tokens_;
    std::size_t position_ = 0;
    std::size_t line_ = 1;
    std::size_t line_start_ = 0;
    // UTF-8 continuation bytes seen on the current line, so columns count code points.
    std::size_t continuation_bytes_ = 0;
    std::size_t token_count_ = 0;
};

}  // namespace gql::detail
