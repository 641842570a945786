#include "values.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <unordered_set>

namespace gql::detail {
namespace {

constexpr double kInt32Min = static_cast<double>(std::numeric_limits<std::int32_t>::min());
constexpr double kInt32Max = static_cast<double>(std::numeric_limits<std::int32_t>::max());

bool is_list_at(const TypeRef& type, std::size_t depth) noexcept {
    return depth < type.wrappers.size() && type.wrappers[depth] == Wrapper::List;
}

// A literal that is known valid, as JSON; used for custom scalars.
nlohmann::json literal_to_json(const Value& value, const nlohmann::json* variables) {
    switch (value.kind) {
        case Value::Kind::Variable: {
            if (variables != nullptr) {
                auto it = variables->find(value.text);
                if (it != variables->end()) {
                    return *it;
                }
            }
            return nullptr;
        }
        case Value::Kind::Int: {
            std::int64_t number = 0;
            auto result =
                std::from_chars(value.text.data(), value.text.data() + value.text.size(), number);
            if (result.ec == std::errc()) {
                return number;
            }
            return std::strtod(value.text.c_str(), nullptr);
        }
        case Value::Kind::Float:
            return std::strtod(value.text.c_str(), nullptr);
        case Value::Kind::String:
        case Value::Kind::Enum:
            return value.text;
        case Value::Kind::Boolean:
            return value.boolean;
        case Value::Kind::Null:
            return nullptr;
        case Value::Kind::List: {
            nlohmann::json out = nlohmann::json::array();
            for (const Value& item : value.list) {
                out.push_back(literal_to_json(item, variables));
            }
            return out;
        }
        case Value::Kind::Object: {
            nlohmann::json out = nlohmann::json::object();
            for (const ObjectField& field : value.fields) {
                out[field.name] = literal_to_json(field.value, variables);
            }
            return out;
        }
    }
    return nullptr;
}

bool json_to_int32(const nlohmann::json& value, std::int32_t& out) noexcept {
    if (value.is_number_integer()) {
        if (value.is_number_unsigned()) {
            auto number = value.get<std::uint64_t>();
            if (number > static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max())) {
                return false;
            }
            out = static_cast<std::int32_t>(number);
            return true;
        }
        auto number = value.get<std::int64_t>();
        if (number < std::numeric_limits<std::int32_t>::min() ||
            number > std::numeric_limits<std::int32_t>::max()) {
            return false;
        }
        out = static_cast<std::int32_t>(number);
        return true;
    }
    if (value.is_number_float()) {
        double number = value.get<double>();
        if (!std::isfinite(number) || std::trunc(number) != number || number < kInt32Min ||
            number > kInt32Max) {
            return false;
        }
        out = static_cast<std::int32_t>(number);
        return true;
    }
    return false;
}

// Shared by variable and result coercion of Int: the reason a value is not a 32-bit Int.
std::string int_problem(const nlohmann::json& value) {
    bool integral = value.is_number_integer() ||
                    (value.is_number_float() && std::isfinite(value.get<double>()) &&
                     std::trunc(value.get<double>()) == value.get<double>());
    if (integral) {
        return "Int cannot represent non 32-bit signed integer value: " +
               json_text_for_message(value);
    }
    return "Int cannot represent non-integer value: " + json_text_for_message(value);
}

void check_scalar_literal(const Value& value, const Type& named,
                          std::vector<ValueProblem>& problems) {
    auto problem = [&](const std::string& message) {
        problems.push_back({message, value.location});
    };
    const std::string shown = print_value(value);
    switch (named.scalar) {
        case ScalarKind::Int: {
            if (value.kind != Value::Kind::Int) {
                problem("Int cannot represent non-integer value: " + shown);
                return;
            }
            std::int32_t number = 0;
            if (!parse_int32(value.text, number)) {
                problem("Int cannot represent non 32-bit signed integer value: " + shown);
            }
            return;
        }
        case ScalarKind::Float:
            if (value.kind != Value::Kind::Int && value.kind != Value::Kind::Float) {
                problem("Float cannot represent non numeric value: " + shown);
            }
            return;
        case ScalarKind::String:
            if (value.kind != Value::Kind::String) {
                problem("String cannot represent a non string value: " + shown);
            }
            return;
        case ScalarKind::Boolean:
            if (value.kind != Value::Kind::Boolean) {
                problem("Boolean cannot represent a non boolean value: " + shown);
            }
            return;
        case ScalarKind::ID:
            if (value.kind != Value::Kind::String && value.kind != Value::Kind::Int) {
                problem("ID cannot represent a non-string and non-integer value: " + shown);
            }
            return;
        case ScalarKind::Custom:
        case ScalarKind::NotScalar:
            return;
    }
}

}  // namespace

