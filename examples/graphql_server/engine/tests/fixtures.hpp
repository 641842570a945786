// Shared test fixtures: the server's schema with an in-memory fake pool service, a small
// schema exercising interfaces, unions, input objects and lists, and error helpers.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <gql/engine.hpp>
#include <nlohmann/json.hpp>

namespace gql_test {

inline const char* const kServerSchema = R"(
enum Policy { FIFO LIFO BITMAP }
type Pool { name: String! policy: Policy! capacity: Int! available: Int! allocated: Int! }
type Query {
  pool(name: String! = "default"): Pool
  pools: [Pool!]!
  isAllocated(id: Int!, pool: String! = "default"): Boolean!
}
type Mutation {
  createPool(name: String!, capacity: Int!, policy: Policy! = FIFO): Pool!
  deletePool(name: String!): Boolean!
  getObject(pool: String! = "default"): Int
  freeObject(id: Int!, pool: String! = "default"): Boolean!
}
)";

/// @brief A fake of the server's pools: ids 0..capacity-1 handed out lowest first; thread-safe.
class FakePools {
public:
    FakePools() { create("default", 4, "FIFO"); }

    nlohmann::json create(const std::string& name, int capacity, const std::string& policy) {
        std::lock_guard<std::mutex> lock(mutex_);
        pools_[name] =
            Pool{policy, capacity, std::vector<bool>(static_cast<std::size_t>(capacity), false)};
        return describe(name);
    }

    void bind(gql::Engine& engine) {
        engine.bind("Query", "pool", [this](const gql::ResolveInfo& info) -> nlohmann::json {
            std::lock_guard<std::mutex> lock(mutex_);
            auto name = info.arguments.at("name").get<std::string>();
            return pools_.count(name) ? describe(name) : nlohmann::json(nullptr);
        });
        engine.bind("Query", "pools", [this](const gql::ResolveInfo&) {
            std::lock_guard<std::mutex> lock(mutex_);
            nlohmann::json out = nlohmann::json::array();
            for (const auto& entry : pools_)
                out.push_back(describe(entry.first));
            return out;
        });
        engine.bind("Query", "isAllocated", [this](const gql::ResolveInfo& info) {
            std::lock_guard<std::mutex> lock(mutex_);
            Pool& pool = find(info.arguments.at("pool").get<std::string>());
            int id = info.arguments.at("id").get<int>();
            if (id < 0 || id >= pool.capacity)
                throw gql::FieldError("BAD_ID", "id out of range");
            return nlohmann::json(static_cast<bool>(pool.used[static_cast<std::size_t>(id)]));
        });
        engine.bind("Mutation", "createPool", [this](const gql::ResolveInfo& info) {
            return create(info.arguments.at("name").get<std::string>(),
                          info.arguments.at("capacity").get<int>(),
                          info.arguments.at("policy").get<std::string>());
        });
        engine.bind("Mutation", "deletePool", [this](const gql::ResolveInfo& info) {
            std::lock_guard<std::mutex> lock(mutex_);
            return nlohmann::json(pools_.erase(info.arguments.at("name").get<std::string>()) == 1);
        });
        engine.bind("Mutation", "getObject",
                    [this](const gql::ResolveInfo& info) -> nlohmann::json {
                        std::lock_guard<std::mutex> lock(mutex_);
                        Pool& pool = find(info.arguments.at("pool").get<std::string>());
                        for (std::size_t i = 0; i < pool.used.size(); ++i) {
                            if (!pool.used[i]) {
                                pool.used[i] = true;
                                return static_cast<int>(i);
                            }
                        }
                        return nullptr;
                    });
        engine.bind("Mutation", "freeObject", [this](const gql::ResolveInfo& info) {
            std::lock_guard<std::mutex> lock(mutex_);
            Pool& pool = find(info.arguments.at("pool").get<std::string>());
            int id = info.arguments.at("id").get<int>();
            if (id < 0 || id >= pool.capacity || !pool.used[static_cast<std::size_t>(id)])
                throw gql::FieldError("NOT_ALLOCATED",
                                      "object " + std::to_string(id) + " is not allocated");
            pool.used[static_cast<std::size_t>(id)] = false;
            return nlohmann::json(true);
        });
    }

private:
    struct Pool {
        std::string policy;
        int capacity = 0;
        std::vector<bool> used;
    };

    Pool& find(const std::string& name) {
        auto it = pools_.find(name);
        if (it == pools_.end())
            throw gql::FieldError("NO_SUCH_POOL", "no pool named \"" + name + "\"");
        return it->second;
    }

    nlohmann::json describe(const std::string& name) const {
        const Pool& pool = pools_.at(name);
        int allocated = 0;
        for (bool used : pool.used)
            allocated += used ? 1 : 0;
        return {{"name", name},
                {"policy", pool.policy},
                {"capacity", pool.capacity},
                {"available", pool.capacity - allocated},
                {"allocated", allocated}};
    }

    std::mutex mutex_;
    std::map<std::string, Pool> pools_;
};

