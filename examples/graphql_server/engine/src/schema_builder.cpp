// Builds and checks a Schema from SDL: declares types, fills them in, applies extensions,
// resolves references, checks interfaces and root types, coerces default values.
#include <algorithm>
#include <iterator>
#include <stdexcept>
#include <unordered_set>

#include "builtins.hpp"
#include "introspection.hpp"
#include "parser.hpp"
#include "schema.hpp"
#include "values.hpp"

namespace gql::detail {
namespace {

[[noreturn]] void schema_error(const std::string& message, Location location) {
    throw std::invalid_argument(std::to_string(location.line) + ":" +
                                std::to_string(location.column) + ": " + message);
}

TypeKind to_type_kind(TypeDefinitionKind kind) noexcept {
    switch (kind) {
        case TypeDefinitionKind::Scalar:
            return TypeKind::Scalar;
        case TypeDefinitionKind::Object:
            return TypeKind::Object;
        case TypeDefinitionKind::Interface:
            return TypeKind::Interface;
        case TypeDefinitionKind::Union:
            return TypeKind::Union;
        case TypeDefinitionKind::Enum:
            return TypeKind::Enum;
        case TypeDefinitionKind::InputObject:
            return TypeKind::InputObject;
    }
    return TypeKind::Object;
}

const char* directive_location_of(TypeDefinitionKind kind) noexcept {
    switch (kind) {
        case TypeDefinitionKind::Scalar:
            return "SCALAR";
        case TypeDefinitionKind::Object:
            return "OBJECT";
        case TypeDefinitionKind::Interface:
            return "INTERFACE";
        case TypeDefinitionKind::Union:
            return "UNION";
        case TypeDefinitionKind::Enum:
            return "ENUM";
        case TypeDefinitionKind::InputObject:
            return "INPUT_OBJECT";
    }
    return "";
}

ScalarKind scalar_kind_of(std::string_view name) noexcept {
    if (name == "Int") {
        return ScalarKind::Int;
    }
    if (name == "Float") {
        return ScalarKind::Float;
    }
    if (name == "String") {
        return ScalarKind::String;
    }
    if (name == "Boolean") {
        return ScalarKind::Boolean;
    }
    if (name == "ID") {
        return ScalarKind::ID;
    }
    return ScalarKind::Custom;
}

bool is_directive_location(std::string_view name) noexcept {
    static const std::string_view kLocations[] = {"QUERY",
                                                  "MUTATION",
                                                  "SUBSCRIPTION",
                                                  "FIELD",
                                                  "FRAGMENT_DEFINITION",
                                                  "FRAGMENT_SPREAD",
                                                  "INLINE_FRAGMENT",
                                                  "VARIABLE_DEFINITION",
                                                  "SCHEMA",
                                                  "SCALAR",
                                                  "OBJECT",
                                                  "FIELD_DEFINITION",
                                                  "ARGUMENT_DEFINITION",
                                                  "INTERFACE",
                                                  "UNION",
                                                  "ENUM",
                                                  "ENUM_VALUE",
                                                  "INPUT_OBJECT",
                                                  "INPUT_FIELD_DEFINITION"};
    return std::find(std::begin(kLocations), std::end(kLocations), name) != std::end(kLocations);
}

// Whether a field of type `sub` may implement an interface field of type `super` (covariance).
bool is_output_subtype(const Schema& schema, const TypeRef& sub, std::size_t sub_depth,
                       const TypeRef& super, std::size_t super_depth) {
    if (super.non_null_at(super_depth)) {
        return sub.non_null_at(sub_depth) &&
               is_output_subtype(schema, sub, sub_depth + 1, super, super_depth + 1);
    }
    if (sub.non_null_at(sub_depth)) {
        return is_output_subtype(schema, sub, sub_depth + 1, super, super_depth);
    }
    bool super_list = super_depth < super.wrappers.size();
    bool sub_list = sub_depth < sub.wrappers.size();
    if (super_list || sub_list) {
        return super_list && sub_list &&
               is_output_subtype(schema, sub, sub_depth + 1, super, super_depth + 1);
    }
    if (sub.name == super.name) {
        return true;
    }
    const Type* sub_type = schema.find_type(sub.name);
    const Type* super_type = schema.find_type(super.name);
    return sub_type != nullptr && super_type != nullptr && super_type->is_abstract() &&
           Schema::applies(*super_type, *sub_type);
}

class SchemaBuilder {
public:
    std::unique_ptr<Schema> build(std::string_view sdl) {
        TypeSystemDocument builtin = parse_type_system(kBuiltinSdl);
        TypeSystemDocument user;
        try {
            user = parse_type_system(sdl);
        } catch (const SyntaxError& error) {
            schema_error(error.what(), error.location());
        }
        schema_ = std::make_unique<Schema>();
        declare_directives(builtin, true);
        declare_directives(user, false);
        for (const TypeDefinitionNode& node : builtin.types) {
            builtin_names_.insert(node.name);
        }
        declare_types(user, false);
        declare_types(builtin, true);
        fill_pending_directives();
        for (TypeSystemDocument* document : {&user, &builtin}) {
            for (const TypeDefinitionNode& node : document->types) {
                fill_type(node);
            }
        }
        for (const auto& type : schema_->types) {
            check_type(*type);
        }
        choose_roots(user);
        make_meta_fields();
        for (const auto& type : schema_->types) {
            coerce_defaults(*type);
        }
        for (const auto& directive : schema_->directives) {
            for (InputValueDef& argument : directive->arguments) {
                coerce_default(argument, "@" + directive->name);
            }
        }
        install_introspection(*schema_);
        return std::move(schema_);
    }

private:
    void declare_directives(TypeSystemDocument& document, bool builtin) {
        for (DirectiveDefinitionNode& node : document.directives) {
            if (schema_->find_directive(node.name) != nullptr) {
                schema_error("There can be only one directive named \"@" + node.name + "\".",
                             node.location);
            }
            auto directive = std::make_unique<DirectiveDef>();
            directive->name = node.name;
            directive->description = node.description;
            directive->has_description = node.has_description;
            directive->repeatable = node.repeatable;
            directive->builtin = builtin;
            for (const auto& [location, where] : node.locations) {
                if (!is_directive_location(location)) {
                    schema_error("Unknown directive location \"" + location + "\".", where);
                }
                directive->locations.push_back(location);
            }
            pending_directive_arguments_.emplace_back(directive.get(), &node);
            schema_->add_directive(std::move(directive));
        }
        // Arguments need the types, which are declared later: fill them in fill_type's wake.
    }

