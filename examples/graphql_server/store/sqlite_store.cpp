#include "sqlite_store.hpp"

#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

namespace objpool_graphql::store {

namespace {

// The schema. A pool's ids are: out when below next_unused and not in `freed`; free otherwise.
// `freed.seq` orders the ids given back: an increasing counter for FIFO (taken lowest first)
// and LIFO (taken highest first), the id itself for BITMAP (lowest first).
constexpr const char* schema_sql = R"sql(
CREATE TABLE IF NOT EXISTS pools (
    pool_id     INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    policy      INTEGER NOT NULL,
    capacity    INTEGER NOT NULL,
    next_unused INTEGER NOT NULL,
    allocated   INTEGER NOT NULL,
    free_seq    INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS freed (
    pool_id INTEGER NOT NULL,
    seq     INTEGER NOT NULL,
    id      INTEGER NOT NULL,
    PRIMARY KEY (pool_id, seq)
) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS freed_by_id ON freed (pool_id, id);
CREATE TABLE IF NOT EXISTS leases (
    pool_id    INTEGER NOT NULL,
    id         INTEGER NOT NULL,
    token      INTEGER NOT NULL,
    expires_ms INTEGER NOT NULL,
    PRIMARY KEY (pool_id, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS leases_by_expiry ON leases (pool_id, expires_ms);
CREATE TABLE IF NOT EXISTS counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT OR IGNORE INTO counters (name, value) VALUES ('next_token', 1);
)sql";

// A failure of the database itself: the batch is rolled back and every call in it fails.
class DatabaseFailure : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

using Milliseconds = std::chrono::milliseconds;
using SystemClock = std::chrono::system_clock;

long long now_ms() {
    return std::chrono::duration_cast<Milliseconds>(SystemClock::now().time_since_epoch()).count();
}

SystemClock::time_point from_ms(long long ms) {
    return SystemClock::time_point(
        std::chrono::duration_cast<SystemClock::duration>(Milliseconds(ms)));
}

// A prepared statement bound for one use; resets itself when the use ends.
class Query {
public:
    Query(sqlite3* db, sqlite3_stmt* statement) : db_(db), statement_(statement) {}
    Query(const Query&) = delete;
    Query& operator=(const Query&) = delete;
    ~Query() {
        sqlite3_reset(statement_);
        sqlite3_clear_bindings(statement_);
    }

    Query& bind(int index, long long value) {
        check(sqlite3_bind_int64(statement_, index, value));
        return *this;
    }
    Query& bind(int index, const std::string& text) {
        check(sqlite3_bind_text(statement_, index, text.data(), static_cast<int>(text.size()),
                                SQLITE_TRANSIENT));
        return *this;
    }

    // True while there is a row to read.
    bool step() {
        const int rc = sqlite3_step(statement_);
        if (rc == SQLITE_ROW) {
            return true;
        }
        if (rc == SQLITE_DONE) {
            return false;
        }
        throw DatabaseFailure(std::string("sqlite: ") + sqlite3_errmsg(db_));
    }
    void run() {
        while (step()) {
        }
    }

    [[nodiscard]] long long integer(int column) const {
        return sqlite3_column_int64(statement_, column);
    }
    [[nodiscard]] std::string text(int column) const {
        const auto* bytes = sqlite3_column_text(statement_, column);
        return {reinterpret_cast<const char*>(bytes),
                static_cast<std::size_t>(sqlite3_column_bytes(statement_, column))};
    }

private:
    void check(int rc) {
        if (rc != SQLITE_OK) {
            throw DatabaseFailure(std::string("sqlite: ") + sqlite3_errmsg(db_));
        }
    }

    sqlite3* db_;
    sqlite3_stmt* statement_;
};

// The connection, used by the writer thread only (and by the constructor before it starts).
class Database {
public:
    Database(const std::string& path, Milliseconds busy_timeout) {
        const int rc = sqlite3_open_v2(
            path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
            nullptr);
        if (rc != SQLITE_OK) {
            std::string message = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
            sqlite3_close_v2(db_);
            throw Unavailable("sqlite: cannot open " + path + ": " + message);
        }
        try {
            sqlite3_busy_timeout(db_, static_cast<int>(busy_timeout.count()));
            execute("PRAGMA journal_mode=WAL");
            execute("PRAGMA synchronous=FULL");
            execute("BEGIN IMMEDIATE");
            execute(schema_sql);
            execute("COMMIT");
        } catch (const DatabaseFailure& failure) {
            close();
            throw Unavailable(std::string(failure.what()) + " (setting up " + path + ")");
        }
    }
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;
    ~Database() { close(); }

    // Runs `sql` (one or more statements, no results wanted).
    void execute(const char* sql) {
        char* error = nullptr;
        if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
            std::string message = error != nullptr ? error : sqlite3_errmsg(db_);
            sqlite3_free(error);
            throw DatabaseFailure("sqlite: " + message);
        }
    }

    // `sql` is a string literal: its address names the cached statement.
    Query query(const char* sql) {
        sqlite3_stmt*& statement = statements_[sql];
        if (statement == nullptr) {
            if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &statement, nullptr) !=
                SQLITE_OK) {
                throw DatabaseFailure(std::string("sqlite: ") + sqlite3_errmsg(db_));
            }
        }
        return {db_, statement};
    }

private:
    void close() noexcept {
        for (auto& cached : statements_) {
            sqlite3_finalize(cached.second);
        }
        statements_.clear();
        sqlite3_close_v2(db_);
        db_ = nullptr;
    }

