// SqliteStore: pools in one SQLite file (WAL, synchronous=FULL), group-committed by a writer
// thread.
#pragma once

#include <chrono>
#include <memory>

#include "pool_store.hpp"

namespace objpool_graphql::store {

/// @brief Pools in an SQLite database file: durable across restarts and crashes, shareable by
/// several processes on one host.
///
/// The file is opened in WAL mode with synchronous=FULL, so a committed change survives a crash of
/// the process or of the machine. Every call is queued to one writer thread, which runs all the
/// calls waiting at that moment (up to max_batch) in one `BEGIN IMMEDIATE` transaction and
/// answers each only once that transaction has committed (group commit): one fsync covers the
/// whole batch. Nothing is cached between transactions, so other processes using the same file
/// (each with its own writer, serialised by SQLite's write lock and the busy timeout) see and
/// respect each other's changes.
///
/// Creating a pool writes one row, whatever its capacity: a pool holds a counter of the ids
/// never handed out (next_unused), and the ids given back sit in a table ordered by a sequence
/// number (FIFO: oldest first; LIFO: newest first) or by id (BITMAP: lowest first). Leases
/// expire by the wall clock (std::chrono::system_clock, in milliseconds), the only clock that
/// every process and a restarted one share; tokens come from one counter in the file.
///
/// When the database fails (I/O error, disk full, locked past the busy timeout) the transaction
/// is rolled back and every call in it throws Unavailable.
class SqliteStore final : public PoolStore {
public:
    /// @brief Tuning of a SqliteStore.
    struct Options {
        /// How long a transaction waits for another process's write lock before failing.
        std::chrono::milliseconds busy_timeout{5000};
        /// The most calls one transaction carries.
        std::size_t max_batch = 512;
    };

    /// @brief Opens (creating if needed) the database at `path` and starts the writer thread.
    /// @throws Unavailable when the file cannot be opened or set up.
    SqliteStore(const std::string& path, std::size_t max_capacity, Options options);
    /// @brief As above, with default Options.
    SqliteStore(const std::string& path, std::size_t max_capacity);
    /// @brief Answers every queued call, then stops the writer and closes the file.
    SqliteStore(const SqliteStore&) = delete;
    SqliteStore& operator=(const SqliteStore&) = delete;
    ~SqliteStore() override;

    PoolStats create(const std::string& name, long long capacity, Policy policy) override;
    void erase(const std::string& name) override;
    std::optional<Id> get(const std::string& name) override;
    bool free(const std::string& name, long long id) override;
    bool is_allocated(const std::string& name, long long id) override;
    std::optional<PoolStats> stats(const std::string& name) override;
    std::vector<PoolStats> all() override;
    std::optional<Lease> acquire_lease(const std::string& pool,
                                       std::chrono::milliseconds ttl) override;
    Lease renew_lease(const std::string& pool, long long id, LeaseToken token,
                      std::chrono::milliseconds ttl) override;
    void release_lease(const std::string& pool, long long id, LeaseToken token) override;
    void ping() override;
    [[nodiscard]] std::size_t max_capacity() const noexcept override { return max_capacity_; }

    /// @brief The number of transactions committed so far (how well calls are batched).
    [[nodiscard]] std::size_t commits() const noexcept;

private:
    class Writer;
    std::size_t max_capacity_;
    std::unique_ptr<Writer> writer_;
};

}  // namespace objpool_graphql::store
