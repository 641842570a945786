// The validation driver and the document-level rules: executable definitions, operation
// and fragment name uniqueness, lone anonymous operation, supported operation types,
// single-field subscriptions, unused fragments, fragment cycles, and the depth limit.
#include "validation.hpp"

#include <algorithm>

namespace gql::detail {
namespace {

const char* operation_location(OperationType type) noexcept {
    switch (type) {
        case OperationType::Query:
            return "QUERY";
        case OperationType::Mutation:
            return "MUTATION";
        case OperationType::Subscription:
            return "SUBSCRIPTION";
    }
    return "QUERY";
}

const char* operation_word(OperationType type) noexcept {
    switch (type) {
        case OperationType::Query:
            return "query";
        case OperationType::Mutation:
            return "mutation";
        case OperationType::Subscription:
            return "subscription";
    }
    return "query";
}

// Fragment chains deeper than this are refused rather than followed on the stack.
constexpr std::size_t kMaxFragmentNesting = 256;

}  // namespace

std::vector<GraphQLError> validate(const Schema& schema, Document& document, const Limits& limits) {
    return Validator(schema, document, limits).run();
}

Validator::Validator(const Schema& schema, Document& document, const Limits& limits)
    : schema_(schema), document_(document), limits_(limits) {}

void Validator::error(std::string message, std::vector<Location> locations) {
    errors_.push_back(GraphQLError{std::move(message), std::move(locations)});
}

std::vector<GraphQLError> Validator::run() {
    check_definitions();
    resolve_fragment_conditions();
    for (FragmentDefinition& fragment : document_.fragments) {
        Scope& scope = fragment_scopes_[&fragment];
        visit_directives(fragment.directives, "FRAGMENT_DEFINITION", scope);
        visit_selections(fragment.selections, fragment.condition, scope);
    }
    for (OperationDefinition& operation : document_.operations) {
        Scope scope;
        const Type* root = schema_.root(operation.type);
        if (root == nullptr) {
            error(std::string("Schema is not configured to execute ") +
                      operation_word(operation.type) + " operation.",
                  {operation.location});
        }
        visit_directives(operation.directives, operation_location(operation.type), scope);
        visit_selections(operation.selections, root, scope);
        check_variables(operation, scope);
        if (operation.type == OperationType::Subscription && root != nullptr) {
            check_subscription(operation);
        }
        for (const Scope* reached : reachable_scopes(scope)) {
            for (const auto& spread : reached->spreads) {
                used_fragments_.insert(spread.first);
            }
        }
    }
    check_unused_fragments();
    check_fragment_cycles();
    if (!has_cycles_) {
        check_overlaps();
    }
    if (errors_.empty()) {
        check_depth();
    }
    return std::move(errors_);
}

std::vector<const Validator::Scope*> Validator::reachable_scopes(const Scope& root) {
    std::vector<const Scope*> out{&root};
    std::set<const FragmentDefinition*> seen;
    for (std::size_t i = 0; i < out.size(); ++i) {
        for (const auto& spread : out[i]->spreads) {
            auto it = fragments_.find(spread.first);
            if (it == fragments_.end() || !seen.insert(it->second).second) {
                continue;
            }
            out.push_back(&fragment_scopes_[it->second]);
        }
    }
    return out;
}

void Validator::check_definitions() {
    for (const ForeignDefinition& foreign : document_.foreign_definitions) {
        error("The \"" + foreign.description + "\" definition is not executable.",
              {foreign.location});
    }

    std::map<std::string_view, const OperationDefinition*> operations;
    std::size_t anonymous = 0;
    for (const OperationDefinition& operation : document_.operations) {
        if (operation.name.empty()) {
            ++anonymous;
            continue;
        }
        auto [it, inserted] = operations.emplace(operation.name, &operation);
        if (!inserted) {
            error("There can be only one operation named \"" + operation.name + "\".",
                  {it->second->location, operation.location});
        }
    }
    if (anonymous > 0 && document_.operations.size() > 1) {
        for (const OperationDefinition& operation : document_.operations) {
            if (operation.name.empty()) {
                error("This anonymous operation must be the only defined operation.",
                      {operation.location});
            }
        }
    }

    for (FragmentDefinition& fragment : document_.fragments) {
        auto [it, inserted] = fragments_.emplace(fragment.name, &fragment);
        if (!inserted) {
            error("There can be only one fragment named \"" + fragment.name + "\".",
                  {it->second->location, fragment.location});
        }
    }
}

void Validator::resolve_fragment_conditions() {
    for (FragmentDefinition& fragment : document_.fragments) {
        const Type* condition = schema_.find_type(fragment.type_condition);
        if (condition == nullptr) {
            error("Unknown type \"" + fragment.type_condition + "\".",
                  {fragment.type_condition_location});
        } else if (!condition->is_composite()) {
            error("Fragment \"" + fragment.name + "\" cannot condition on non composite type \"" +
                      fragment.type_condition + "\".",
                  {fragment.type_condition_location});
        } else {
            fragment.condition = condition;
        }
    }
}

void Validator::check_unused_fragments() {
    for (const FragmentDefinition& fragment : document_.fragments) {
        if (used_fragments_.count(fragment.name) == 0) {
            error("Fragment \"" + fragment.name + "\" is never used.", {fragment.location});
        }
    }
}

void Validator::check_fragment_cycles() {
    // Iterative depth-first search over the spread graph; an edge back to a fragment on the
    // current path closes a cycle, reported once with the spreads that form it.
    enum class Mark { Unvisited, OnPath, Done };
    std::map<const FragmentDefinition*, Mark> marks;
    struct Frame {
        const FragmentDefinition* fragment;
        std::size_t next_spread;
        Location via;  // the spread that led here
    };
    for (const FragmentDefinition& start : document_.fragments) {
        if (marks[&start] != Mark::Unvisited) {
            continue;
        }
        std::vector<Frame> path{{&start, 0, start.location}};
        marks[&start] = Mark::OnPath;
        while (!path.empty()) {
            Frame& frame = path.back();
            const Scope& scope = fragment_scopes_[frame.fragment];
            if (frame.next_spread == scope.spreads.size()) {
                marks[frame.fragment] = Mark::Done;
                path.pop_back();
                continue;
            }
            const auto& [name, location] = scope.spreads[frame.next_spread++];
            auto target = fragments_.find(name);
            if (target == fragments_.end()) {
                continue;
            }
            Mark& mark = marks[target->second];
            if (mark == Mark::Unvisited) {
                mark = Mark::OnPath;
                path.push_back({target->second, 0, location});
            } else if (mark == Mark::OnPath) {
                has_cycles_ = true;
                auto begin = std::find_if(path.begin(), path.end(), [&](const Frame& f) {
                    return f.fragment == target->second;
                });
                std::string via;
                std::vector<Location> locations;
                for (auto it = begin + 1; it != path.end(); ++it) {
                    via += (via.empty() ? "" : ", ") + it->fragment->name;
                    locations.push_back(it->via);
                }
                locations.push_back(location);
                error("Cannot spread fragment \"" + std::string(name) + "\" within itself" +
                          (via.empty() ? "" : " via " + via) + ".",
                      std::move(locations));
            }
        }
    }
}

void Validator::check_subscription(const OperationDefinition& operation) {
    // Root fields as CollectFields would gather them (directives aside): their response keys.
    std::set<std::string_view> keys;
    std::vector<const Selection*> introspection;
    std::vector<const std::vector<Selection>*> work{&operation.selections};
    std::set<const FragmentDefinition*> seen;
    while (!work.empty()) {
        const std::vector<Selection>* selections = work.back();
        work.pop_back();
        for (const Selection& selection : *selections) {
            if (selection.kind == Selection::Kind::Field) {
                keys.insert(selection.response_key());
                if (selection.name.compare(0, 2, "__") == 0) {
                    introspection.push_back(&selection);
                }
            } else if (selection.kind == Selection::Kind::InlineFragment) {
                work.push_back(&selection.selections);
            } else if (selection.fragment != nullptr && seen.insert(selection.fragment).second) {
                work.push_back(&selection.fragment->selections);
            }
        }
    }
    const std::string subject = operation.name.empty() ? std::string("Anonymous Subscription")
                                                       : "Subscription \"" + operation.name + "\"";
    if (keys.size() > 1) {
        error(subject + " must select only one top level field.", {operation.location});
    }
    for (const Selection* field : introspection) {
        error(subject + " must not select an introspection top level field.", {field->location});
    }
}

std::size_t Validator::depth_of(const std::vector<Selection>& selections, std::size_t nesting,
                                bool& too_nested) {
    if (nesting > kMaxFragmentNesting) {
        too_nested = true;
        return 0;
    }
    std::size_t deepest = 0;
    for (const Selection& selection : selections) {
        std::size_t depth = 0;
        if (selection.kind == Selection::Kind::Field) {
            depth = 1 + depth_of(selection.selections, nesting + 1, too_nested);
        } else if (selection.kind == Selection::Kind::InlineFragment) {
            depth = depth_of(selection.selections, nesting + 1, too_nested);
        } else if (selection.fragment != nullptr) {
            auto it = fragment_depths_.find(selection.fragment);
            if (it == fragment_depths_.end()) {
                it = fragment_depths_
                         .emplace(selection.fragment,
                                  depth_of(selection.fragment->selections, nesting + 1, too_nested))
                         .first;
            }
            depth = it->second;
        }
        deepest = std::max(deepest, depth);
        if (too_nested) {
            return deepest;
        }
    }
    return deepest;
}

void Validator::check_depth() {
    for (const OperationDefinition& operation : document_.operations) {
        bool too_nested = false;
        std::size_t depth = depth_of(operation.selections, 0, too_nested);
        if (too_nested) {
            error("Query is nested too deeply: fragments nest more than " +
                      std::to_string(kMaxFragmentNesting) + " levels.",
                  {operation.location});
        } else if (depth > limits_.max_depth) {
            error("Query is nested too deeply: depth " + std::to_string(depth) +
                      " exceeds the limit of " + std::to_string(limits_.max_depth) + ".",
                  {operation.location});
        }
    }
}

}  // namespace gql::detail