    sqlite3* db_ = nullptr;
    std::map<const char*, sqlite3_stmt*> statements_;
};

// One pool's row, read at the start of an operation and written back if changed.
struct PoolRow {
    long long pool_id = 0;
    std::string name;
    Policy policy = Policy::Fifo;
    long long capacity = 0;
    long long next_unused = 1;
    long long allocated = 0;
    long long free_seq = 0;
    bool changed = false;

    [[nodiscard]] PoolStats stats() const {
        return PoolStats{name, policy, static_cast<std::size_t>(capacity),
                         static_cast<std::size_t>(capacity - allocated),
                         static_cast<std::size_t>(allocated)};
    }
};

// The operations, run inside the writer's transaction. Each throws its StoreError before it
// writes anything, except for reaping expired leases, which is due whatever the call's outcome.
class Operations {
public:
    explicit Operations(Database& db) : db_(db) {}

    std::optional<PoolRow> find(const std::string& name) {
        Query q = db_.query(
            "SELECT pool_id, policy, capacity, next_unused, allocated, free_seq FROM pools "
            "WHERE name = ?1");
        q.bind(1, name);
        if (!q.step()) {
            return std::nullopt;
        }
        PoolRow row;
        row.pool_id = q.integer(0);
        row.name = name;
        row.policy = static_cast<Policy>(q.integer(1));
        row.capacity = q.integer(2);
        row.next_unused = q.integer(3);
        row.allocated = q.integer(4);
        row.free_seq = q.integer(5);
        return row;
    }

    // The pool, with its expired leases reaped and saved. @throws NoSuchPool
    PoolRow open(const std::string& name) {
        std::optional<PoolRow> row = find(name);
        if (!row) {
            throw NoSuchPool(name);
        }
        reap(*row);
        save(*row);
        return *row;
    }

    void save(PoolRow& row) {
        if (!row.changed) {
            return;
        }
        row.changed = false;
        db_.query(
               "UPDATE pools SET next_unused = ?2, allocated = ?3, free_seq = ?4 WHERE pool_id = "
               "?1")
            .bind(1, row.pool_id)
            .bind(2, row.next_unused)
            .bind(3, row.allocated)
            .bind(4, row.free_seq)
            .run();
    }

    std::vector<std::string> names() {
        std::vector<std::string> result;
        Query q = db_.query("SELECT name FROM pools ORDER BY name");
        while (q.step()) {
            result.push_back(q.text(0));
        }
        return result;
    }

    PoolStats create(const std::string& name, long long capacity, Policy policy) {
        if (find(name)) {
            throw PoolExists(name);
        }
        db_.query(
               "INSERT INTO pools (name, policy, capacity, next_unused, allocated, free_seq) "
               "VALUES (?1, ?2, ?3, 1, 0, 0)")
            .bind(1, name)
            .bind(2, static_cast<long long>(policy))
            .bind(3, capacity)
            .run();
        PoolRow row;
        row.name = name;
        row.policy = policy;
        row.capacity = capacity;
        return row.stats();
    }

    void erase(const std::string& name) {
        std::optional<PoolRow> row = find(name);
        if (!row) {
            throw NoSuchPool(name);
        }
        db_.query("DELETE FROM freed WHERE pool_id = ?1").bind(1, row->pool_id).run();
        db_.query("DELETE FROM leases WHERE pool_id = ?1").bind(1, row->pool_id).run();
        db_.query("DELETE FROM pools WHERE pool_id = ?1").bind(1, row->pool_id).run();
    }