    void declare_types(const TypeSystemDocument& document, bool builtin) {
        for (const TypeDefinitionNode& node : document.types) {
            if (node.is_extension) {
                continue;
            }
            if (!builtin && node.name.size() >= 2 && node.name.compare(0, 2, "__") == 0) {
                schema_error("Name \"" + node.name +
                                 "\" must not begin with \"__\", which is reserved by GraphQL "
                                 "introspection.",
                             node.location);
            }
            if (!builtin && builtin_names_.count(node.name) != 0) {
                schema_error("Type \"" + node.name + "\" is built in and cannot be redefined.",
                             node.location);
            }
            if (schema_->find_type(node.name) != nullptr) {
                schema_error("There can be only one type named \"" + node.name + "\".",
                             node.location);
            }
            auto type = std::make_unique<Type>();
            type->kind = to_type_kind(node.kind);
            type->name = node.name;
            type->description = node.description;
            type->has_description = node.has_description;
            type->builtin = builtin;
            if (type->kind == TypeKind::Scalar) {
                type->scalar = scalar_kind_of(node.name);
            }
            if (type->kind == TypeKind::Scalar && !builtin) {
                type->scalar = ScalarKind::Custom;
            }
            schema_->add_type(std::move(type));
        }
    }

    const Type& resolve(const TypeRef& reference) const {
        const Type* type = schema_->find_type(reference.name);
        if (type == nullptr) {
            schema_error("Unknown type \"" + reference.name + "\".", reference.location);
        }
        return *type;
    }

    void check_directives(const std::vector<Directive>& directives, std::string_view location) {
        std::unordered_set<std::string_view> seen;
        for (const Directive& directive : directives) {
            const DirectiveDef* definition = schema_->find_directive(directive.name);
            if (definition == nullptr) {
                schema_error("Unknown directive \"@" + directive.name + "\".", directive.location);
            }
            if (!definition->allows(location)) {
                schema_error("Directive \"@" + directive.name + "\" may not be used on " +
                                 std::string(location) + ".",
                             directive.location);
            }
            if (!definition->repeatable && !seen.insert(directive.name).second) {
                schema_error("The directive \"@" + directive.name +
                                 "\" can only be used once at this location.",
                             directive.location);
            }
        }
    }

