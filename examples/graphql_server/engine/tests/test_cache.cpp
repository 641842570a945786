// The prepared-document cache: hits on the same text, bounded LRU eviction, cached errors.
#include <memory>
#include <objpool_catch.hpp>
#include <string>
#include <vector>

#include "document_cache.hpp"
#include "fixtures.hpp"

using gql::Engine;

namespace {

Engine make_engine(std::size_t entries) {
    gql::Limits limits;
    limits.cache_entries = entries;
    return Engine(gql_test::kServerSchema, limits);
}

}  // namespace

TEST_CASE("cache: the same text twice is prepared once", "[cache]") {
    Engine engine(gql_test::kServerSchema);
    CHECK(engine.cached_documents() == 0);
    gql::Plan first = engine.prepare("query A { pools { name } } query B { pool { name } }", "A");
    gql::Plan second = engine.prepare("query A { pools { name } } query B { pool { name } }", "B");
    REQUIRE(first.document);
    CHECK(first.document == second.document);
    CHECK(second.operation_index == 1);
    CHECK(engine.cached_documents() == 1);
    // Different text (even by whitespace) is a different entry.
    gql::Plan other = engine.prepare("query A { pools { name } }  query B { pool { name } }", "A");
    CHECK(other.document != first.document);
    CHECK(engine.cached_documents() == 2);
}

TEST_CASE("cache: invalid documents are cached with their errors", "[cache]") {
    Engine engine(gql_test::kServerSchema);
    gql::Plan first = engine.prepare("{ nope }");
    gql::Plan second = engine.prepare("{ nope }");
    CHECK_FALSE(second.document);
    CHECK(first.errors == second.errors);
    CHECK(second.errors.size() == 1);
    CHECK(engine.cached_documents() == 1);
}

TEST_CASE("cache: least recently used entries are evicted at the bound", "[cache]") {
    Engine engine = make_engine(2);
    auto a = engine.prepare("{ a: pools { name } }").document;
    auto b = engine.prepare("{ b: pools { name } }").document;
    CHECK(engine.prepare("{ a: pools { name } }").document == a);  // a is now most recent
    auto c = engine.prepare("{ c: pools { name } }").document;     // evicts b
    CHECK(engine.cached_documents() == 2);
    CHECK(engine.prepare("{ a: pools { name } }").document == a);
    CHECK(engine.prepare("{ c: pools { name } }").document == c);
    CHECK(engine.prepare("{ b: pools { name } }").document != b);  // prepared anew
    for (int i = 0; i < 100; ++i)
        engine.prepare("{ x" + std::to_string(i) + ": pools { name } }");
    CHECK(engine.cached_documents() == 2);
}

TEST_CASE("cache: capacity zero disables caching", "[cache]") {
    Engine engine = make_engine(0);
    auto first = engine.prepare("{ pools { name } }").document;
    auto second = engine.prepare("{ pools { name } }").document;
    REQUIRE(first);
    CHECK(first != second);
    CHECK(engine.cached_documents() == 0);
    // A plan stays valid on its own: it holds its document.
    gql_test::FakePools pools;
    pools.bind(engine);
    gql::Plan plan = engine.prepare("{ pools { name } }");
    engine.prepare("{ other: pools { name } }");
    CHECK(engine.execute(plan, nullptr)["data"]["pools"][0]["name"] == "default");
}

TEST_CASE("cache: a new entry is never the one evicted, even when every other was used",
          "[cache]") {
    for (const std::size_t capacity : {1, 2, 3}) {
        gql::detail::DocumentCache cache(capacity);
        std::vector<std::shared_ptr<const gql::detail::PreparedEntry>> old;
        for (std::size_t i = 0; i < capacity; ++i) {
            old.push_back(cache.insert("old" + std::to_string(i),
                                       std::make_shared<gql::detail::PreparedEntry>()));
            gql::detail::DocumentCache::touch(*old.back());  // each asks for a second chance
        }
        const auto fresh = std::make_shared<gql::detail::PreparedEntry>();
        CHECK(cache.insert("new", fresh) == fresh);
        CHECK(cache.size() == capacity);
        CHECK(cache.find("new") == fresh);
        CHECK_FALSE(fresh->evicted.load());
        std::size_t evicted = 0;
        for (const auto& entry : old) {
            evicted += entry->evicted.load() ? 1 : 0;
        }
        CHECK(evicted == 1);
    }
}
