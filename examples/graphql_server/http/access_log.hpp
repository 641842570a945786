// An optional access log: one line per request, in a format close to nginx's "combined".
#pragma once

#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

namespace objpool_graphql {

/// @brief Appends lines to a file ("-" for standard output). Thread-safe.
class AccessLog {
public:
    /// @throws std::runtime_error when the file cannot be opened for appending.
    explicit AccessLog(const std::string& path);
    ~AccessLog();
    AccessLog(const AccessLog&) = delete;
    AccessLog& operator=(const AccessLog&) = delete;

    /// @brief Writes `remote - - [time] "method target" status bytes duration_us`.
    void record(std::string_view remote, std::string_view method, std::string_view target,
                int status, std::size_t bytes, long long duration_us);

private:
    std::mutex mutex_;
    std::FILE* file_;
    bool owned_;
};

}  // namespace objpool_graphql