    // @deprecated(reason:) -> (deprecated, reason); the reason defaults as the directive says.
    static void read_deprecation(const std::vector<Directive>& directives, bool& deprecated,
                                 std::string& reason) {
        for (const Directive& directive : directives) {
            if (directive.name != "deprecated") {
                continue;
            }
            deprecated = true;
            reason = "No longer supported";
            for (const Argument& argument : directive.arguments) {
                if (argument.name == "reason" && argument.value.kind == Value::Kind::String) {
                    reason = argument.value.text;
                }
            }
        }
    }

    std::vector<InputValueDef> make_input_values(const std::vector<InputValueNode>& nodes,
                                                 std::string_view location,
                                                 const std::string& owner) {
        std::vector<InputValueDef> values;
        std::unordered_set<std::string_view> seen;
        for (const InputValueNode& node : nodes) {
            if (!seen.insert(node.name).second) {
                schema_error(
                    "There can be only one input value named \"" + owner + "." + node.name + "\".",
                    node.location);
            }
            InputValueDef value;
            value.name = node.name;
            value.description = node.description;
            value.has_description = node.has_description;
            value.type = node.type;
            value.named = &resolve(node.type);
            if (!value.named->is_input()) {
                schema_error("The type of \"" + owner + "." + node.name +
                                 "\" must be an input type, found \"" + node.type.to_string() +
                                 "\".",
                             node.type.location);
            }
            value.default_value = node.default_value;
            check_directives(node.directives, location);
            read_deprecation(node.directives, value.deprecated, value.deprecation_reason);
            if (value.deprecated && value.type.non_null_at(0) && !value.default_value) {
                schema_error("Required input value \"" + owner + "." + node.name +
                                 "\" cannot be deprecated.",
                             node.location);
            }
            values.push_back(std::move(value));
        }
        return values;
    }

    // Adds what `node` (a definition or an extension) declares to its type.
    void fill_type(const TypeDefinitionNode& node) {
        Type* type = schema_->find_type(node.name);
        if (type == nullptr) {
            schema_error("Cannot extend type \"" + node.name + "\" because it is not defined.",
                         node.location);
        }
        if (type->kind != to_type_kind(node.kind)) {
            schema_error(
                "Cannot extend type \"" + node.name + "\": it is a different kind of type.",
                node.location);
        }
        check_directives(node.directives, directive_location_of(node.kind));
        read_specified_by(node, *type);
        add_fields(node, *type);
        add_interfaces_and_members(node, *type);
        add_enum_values(node, *type);
        add_input_fields(node, *type);
        if (!node.is_extension) {
            definitions_[type] = &node;
        }
    }

    static void read_specified_by(const TypeDefinitionNode& node, Type& type) {
        for (const Directive& directive : node.directives) {
            if (directive.name != "specifiedBy") {
                continue;
            }
            type.has_specified_by = true;
            for (const Argument& argument : directive.arguments) {
                if (argument.name == "url" && argument.value.kind == Value::Kind::String) {
                    type.specified_by_url = argument.value.text;
                }
            }
        }
    }

    void add_fields(const TypeDefinitionNode& node, Type& type) {
        for (const FieldNode& field_node : node.fields) {
            if (type.find_field(field_node.name) != nullptr) {
                schema_error("There can be only one field named \"" + node.name + "." +
                                 field_node.name + "\".",
                             field_node.location);
            }
            FieldDef field;
            field.name = field_node.name;
            field.description = field_node.description;
            field.has_description = field_node.has_description;
            field.type = field_node.type;
            field.named = &resolve(field_node.type);
            field.owner = &type;
            if (!field.named->is_output()) {
                schema_error("The type of \"" + node.name + "." + field_node.name +
                                 "\" must be an output type, found \"" +
                                 field_node.type.to_string() + "\".",
                             field_node.type.location);
            }
            field.arguments = make_input_values(field_node.arguments, "ARGUMENT_DEFINITION",
                                                node.name + "." + field_node.name);
            check_directives(field_node.directives, "FIELD_DEFINITION");
            read_deprecation(field_node.directives, field.deprecated, field.deprecation_reason);
            type.fields.push_back(std::move(field));
        }
    }

