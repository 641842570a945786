// A compact GraphQL engine (October 2021 specification): the schema comes from SDL text,
// resolvers are bound by field name, documents are parsed and validated once and cached.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace gql {

/// @brief Raised by a resolver to report a field error; it becomes one entry of the
/// response's "errors" with `message`, `locations`, `path` and `extensions.code`.
class FieldError : public std::runtime_error {
public:
    FieldError(std::string code, const std::string& message)
        : std::runtime_error(message), code_(std::move(code)) {}
    /// @brief The machine-readable code, e.g. "NOT_ALLOCATED".
    [[nodiscard]] const std::string& code() const noexcept { return code_; }

private:
    std::string code_;
};

/// @brief What a resolver is given.
struct ResolveInfo {
    /// The value the parent field resolved to (null for root fields).
    const nlohmann::json& parent;
    /// Coerced arguments: every declared argument is present, defaults applied, absent
    /// nullable arguments null. Ints are JSON integers, enums are their names as strings.
    const nlohmann::json& arguments;
    /// The field's name in the schema (not its alias).
    std::string_view field_name;
};

/// @brief Computes a field's value. Objects are returned as JSON objects whose members
/// the default resolver reads for fields that have no resolver of their own; lists as arrays.
/// Throws FieldError (or any std::exception) to report a field error.
using Resolver = std::function<nlohmann::json(const ResolveInfo&)>;

enum class OperationType { Query, Mutation, Subscription };

/// @brief Bounds that keep hostile documents from costing more than they should.
struct Limits {
    std::size_t max_query_bytes = 100'000;  ///< longer documents are a request error
    std::size_t max_tokens = 10'000;        ///< lexer stops with an error past this
    std::size_t max_depth = 32;             ///< selection-set nesting, fragments expanded
    std::size_t cache_entries = 1'024;  ///< prepared documents kept, least recently used evicted
};

struct PreparedDocument;  // parsed + validated document; opaque

/// @brief The outcome of Engine::prepare.
struct Plan {
    /// Set when the document parsed, validated and an operation was selected.
    std::shared_ptr<const PreparedDocument> document;
    /// Index of the selected operation within the document.
    std::size_t operation_index = 0;
    /// The selected operation's type (meaningful only when `document` is set).
    OperationType operation_type = OperationType::Query;
    /// Request errors (syntax, validation, unknown operationName...) in the response
    /// format: an array of {message, locations?, extensions?}. Null when `document` is set
    /// (a null value, unlike an empty array, costs no allocation per request).
    nlohmann::json errors;
};

/// @brief Parses a schema, binds resolvers, prepares and executes requests.
///
/// Thread safety: after all bind() calls, prepare(), execute() and run() may be called from
/// any number of threads at once. Resolvers must then be thread-safe themselves.
class Engine {
public:
    /// @throws std::invalid_argument naming the line and column when the SDL is not a valid schema.
    explicit Engine(std::string_view schema_sdl, Limits limits = {});
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    /// @brief Binds `resolver` to `type.field`. Fields without one read parent[field name].
    /// @throws std::invalid_argument when the schema has no such field.
    void bind(std::string_view type, std::string_view field, Resolver resolver);

    /// @brief Parses and validates `query` (cached by its text) and selects the operation.
    [[nodiscard]] Plan prepare(std::string_view query, std::string_view operation_name = {}) const;

    /// @brief Runs a successful plan: coerces `variables` (null or an object), then executes
    /// (mutation fields serially, in document order). Returns the whole response object:
    /// {"data": ...} plus "errors" when any. Variable coercion errors give {"errors": [...]} only.
    [[nodiscard]] nlohmann::json execute(const Plan& plan, const nlohmann::json& variables) const;

    /// @brief prepare() then, if it succeeded, execute(); otherwise {"errors": plan.errors}.
    [[nodiscard]] nlohmann::json run(std::string_view query,
                                     const nlohmann::json& variables = nullptr,
                                     std::string_view operation_name = {}) const;

    /// @brief The schema as SDL text (as given to the constructor).
    [[nodiscard]] const std::string& schema_text() const noexcept;

    /// @brief execute(), with the response's keys in GraphQL order: "data" before "errors",
    /// and result fields in selection order (nlohmann::json sorts keys; this does not).
    /// Prefer it when serializing the response. Same semantics as execute().
    [[nodiscard]] nlohmann::ordered_json execute_ordered(const Plan& plan,
                                                         const nlohmann::json& variables) const;

    /// @brief run(), with keys in GraphQL order (see execute_ordered()).
    [[nodiscard]] nlohmann::ordered_json run_ordered(std::string_view query,
                                                     const nlohmann::json& variables = nullptr,
                                                     std::string_view operation_name = {}) const;

    /// @brief How many prepared documents the cache holds now (at most Limits::cache_entries).
    [[nodiscard]] std::size_t cached_documents() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace gql
