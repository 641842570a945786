// The stores the contract suite runs over, each behind the same small fixture interface:
// open() returns a store over the backend's state; opening again (durable backends) sees it.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "memory_store.hpp"
#include "pool_store.hpp"
#include "sqlite_store.hpp"

namespace store_test {

using namespace objpool_graphql::store;

inline constexpr std::size_t test_max_capacity = 1U << 20;

/// A fresh directory under $TMPDIR (or /tmp), removed with everything in it at the end.
class TempDir {
public:
    TempDir() {
        const char* base = std::getenv("TMPDIR");
        std::string pattern = std::string(base != nullptr && *base != '\0' ? base : "/tmp") +
                              "/objpool-store-test-XXXXXX";
        if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

struct MemoryBackend {
    static constexpr bool durable = false;
    std::unique_ptr<PoolStore> open() { return std::make_unique<MemoryStore>(test_max_capacity); }
};

struct SqliteBackend {
    static constexpr bool durable = true;
    TempDir dir;
    std::string file() const { return (dir.path() / "pools.db").string(); }
    std::unique_ptr<PoolStore> open() {
        return std::make_unique<SqliteStore>(file(), test_max_capacity);
    }
};

}  // namespace store_test