bool parse_int32(std::string_view text, std::int32_t& out) noexcept {
    auto result = std::from_chars(text.data(), text.data() + text.size(), out);
    return result.ec == std::errc() && result.ptr == text.data() + text.size();
}

void check_literal(const Value& value, const TypeRef& type, std::size_t depth, const Type& named,
                   bool has_default, std::vector<ValueProblem>& problems,
                   const VariableUseCallback& on_variable) {
    if (value.kind == Value::Kind::Variable) {
        if (on_variable) {
            on_variable(value, type, depth, has_default);
        }
        return;
    }
    if (type.non_null_at(depth)) {
        if (value.kind == Value::Kind::Null) {
            problems.push_back(
                {"Expected value of type \"" + type.to_string(depth) + "\", found null.",
                 value.location});
            return;
        }
        check_literal(value, type, depth + 1, named, false, problems, on_variable);
        return;
    }
    if (value.kind == Value::Kind::Null) {
        return;
    }
    if (is_list_at(type, depth)) {
        if (value.kind == Value::Kind::List) {
            for (const Value& item : value.list) {
                check_literal(item, type, depth + 1, named, false, problems, on_variable);
            }
        } else {
            check_literal(value, type, depth + 1, named, false, problems, on_variable);
        }
        return;
    }
    switch (named.kind) {
        case TypeKind::InputObject: {
            if (value.kind != Value::Kind::Object) {
                problems.push_back({"Expected value of type \"" + named.name + "\", found " +
                                        print_value(value) + ".",
                                    value.location});
                return;
            }
            std::unordered_set<std::string_view> seen;
            for (const ObjectField& field : value.fields) {
                if (!seen.insert(field.name).second) {
                    problems.push_back(
                        {"There can be only one input field named \"" + field.name + "\".",
                         field.location});
                    continue;
                }
                const InputValueDef* definition = named.find_input_field(field.name);
                if (definition == nullptr) {
                    problems.push_back({"Field \"" + field.name + "\" is not defined by type \"" +
                                            named.name + "\".",
                                        field.location});
                    continue;
                }
                if (definition->named != nullptr) {
                    check_literal(field.value, definition->type, 0, *definition->named,
                                  definition->default_value.has_value(), problems, on_variable);
                }
            }
            for (const InputValueDef& definition : named.input_fields) {
                if (definition.type.non_null_at(0) && !definition.default_value &&
                    seen.count(definition.name) == 0) {
                    problems.push_back({"Field \"" + named.name + "." + definition.name +
                                            "\" of required type \"" + definition.type.to_string() +
                                            "\" was not provided.",
                                        value.location});
                }
            }
            return;
        }
        case TypeKind::Enum:
            if (value.kind != Value::Kind::Enum) {
                problems.push_back(
                    {"Enum \"" + named.name +
                         "\" cannot represent non-enum value: " + print_value(value) + ".",
                     value.location});
            } else if (named.find_enum_value(value.text) == nullptr) {
                problems.push_back(
                    {"Value \"" + value.text + "\" does not exist in \"" + named.name + "\" enum.",
                     value.location});
            }
            return;
        case TypeKind::Scalar:
            check_scalar_literal(value, named, problems);
            return;
        default:
            return;  // not an input type: reported by another rule
    }
}

