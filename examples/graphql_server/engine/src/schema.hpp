// The schema model: named types, fields, arguments, enum values, directives, root types.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <gql/engine.hpp>
#include "ast.hpp"

namespace gql::detail {

enum class TypeKind : std::uint8_t { Scalar, Object, Interface, Union, Enum, InputObject };

/// @brief Which scalar a scalar type is (custom scalars pass values through unchanged).
enum class ScalarKind : std::uint8_t { NotScalar, Int, Float, String, Boolean, ID, Custom };

/// @brief An argument of a field or directive, or a field of an input object.
struct InputValueDef {
    std::string name;
    std::string description;
    bool has_description = false;
    TypeRef type;
    const Type* named = nullptr;
    std::optional<Value> default_value;
    /// The default coerced to JSON (set when default_value is).
    nlohmann::json coerced_default;
    bool deprecated = false;
    std::string deprecation_reason;
};

struct FieldDef {
    std::string name;
    std::string description;
    bool has_description = false;
    std::vector<InputValueDef> arguments;
    TypeRef type;
    const Type* named = nullptr;
    const Type* owner = nullptr;
    bool deprecated = false;
    std::string deprecation_reason;
    Resolver resolver;  ///< empty: the default resolver reads parent[name]

    [[nodiscard]] const InputValueDef* find_argument(std::string_view argument) const noexcept;
    /// @brief The name of the type declaring this field (the query type for meta-fields).
    [[nodiscard]] const std::string& owner_name() const noexcept;
};

struct EnumValueDef {
    std::string name;
    std::string description;
    bool has_description = false;
    bool deprecated = false;
    std::string deprecation_reason;
};

struct Type {
    TypeKind kind = TypeKind::Object;
    ScalarKind scalar = ScalarKind::NotScalar;
    std::string name;
    std::string description;
    bool has_description = false;
    bool builtin = false;
    std::string specified_by_url;
    bool has_specified_by = false;
    std::vector<FieldDef> fields;             ///< objects and interfaces
    std::vector<const Type*> interfaces;      ///< objects and interfaces
    std::vector<const Type*> possible_types;  ///< interfaces and unions
    std::vector<EnumValueDef> enum_values;    ///< enums
    std::vector<InputValueDef> input_fields;  ///< input objects

    [[nodiscard]] const FieldDef* find_field(std::string_view field) const noexcept;
    [[nodiscard]] const InputValueDef* find_input_field(std::string_view field) const noexcept;
    [[nodiscard]] const EnumValueDef* find_enum_value(std::string_view value) const noexcept;
    [[nodiscard]] bool is_composite() const noexcept {
        return kind == TypeKind::Object || kind == TypeKind::Interface || kind == TypeKind::Union;
    }
    [[nodiscard]] bool is_abstract() const noexcept {
        return kind == TypeKind::Interface || kind == TypeKind::Union;
    }
    [[nodiscard]] bool is_leaf() const noexcept {
        return kind == TypeKind::Scalar || kind == TypeKind::Enum;
    }
    [[nodiscard]] bool is_input() const noexcept {
        return is_leaf() || kind == TypeKind::InputObject;
    }
    [[nodiscard]] bool is_output() const noexcept { return kind != TypeKind::InputObject; }
};

struct DirectiveDef {
    std::string name;
    std::string description;
    bool has_description = false;
    std::vector<InputValueDef> arguments;
    std::vector<std::string> locations;
    bool repeatable = false;
    bool builtin = false;

    [[nodiscard]] const InputValueDef* find_argument(std::string_view argument) const noexcept;
    [[nodiscard]] bool allows(std::string_view location) const noexcept;
};

/// @brief A complete, checked schema. Immutable once built, except for resolvers set by bind().
class Schema {
public:
    /// Named types in definition order: the SDL's, then the built-in scalars and introspection
    /// types.
    std::vector<std::unique_ptr<Type>> types;
    std::vector<std::unique_ptr<DirectiveDef>> directives;
    const Type* query = nullptr;
    const Type* mutation = nullptr;
    const Type* subscription = nullptr;
    std::string description;
    bool has_description = false;

    /// Meta-fields: `__typename` on every composite type, `__schema` and `__type` on the query
    /// type.
    FieldDef typename_field;
    FieldDef schema_field;
    FieldDef type_field;

    [[nodiscard]] const Type* find_type(std::string_view name) const noexcept;
    [[nodiscard]] Type* find_type(std::string_view name) noexcept;
    [[nodiscard]] const DirectiveDef* find_directive(std::string_view name) const noexcept;
    /// @brief A field of `parent` by name, meta-fields included; nullptr when there is none.
    [[nodiscard]] const FieldDef* find_field(const Type& parent,
                                             std::string_view name) const noexcept;
    [[nodiscard]] const Type* root(OperationType type) const noexcept;
    /// @brief Whether `object` is `type` itself or one of its possible types.
    [[nodiscard]] static bool applies(const Type& type, const Type& object) noexcept;
    /// @brief Whether some object type can be both `a` and `b` (fragment spread is possible).
    [[nodiscard]] static bool overlap(const Type& a, const Type& b) noexcept;

    /// Introspection data computed once: the __Schema object, and each named type's __Type
    /// object (whose type references are {"name": ...} stubs or wrapper chains).
    nlohmann::json introspection_schema;
    std::map<std::string, nlohmann::json, std::less<>> introspection_types;

    void add_type(std::unique_ptr<Type> type);
    void add_directive(std::unique_ptr<DirectiveDef> directive);

private:
    std::map<std::string, Type*, std::less<>> types_by_name_;
    std::map<std::string, DirectiveDef*, std::less<>> directives_by_name_;
};

/// @brief Builds a schema from SDL (plus the built-in scalars, directives and introspection types).
/// @throws std::invalid_argument "line:column: message" when the SDL is not a valid schema.
std::unique_ptr<Schema> build_schema(std::string_view sdl);

}  // namespace gql::detail
