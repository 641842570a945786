#include "lexer.hpp"

#include <vector>

namespace gql::detail {
namespace {

bool is_name_start(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_name_continue(char c) noexcept {
    return is_name_start(c) || (c >= '0' && c <= '9');
}
bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}
bool is_continuation(char c) noexcept {
    return (static_cast<unsigned char>(c) & 0xC0U) == 0x80U;
}

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

// What a one-character escape (\" \\ \/ \b \f \n \r \t) stands for; '\0' when `c` names none.
char single_character_escape(char c) noexcept {
    constexpr std::string_view names = "\"\\/bfnrt";
    constexpr std::string_view values = "\"\\/\b\f\n\r\t";
    const auto at = names.find(c);
    return at == std::string_view::npos ? '\0' : values[at];
}

void append_utf8(std::string& out, unsigned code_point) {
    if (code_point < 0x80) {
        out.push_back(static_cast<char>(code_point));
    } else if (code_point < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (code_point >> 6)));
        out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
    } else if (code_point < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (code_point >> 12)));
        out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (code_point >> 18)));
        out.push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
    }
}

bool is_blank(std::string_view line) noexcept {
    return line.find_first_not_of(" \t") == std::string_view::npos;
}

std::size_t leading_whitespace(std::string_view line) noexcept {
    std::size_t n = 0;
    while (n < line.size() && (line[n] == ' ' || line[n] == '\t')) {
        ++n;
    }
    return n;
}

// The spec's BlockStringValue(): drop the common indentation and blank first/last lines.
std::string block_string_value(const std::string& raw) {
    std::vector<std::string_view> lines;
    std::string_view rest(raw);
    for (;;) {
        std::size_t end = rest.find_first_of("\r\n");
        if (end == std::string_view::npos) {
            lines.push_back(rest);
            break;
        }
        lines.push_back(rest.substr(0, end));
        std::size_t skip =
            (rest[end] == '\r' && end + 1 < rest.size() && rest[end + 1] == '\n') ? 2 : 1;
        rest.remove_prefix(end + skip);
    }
    std::size_t common = std::string_view::npos;
    for (std::size_t i = 1; i < lines.size(); ++i) {
        std::size_t indent = leading_whitespace(lines[i]);
        if (indent < lines[i].size() && indent < common) {
            common = indent;
        }
    }
    if (common != std::string_view::npos) {
        for (std::size_t i = 1; i < lines.size(); ++i) {
            lines[i].remove_prefix(std::min(common, lines[i].size()));
        }
    }
    std::size_t first = 0;
    std::size_t last = lines.size();
    while (first < last && is_blank(lines[first])) {
        ++first;
    }
    while (last > first && is_blank(lines[last - 1])) {
        --last;
    }
    std::string out;
    for (std::size_t i = first; i < last; ++i) {
        if (i != first) {
            out.push_back('\n');
        }
        out.append(lines[i]);
    }
    return out;
}

}  // namespace

std::string_view token_kind_name(TokenKind kind) noexcept {
    switch (kind) {
        case TokenKind::End:
            return "<EOF>";
        case TokenKind::Bang:
            return "\"!\"";
        case TokenKind::Dollar:
            return "\"$\"";
        case TokenKind::Amp:
            return "\"&\"";
        case TokenKind::ParenL:
            return "\"(\"";
        case TokenKind::ParenR:
            return "\")\"";
        case TokenKind::Spread:
            return "\"...\"";
        case TokenKind::Colon:
            return "\":\"";
        case TokenKind::Equals:
            return "\"=\"";
        case TokenKind::At:
            return "\"@\"";
        case TokenKind::BracketL:
            return "\"[\"";
        case TokenKind::BracketR:
            return "\"]\"";
        case TokenKind::BraceL:
            return "\"{\"";
        case TokenKind::Pipe:
            return "\"|\"";
        case TokenKind::BraceR:
            return "\"}\"";
        case TokenKind::Name:
            return "Name";
        case TokenKind::Int:
            return "Int";
        case TokenKind::Float:
            return "Float";
        case TokenKind::String:
            return "String";
        case TokenKind::BlockString:
            return "BlockString";
    }
    return "?";
}

Location Lexer::here() const noexcept {
    return Location{line_, position_ - line_start_ - continuation_bytes_ + 1};
}

void Lexer::fail(const std::string& message, Location location) {
    throw SyntaxError("Syntax Error: " + message, location);
}

void Lexer::new_line(std::size_t line_start) {
    ++line_;
    line_start_ = line_start;
    continuation_bytes_ = 0;
}