namespace {

// A list type at `depth`: a single value is coerced as a list of one (GraphQL's input
// coercion of lists).
bool coerce_list_literal(const Value& value, const TypeRef& type, std::size_t depth,
                         const Type& named, const nlohmann::json* variables, nlohmann::json& out,
                         std::string& error) {
    out = nlohmann::json::array();
    if (value.kind != Value::Kind::List) {
        nlohmann::json item;
        if (!coerce_literal(value, type, depth + 1, named, variables, item, error)) {
            return false;
        }
        out.push_back(std::move(item));
        return true;
    }
    for (const Value& element : value.list) {
        nlohmann::json item;
        if (!coerce_literal(element, type, depth + 1, named, variables, item, error)) {
            return false;
        }
        out.push_back(std::move(item));
    }
    return true;
}

bool coerce_object_literal(const Value& value, const Type& named, const nlohmann::json* variables,
                           nlohmann::json& out, std::string& error) {
    out = nlohmann::json::object();
    for (const InputValueDef& definition : named.input_fields) {
        const Value* provided = nullptr;
        for (const ObjectField& field : value.fields) {
            if (field.name == definition.name) {
                provided = &field.value;
            }
        }
        // A variable that was not supplied leaves the field absent.
        if (provided != nullptr && provided->kind == Value::Kind::Variable &&
            (variables == nullptr || !variables->contains(provided->text))) {
            provided = nullptr;
        }
        if (provided != nullptr) {
            if (!coerce_literal(*provided, definition.type, 0, *definition.named, variables,
                                out[definition.name], error)) {
                return false;
            }
        } else if (definition.default_value) {
            out[definition.name] = definition.coerced_default;
        } else if (definition.type.non_null_at(0)) {
            error = "Field \"" + named.name + "." + definition.name + "\" of required type \"" +
                    definition.type.to_string() + "\" was not provided.";
            return false;
        }
    }
    return true;
}

}  // namespace

bool coerce_literal(const Value& value, const TypeRef& type, std::size_t depth, const Type& named,
                    const nlohmann::json* variables, nlohmann::json& out, std::string& error) {
    if (value.kind == Value::Kind::Variable) {
        out = literal_to_json(value, variables);
        if (out.is_null() && type.non_null_at(depth)) {
            error = "Variable \"$" + value.text + "\" of non-null type \"" + type.to_string(depth) +
                    "\" must not be null.";
            return false;
        }
        return true;
    }
    if (type.non_null_at(depth)) {
        return coerce_literal(value, type, depth + 1, named, variables, out, error);
    }
    if (value.kind == Value::Kind::Null) {
        out = nullptr;
        return true;
    }
    if (is_list_at(type, depth)) {
        return coerce_list_literal(value, type, depth, named, variables, out, error);
    }
    switch (named.kind) {
        case TypeKind::InputObject:
            return coerce_object_literal(value, named, variables, out, error);
        case TypeKind::Enum:
            out = value.text;
            return true;
        case TypeKind::Scalar: {
            if (named.scalar == ScalarKind::Int) {
                std::int32_t number = 0;
                parse_int32(value.text, number);
                out = number;
            } else if (named.scalar == ScalarKind::Float) {
                out = std::strtod(value.text.c_str(), nullptr);
            } else if (named.scalar == ScalarKind::String || named.scalar == ScalarKind::ID) {
                out = value.text;
            } else if (named.scalar == ScalarKind::Boolean) {
                out = value.boolean;
            } else {
                out = literal_to_json(value, variables);
            }
            return true;
        }
        default:
            out = nullptr;
            return true;
    }
}