    // The next id by the pool's policy, now out; nullopt when none is free.
    std::optional<Id> take(PoolRow& row) {
        const bool never_used_left = row.next_unused <= row.capacity;
        std::optional<Id> id;
        // FIFO hands out the never-used ids before the freed ones; LIFO and BITMAP reuse first.
        if (row.policy != Policy::Fifo || !never_used_left) {
            if (std::optional<std::pair<long long, long long>> freed = first_freed(row)) {
                db_.query("DELETE FROM freed WHERE pool_id = ?1 AND seq = ?2")
                    .bind(1, row.pool_id)
                    .bind(2, freed->first)
                    .run();
                id = static_cast<Id>(freed->second);
            }
        }
        if (!id && never_used_left) {
            id = static_cast<Id>(row.next_unused++);
        }
        if (id) {
            ++row.allocated;
            row.changed = true;
        }
        return id;
    }

    // Gives `id` (out) back to the pool.
    void give_back(PoolRow& row, long long id) {
        const long long seq = row.policy == Policy::Bitmap ? id : ++row.free_seq;
        db_.query("INSERT INTO freed (pool_id, seq, id) VALUES (?1, ?2, ?3)")
            .bind(1, row.pool_id)
            .bind(2, seq)
            .bind(3, id)
            .run();
        --row.allocated;
        row.changed = true;
    }

    bool is_out(const PoolRow& row, long long id) {
        if (!detail::in_pool(id, static_cast<std::size_t>(row.capacity)) || id >= row.next_unused) {
            return false;
        }
        Query q = db_.query("SELECT 1 FROM freed WHERE pool_id = ?1 AND id = ?2");
        q.bind(1, row.pool_id).bind(2, id);
        return !q.step();
    }

    // The token of the lease on `id`, if any.
    std::optional<LeaseToken> lease_token(const PoolRow& row, long long id) {
        Query q = db_.query("SELECT token FROM leases WHERE pool_id = ?1 AND id = ?2");
        q.bind(1, row.pool_id).bind(2, id);
        if (!q.step()) {
            return std::nullopt;
        }
        return static_cast<LeaseToken>(q.integer(0));
    }

    void check_lease(const PoolRow& row, long long id, LeaseToken token) {
        if (!detail::in_pool(id, static_cast<std::size_t>(row.capacity)) ||
            lease_token(row, id) != token) {
            throw StaleLease(row.name, id);
        }
    }

    Lease add_lease(const PoolRow& row, Id id, Milliseconds ttl) {
        Query next = db_.query(
            "UPDATE counters SET value = value + 1 WHERE name = 'next_token' RETURNING value - 1");
        if (!next.step()) {
            throw DatabaseFailure("sqlite: the token counter is missing");
        }
        const auto token = static_cast<LeaseToken>(next.integer(0));
        next.run();
        const long long expires = now_ms() + ttl.count();
        db_.query("INSERT INTO leases (pool_id, id, token, expires_ms) VALUES (?1, ?2, ?3, ?4)")
            .bind(1, row.pool_id)
            .bind(2, id)
            .bind(3, static_cast<long long>(token))
            .bind(4, expires)
            .run();
        return Lease{id, token, from_ms(expires)};
    }

    Lease extend_lease(const PoolRow& row, long long id, LeaseToken token, Milliseconds ttl) {
        const long long expires = now_ms() + ttl.count();
        db_.query("UPDATE leases SET expires_ms = ?3 WHERE pool_id = ?1 AND id = ?2")
            .bind(1, row.pool_id)
            .bind(2, id)
            .bind(3, expires)
            .run();
        return Lease{static_cast<Id>(id), token, from_ms(expires)};
    }

    void drop_lease(const PoolRow& row, long long id) {
        db_.query("DELETE FROM leases WHERE pool_id = ?1 AND id = ?2")
            .bind(1, row.pool_id)
            .bind(2, id)
            .run();
    }

private:
    // (seq, id) of the freed id the policy takes next.
    std::optional<std::pair<long long, long long>> first_freed(const PoolRow& row) {
        Query q =
            db_.query(row.policy == Policy::Lifo
                          ? "SELECT seq, id FROM freed WHERE pool_id = ?1 ORDER BY seq DESC LIMIT 1"
                          : "SELECT seq, id FROM freed WHERE pool_id = ?1 ORDER BY seq LIMIT 1");
        q.bind(1, row.pool_id);
        if (!q.step()) {
            return std::nullopt;
        }
        return std::make_pair(q.integer(0), q.integer(1));
    }

