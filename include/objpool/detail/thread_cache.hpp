/// @file
/// @brief The per-thread slot caches behind objpool::ThreadCached: who owns a cache, how a
/// thread finds its cache for a pool, and what happens when the thread or the pool goes away.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <thread>
#include <utility>

#include "atomic_array.hpp"

namespace objpool::detail {

class CacheHub;

/// @brief The free slots one thread keeps for one thread-cached free list: a stack, used only
/// by its thread, of at most `capacity` slot indices.
///
/// One allocation holds the header and, right after it, the slot array. The owning thread is
/// the only one that reads or writes the slots; `count` is atomic so that the list's
/// available() may read it from other threads (relaxed: a statistic).
struct alignas(cache_line_bytes) ThreadCache {
    std::shared_ptr<CacheHub> hub;          ///< the list's hub (kept alive by the cache)
    ThreadCache* next_in_thread = nullptr;  ///< the owning thread's other caches
    ThreadCache* prev_in_hub = nullptr;     ///< the hub's caches; guarded by the hub's lock
    ThreadCache* next_in_hub = nullptr;     ///< the hub's caches; guarded by the hub's lock
    std::atomic<std::uint32_t> count{0};    ///< slots held; written by the owner only
    std::uint32_t capacity = 0;             ///< slots it can hold

    /// @brief The slot array (capacity entries; the first `count` are held).
    std::uint32_t* slots() noexcept { return reinterpret_cast<std::uint32_t*>(this + 1); }

    /// @brief A cache of `capacity` slots for `hub`, or nullptr when memory is short.
    static ThreadCache* create(std::shared_ptr<CacheHub> hub, std::uint32_t capacity) noexcept {
        const std::size_t bytes = sizeof(ThreadCache) + capacity * sizeof(std::uint32_t);
        void* memory = ::operator new (bytes, std::align_val_t{alignof(ThreadCache)}, std::nothrow);
        if (memory == nullptr) {  // GCOVR_EXCL_BR_LINE: out of memory (not provoked)
            return nullptr;       // GCOVR_EXCL_LINE: out of memory (not provoked)
        }
        auto* cache = ::new (memory) ThreadCache;
        cache->hub = std::move(hub);
        cache->capacity = capacity;
        return cache;
    }

    /// @brief Destroys a cache made by create().
    static void destroy(ThreadCache* cache) noexcept {
        cache->~ThreadCache();
        ::operator delete (cache, std::align_val_t{alignof(ThreadCache)});
    }
};

/// @brief A spin lock for the rare operations on a hub (a thread's first use of a pool, a
/// thread's exit, available()): they are short and never block, and a spin lock cannot throw,
/// which keeps those paths noexcept.
class SpinLock {
public:
    void lock() noexcept {
        while (locked_.exchange(true, std::memory_order_acquire)) {
            while (locked_.load(std::memory_order_relaxed)) {
                std::this_thread::yield();  // GCOVR_EXCL_LINE: only under contention
            }
        }
    }
    void unlock() noexcept { locked_.store(false, std::memory_order_release); }

private:
    std::atomic<bool> locked_{false};
};

/// @brief What a thread-cached free list shares with the threads that hold caches for it.
///
/// The list owns one hub through a std::shared_ptr, and every cache holds another, so the
/// hub outlives both the list and the threads. While the list lives the hub is open: it keeps
/// the list's caches in a list (for available()) and knows how to give a cache's slots back to
/// the list's shared free list. When the list is destroyed it closes the hub; caches that
/// threads still hold are then freed by those threads (at exit, or when they next look up a
/// cache), without touching the list.
class CacheHub {
public:
    /// @brief What gives a cache's slots back to the shared free list `shared`.
    using GiveBack = void (*)(void* shared, ThreadCache& cache) noexcept;

    /// @brief An open hub for the shared free list `shared`.
    CacheHub(void* shared, GiveBack give_back) noexcept
        : uid_(next_uid().fetch_add(1, std::memory_order_relaxed)),
          shared_(shared),
          give_back_(give_back) {}

    /// @brief A number no other hub of the process has (never 0), so that a thread's
    /// remembered cache can never be taken for a cache of a newer list at the same address.
    [[nodiscard]] std::uint64_t uid() const noexcept { return uid_; }

    /// @brief Whether the list still lives.
    [[nodiscard]] bool open() const noexcept { return open_.load(std::memory_order_acquire); }

    /// @brief Records a new cache of the calling thread.
    void attach(ThreadCache& cache) noexcept {
        const Guard guard(lock_);
        cache.prev_in_hub = nullptr;
        cache.next_in_hub = first_;
        if (first_ != nullptr) {
            first_->prev_in_hub = &cache;
        }
        first_ = &cache;
    }

    /// @brief Called by the cache's thread before it frees the cache: gives its slots back to
    /// the shared free list if the list still lives, and forgets the cache.
    void detach(ThreadCache& cache) noexcept {
        const Guard guard(lock_);
        if (!open_.load(std::memory_order_relaxed)) {
            return;
        }
        give_back_(shared_, cache);
        (cache.prev_in_hub != nullptr ? cache.prev_in_hub->next_in_hub : first_) =
            cache.next_in_hub;
        if (cache.next_in_hub != nullptr) {
            cache.next_in_hub->prev_in_hub = cache.prev_in_hub;
        }
    }

