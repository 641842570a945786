// Token handling and the grammar shared by executable documents and SDL: values, types,
// arguments and directives.
#include "parser.hpp"

namespace gql::detail {

Parser::Parser(std::string_view source, std::size_t max_tokens, std::size_t max_nesting)
    : lexer_(source, max_tokens), max_nesting_(max_nesting) {
    advance();
}

void Parser::advance() {
    token_ = lexer_.next();
}

bool Parser::skip(TokenKind kind) {
    if (token_.kind != kind) {
        return false;
    }
    advance();
    return true;
}

bool Parser::skip_keyword(std::string_view keyword) {
    if (!peek_keyword(keyword)) {
        return false;
    }
    advance();
    return true;
}

void Parser::fail(const std::string& message, Location location) {
    throw SyntaxError("Syntax Error: " + message, location);
}

void Parser::unexpected() const {
    std::string found(token_kind_name(token_.kind));
    if (token_.kind == TokenKind::Name || token_.kind == TokenKind::Int ||
        token_.kind == TokenKind::Float) {
        found += " \"" + std::string(token_.text) + "\"";
    }
    fail("Unexpected " + found + ".", token_.location);
}

Location Parser::expect(TokenKind kind) {
    if (token_.kind != kind) {
        std::string found(token_kind_name(token_.kind));
        if (token_.kind == TokenKind::Name) {
            found += " \"" + std::string(token_.text) + "\"";
        }
        fail("Expected " + std::string(token_kind_name(kind)) + ", found " + found + ".",
             token_.location);
    }
    Location location = token_.location;
    advance();
    return location;
}

void Parser::expect_keyword(std::string_view keyword) {
    if (!peek_keyword(keyword)) {
        std::string found(token_kind_name(token_.kind));
        if (token_.kind == TokenKind::Name) {
            found += " \"" + std::string(token_.text) + "\"";
        }
        fail("Expected \"" + std::string(keyword) + "\", found " + found + ".", token_.location);
    }
    advance();
}

std::string Parser::expect_name() {
    if (token_.kind != TokenKind::Name) {
        expect(TokenKind::Name);
    }
    std::string name(token_.text);
    advance();
    return name;
}

void Parser::enter(Location location) {
    if (++nesting_ > max_nesting_) {
        fail("Document nesting exceeds the limit of " + std::to_string(max_nesting_) + ".",
             location);
    }
}

Value Parser::parse_value(bool is_const) {
    Value value;
    value.location = token_.location;
    switch (token_.kind) {
        case TokenKind::BracketL: {
            enter(value.location);
            advance();
            value.kind = Value::Kind::List;
            while (!skip(TokenKind::BracketR)) {
                if (peek(TokenKind::End)) {
                    unexpected();
                }
                value.list.push_back(parse_value(is_const));
                value.has_variables = value.has_variables || value.list.back().has_variables;
            }
            leave();
            return value;
        }
        case TokenKind::BraceL: {
            enter(value.location);
            advance();
            value.kind = Value::Kind::Object;
            while (!skip(TokenKind::BraceR)) {
                ObjectField field;
                field.location = token_.location;
                field.name = expect_name();
                expect(TokenKind::Colon);
                field.value = parse_value(is_const);
                value.has_variables = value.has_variables || field.value.has_variables;
                value.fields.push_back(std::move(field));
            }
            leave();
            return value;
        }
        case TokenKind::Dollar: {
            if (is_const) {
                advance();
                std::string name = peek(TokenKind::Name) ? std::string(token_.text) : std::string();
                fail("Unexpected variable \"$" + name + "\" in constant value.", value.location);
            }
            advance();
            value.kind = Value::Kind::Variable;
            value.text = expect_name();
            value.has_variables = true;
            return value;
        }
        case TokenKind::Int:
        case TokenKind::Float:
            value.kind = token_.kind == TokenKind::Int ? Value::Kind::Int : Value::Kind::Float;
            value.text = std::string(token_.text);
            advance();
            return value;
        case TokenKind::String:
        case TokenKind::BlockString:
            value.kind = Value::Kind::String;
            value.text = std::move(token_.value);
            advance();
            return value;
        case TokenKind::Name:
            if (token_.text == "true" || token_.text == "false") {
                value.kind = Value::Kind::Boolean;
                value.boolean = token_.text == "true";
            } else if (token_.text == "null") {
                value.kind = Value::Kind::Null;
            } else {
                value.kind = Value::Kind::Enum;
            }
            value.text = std::string(token_.text);
            advance();
            return value;
        default:
            unexpected();
    }
}

TypeRef Parser::parse_type() {
    // Iterative, so `[[[[...` cannot exhaust the stack: count the brackets, read the
    // name, then close them from the inside out.
    TypeRef type;
    type.location = token_.location;
    std::size_t lists = 0;
    while (peek(TokenKind::BracketL)) {
        if (++lists > max_nesting_) {
            fail("Document nesting exceeds the limit of " + std::to_string(max_nesting_) + ".",
                 token_.location);
        }
        advance();
    }
    type.name = expect_name();
    std::vector<Wrapper> inner_to_outer;
    if (skip(TokenKind::Bang)) {
        inner_to_outer.push_back(Wrapper::NonNull);
    }
    for (std::size_t i = 0; i < lists; ++i) {
        expect(TokenKind::BracketR);
        inner_to_outer.push_back(Wrapper::List);
        if (skip(TokenKind::Bang)) {
            inner_to_outer.push_back(Wrapper::NonNull);
        }
    }
    type.wrappers.assign(inner_to_outer.rbegin(), inner_to_outer.rend());
    return type;
}

std::vector<Argument> Parser::parse_arguments(bool is_const) {
    std::vector<Argument> arguments;
    if (!skip(TokenKind::ParenL)) {
        return arguments;
    }
    do {
        Argument argument;
        argument.location = token_.location;
        argument.name = expect_name();
        expect(TokenKind::Colon);
        argument.value = parse_value(is_const);
        arguments.push_back(std::move(argument));
    } while (!skip(TokenKind::ParenR));
    return arguments;
}

std::vector<Directive> Parser::parse_directives(bool is_const) {
    std::vector<Directive> directives;
    while (peek(TokenKind::At)) {
        Directive directive;
        directive.location = token_.location;
        advance();
        directive.name = expect_name();
        directive.arguments = parse_arguments(is_const);
        directives.push_back(std::move(directive));
    }
    return directives;
}

Document parse_executable(std::string_view source, std::size_t max_tokens,
                          std::size_t max_nesting) {
    Parser parser(source, max_tokens, max_nesting);
    return parser.parse_executable_document();
}

TypeSystemDocument parse_type_system(std::string_view source) {
    // A schema is trusted input, but its nesting is still bounded to keep the stack safe.
    Parser parser(source, static_cast<std::size_t>(-1), 256);
    return parser.parse_type_system_document();
}

}  // namespace gql::detail
