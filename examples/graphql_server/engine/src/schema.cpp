#include "schema.hpp"

#include <algorithm>

namespace gql::detail {
namespace {

template <typename Range>
auto find_named(const Range& range, std::string_view name) noexcept -> decltype(&*range.begin()) {
    for (const auto& item : range) {
        if (item.name == name) {
            return &item;
        }
    }
    return nullptr;
}

}  // namespace

const InputValueDef* FieldDef::find_argument(std::string_view argument) const noexcept {
    return find_named(arguments, argument);
}

const std::string& FieldDef::owner_name() const noexcept {
    static const std::string query = "Query";
    return owner != nullptr ? owner->name : query;
}

const FieldDef* Type::find_field(std::string_view field) const noexcept {
    return find_named(fields, field);
}

const InputValueDef* Type::find_input_field(std::string_view field) const noexcept {
    return find_named(input_fields, field);
}

const EnumValueDef* Type::find_enum_value(std::string_view value) const noexcept {
    return find_named(enum_values, value);
}

const InputValueDef* DirectiveDef::find_argument(std::string_view argument) const noexcept {
    return find_named(arguments, argument);
}

bool DirectiveDef::allows(std::string_view location) const noexcept {
    return std::find(locations.begin(), locations.end(), location) != locations.end();
}

const Type* Schema::find_type(std::string_view name) const noexcept {
    auto it = types_by_name_.find(name);
    return it == types_by_name_.end() ? nullptr : it->second;
}

Type* Schema::find_type(std::string_view name) noexcept {
    auto it = types_by_name_.find(name);
    return it == types_by_name_.end() ? nullptr : it->second;
}

const DirectiveDef* Schema::find_directive(std::string_view name) const noexcept {
    auto it = directives_by_name_.find(name);
    return it == directives_by_name_.end() ? nullptr : it->second;
}

const FieldDef* Schema::find_field(const Type& parent, std::string_view name) const noexcept {
    if (name.size() > 2 && name[0] == '_' && name[1] == '_') {
        if (name == "__typename" && parent.is_composite()) {
            return &typename_field;
        }
        if (&parent == query && name == "__schema") {
            return &schema_field;
        }
        if (&parent == query && name == "__type") {
            return &type_field;
        }
    }
    return parent.find_field(name);
}

const Type* Schema::root(OperationType type) const noexcept {
    switch (type) {
        case OperationType::Query:
            return query;
        case OperationType::Mutation:
            return mutation;
        case OperationType::Subscription:
            return subscription;
    }
    return nullptr;
}

bool Schema::applies(const Type& type, const Type& object) noexcept {
    if (&type == &object) {
        return true;
    }
    return std::find(type.possible_types.begin(), type.possible_types.end(), &object) !=
           type.possible_types.end();
}

bool Schema::overlap(const Type& a, const Type& b) noexcept {
    if (&a == &b) {
        return true;
    }
    if (!a.is_abstract()) {
        return applies(b, a);
    }
    if (!b.is_abstract()) {
        return applies(a, b);
    }
    return std::any_of(a.possible_types.begin(), a.possible_types.end(),
                       [&b](const Type* object) { return applies(b, *object); });
}

void Schema::add_type(std::unique_ptr<Type> type) {
    types_by_name_.emplace(type->name, type.get());
    types.push_back(std::move(type));
}

void Schema::add_directive(std::unique_ptr<DirectiveDef> directive) {
    directives_by_name_.emplace(directive->name, directive.get());
    directives.push_back(std::move(directive));
}

}  // namespace gql::detail
