// Executes an operation: variable coercion, field collection (@skip/@include, fragments),
// argument coercion, resolvers, result coercion and null propagation, errors with paths.
#include "executor.hpp"

#include <algorithm>
#include <unordered_map>

namespace gql::detail {
namespace {

using nlohmann::json;

const json& null_json() {
    static const json value;
    return value;
}

// Appends a member known to be new, without ordered_map's linear duplicate search.
void append_member(OrderedJson& object, const std::string& key, OrderedJson&& value) {
    auto& members =
        static_cast<OrderedJson::object_t::Container&>(*object.get_ptr<OrderedJson::object_t*>());
    members.emplace_back(key, std::move(value));
}

/// Fields sharing one response key, in document order (most groups have one field).
struct FieldGroup {
    const std::string* key = nullptr;
    std::vector<const Selection*> fields;
};

class Executor {
public:
    Executor(const Schema& schema, const json& variables)
        : schema_(schema), variables_(variables) {}

    OrderedJson run(const OperationDefinition& operation) {
        const Type& root = *schema_.root(operation.type);
        OrderedJson data = OrderedJson::object();
        std::vector<FieldGroup> groups;
        collect_fields(root, operation.selections, groups);
        if (!execute_fields(root, null_json(), groups, data)) {
            data = nullptr;
        }
        OrderedJson response = OrderedJson::object();
        append_member(response, "data", std::move(data));
        if (!errors_.empty()) {
            append_member(response, "errors", std::move(errors_));
        }
        return response;
    }

private:
    struct PathEntry {
        const std::string* key;  // null for list indices
        std::size_t index;
    };

    [[nodiscard]] bool included(const std::vector<Directive>& directives) const {
        for (const Directive& directive : directives) {
            const bool is_skip = directive.name == "skip";
            if (!is_skip && directive.name != "include") {
                continue;
            }
            for (const Argument& argument : directive.arguments) {
                if (argument.name != "if") {
                    continue;
                }
                bool condition = argument.value.boolean;
                if (argument.value.kind == Value::Kind::Variable) {
                    auto it = variables_.find(argument.value.text);
                    condition = it != variables_.end() && it->is_boolean() && it->get<bool>();
                }
                if (condition == is_skip) {
                    return false;
                }
            }
        }
        return true;
    }

    void collect_fields(const Type& object, const std::vector<Selection>& selections,
                        std::vector<FieldGroup>& groups) {
        std::vector<const FragmentDefinition*> visited;
        std::unordered_map<std::string_view, std::size_t> index;
        collect_into(object, selections, groups, visited, index);
    }

    // The group of the fields answered under `key`, added at the end if there is none yet.
    static FieldGroup& group_for(const std::string& key, std::vector<FieldGroup>& groups,
                                 std::unordered_map<std::string_view, std::size_t>& index) {
        // Small selection sets: a linear scan beats hashing; larger ones use the index.
        if (groups.size() < 8) {
            for (FieldGroup& candidate : groups) {
                if (*candidate.key == key) {
                    return candidate;
                }
            }
        } else {
            if (index.empty()) {
                for (std::size_t i = 0; i < groups.size(); ++i) {
                    index.emplace(*groups[i].key, i);
                }
            }
            const auto it = index.find(key);
            if (it != index.end()) {
                return groups[it->second];
            }
            index.emplace(key, groups.size());
        }
        groups.push_back(FieldGroup{&key, {}});
        return groups.back();
    }

    void collect_into(const Type& object, const std::vector<Selection>& selections,
                      std::vector<FieldGroup>& groups,
                      std::vector<const FragmentDefinition*>& visited,
                      std::unordered_map<std::string_view, std::size_t>& index) {
        for (const Selection& selection : selections) {
            if (!selection.directives.empty() && !included(selection.directives)) {
                continue;
            }
            switch (selection.kind) {
                case Selection::Kind::Field:
                    group_for(selection.response_key(), groups, index).fields.push_back(&selection);
                    break;
                case Selection::Kind::InlineFragment:
                    if (selection.condition != nullptr &&
                        !Schema::applies(*selection.condition, object)) {
                        break;
                    }
                    collect_into(object, selection.selections, groups, visited, index);
                    break;
                case Selection::Kind::FragmentSpread: {
                    const FragmentDefinition* fragment = selection.fragment;
                    if (std::find(visited.begin(), visited.end(), fragment) != visited.end()) {
                        break;
                    }
                    visited.push_back(fragment);
                    if (fragment->condition != nullptr &&
                        !Schema::applies(*fragment->condition, object)) {
                        break;
                    }
                    collect_into(object, fragment->selections, groups, visited, index);
                    break;
                }
            }
        }
    }