void Lexer::skip_ignored() {
    while (position_ < source_.size()) {
        char c = source_[position_];
        if (c == ' ' || c == '\t' || c == ',') {
            ++position_;
        } else if (c == '\n') {
            ++position_;
            new_line(position_);
        } else if (c == '\r') {
            ++position_;
            if (position_ < source_.size() && source_[position_] == '\n') {
                ++position_;
            }
            new_line(position_);
        } else if (c == '#') {
            while (position_ < source_.size() && source_[position_] != '\n' &&
                   source_[position_] != '\r') {
                if (is_continuation(source_[position_])) {
                    ++continuation_bytes_;
                }
                ++position_;
            }
        } else if (source_.compare(position_, 3, "\xEF\xBB\xBF") == 0) {
            // A byte order mark is ignored and counts as one column.
            position_ += 3;
            continuation_bytes_ += 2;
        } else {
            return;
        }
    }
}

Token Lexer::next() {
    skip_ignored();
    Token token;
    token.location = here();
    if (position_ >= source_.size()) {
        token.kind = TokenKind::End;
        return token;
    }
    if (++token_count_ > max_tokens_) {
        fail("Document contains more than " + std::to_string(max_tokens_) + " tokens.",
             token.location);
    }
    const std::size_t start = position_;
    const char c = source_[position_];
    auto punctuator = [&](TokenKind kind, std::size_t length) {
        token.kind = kind;
        token.text = source_.substr(start, length);
        position_ += length;
        return token;
    };
    switch (c) {
        case '!':
            return punctuator(TokenKind::Bang, 1);
        case '$':
            return punctuator(TokenKind::Dollar, 1);
        case '&':
            return punctuator(TokenKind::Amp, 1);
        case '(':
            return punctuator(TokenKind::ParenL, 1);
        case ')':
            return punctuator(TokenKind::ParenR, 1);
        case ':':
            return punctuator(TokenKind::Colon, 1);
        case '=':
            return punctuator(TokenKind::Equals, 1);
        case '@':
            return punctuator(TokenKind::At, 1);
        case '[':
            return punctuator(TokenKind::BracketL, 1);
        case ']':
            return punctuator(TokenKind::BracketR, 1);
        case '{':
            return punctuator(TokenKind::BraceL, 1);
        case '|':
            return punctuator(TokenKind::Pipe, 1);
        case '}':
            return punctuator(TokenKind::BraceR, 1);
        case '.':
            if (source_.compare(position_, 3, "...") == 0) {
                return punctuator(TokenKind::Spread, 3);
            }
            fail("Unexpected \".\".", token.location);
        case '"':
            if (source_.compare(position_, 3, R"(""")") == 0) {
                return read_block_string(token.location);
            }
            return read_string(token.location);
        default:
            break;
    }
    if (is_name_start(c)) {
        while (position_ < source_.size() && is_name_continue(source_[position_])) {
            ++position_;
        }
        token.kind = TokenKind::Name;
        token.text = source_.substr(start, position_ - start);
        return token;
    }
    if (c == '-' || is_digit(c)) {
        return read_number(token.location);
    }
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
        fail("Invalid character with code " + std::to_string(static_cast<int>(c)) + ".",
             token.location);
    }
    // Outside strings and comments a GraphQL document is ASCII; naming the byte keeps the
    // message valid UTF-8 whatever the input.
    if ((static_cast<unsigned char>(c) & 0x80U) != 0) {
        static const char hex[] = "0123456789ABCDEF";
        const auto byte = static_cast<unsigned char>(c);
        fail(std::string("Unexpected non-ASCII byte 0x") + hex[byte >> 4U] + hex[byte & 0xFU] + ".",
             token.location);
    }
    fail("Unexpected character \"" + std::string(1, c) + "\".", token.location);
}

Token Lexer::read_number(Location start_location) {
    const std::size_t start = position_;
    bool is_float = false;
    auto digits = [&] {
        if (position_ >= source_.size() || !is_digit(source_[position_])) {
            fail("Invalid number, expected digit.", here());
        }
        while (position_ < source_.size() && is_digit(source_[position_])) {
            ++position_;
        }
    };
    if (source_[position_] == '-') {
        ++position_;
    }
    if (position_ < source_.size() && source_[position_] == '0') {
        ++position_;
        if (position_ < source_.size() && is_digit(source_[position_])) {
            fail("Invalid number, unexpected digit after 0.", here());
        }
    } else {
        digits();
    }
    if (position_ < source_.size() && source_[position_] == '.') {
        is_float = true;
        ++position_;
        digits();
    }
    if (position_ < source_.size() && (source_[position_] == 'e' || source_[position_] == 'E')) {
        is_float = true;
        ++position_;
        if (position_ < source_.size() &&
            (source_[position_] == '+' || source_[position_] == '-')) {
            ++position_;
        }
        digits();
    }
    if (position_ < source_.size() &&
        (source_[position_] == '.' || is_name_start(source_[position_]))) {
        fail("Invalid number, unexpected character after number.", here());
    }
    Token token;
    token.kind = is_float ? TokenKind::Float : TokenKind::Int;
    token.text = source_.substr(start, position_ - start);
    token.location = start_location;
    return token;
}

