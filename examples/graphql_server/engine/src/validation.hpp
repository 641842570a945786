// Document validation (spec section 5) plus the engine's depth limit.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ast.hpp"
#include "error.hpp"
#include "schema.hpp"

namespace gql::detail {

/// @brief Validates `document` against `schema`, annotating it for execution (field
/// definitions, fragment targets, constant arguments, coerced variable defaults).
/// @return every validation error; empty when the document may be executed.
std::vector<GraphQLError> validate(const Schema& schema, Document& document, const Limits& limits);

/// @brief The validator's state; its rules live in validation_*.cpp, one group per file.
class Validator {
public:
    Validator(const Schema& schema, Document& document, const Limits& limits);
    std::vector<GraphQLError> run();

private:
    /// A variable met in an argument or directive: the type expected where it stands
    /// (`type` stripped of `depth` wrappers; null when the position is unknown).
    struct Usage {
        const Value* variable = nullptr;
        const TypeRef* type = nullptr;
        std::size_t depth = 0;
        bool has_default = false;
    };
    /// What one operation or fragment definition contains directly.
    struct Scope {
        std::vector<Usage> usages;
        std::vector<std::pair<std::string_view, Location>> spreads;
    };

    void error(std::string message, std::vector<Location> locations);
    /// The operation's own scope followed by those of every fragment it reaches, each once.
    std::vector<const Scope*> reachable_scopes(const Scope& root);

    // validation.cpp: document-level rules.
    void check_definitions();
    void resolve_fragment_conditions();
    void check_fragment_cycles();
    void check_unused_fragments();
    void check_subscription(const OperationDefinition& operation);
    void check_depth();
    std::size_t depth_of(const std::vector<Selection>& selections, std::size_t nesting,
                         bool& too_nested);

    // validation_selections.cpp: fields, fragments, arguments, directives, values.
    void visit_selections(std::vector<Selection>& selections, const Type* parent, Scope& scope);
    void visit_field(Selection& field, const Type* parent, Scope& scope);
    void visit_spread(Selection& spread, const Type* parent, Scope& scope);
    void visit_inline_fragment(Selection& fragment, const Type* parent, Scope& scope);
    void visit_arguments(const std::vector<Argument>& arguments,
                         const std::vector<InputValueDef>* definitions, const std::string& owner,
                         bool is_directive, Location location, Scope& scope);
    void visit_directives(const std::vector<Directive>& directives, std::string_view location,
                          Scope& scope);
    void collect_unknown_usages(const Value& value, Scope& scope);

    // validation_variables.cpp: variable rules.
    void check_variables(OperationDefinition& operation, const Scope& scope);

    // validation_overlap.cpp: "field selection merging".
    void check_overlaps();

    const Schema& schema_;
    Document& document_;
    const Limits& limits_;
    std::vector<GraphQLError> errors_;
    std::map<std::string_view, FragmentDefinition*> fragments_;
    std::map<const FragmentDefinition*, Scope> fragment_scopes_;
    std::set<std::string_view> used_fragments_;
    std::map<const FragmentDefinition*, std::size_t> fragment_depths_;
    bool has_cycles_ = false;
};

}  // namespace gql::detail
