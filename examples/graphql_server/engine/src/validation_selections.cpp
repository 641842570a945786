// Rules applied while walking selection sets: fields on correct type, leaf field selections,
// known/unique/required arguments, values of correct type, known directives in valid
// locations and unique per location, known fragments, fragments on composite types and
// possible fragment spreads. Also records variable usages and annotates the document.
#include <unordered_map>

#include "validation.hpp"
#include "values.hpp"

namespace gql::detail {

void Validator::visit_selections(std::vector<Selection>& selections, const Type* parent,
                                 Scope& scope) {
    for (Selection& selection : selections) {
        switch (selection.kind) {
            case Selection::Kind::Field:
                visit_field(selection, parent, scope);
                break;
            case Selection::Kind::FragmentSpread:
                visit_spread(selection, parent, scope);
                break;
            case Selection::Kind::InlineFragment:
                visit_inline_fragment(selection, parent, scope);
                break;
        }
    }
}

void Validator::visit_field(Selection& field, const Type* parent, Scope& scope) {
    visit_directives(field.directives, "FIELD", scope);
    const FieldDef* definition =
        parent != nullptr ? schema_.find_field(*parent, field.name) : nullptr;
    if (definition == nullptr) {
        if (parent != nullptr) {
            error("Cannot query field \"" + field.name + "\" on type \"" + parent->name + "\".",
                  {field.location});
        }
        // Still walk what is inside, for spreads and variables.
        visit_arguments(field.arguments, nullptr, "", false, field.location, scope);
        visit_selections(field.selections, nullptr, scope);
        return;
    }
    field.parent_type = parent;
    field.field = definition;
    const std::size_t errors_before = errors_.size();
    visit_arguments(field.arguments, &definition->arguments, parent->name + "." + field.name, false,
                    field.location, scope);
    bool has_variables = false;
    for (const Argument& argument : field.arguments) {
        has_variables = has_variables || argument.value.has_variables;
    }
    if (errors_.size() == errors_before && !has_variables) {
        // Arguments without variables never change: coerce them once, here.
        auto arguments = std::make_shared<nlohmann::json>();
        std::string problem;
        if (coerce_arguments(definition->arguments, field.arguments, nullptr, *arguments,
                             problem)) {
            field.constant_arguments = std::move(arguments);
        }
    }
    const Type& named = *definition->named;
    if (named.is_leaf()) {
        if (field.has_selection_set) {
            error("Field \"" + field.name + "\" must not have a selection since type \"" +
                      definition->type.to_string() + "\" has no subfields.",
                  {field.location});
        }
    } else if (!field.has_selection_set) {
        error("Field \"" + field.name + "\" of type \"" + definition->type.to_string() +
                  "\" must have a selection of subfields. Did you mean \"" + field.name +
                  " { ... }\"?",
              {field.location});
    }
    visit_selections(field.selections, named.is_composite() ? &named : nullptr, scope);
}

void Validator::visit_spread(Selection& spread, const Type* parent, Scope& scope) {
    visit_directives(spread.directives, "FRAGMENT_SPREAD", scope);
    scope.spreads.emplace_back(spread.name, spread.location);
    auto it = fragments_.find(spread.name);
    if (it == fragments_.end()) {
        error("Unknown fragment \"" + spread.name + "\".", {spread.location});
        return;
    }
    spread.fragment = it->second;
    const Type* condition = it->second->condition;
    if (parent != nullptr && condition != nullptr && !Schema::overlap(*parent, *condition)) {
        error("Fragment \"" + spread.name + "\" cannot be spread here as objects of type \"" +
                  parent->name + "\" can never be of type \"" + condition->name + "\".",
              {spread.location});
    }
}

void Validator::visit_inline_fragment(Selection& fragment, const Type* parent, Scope& scope) {
    visit_directives(fragment.directives, "INLINE_FRAGMENT", scope);
    const Type* context = parent;
    if (!fragment.type_condition.empty()) {
        const Type* condition = schema_.find_type(fragment.type_condition);
        context = nullptr;
        if (condition == nullptr) {
            error("Unknown type \"" + fragment.type_condition + "\".",
                  {fragment.type_condition_location});
        } else if (!condition->is_composite()) {
            error("Fragment cannot condition on non composite type \"" + fragment.type_condition +
                      "\".",
                  {fragment.type_condition_location});
        } else {
            fragment.condition = condition;
            context = condition;
            if (parent != nullptr && !Schema::overlap(*parent, *condition)) {
                error("Fragment cannot be spread here as objects of type \"" + parent->name +
                          "\" can never be of type \"" + condition->name + "\".",
                      {fragment.location});
            }
        }
    }
    visit_selections(fragment.selections, context, scope);
}

void Validator::collect_unknown_usages(const Value& value, Scope& scope) {
    if (!value.has_variables) {
        return;
    }
    if (value.kind == Value::Kind::Variable) {
        scope.usages.push_back(Usage{&value, nullptr, 0, false});
    }
    for (const Value& item : value.list) {
        collect_unknown_usages(item, scope);
    }
    for (const ObjectField& field : value.fields) {
        collect_unknown_usages(field.value, scope);
    }
}

void Validator::visit_arguments(const std::vector<Argument>& arguments,
                                const std::vector<InputValueDef>* definitions,
                                const std::string& owner, bool is_directive, Location location,
                                Scope& scope) {
    std::unordered_map<std::string_view, Location> seen;
    auto on_variable = [&](const Value& variable, const TypeRef& type, std::size_t depth,
                           bool has_default) {
        scope.usages.push_back(Usage{&variable, &type, depth, has_default});
    };
    for (const Argument& argument : arguments) {
        auto [previous, inserted] = seen.emplace(argument.name, argument.location);
        if (!inserted) {
            error("There can be only one argument named \"" + argument.name + "\".",
                  {previous->second, argument.location});
        }
        const InputValueDef* definition = nullptr;
        if (definitions != nullptr) {
            for (const InputValueDef& candidate : *definitions) {
                if (candidate.name == argument.name) {
                    definition = &candidate;
                }
            }
        }
        if (definition == nullptr) {
            if (definitions != nullptr) {
                error("Unknown argument \"" + argument.name + "\" on " +
                          (is_directive ? "directive \"@" : "field \"") + owner + "\".",
                      {argument.location});
            }
            collect_unknown_usages(argument.value, scope);
            continue;
        }
        std::vector<ValueProblem> problems;
        check_literal(argument.value, definition->type, 0, *definition->named,
                      definition->default_value.has_value(), problems, on_variable);
        for (ValueProblem& problem : problems) {
            error(std::move(problem.message), {problem.location});
        }
    }
    if (definitions == nullptr) {
        return;
    }
    for (const InputValueDef& definition : *definitions) {
        if (!definition.type.non_null_at(0) || definition.default_value ||
            seen.count(definition.name) != 0) {
            continue;
        }
        error(std::string(is_directive ? "Directive \"@" : "Field \"") +
                  (is_directive ? owner : owner.substr(owner.find('.') + 1)) + "\" argument \"" +
                  definition.name + "\" of type \"" + definition.type.to_string() +
                  "\" is required, but it was not provided.",
              {location});
    }
}

void Validator::visit_directives(const std::vector<Directive>& directives,
                                 std::string_view location, Scope& scope) {
    std::unordered_map<std::string_view, Location> seen;
    for (const Directive& directive : directives) {
        const DirectiveDef* definition = schema_.find_directive(directive.name);
        if (definition == nullptr) {
            error("Unknown directive \"@" + directive.name + "\".", {directive.location});
            for (const Argument& argument : directive.arguments) {
                collect_unknown_usages(argument.value, scope);
            }
            continue;
        }
        if (!definition->allows(location)) {
            error("Directive \"@" + directive.name + "\" may not be used on " +
                      std::string(location) + ".",
                  {directive.location});
        }
        auto [previous, inserted] = seen.emplace(directive.name, directive.location);
        if (!inserted && !definition->repeatable) {
            error(
                "The directive \"@" + directive.name + "\" can only be used once at this location.",
                {previous->second, directive.location});
        }
        visit_arguments(directive.arguments, &definition->arguments, directive.name, true,
                        directive.location, scope);
    }
}

}  // namespace gql::detail
