#include "ast.hpp"

namespace gql::detail {

std::string TypeRef::to_string(std::size_t depth) const {
    // Wrappers are outermost first: emit the list openings, the name, then the closings
    // from the innermost wrapper outwards.
    std::string out;
    for (std::size_t i = depth; i < wrappers.size(); ++i) {
        if (wrappers[i] == Wrapper::List) {
            out.push_back('[');
        }
    }
    out += name;
    for (std::size_t i = wrappers.size(); i > depth; --i) {
        out.push_back(wrappers[i - 1] == Wrapper::List ? ']' : '!');
    }
    return out;
}

std::string print_value(const Value& value) {
    switch (value.kind) {
        case Value::Kind::Variable:
            return "$" + value.text;
        case Value::Kind::Int:
        case Value::Kind::Float:
        case Value::Kind::Enum:
        case Value::Kind::Boolean:
            return value.text;
        case Value::Kind::Null:
            return "null";
        case Value::Kind::String:
            return json_text(nlohmann::json(value.text));
        case Value::Kind::List: {
            std::string out = "[";
            for (std::size_t i = 0; i < value.list.size(); ++i) {
                if (i != 0) {
                    out += ", ";
                }
                out += print_value(value.list[i]);
            }
            return out + "]";
        }
        case Value::Kind::Object: {
            std::string out = "{";
            for (std::size_t i = 0; i < value.fields.size(); ++i) {
                if (i != 0) {
                    out += ", ";
                }
                out += value.fields[i].name + ": " + print_value(value.fields[i].value);
            }
            return out + "}";
        }
    }
    return "null";
}

}  // namespace gql::detail
