#include "resolvers.hpp"

#include <charconv>
#include <chrono>
#include <ctime>
#include <new>
#include <string>
#include <string_view>
#include <utility>

#include "metrics.hpp"
#include "pool_store.hpp"

namespace objpool_graphql {

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

// The schema's error code for a store's error.
std::string_view code_of(const store::StoreError& error) noexcept {
    if (dynamic_cast<const store::NoSuchPool*>(&error) != nullptr) {
        return "NO_SUCH_POOL";
    }
    if (dynamic_cast<const store::PoolExists*>(&error) != nullptr) {
        return "POOL_EXISTS";
    }
    if (dynamic_cast<const store::BadCapacity*>(&error) != nullptr) {
        return "BAD_CAPACITY";
    }
    if (dynamic_cast<const store::BadTtl*>(&error) != nullptr) {
        return "BAD_TTL";
    }
    if (dynamic_cast<const store::StaleLease*>(&error) != nullptr) {
        return "STALE_LEASE";
    }
    if (dynamic_cast<const store::Unavailable*>(&error) != nullptr) {
        return "UNAVAILABLE";
    }
    return "INTERNAL";
}

// RFC 3339 in UTC with milliseconds: 2026-12-03T11:25:59.123Z.
std::string rfc3339(std::chrono::system_clock::time_point time) {
    const auto since_epoch =
        std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch());
    const auto seconds = static_cast<std::time_t>(since_epoch.count() / 1000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[32];
    const std::size_t length = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
    return std::string(text, length) + "." +
           std::to_string(since_epoch.count() % 1000 + 1000).substr(1) + "Z";
}

nlohmann::json to_json(const store::Lease& lease) {
    nlohmann::json json(nlohmann::json::value_t::object);
    json["id"] = lease.id;
    // A string: GraphQL's Int is 32 bits and a token may outgrow it.
    json["token"] = std::to_string(lease.token);
    json["expiresAt"] = rfc3339(lease.expires_at);
    return json;
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
            } catch (const store::StoreError& e) {
                const std::string_view code = code_of(e);
                metrics.count_field_error(field, code);
                throw gql::FieldError(std::string(code), e.what());
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

std::chrono::milliseconds ttl_argument(const nlohmann::json& arguments) {
    return std::chrono::seconds(arguments.at("ttlSeconds").get<long long>());
}

// The lease named by the `pool`, `id` and `token` arguments. A token that is not a decimal
// number is no lease's token: StaleLease, like a wrong one.
struct LeaseArguments {
    std::string pool;
    long long id = 0;
    store::LeaseToken token = 0;
};

LeaseArguments lease_arguments(const nlohmann::json& arguments) {
    LeaseArguments lease{string_argument(arguments, "pool"), arguments.at("id").get<long long>()};
    const std::string token = string_argument(arguments, "token");
    const auto [end, error] =
        std::from_chars(token.data(), token.data() + token.size(), lease.token);
    if (token.empty() || error != std::errc() || end != token.data() + token.size()) {
        throw store::StaleLease(lease.pool, lease.id);
    }
    return lease;
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
    engine.bind("Mutation", "acquireLease",
                counted(metrics, RootField::AcquireLease, [&pools](const nlohmann::json& args) {
                    const auto lease =
                        pools.acquire_lease(string_argument(args, "pool"), ttl_argument(args));
                    return lease ? to_json(*lease) : nlohmann::json(nullptr);
                }));
    engine.bind("Mutation", "renewLease",
                counted(metrics, RootField::RenewLease, [&pools](const nlohmann::json& args) {
                    const auto lease = lease_arguments(args);
                    return to_json(
                        pools.renew_lease(lease.pool, lease.id, lease.token, ttl_argument(args)));
                }));
    engine.bind("Mutation", "releaseLease",
                counted(metrics, RootField::ReleaseLease, [&pools](const nlohmann::json& args) {
                    const auto lease = lease_arguments(args);
                    pools.release_lease(lease.pool, lease.id, lease.token);
                    return nlohmann::json(true);
                }));
}

}  // namespace objpool_graphql
