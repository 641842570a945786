// Input values: literal validation and coercion, variable coercion, and leaf result coercion.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ast.hpp"
#include "schema.hpp"

namespace gql::detail {

using OrderedJson = nlohmann::ordered_json;

struct ValueProblem {
    std::string message;
    Location location;
};

/// @brief Called for each variable met inside a literal: the variable, the type expected at
/// that position (`type` stripped of `depth` wrappers) and whether the position has a default.
using VariableUseCallback = std::function<void(const Value& variable, const TypeRef& type,
                                               std::size_t depth, bool has_default)>;

/// @brief The "Values of Correct Type" rule for one literal against `type` (after `depth`
/// wrappers; `named` is its named type; `has_default`: the position has a default value).
/// Problems are appended; variables are reported to `on_variable`.
void check_literal(const Value& value, const TypeRef& type, std::size_t depth, const Type& named,
                   bool has_default, std::vector<ValueProblem>& problems,
                   const VariableUseCallback& on_variable);

/// @brief Coerces a literal that passed validation. `variables` is the coerced variables
/// object, or null when the literal holds no variable.
/// @return false with `error` set when a variable makes the value invalid at run time.
bool coerce_literal(const Value& value, const TypeRef& type, std::size_t depth, const Type& named,
                    const nlohmann::json* variables, nlohmann::json& out, std::string& error);

/// @brief CoerceArgumentValues(): every declared argument in `out`, defaults applied,
/// absent nullable arguments null.
bool coerce_arguments(const std::vector<InputValueDef>& definitions,
                      const std::vector<Argument>& arguments, const nlohmann::json* variables,
                      nlohmann::json& out, std::string& error);

/// @brief Coerces a JSON variable value to `type`. On failure `error` holds the reason and
/// `path` where inside the value it failed (empty at the top).
bool coerce_input(const nlohmann::json& input, const TypeRef& type, std::size_t depth,
                  const Type& named, nlohmann::json& out, std::string& error, std::string& path);

/// @brief Result coercion of a scalar or enum value.
bool serialize_leaf(const Type& type, const nlohmann::json& value, OrderedJson& out,
                    std::string& error);

/// @brief Parses an Int literal's text into a 32-bit value.
bool parse_int32(std::string_view text, std::int32_t& out) noexcept;

}  // namespace gql::detail
