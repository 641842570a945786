#include "access_log.hpp"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <stdexcept>

namespace objpool_graphql {

AccessLog::AccessLog(const std::string& path)
    : file_(path == "-" ? stdout : std::fopen(path.c_str(), "a")), owned_(path != "-") {
    if (file_ == nullptr) {
        throw std::runtime_error("cannot open access log " + path + ": " + std::strerror(errno));
    }
}

AccessLog::~AccessLog() {
    // Nothing is left to report a failure to at exit.
    if (owned_) {
        (void)std::fclose(file_);
    } else {
        (void)std::fflush(file_);
    }
}

void AccessLog::record(std::string_view remote, std::string_view method, std::string_view target,
                       int status, std::size_t bytes, long long duration_us) {
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char when[32];
    (void)std::strftime(when, sizeof when, "%d/%b/%Y:%H:%M:%S +0000", &utc);  // always fits
    // Control characters in the target would let a client forge log lines.
    std::string safe_target;
    safe_target.reserve(target.size());
    for (char c : target) {
        safe_target += (static_cast<unsigned char>(c) < 0x20 || c == '"') ? '?' : c;
    }
    // "-" for what a request rejected before its head was complete does not have, as nginx does.
    if (method.empty()) {
        method = "-";
    }
    if (safe_target.empty()) {
        safe_target = "-";
    }
    // A line that cannot be written (disk full) is lost; requests are still served.
    std::lock_guard lock(mutex_);
    (void)std::fprintf(file_, "%.*s - - [%s] \"%.*s %s\" %d %zu %lld\n",
                       static_cast<int>(remote.size()), remote.data(), when,
                       static_cast<int>(method.size()), method.data(), safe_target.c_str(), status,
                       bytes, duration_us);
    (void)std::fflush(file_);
}

}  // namespace objpool_graphql
