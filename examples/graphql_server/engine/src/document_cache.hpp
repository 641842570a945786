// A bounded, thread-safe, least-recently-used map from query text to its prepared form.
#pragma once

#include <cstddef>
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
};

/// @brief LRU cache of PreparedEntry by query text. All members are thread-safe; lookups
/// and insertions take one mutex for a hash lookup and a list splice.
class DocumentCache {
public:
    explicit DocumentCache(std::size_t capacity) : capacity_(capacity) {}

    /// @brief The entry for `text`, marked most recently used; null when absent.
    std::shared_ptr<const PreparedEntry> find(std::string_view text) {
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = index_.find(text);
        if (it == index_.end())
            return nullptr;
        entries_.splice(entries_.begin(), entries_, it->second);
        return it->second->entry;
    }

    /// @brief Stores `entry` for `text` (keeping an existing one), evicting the least recently
    /// used.
    /// @return the entry now cached for `text` (or `entry` when the capacity is zero).
    std::shared_ptr<const PreparedEntry> insert(std::string_view text,
                                                std::shared_ptr<const PreparedEntry> entry) {
        if (capacity_ == 0)
            return entry;
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = index_.find(text);
        if (it != index_.end()) {
            entries_.splice(entries_.begin(), entries_, it->second);
            return it->second->entry;
        }
        entries_.push_front(Node{std::string(text), std::move(entry)});
        index_.emplace(entries_.front().text, entries_.begin());
        while (entries_.size() > capacity_) {
            index_.erase(entries_.back().text);
            entries_.pop_back();
        }
        return entries_.front().entry;
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
