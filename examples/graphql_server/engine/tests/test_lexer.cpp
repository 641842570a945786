// Lexer: token kinds, numbers, strings (escapes, unicode, block strings), ignored tokens,
// locations, and lexical errors.
#include <objpool_catch.hpp>

#include <vector>

#include "lexer.hpp"

using gql::detail::Lexer;
using gql::detail::SyntaxError;
using gql::detail::Token;
using gql::detail::TokenKind;

namespace {

std::vector<Token> lex_all(std::string_view source, std::size_t max_tokens = 1000) {
    Lexer lexer(source, max_tokens);
    std::vector<Token> tokens;
    for (;;) {
        Token token = lexer.next();
        if (token.kind == TokenKind::End)
            return tokens;
        tokens.push_back(std::move(token));
    }
}

Token lex_one(std::string_view source) {
    auto tokens = lex_all(source);
    REQUIRE(tokens.size() == 1);
    return tokens.front();
}

SyntaxError lex_error(std::string_view source) {
    try {
        lex_all(source);
    } catch (const SyntaxError& error) {
        return error;
    }
    FAIL("expected a syntax error for: " << source);
    return SyntaxError("", {});
}

}  // namespace

TEST_CASE("lexer: punctuators and names", "[lexer]") {
    auto tokens = lex_all("! $ & ( ) ... : = @ [ ] { | } name _under9");
    std::vector<TokenKind> kinds;
    for (const Token& token : tokens)
        kinds.push_back(token.kind);
    CHECK(kinds == std::vector<TokenKind>{
                       TokenKind::Bang, TokenKind::Dollar, TokenKind::Amp, TokenKind::ParenL,
                       TokenKind::ParenR, TokenKind::Spread, TokenKind::Colon, TokenKind::Equals,
                       TokenKind::At, TokenKind::BracketL, TokenKind::BracketR, TokenKind::BraceL,
                       TokenKind::Pipe, TokenKind::BraceR, TokenKind::Name, TokenKind::Name});
    CHECK(tokens[14].text == "name");
    CHECK(tokens[15].text == "_under9");
}

TEST_CASE("lexer: commas, whitespace, comments and BOM are ignored", "[lexer]") {
    auto tokens = lex_all("\xEF\xBB\xBF a,,b # comment { here\n\t c");
    REQUIRE(tokens.size() == 3);
    CHECK(tokens[2].text == "c");
    CHECK(tokens[2].location.line == 2);
    CHECK(tokens[2].location.column == 3);
}

TEST_CASE("lexer: locations are 1-based lines and columns, CRLF counts once", "[lexer]") {
    auto tokens = lex_all("a\r\n  b\rc\n\"é\" d");
    REQUIRE(tokens.size() == 5);
    CHECK(tokens[0].location.line == 1);
    CHECK(tokens[0].location.column == 1);
    CHECK(tokens[1].location.line == 2);
    CHECK(tokens[1].location.column == 3);
    CHECK(tokens[2].location.line == 3);
    CHECK(tokens[3].location.line == 4);
    // Columns count code points: "é" is two bytes but one column.
    CHECK(tokens[4].location.column == 5);
}

TEST_CASE("lexer: numbers", "[lexer]") {
    CHECK(lex_one("0").kind == TokenKind::Int);
    CHECK(lex_one("-42").text == "-42");
    CHECK(lex_one("1.5").kind == TokenKind::Float);
    CHECK(lex_one("-1.5e10").kind == TokenKind::Float);
    CHECK(lex_one("2E-3").kind == TokenKind::Float);
    CHECK(lex_one("6e+2").text == "6e+2");
    CHECK(std::string(lex_error("01").what()) ==
          "Syntax Error: Invalid number, unexpected digit after 0.");
    CHECK(std::string(lex_error("1.").what()) == "Syntax Error: Invalid number, expected digit.");
    CHECK(std::string(lex_error("1.2.3").what()) ==
          "Syntax Error: Invalid number, unexpected character after number.");
    CHECK(std::string(lex_error("12abc").what()) ==
          "Syntax Error: Invalid number, unexpected character after number.");
    CHECK(std::string(lex_error("-").what()) == "Syntax Error: Invalid number, expected digit.");
}

TEST_CASE("lexer: strings and escapes", "[lexer]") {
    CHECK(lex_one(R"("plain")").value == "plain");
    CHECK(lex_one(R"("a\"b\\c\/d\be\ff\ng\rh\ti")").value == "a\"b\\c/d\be\ff\ng\rh\ti");
    CHECK(lex_one(R"("\u0041\u00e9")").value == "A\xC3\xA9");
    CHECK(lex_one(R"("\u{1F600}")").value == "\xF0\x9F\x98\x80");
    CHECK(lex_one(R"("\uD83D\uDE00")").value == "\xF0\x9F\x98\x80");
    CHECK(lex_one("\"caf\xC3\xA9\"").value == "caf\xC3\xA9");
    CHECK(std::string(lex_error("\"open").what()) == "Syntax Error: Unterminated string.");
    CHECK(std::string(lex_error("\"line\nbreak\"").what()) == "Syntax Error: Unterminated string.");
    CHECK(std::string(lex_error(R"("\q")").what()) ==
          "Syntax Error: Invalid character escape sequence: \"\\q\".");
    CHECK(std::string(lex_error(R"("\u12G4")").what()) ==
          "Syntax Error: Invalid Unicode escape sequence.");
    CHECK(std::string(lex_error(R"("\uD83D")").what()).find("unpaired surrogate") !=
          std::string::npos);
    CHECK(std::string(lex_error(R"("\u{110000}")").what()).find("not a Unicode scalar value") !=
          std::string::npos);
}

TEST_CASE("lexer: block strings strip common indentation and blank edge lines", "[lexer]") {
    Token token = lex_one("\"\"\"\n    Hello,\n      World!\n\n    Yours\n  \"\"\"");
    CHECK(token.kind == TokenKind::BlockString);
    CHECK(token.value == "Hello,\n  World!\n\nYours");
    CHECK(lex_one(R"("""say \""" and \n""")").value == "say \"\"\" and \\n");
    CHECK(std::string(lex_error("\"\"\"never closed").what()) ==
          "Syntax Error: Unterminated string.");
}

TEST_CASE("lexer: lines inside block strings advance the line count", "[lexer]") {
    auto tokens = lex_all("\"\"\"a\nb\nc\"\"\" next");
    REQUIRE(tokens.size() == 2);
    CHECK(tokens[1].location.line == 3);
    CHECK(tokens[1].location.column == 6);
}

TEST_CASE("lexer: invalid characters are errors with a location", "[lexer]") {
    SyntaxError error = lex_error("a\n  ?");
    CHECK(std::string(error.what()) == "Syntax Error: Unexpected character \"?\".");
    CHECK(error.location().line == 2);
    CHECK(error.location().column == 3);
    CHECK(std::string(lex_error("..").what()) == "Syntax Error: Unexpected \".\".");
    CHECK(std::string(lex_error(std::string_view("\x01", 1)).what()) ==
          "Syntax Error: Invalid character with code 1.");
}

TEST_CASE("lexer: the token limit is enforced", "[lexer]") {
    CHECK(lex_all("a b c", 3).size() == 3);
    Lexer lexer("a b c d", 3);
    lexer.next();
    lexer.next();
    lexer.next();
    CHECK_THROWS_WITH(lexer.next(), "Syntax Error: Document contains more than 3 tokens.");
}