    void add_interfaces_and_members(const TypeDefinitionNode& node, Type& type) {
        for (const auto& [name, where] : node.interfaces) {
            const Type& interface = resolve(TypeRef{name, {}, where});
            if (interface.kind != TypeKind::Interface) {
                schema_error("Type \"" + node.name + "\" can only implement interfaces, \"" + name +
                                 "\" is not one.",
                             where);
            }
            type.interfaces.push_back(&interface);
            if (type.kind == TypeKind::Object) {
                const_cast<Type&>(interface).possible_types.push_back(&type);
            }
        }
        for (const auto& [name, where] : node.members) {
            const Type& member = resolve(TypeRef{name, {}, where});
            if (member.kind != TypeKind::Object) {
                schema_error("Union \"" + node.name + "\" can only include object types, \"" +
                                 name + "\" is not one.",
                             where);
            }
            type.possible_types.push_back(&member);
        }
    }

    void add_enum_values(const TypeDefinitionNode& node, Type& type) {
        for (const EnumValueNode& value_node : node.enum_values) {
            if (type.find_enum_value(value_node.name) != nullptr) {
                schema_error("Enum value \"" + node.name + "." + value_node.name +
                                 "\" can only be defined once.",
                             value_node.location);
            }
            EnumValueDef value;
            value.name = value_node.name;
            value.description = value_node.description;
            value.has_description = value_node.has_description;
            check_directives(value_node.directives, "ENUM_VALUE");
            read_deprecation(value_node.directives, value.deprecated, value.deprecation_reason);
            type.enum_values.push_back(std::move(value));
        }
    }

    void add_input_fields(const TypeDefinitionNode& node, Type& type) {
        if (node.input_fields.empty()) {
            return;
        }
        auto fields = make_input_values(node.input_fields, "INPUT_FIELD_DEFINITION", node.name);
        for (InputValueDef& field : fields) {
            if (type.find_input_field(field.name) != nullptr) {
                schema_error("There can be only one input field named \"" + node.name + "." +
                                 field.name + "\".",
                             node.location);
            }
            type.input_fields.push_back(std::move(field));
        }
    }

    void fill_pending_directives() {
        for (auto& [directive, node] : pending_directive_arguments_) {
            directive->arguments =
                make_input_values(node->arguments, "ARGUMENT_DEFINITION", "@" + directive->name);
        }
        pending_directive_arguments_.clear();
    }

    void check_type(const Type& type) {
        const Location location =
            definitions_.count(&type) != 0U ? definitions_[&type]->location : Location{1, 1};
        switch (type.kind) {
            case TypeKind::Object:
            case TypeKind::Interface:
                if (type.fields.empty()) {
                    schema_error("Type \"" + type.name + "\" must define one or more fields.",
                                 location);
                }
                for (const Type* interface : type.interfaces) {
                    check_implements(type, *interface, location);
                }
                break;
            case TypeKind::Union:
                if (type.possible_types.empty()) {
                    schema_error(
                        "Union type \"" + type.name + "\" must define one or more member types.",
                        location);
                }
                break;
            case TypeKind::Enum:
                if (type.enum_values.empty()) {
                    schema_error("Enum type \"" + type.name + "\" must define one or more values.",
                                 location);
                }
                break;
            case TypeKind::InputObject:
                if (type.input_fields.empty()) {
                    schema_error(
                        "Input Object type \"" + type.name + "\" must define one or more fields.",
                        location);
                }
                break;
            case TypeKind::Scalar:
                break;
        }
    }

    void check_implements(const Type& type, const Type& interface, Location location) {
        for (const FieldDef& expected : interface.fields) {
            const FieldDef* actual = type.find_field(expected.name);
            const std::string name = interface.name + "." + expected.name;
            if (actual == nullptr) {
                schema_error("Interface field \"" + name + "\" expected but \"" + type.name +
                                 "\" does not provide it.",
                             location);
            }
            if (!is_output_subtype(*schema_, actual->type, 0, expected.type, 0)) {
                schema_error("Interface field \"" + name + "\" expects type \"" +
                                 expected.type.to_string() + "\" but \"" + type.name + "." +
                                 actual->name + "\" is type \"" + actual->type.to_string() + "\".",
                             location);
            }
            for (const InputValueDef& argument : expected.arguments) {
                const InputValueDef* provided = actual->find_argument(argument.name);
                if (provided == nullptr ||
                    provided->type.to_string() != argument.type.to_string()) {
                    schema_error("Interface field argument \"" + name + "(" + argument.name +
                                     ":)\" must be provided by \"" + type.name + "." +
                                     actual->name + "\" with the same type.",
                                 location);
                }
            }
        }
    }

