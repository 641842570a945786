// Syntax trees for executable documents and for SDL (type system) documents.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <gql/engine.hpp>
#include "error.hpp"

namespace gql::detail {

/// JSON text of `value`; bytes that are not UTF-8 (a document may carry any into a string)
/// become U+FFFD instead of throwing.
inline std::string json_text(const nlohmann::json& value) {
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

/// json_text() for an error message: past 100 bytes the text is cut at a character boundary,
/// so that a huge value never makes a huge error.
inline std::string json_text_for_message(const nlohmann::json& value) {
    constexpr std::size_t shown = 100;
    std::string text = json_text(value);
    if (text.size() > shown) {
        std::size_t cut = shown;
        while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U) {
            --cut;
        }
        text.resize(cut);
        text += "...";
    }
    return text;
}

struct Type;
struct FieldDef;

/// @brief A type wrapper, outermost first in TypeRef::wrappers.
enum class Wrapper : std::uint8_t { List, NonNull };

/// @brief A type reference such as `[Int!]!`: a named type and its wrappers, outermost first
/// (`[Int!]!` is name "Int", wrappers {NonNull, List, NonNull}).
struct TypeRef {
    std::string name;
    std::vector<Wrapper> wrappers;
    Location location;

    /// @brief Whether the type reached after stripping `depth` wrappers is non-null.
    [[nodiscard]] bool non_null_at(std::size_t depth) const noexcept {
        return depth < wrappers.size() && wrappers[depth] == Wrapper::NonNull;
    }
    /// @brief The GraphQL spelling of the type reached after stripping `depth` wrappers.
    [[nodiscard]] std::string to_string(std::size_t depth = 0) const;
};

struct Value;
struct ObjectField;

/// @brief A literal or a variable reference.
struct Value {
    enum class Kind : std::uint8_t {
        Variable,
        Int,
        Float,
        String,
        Boolean,
        Null,
        Enum,
        List,
        Object
    };
    Kind kind = Kind::Null;
    Location location;
    /// Variable or enum name, number text, decoded string, "true"/"false".
    std::string text;
    std::vector<Value> list;
    std::vector<ObjectField> fields;
    bool boolean = false;
    /// Whether a variable appears anywhere inside this value.
    bool has_variables = false;
};

struct ObjectField {
    std::string name;
    Location location;
    Value value;
};

/// @brief GraphQL spelling of a value (used for introspection's defaultValue and messages).
std::string print_value(const Value& value);

struct Argument {
    std::string name;
    Location location;
    Value value;
};

struct Directive {
    std::string name;
    Location location;
    std::vector<Argument> arguments;
};

struct FragmentDefinition;

/// @brief A field, fragment spread or inline fragment, with what validation learned about it.
struct Selection {
    enum class Kind : std::uint8_t { Field, FragmentSpread, InlineFragment };
    Kind kind = Kind::Field;
    Location location;
    std::string alias;  ///< fields only; empty when none
    std::string name;   ///< field name, or the spread fragment's name
    std::vector<Argument> arguments;
    std::vector<Directive> directives;
    std::string type_condition;  ///< inline fragments; empty when none
    Location type_condition_location;
    bool has_selection_set = false;
    std::vector<Selection> selections;

    // Filled in by validation (valid documents only rely on them).
    const Type* parent_type = nullptr;             ///< fields: the type the field was selected on
    const FieldDef* field = nullptr;               ///< fields: the definition on parent_type
    const FragmentDefinition* fragment = nullptr;  ///< spreads: the target
    const Type* condition = nullptr;               ///< inline fragments: the type condition, if any
    /// Fields whose arguments hold no variables: the coerced arguments, computed once.
    std::shared_ptr<const nlohmann::json> constant_arguments;

    [[nodiscard]] const std::string& response_key() const noexcept {
        return alias.empty() ? name : alias;
    }
};

struct VariableDefinition {
    std::string name;
    Location location;
    TypeRef type;
    std::optional<Value> default_value;
    std::vector<Directive> directives;
    /// Filled in by validation: the default coerced to JSON (when there is one).
    std::shared_ptr<const nlohmann::json> coerced_default;
};

struct OperationDefinition {
    OperationType type = OperationType::Query;
    std::string name;  ///< empty when anonymous
    Location location;
    std::vector<VariableDefinition> variables;
    std::vector<Directive> directives;
    std::vector<Selection> selections;
};

struct FragmentDefinition {
    std::string name;
    Location location;
    std::string type_condition;
    Location type_condition_location;
    std::vector<Directive> directives;
    std::vector<Selection> selections;
    const Type* condition = nullptr;  ///< filled in by validation
};

/// @brief A type system definition met inside an executable document (always a validation error).
struct ForeignDefinition {
    std::string description;  ///< e.g. "Foo" for `type Foo`, "schema" for a schema definition
    Location location;
};

/// @brief A parsed executable document.
struct Document {
    std::vector<OperationDefinition> operations;
    std::vector<FragmentDefinition> fragments;
    std::vector<ForeignDefinition> foreign_definitions;
};

// ---- SDL -------------------------------------------------------------------------------

struct InputValueNode {
    std::string description;
    bool has_description = false;
    std::string name;
    Location location;
    TypeRef type;
    std::optional<Value> default_value;
    std::vector<Directive> directives;
};

struct FieldNode {
    std::string description;
    bool has_description = false;
    std::string name;
    Location location;
    std::vector<InputValueNode> arguments;
    TypeRef type;
    std::vector<Directive> directives;
};

struct EnumValueNode {
    std::string description;
    bool has_description = false;
    std::string name;
    Location location;
    std::vector<Directive> directives;
};

enum class TypeDefinitionKind : std::uint8_t {
    Scalar,
    Object,
    Interface,
    Union,
    Enum,
    InputObject
};

struct TypeDefinitionNode {
    TypeDefinitionKind kind = TypeDefinitionKind::Object;
    bool is_extension = false;
    std::string description;
    bool has_description = false;
    std::string name;
    Location location;
    std::vector<std::pair<std::string, Location>> interfaces;
    std::vector<Directive> directives;
    std::vector<FieldNode> fields;
    std::vector<InputValueNode> input_fields;
    std::vector<EnumValueNode> enum_values;
    std::vector<std::pair<std::string, Location>> members;
};

struct DirectiveDefinitionNode {
    std::string description;
    bool has_description = false;
    std::string name;
    Location location;
    std::vector<InputValueNode> arguments;
    bool repeatable = false;
    std::vector<std::pair<std::string, Location>> locations;
};

struct SchemaDefinitionNode {
    std::string description;
    bool has_description = false;
    bool is_extension = false;
    Location location;
    std::vector<Directive> directives;
    std::vector<std::pair<OperationType, std::pair<std::string, Location>>> root_types;
};

/// @brief A parsed SDL document.
struct TypeSystemDocument {
    std::vector<TypeDefinitionNode> types;
    std::vector<DirectiveDefinitionNode> directives;
    std::vector<SchemaDefinitionNode> schemas;
};

}  // namespace gql::detail
