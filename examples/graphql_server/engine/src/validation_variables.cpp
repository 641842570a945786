// Variable rules: unique variable names, variables are input types, default values of
// correct type, all variable uses defined, all variables used, variable usages allowed.
#include <unordered_map>

#include "validation.hpp"
#include "values.hpp"

namespace gql::detail {
namespace {

// IsTypeSubTypeOf for input types: may a value of `variable` stand where `location` is expected?
bool is_subtype(const TypeRef& variable, std::size_t variable_depth, const TypeRef& location,
                std::size_t location_depth) noexcept {
    if (location.non_null_at(location_depth)) {
        return variable.non_null_at(variable_depth) &&
               is_subtype(variable, variable_depth + 1, location, location_depth + 1);
    }
    if (variable.non_null_at(variable_depth)) {
        return is_subtype(variable, variable_depth + 1, location, location_depth);
    }
    const bool location_list = location_depth < location.wrappers.size();
    const bool variable_list = variable_depth < variable.wrappers.size();
    if (location_list || variable_list) {
        return location_list && variable_list &&
               is_subtype(variable, variable_depth + 1, location, location_depth + 1);
    }
    return variable.name == location.name;
}

// The "All Variable Usages Are Allowed" check, with the nullable-variable-with-default allowance.
bool usage_allowed(const VariableDefinition& definition, const TypeRef& location, std::size_t depth,
                   bool location_has_default) noexcept {
    if (location.non_null_at(depth) && !definition.type.non_null_at(0)) {
        const bool variable_has_default = definition.default_value.has_value() &&
                                          definition.default_value->kind != Value::Kind::Null;
        if (!variable_has_default && !location_has_default) {
            return false;
        }
        return is_subtype(definition.type, 0, location, depth + 1);
    }
    return is_subtype(definition.type, 0, location, depth);
}

}  // namespace

void Validator::check_variables(OperationDefinition& operation, const Scope& scope) {
    std::unordered_map<std::string_view, VariableDefinition*> definitions;
    for (VariableDefinition& variable : operation.variables) {
        auto [previous, inserted] = definitions.emplace(variable.name, &variable);
        if (!inserted) {
            error("There can be only one variable named \"$" + variable.name + "\".",
                  {previous->second->location, variable.location});
        }
        Scope directive_scope;
        visit_directives(variable.directives, "VARIABLE_DEFINITION", directive_scope);
        const Type* named = schema_.find_type(variable.type.name);
        if (named == nullptr) {
            error("Unknown type \"" + variable.type.name + "\".", {variable.type.location});
            continue;
        }
        if (!named->is_input()) {
            error("Variable \"$" + variable.name + "\" cannot be non-input type \"" +
                      variable.type.to_string() + "\".",
                  {variable.type.location});
            continue;
        }
        if (!variable.default_value) {
            continue;
        }
        std::vector<ValueProblem> problems;
        check_literal(*variable.default_value, variable.type, 0, *named, false, problems, nullptr);
        for (ValueProblem& problem : problems) {
            error(std::move(problem.message), {problem.location});
        }
        if (problems.empty()) {
            auto coerced = std::make_shared<nlohmann::json>();
            std::string problem;
            if (coerce_literal(*variable.default_value, variable.type, 0, *named, nullptr, *coerced,
                               problem)) {
                variable.coerced_default = std::move(coerced);
            }
        }
    }

    const std::string in_operation =
        operation.name.empty() ? "" : " by operation \"" + operation.name + "\"";
    std::unordered_map<std::string_view, bool> used;
    for (const Scope* reached : reachable_scopes(scope)) {
        for (const Usage& usage : reached->usages) {
            const std::string& name = usage.variable->text;
            auto it = definitions.find(name);
            if (it == definitions.end()) {
                std::string message = "Variable \"$" + name;
                message += "\" is not defined";
                message += in_operation;
                message += '.';
                error(std::move(message), {usage.variable->location, operation.location});
                continue;
            }
            used[name] = true;
            const VariableDefinition& definition = *it->second;
            if (usage.type == nullptr || schema_.find_type(definition.type.name) == nullptr) {
                continue;
            }
            if (!usage_allowed(definition, *usage.type, usage.depth, usage.has_default)) {
                error("Variable \"$" + name + "\" of type \"" + definition.type.to_string() +
                          "\" used in position expecting type \"" +
                          usage.type->to_string(usage.depth) + "\".",
                      {definition.location, usage.variable->location});
            }
        }
    }
    for (const VariableDefinition& variable : operation.variables) {
        if (!used[variable.name]) {
            error("Variable \"$" + variable.name + "\" is never used" +
                      (operation.name.empty() ? std::string()
                                              : " in operation \"" + operation.name + "\"") +
                      ".",
                  {variable.location});
        }
    }
}

}  // namespace gql::detail