    /// @brief Called by the list's destructor: from now on no cache reaches the list.
    void close() noexcept {
        const Guard guard(lock_);
        open_.store(false, std::memory_order_release);
        first_ = nullptr;
    }

    /// @brief Empties every cache of the list (their slots are forgotten: the list is being
    /// reset). @pre No cache's thread uses it meanwhile.
    void empty_caches() noexcept {
        const Guard guard(lock_);
        for (ThreadCache* cache = first_; cache != nullptr; cache = cache->next_in_hub) {
            cache->count.store(0, std::memory_order_relaxed);
        }
    }

    /// @brief The number of slots all caches hold (each count as read during the call) and the
    /// number of caches.
    [[nodiscard]] std::pair<std::size_t, std::size_t> cached() const noexcept {
        const Guard guard(lock_);
        std::size_t slots = 0;
        std::size_t caches = 0;
        for (const ThreadCache* cache = first_; cache != nullptr; cache = cache->next_in_hub) {
            slots += cache->count.load(std::memory_order_relaxed);
            ++caches;
        }
        return {slots, caches};
    }

private:
    class Guard {
    public:
        explicit Guard(SpinLock& lock) noexcept : lock_(lock) { lock_.lock(); }
        Guard(const Guard&) = delete;
        Guard& operator=(const Guard&) = delete;
        ~Guard() { lock_.unlock(); }

    private:
        SpinLock& lock_;
    };

    static std::atomic<std::uint64_t>& next_uid() noexcept {
        static std::atomic<std::uint64_t> uid{1};
        return uid;
    }

    const std::uint64_t uid_;
    void* const shared_;
    const GiveBack give_back_;
    mutable SpinLock lock_;
    std::atomic<bool> open_{true};
    ThreadCache* first_ = nullptr;  // guarded by lock_
};

/// @brief The cache the calling thread used last: the one lookup on the fast path. Constant-
/// initialised and trivially destructible, so reading it costs a thread-local load and no
/// initialisation check, and it stays valid through the whole of thread exit.
struct CurrentCache {
    std::uint64_t hub_uid = 0;  ///< 0: none
    ThreadCache* cache = nullptr;
};
inline CurrentCache& current_thread_cache() noexcept {
    static thread_local CurrentCache current{};
    return current;
}

/// @brief Set once the calling thread has given its caches back (it is exiting): later
/// operations of that thread, from other thread_local destructors, use the shared free list.
inline bool& thread_caches_released() noexcept {
    static thread_local bool released = false;
    return released;
}

/// @brief Every cache the calling thread holds, freed when the thread exits.
class ThreadCaches {
public:
    ThreadCaches() noexcept = default;
    ThreadCaches(const ThreadCaches&) = delete;
    ThreadCaches& operator=(const ThreadCaches&) = delete;
    ~ThreadCaches() {
        thread_caches_released() = true;
        current_thread_cache() = CurrentCache{};
        while (first_ != nullptr) {
            ThreadCache* const cache = first_;
            first_ = cache->next_in_thread;
            cache->hub->detach(*cache);
            ThreadCache::destroy(cache);
        }
    }

    /// @brief The calling thread's cache for `hub` (made, with room for `capacity` slots, on
    /// first use), or nullptr when the thread is exiting or memory is short.
    ThreadCache* find_or_create(const std::shared_ptr<CacheHub>& hub,
                                std::uint32_t capacity) noexcept {
        ThreadCache* found = nullptr;
        // Caches of lists that are gone are freed here, so that a thread that uses many
        // short-lived pools does not accumulate them.
        for (ThreadCache** link = &first_; *link != nullptr;) {
            ThreadCache* const cache = *link;
            if (cache->hub == hub) {
                found = cache;
            } else if (!cache->hub->open()) {
                *link = cache->next_in_thread;
                ThreadCache::destroy(cache);
                continue;
            }
            link = &cache->next_in_thread;
        }
        if (found == nullptr) {
            found = ThreadCache::create(hub, capacity);
            if (found == nullptr) {  // GCOVR_EXCL_BR_LINE: out of memory (not provoked)
                return nullptr;      // GCOVR_EXCL_LINE: out of memory (not provoked)
            }
            hub->attach(*found);
            found->next_in_thread = first_;
            first_ = found;
        }
        current_thread_cache() = CurrentCache{hub->uid(), found};
        return found;
    }

private:
    ThreadCache* first_ = nullptr;
};

/// @brief The calling thread's cache for `hub` (see ThreadCaches::find_or_create): the slow
/// path of a lookup, taken when the thread last used another list.
[[gnu::noinline]] inline ThreadCache* find_or_create_thread_cache(
    const std::shared_ptr<CacheHub>& hub, std::uint32_t capacity) noexcept {
    if (thread_caches_released()) {
        return nullptr;
    }
    static thread_local ThreadCaches caches;
    return caches.find_or_create(hub, capacity);
}

}  // namespace objpool::detail
