// Several threads preparing and running queries at once, sharing the cache and resolvers.
#include <objpool_catch.hpp>

#include <atomic>
#include <set>
#include <thread>

#include "fixtures.hpp"

using gql::Engine;
using nlohmann::json;

TEST_CASE("concurrency: threads run queries and mutations at once", "[concurrency]") {
    gql::Limits limits;
    limits.cache_entries = 8;  // small, so eviction races with lookups
    Engine engine(gql_test::kServerSchema, limits);
    gql_test::FakePools pools;
    pools.bind(engine);
    constexpr int kThreads = 4;
    constexpr int kRounds = 500;
    for (int t = 0; t < kThreads; ++t)
        engine.run("mutation($n: String!) { createPool(name: $n, capacity: 1000) { name } }",
                   {{"n", "p" + std::to_string(t)}});

    std::atomic<int> failures{0};
    std::vector<std::vector<int>> ids(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            const std::string pool = "p" + std::to_string(t);
            for (int i = 0; i < kRounds; ++i) {
                json got =
                    engine.run("mutation($p: String!) { getObject(pool: $p) }", {{"p", pool}});
                if (!got["data"]["getObject"].is_number_integer()) {
                    ++failures;
                    continue;
                }
                ids[t].push_back(got["data"]["getObject"].get<int>());
                json allocated =
                    engine.run("query($id: Int!, $p: String!) { isAllocated(id: $id, pool: $p) }",
                               {{"id", ids[t].back()}, {"p", pool}});
                if (allocated != json::parse(R"({"data":{"isAllocated":true}})"))
                    ++failures;
                // Distinct texts churn the small cache.
                json named = engine.run("{ q" + std::to_string(i % 20) + ": pool(name: \"" + pool +
                                        "\") { name } }");
                if (named["data"]["q" + std::to_string(i % 20)]["name"] != pool)
                    ++failures;
                if (i % 100 == 0 &&
                    engine.run("{ __schema { types { name } } }").contains("errors"))
                    ++failures;
            }
        });
    }
    for (std::thread& thread : threads)
        thread.join();
    CHECK(failures.load() == 0);
    for (int t = 0; t < kThreads; ++t) {
        CHECK(ids[t].size() == static_cast<std::size_t>(kRounds));
        CHECK(std::set<int>(ids[t].begin(), ids[t].end()).size() ==
              ids[t].size());  // no id handed out twice
    }
    CHECK(engine.cached_documents() <= 8);
}

TEST_CASE("concurrency: one plan executed from many threads", "[concurrency]") {
    Engine engine(gql_test::kServerSchema);
    gql_test::FakePools pools;
    pools.bind(engine);
    gql::Plan plan = engine.prepare(
        "query($name: String!) { pool(name: $name) { name capacity } pools { name } }");
    REQUIRE(plan.document);
    std::atomic<int> mismatches{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 1'000; ++i) {
                json response = engine.execute(plan, {{"name", "default"}});
                if (response["data"]["pool"]["capacity"] != 4)
                    ++mismatches;
            }
        });
    for (std::thread& thread : threads)
        thread.join();
    CHECK(mismatches.load() == 0);
}