    // Every lease of the pool that expired by now gives its id back.
    void reap(PoolRow& row) {
        const long long now = now_ms();
        std::vector<long long> expired;
        {
            Query q = db_.query("SELECT id FROM leases WHERE pool_id = ?1 AND expires_ms <= ?2");
            q.bind(1, row.pool_id).bind(2, now);
            while (q.step()) {
                expired.push_back(q.integer(0));
            }
        }
        if (expired.empty()) {
            return;
        }
        db_.query("DELETE FROM leases WHERE pool_id = ?1 AND expires_ms <= ?2")
            .bind(1, row.pool_id)
            .bind(2, now)
            .run();
        for (const long long id : expired) {
            give_back(row, id);
        }
    }

    Database& db_;
};

// A queued call: run inside a transaction, answered after it commits. It lives on the stack of
// the calling thread, which waits until the writer marks it done and then alone reads its answer
// (the writer touches it no more): an exception travels from the writer to exactly one thread.
class Job {
public:
    Job() = default;
    Job(const Job&) = delete;
    Job& operator=(const Job&) = delete;
    virtual ~Job() = default;
    // Runs the call; a StoreError is kept as the call's answer, anything else aborts the batch.
    virtual void run(Operations& operations) = 0;
    // The batch was rolled back: the call fails with Unavailable(reason).
    virtual void fail(const std::string& reason) = 0;

    bool done = false;  // guarded by the writer's mutex
};

template <class Result, class Body>
class TypedJob final : public Job {
public:
    explicit TypedJob(Body body) : body_(std::move(body)) {}

    void run(Operations& operations) override {
        try {
            result_.emplace(body_(operations));
        } catch (const StoreError&) {
            error_ = std::current_exception();
        }
    }
    void fail(const std::string& reason) override {
        result_.reset();
        error_ = std::make_exception_ptr(Unavailable(reason));
    }

    // The answer, once done.
    Result answer() {
        if (error_) {
            std::rethrow_exception(error_);
        }
        return std::move(*result_);
    }

private:
    Body body_;
    std::optional<Result> result_;
    std::exception_ptr error_;
};

}  // namespace

class SqliteStore::Writer {
public:
    Writer(const std::string& path, Options options)
        : db_(path, options.busy_timeout),
          max_batch_(options.max_batch == 0 ? 1 : options.max_batch) {
        thread_ = std::thread([this] { loop(); });
    }

    ~Writer() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        wakeup_.notify_one();
        thread_.join();
    }

    Writer(const Writer&) = delete;
    Writer& operator=(const Writer&) = delete;

    // Queues `body` (called with Operations&) and waits for its committed answer.
    template <class Body>
    auto call(Body body) {
        using Result = decltype(body(std::declval<Operations&>()));
        TypedJob<Result, Body> job(std::move(body));
        {
            std::unique_lock lock(mutex_);
            queue_.push_back(&job);
            wakeup_.notify_one();
            answered_.wait(lock, [&job] { return job.done; });
        }
        return job.answer();
    }

    [[nodiscard]] std::size_t commits() const noexcept {
        return commits_.load(std::memory_order_relaxed);
    }

private:
    void loop() {
        std::vector<Job*> batch;
        for (;;) {
            {
                std::unique_lock lock(mutex_);
                wakeup_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
                if (queue_.empty()) {
                    return;  // stopping, and every call answered
                }
                while (!queue_.empty() && batch.size() < max_batch_) {
                    batch.push_back(queue_.front());
                    queue_.pop_front();
                }
            }
            run(batch);
            {
                std::lock_guard lock(mutex_);
                for (Job* job : batch) {
                    job->done = true;
                }
            }
            answered_.notify_all();
            batch.clear();
        }
    }

    void run(const std::vector<Job*>& batch) {
        Operations operations(db_);
        try {
            db_.execute("BEGIN IMMEDIATE");
        } catch (const DatabaseFailure& failure) {
            for (Job* job : batch) {
                job->fail(failure.what());
            }
            return;
        }
        try {
            for (Job* job : batch) {
                job->run(operations);
            }
            db_.execute("COMMIT");
        } catch (...) {
            const std::exception_ptr error = std::current_exception();
            try {
                db_.execute("ROLLBACK");
            } catch (const DatabaseFailure&) {  // rolled back already by SQLite
            }
            std::string reason = "sqlite: transaction rolled back";
            try {
                std::rethrow_exception(error);
            } catch (const std::exception& failure) {
                reason = failure.what();
            } catch (...) {
            }
            for (Job* job : batch) {
                job->fail(reason);
            }
            return;
        }
        commits_.fetch_add(1, std::memory_order_relaxed);
    }

    Database db_;
    const std::size_t max_batch_;
    std::mutex mutex_;
    std::condition_variable wakeup_;    // the writer: calls queued, or stopping
    std::condition_variable answered_;  // the callers: a batch is done
    std::deque<Job*> queue_;
    bool stopping_ = false;
    std::atomic<std::size_t> commits_{0};
    std::thread thread_;
};