    void choose_roots(const TypeSystemDocument& user) {
        bool explicit_roots = false;
        for (const SchemaDefinitionNode& node : user.schemas) {
            if (!node.is_extension && explicit_roots) {
                schema_error("Must provide only one schema definition.", node.location);
            }
            explicit_roots = explicit_roots || !node.is_extension;
            check_directives(node.directives, "SCHEMA");
            if (node.has_description) {
                schema_->description = node.description;
                schema_->has_description = true;
            }
            for (const auto& [operation, name_and_location] : node.root_types) {
                const Type& type =
                    resolve(TypeRef{name_and_location.first, {}, name_and_location.second});
                if (type.kind != TypeKind::Object) {
                    schema_error("Root type \"" + type.name + "\" must be an object type.",
                                 name_and_location.second);
                }
                const Type*& slot = operation == OperationType::Query      ? schema_->query
                                    : operation == OperationType::Mutation ? schema_->mutation
                                                                           : schema_->subscription;
                if (slot != nullptr) {
                    schema_error("There can be only one root type per operation.",
                                 name_and_location.second);
                }
                slot = &type;
            }
        }
        if (!explicit_roots) {
            auto default_root = [&](const char* name) -> const Type* {
                const Type* type = schema_->find_type(name);
                return type != nullptr && type->kind == TypeKind::Object ? type : nullptr;
            };
            if (schema_->query == nullptr) {
                schema_->query = default_root("Query");
            }
            if (schema_->mutation == nullptr) {
                schema_->mutation = default_root("Mutation");
            }
            if (schema_->subscription == nullptr) {
                schema_->subscription = default_root("Subscription");
            }
        }
        if (schema_->query == nullptr) {
            schema_error("Query root type must be provided.", Location{1, 1});
        }
    }

    void make_meta_fields() {
        auto make = [&](FieldDef& field, const char* name, const char* type,
                        std::vector<Wrapper> wrappers, const char* description) {
            field.name = name;
            field.type = TypeRef{type, std::move(wrappers), {}};
            field.named = schema_->find_type(type);
            field.description = description;
            field.has_description = true;
        };
        make(schema_->typename_field, "__typename", "String", {Wrapper::NonNull},
             "The name of the current Object type at runtime.");
        make(schema_->schema_field, "__schema", "__Schema", {Wrapper::NonNull},
             "Access the current type schema of this server.");
        make(schema_->type_field, "__type", "__Type", {},
             "Request the type information of a single type.");
        InputValueDef name;
        name.name = "name";
        name.type = TypeRef{"String", {Wrapper::NonNull}, {}};
        name.named = schema_->find_type("String");
        schema_->type_field.arguments.push_back(std::move(name));
    }

    // Input objects' own field defaults first, so nested defaults are ready when used.
    void prepare_input_object(const Type& type) {
        if (type.kind != TypeKind::InputObject) {
            return;
        }
        if (!preparing_.insert(&type).second) {
            return;
        }
        for (InputValueDef& field : const_cast<Type&>(type).input_fields) {
            coerce_default(field, type.name + "." + field.name);
        }
    }

    void coerce_default(InputValueDef& value, const std::string& owner) {
        prepare_input_object(*value.named);
        if (!value.default_value || !value.coerced_default.is_null()) {
            return;
        }
        std::vector<ValueProblem> problems;
        check_literal(*value.default_value, value.type, 0, *value.named, false, problems, nullptr);
        if (!problems.empty()) {
            schema_error("Invalid default value for \"" + owner + "\": " + problems.front().message,
                         problems.front().location);
        }
        std::string error;
        if (!coerce_literal(*value.default_value, value.type, 0, *value.named, nullptr,
                            value.coerced_default, error)) {
            schema_error("Invalid default value for \"" + owner + "\": " + error,
                         value.default_value->location);
        }
    }

    void coerce_defaults(Type& type) {
        prepare_input_object(type);
        for (FieldDef& field : type.fields) {
            for (InputValueDef& argument : field.arguments) {
                coerce_default(argument, type.name + "." + field.name + "(" + argument.name + ":)");
            }
        }
    }

    std::unique_ptr<Schema> schema_;
    std::vector<std::pair<DirectiveDef*, const DirectiveDefinitionNode*>>
        pending_directive_arguments_;
    std::map<const Type*, const TypeDefinitionNode*> definitions_;
    std::unordered_set<const Type*> preparing_;
    std::unordered_set<std::string> builtin_names_;
};

}  // namespace

std::unique_ptr<Schema> build_schema(std::string_view sdl) {
    return SchemaBuilder().build(sdl);
}

}  // namespace gql::detail
