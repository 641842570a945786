#include "bearer_auth.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

#include "ascii.hpp"

namespace objpool_graphql {

namespace {

// A token file is a few lines; the cap keeps a mistaken path (a log, /dev/zero) from being read
// without end.
constexpr std::size_t max_token_file_bytes = std::size_t{1024} * 1024;

// RFC 6750, 2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
bool is_b64token(std::string_view token) noexcept {
    std::size_t i = 0;
    for (; i < token.size(); ++i) {
        const char c = token[i];
        const bool alphanumeric =
            (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alphanumeric && std::string_view("-._~+/").find(c) == std::string_view::npos) {
            break;
        }
    }
    if (i == 0) {
        return false;
    }
    for (; i < token.size(); ++i) {
        if (token[i] != '=') {
            return false;
        }
    }
    return true;
}

std::string errno_text(const std::string& path, const char* what) {
    return path + ": " + what + ": " + std::strerror(errno);
}

}  // namespace

TokenSet parse_token_file(std::string_view text, std::string_view origin) {
    TokenSet tokens;
    std::size_t line_number = 0;
    while (!text.empty()) {
        const auto newline = text.find('\n');
        const auto line = trim(text.substr(0, newline), " \t\r");
        text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
        ++line_number;
        if (line.empty() || line.front() == '#') {
            continue;
        }
        if (!is_b64token(line)) {
            throw TokenFileError(std::string(origin) + ": line " + std::to_string(line_number) +
                                 " is not a bearer token (letters, digits and -._~+/ only, then "
                                 "any '=' padding; no spaces inside)");
        }
        tokens.emplace_back(line);
    }
    if (tokens.empty()) {
        throw TokenFileError(std::string(origin) +
                             ": holds no token (one a line; blank lines and lines starting with "
                             "'#' are skipped)");
    }
    return tokens;
}

TokenSet load_token_file(const std::string& path) {
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (file == nullptr) {
        throw TokenFileError(errno_text(path, "cannot open"));
    }
    std::string text;
    char buffer[4096];
    std::size_t read = 0;
    while ((read = std::fread(buffer, 1, sizeof buffer, file)) > 0 &&
           text.size() <= max_token_file_bytes) {
        text.append(buffer, read);
    }
    // A directory opens, then fails to read (EISDIR).
    const bool failed = std::ferror(file) != 0;
    const std::string read_error = failed ? errno_text(path, "cannot read") : std::string();
    // Read-only: closing cannot lose data, so its result adds nothing to `failed`.
    (void)std::fclose(file);
    if (failed) {
        throw TokenFileError(read_error);
    }
    if (text.size() > max_token_file_bytes) {
        throw TokenFileError(path + ": larger than " + std::to_string(max_token_file_bytes) +
                             " bytes: not a token file");
    }
    return parse_token_file(text, path);
}

bool constant_time_equals(std::string_view expected, std::string_view presented) noexcept {
    if (expected.empty()) {
        return presented.empty();  // no byte to read below; a token is never empty
    }
    // Nonzero once anything differs; the loop never stops early. Past the end of `expected` its
    // first byte is read and masked to 0 (the length term has already made such a pair unequal),
    // with arithmetic rather than a branch, whose mispredictions would time where it ends.
    std::size_t difference = expected.size() ^ presented.size();
    for (std::size_t i = 0; i < presented.size(); ++i) {
        const auto in_range = static_cast<std::size_t>(i < expected.size());
        const auto expected_byte =
            static_cast<unsigned char>(expected[i * in_range]) & (std::size_t{0} - in_range);
        difference |= expected_byte ^ static_cast<unsigned char>(presented[i]);
#if defined(__GNUC__)
        // Hides `difference` from the optimiser, which could otherwise leave the loop as soon as
        // the result is known.
        __asm__ volatile("" : "+r"(difference));
#endif
    }
    return difference == 0;
}

std::optional<std::string_view> bearer_token(std::string_view authorization) noexcept {
    authorization = trim(authorization);
    const auto space = authorization.find_first_of(" \t");
    if (!iequals(authorization.substr(0, space), "bearer")) {
        return std::nullopt;
    }
    if (space == std::string_view::npos) {
        return std::string_view{};
    }
    return trim(authorization.substr(space));
}

BearerAuth::BearerAuth(std::string token_file)
    : token_file_(std::move(token_file)),
      tokens_(std::make_shared<const TokenSet>(load_token_file(token_file_))) {}

std::shared_ptr<const TokenSet> BearerAuth::current() const {
    const std::lock_guard lock(mutex_);
    return tokens_;
}

AuthResult BearerAuth::check(std::optional<std::string_view> authorization) const {
    const auto token = authorization ? bearer_token(*authorization) : std::nullopt;
    if (!token) {
        return AuthResult::NoCredentials;
    }
    // Held for the whole loop, as a reload may drop the set meanwhile (a range-for over
    // *current() would destroy the pointer before the loop starts).
    const auto tokens = current();
    // Every token is compared, so the time does not tell which one matched, or whether any did.
    std::size_t matches = 0;
    for (const auto& accepted : *tokens) {
        matches += static_cast<std::size_t>(constant_time_equals(accepted, *token));
    }
    return matches > 0 ? AuthResult::Accepted : AuthResult::InvalidToken;
}

std::string BearerAuth::reload() {
    std::shared_ptr<const TokenSet> loaded;
    try {
        loaded = std::make_shared<const TokenSet>(load_token_file(token_file_));
    } catch (const TokenFileError& e) {
        return std::string(e.what()) + "; still accepting the " + std::to_string(size()) +
               " token(s) loaded before";
    }
    const std::size_t count = loaded->size();
    std::size_t before = 0;
    {
        const std::lock_guard lock(mutex_);
        before = tokens_->size();
        tokens_.swap(loaded);
    }
    // `loaded` (now the old set) is released here, outside the lock.
    return token_file_ + ": loaded " + std::to_string(count) + " token(s), replacing " +
           std::to_string(before);
}

std::size_t BearerAuth::size() const {
    return current()->size();
}

}  // namespace objpool_graphql
