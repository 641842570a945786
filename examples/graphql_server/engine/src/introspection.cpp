#include "introspection.hpp"

namespace gql::detail {
namespace {

using nlohmann::json;

const char* kind_name(TypeKind kind) noexcept {
    switch (kind) {
        case TypeKind::Scalar:
            return "SCALAR";
        case TypeKind::Object:
            return "OBJECT";
        case TypeKind::Interface:
            return "INTERFACE";
        case TypeKind::Union:
            return "UNION";
        case TypeKind::Enum:
            return "ENUM";
        case TypeKind::InputObject:
            return "INPUT_OBJECT";
    }
    return "SCALAR";
}

json optional_text(bool present, const std::string& text) {
    return present ? json(text) : json(nullptr);
}

json stub(const std::string& name) {
    return json{{"name", name}};
}

// A type reference: wrappers become {"kind": "LIST"|"NON_NULL", "ofType": ...}, the named
// type a {"name": ...} stub that the __Type resolvers expand on demand.
json type_ref(const TypeRef& type, std::size_t depth = 0) {
    if (depth == type.wrappers.size()) {
        return stub(type.name);
    }
    return json{{"kind", type.wrappers[depth] == Wrapper::List ? "LIST" : "NON_NULL"},
                {"name", nullptr},
                {"ofType", type_ref(type, depth + 1)}};
}

json input_value(const InputValueDef& value) {
    return json{{"name", value.name},
                {"description", optional_text(value.has_description, value.description)},
                {"type", type_ref(value.type)},
                {"defaultValue",
                 value.default_value ? json(print_value(*value.default_value)) : json(nullptr)},
                {"isDeprecated", value.deprecated},
                {"deprecationReason", optional_text(value.deprecated, value.deprecation_reason)}};
}

json input_values(const std::vector<InputValueDef>& values) {
    json out = json::array();
    for (const InputValueDef& value : values) {
        out.push_back(input_value(value));
    }
    return out;
}

json type_list(const std::vector<const Type*>& types) {
    json out = json::array();
    for (const Type* type : types) {
        out.push_back(stub(type->name));
    }
    return out;
}

json named_type(const Type& type) {
    json out{{"kind", kind_name(type.kind)},
             {"name", type.name},
             {"description", optional_text(type.has_description, type.description)},
             {"specifiedByURL", optional_text(type.has_specified_by, type.specified_by_url)},
             {"fields", nullptr},
             {"interfaces", nullptr},
             {"possibleTypes", nullptr},
             {"enumValues", nullptr},
             {"inputFields", nullptr},
             {"ofType", nullptr}};
    if (type.kind == TypeKind::Object || type.kind == TypeKind::Interface) {
        json fields = json::array();
        for (const FieldDef& field : type.fields) {
            fields.push_back(json{
                {"name", field.name},
                {"description", optional_text(field.has_description, field.description)},
                {"args", input_values(field.arguments)},
                {"type", type_ref(field.type)},
                {"isDeprecated", field.deprecated},
                {"deprecationReason", optional_text(field.deprecated, field.deprecation_reason)}});
        }
        out["fields"] = std::move(fields);
        out["interfaces"] = type_list(type.interfaces);
    }
    if (type.is_abstract()) {
        out["possibleTypes"] = type_list(type.possible_types);
    }
    if (type.kind == TypeKind::Enum) {
        json values = json::array();
        for (const EnumValueDef& value : type.enum_values) {
            values.push_back(json{
                {"name", value.name},
                {"description", optional_text(value.has_description, value.description)},
                {"isDeprecated", value.deprecated},
                {"deprecationReason", optional_text(value.deprecated, value.deprecation_reason)}});
        }
        out["enumValues"] = std::move(values);
    }
    if (type.kind == TypeKind::InputObject) {
        out["inputFields"] = input_values(type.input_fields);
    }
    return out;
}

json directive_json(const DirectiveDef& directive) {
    return json{{"name", directive.name},
                {"description", optional_text(directive.has_description, directive.description)},
                {"isRepeatable", directive.repeatable},
                {"locations", directive.locations},
                {"args", input_values(directive.arguments)}};
}

// Keeps deprecated entries only when the field's includeDeprecated argument is true.
json filter_deprecated(const json& items, const json& arguments) {
    if (!items.is_array()) {
        return items;
    }
    auto include = arguments.find("includeDeprecated");
    if (include != arguments.end() && include->is_boolean() && include->get<bool>()) {
        return items;
    }
    json out = json::array();
    for (const json& item : items) {
        if (!item.value("isDeprecated", false)) {
            out.push_back(item);
        }
    }
    return out;
}

FieldDef& field_of(Schema& schema, std::string_view type, std::string_view field) {
    return const_cast<FieldDef&>(*schema.find_type(type)->find_field(field));
}

}  // namespace

void install_introspection(Schema& schema) {
    json types = json::array();
    for (const auto& type : schema.types) {
        schema.introspection_types.emplace(type->name, named_type(*type));
        types.push_back(stub(type->name));
    }
    json directives = json::array();
    for (const auto& directive : schema.directives) {
        directives.push_back(directive_json(*directive));
    }
    auto root = [](const Type* type) { return type != nullptr ? stub(type->name) : json(nullptr); };
    schema.introspection_schema =
        json{{"description", optional_text(schema.has_description, schema.description)},
             {"types", std::move(types)},
             {"queryType", root(schema.query)},
             {"mutationType", root(schema.mutation)},
             {"subscriptionType", root(schema.subscription)},
             {"directives", std::move(directives)}};

    const Schema* self = &schema;
    schema.schema_field.resolver = [self](const ResolveInfo&) {
        return self->introspection_schema;
    };
    schema.type_field.resolver = [self](const ResolveInfo& info) -> json {
        const json& name = info.arguments["name"];
        if (!name.is_string() || self->find_type(name.get_ref<const std::string&>()) == nullptr) {
            return nullptr;
        }
        return stub(name.get<std::string>());
    };
    // A __Type value is a wrapper (it has "kind") or a stub naming a type to expand.
    for (const FieldDef& field : schema.find_type("__Type")->fields) {
        const bool filters = field.find_argument("includeDeprecated") != nullptr;
        std::string name = field.name;
        field_of(schema, "__Type", name).resolver = [self, name,
                                                     filters](const ResolveInfo& info) -> json {
            const json* full = &info.parent;
            if (!info.parent.contains("kind")) {
                auto it = self->introspection_types.find(info.parent.value("name", std::string()));
                if (it == self->introspection_types.end()) {
                    return nullptr;
                }
                full = &it->second;
            }
            auto value = full->find(name);
            if (value == full->end()) {
                return nullptr;
            }
            return filters ? filter_deprecated(*value, info.arguments) : *value;
        };
    }
    auto filtered_args = [](const ResolveInfo& info) -> json {
        auto args = info.parent.find("args");
        return args == info.parent.end() ? json::array() : filter_deprecated(*args, info.arguments);
    };
    field_of(schema, "__Field", "args").resolver = filtered_args;
    field_of(schema, "__Directive", "args").resolver = filtered_args;
}

}  // namespace gql::detail