    // Returns false when a non-null field ended null: the whole object becomes null.
    bool execute_fields(const Type& object, const json& parent,
                        const std::vector<FieldGroup>& groups, OrderedJson& out) {
        for (const FieldGroup& group : groups) {
            path_.push_back(PathEntry{group.key, 0});
            OrderedJson value;
            const bool ok = execute_field(object, parent, group.fields, value);
            path_.pop_back();
            if (!ok) {
                return false;
            }
            append_member(out, *group.key, std::move(value));
        }
        return true;
    }

    bool execute_field(const Type& object, const json& parent,
                       const std::vector<const Selection*>& fields, OrderedJson& out) {
        const Selection& field = *fields.front();
        if (field.field == &schema_.typename_field) {
            out = object.name;
            return true;
        }
        // Fields validated on an interface or union are looked up on the runtime type.
        const FieldDef* definition = field.field;
        const bool same_parent = field.parent_type == &object;
        if (!same_parent) {
            definition = schema_.find_field(object, field.name);
        }
        if (definition == nullptr) {
            out = nullptr;
            return true;
        }
        json local_arguments;
        const json* arguments = same_parent ? field.constant_arguments.get() : nullptr;
        if (arguments == nullptr) {
            std::string problem;
            if (!coerce_arguments(definition->arguments, field.arguments, &variables_,
                                  local_arguments, problem)) {
                report(problem, fields, nullptr);
                out = nullptr;
                return !definition->type.non_null_at(0);
            }
            arguments = &local_arguments;
        }
        json resolved;
        const json* value = &null_json();
        if (definition->resolver) {
            try {
                resolved = definition->resolver(ResolveInfo{parent, *arguments, definition->name});
                value = &resolved;
            } catch (const FieldError& error) {
                report(error.what(), fields, &error.code());
                out = nullptr;
                return !definition->type.non_null_at(0);
            } catch (const std::exception& error) {
                report(error.what(), fields, nullptr);
                out = nullptr;
                return !definition->type.non_null_at(0);
            }
        } else if (parent.is_object()) {
            // The default resolver: parent[field name], read in place.
            auto it = parent.find(definition->name);
            if (it != parent.end()) {
                value = &*it;
            }
        }
        if (complete(*definition, definition->type, 0, fields, *value, out)) {
            return true;
        }
        out = nullptr;
        return !definition->type.non_null_at(0);
    }

    // Returns false when `out` is null because of an error already reported; callers at a
    // non-null position propagate that null, nullable positions absorb it.
    bool complete(const FieldDef& definition, const TypeRef& type, std::size_t depth,
                  const std::vector<const Selection*>& fields, const json& value,
                  OrderedJson& out) {
        if (type.non_null_at(depth)) {
            bool ok = complete(definition, type, depth + 1, fields, value, out);
            if (ok && out.is_null()) {
                report("Cannot return null for non-nullable field " + definition.owner_name() +
                           "." + definition.name + ".",
                       fields, nullptr);
                ok = false;
            }
            return ok;
        }
        if (value.is_null()) {
            out = nullptr;
            return true;
        }
        if (depth < type.wrappers.size()) {  // a list
            if (!value.is_array()) {
                report("Expected Iterable, but did not find one for field " +
                           definition.owner_name() + "." + definition.name + ".",
                       fields, nullptr);
                out = nullptr;
                return false;
            }
            out = OrderedJson::array();
            out.get_ref<OrderedJson::array_t&>().reserve(value.size());
            for (std::size_t i = 0; i < value.size(); ++i) {
                path_.push_back(PathEntry{nullptr, i});
                OrderedJson item;
                const bool ok = complete(definition, type, depth + 1, fields, value[i], item);
                path_.pop_back();
                if (!ok && type.non_null_at(depth + 1)) {
                    out = nullptr;
                    return false;
                }
                out.push_back(std::move(item));
            }
            return true;
        }
        const Type& named = *definition.named;
        if (named.is_leaf()) {
            std::string problem;
            if (serialize_leaf(named, value, out, problem)) {
                return true;
            }
            report(problem, fields, nullptr);
            out = nullptr;
            return false;
        }
        const Type* object = &named;
        if (named.is_abstract()) {
            object = resolve_abstract(named, value);
            if (object == nullptr) {
                report("Abstract type \"" + named.name +
                           "\" must resolve to an Object type at runtime for field \"" +
                           definition.owner_name() + "." + definition.name +
                           R"(": the value needs a "__typename" naming one of its possible types.)",
                       fields, nullptr);
                out = nullptr;
                return false;
            }
        }
        std::vector<FieldGroup> groups;
        for (const Selection* field : fields) {
            collect_fields(*object, field->selections, groups);
        }
        out = OrderedJson::object();
        if (execute_fields(*object, value, groups, out)) {
            return true;
        }
        out = nullptr;
        return false;
    }

