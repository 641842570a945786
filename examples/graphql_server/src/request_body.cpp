#include "request_body.hpp"

#include <cstddef>

namespace objpool_graphql {

namespace {

// A cursor over the body; every reader returns false on anything it does not handle.
class Reader {
public:
    explicit Reader(std::string_view text) noexcept : text_(text) {}

    void skip_space() noexcept {
        while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\t' ||
                                      text_[at_] == '\n' || text_[at_] == '\r')) {
            ++at_;
        }
    }

    bool consume(char c) noexcept {
        skip_space();
        if (at_ >= text_.size() || text_[at_] != c)
            return false;
        ++at_;
        return true;
    }

    // `null`, or what `read_value` reads.
    template <class ReadValue>
    bool null_or(ReadValue read_value) {
        skip_space();
        if (text_.compare(at_, 4, "null") != 0)
            return read_value();
        at_ += 4;
        return true;
    }

    [[nodiscard]] bool at_end() noexcept {
        skip_space();
        return at_ == text_.size();
    }

    [[nodiscard]] char peek() noexcept {
        skip_space();
        return at_ < text_.size() ? text_[at_] : '\0';
    }

    // A string of printable ASCII with one-character escapes, unescaped into `out`.
    bool string(std::string& out) {
        if (!consume('"'))
            return false;
        out.clear();
        // A local cursor: the member would be stored back on every byte, as `out` may alias it.
        std::size_t at = at_;
        std::size_t plain = at;  // the first byte not yet copied
        const std::size_t size = text_.size();
        while (at < size) {
            const auto c = static_cast<unsigned char>(text_[at]);
            if (c != '"' && c != '\\' && c >= 0x20 && c < 0x7F) {
                ++at;
                continue;
            }
            if (c == '"') {
                out.append(text_.data() + plain, at - plain);
                at_ = at + 1;
                return true;
            }
            if (c != '\\' || at + 1 >= size)
                return false;  // control characters and non-ASCII: the full parser decides
            const char escaped = unescape(text_[at + 1]);
            if (escaped == '\0')
                return false;  // \u and invalid escapes
            if (out.empty())   // the first escape: room for the rest at once, not by doublings
                out.reserve(size - plain);
            out.append(text_.data() + plain, at - plain).push_back(escaped);
            at += 2;
            plain = at;
        }
        return false;
    }

    // The raw text of an object, delimited by bracket balance outside strings.
    bool object_text(std::string_view& out) noexcept {
        skip_space();
        if (at_ >= text_.size() || text_[at_] != '{')
            return false;
        const std::size_t start = at_;
        std::size_t depth = 0;
        bool in_string = false;
        for (; at_ < text_.size(); ++at_) {
            const char c = text_[at_];
            if (in_string) {
                if (c == '\\') {
                    ++at_;
                } else if (c == '"') {
                    in_string = false;
                }
            } else if (c == '"') {
                in_string = true;
            } else if (c == '{' || c == '[') {
                ++depth;
            } else if ((c == '}' || c == ']') && --depth == 0) {
                ++at_;
                out = text_.substr(start, at_ - start);
                return true;
            }
        }
        return false;
    }

private:
    static char unescape(char c) noexcept {
        constexpr std::string_view names = "\"\\/bfnrt";
        constexpr std::string_view values = "\"\\/\b\f\n\r\t";
        const auto at = names.find(c);
        return at == std::string_view::npos ? '\0' : values[at];
    }

    std::string_view text_;
    std::size_t at_ = 0;
};

}  // namespace

bool read_simple_request(std::string_view body, SimpleRequest& out) {
    Reader reader(body);
    if (!reader.consume('{'))
        return false;
    bool has_query = false;
    bool has_variables = false;
    bool has_operation_name = false;
    std::string key;
    out.variables_json = {};
    out.operation_name.clear();
    if (reader.peek() != '}') {
        do {
            if (!reader.string(key) || !reader.consume(':'))
                return false;
            if (key == "query" && !has_query) {
                has_query = true;
                if (!reader.string(out.query))
                    return false;
            } else if (key == "variables" && !has_variables) {
                has_variables = true;
                if (!reader.null_or([&] { return reader.object_text(out.variables_json); }))
                    return false;
            } else if (key == "operationName" && !has_operation_name) {
                has_operation_name = true;
                if (!reader.null_or([&] { return reader.string(out.operation_name); }))
                    return false;
            } else {
                return false;  // another member, or one given twice
            }
        } while (reader.consume(','));
    }
    return reader.consume('}') && reader.at_end() && has_query;
}

}  // namespace objpool_graphql
