// A bounded, thread-safe, least-recently-used map from query text to its prepared form.
#pragma once

#include <atomic>
#include <cstddef>
#include <iterator>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "prepared.hpp"

namespace gql::detail {

/// @brief The outcome of parsing and validating one query text: a document or its errors.
struct PreparedEntry {
    std::shared_ptr<const PreparedDocument> document;
    nlohmann::json errors = nlohmann::json::array();
    /// Set by DocumentCache when it evicts the entry: copies kept elsewhere (the engine's
    /// per-thread caches) must then stop serving it.
    mutable std::atomic<bool> evicted{false};
    /// Set by a lookup that bypassed the cache's lock (see DocumentCache::touch()).
    mutable std::atomic<bool> referenced{false};
};

/// @brief Least-recently-used cache of PreparedEntry by query text. All members are
/// thread-safe; lookups and insertions take one mutex for a hash lookup and a list splice.
///
/// Readers that keep entries of their own (per thread, without the lock) report their use
/// through touch(); eviction gives such an entry a second chance (moves it to the front once)
/// before evicting the least recently used one, and marks what it evicts.
class DocumentCache {
public:
    explicit DocumentCache(std::size_t capacity) : capacity_(capacity) {}

    /// @brief The entry for `text`, marked most recently used; null when absent.
    std::shared_ptr<const PreparedEntry> find(std::string_view text) {
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = index_.find(text);
        if (it == index_.end()) {
            return nullptr;
        }
        entries_.splice(entries_.begin(), entries_, it->second);
        return it->second->entry;
    }

    /// @brief Stores `entry` for `text` (keeping an existing one), evicting the least recently
    /// used.
    /// @return the entry now cached for `text` (or `entry` when the capacity is zero).
    std::shared_ptr<const PreparedEntry> insert(std::string_view text,
                                                std::shared_ptr<const PreparedEntry> entry) {
        if (capacity_ == 0) {
            return entry;
        }
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = index_.find(text);
        if (it != index_.end()) {
            entries_.splice(entries_.begin(), entries_, it->second);
            return it->second->entry;
        }
        // Room is made before the new entry goes in, so that it can never be the one evicted.
        // Each entry gets at most one second chance per insertion: the loop ends even if
        // other threads keep touching entries meanwhile.
        std::size_t second_chances = entries_.size();
        while (entries_.size() >= capacity_) {
            const auto last = std::prev(entries_.end());
            if (second_chances > 0 &&
                last->entry->referenced.exchange(false, std::memory_order_relaxed)) {
                --second_chances;
                entries_.splice(entries_.begin(), entries_, last);  // used since: a second chance
                continue;
            }
            last->entry->evicted.store(true, std::memory_order_relaxed);
            index_.erase(last->text);
            entries_.pop_back();
        }
        entries_.push_front(Node{std::string(text), std::move(entry)});
        index_.emplace(entries_.front().text, entries_.begin());
        return entries_.front().entry;
    }

    /// @brief Records a use of `entry` found without the lock; no write when already recorded.
    static void touch(const PreparedEntry& entry) noexcept {
        if (!entry.referenced.load(std::memory_order_relaxed)) {
            entry.referenced.store(true, std::memory_order_relaxed);
        }
    }

    [[nodiscard]] std::size_t size() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return entries_.size();
    }

private:
    struct Node {
        std::string text;
        std::shared_ptr<const PreparedEntry> entry;
    };
    std::size_t capacity_;
    mutable std::mutex mutex_;
    std::list<Node> entries_;  // most recently used first
    std::unordered_map<std::string_view, std::list<Node>::iterator> index_;  // keys view Node::text
};

}  // namespace gql::detail
