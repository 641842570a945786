// The executable-document grammar: operations, variables, selection sets, fragments.
#include "parser.hpp"

namespace gql::detail {

Document Parser::parse_executable_document() {
    Document document;
    if (peek(TokenKind::End)) {
        unexpected();
    }
    while (!peek(TokenKind::End)) {
        if (peek(TokenKind::BraceL) || peek_keyword("query") || peek_keyword("mutation") ||
            peek_keyword("subscription")) {
            document.operations.push_back(parse_operation());
        } else if (peek_keyword("fragment")) {
            document.fragments.push_back(parse_fragment());
        } else if (at_type_system_definition()) {
            ForeignDefinition foreign;
            foreign.location = token_.location;
            TypeSystemDocument ignored;
            parse_type_system_definition(ignored);
            if (!ignored.types.empty()) {
                foreign.description = ignored.types.back().name;
            } else if (!ignored.directives.empty()) {
                foreign.description = "@" + ignored.directives.back().name;
            } else {
                foreign.description = "schema";
            }
            document.foreign_definitions.push_back(std::move(foreign));
        } else {
            unexpected();
        }
    }
    return document;
}

OperationDefinition Parser::parse_operation() {
    OperationDefinition operation;
    operation.location = token_.location;
    if (peek(TokenKind::BraceL)) {
        operation.selections = parse_selection_set();
        return operation;
    }
    if (skip_keyword("mutation")) {
        operation.type = OperationType::Mutation;
    } else if (skip_keyword("subscription")) {
        operation.type = OperationType::Subscription;
    } else {
        expect_keyword("query");
    }
    if (peek(TokenKind::Name)) {
        operation.name = expect_name();
    }
    operation.variables = parse_variable_definitions();
    operation.directives = parse_directives(false);
    operation.selections = parse_selection_set();
    return operation;
}

std::vector<VariableDefinition> Parser::parse_variable_definitions() {
    std::vector<VariableDefinition> variables;
    if (!skip(TokenKind::ParenL)) {
        return variables;
    }
    do {
        VariableDefinition variable;
        variable.location = expect(TokenKind::Dollar);
        variable.name = expect_name();
        expect(TokenKind::Colon);
        variable.type = parse_type();
        if (skip(TokenKind::Equals)) {
            variable.default_value = parse_value(true);
        }
        variable.directives = parse_directives(true);
        variables.push_back(std::move(variable));
    } while (!skip(TokenKind::ParenR));
    return variables;
}

std::vector<Selection> Parser::parse_selection_set() {
    enter(token_.location);
    expect(TokenKind::BraceL);
    std::vector<Selection> selections;
    do {
        selections.push_back(parse_selection());
    } while (!skip(TokenKind::BraceR));
    leave();
    return selections;
}

Selection Parser::parse_selection() {
    Selection selection;
    selection.location = token_.location;
    if (skip(TokenKind::Spread)) {
        if (peek(TokenKind::Name) && !peek_keyword("on")) {
            selection.kind = Selection::Kind::FragmentSpread;
            selection.name = expect_name();
            selection.directives = parse_directives(false);
            return selection;
        }
        selection.kind = Selection::Kind::InlineFragment;
        if (skip_keyword("on")) {
            selection.type_condition_location = token_.location;
            selection.type_condition = expect_name();
        }
        selection.directives = parse_directives(false);
        selection.has_selection_set = true;
        selection.selections = parse_selection_set();
        return selection;
    }
    selection.kind = Selection::Kind::Field;
    selection.name = expect_name();
    if (skip(TokenKind::Colon)) {
        selection.alias = std::move(selection.name);
        selection.name = expect_name();
    }
    selection.arguments = parse_arguments(false);
    selection.directives = parse_directives(false);
    if (peek(TokenKind::BraceL)) {
        selection.has_selection_set = true;
        selection.selections = parse_selection_set();
    }
    return selection;
}

FragmentDefinition Parser::parse_fragment() {
    FragmentDefinition fragment;
    fragment.location = token_.location;
    expect_keyword("fragment");
    if (peek_keyword("on")) {
        unexpected();
    }
    fragment.name = expect_name();
    expect_keyword("on");
    fragment.type_condition_location = token_.location;
    fragment.type_condition = expect_name();
    fragment.directives = parse_directives(false);
    fragment.selections = parse_selection_set();
    return fragment;
}

}  // namespace gql::detail