/// @brief A schema with interfaces, unions, input objects, lists and custom scalars; data are
/// served by the default resolver from plain JSON, plus a few explicit resolvers.
inline const char* const kZooSchema = R"(
"A point in time."
scalar Date @specifiedBy(url: "https://example.com/date")
interface Animal { name: String! legs: Int! }
type Dog implements Animal { name: String! legs: Int! barks: Boolean! }
type Bird implements Animal { name: String! legs: Int! wingspan: Float }
type Keeper { name: String! since: Date }
union Resident = Dog | Bird | Keeper
enum Size { SMALL LARGE OLD @deprecated(reason: "use LARGE") }
input Filter { name: String, minLegs: Int = 0, sizes: [Size!], nested: Filter }
input Range { low: Int!, high: Int = 10 }
type Query {
  animals(filter: Filter): [Animal!]!
  residents: [Resident]
  echo(value: String, number: Int, ratio: Float, flag: Boolean, id: ID, size: Size, list: [Int], filter: Filter, day: Date): String
  echoInput(filter: Filter!): String
  echoRange(range: Range): String
  maybe: String
  strict: String!
  strictList: [String!]
  nestedStrict: Keeper
  old: String @deprecated
  fail: String
  failStrict: Int!
  big: Int
  wrongEnum: Size
  items: [Int]
  number(of: Int! = 3): Int!
}
type Mutation { step(tag: String!): [String!]! }
)";

inline nlohmann::json zoo_data() {
    return nlohmann::json::array(
        {{{"__typename", "Dog"}, {"name", "Rex"}, {"legs", 4}, {"barks", true}},
         {{"__typename", "Bird"}, {"name", "Tweety"}, {"legs", 2}, {"wingspan", 0.25}}});
}

/// @brief Binds the zoo resolvers; mutation `step` appends its tag to `log` (shared order record).
inline void bind_zoo(gql::Engine& engine, std::vector<std::string>& log) {
    engine.bind("Query", "animals", [](const gql::ResolveInfo&) { return zoo_data(); });
    engine.bind("Query", "residents", [](const gql::ResolveInfo&) {
        nlohmann::json out = zoo_data();
        out.push_back({{"__typename", "Keeper"}, {"name", "Ann"}, {"since", "2020-01-01"}});
        out.push_back(nullptr);
        return out;
    });
    engine.bind("Query", "echo",
                [](const gql::ResolveInfo& info) { return info.arguments.dump(); });
    engine.bind("Query", "echoInput",
                [](const gql::ResolveInfo& info) { return info.arguments.dump(); });
    engine.bind("Query", "maybe", [](const gql::ResolveInfo&) { return nlohmann::json(nullptr); });
    engine.bind("Query", "strict", [](const gql::ResolveInfo&) { return nlohmann::json(nullptr); });
    engine.bind("Query", "strictList", [](const gql::ResolveInfo&) {
        return nlohmann::json::array({"a", nullptr});
    });
    engine.bind("Query", "nestedStrict", [](const gql::ResolveInfo&) {
        return nlohmann::json{{"since", "x"}};
    });
    engine.bind("Query", "old", [](const gql::ResolveInfo&) { return "old"; });
    engine.bind("Query", "fail", [](const gql::ResolveInfo&) -> nlohmann::json {
        throw gql::FieldError("BROKEN", "it broke");
    });
    engine.bind("Query", "failStrict", [](const gql::ResolveInfo&) -> nlohmann::json {
        throw std::runtime_error("plain failure");
    });
    engine.bind("Query", "big",
                [](const gql::ResolveInfo&) { return nlohmann::json(3000000000LL); });
    engine.bind("Query", "wrongEnum", [](const gql::ResolveInfo&) { return "HUGE"; });
    engine.bind("Query", "items", [](const gql::ResolveInfo&) {
        return nlohmann::json::array({1, 2, 3});
    });
    engine.bind("Query", "number",
                [](const gql::ResolveInfo& info) { return info.arguments.at("of"); });
    engine.bind("Mutation", "step", [&log](const gql::ResolveInfo& info) {
        log.push_back(info.arguments.at("tag").get<std::string>());
        return nlohmann::json(log);
    });
}

/// @brief The messages of a response's errors, in order.
inline std::vector<std::string> messages(const nlohmann::json& response) {
    std::vector<std::string> out;
    if (response.contains("errors"))
        for (const auto& error : response["errors"])
            out.push_back(error.at("message").get<std::string>());
    return out;
}

/// @brief The first error's message ("" when there is none).
inline std::string first_message(const nlohmann::json& response) {
    auto all = messages(response);
    return all.empty() ? std::string() : all.front();
}

/// @brief {"line": l, "column": c} of the first error's first location.
inline std::pair<int, int> first_location(const nlohmann::json& response) {
    const auto& location = response.at("errors").at(0).at("locations").at(0);
    return {location.at("line").get<int>(), location.at("column").get<int>()};
}

}  // namespace gql_test
