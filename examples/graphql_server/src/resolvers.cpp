#include "resolvers.hpp"

#include <new>
#include <string>
#include <utility>

#include "metrics.hpp"
#include "pool_store.hpp"

namespace objpool_graphql {

using store::BadCapacity;
using store::NoSuchPool;
using store::PoolExists;
using store::PoolStats;

namespace {

// Member by member: a braced initializer list would first build each member as a two-element
// array and copy it, which made this function a quarter of a `{ pool { available } }` request.
nlohmann::json to_json(const PoolStats& stats) {
    nlohmann::json pool(nlohmann::json::value_t::object);
    pool["name"] = stats.name;
    pool["policy"] = store::policy_name(stats.policy);
    pool["capacity"] = stats.capacity;
    pool["available"] = stats.available;
    pool["allocated"] = stats.allocated;
    return pool;
}

// Runs `body`, translating the store's exceptions into the schema's error codes and
// counting the call and its outcome under `field`.
template <class Body>
gql::Resolver counted(Metrics& metrics, RootField field, Body body) {
    return
        [&metrics, field, body = std::move(body)](const gql::ResolveInfo& info) -> nlohmann::json {
            metrics.count_field(field);
            try {
                return body(info.arguments);
            } catch (const NoSuchPool& e) {
                metrics.count_field_error(field, "NO_SUCH_POOL");
                throw gql::FieldError("NO_SUCH_POOL", e.what());
            } catch (const PoolExists& e) {
                metrics.count_field_error(field, "POOL_EXISTS");
                throw gql::FieldError("POOL_EXISTS", e.what());
            } catch (const BadCapacity& e) {
                metrics.count_field_error(field, "BAD_CAPACITY");
                throw gql::FieldError("BAD_CAPACITY", e.what());
            } catch (const store::Unavailable& e) {
                metrics.count_field_error(field, "UNAVAILABLE");
                throw gql::FieldError("UNAVAILABLE", e.what());
            } catch (const gql::FieldError& e) {
                metrics.count_field_error(field, e.code());
                throw;
            } catch (const std::bad_alloc&) {
                metrics.count_field_error(field, "INTERNAL");
                throw gql::FieldError("INTERNAL", "out of memory");
            }
        };
}

std::string string_argument(const nlohmann::json& arguments, const char* name) {
    return arguments.at(name).get<std::string>();
}

}  // namespace

void bind_resolvers(gql::Engine& engine, store::PoolStore& pools, Metrics& metrics) {
    engine.bind("Query", "pool",
                counted(metrics, RootField::Pool, [&pools](const nlohmann::json& args) {
                    const auto stats = pools.stats(string_argument(args, "name"));
                    return stats ? to_json(*stats) : nlohmann::json(nullptr);
                }));
    engine.bind("Query", "pools",
                counted(metrics, RootField::Pools, [&pools](const nlohmann::json&) {
                    auto result = nlohmann::json::array();
                    for (const auto& stats : pools.all()) {
                        result.push_back(to_json(stats));
                    }
                    return result;
                }));
    engine.bind("Query", "isAllocated",
                counted(metrics, RootField::IsAllocated, [&pools](const nlohmann::json& args) {
                    return nlohmann::json(pools.is_allocated(string_argument(args, "pool"),
                                                             args.at("id").get<long long>()));
                }));
    engine.bind("Mutation", "createPool",
                counted(metrics, RootField::CreatePool, [&pools](const nlohmann::json& args) {
                    const auto policy = store::parse_policy(string_argument(args, "policy"));
                    if (!policy) {
                        throw gql::FieldError("INTERNAL", "unknown policy");
                    }
                    return to_json(pools.create(string_argument(args, "name"),
                                                args.at("capacity").get<long long>(), *policy));
                }));
    engine.bind("Mutation", "deletePool",
                counted(metrics, RootField::DeletePool, [&pools](const nlohmann::json& args) {
                    pools.erase(string_argument(args, "name"));
                    return nlohmann::json(true);
                }));
    engine.bind("Mutation", "getObject",
                counted(metrics, RootField::GetObject, [&pools](const nlohmann::json& args) {
                    const auto id = pools.get(string_argument(args, "pool"));
                    return id ? nlohmann::json(*id) : nlohmann::json(nullptr);
                }));
    engine.bind("Mutation", "freeObject",
                counted(metrics, RootField::FreeObject, [&pools](const nlohmann::json& args) {
                    const auto pool = string_argument(args, "pool");
                    const auto id = args.at("id").get<long long>();
                    if (!pools.free(pool, id)) {
                        throw gql::FieldError("NOT_ALLOCATED", "id " + std::to_string(id) +
                                                                   " is not allocated in pool \"" +
                                                                   pool + "\"");
                    }
                    return nlohmann::json(true);
                }));
}

}  // namespace objpool_graphql
