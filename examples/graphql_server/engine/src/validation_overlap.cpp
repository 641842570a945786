// "Field Selection Merging": fields sharing a response name must be mergeable — the same
// field with the same arguments (unless their parents are distinct object types) and the
// same response shape, recursively through their sub-selections.
#include <functional>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "validation.hpp"

namespace gql::detail {
namespace {

// A hostile document can ask for very many comparisons; beyond this, refuse it.
constexpr std::size_t kMaxComparisons = 200'000;

bool same_value(const Value& a, const Value& b) noexcept {
    if (a.kind != b.kind || a.text != b.text || a.boolean != b.boolean ||
        a.list.size() != b.list.size() || a.fields.size() != b.fields.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.list.size(); ++i) {
        if (!same_value(a.list[i], b.list[i])) {
            return false;
        }
    }
    for (std::size_t i = 0; i < a.fields.size(); ++i) {
        if (a.fields[i].name != b.fields[i].name ||
            !same_value(a.fields[i].value, b.fields[i].value)) {
            return false;
        }
    }
    return true;
}

bool same_arguments(const Selection& a, const Selection& b) noexcept {
    if (a.arguments.size() != b.arguments.size()) {
        return false;
    }
    for (const Argument& argument : a.arguments) {
        const Argument* other = nullptr;
        for (const Argument& candidate : b.arguments) {
            if (candidate.name == argument.name) {
                other = &candidate;
            }
        }
        if (other == nullptr || !same_value(argument.value, other->value)) {
            return false;
        }
    }
    return true;
}

// Fields of a selection set, fragments expanded (each once), grouped by response key in order.
using FieldGroups = std::vector<std::pair<std::string_view, std::vector<const Selection*>>>;

void collect(const std::vector<Selection>& selections, FieldGroups& groups) {
    std::unordered_set<const FragmentDefinition*> seen;
    std::unordered_map<std::string_view, std::size_t> index;
    // Breadth-first, so fields directly in the set come first, then those of its fragments.
    std::vector<const std::vector<Selection>*> work{&selections};
    for (std::size_t next = 0; next < work.size(); ++next) {
        const std::vector<Selection>* current = work[next];
        for (const Selection& selection : *current) {
            if (selection.kind == Selection::Kind::Field) {
                if (selection.field == nullptr) {
                    continue;  // unknown field: reported elsewhere
                }
                auto [it, inserted] = index.emplace(selection.response_key(), groups.size());
                if (inserted) {
                    groups.emplace_back(selection.response_key(), std::vector<const Selection*>{});
                }
                groups[it->second].second.push_back(&selection);
            } else if (selection.kind == Selection::Kind::InlineFragment) {
                work.push_back(&selection.selections);
            } else if (selection.fragment != nullptr && seen.insert(selection.fragment).second) {
                work.push_back(&selection.fragment->selections);
            }
        }
    }
}

class OverlapChecker {
public:
    explicit OverlapChecker(std::size_t max_depth) : max_depth_(max_depth) {}

    /// @return the reason two fields of one response key cannot merge, if they cannot.
    std::optional<std::string> conflict(const Selection& a, const Selection& b, bool exclusive,
                                        std::size_t depth) {
        if (&a == &b) {
            return std::nullopt;
        }
        if (++comparisons_ > kMaxComparisons || depth > max_depth_) {
            too_complex_ = true;
            return std::nullopt;
        }
        exclusive = exclusive ||
                    (a.parent_type != b.parent_type && a.parent_type->kind == TypeKind::Object &&
                     b.parent_type->kind == TypeKind::Object);
        if (!exclusive) {
            if (a.name != b.name) {
                return "\"" + a.name + "\" and \"" + b.name + "\" are different fields";
            }
            if (!same_arguments(a, b)) {
                return std::string("they have differing arguments");
            }
        }
        const FieldDef& fa = *a.field;
        const FieldDef& fb = *b.field;
        if (fa.type.wrappers != fb.type.wrappers ||
            ((fa.named->is_leaf() || fb.named->is_leaf()) && fa.named != fb.named)) {
            return "they return conflicting types \"" + fa.type.to_string() + "\" and \"" +
                   fb.type.to_string() + "\"";
        }
        if (a.selections.empty() || b.selections.empty()) {
            return std::nullopt;
        }
        FieldGroups left;
        FieldGroups right;
        collect(a.selections, left);
        collect(b.selections, right);
        for (const auto& [key, fields] : left) {
            for (const auto& [other_key, other_fields] : right) {
                if (key != other_key) {
                    continue;
                }
                for (const Selection* x : fields) {
                    for (const Selection* y : other_fields) {
                        if (auto reason = conflict(*x, *y, exclusive, depth + 1)) {
                            return "subfields \"" + std::string(key) + "\" conflict because " +
                                   *reason;
                        }
                    }
                }
            }
        }
        return std::nullopt;
    }

    [[nodiscard]] bool too_complex() const noexcept { return too_complex_; }

private:
    std::size_t max_depth_;
    std::size_t comparisons_ = 0;
    bool too_complex_ = false;
};

void walk_selection_sets(const std::vector<Selection>& selections,
                         const std::function<void(const std::vector<Selection>&)>& visit) {
    visit(selections);
    for (const Selection& selection : selections) {
        if (!selection.selections.empty()) {
            walk_selection_sets(selection.selections, visit);
        }
    }
}

}  // namespace

void Validator::check_overlaps() {
    OverlapChecker checker(limits_.max_depth + 8);
    std::set<std::pair<const Selection*, const Selection*>> reported;
    auto check_set = [&](const std::vector<Selection>& selections) {
        if (checker.too_complex()) {
            return;
        }
        FieldGroups groups;
        collect(selections, groups);
        for (const auto& [key, fields] : groups) {
            for (std::size_t i = 0; i < fields.size(); ++i) {
                for (std::size_t j = i + 1; j < fields.size(); ++j) {
                    auto reason = checker.conflict(*fields[i], *fields[j], false, 0);
                    if (!reason || !reported.emplace(fields[i], fields[j]).second) {
                        continue;
                    }
                    error("Fields \"" + std::string(key) + "\" conflict because " + *reason +
                              ". Use different aliases on the fields to fetch both if this was "
                              "intentional.",
                          {fields[i]->location, fields[j]->location});
                }
            }
        }
    };
    for (const OperationDefinition& operation : document_.operations) {
        walk_selection_sets(operation.selections, check_set);
    }
    for (const FragmentDefinition& fragment : document_.fragments) {
        walk_selection_sets(fragment.selections, check_set);
    }
    if (checker.too_complex()) {
        error("The query is too complex to validate.", {});
    }
}

}  // namespace gql::detail
