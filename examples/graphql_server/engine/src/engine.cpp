// The public Engine: schema construction, resolver binding, prepare (cached), execute, run.
#include <gql/engine.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>

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

// Engines are told apart in the per-thread caches by a number never reused, not by address: a
// new engine may live where a destroyed one did.
std::uint64_t next_engine_id() {
    static std::atomic<std::uint64_t> last{0};
    return last.fetch_add(1, std::memory_order_relaxed) + 1;
}

// A few recently prepared documents per thread, in front of the shared cache, so that a request
// for a known document takes no lock. An entry is served only while the shared cache holds it
// (so the cache's bound and eviction order stay what they were); uses are reported to it through
// DocumentCache::touch(). Round-robin replacement; only short texts, so that what a thread keeps
// stays small (at most slots x max_text bytes).
class ThreadCache {
public:
    static constexpr std::size_t slots = 8;
    static constexpr std::size_t max_text = 2048;

    std::shared_ptr<const detail::PreparedEntry> find(std::uint64_t engine, std::string_view text) {
        for (Slot& slot : slots_) {
            if (slot.engine != engine || slot.text != text) {
                continue;
            }
            if (slot.entry->evicted.load(std::memory_order_relaxed)) {
                slot = Slot{};  // the shared cache let it go: prepare it anew
                return nullptr;
            }
            detail::DocumentCache::touch(*slot.entry);
            return slot.entry;
        }
        return nullptr;
    }

    void insert(std::uint64_t engine, std::string_view text,
                std::shared_ptr<const detail::PreparedEntry> entry) {
        if (text.size() > max_text) {
            return;
        }
        Slot& slot = slots_[next_];
        next_ = (next_ + 1) % slots;
        slot.engine = engine;
        slot.text.assign(text.data(), text.size());
        slot.entry = std::move(entry);
    }

private:
    struct Slot {
        std::uint64_t engine = 0;
        std::string text;
        std::shared_ptr<const detail::PreparedEntry> entry;
    };
    std::array<Slot, slots> slots_{};
    std::size_t next_ = 0;
};

ThreadCache& thread_cache() {
    thread_local ThreadCache cache;
    return cache;
}

}  // namespace

struct Engine::Impl {
    Impl(std::string_view sdl, Limits engine_limits)
        : schema_text(sdl),
          schema(detail::build_schema(sdl)),
          limits(engine_limits),
          cache(engine_limits.cache_entries) {}

    std::shared_ptr<const detail::PreparedEntry> prepare_text(std::string_view query) {
        if (limits.cache_entries == 0) {
            return parse_and_validate(query);
        }
        ThreadCache& local = thread_cache();
        if (auto cached = local.find(id, query)) {
            return cached;
        }
        auto entry = cache.find(query);
        if (!entry) {
            entry = cache.insert(query, parse_and_validate(query));
        }
        local.insert(id, query, entry);
        return entry;
    }

    std::shared_ptr<const detail::PreparedEntry> parse_and_validate(std::string_view query) const {
        auto entry = std::make_shared<detail::PreparedEntry>();
        try {
            auto prepared = std::make_shared<PreparedDocument>();
            prepared->document = detail::parse_executable(
                query, limits.max_tokens, std::min(kMaxParserNesting, limits.max_depth + 64));
            std::vector<detail::GraphQLError> errors =
                detail::validate(*schema, prepared->document, limits);
            if (errors.empty()) {
                entry->document = std::move(prepared);
            } else {
                entry->errors = detail::errors_to_json(errors);
            }
        } catch (const detail::SyntaxError& error) {
            entry->errors =
                detail::errors_to_json({detail::GraphQLError{error.what(), {error.location()}}});
        }
        return entry;
    }

    std::uint64_t id = next_engine_id();
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
    if (target == nullptr || target->kind != detail::TypeKind::Object || target->builtin) {
        throw std::invalid_argument("bind: the schema has no object type \"" + std::string(type) +
                                    "\"");
    }
    auto it =
        std::find_if(target->fields.begin(), target->fields.end(),
                     [&](const detail::FieldDef& candidate) { return candidate.name == field; });
    if (it == target->fields.end()) {
        throw std::invalid_argument("bind: type \"" + std::string(type) + "\" has no field \"" +
                                    std::string(field) + "\"");
    }
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
        if (operations.size() == 1) {
            index = 0;
        } else {
            plan.errors =
                single_error("Must provide operation name if query contains multiple operations.");
        }
    } else {
        for (std::size_t i = 0; i < operations.size(); ++i) {
            if (operations[i].name == operation_name) {
                index = i;
            }
        }
        if (index == operations.size()) {
            plan.errors =
                single_error("Unknown operation named \"" + std::string(operation_name) + "\".");
        }
    }
    if (index == operations.size()) {
        return plan;
    }
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
    // Not `return {...}`: a braced list would make a JSON array holding the result.
    // NOLINTNEXTLINE(modernize-return-braced-init-list)
    return nlohmann::json(execute_ordered(plan, variables));
}

nlohmann::ordered_json Engine::run_ordered(std::string_view query, const nlohmann::json& variables,
                                           std::string_view operation_name) const {
    Plan plan = prepare(query, operation_name);
    if (!plan.document) {
        return nlohmann::ordered_json{{"errors", plan.errors}};
    }
    return execute_ordered(plan, variables);
}

nlohmann::json Engine::run(std::string_view query, const nlohmann::json& variables,
                           std::string_view operation_name) const {
    // Not `return {...}`: a braced list would make a JSON array holding the result.
    // NOLINTNEXTLINE(modernize-return-braced-init-list)
    return nlohmann::json(run_ordered(query, variables, operation_name));
}

const std::string& Engine::schema_text() const noexcept {
    return impl_->schema_text;
}

std::size_t Engine::cached_documents() const {
    return impl_->cache.size();
}

}  // namespace gql