SqliteStore::SqliteStore(const std::string& path, std::size_t max_capacity, Options options)
    : max_capacity_(max_capacity), writer_(std::make_unique<Writer>(path, options)) {}

SqliteStore::SqliteStore(const std::string& path, std::size_t max_capacity)
    : SqliteStore(path, max_capacity, Options{}) {}

SqliteStore::~SqliteStore() = default;

std::size_t SqliteStore::commits() const noexcept {
    return writer_->commits();
}

PoolStats SqliteStore::create(const std::string& name, long long capacity, Policy policy) {
    detail::check_capacity(capacity, max_capacity_);
    return writer_->call([&](Operations& ops) { return ops.create(name, capacity, policy); });
}

void SqliteStore::erase(const std::string& name) {
    writer_->call([&](Operations& ops) {
        ops.erase(name);
        return true;
    });
}

std::optional<Id> SqliteStore::get(const std::string& name) {
    return writer_->call([&](Operations& ops) {
        PoolRow row = ops.open(name);
        std::optional<Id> id = ops.take(row);
        ops.save(row);
        return id;
    });
}

bool SqliteStore::free(const std::string& name, long long id) {
    return writer_->call([&](Operations& ops) {
        PoolRow row = ops.open(name);
        const bool freed = ops.is_out(row, id) && !ops.lease_token(row, id);
        if (freed) {
            ops.give_back(row, id);
        }
        ops.save(row);
        return freed;
    });
}

bool SqliteStore::is_allocated(const std::string& name, long long id) {
    return writer_->call([&](Operations& ops) {
        PoolRow row = ops.open(name);
        return ops.is_out(row, id);
    });
}

std::optional<PoolStats> SqliteStore::stats(const std::string& name) {
    return writer_->call([&](Operations& ops) -> std::optional<PoolStats> {
        if (!ops.find(name)) {
            return std::nullopt;
        }
        PoolRow row = ops.open(name);
        return row.stats();
    });
}

std::vector<PoolStats> SqliteStore::all() {
    return writer_->call([&](Operations& ops) {
        std::vector<PoolStats> result;
        for (const std::string& name : ops.names()) {
            PoolRow row = ops.open(name);
            result.push_back(row.stats());
        }
        return result;
    });
}

std::optional<Lease> SqliteStore::acquire_lease(const std::string& pool,
                                                std::chrono::milliseconds ttl) {
    detail::check_ttl(ttl);
    return writer_->call([&](Operations& ops) -> std::optional<Lease> {
        PoolRow row = ops.open(pool);
        const std::optional<Id> id = ops.take(row);
        ops.save(row);
        if (!id) {
            return std::nullopt;
        }
        return ops.add_lease(row, *id, ttl);
    });
}

Lease SqliteStore::renew_lease(const std::string& pool, long long id, LeaseToken token,
                               std::chrono::milliseconds ttl) {
    detail::check_ttl(ttl);
    return writer_->call([&](Operations& ops) {
        PoolRow row = ops.open(pool);
        ops.check_lease(row, id, token);
        return ops.extend_lease(row, id, token, ttl);
    });
}

void SqliteStore::ping() {
    // An empty write transaction: answers once this process can take the file's write lock.
    writer_->call([](Operations&) { return true; });
}

void SqliteStore::release_lease(const std::string& pool, long long id, LeaseToken token) {
    writer_->call([&](Operations& ops) {
        PoolRow row = ops.open(pool);
        ops.check_lease(row, id, token);
        ops.drop_lease(row, id);
        ops.give_back(row, id);
        ops.save(row);
        return true;
    });
}

}  // namespace objpool_graphql::store
