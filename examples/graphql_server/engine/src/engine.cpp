// The public Engine: schema construction, resolver binding, prepare (cached), execute, run.
#include <gql/engine.hpp>

#include <algorithm>

#include "document_cache.hpp"
#include "executor.hpp"
#include "parser.hpp"
#include "prepared.hpp"
#include "schema.hpp"
#include "validation.hpp"

namespace gql {
namespace {

// Parser recursion is bounded independently of max_depth so a large limit cannot
// exhaust the stack; field depth (fragments expanded) is checked after validation.
constexpr std::size_t kMaxParserNesting = 512;

nlohmann::json single_error(const std::string& message) {
    return nlohmann::json::array({nlohmann::json{{"message", message}}});
}

}  // namespace

struct Engine::Impl {
    Impl(std::string_view sdl, Limits engine_limits)
        : schema_text(sdl),
          schema(detail::build_schema(sdl)),
          limits(engine_limits),
          cache(engine_limits.cache_entries) {}

    std::shared_ptr<const detail::PreparedEntry> prepare_text(std::string_view query) {
        if (auto cached = cache.find(query))
            return cached;
        auto entry = std::make_shared<detail::PreparedEntry>();
        try {
            auto prepared = std::make_shared<PreparedDocument>();
            prepared->document = detail::parse_executable(
                query, limits.max_tokens, std::min(kMaxParserNesting, limits.max_depth + 64));
            std::vector<detail::GraphQLError> errors =
                detail::validate(*schema, prepared->document, limits);
            if (errors.empty())
                entry->document = std::move(prepared);
            else
                entry->errors = detail::errors_to_json(errors);
        } catch (const detail::SyntaxError& error) {
            entry->errors =
                detail::errors_to_json({detail::GraphQLError{error.what(), {error.location()}}});
        }
        return cache.insert(query, std::move(entry));
    }

    std::string schema_text;
    std::unique_ptr<detail::Schema> schema;
    Limits limits;
    detail::DocumentCache cache;
};

Engine::Engine(std::string_view schema_sdl, Limits limits)
    : impl_(std::make_unique<Impl>(schema_sdl, limits)) {}

Engine::~Engine() = default;

void Engine::bind(std::string_view type, std::string_view field, Resolver resolver) {
    detail::Type* target = impl_->schema->find_type(type);
    if (target == nullptr || target->kind != detail::TypeKind::Object || target->builtin)
        throw std::invalid_argument("bind: the schema has no object type \"" + std::string(type) +
                                    "\"");
    auto it =
        std::find_if(target->fields.begin(), target->fields.end(),
                     [&](const detail::FieldDef& candidate) { return candidate.name == field; });
    if (it == target->fields.end())
        throw std::invalid_argument("bind: type \"" + std::string(type) + "\" has no field \"" +
                                    std::string(field) + "\"");
    it->resolver = std::move(resolver);
}

Plan Engine::prepare(std::string_view query, std::string_view operation_name) const {
    Plan plan;
    if (query.size() > impl_->limits.max_query_bytes) {
        plan.errors = single_error("Query is too large: " + std::to_string(query.size()) +
                                   " bytes exceeds the limit of " +
                                   std::to_string(impl_->limits.max_query_bytes) + ".");
        return plan;
    }
    std::shared_ptr<const detail::PreparedEntry> entry = impl_->prepare_text(query);
    if (!entry->document) {
        plan.errors = entry->errors;
        return plan;
    }
    const auto& operations = entry->document->document.operations;
    std::size_t index = operations.size();
    if (operation_name.empty()) {
        if (operations.size() == 1)
            index = 0;
        else
            plan.errors =
                single_error("Must provide operation name if query contains multiple operations.");
    } else {
        for (std::size_t i = 0; i < operations.size(); ++i)
            if (operations[i].name == operation_name)
                index = i;
        if (index == operations.size())
            plan.errors =
                single_error("Unknown operation named \"" + std::string(operation_name) + "\".");
    }
    if (index == operations.size())
        return plan;
    plan.document = entry->document;
    plan.operation_index = index;
    plan.operation_type = operations[index].type;
    return plan;
}

nlohmann::ordered_json Engine::execute_ordered(const Plan& plan,
                                               const nlohmann::json& variables) const {
    if (!plan.document || plan.operation_index >= plan.document->document.operations.size()) {
        nlohmann::json errors = plan.errors.empty()
                                    ? single_error("The plan holds no executable operation.")
                                    : plan.errors;
        return nlohmann::ordered_json{{"errors", errors}};
    }
    return detail::execute_operation(
        *impl_->schema, plan.document->document.operations[plan.operation_index], variables);
}

nlohmann::json Engine::execute(const Plan& plan, const nlohmann::json& variables) const {
    return nlohmann::json(execute_ordered(plan, variables));
}

nlohmann::ordered_json Engine::run_ordered(std::string_view query, const nlohmann::json& variables,
                                           std::string_view operation_name) const {
    Plan plan = prepare(query, operation_name);
    if (!plan.document)
        return nlohmann::ordered_json{{"errors", plan.errors}};
    return execute_ordered(plan, variables);
}

nlohmann::json Engine::run(std::string_view query, const nlohmann::json& variables,
                           std::string_view operation_name) const {
    return nlohmann::json(run_ordered(query, variables, operation_name));
}

const std::string& Engine::schema_text() const noexcept {
    return impl_->schema_text;
}

std::size_t Engine::cached_documents() const {
    return impl_->cache.size();
}

}  // namespace gql
