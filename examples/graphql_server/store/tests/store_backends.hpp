// The stores the contract suite runs over, each behind the same small fixture interface:
// open() returns a store over the backend's state; opening again (durable backends) sees it.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "memory_store.hpp"
#include "pool_store.hpp"
#include "sqlite_store.hpp"
#if OBJPOOL_STORE_TEST_REDIS
#include "redis_store.hpp"
#endif

extern char** environ;

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
        if (mkdtemp(pattern.data()) == nullptr)
            throw std::runtime_error("mkdtemp failed");
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
    std::string spec() const { return "sqlite:" + file(); }
    std::unique_ptr<PoolStore> open() {
        return std::make_unique<SqliteStore>(file(), test_max_capacity);
    }
};

#if OBJPOOL_STORE_TEST_REDIS
/// A redis-server of its own: loopback, a free port the kernel picks, its own directory, AOF
/// fsynced before every reply (appendonly yes, appendfsync always), no RDB snapshots.
class RedisServer {
public:
    RedisServer() {
        for (int attempt = 0; attempt < 5; ++attempt) {
            port_ = free_loopback_port();
            if (start())
                return;
        }
        throw std::runtime_error("redis-server did not start (see " + log_file() + ")");
    }
    RedisServer(const RedisServer&) = delete;
    RedisServer& operator=(const RedisServer&) = delete;
    ~RedisServer() { kill_hard(); }

    RedisAddress address() const { return RedisAddress{"127.0.0.1", port_, 0}; }
    std::string spec() const { return "redis://127.0.0.1:" + std::to_string(port_); }

    /// SIGKILL, as a crash: only what the AOF holds survives.
    void kill_hard() {
        if (pid_ <= 0)
            return;
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }

    /// SIGSTOP: it holds its connections and answers nothing until resume().
    void pause() { kill(pid_, SIGSTOP); }
    void resume() { kill(pid_, SIGCONT); }

    /// Runs one command through redis-cli, as another client would (`arguments` split by the
    /// shell), and throws unless it succeeds.
    void cli(const std::string& arguments) const {
        const std::string command =
            "redis-cli -p " + std::to_string(port_) + " " + arguments + " >/dev/null";
        if (std::system(command.c_str()) != 0)
            throw std::runtime_error("redis-cli " + arguments + " failed");
    }

    /// Starts it again on the same port and directory (after kill_hard).
    void restart() {
        if (!start())
            throw std::runtime_error("redis-server did not restart (see " + log_file() + ")");
    }

private:
    // A port the kernel picks among those free on 127.0.0.1 (random in the ephemeral range).
    static int free_loopback_port() {
        const int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0)
            throw std::runtime_error("socket failed");
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        const bool bound = bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                           getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
        close(fd);
        if (!bound)
            throw std::runtime_error("cannot bind a loopback port");
        return ntohs(address.sin_port);
    }

    std::string log_file() const { return (dir_.path() / "redis.log").string(); }

    // Spawns redis-server and waits until it answers; false when it exits (port taken).
    bool start() {
        std::vector<std::string> arguments{"redis-server",
                                           "--port",
                                           std::to_string(port_),
                                           "--bind",
                                           "127.0.0.1",
                                           "--dir",
                                           dir_.path().string(),
                                           "--appendonly",
                                           "yes",
                                           "--appendfsync",
                                           "always",
                                           "--save",
                                           "",
                                           "--daemonize",
                                           "no",
                                           "--logfile",
                                           log_file()};
        std::vector<char*> argv;
        for (auto& argument : arguments)
            argv.push_back(argument.data());
        argv.push_back(nullptr);
        if (posix_spawnp(&pid_, "redis-server", nullptr, nullptr, argv.data(), environ) != 0) {
            throw std::runtime_error("cannot run redis-server");
        }
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (std::chrono::steady_clock::now() < deadline) {
            if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
                pid_ = -1;
                return false;
            }
            try {
                RedisStore probe(address(), 1);
                return true;
            } catch (const Unavailable&) {
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            }
        }
        kill_hard();
        return false;
    }

    TempDir dir_;
    int port_ = 0;
    pid_t pid_ = -1;
};

struct RedisBackend {
    static constexpr bool durable = true;
    RedisServer server;
    std::string spec() const { return server.spec(); }
    std::unique_ptr<PoolStore> open() {
        return std::make_unique<RedisStore>(server.address(), test_max_capacity);
    }
};

// Every store the contract suite runs over (a macro: TEMPLATE_TEST_CASE then names each case by
// type).
#define STORE_BACKENDS MemoryBackend, SqliteBackend, RedisBackend
// The stores that outlive the process using them.
#define DURABLE_STORE_BACKENDS SqliteBackend, RedisBackend
#else
#define STORE_BACKENDS MemoryBackend, SqliteBackend
#define DURABLE_STORE_BACKENDS SqliteBackend
#endif

}  // namespace store_test