bool coerce_arguments(const std::vector<InputValueDef>& definitions,
                      const std::vector<Argument>& arguments, const nlohmann::json* variables,
                      nlohmann::json& out, std::string& error) {
    out = nlohmann::json::object();
    for (const InputValueDef& definition : definitions) {
        const Value* provided = nullptr;
        for (const Argument& argument : arguments) {
            if (argument.name == definition.name) {
                provided = &argument.value;
            }
        }
        if (provided != nullptr && provided->kind == Value::Kind::Variable &&
            (variables == nullptr || !variables->contains(provided->text))) {
            provided = nullptr;
        }
        if (provided != nullptr) {
            nlohmann::json& slot = out[definition.name];
            if (!coerce_literal(*provided, definition.type, 0, *definition.named, variables, slot,
                                error)) {
                error.insert(0, "Argument \"" + definition.name + "\": ");
                return false;
            }
        } else if (definition.default_value) {
            out[definition.name] = definition.coerced_default;
        } else if (definition.type.non_null_at(0)) {
            error = "Argument \"" + definition.name + "\" of required type \"" +
                    definition.type.to_string() + "\" was not provided.";
            return false;
        } else {
            out[definition.name] = nullptr;
        }
    }
    return true;
}

namespace {

// Input coercion (spec 3.10 to 3.12) of a list type at `depth` of `type`: a single value becomes a
// one-item list.
bool coerce_list(const nlohmann::json& input, const TypeRef& type, std::size_t depth,
                 const Type& named, nlohmann::json& out, std::string& error, std::string& path) {
    out = nlohmann::json::array();
    if (!input.is_array()) {
        nlohmann::json item;
        if (!coerce_input(input, type, depth + 1, named, item, error, path)) {
            return false;
        }
        out.push_back(std::move(item));
        return true;
    }
    for (std::size_t i = 0; i < input.size(); ++i) {
        nlohmann::json item;
        const std::size_t mark = path.size();
        path += "[" + std::to_string(i) + "]";
        if (!coerce_input(input[i], type, depth + 1, named, item, error, path)) {
            return false;
        }
        path.resize(mark);
        out.push_back(std::move(item));
    }
    return true;
}

bool coerce_input_object(const nlohmann::json& input, const Type& named, nlohmann::json& out,
                         std::string& error, std::string& path) {
    if (!input.is_object()) {
        error = "Expected type \"" + named.name + "\" to be an object.";
        return false;
    }
    for (auto it = input.begin(); it != input.end(); ++it) {
        if (named.find_input_field(it.key()) == nullptr) {
            error = "Field \"" + it.key() + "\" is not defined by type \"" + named.name + "\".";
            return false;
        }
    }
    out = nlohmann::json::object();
    for (const InputValueDef& definition : named.input_fields) {
        auto it = input.find(definition.name);
        if (it != input.end()) {
            const std::size_t mark = path.size();
            path += "." + definition.name;
            if (!coerce_input(*it, definition.type, 0, *definition.named, out[definition.name],
                              error, path)) {
                return false;
            }
            path.resize(mark);
        } else if (definition.default_value) {
            out[definition.name] = definition.coerced_default;
        } else if (definition.type.non_null_at(0)) {
            error = "Field \"" + definition.name + "\" of required type \"" +
                    definition.type.to_string() + "\" was not provided.";
            return false;
        }
    }
    return true;
}

bool coerce_enum(const nlohmann::json& input, const Type& named, nlohmann::json& out,
                 std::string& error) {
    if (!input.is_string()) {
        error = "Enum \"" + named.name +
                "\" cannot represent non-string value: " + json_text_for_message(input) + ".";
        return false;
    }
    if (named.find_enum_value(input.get_ref<const std::string&>()) == nullptr) {
        error = "Value " + json_text_for_message(input) + " does not exist in \"" + named.name +
                "\" enum.";
        return false;
    }
    out = input;
    return true;
}

bool coerce_scalar(const nlohmann::json& input, ScalarKind scalar, nlohmann::json& out,
                   std::string& error) {
    // Refuses a value of the wrong JSON type: `what` followed by the value.
    const auto refuse = [&](const char* what) {
        error = what + json_text_for_message(input);
        return false;
    };
    switch (scalar) {
        case ScalarKind::Int: {
            std::int32_t number = 0;
            if (!json_to_int32(input, number)) {
                error = int_problem(input);
                return false;
            }
            out = number;
            return true;
        }
        case ScalarKind::Float:
            if (!input.is_number()) {
                return refuse("Float cannot represent non numeric value: ");
            }
            out = input.get<double>();
            return true;
        case ScalarKind::String:
            if (!input.is_string()) {
                return refuse("String cannot represent a non string value: ");
            }
            out = input;
            return true;
        case ScalarKind::Boolean:
            if (!input.is_boolean()) {
                return refuse("Boolean cannot represent a non boolean value: ");
            }
            out = input;
            return true;
        case ScalarKind::ID:
            if (input.is_string()) {
                out = input;
            } else if (input.is_number_integer()) {
                out = json_text(input);
            } else {
                return refuse("ID cannot represent value: ");
            }
            return true;
        case ScalarKind::Custom:
        case ScalarKind::NotScalar:
            out = input;
            return true;
    }
    return true;
}

}  // namespace