    [[nodiscard]] const Type* resolve_abstract(const Type& abstract, const json& value) const {
        if (!value.is_object()) {
            return nullptr;
        }
        auto name = value.find("__typename");
        if (name == value.end() || !name->is_string()) {
            return nullptr;
        }
        const Type* object = schema_.find_type(name->get_ref<const std::string&>());
        if (object == nullptr || object->kind != TypeKind::Object ||
            !Schema::applies(abstract, *object)) {
            return nullptr;
        }
        return object;
    }

    void report(const std::string& message, const std::vector<const Selection*>& fields,
                const std::string* code) {
        OrderedJson error = OrderedJson::object();
        append_member(error, "message", message);
        OrderedJson locations = OrderedJson::array();
        for (const Selection* field : fields) {
            locations.push_back(
                OrderedJson{{"line", field->location.line}, {"column", field->location.column}});
        }
        append_member(error, "locations", std::move(locations));
        OrderedJson path = OrderedJson::array();
        for (const PathEntry& entry : path_) {
            if (entry.key != nullptr) {
                path.push_back(*entry.key);
            } else {
                path.push_back(entry.index);
            }
        }
        append_member(error, "path", std::move(path));
        if (code != nullptr) {
            append_member(error, "extensions", OrderedJson{{"code", *code}});
        }
        errors_.push_back(std::move(error));
    }

    const Schema& schema_;
    const json& variables_;
    OrderedJson errors_;  // null until the first error: push_back makes it an array
    std::vector<PathEntry> path_;
};

OrderedJson request_error(const std::string& message, Location location) {
    OrderedJson error = OrderedJson::object();
    append_member(error, "message", message);
    append_member(
        error, "locations",
        OrderedJson::array({OrderedJson{{"line", location.line}, {"column", location.column}}}));
    return error;
}

// CoerceVariableValues(): returns false (with errors) when a variable is missing or invalid.
bool coerce_variables(const Schema& schema, const OperationDefinition& operation, const json& input,
                      json& out, OrderedJson& errors) {
    // `out` stays null for an operation without variables (lookups in null find nothing);
    // out[name] makes it an object.
    out = nullptr;
    if (!input.is_null() && !input.is_object()) {
        OrderedJson error = OrderedJson::object();
        append_member(error, "message", "Variables must be provided as a JSON object.");
        errors.push_back(std::move(error));
        return false;
    }
    for (const VariableDefinition& definition : operation.variables) {
        const Type& named = *schema.find_type(definition.type.name);
        const std::string shown = "Variable \"$" + definition.name + "\"";
        auto it = input.is_object() ? input.find(definition.name) : input.end();
        const bool present = input.is_object() && it != input.end();
        if (!present) {
            if (definition.coerced_default) {
                out[definition.name] = *definition.coerced_default;
            } else if (definition.type.non_null_at(0)) {
                errors.push_back(request_error(shown + " of required type \"" +
                                                   definition.type.to_string() +
                                                   "\" was not provided.",
                                               definition.location));
            }
            continue;
        }
        if (it->is_null() && definition.type.non_null_at(0)) {
            errors.push_back(request_error(shown + " of non-null type \"" +
                                               definition.type.to_string() + "\" must not be null.",
                                           definition.location));
            continue;
        }
        std::string problem;
        std::string path;
        if (!coerce_input(*it, definition.type, 0, named, out[definition.name], problem, path)) {
            std::string message = shown + " got invalid value " + json_text_for_message(*it);
            if (!path.empty()) {
                message.append(" at \"").append(definition.name).append(path).append("\"");
            }
            message.append("; ").append(problem);
            errors.push_back(request_error(message, definition.location));
        }
    }
    return errors.empty();
}

}  // namespace

OrderedJson execute_operation(const Schema& schema, const OperationDefinition& operation,
                              const json& variables) {
    json coerced;
    OrderedJson errors;  // as Executor::errors_
    if (!coerce_variables(schema, operation, variables, coerced, errors)) {
        OrderedJson response = OrderedJson::object();
        append_member(response, "errors", std::move(errors));
        return response;
    }
    return Executor(schema, coerced).run(operation);
}

}  // namespace gql::detail
