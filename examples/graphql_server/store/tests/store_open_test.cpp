// open_store's specs and the errors of a store that cannot be reached.
#include <objpool_catch.hpp>

#include "store_backends.hpp"

using namespace store_test;

TEST_CASE("open_store: memory and sqlite specs", "[store][open]") {
    CHECK(dynamic_cast<MemoryStore*>(open_store("memory", 10).get()) != nullptr);
    TempDir dir;
    const std::string file = (dir.path() / "pools.db").string();
    auto store = open_store("sqlite:" + file, 10);
    CHECK(dynamic_cast<SqliteStore*>(store.get()) != nullptr);
    CHECK(store->max_capacity() == 10);
    CHECK_THROWS_AS(store->create("p", 11, Policy::Fifo), BadCapacity);
}

TEST_CASE("open_store: bad specs and unreachable stores", "[store][open]") {
    CHECK_THROWS_AS(open_store("", 10), std::invalid_argument);
    CHECK_THROWS_AS(open_store("postgres://x", 10), std::invalid_argument);
    CHECK_THROWS_AS(open_store("sqlite:", 10), std::invalid_argument);
    CHECK_THROWS_AS(open_store("sqlite:/nonexistent-objpool-dir/pools.db", 10), Unavailable);
}

TEST_CASE("sqlite: a file that is not a database is Unavailable", "[store][open]") {
    TempDir dir;
    const auto file = dir.path() / "garbage.db";
    {
        std::FILE* out = std::fopen(file.string().c_str(), "wb");
        REQUIRE(out != nullptr);
        std::fputs("this is not an SQLite database, not even close; just text to fill a page.",
                   out);
        std::fclose(out);
    }
    CHECK_THROWS_AS(SqliteStore(file.string(), 10), Unavailable);
}

#if OBJPOOL_STORE_TEST_REDIS
TEST_CASE("redis: addresses", "[store][open]") {
    const RedisAddress plain = RedisAddress::parse("redis://localhost:6380");
    CHECK(plain.host == "localhost");
    CHECK(plain.port == 6380);
    CHECK(plain.database == 0);
    const RedisAddress selected = RedisAddress::parse("redis://10.0.0.1:7000/3");
    CHECK(selected.host == "10.0.0.1");
    CHECK(selected.port == 7000);
    CHECK(selected.database == 3);
    for (const char* bad :
         {"redis://", "redis://host", "redis://:6379", "redis://host:0", "redis://host:65536",
          "redis://host:63x9", "redis://host:6379/", "redis://host:6379/-1", "http://host:6379"}) {
        INFO(bad);
        CHECK_THROWS_AS(RedisAddress::parse(bad), std::invalid_argument);
    }
}

TEST_CASE("redis: a server that is not there is Unavailable", "[store][open]") {
    RedisServer server;
    const RedisAddress address = server.address();
    server.kill_hard();
    CHECK_THROWS_AS(RedisStore(address, 10), Unavailable);
    CHECK_THROWS_AS(open_store("redis://127.0.0.1:" + std::to_string(address.port), 10),
                    Unavailable);
}

TEST_CASE("redis: another database number keeps its own pools", "[store][open]") {
    RedisServer server;
    RedisAddress other = server.address();
    other.database = 2;
    RedisStore zero(server.address(), 10);
    RedisStore two(other, 10);
    zero.create("p", 3, Policy::Fifo);
    CHECK_FALSE(two.stats("p"));
    two.create("p", 5, Policy::Bitmap);
    CHECK(zero.stats("p")->capacity == 3);
    CHECK(two.stats("p")->capacity == 5);
}
#endif