bool coerce_input(const nlohmann::json& input, const TypeRef& type, std::size_t depth,
                  const Type& named, nlohmann::json& out, std::string& error, std::string& path) {
    if (type.non_null_at(depth)) {
        if (input.is_null()) {
            error = "Expected non-nullable type \"" + type.to_string(depth) + "\" not to be null.";
            return false;
        }
        return coerce_input(input, type, depth + 1, named, out, error, path);
    }
    if (input.is_null()) {
        out = nullptr;
        return true;
    }
    if (is_list_at(type, depth)) {
        return coerce_list(input, type, depth, named, out, error, path);
    }
    switch (named.kind) {
        case TypeKind::InputObject:
            return coerce_input_object(input, named, out, error, path);
        case TypeKind::Enum:
            return coerce_enum(input, named, out, error);
        case TypeKind::Scalar:
            return coerce_scalar(input, named.scalar, out, error);
        default:
            error = "\"" + named.name + "\" is not an input type.";
            return false;
    }
}

bool serialize_leaf(const Type& type, const nlohmann::json& value, OrderedJson& out,
                    std::string& error) {
    if (type.kind == TypeKind::Enum) {
        if (value.is_string() &&
            type.find_enum_value(value.get_ref<const std::string&>()) != nullptr) {
            out = value.get_ref<const std::string&>();
            return true;
        }
        error =
            "Enum \"" + type.name + "\" cannot represent value: " + json_text_for_message(value);
        return false;
    }
    switch (type.scalar) {
        case ScalarKind::Int: {
            std::int32_t number = 0;
            if (json_to_int32(value, number)) {
                out = number;
                return true;
            }
            if (value.is_boolean()) {
                out = value.get<bool>() ? 1 : 0;
                return true;
            }
            error = value.is_number()
                        ? int_problem(value)
                        : "Int cannot represent non-integer value: " + json_text_for_message(value);
            return false;
        }
        case ScalarKind::Float:
            if (value.is_number() && std::isfinite(value.get<double>())) {
                out = value.get<double>();
                return true;
            }
            error = "Float cannot represent non numeric value: " + json_text_for_message(value);
            return false;
        case ScalarKind::String:
            if (value.is_string()) {
                out = value.get_ref<const std::string&>();
                return true;
            }
            if (value.is_boolean() || value.is_number()) {
                out = json_text_for_message(value);
                return true;
            }
            error = "String cannot represent value: " + json_text_for_message(value);
            return false;
        case ScalarKind::Boolean:
            if (value.is_boolean()) {
                out = value.get<bool>();
                return true;
            }
            error = "Boolean cannot represent a non boolean value: " + json_text_for_message(value);
            return false;
        case ScalarKind::ID:
            if (value.is_string()) {
                out = value.get_ref<const std::string&>();
                return true;
            }
            if (value.is_number_integer()) {
                out = json_text_for_message(value);
                return true;
            }
            error = "ID cannot represent value: " + json_text_for_message(value);
            return false;
        case ScalarKind::Custom:
        case ScalarKind::NotScalar:
            out = OrderedJson(value);
            return true;
    }
    return true;
}

}  // namespace gql::detail