unsigned Lexer::read_hex_digits(std::size_t count) {
    unsigned value = 0;
    for (std::size_t i = 0; i < count; ++i) {
        int digit = position_ < source_.size() ? hex_value(source_[position_]) : -1;
        if (digit < 0) {
            fail("Invalid Unicode escape sequence.", here());
        }
        value = value * 16 + static_cast<unsigned>(digit);
        ++position_;
    }
    return value;
}

void Lexer::read_escape(std::string& out) {
    const Location escape_location = here();
    ++position_;  // the backslash
    if (position_ >= source_.size()) {
        fail("Unterminated string.", here());
    }
    const char c = source_[position_++];
    if (const char escaped = single_character_escape(c); escaped != '\0') {
        out.push_back(escaped);
        return;
    }
    if (c != 'u') {
        fail(std::string("Invalid character escape sequence: \"\\") + c + "\".", escape_location);
    }
    unsigned code_point = 0;
    if (position_ < source_.size() && source_[position_] == '{') {
        ++position_;
        std::size_t digits = 0;
        while (position_ < source_.size() && source_[position_] != '}') {
            int digit = hex_value(source_[position_]);
            if (digit < 0 || ++digits > 6) {
                fail("Invalid Unicode escape sequence.", escape_location);
            }
            code_point = code_point * 16 + static_cast<unsigned>(digit);
            ++position_;
        }
        if (position_ >= source_.size() || digits == 0) {
            fail("Invalid Unicode escape sequence.", escape_location);
        }
        ++position_;
    } else {
        code_point = read_hex_digits(4);
        if (code_point >= 0xD800 && code_point <= 0xDBFF) {
            // A leading surrogate must be followed by an escaped trailing surrogate.
            if (source_.compare(position_, 2, "\\u") != 0) {
                fail("Invalid Unicode escape sequence: unpaired surrogate.", escape_location);
            }
            position_ += 2;
            unsigned trailing = read_hex_digits(4);
            if (trailing < 0xDC00 || trailing > 0xDFFF) {
                fail("Invalid Unicode escape sequence: unpaired surrogate.", escape_location);
            }
            code_point = 0x10000 + ((code_point - 0xD800) << 10) + (trailing - 0xDC00);
        }
    }
    if ((code_point >= 0xD800 && code_point <= 0xDFFF) || code_point > 0x10FFFF) {
        fail("Invalid Unicode escape sequence: not a Unicode scalar value.", escape_location);
    }
    append_utf8(out, code_point);
}

void Lexer::read_string_character(std::string& out) {
    const char c = source_[position_];
    if (static_cast<unsigned char>(c) < 0x20 && c != '\t') {
        fail("Invalid character within String: " + std::to_string(static_cast<int>(c)) + ".",
             here());
    }
    if (is_continuation(c)) {
        ++continuation_bytes_;
    }
    out.push_back(c);
    ++position_;
}

Token Lexer::read_string(Location start_location) {
    const std::size_t start = position_;
    ++position_;  // opening quote
    Token token;
    token.kind = TokenKind::String;
    token.location = start_location;
    while (position_ < source_.size()) {
        char c = source_[position_];
        if (c == '"') {
            ++position_;
            token.text = source_.substr(start, position_ - start);
            return token;
        }
        if (c == '\n' || c == '\r') {
            break;
        }
        if (c == '\\') {
            read_escape(token.value);
            continue;
        }
        read_string_character(token.value);
    }
    fail("Unterminated string.", here());
}

Token Lexer::read_block_string(Location start_location) {
    const std::size_t start = position_;
    position_ += 3;
    std::string raw;
    while (position_ < source_.size()) {
        char c = source_[position_];
        if (c == '"' && source_.compare(position_, 3, R"(""")") == 0) {
            position_ += 3;
            Token token;
            token.kind = TokenKind::BlockString;
            token.location = start_location;
            token.text = source_.substr(start, position_ - start);
            token.value = block_string_value(raw);
            return token;
        }
        if (c == '\\' && source_.compare(position_, 4, R"(\""")") == 0) {
            raw.append(R"(""")");
            position_ += 4;
            continue;
        }
        if (c == '\n' || c == '\r') {
            raw.push_back(c);
            ++position_;
            if (c == '\r' && position_ < source_.size() && source_[position_] == '\n') {
                raw.push_back('\n');
                ++position_;
            }
            new_line(position_);
            continue;
        }
        read_string_character(raw);
    }
    fail("Unterminated string.", here());
}

}  // namespace gql::detail
