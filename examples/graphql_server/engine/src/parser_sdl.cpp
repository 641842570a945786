// The type system (SDL) grammar: schema, scalar, object, interface, union, enum, input and
// directive definitions, and their extensions.
#include "parser.hpp"

namespace gql::detail {
namespace {

bool is_type_system_keyword(std::string_view word) noexcept {
    return word == "schema" || word == "scalar" || word == "type" || word == "interface" ||
           word == "union" || word == "enum" || word == "input" || word == "directive" ||
           word == "extend";
}

}  // namespace

TypeSystemDocument Parser::parse_type_system_document() {
    TypeSystemDocument document;
    while (!peek(TokenKind::End)) {
        if (!at_type_system_definition()) {
            if (peek(TokenKind::BraceL) || peek_keyword("query") || peek_keyword("mutation") ||
                peek_keyword("subscription") || peek_keyword("fragment")) {
                fail("A schema document may not contain operations or fragments.", token_.location);
            }
            unexpected();
        }
        parse_type_system_definition(document);
    }
    return document;
}

bool Parser::at_type_system_definition() const noexcept {
    return peek(TokenKind::String) || peek(TokenKind::BlockString) ||
           (peek(TokenKind::Name) && is_type_system_keyword(token_.text));
}

void Parser::parse_description(std::string& text, bool& present) {
    if (peek(TokenKind::String) || peek(TokenKind::BlockString)) {
        // advance() below replaces token_, so its value is moved from once.
        text = std::move(token_.value);  // NOLINT(clang-analyzer-cplusplus.Move)
        present = true;
        advance();
    }
}

void Parser::parse_type_system_definition(TypeSystemDocument& out) {
    std::string description;
    bool has_description = false;
    parse_description(description, has_description);
    const Location location = token_.location;
    const bool is_extension = !has_description && skip_keyword("extend");
    if (peek_keyword("schema")) {
        advance();
        SchemaDefinitionNode schema = parse_schema_definition(is_extension);
        schema.location = location;
        schema.description = std::move(description);
        schema.has_description = has_description;
        out.schemas.push_back(std::move(schema));
        return;
    }
    if (peek_keyword("directive") && !is_extension) {
        DirectiveDefinitionNode directive = parse_directive_definition();
        directive.location = location;
        directive.description = std::move(description);
        directive.has_description = has_description;
        out.directives.push_back(std::move(directive));
        return;
    }
    TypeDefinitionNode type;
    type.location = location;
    type.is_extension = is_extension;
    type.description = std::move(description);
    type.has_description = has_description;
    if (skip_keyword("scalar")) {
        type.kind = TypeDefinitionKind::Scalar;
        type.name = expect_name();
        type.directives = parse_directives(true);
    } else if (peek_keyword("type") || peek_keyword("interface")) {
        type.kind =
            peek_keyword("type") ? TypeDefinitionKind::Object : TypeDefinitionKind::Interface;
        advance();
        type.name = expect_name();
        type.interfaces = parse_implements();
        type.directives = parse_directives(true);
        if (peek(TokenKind::BraceL)) {
            type.fields = parse_fields_definition();
        }
    } else if (skip_keyword("union")) {
        type.kind = TypeDefinitionKind::Union;
        type.name = expect_name();
        type.directives = parse_directives(true);
        type.members = parse_union_members();
    } else if (skip_keyword("enum")) {
        type.kind = TypeDefinitionKind::Enum;
        type.name = expect_name();
        type.directives = parse_directives(true);
        if (peek(TokenKind::BraceL)) {
            type.enum_values = parse_enum_values();
        }
    } else if (skip_keyword("input")) {
        type.kind = TypeDefinitionKind::InputObject;
        type.name = expect_name();
        type.directives = parse_directives(true);
        if (peek(TokenKind::BraceL)) {
            type.input_fields = parse_input_values(TokenKind::BraceL, TokenKind::BraceR);
        }
    } else {
        unexpected();
    }
    out.types.push_back(std::move(type));
}

std::vector<std::pair<std::string, Location>> Parser::parse_implements() {
    std::vector<std::pair<std::string, Location>> names;
    if (!skip_keyword("implements")) {
        return names;
    }
    skip(TokenKind::Amp);
    do {
        Location location = token_.location;
        names.emplace_back(expect_name(), location);
    } while (skip(TokenKind::Amp));
    return names;
}

std::vector<std::pair<std::string, Location>> Parser::parse_union_members() {
    std::vector<std::pair<std::string, Location>> names;
    if (!skip(TokenKind::Equals)) {
        return names;
    }
    skip(TokenKind::Pipe);
    do {
        Location location = token_.location;
        names.emplace_back(expect_name(), location);
    } while (skip(TokenKind::Pipe));
    return names;
}

std::vector<FieldNode> Parser::parse_fields_definition() {
    std::vector<FieldNode> fields;
    expect(TokenKind::BraceL);
    do {
        FieldNode field;
        parse_description(field.description, field.has_description);
        field.location = token_.location;
        field.name = expect_name();
        if (peek(TokenKind::ParenL)) {
            field.arguments = parse_input_values(TokenKind::ParenL, TokenKind::ParenR);
        }
        expect(TokenKind::Colon);
        field.type = parse_type();
        field.directives = parse_directives(true);
        fields.push_back(std::move(field));
    } while (!skip(TokenKind::BraceR));
    return fields;
}

std::vector<InputValueNode> Parser::parse_input_values(TokenKind open, TokenKind close) {
    std::vector<InputValueNode> values;
    expect(open);
    do {
        InputValueNode value;
        parse_description(value.description, value.has_description);
        value.location = token_.location;
        value.name = expect_name();
        expect(TokenKind::Colon);
        value.type = parse_type();
        if (skip(TokenKind::Equals)) {
            value.default_value = parse_value(true);
        }
        value.directives = parse_directives(true);
        values.push_back(std::move(value));
    } while (!skip(close));
    return values;
}

std::vector<EnumValueNode> Parser::parse_enum_values() {
    std::vector<EnumValueNode> values;
    expect(TokenKind::BraceL);
    do {
        EnumValueNode value;
        parse_description(value.description, value.has_description);
        value.location = token_.location;
        if (peek_keyword("true") || peek_keyword("false") || peek_keyword("null")) {
            fail("Enum value cannot be \"" + std::string(token_.text) + "\".", token_.location);
        }
        value.name = expect_name();
        value.directives = parse_directives(true);
        values.push_back(std::move(value));
    } while (!skip(TokenKind::BraceR));
    return values;
}

DirectiveDefinitionNode Parser::parse_directive_definition() {
    DirectiveDefinitionNode directive;
    expect_keyword("directive");
    expect(TokenKind::At);
    directive.name = expect_name();
    if (peek(TokenKind::ParenL)) {
        directive.arguments = parse_input_values(TokenKind::ParenL, TokenKind::ParenR);
    }
    directive.repeatable = skip_keyword("repeatable");
    expect_keyword("on");
    skip(TokenKind::Pipe);
    do {
        Location location = token_.location;
        directive.locations.emplace_back(expect_name(), location);
    } while (skip(TokenKind::Pipe));
    return directive;
}

SchemaDefinitionNode Parser::parse_schema_definition(bool is_extension) {
    SchemaDefinitionNode schema;
    schema.is_extension = is_extension;
    schema.directives = parse_directives(true);
    if (is_extension && !peek(TokenKind::BraceL)) {
        return schema;
    }
    expect(TokenKind::BraceL);
    do {
        OperationType type = OperationType::Query;
        if (skip_keyword("mutation")) {
            type = OperationType::Mutation;
        } else if (skip_keyword("subscription")) {
            type = OperationType::Subscription;
        } else {
            expect_keyword("query");
        }
        expect(TokenKind::Colon);
        Location location = token_.location;
        schema.root_types.push_back({type, {expect_name(), location}});
    } while (!skip(TokenKind::BraceR));
    return schema;
}

}  // namespace gql::detail
