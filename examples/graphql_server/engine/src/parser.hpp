// Recursive-descent parser for executable documents and SDL, with bounded nesting.
#pragma once

#include <cstddef>
#include <string_view>

#include "ast.hpp"
#include "lexer.hpp"

namespace gql::detail {

/// @brief Parses an executable document (type system definitions are kept as ForeignDefinition
/// so validation can report them).
/// @throws SyntaxError on malformed input, more than `max_tokens` tokens, or nesting (selection
/// sets, list/object values, list types) deeper than `max_nesting`.
Document parse_executable(std::string_view source, std::size_t max_tokens, std::size_t max_nesting);

/// @brief Parses an SDL document; operations and fragments are a SyntaxError.
TypeSystemDocument parse_type_system(std::string_view source);

/// @brief The shared machinery of both parsers.
class Parser {
public:
    Parser(std::string_view source, std::size_t max_tokens, std::size_t max_nesting);

    Document parse_executable_document();
    TypeSystemDocument parse_type_system_document();

private:
    // Tokens.
    void advance();
    [[nodiscard]] bool peek(TokenKind kind) const noexcept { return token_.kind == kind; }
    [[nodiscard]] bool peek_keyword(std::string_view keyword) const noexcept {
        return token_.kind == TokenKind::Name && token_.text == keyword;
    }
    bool skip(TokenKind kind);
    bool skip_keyword(std::string_view keyword);
    Location expect(TokenKind kind);
    void expect_keyword(std::string_view keyword);
    std::string expect_name();
    [[noreturn]] void unexpected() const;
    [[noreturn]] static void fail(const std::string& message, Location location);
    void enter(Location location);
    void leave() noexcept { --nesting_; }

    // Shared grammar.
    Value parse_value(bool is_const);
    TypeRef parse_type();
    std::vector<Argument> parse_arguments(bool is_const);
    std::vector<Directive> parse_directives(bool is_const);

    // Executable grammar.
    OperationDefinition parse_operation();
    std::vector<VariableDefinition> parse_variable_definitions();
    std::vector<Selection> parse_selection_set();
    Selection parse_selection();
    FragmentDefinition parse_fragment();

    // SDL grammar.
    [[nodiscard]] bool at_type_system_definition() const noexcept;
    void parse_type_system_definition(TypeSystemDocument& out);
    void parse_description(std::string& text, bool& present);
    std::vector<FieldNode> parse_fields_definition();
    std::vector<InputValueNode> parse_input_values(TokenKind open, TokenKind close);
    std::vector<EnumValueNode> parse_enum_values();
    std::vector<std::pair<std::string, Location>> parse_implements();
    std::vector<std::pair<std::string, Location>> parse_union_members();
    DirectiveDefinitionNode parse_directive_definition();
    SchemaDefinitionNode parse_schema_definition(bool is_extension);

    Lexer lexer_;
    Token token_;
    std::size_t nesting_ = 0;
    std::size_t max_nesting_;
};

}  // namespace gql::detail
