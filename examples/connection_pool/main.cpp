// A connection pool over objpool::ConcurrentObjectPool: connections are opened ahead of time
// (prefill), checked before each use (the validation hook), thrown away when they break
// (discard), and pinged or closed while idle (for_each_idle). The database is a fake that drops
// a connection after a few queries.
#include <atomic>
#include <cassert>
#include <chrono>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include <objpool/objpool.hpp>

struct ConnectionLost : std::runtime_error {
    ConnectionLost() : std::runtime_error("connection lost") {}
};

// A fake database connection: the server drops it on its fifth query.
class Connection {
public:
    Connection() { ++opened; }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    ~Connection() { ++closed; }

    int query(int question) {
        if (++queries_ == 5) {
            alive_ = false;
        }
        if (!alive_) {
            throw ConnectionLost();
        }
        return question * 2;
    }
    bool ping() const { return alive_; }
    int queries() const { return queries_; }

    static inline std::atomic<int> opened{0};
    static inline std::atomic<int> closed{0};

private:
    int queries_ = 0;
    bool alive_ = true;
};

using Pool = objpool::ConcurrentObjectPool<Connection, objpool::Lifo>;

// Runs one query, on a fresh connection if the one it got breaks.
int ask(Pool& pool, int question) {
    for (;;) {
        auto connection = pool.get_for(std::chrono::seconds(1));
        assert(connection);
        try {
            return connection->query(question);
        } catch (const ConnectionLost&) {
            pool.discard(connection);  // destroyed now; the slot's next get opens a new one
        }
    }
}

int main() {
    Pool pool(4, /*factory=*/{}, /*reset=*/{},
              /*validate=*/[](Connection& connection) { return connection.ping(); });
    assert(pool.prefill(2) == 2);  // at start-up, before the workers share the pool
    assert(Connection::opened == 2);

    std::vector<std::thread> workers;
    std::atomic<int> answered{0};
    for (int worker = 0; worker < 3; ++worker) {
        workers.emplace_back([&] {
            for (int question = 0; question < 20; ++question) {
                if (ask(pool, question) == question * 2) {
                    ++answered;
                }
            }
        });
    }
    for (auto& worker : workers) {
        worker.join();
    }
    assert(answered == 60);
    assert(Connection::closed > 0);  // broken connections were thrown away and replaced

    // A shared_ptr for code that wants one; its deleter gives the connection back. The pool
    // must outlive it.
    std::shared_ptr<Connection> shared = pool.get_shared();
    assert(shared->ping());  // validated by the get (or just opened)
    shared.reset();

    // Maintenance, while no worker runs: close every idle connection that has served three
    // queries or more (returning false discards it); ping the others.
    int idle = 0;
    pool.for_each_idle([&](Connection& connection) {
        ++idle;
        return connection.queries() < 3 && connection.ping();
    });
    int still_open = 0;
    pool.for_each_idle([&](const Connection&) { ++still_open; });
    assert(idle <= 4 && still_open <= idle);
    assert(Connection::opened - Connection::closed == still_open);
    std::printf("opened %d connections, closed %d, %d idle left open\n", Connection::opened.load(),
                Connection::closed.load(), still_open);
}
